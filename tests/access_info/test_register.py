"""The public register: privacy, filters, Arabic search, documents, query counts."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from infitah.access_info.models import InformationRequest, RequestEvent
from infitah.access_info.selectors import RegisterFilters, register_requests
from infitah.access_info.services_public import register_search_text, register_search_text_refresh
from infitah.territories.models import Collectivity
from tests import factories
from tests.access_info.factories_public import (
    PERSONAL,
    ComplaintFactory,
    InformationRequestFactory,
    RequestDocumentFactory,
    RequestEventFactory,
    decided,
    local,
    media_root,  # noqa: F401 - fixture
    uncached,  # noqa: F401 - fixture
)
from tests.sample_map import count_queries

pytestmark = pytest.mark.django_db

Status = InformationRequest.Status
REGISTER = "/en/information/register/"


def _html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _bytes(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _xlsx_text(data: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.fixture
def personal_request(commune_a: Collectivity, media_root: Any) -> InformationRequest:  # noqa: F811
    """An answered, published request whose requester's data is distinctive."""
    request = decided(
        collectivity=commune_a,
        subject="Budget de la commune 2025",
        released_text="Le budget voté est joint.",
        released_published_at=local(2026, 3, 17),
        status=Status.PARTLY_ANSWERED,
        is_urgent=True,
        extended_at=local(2026, 3, 10),
        id_document_kind=InformationRequest.IdDocument.NATIONAL_ID,
        **PERSONAL,
    )
    RequestEventFactory(request=request, note=PERSONAL["requester_name"])
    RequestEventFactory(
        request=request, kind=RequestEvent.Kind.NOTE, note=PERSONAL["postal_address"]
    )
    ComplaintFactory(
        request=request, text=PERSONAL["information_requested"], outcome_text=PERSONAL["email"]
    )
    RequestDocumentFactory(request=request, title="Budget voté", is_public=True)
    RequestDocumentFactory(
        request=request, title=f"Pièce d'identité {PERSONAL['requester_name']}", is_public=False
    )
    return request


def _assert_private(text: str, where: str) -> None:
    for name, value in PERSONAL.items():
        assert value not in text, f"{name} leaked in {where}"
    assert "Personalname" not in text, where


