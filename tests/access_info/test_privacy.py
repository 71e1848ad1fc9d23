"""Personal data (law 09-08): who sees a requester's identity, logs without it, removal.

The identity (name, identity document, postal address, e-mail, phone) is seen only by
the handlers (information officers, administrator) of the request's collectivity and
by the requester: never by another collectivity's staff, nor by coordinators, nor in
system-written log notes or staff e-mails.
"""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.test import APIClient

from infitah.access_info import services, tasks
from infitah.access_info.models import (
    Complaint,
    HolidayOverride,
    InformationRequest,
    RequestEvent,
)
from tests.access_info.factories_requests import (
    IDENTITY,
    IDENTITY_STRINGS,
    World,
    file_request,
    local,
    world,
)

__all__ = ["world"]

pytestmark = pytest.mark.django_db
Kind = RequestEvent.Kind
D = datetime.date

#: Events whose note the system writes (never a person's text).
SYSTEM_KINDS = {
    Kind.RECEIVED,
    Kind.STATUS,
    Kind.DEADLINE_RECOMPUTED,
    Kind.FEE,
    Kind.PUBLISHED,
    Kind.REMINDER,
    Kind.ESCALATED,
    Kind.COMPLAINT,
    Kind.IDENTITY_REMOVED,
}


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def page(name: str, *args: object) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


def contains_identity(text: str) -> list[str]:
    return [value for value in IDENTITY_STRINGS if value in text]


