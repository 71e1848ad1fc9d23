"""Permission matrix: every mutating page and API endpoint of the library × every persona.

Personas: anonymous, citizen, CSO representative (approved), the four staff roles of
the collectivity concerned ("own", commune A), the administrator of another member
collectivity (commune B), a network coordinator. Every case checks the database, not
only the status code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from infitah.accounts.models import CollectivityRole, OrganisationRepresentative, User
from infitah.library import services
from infitah.library.models import Document, GoodPracticeAdoption
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.library import samples

pytestmark = pytest.mark.django_db

Role = CollectivityRole.Role
PERSONAS = [
    "anonymous",
    "citizen",
    "cso",
    "admin_a",
    "editor_a",
    "moderator_a",
    "information_officer_a",
    "admin_b",
    "coordinator",
]


@dataclass
class World:
    network: Network
    a: Collectivity
    b: Collectivity
    users: dict[str, User | None]
    document_a: Document
    practice_b: Document

    def client(self, persona: str, api: bool = False) -> Client:
        client: Client = APIClient() if api else Client()
        user = self.users[persona]
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(network: Network, commune_a: Collectivity, commune_b: Collectivity) -> World:
    factories.MembershipFactory(network=network, collectivity=commune_a)
    factories.MembershipFactory(network=network, collectivity=commune_b)
    users: dict[str, User | None] = {"anonymous": None}
    users["citizen"] = factories.UserFactory(email="citizen@example.org")
    cso = factories.UserFactory(email="cso@example.org")
    OrganisationRepresentative.objects.create(
        organisation=factories.OrganisationFactory(collectivity=commune_a),
        user=cso,
        is_approved=True,
    )
    users["cso"] = cso
    for role in (Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.INFORMATION_OFFICER):
        users[f"{role}_a"] = factories.CollectivityRoleFactory(
            collectivity=commune_a, role=role, user__email=f"{role}-a@example.org"
        ).user
    users["admin_b"] = factories.CollectivityRoleFactory(
        collectivity=commune_b, role=Role.ADMIN, user__email="admin-b@example.org"
    ).user
    users["coordinator"] = factories.NetworkRoleFactory(
        network=network, user__email="coordinator@example.org"
    ).user
    document_a = samples.create_document(title_fr="Guide de A", collectivity=commune_a)
    practice_b = samples.create_document(
        title_fr="Pratique de B", kind=Document.Kind.GOOD_PRACTICE, collectivity=commune_b
    )
    return World(network, commune_a, commune_b, users, document_a, practice_b)


def allowed(*personas: str) -> dict[str, bool]:
    return {persona: persona in personas for persona in PERSONAS}


def outcome(response: Any, persona: str) -> str:
    if persona == "anonymous" and response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
        return "login"
    return str(response.status_code)


EDITORS_OF_A = allowed("admin_a", "editor_a", "coordinator")


# --- Pages --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_page(world: World, persona: str) -> None:
    client = world.client(persona)
    response = client.post(
        reverse("library:upload"),
        {
            "title_fr": "Nouveau guide",
            "kind": "guide",
            "language": "fr",
            "owner": world.a.code,
            "licence": "CC-BY-4.0",
            "is_published": "on",
            "file": SimpleUploadedFile("guide.pdf", samples.pdf_bytes(), "application/pdf"),
        },
    )
    created = Document.objects.filter(title_fr="Nouveau guide").exists()
    assert created is EDITORS_OF_A[persona]
    if created:
        assert response.status_code == 302
    elif persona == "admin_b":
        assert response.status_code == 200  # A is not among their choices: form error
        assert "owner" in response.context["form"].errors
    else:
        assert outcome(response, persona) in {"login", "403"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_page(world: World, persona: str) -> None:
    client = world.client(persona)
    slug = world.document_a.slug
    data = {
        "title_fr": "Titre changé",
        "kind": "guide",
        "language": "fr",
        "owner": world.a.code,
        "licence": "CC-BY-4.0",
        "link": "https://example.org/doc",
        "is_published": "on",
    }
    response = client.post(reverse("library:edit", kwargs={"slug": slug}), data)
    world.document_a.refresh_from_db()
    changed = world.document_a.title_fr == "Titre changé"
    assert changed is EDITORS_OF_A[persona]
    assert outcome(response, persona) == (
        "302" if changed else ("login" if persona == "anonymous" else "403")
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_unpublish(world: World, persona: str) -> None:
    client = world.client(persona)
    response = client.post(
        reverse("library:set-published", kwargs={"slug": world.document_a.slug}),
        {"is_published": "0"},
    )
    world.document_a.refresh_from_db()
    assert (not world.document_a.is_published) is EDITORS_OF_A[persona]
    assert outcome(response, persona) in ({"302"} if EDITORS_OF_A[persona] else {"login", "403"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_good_practice_edit(world: World, persona: str) -> None:
    practice = samples.create_document(
        title_fr="Pratique de A", kind=Document.Kind.GOOD_PRACTICE, collectivity=world.a
    )
    client = world.client(persona)
    response = client.post(
        reverse("library:good-practice-edit", kwargs={"slug": practice.slug}),
        {
            "problem": "Problème",
            "what_was_done": "",
            "results": "",
            "contacts": "",
            "cost_mad": "10",
            "cost_note": "",
        },
    )
    practice.good_practice.refresh_from_db()
    changed = practice.good_practice.problem == "Problème"
    assert changed is EDITORS_OF_A[persona]
    assert outcome(response, persona) in ({"302"} if changed else {"login", "403"})


# Adopting B's practice for A: A's administrators and editors only (coordinators
# record adoptions in the admin or the API; B cannot adopt its own practice).
ADOPTERS = allowed("admin_a", "editor_a")


@pytest.mark.parametrize("persona", PERSONAS)
def test_adopt_page(world: World, persona: str) -> None:
    client = world.client(persona)
    response = client.post(
        reverse("library:adopt", kwargs={"slug": world.practice_b.slug}),
        {"collectivity": world.a.pk, "note": "Adaptée"},
    )
    adopted = GoodPracticeAdoption.objects.filter(collectivity=world.a).exists()
    assert adopted is ADOPTERS[persona]
    assert outcome(response, persona) in ({"302"} if adopted else {"login", "403"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_adoption_delete(world: World, persona: str) -> None:
    adoption = services.good_practice_adopt(
        user=None, practice=world.practice_b.good_practice, collectivity=world.a
    )
    client = world.client(persona)
    response = client.post(
        reverse(
            "library:adoption-delete", kwargs={"slug": world.practice_b.slug, "pk": adoption.pk}
        )
    )
    deleted = not GoodPracticeAdoption.objects.filter(pk=adoption.pk).exists()
    assert deleted is EDITORS_OF_A[persona]
    assert outcome(response, persona) in ({"302"} if deleted else {"login", "403"})


# --- API ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_document_create(world: World, persona: str) -> None:
    client = world.client(persona, api=True)
    response = client.post(
        "/api/v1/documents/",
        {
            "title_fr": "Guide par l'API",
            "kind": "guide",
            "language": "fr",
            "collectivity": world.a.code,
            "file": SimpleUploadedFile("guide.pdf", samples.pdf_bytes("API"), "application/pdf"),
        },
        format="multipart",
    )
    created = Document.objects.filter(title_fr="Guide par l'API").exists()
    assert created is EDITORS_OF_A[persona]
    assert response.status_code == (201 if created else 403)
    if not created:
        assert response.json()["error"]["status"] == 403


# Through the API coordinators may record an adoption for a member collectivity too.
API_ADOPTERS = allowed("admin_a", "editor_a", "coordinator")


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_adopt(world: World, persona: str) -> None:
    client = world.client(persona, api=True)
    response = client.post(
        f"/api/v1/good-practices/{world.practice_b.slug}/adoptions/",
        {"collectivity": world.a.code, "commitment_reference": "https://example.org/c/1"},
        format="json",
    )
    adopted = GoodPracticeAdoption.objects.filter(collectivity=world.a).exists()
    assert adopted is API_ADOPTERS[persona]
    assert response.status_code == (201 if adopted else 403)


def test_api_reads_need_no_sign_in(world: World) -> None:
    assert world.client("anonymous", api=True).get("/api/v1/documents/").status_code == 200
