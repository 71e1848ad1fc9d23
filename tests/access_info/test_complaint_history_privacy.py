"""Removing a requester's identity also erases it from the complaints' history rows.

django-simple-history keeps every version of a complaint; the text the requester wrote
and the link to their account must not survive there (law 09-08).
"""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.access_info import services
from infitah.access_info.models import Complaint
from infitah.accounts.services import user_delete
from tests.access_info.factories_requests import World, file_request, local, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db

SECRET = "Fatima Zahra Identitaire, derb Sirri"


def _complained(world: World) -> Complaint:
    """A refused request and the requester's complaint, filed on their page (history_user)."""
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        request = file_request(world)
        services.request_refuse(actor=world.officer_a, request=request, ground="abusive", text="x")
        client = Client()
        client.force_login(world.citizen)
        with translation.override("fr"):
            address = reverse("access_info:my-request-complaint", args=[request.reference])
        response = client.post(address, {"stage": "head", "text": SECRET})
    assert response.status_code == 302
    return request.complaints.get()


def _versions(complaint: Complaint) -> list[object]:
    return list(Complaint.history.filter(id=complaint.pk))  # type: ignore[attr-defined]


def test_history_rows_lose_the_text_and_the_account(world: World) -> None:
    complaint = _complained(world)
    other = _complained(world)  # another request of the same person
    versions = _versions(complaint)
    assert versions and all(v.text == SECRET for v in versions)  # type: ignore[attr-defined]
    assert any(v.recorded_by_id == world.citizen.pk for v in versions)  # type: ignore[attr-defined]
    assert any(v.history_user_id == world.citizen.pk for v in versions)  # type: ignore[attr-defined]

    assert services.requester_identity_remove(request=complaint.request) is True

    complaint.refresh_from_db()
    assert complaint.text == "" and complaint.recorded_by_id is None
    assert complaint.stage == "head" and complaint.outcome == Complaint.Outcome.PENDING
    for version in _versions(complaint):
        assert version.text == ""  # type: ignore[attr-defined]
        assert version.recorded_by_id is None  # type: ignore[attr-defined]
        assert version.history_user_id != world.citizen.pk  # type: ignore[attr-defined]
    # The other request keeps its identity (and its complaint's history) until removed.
    assert all(v.text == SECRET for v in _versions(other))  # type: ignore[attr-defined]


def test_deleting_the_account_erases_the_complaint_history_text(world: World) -> None:
    complaint = _complained(world)
    user_delete(user=world.citizen)
    assert not Complaint.history.filter(text__contains="Identitaire").exists()  # type: ignore[attr-defined]
    assert Complaint.history.filter(id=complaint.pk).exists()  # type: ignore[attr-defined]