def test_system_notes_logs_and_staff_e_mails_hold_no_identity(
    world: World,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(local(2026, 3, 2, 10), tick=False):
            request = file_request(world)
            services.request_start(actor=world.officer_a, request=request)
            services.request_extend(actor=world.officer_a, request=request, reason="Volume")
        with time_machine.travel(local(2026, 4, 23, 7), tick=False):
            tasks.send_deadline_reminders.enqueue()
        with time_machine.travel(local(2026, 4, 29, 7), tick=False):
            tasks.escalate_late_requests.enqueue()
            services.complaint_file(actor=world.citizen, request=request, stage="head")
        HolidayOverride.objects.create(date=D(2026, 3, 10), name="Jour chômé")
        services.recompute_open_deadlines()
        with time_machine.travel(local(2026, 4, 30, 7), tick=False):
            services.request_answer(
                actor=world.officer_a,
                request=request,
                partial=False,
                released_text="Le budget.",
                fee_amount="3",
                fee_reason="Copies",
            )
            services.request_publish_answer(
                actor=world.officer_a, request=request, released_text="Le budget."
            )
        services.requester_identity_remove(request=request, actor=world.officer_a)

    kinds = set(request.events.values_list("kind", flat=True))
    assert kinds >= SYSTEM_KINDS
    for event in request.events.filter(kind__in=SYSTEM_KINDS):
        assert contains_identity(event.note) == [], event.kind
    assert contains_identity(caplog.text) == []
    staff = [m for m in mail.outbox if m.to != ["requester@example.org"]]
    assert staff, "the officers and the administrator were e-mailed"
    for message in staff:
        assert contains_identity(message.subject + message.body) == [], message.to


def test_an_officer_of_another_commune_sees_nothing_personal(world: World) -> None:
    request = file_request(world)
    client = signed_in(world.officer_b)
    for address in (
        page("access_info:officer-request-detail", request.reference),
        page("access_info:request-receipt", request.reference),
        page("access_info:my-request-detail", request.reference),
    ):
        assert client.get(address).status_code == 404, address
    queue = client.get(page("access_info:officer-queue"))
    assert request.reference not in queue.content.decode()
    api = APIClient()
    api.force_authenticate(world.officer_b)
    assert api.get(f"/api/v1/officer-requests/{request.reference}/").status_code == 404
    assert api.get(f"/api/v1/information-requests/{request.reference}/").status_code == 404
    assert request.reference not in api.get("/api/v1/officer-requests/").content.decode()
    # The admin: not in the list, and its page answers as for an unknown object.
    changelist = client.get(page("admin:access_info_informationrequest_changelist"))
    assert changelist.status_code == 200
    assert request.reference not in changelist.content.decode()
    change = client.get(page("admin:access_info_informationrequest_change", request.pk))
    assert change.status_code == 302
    assert contains_identity(client.get(change["Location"]).content.decode()) == []


def test_the_officer_of_the_commune_sees_the_identity_in_the_admin(world: World) -> None:
    request = file_request(world)
    client = signed_in(world.officer_a)
    response = client.get(page("admin:access_info_informationrequest_change", request.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert IDENTITY["requester_name"] in html
    assert "BE774411" in html


def test_coordinators_see_the_register_columns_only(world: World) -> None:
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        request = file_request(world)
        services.request_ask_clarification(actor=world.officer_a, request=request, question="?")
        services.request_clarify(actor=world.citizen, request=request, text="Mon voisin Karim")
    client = signed_in(world.coordinator)
    changelist = client.get(page("admin:access_info_informationrequest_changelist"))
    assert request.reference in changelist.content.decode()
    change = client.get(page("admin:access_info_informationrequest_change", request.pk))
    assert change.status_code == 200
    html = change.content.decode()
    assert contains_identity(html) == []
    assert "Mon voisin Karim" not in html  # the log is not shown
    assert "Le budget voté pour 2026" not in html  # nor the information requested
    found = client.get(page("admin:access_info_informationrequest_changelist") + "?q=Identitaire")
    assert request.reference not in found.content.decode()
    # Nor the officers' pages or API.
    assert client.get(page("access_info:officer-queue")).status_code == 403
    api = APIClient()
    api.force_authenticate(world.coordinator)
    assert api.get(f"/api/v1/officer-requests/{request.reference}/").status_code == 403


def test_a_requester_sees_only_their_own_requests(world: World) -> None:
    mine = file_request(world)
    theirs = file_request(world, requester=world.other_citizen)
    client = signed_in(world.citizen)
    listing = client.get(page("access_info:my-requests")).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(page("access_info:my-request-detail", theirs.reference)).status_code == 404


def test_identity_removal_keeps_the_anonymous_record(world: World) -> None:
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        request = file_request(world)
        services.request_ask_clarification(actor=world.officer_a, request=request, question="?")
        services.request_clarify(
            actor=world.citizen, request=request, text="Mon adresse: derb Sirri"
        )
        services.request_refuse(actor=world.officer_a, request=request, ground="abusive", text="x")
        services.complaint_file(
            actor=world.citizen, request=request, stage="head", text="Fatima Zahra Identitaire"
        )

    assert services.requester_identity_remove(request=request) is True
    assert services.requester_identity_remove(request=request) is False
    request.refresh_from_db()
    for field in services.IDENTITY_FIELDS:
        assert getattr(request, field) == "", field
    assert request.requester is None
    assert request.identity_removed_at is not None
    assert request.subject == "Budget 2026 de la commune"
    assert request.status == InformationRequest.Status.REFUSED
    notes = " ".join(request.events.values_list("note", flat=True))
    assert contains_identity(notes) == []
    assert Complaint.objects.get().text == ""
    assert request.events.filter(kind=Kind.IDENTITY_REMOVED).count() == 1


def test_deleting_an_account_after_removing_its_identities(world: World) -> None:
    first = file_request(world)
    second = file_request(world, collectivity=world.b)
    other = file_request(world, requester=world.other_citizen)

    assert services.requester_identities_remove_for_user(user=world.citizen) == 2
    world.citizen.delete()

    assert InformationRequest.objects.count() == 3
    for request in (first, second):
        request.refresh_from_db()
        assert request.requester_name == "" and request.email == ""
    other.refresh_from_db()
    assert other.requester_name == IDENTITY["requester_name"]


def test_an_account_deleted_without_the_hook_is_caught_by_the_purge(world: World) -> None:
    request = file_request(world)
    world.citizen.delete()  # the account is gone, its identity is still on the request
    request.refresh_from_db()
    assert request.requester_name != ""
    assert services.requests_purge_expired_identities() == 1
    request.refresh_from_db()
    assert request.requester_name == ""


def test_handlers_remove_an_identity_from_the_admin(world: World) -> None:
    request = file_request(world)
    changelist = page("admin:access_info_informationrequest_changelist")
    response = signed_in(world.officer_b).post(
        changelist, {"action": "remove_identity", "_selected_action": [request.pk]}
    )
    request.refresh_from_db()
    assert request.requester_name != ""  # not B's request (and not in B's list)
    response = signed_in(world.officer_a).post(
        changelist, {"action": "remove_identity", "_selected_action": [request.pk]}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.requester_name == ""
