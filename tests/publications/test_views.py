"""Public pages (HTML and PDF) and the staff pages, with their permission matrix."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from infitah.accounts.models import User
from infitah.meetings.models import Meeting
from infitah.publications import services
from infitah.publications.models import Publication
from tests.publications.conftest import PERSONAS, WORKSHOP_SLUG, WRITERS, BeniMellal, publish

pytestmark = pytest.mark.django_db

BASE = f"/fr/publications/{WORKSHOP_SLUG}"
DOC = f"{BASE}/press_release/ar/"


def generate(
    beni_mellal: BeniMellal, kind: str = "press_release", language: str = "ar"
) -> Publication:
    return services.publication_generate(
        meeting=beni_mellal.workshop, kind=kind, language=language, actor=None
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Public pages -------------------------------------------------------------------


def test_drafts_are_not_public(client: Client, beni_mellal: BeniMellal) -> None:
    generate(beni_mellal)
    assert client.get(DOC).status_code == 404
    assert client.get(f"{DOC}pdf/").status_code == 404
    assert client.get(f"{BASE}/press_release/fr/").status_code == 404  # never generated


def test_published_document_page(client: Client, beni_mellal: BeniMellal) -> None:
    publication = publish(generate(beni_mellal))
    publish(generate(beni_mellal, "agenda", "fr"))
    generate(beni_mellal, "invitation", "ar")  # a draft: not listed
    response = client.get(DOC)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<article class="publication" lang="ar" dir="rtl">' in html
    assert "تنظم جماعة بني ملال" in html
    assert "<li>الخميس 12 يناير 2023" in html
    assert f'href="{DOC}pdf/"' in html
    assert f"{BASE}/agenda/fr/" in html
    assert f"{BASE}/invitation/ar/" not in html
    assert " style=" not in html and "<style" not in html and "<script" not in html
    assert publication.title in html


def test_published_document_pdf(client: Client, beni_mellal: BeniMellal) -> None:
    publish(generate(beni_mellal))
    response = client.get(f"{DOC}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{WORKSHOP_SLUG}-press-release-ar.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_public_pages_are_cached_for_anonymous_visitors(
    client: Client, beni_mellal: BeniMellal
) -> None:
    publish(generate(beni_mellal))
    for url in (DOC, f"{DOC}pdf/"):
        first = client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content
        assert len(ctx.captured_queries) <= 1, url


def test_unpublished_meeting_hides_published_documents(
    client: Client, beni_mellal: BeniMellal
) -> None:
    publish(generate(beni_mellal))
    Meeting.objects.filter(pk=beni_mellal.workshop.pk).update(is_published=False)
    assert client.get(DOC).status_code == 404
    beni_mellal.plan.is_published = False
    beni_mellal.plan.save()
    Meeting.objects.filter(pk=beni_mellal.workshop.pk).update(is_published=True)
    assert client.get(DOC).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/memo/ar/",
        f"{BASE}/agenda/en/",
        "/fr/publications/no-such-meeting/agenda/ar/",
        "/fr/publications/no-such-meeting/agenda/ar/pdf/",
    ],
)
def test_unknown_addresses(client: Client, beni_mellal: BeniMellal, url: str) -> None:
    assert client.get(url).status_code == 404


def test_staff_preview_drafts(
    beni_mellal: BeniMellal, persona: Callable[[str], User | None]
) -> None:
    generate(beni_mellal)
    editor = client_for(persona("editor"))
    response = editor.get(DOC)
    assert response.status_code == 200
    assert "notice notice--warning" in response.content.decode()
    pdf = editor.get(f"{DOC}pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # Staff of another commune and moderators see a 404, as the public does.
    for name in ("other_admin", "moderator", "citizen"):
        assert client_for(persona(name)).get(DOC).status_code == 404, name


# --- Permission matrix of the staff pages ---------------------------------------------


def _state(beni_mellal: BeniMellal) -> list[tuple[str, str, str, bool]]:
    return sorted(
        (p.kind, p.language, p.body, p.is_published)
        for p in Publication.objects.filter(meeting=beni_mellal.workshop)
    )


ACTIONS = ("manage", "generate", "edit_get", "edit_save", "publish", "unpublish")


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(
    beni_mellal: BeniMellal, persona: Callable[[str], User | None], name: str, action: str
) -> None:
    draft = generate(beni_mellal, "agenda", "fr")
    if action == "unpublish":
        publish(draft)
    client = client_for(persona(name))
    doc = f"{BASE}/agenda/fr/"
    before = _state(beni_mellal)
    if action == "manage":
        response = client.get(f"{BASE}/manage/")
    elif action == "generate":
        response = client.post(
            f"{BASE}/manage/generate/", {"kind": "press_release", "language": "ar"}
        )
    elif action == "edit_get":
        response = client.get(f"{doc}edit/")
    elif action == "edit_save":
        response = client.post(f"{doc}edit/", {"title": "Titre", "body": "Nouveau texte"})
    else:
        response = client.post(f"{doc}{action}/")
    after = _state(beni_mellal)
    if name == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert after == before
    elif name in WRITERS:
        assert response.status_code in (200, 302)
        if action in ("manage", "edit_get"):
            assert response.status_code == 200
            assert after == before
        else:
            assert after != before
    else:
        assert response.status_code == 403
        assert after == before


def test_network_meeting_is_managed_by_coordinators_only(
    beni_mellal: BeniMellal, persona: Callable[[str], User | None]
) -> None:
    url = f"/fr/publications/{beni_mellal.training.slug}/manage/"
    assert client_for(persona("admin")).get(url).status_code == 403
    assert client_for(persona("coordinator")).get(url).status_code == 200


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_staff_pages_refuse_other_methods(
    beni_mellal: BeniMellal, persona: Callable[[str], User | None], method: str
) -> None:
    generate(beni_mellal, "agenda", "fr")
    client = client_for(persona("admin"))
    assert getattr(client, method)(f"{BASE}/agenda/fr/publish/").status_code == 405
    assert getattr(client, method)(f"{BASE}/manage/generate/").status_code == 405


# --- Staff pages at work ------------------------------------------------------------


@pytest.fixture
def admin_client(persona: Callable[[str], User | None]) -> Client:
    return client_for(persona("admin"))


def test_manage_page_lists_six_documents(beni_mellal: BeniMellal, admin_client: Client) -> None:
    publish(generate(beni_mellal))
    generate(beni_mellal, "agenda", "fr")
    response = admin_client.get(f"{BASE}/manage/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'<tr id="(press_release|invitation|agenda)-(ar|fr)">', html)) == 6
    assert html.count('name="force"') == 1  # only the published one asks to overwrite
    assert html.count("badge--member") == 1 and html.count("badge--warning") == 1
    assert " style=" not in html and "<script" not in html


def test_manage_page_reports_missing_translations(
    beni_mellal: BeniMellal, admin_client: Client
) -> None:
    Meeting.objects.filter(pk=beni_mellal.workshop.pk).update(city_fr="")
    html = admin_client.get(f"/en/publications/{WORKSHOP_SLUG}/manage/").content.decode()
    assert "Français" in html and "city" in html


def test_generate_all_then_one(beni_mellal: BeniMellal, admin_client: Client) -> None:
    response = admin_client.post(
        f"{BASE}/manage/generate/", {"kind": "all", "language": "all"}, follow=True
    )
    assert response.status_code == 200
    assert Publication.objects.filter(meeting=beni_mellal.workshop).count() == 6
    agenda = Publication.objects.get(meeting=beni_mellal.workshop, kind="agenda", language="fr")
    publish(agenda)
    admin_client.post(f"{BASE}/manage/generate/", {"kind": "agenda", "language": "fr"})
    agenda.refresh_from_db()
    assert agenda.is_published
    response = admin_client.post(
        f"{BASE}/manage/generate/", {"kind": "agenda", "language": "fr"}, follow=True
    )
    assert "message--error" in response.content.decode()
    response = admin_client.post(
        f"{BASE}/manage/generate/",
        {"kind": "agenda", "language": "fr", "force": "on"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#agenda-fr")


def test_generate_with_bad_input_is_a_message(
    beni_mellal: BeniMellal, admin_client: Client
) -> None:
    response = admin_client.post(
        f"{BASE}/manage/generate/", {"kind": "memo", "language": "\x00"}, follow=True
    )
    assert response.status_code == 200
    assert "message--error" in response.content.decode()
    assert not Publication.objects.exists()


def test_edit_preview_does_not_save(beni_mellal: BeniMellal, admin_client: Client) -> None:
    publication = generate(beni_mellal, "agenda", "fr")
    url = f"{BASE}/agenda/fr/edit/"
    page = admin_client.get(url).content.decode()
    assert 'lang="fr" dir="ltr"' in page
    response = admin_client.post(
        url, {"title": "Titre", "body": "Para\n\n- un\n- deux", "action": "preview"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<li>un</li>" in html and "<li>deux</li>" in html
    publication.refresh_from_db()
    assert publication.title != "Titre"
    response = admin_client.post(url, {"title": "Titre", "body": "Para", "action": "save"})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert (publication.title, publication.body) == ("Titre", "Para")


def test_edit_errors_reshow_the_form(beni_mellal: BeniMellal, admin_client: Client) -> None:
    generate(beni_mellal, "agenda", "fr")
    response = admin_client.post(f"{BASE}/agenda/fr/edit/", {"title": "", "body": "x" * 60_000})
    assert response.status_code == 200
    assert response.content.decode().count("form__errors") >= 2


def test_edit_of_a_document_not_generated_is_404(
    beni_mellal: BeniMellal, admin_client: Client
) -> None:
    assert admin_client.get(f"{BASE}/agenda/fr/edit/").status_code == 404
    assert admin_client.post(f"{BASE}/agenda/fr/publish/").status_code == 404


def test_publish_then_public(beni_mellal: BeniMellal, admin_client: Client) -> None:
    generate(beni_mellal, "agenda", "ar")
    assert admin_client.post(f"{BASE}/agenda/ar/publish/").status_code == 302
    assert Client().get(f"{BASE}/agenda/ar/").status_code == 200
    admin_client.post(f"{BASE}/agenda/ar/unpublish/")
    assert Client().get(f"{BASE}/agenda/ar/").status_code == 404


def test_head_requests_and_other_methods_on_public_pages(
    client: Client, beni_mellal: BeniMellal
) -> None:
    publish(generate(beni_mellal))
    assert client.head(DOC).status_code == 200
    assert client.post(DOC).status_code == 405
    assert client.post(f"{DOC}pdf/").status_code == 405


def test_published_for_meeting_selector(beni_mellal: BeniMellal) -> None:
    from infitah.publications.selectors import published_for_meeting

    publish(generate(beni_mellal, "agenda", "fr"))
    generate(beni_mellal, "agenda", "ar")
    assert [(p.kind, p.language) for p in published_for_meeting(beni_mellal.workshop)] == [
        ("agenda", "fr")
    ]
