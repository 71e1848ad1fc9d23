"""The library's admin: lists scoped to the user's collectivities; deletes go through services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.accounts.models import User
from infitah.library.models import Document, SearchEntry
from infitah.territories.models import Collectivity
from tests.library import samples

pytestmark = pytest.mark.django_db


def admin_url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def test_staff_see_their_collectivity_only(
    client: Client,
    staff_a: User,
    coordinator: User,
    commune_a: Collectivity,
    commune_b: Collectivity,
) -> None:
    own = samples.create_document(title_fr="Guide de A", collectivity=commune_a)
    other = samples.create_document(title_fr="Guide de B", collectivity=commune_b)
    network = samples.create_document(title_fr="Charte du réseau")

    client.force_login(staff_a)
    listed = client.get(admin_url("library_document_changelist"))
    assert listed.status_code == 200
    assert {d.pk for d in listed.context["cl"].result_list} == {own.pk}
    assert client.get(admin_url("library_document_change", other.pk)).status_code == 302
    assert client.get(admin_url("library_document_change", own.pk)).status_code == 200
    assert client.get(admin_url("library_searchentry_changelist")).status_code == 403

    client.force_login(coordinator)
    listed = client.get(admin_url("library_document_changelist"))
    assert {d.pk for d in listed.context["cl"].result_list} == {own.pk, other.pk, network.pk}
    assert client.get(admin_url("library_searchentry_changelist")).status_code == 200


def test_delete_goes_through_the_service(client: Client, coordinator: User) -> None:
    document = samples.create_document(title_fr="Guide", text="budget")
    client.force_login(coordinator)

    response = client.post(admin_url("library_document_delete", document.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not SearchEntry.objects.exists()


def test_staff_cannot_move_a_document_to_another_collectivity(
    client: Client, staff_a: User, commune_a: Collectivity, commune_b: Collectivity
) -> None:
    document = samples.create_document(title_fr="Guide de A", collectivity=commune_a)
    client.force_login(staff_a)

    page = client.get(admin_url("library_document_change", document.pk))

    assert "collectivity" not in page.context["adminform"].form.fields