# ----------------------------------------------------------------------- privacy
def test_personal_data_never_appears_in_pages_api_or_exports(
    personal_request: InformationRequest,
    uncached: None,  # noqa: F811
) -> None:
    client = Client()
    reference = personal_request.reference
    slug = personal_request.collectivity.slug
    code = personal_request.collectivity.code
    urls = [
        REGISTER,
        f"{REGISTER}?q=budget",
        f"/ar{REGISTER[3:]}",
        f"{REGISTER}{reference}/",
        f"/ar/information/register/{reference}/",
        "/fr/information/statistics/",
        f"/fr/information/statistics/{slug}/",
        f"/fr/information/disclosure/{slug}/",
        "/api/v1/information-register/",
        f"/api/v1/information-register/{reference}/",
        "/api/v1/information-statistics/",
        f"/api/v1/information-statistics/{code}/",
        "/fr/information/register/export/?format=csv",
        "/fr/information/statistics/export/?format=csv",
        f"/fr/information/statistics/{slug}/export/?format=csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_private(_bytes(response).decode("utf-8-sig"), url)
    for url in (
        "/fr/information/register/export/?format=xlsx",
        "/fr/information/statistics/export/?format=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_private(_xlsx_text(_bytes(response)), url)
    # The public document is served under its title, the identity document not at all.
    detail = _html(client, f"{REGISTER}{reference}/")
    assert "Budget voté" in detail
    assert "Pièce d" not in detail


def test_personal_words_are_not_searchable(personal_request: InformationRequest) -> None:
    for words in ("Zoubida", "4711", "ZX998877", "Secrète"):
        assert not register_requests(RegisterFilters(query=words)).exists(), words
    assert register_requests(RegisterFilters(query="budget")).exists()


def test_search_text_covers_subject_reference_and_published_answer_only() -> None:
    request = InformationRequest(
        reference="C.1-2026-000001",
        subject="الميزانية",
        information_requested="Zoubida",
        released_text="محضر الدورة",
    )
    assert register_search_text(request) == "c 1 2026 000001 الميزانيه"
    request.released_published_at = local(2026, 3, 1)
    assert register_search_text(request).endswith("محضر الدوره")


def test_refresh_recomputes_search_text(commune_a: Collectivity) -> None:
    request = InformationRequestFactory(collectivity=commune_a, subject="Marchés publics")
    InformationRequest.objects.filter(pk=request.pk).update(
        search_text="stale", released_text="صفقات", released_published_at=local(2026, 3, 5)
    )
    assert register_search_text_refresh() == 1
    request.refresh_from_db()
    assert "صفقات" in request.search_text
    assert register_search_text_refresh() == 0


# ------------------------------------------------------------------- visibility
def test_only_register_requests_are_listed_and_shown(commune_a: Collectivity) -> None:
    shown = InformationRequestFactory(collectivity=commune_a, subject="Visible request")
    hidden = InformationRequestFactory(
        collectivity=commune_a, subject="Hidden request", is_in_register=False
    )
    client = Client()
    html = _html(client, REGISTER)
    assert "Visible request" in html
    assert "Hidden request" not in html
    assert client.get(f"{REGISTER}{shown.reference}/").status_code == 200
    assert client.get(f"{REGISTER}{hidden.reference}/").status_code == 404
    assert client.get(f"{REGISTER}NOPE/").status_code == 404
    assert client.get(f"{REGISTER}{'x' * 300}/").status_code == 404


def test_released_text_and_documents_wait_for_publication(
    commune_a: Collectivity,
    media_root: Any,  # noqa: F811
) -> None:
    request = decided(collectivity=commune_a, released_text="Texte de la réponse")
    public = RequestDocumentFactory(request=request, title="Réponse", is_public=True)
    private = RequestDocumentFactory(request=request, title="Brouillon", is_public=False)
    client = Client()
    url = f"{REGISTER}{request.reference}/"
    document_url = f"{url}documents/{public.pk}/"
    html = _html(client, url)
    assert "Texte de la réponse" not in html
    assert "Réponse" not in html
    assert client.get(document_url).status_code == 404

    request.released_published_at = local(2026, 3, 18)
    request.save()
    html = _html(client, url)
    assert "Texte de la réponse" in html
    assert document_url in html
    assert "Brouillon" not in html
    response = client.get(document_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "R%C3%A9ponse.pdf" in response["Content-Disposition"]
    assert "released" not in response["Content-Disposition"]  # never the stored name
    assert client.get(f"{url}documents/{private.pk}/").status_code == 404


def test_detail_shows_steps_complaints_and_outcome(commune_a: Collectivity) -> None:
    request = decided(
        collectivity=commune_a,
        status=Status.REFUSED,
        refusal_ground=InformationRequest.RefusalGround.PRIVATE_LIFE,
        refusal_text="Texte interne",
        working_days_taken=25,
        answered_on_time=False,
    )
    RequestEventFactory(request=request, kind=RequestEvent.Kind.RECEIVED, note="secret note")
    RequestEventFactory(
        request=request,
        kind=RequestEvent.Kind.STATUS,
        to_status=Status.REFUSED,
        at=local(2026, 4, 6),
    )
    RequestEventFactory(request=request, kind=RequestEvent.Kind.REMINDER, at=local(2026, 3, 20))
    ComplaintFactory(request=request, outcome="upheld", decided_on=local(2026, 5, 4).date())
    html = _html(Client(), f"{REGISTER}{request.reference}/")
    assert "Private life of individuals" in html
    assert "Texte interne" not in html
    assert "secret note" not in html
    assert "reminder sent" not in html.lower()
    assert "Upheld" in html or "upheld" in html
    assert '<time datetime="2026-04-06">' in html
    assert "after the deadline" in html


# ---------------------------------------------------------------------- filters
def test_filters_by_collectivity_region_status_urgency_and_channel() -> None:
    first = factories.CommuneFactory(name_fr="Première")
    second = factories.CommuneFactory(name_fr="Seconde")
    InformationRequestFactory(collectivity=first, subject="Alpha request")
    decided(collectivity=second, subject="Beta request", is_urgent=True)
    InformationRequestFactory(
        collectivity=second, subject="Gamma request", channel=InformationRequest.Channel.POST
    )
    client = Client()

    def subjects(query: str) -> set[str]:
        html = _html(client, f"{REGISTER}?{query}")
        return set(re.findall(r"(Alpha|Beta|Gamma) request", html))

    assert subjects("") == {"Alpha", "Beta", "Gamma"}
    assert subjects(f"collectivity={first.slug}") == {"Alpha"}
    assert subjects(f"collectivity={second.code}") == {"Beta", "Gamma"}
    assert subjects(f"region={second.region.slug}") == {"Beta", "Gamma"}
    assert subjects(f"region={first.region.code}") == {"Alpha"}
    assert subjects("status=answered") == {"Beta"}
    assert subjects("urgency=urgent") == {"Beta"}
    assert subjects("urgency=ordinary") == {"Alpha", "Gamma"}
    assert subjects("channel=post") == {"Gamma"}


def test_unknown_filter_values_are_ignored_with_a_notice() -> None:
    InformationRequestFactory(subject="Alpha request")
    client = Client()
    for query in ("status=lost", "region=atlantis", "collectivity=nowhere", "year=abc"):
        response = client.get(f"{REGISTER}?{query}")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Alpha request" in html, query
        assert "notice--warning" in html, query
    assert client.get(f"{REGISTER}?q=%00&page=%00&year=%00").status_code == 200


def test_year_filter_uses_local_time() -> None:
    # 00:30 on 1 January 2026 in Casablanca is 23:30 on 31 December 2025 in UTC.
    InformationRequestFactory(subject="New year request", received_at=local(2026, 1, 1, 0, 30))
    InformationRequestFactory(subject="Old year request", received_at=local(2025, 12, 31, 23, 30))
    client = Client()
    html_2026 = _html(client, f"{REGISTER}?year=2026")
    html_2025 = _html(client, f"{REGISTER}?year=2025")
    assert "New year request" in html_2026 and "Old year request" not in html_2026
    assert "Old year request" in html_2025 and "New year request" not in html_2025
    assert '<option value="2026"' in html_2026 and '<option value="2025"' in html_2026


@pytest.mark.parametrize(
    ("subject", "query"),
    [
        ("الحصول على المعلومات المتعلقة بالميزانية", "المعلومات"),
        ("الحصول على المعلومات المتعلقة بالميزانية", "الميزانيه"),  # ة / ه
        ("إحصائيات الحالة المدنية", "احصائيات"),  # إ / ا
        ("أشغال المستشفى الجهوي", "المستشفي"),  # ى / ي
        ("الصَّفَقات العمومية", "الصفقات"),  # diacritics
        ("Marchés publics", "marches"),  # accents, case
    ],
)
def test_search_matches_arabic_spelling_variants(subject: str, query: str) -> None:
    InformationRequestFactory(subject=subject)
    InformationRequestFactory(subject="Autre chose")
    html = _html(Client(), f"{REGISTER}?q={query}")
    assert subject in html
    assert "Autre chose" not in html


def test_search_finds_published_answers() -> None:
    decided(
        subject="Demande A",
        released_text="نتائج طلب العروض رقم 12",
        released_published_at=local(2026, 3, 20),
    )
    decided(subject="Demande B", released_text="نتائج طلب العروض رقم 13")  # not published
    html = _html(Client(), f"{REGISTER}?q=العروض")
    assert "Demande A" in html
    assert "Demande B" not in html


# ------------------------------------------------------------------ flags, paging
def test_late_flag_follows_the_local_date() -> None:
    request = InformationRequestFactory(subject="Open request", due_on=local(2026, 3, 30).date())
    client = Client()
    with time_machine.travel(local(2026, 3, 30, 23, 0), tick=False):
        assert "badge--late" not in _html(client, f"{REGISTER}{request.reference}/")
    with time_machine.travel(local(2026, 3, 31, 0, 30), tick=False):
        assert "badge--late" in _html(client, f"{REGISTER}{request.reference}/?fresh")


def test_pages_beyond_the_end_show_the_last_page() -> None:
    InformationRequestFactory.create_batch(30)
    html = _html(Client(), f"{REGISTER}?page=99")
    assert "showing page 2" in html or "page 2" in html
    assert html.count('class="register-subject"') == 5


def test_register_query_count_does_not_grow(uncached: None) -> None:  # noqa: F811
    commune = factories.CommuneFactory()
    InformationRequestFactory.create_batch(2, collectivity=commune)
    client = Client()
    few = count_queries(client, REGISTER)
    InformationRequestFactory.create_batch(28, collectivity=factories.CommuneFactory())
    decided(collectivity=commune)
    many = count_queries(client, REGISTER)
    assert many == few
    assert few <= 6  # aggregates are computed in a test transaction; then count, rows
    detail = InformationRequest.objects.first()
    assert detail is not None
    assert count_queries(client, f"{REGISTER}{detail.reference}/") <= 8


@pytest.mark.django_db(transaction=True)
def test_anonymous_register_page_is_served_from_the_cache() -> None:
    InformationRequestFactory(subject="Cached request")
    client = Client()
    assert client.get(REGISTER).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(REGISTER)
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 1  # the content version
    InformationRequestFactory(subject="Newer request")
    assert "Newer request" in _html(client, REGISTER)


def test_pages_have_no_inline_style_or_script(commune_a: Collectivity) -> None:
    request = decided(collectivity=commune_a, released_published_at=local(2026, 3, 18))
    client = Client()
    for url in (REGISTER, f"/ar/information/register/{request.reference}/"):
        html = _html(client, url)
        assert " style=" not in html and "<style" not in html and "<script" not in html
        assert "access_info/access_info.css" in html


def test_register_document_content_file_must_exist(
    commune_a: Collectivity,
    media_root: Any,  # noqa: F811
) -> None:
    request = decided(collectivity=commune_a, released_published_at=local(2026, 3, 18))
    document = RequestDocumentFactory(request=request, title="Gone")
    document.file.storage.delete(document.file.name)
    url = f"{REGISTER}{request.reference}/documents/{document.pk}/"
    assert Client().get(url).status_code == 404
    document.file.save("again.pdf", ContentFile(b"%PDF-1.4 again"))
    assert Client().get(url).status_code == 200


def test_collectivity_options_are_listed_once_and_the_chosen_one_is_selected() -> None:
    first = factories.CommuneFactory(name_fr="Première")
    second = factories.CommuneFactory(name_fr="Seconde")
    InformationRequestFactory(collectivity=first, subject="Alpha request")
    InformationRequestFactory(collectivity=second, subject="Beta request")
    client = Client()
    html = _html(client, f"{REGISTER}?collectivity={second.code.lower()}")
    assert f'<option value="{second.slug}" selected>' in html
    assert f'<option value="{first.slug}">' in html
    assert html.count(f'value="{second.slug}"') == 1
    assert "Beta request" in html and "Alpha request" not in html
    html = _html(client, REGISTER)
    assert " selected>" not in html.split('id="id_collectivity"')[1].split("</select>")[0]
