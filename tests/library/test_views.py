"""The library's pages: list (filters, search, pagination, query counts), document, download."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from infitah.accounts.models import User
from infitah.library import services
from infitah.library.models import Document
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.library import samples
from tests.sample_map import count_queries

pytestmark = pytest.mark.django_db

LIST = "/fr/library/"


def many(count: int, collectivity: Collectivity, principle: Any, start: int = 0) -> None:
    for number in range(start, start + count):
        samples.create_document(
            title_fr=f"Rapport {number}",
            text=f"Budget participatif numéro {number}",
            collectivity=collectivity,
            principles=[principle],
            issued_on=datetime.date(2020 + number % 4, 1, 1),
        )


@pytest.fixture
def principle(network: Network) -> Any:
    return network.principles.create(
        code="transparency", name_fr="Transparence", name_ar="الشفافية"
    )


class TestList:
    def test_empty(self, client: Client) -> None:
        response = client.get(LIST)
        assert response.status_code == 200
        assert (
            "The library is empty" in response.content.decode()
            or response.context["page"].paginator.count == 0
        )

    def test_filters_and_search(
        self, client: Client, commune_a: Collectivity, commune_b: Collectivity, principle: Any
    ) -> None:
        guide = samples.create_document(
            title_fr="Guide du budget",
            text="budget participatif",
            collectivity=commune_a,
            principles=[principle],
            issued_on=datetime.date(2023, 5, 1),
        )
        report = samples.create_document(
            title_ar="تقرير الميزانية",
            text="الميزانية التشاركية",
            language="ar",
            kind=Document.Kind.REPORT,
            collectivity=commune_b,
            issued_on=datetime.date(2024, 1, 1),
        )
        network_doc = samples.create_document(title_fr="Charte", kind=Document.Kind.CHARTER)
        hidden = samples.create_document(
            title_fr="Brouillon budget", text="budget", is_published=False
        )

        def slugs(**params: str) -> list[str]:
            response = client.get(LIST, params)
            assert response.status_code == 200
            return [r.document.slug for r in response.context["page"].object_list]

        assert set(slugs()) == {guide.slug, report.slug, network_doc.slug}
        assert hidden.slug not in slugs(q="budget")
        assert slugs(kind="report") == [report.slug]
        assert slugs(language="ar") == [report.slug]
        assert slugs(principle="transparency") == [guide.slug]
        assert slugs(collectivity=commune_b.code) == [report.slug]
        assert slugs(collectivity="network") == [network_doc.slug]
        owners = client.get(LIST, {"collectivity": commune_b.code}).content.decode()
        assert f'<option value="{commune_b.code}" selected>' in owners
        assert f'<option value="{commune_a.code}">' in owners
        assert client.get(LIST, {"page": "1"}).context["page"].paginator.count == 3
        assert slugs(year="2023") == [guide.slug]
        assert slugs(q="ميزانيه") == [report.slug]
        assert slugs(q="budget", kind="guide") == [guide.slug]
        assert slugs(q="budget", kind="report") == []

    def test_search_results_have_highlighted_snippets(self, client: Client) -> None:
        samples.create_document(
            title_fr="Guide", text="Le <b>budget</b> participatif de la commune"
        )

        content = client.get(LIST, {"q": "budget"}).content.decode()

        assert '<p class="snippet" dir="auto">' in content
        assert "<mark>budget</mark>" in content
        assert "&lt;b&gt;" in content  # the text is escaped

    @pytest.mark.parametrize(
        "params",
        [
            {"kind": "nope"},
            {"language": "xx"},
            {"principle": "nope"},
            {"collectivity": "nope"},
            {"year": "abcd"},
            {"year": "99"},
            {"page": "999"},
            {"page": "abc"},
            {"q": "\x00" * 300},
            {"q": "؟!"},
            {"kind": "\x00"},
        ],
    )
    def test_bad_parameters_never_fail(self, client: Client, params: dict[str, str]) -> None:
        samples.create_document(title_fr="Guide", text="budget")
        assert client.get(LIST, params).status_code == 200

    def test_pagination(self, client: Client, commune_a: Collectivity, principle: Any) -> None:
        many(25, commune_a, principle)

        first = client.get(LIST).context["page"]
        second = client.get(LIST, {"page": "2"}).context["page"]
        searched = client.get(LIST, {"q": "budget", "page": "2"}).context["page"]

        assert (first.paginator.count, len(first.object_list), len(second.object_list)) == (
            25,
            20,
            5,
        )
        assert searched.paginator.count == 25 and len(searched.object_list) == 5

    @pytest.mark.parametrize("query", ["", "budget participatif"])
    def test_query_count_does_not_grow(
        self, client: Client, commune_a: Collectivity, principle: Any, query: str
    ) -> None:
        url = f"{LIST}?q={query}" if query else LIST
        many(2, commune_a, principle)
        small = count_queries(client, url)
        many(20, commune_a, principle, start=2)
        large = count_queries(client, url)

        assert large == small
        assert small <= 9

    def test_upload_button_for_staff_only(
        self, client: Client, staff_a: User, citizen: User
    ) -> None:
        assert "library/upload/" not in client.get(LIST).content.decode()
        client.force_login(citizen)
        assert "library/upload/" not in client.get(LIST).content.decode()
        client.force_login(staff_a)
        assert "/fr/library/upload/" in client.get(LIST).content.decode()


class TestDetail:
    def test_metadata_preview_and_download_link(
        self, client: Client, commune_a: Collectivity
    ) -> None:
        document = samples.create_document(
            title_fr="Guide du budget", text="Le budget participatif " * 400, collectivity=commune_a
        )

        response = client.get(document.get_absolute_url())
        content = response.content.decode()

        assert response.status_code == 200
        assert "Guide du budget" in content
        assert reverse("library:download", kwargs={"slug": document.slug}) in content
        assert '<div class="text-preview" dir="auto">' in content
        assert response.context["preview_is_cut"] is True
        assert len(response.context["preview"]) == 3000

    def test_unpublished_is_hidden_from_the_public(
        self, client: Client, commune_a: Collectivity, staff_a: User, staff_b: User
    ) -> None:
        document = samples.create_document(
            title_fr="Brouillon", text="x", collectivity=commune_a, is_published=False
        )
        url = document.get_absolute_url()
        download = reverse("library:download", kwargs={"slug": document.slug})

        assert client.get(url).status_code == 404
        assert client.get(download).status_code == 404
        client.force_login(staff_b)
        assert client.get(url).status_code == 404
        client.force_login(staff_a)
        assert client.get(url).status_code == 200
        assert client.get(download).status_code == 200

    def test_unknown_document(self, client: Client) -> None:
        assert client.get("/fr/library/nope/").status_code == 404
        assert client.get("/fr/library/nope/download/").status_code == 404

    def test_good_practice_with_adoptions(
        self, client: Client, network: Network, commune_a: Collectivity, commune_b: Collectivity
    ) -> None:
        factories.MembershipFactory(network=network, collectivity=commune_b)
        document = samples.create_document(
            title_fr="Registre des demandes",
            kind=Document.Kind.GOOD_PRACTICE,
            collectivity=commune_a,
            good_practice=services.GoodPracticeFields(
                problem="Demandes perdues", contacts="Bureau d'ordre"
            ),
        )
        services.good_practice_adopt(
            user=None, practice=document.good_practice, collectivity=commune_b, note="Adaptée"
        )

        content = client.get(document.get_absolute_url()).content.decode()

        assert "Demandes perdues" in content
        assert "Bureau d&#x27;ordre" in content
        assert "جماعة ب" in content  # the page is in Arabic (the default language)
        assert "Adaptée" in content

    def test_adopt_form_for_staff_of_another_member(
        self,
        client: Client,
        network: Network,
        commune_a: Collectivity,
        commune_b: Collectivity,
        staff_a: User,
        staff_b: User,
    ) -> None:
        factories.MembershipFactory(network=network, collectivity=commune_b)
        document = samples.create_document(
            title_fr="Pratique", kind=Document.Kind.GOOD_PRACTICE, collectivity=commune_a
        )
        adopt = reverse("library:adopt", kwargs={"slug": document.slug})

        client.force_login(staff_a)
        assert adopt not in client.get(document.get_absolute_url()).content.decode()
        client.force_login(staff_b)
        assert adopt in client.get(document.get_absolute_url()).content.decode()

    def test_detail_query_count(
        self, client: Client, commune_a: Collectivity, principle: Any
    ) -> None:
        document = samples.create_document(
            title_fr="Pratique",
            kind=Document.Kind.GOOD_PRACTICE,
            collectivity=commune_a,
            principles=[principle],
        )
        assert count_queries(client, document.get_absolute_url()) <= 6


class TestDownload:
    def test_attachment_with_safe_headers(self, client: Client, coordinator: User) -> None:
        data = samples.pdf_bytes()
        document = services.document_create(
            user=coordinator,
            metadata=services.DocumentMetadata(titles={"fr": "Guide"}, kind="guide", language="fr"),
            file=io.BytesIO(data),
            filename='guide "final"<script>.pdf',
            size=len(data),
        )

        response = client.get(reverse("library:download", kwargs={"slug": document.slug}))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "<script>" not in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == data

    def test_text_files_are_downloaded_as_plain_text_attachments(self, client: Client) -> None:
        document = samples.create_document(title_fr="Notes", text="<html><script>alert(1)</script>")

        response = client.get(reverse("library:download", kwargs={"slug": document.slug}))

        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")

    def test_a_link_document_has_no_download(self, client: Client) -> None:
        document = samples.create_document(title_fr="Lien", link="https://example.org/x")
        assert (
            client.get(reverse("library:download", kwargs={"slug": document.slug})).status_code
            == 404
        )


class TestForms:
    def test_upload_shows_errors_without_failing(
        self, client: Client, staff_a: User, commune_a: Collectivity
    ) -> None:
        client.force_login(staff_a)
        response = client.post(
            reverse("library:upload"),
            {
                "title_fr": "Guide",
                "kind": "guide",
                "language": "fr",
                "owner": commune_a.code,
                "licence": "CC-BY-4.0",
                "file": SimpleUploadedFile("guide.docx", samples.pdf_bytes(), "application/pdf"),
            },
        )

        assert response.status_code == 200
        assert "file" in response.context["form"].errors
        assert not Document.objects.exists()

    def test_upload_get_and_good_practice_redirect(
        self, client: Client, staff_a: User, commune_a: Collectivity
    ) -> None:
        client.force_login(staff_a)
        assert client.get(reverse("library:upload")).status_code == 200
        response = client.post(
            reverse("library:upload"),
            {
                "title_fr": "Ma pratique",
                "kind": "good_practice",
                "language": "fr",
                "owner": commune_a.code,
                "licence": "CC-BY-4.0",
                "is_published": "on",
            },
        )
        document = Document.objects.get()
        assert response["Location"] == reverse(
            "library:good-practice-edit", kwargs={"slug": document.slug}
        )
        assert client.get(response["Location"]).status_code == 200

    def test_edit_get_and_file_replacement(
        self,
        client: Client,
        staff_a: User,
        commune_a: Collectivity,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        document = samples.create_document(
            title_fr="Guide", text="ancien texte", collectivity=commune_a
        )
        client.force_login(staff_a)
        url = reverse("library:edit", kwargs={"slug": document.slug})
        assert client.get(url).status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "title_fr": "Guide",
                    "kind": "guide",
                    "language": "fr",
                    "owner": commune_a.code,
                    "licence": "CC-BY-4.0",
                    "is_published": "on",
                    "file": SimpleUploadedFile(
                        "v2.pdf", samples.pdf_bytes("Nouvelle version"), "application/pdf"
                    ),
                },
            )

        assert response.status_code == 302
        document.refresh_from_db()
        assert document.content_type == "application/pdf"
        assert "Nouvelle version" in document.extracted_text


class TestDirectionAndStyle:
    def test_user_text_stays_inside_isolates(self, client: Client, commune_a: Collectivity) -> None:
        from tests.core.test_views import check_isolation

        rlo = "\u202e"
        commune_a.name_fr = f"Commune{rlo} A"
        commune_a.save()
        document = samples.create_document(
            title_fr=f"Guide{rlo} du budget",
            summary_fr=f"Résumé{rlo} du budget",
            text=f"Le budget{rlo} participatif",
            collectivity=commune_a,
        )

        for url in (LIST, f"{LIST}?q=budget", f"/fr/library/{document.slug}/"):
            html = client.get(url).content.decode()
            assert check_isolation(html).leaks == [], url

    def test_stylesheet_uses_logical_properties_only(self) -> None:
        from pathlib import Path

        from django.contrib.staticfiles import finders

        path = finders.find("library/library.css")
        assert path
        css = Path(str(path)).read_text(encoding="utf-8")
        assert not [line for line in css.splitlines() if "left" in line or "right" in line]
