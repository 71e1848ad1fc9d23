"""The admin of publications: scoped to the user's collectivities, edits via services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from infitah.accounts.models import User
from infitah.publications import services
from infitah.publications.models import Publication
from tests.publications.conftest import BeniMellal

pytestmark = pytest.mark.django_db

CHANGELIST = "/fr/admin/publications/publication/"


@pytest.fixture
def documents(beni_mellal: BeniMellal) -> list[Publication]:
    return [
        services.publication_generate(
            meeting=beni_mellal.workshop, kind="agenda", language="ar", actor=None
        ),
        services.publication_generate(
            meeting=beni_mellal.training, kind="agenda", language="fr", actor=None
        ),
    ]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "visible"),
    [("admin", 1), ("editor", 1), ("coordinator", 2), ("other_admin", 0), ("moderator", None)],
)
def test_changelist_is_scoped(
    documents: list[Publication],
    persona: Callable[[str], User | None],
    name: str,
    visible: int | None,
) -> None:
    response = client_for(persona(name)).get(CHANGELIST)
    if visible is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert response.context["cl"].result_count == visible


def test_no_add_and_edit_goes_through_the_service(
    documents: list[Publication], persona: Callable[[str], User | None]
) -> None:
    editor = persona("editor")
    client = client_for(editor)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    publication = documents[0]
    url = f"{CHANGELIST}{publication.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": " Nouveau\u202e titre ", "body": "Texte"})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Nouveau titre"
    assert publication.edited_by == editor
    # The network meeting's document is out of reach.
    assert client.get(f"{CHANGELIST}{documents[1].pk}/change/").status_code in (302, 403, 404)


def test_publish_action(
    documents: list[Publication], persona: Callable[[str], User | None]
) -> None:
    client = client_for(persona("coordinator"))
    response = client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [p.pk for p in documents]},
    )
    assert response.status_code == 302
    assert Publication.objects.filter(published_at__isnull=False).count() == 2
    client.post(
        CHANGELIST,
        {"action": "unpublish_selected", "_selected_action": [documents[0].pk]},
    )
    assert Publication.objects.filter(published_at__isnull=False).count() == 1
