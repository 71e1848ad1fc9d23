"""``/api/v1/publications/``: published documents of public meetings only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings
from rest_framework.test import APIClient

from infitah.meetings.models import Meeting
from infitah.publications import services
from infitah.publications.models import Publication
from tests import factories
from tests.publications.conftest import WORKSHOP_SLUG, BeniMellal, publish

pytestmark = pytest.mark.django_db

URL = "/api/v1/publications/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def documents(beni_mellal: BeniMellal) -> dict[str, Publication]:
    """Published: Arabic press release, French agenda; draft: Arabic invitation."""
    made = {}
    for kind, language in (("press_release", "ar"), ("agenda", "fr"), ("invitation", "ar")):
        made[f"{kind}-{language}"] = services.publication_generate(
            meeting=beni_mellal.workshop, kind=kind, language=language, actor=None
        )
    publish(made["press_release-ar"])
    publish(made["agenda-fr"])
    return made


def test_lists_published_documents_only(api: APIClient, documents: dict[str, Publication]) -> None:
    body = api.get(URL).json()
    assert body["count"] == 2
    rows = {(row["kind"], row["language"]): row for row in body["results"]}
    assert set(rows) == {("press_release", "ar"), ("agenda", "fr")}
    row = rows[("press_release", "ar")]
    assert row["meeting"] == WORKSHOP_SLUG
    assert row["title"].startswith("بلاغ صحفي: ")
    assert "العاشرة صباحا" in row["body"]
    assert row["web_url"] == (
        f"http://testserver/ar/publications/{WORKSHOP_SLUG}/press_release/ar/"
    )
    assert row["pdf_url"] == (
        f"http://testserver/ar/publications/{WORKSHOP_SLUG}/press_release/ar/pdf/"
    )
    assert rows[("agenda", "fr")]["web_url"].startswith("http://testserver/fr/publications/")
    assert row["url"] == f"http://testserver/api/v1/publications/{row['id']}/"
    assert api.get(row["url"]).json()["id"] == row["id"]


def test_drafts_and_unpublished_meetings_never_appear(
    api: APIClient, beni_mellal: BeniMellal, documents: dict[str, Publication]
) -> None:
    draft = documents["invitation-ar"]
    assert api.get(f"{URL}{draft.pk}/").status_code == 404
    Meeting.objects.filter(pk=beni_mellal.workshop.pk).update(is_published=False)
    assert api.get(URL).json()["count"] == 0
    published = documents["agenda-fr"]
    response = api.get(f"{URL}{published.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_filters(
    api: APIClient, beni_mellal: BeniMellal, documents: dict[str, Publication]
) -> None:
    other = factories.MeetingFactory(network=beni_mellal.network, plan=beni_mellal.plan)
    publish(services.publication_generate(meeting=other, kind="agenda", language="ar", actor=None))
    assert api.get(URL).json()["count"] == 3
    assert api.get(URL, {"meeting": WORKSHOP_SLUG}).json()["count"] == 2
    assert api.get(URL, {"meeting": other.slug, "kind": "agenda"}).json()["count"] == 1
    assert api.get(URL, {"language": "fr"}).json()["count"] == 1
    assert api.get(URL, {"kind": "press_release", "language": "ar"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"meeting": "no-such-meeting"}, "meeting"),
        ({"kind": "memo"}, "kind"),
        ({"language": "en"}, "language"),
    ],
)
def test_bad_filters_are_400(
    api: APIClient, documents: dict[str, Publication], params: dict[str, str], field: str
) -> None:
    response = api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_writes_are_refused(api: APIClient, documents: dict[str, Publication]) -> None:
    publication = documents["agenda-fr"]
    assert api.post(URL, {"title": "x"}).status_code in (403, 405)
    assert api.delete(f"{URL}{publication.pk}/").status_code in (403, 405)
    assert Publication.objects.filter(pk=publication.pk).exists()


def test_query_count_does_not_grow(
    api: APIClient, beni_mellal: BeniMellal, settings: Settings
) -> None:
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0

    def add(count: int) -> None:
        for _ in range(count):
            meeting = factories.MeetingFactory(network=beni_mellal.network, plan=beni_mellal.plan)
            Publication.objects.create(
                meeting=meeting, kind="agenda", language="ar", title="T", body="B"
            ).__class__.objects.filter(meeting=meeting).update(published_at=meeting.starts_at)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = queries()
    add(20)
    assert queries() == few
    assert api.get(URL).json()["count"] == 22
