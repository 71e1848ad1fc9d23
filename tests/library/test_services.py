"""Documents through the services: upload, extraction in the background, index in sync."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from infitah.accounts.models import User
from infitah.library import indexing, search, services
from infitah.library.models import Document, GoodPracticeAdoption, SearchEntry
from infitah.network.models import Membership
from infitah.territories.models import Collectivity
from tests import factories
from tests.library import samples

pytestmark = pytest.mark.django_db


def metadata(**kwargs: Any) -> services.DocumentMetadata:
    values: dict[str, Any] = {
        "titles": {"fr": "Guide de la participation"},
        "kind": Document.Kind.GUIDE,
        "language": Document.Language.FRENCH,
    }
    values.update(kwargs)
    return services.DocumentMetadata(**values)


def upload(user: User | None, data: bytes, name: str, **kwargs: Any) -> Document:
    return services.document_create(
        user=user,
        metadata=metadata(**kwargs),
        file=io.BytesIO(data),
        filename=name,
        size=len(data),
    )


def hits(query: str) -> list[int]:
    return [h.object_id for h in search.search_hits(query, object_types=[indexing.DOCUMENT_TYPE])]


class TestUpload:
    def test_pdf_is_stored_extracted_after_commit_and_found(
        self,
        staff_a: User,
        commune_a: Collectivity,
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        data = samples.pdf_from_html('<p dir="rtl">الميزانية التشاركية بجماعة أكادير</p>')
        with django_capture_on_commit_callbacks(execute=True):
            document = upload(staff_a, data, "ميزانية.pdf", collectivity=commune_a)

        document.refresh_from_db()
        assert document.content_type == "application/pdf"
        assert document.size_bytes == len(data)
        assert len(document.sha256) == 64
        assert document.original_filename == "ميزانية.pdf"
        assert document.file.name.startswith("library/") and document.file.name.endswith(".pdf")
        assert "ميزانية" not in document.file.name  # never the sender's name on disk
        assert document.extraction_status == Document.ExtractionStatus.DONE
        assert "الميزانية التشاركية" in document.extracted_text
        assert document.page_count == 1
        assert document.uploaded_by == staff_a
        assert hits("ميزانيه اكادير") == [document.pk]

    def test_extraction_waits_for_the_commit(
        self,
        staff_a: User,
        commune_a: Collectivity,
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            document = upload(staff_a, samples.pdf_bytes(), "guide.pdf", collectivity=commune_a)

        assert document.extraction_status == Document.ExtractionStatus.PENDING
        assert len(callbacks) == 1

    def test_scanned_pdf(
        self, coordinator: User, django_capture_on_commit_callbacks: Callable[..., Any]
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            document = upload(coordinator, samples.scanned_pdf_bytes(), "scan.pdf")

        document.refresh_from_db()
        assert document.extraction_status == Document.ExtractionStatus.SCANNED_NO_TEXT
        assert document.collectivity is None  # the network's own document

    def test_image_has_nothing_to_extract(self, coordinator: User) -> None:
        document = upload(coordinator, samples.image_bytes("PNG"), "photo.png")

        assert document.extraction_status == Document.ExtractionStatus.NOT_APPLICABLE
        assert document.content_type == "image/png"

    def test_duplicate_file_is_refused(self, coordinator: User) -> None:
        data = samples.pdf_bytes()
        first = upload(coordinator, data, "a.pdf")

        with pytest.raises(ValidationError) as caught:
            upload(coordinator, data, "b.pdf", titles={"fr": "Autre"})

        assert caught.value.error_dict["file"][0].code == "duplicate"
        assert first.title in caught.value.messages[0]

    def test_wrong_type_is_refused_and_nothing_is_stored(self, coordinator: User) -> None:
        with pytest.raises(ValidationError) as caught:
            upload(coordinator, samples.pdf_bytes(), "guide.docx")

        assert caught.value.error_dict["file"][0].code == "extension"
        assert not Document.objects.exists()
        assert not default_storage.exists("library")

    def test_size_limit(self, coordinator: User, settings: Any) -> None:
        settings.INFITAH_LIBRARY_MAX_UPLOAD_MB = 0
        with pytest.raises(ValidationError) as caught:
            upload(coordinator, samples.pdf_bytes(), "guide.pdf")
        assert caught.value.error_dict["file"][0].code == "too_large"

    def test_link_document(self, staff_a: User, commune_a: Collectivity) -> None:
        document = services.document_create(
            user=staff_a,
            metadata=metadata(collectivity=commune_a, link="https://example.org/guide"),
        )
        assert document.extraction_status == Document.ExtractionStatus.NOT_APPLICABLE
        assert document.slug == "guide-de-la-participation"

    def test_neither_file_nor_link(self, staff_a: User, commune_a: Collectivity) -> None:
        with pytest.raises(ValidationError):
            services.document_create(user=staff_a, metadata=metadata(collectivity=commune_a))

    def test_a_title_is_required(self, coordinator: User) -> None:
        with pytest.raises(ValidationError):
            services.document_create(
                user=coordinator, metadata=metadata(titles={}, link="https://example.org")
            )

    def test_slugs_are_unique_and_never_a_page_name(self, coordinator: User) -> None:
        first = services.document_create(
            user=coordinator, metadata=metadata(link="https://example.org/1")
        )
        second = services.document_create(
            user=coordinator, metadata=metadata(link="https://example.org/2")
        )
        arabic = services.document_create(
            user=coordinator,
            metadata=metadata(titles={"ar": "دليل"}, link="https://example.org/3"),
        )
        reserved = services.document_create(
            user=coordinator,
            metadata=metadata(titles={"fr": "Upload"}, link="https://example.org/4"),
        )

        assert (first.slug, second.slug) == (
            "guide-de-la-participation",
            "guide-de-la-participation-2",
        )
        assert arabic.slug == "document"
        assert reserved.slug == "upload-document"


class TestPermissions:
    def test_staff_cannot_add_to_another_collectivity(
        self, staff_a: User, commune_b: Collectivity
    ) -> None:
        with pytest.raises(PermissionDenied):
            services.document_create(
                user=staff_a, metadata=metadata(collectivity=commune_b, link="https://example.org")
            )

    def test_staff_cannot_add_network_documents(self, staff_a: User) -> None:
        with pytest.raises(PermissionDenied):
            services.document_create(user=staff_a, metadata=metadata(link="https://example.org"))

    def test_moving_a_document_needs_both_collectivities(
        self, staff_a: User, commune_a: Collectivity, commune_b: Collectivity
    ) -> None:
        document = samples.create_document(title_fr="Guide", collectivity=commune_a)
        with pytest.raises(PermissionDenied):
            services.document_update(
                user=staff_a,
                document=document,
                metadata=metadata(collectivity=commune_b, link="https://example.org"),
            )


class TestIndexSync:
    def test_update_unpublish_delete(self, coordinator: User, commune_a: Collectivity) -> None:
        document = samples.create_document(
            title_fr="Guide du budget", text="Le budget participatif"
        )
        assert hits("budget participatif") == [document.pk]

        services.document_update(
            user=coordinator,
            document=document,
            metadata=metadata(titles={"fr": "Guide de la transparence"}, collectivity=commune_a),
        )
        assert hits("transparence") == [document.pk]
        assert hits("budget participatif") == [document.pk]  # the text is still the file's
        entry = SearchEntry.objects.get(object_id=document.pk)
        assert entry.collectivity_id == commune_a.pk
        assert entry.title == "Guide de la transparence"

        services.document_set_published(user=coordinator, document=document, is_published=False)
        assert hits("transparence") == []

        name = document.file.name
        services.document_delete(user=coordinator, document=document)
        assert not SearchEntry.objects.exists()
        assert default_storage.exists(name)  # deleted after the commit only

    def test_collectivity_and_principle_names_are_searchable(
        self, network: Any, commune_a: Collectivity
    ) -> None:
        principle = network.principles.create(
            code="transparency", name_ar="الشفافية", name_fr="Transparence"
        )
        document = samples.create_document(
            title_fr="Rapport annuel", collectivity=commune_a, principles=[principle]
        )

        assert hits("الشفافية") == [document.pk]
        assert hits("Commune A") == [document.pk]

    def test_reindex_command_rebuilds_everything(self, commune_a: Collectivity) -> None:
        from django.core.management import call_command

        document = samples.create_document(title_fr="Guide", text="Le budget participatif")
        SearchEntry.objects.all().delete()
        assert hits("budget") == []

        call_command("library_reindex", verbosity=0)

        assert hits("budget") == [document.pk]
        assert SearchEntry.objects.count() == 1

    def test_full_text_structures_exist(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'search_index%' ORDER BY name"
                )
                names = {row[0] for row in cursor.fetchall()}
                assert {
                    "search_index_fts",
                    "search_index_ai",
                    "search_index_ad",
                    "search_index_au",
                } <= names
            else:
                cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'search_index'")
                assert "search_index_vector_gin" in {row[0] for row in cursor.fetchall()}

    def test_ensure_schema_repairs_missing_triggers(self) -> None:
        from django.db import connection

        document = samples.create_document(title_fr="Guide", text="budget")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER search_index_au")
        search.ensure_schema()
        search.ensure_schema()  # idempotent
        services.document_update(
            user=None,
            document=document,
            metadata=metadata(titles={"fr": "Charte"}, link="https://e.org"),
        )
        assert hits("charte") == [document.pk]


class TestGoodPractices:
    def practice(self, commune_a: Collectivity) -> Document:
        return samples.create_document(
            title_fr="Registre public des demandes",
            kind=Document.Kind.GOOD_PRACTICE,
            collectivity=commune_a,
            good_practice=services.GoodPracticeFields(
                problem="Les demandes se perdaient", cost_mad=Decimal("1500.50")
            ),
        )

    def test_fields_are_indexed(self, commune_a: Collectivity) -> None:
        document = self.practice(commune_a)

        assert document.good_practice.cost_mad == Decimal("1500.50")
        assert hits("demande perdaient") == [document.pk]

    def test_update(self, staff_a: User, commune_a: Collectivity) -> None:
        document = self.practice(commune_a)

        services.good_practice_update(
            user=staff_a,
            practice=document.good_practice,
            fields=services.GoodPracticeFields(results="Délai moyen divisé par deux"),
        )

        assert hits("délai moyen") == [document.pk]

    def test_negative_cost_is_refused(self, staff_a: User, commune_a: Collectivity) -> None:
        document = self.practice(commune_a)
        with pytest.raises(ValidationError):
            services.good_practice_update(
                user=staff_a,
                practice=document.good_practice,
                fields=services.GoodPracticeFields(cost_mad=Decimal("-1")),
            )

    def test_adoption_rules(
        self,
        commune_a: Collectivity,
        commune_b: Collectivity,
        staff_a: User,
        staff_b: User,
        member_a: Membership,
        member_b: Membership,
    ) -> None:
        practice = self.practice(commune_a).good_practice

        with pytest.raises(PermissionDenied):  # staff of A for B
            services.good_practice_adopt(user=staff_a, practice=practice, collectivity=commune_b)
        with pytest.raises(ValidationError) as own:
            services.good_practice_adopt(user=staff_a, practice=practice, collectivity=commune_a)
        assert own.value.code == "own_practice"

        adoption = services.good_practice_adopt(
            user=staff_b, practice=practice, collectivity=commune_b, commitment_reference="C-3"
        )
        assert adoption.created_by == staff_b
        with pytest.raises(ValidationError) as twice:
            services.good_practice_adopt(user=staff_b, practice=practice, collectivity=commune_b)
        assert twice.value.code == "duplicate"

        services.good_practice_adoption_delete(user=staff_b, adoption=adoption)
        assert not GoodPracticeAdoption.objects.exists()

    def test_only_members_adopt(
        self, commune_a: Collectivity, commune_b: Collectivity, staff_b: User
    ) -> None:
        practice = self.practice(commune_a).good_practice
        with pytest.raises(ValidationError) as caught:
            services.good_practice_adopt(user=staff_b, practice=practice, collectivity=commune_b)
        assert caught.value.code == "not_member"

    def test_withdrawn_members_do_not_adopt(
        self, network: Any, commune_a: Collectivity, commune_b: Collectivity, staff_b: User
    ) -> None:
        factories.MembershipFactory(
            network=network, collectivity=commune_b, status=Membership.Status.WITHDRAWN
        )
        practice = self.practice(commune_a).good_practice
        with pytest.raises(ValidationError):
            services.good_practice_adopt(user=staff_b, practice=practice, collectivity=commune_b)
