"""Permission matrix of every mutating page × persona, and the rules themselves.

Personas: anonymous, a citizen, a CSO representative, the administrator, editor,
moderator and information officer of commune A, the information officer of commune B,
a network coordinator. Each case checks the answer AND whether the database changed.
Outcomes: ``ok`` (302 after the change), ``login`` (302 to sign-in), ``denied`` (403),
``missing`` (404: the request is not theirs to see), ``invalid`` (200: the form is
re-shown with errors).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.access_info import services
from infitah.access_info.models import (
    Complaint,
    DisclosureItem,
    HolidayOverride,
    InformationRequest,
)
from tests.access_info.factories_requests import (
    IDENTITY,
    PERSONAS,
    World,
    file_request,
    local,
    persona,
    world,
)

__all__ = ["world"]

pytestmark = pytest.mark.django_db
D = datetime.date


def url(name: str, *args: object) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def outcome(response: HttpResponse) -> str:
    if response.status_code == 302:
        return "login" if "/accounts/login/" in response["Location"] else "ok"
    return {403: "denied", 404: "missing", 200: "invalid"}[response.status_code]


# Each action: (client, world) -> (response, changed?)
Action = Callable[[Client, World], tuple[HttpResponse, bool]]


def file_online(client: Client, w: World) -> tuple[HttpResponse, bool]:
    response = client.post(
        url("access_info:request-new"),
        {
            "collectivity": w.a.pk,
            "subject": "S",
            "information_requested": "I",
            "preferred_form": "electronic",
            "requester_name": "N",
            "id_document_kind": "national_id",
            "id_document_number": "AB123",
            "postal_address": "A",
        },
    )
    return response, InformationRequest.objects.filter(subject="S").exists()


def register_paper(client: Client, w: World) -> tuple[HttpResponse, bool]:
    response = client.post(
        url("access_info:officer-register"),
        {
            "collectivity": w.a.pk,
            "channel": "paper",
            "received_at": "2026-03-02T10:00",
            "subject": "Paper",
            "information_requested": "I",
            "preferred_form": "paper",
            "requester_name": "N",
            "id_document_kind": "national_id",
            "id_document_number": "AB123",
            "postal_address": "A",
        },
    )
    return response, InformationRequest.objects.filter(subject="Paper").exists()


def start(client: Client, w: World) -> tuple[HttpResponse, bool]:
    request = InformationRequest.objects.get(subject="Budget 2026 de la commune")
    response = client.post(url("access_info:officer-request-action", request.reference, "start"))
    request.refresh_from_db()
    return response, request.status == InformationRequest.Status.IN_PROGRESS


def refuse(client: Client, w: World) -> tuple[HttpResponse, bool]:
    request = InformationRequest.objects.get(subject="Budget 2026 de la commune")
    response = client.post(
        url("access_info:officer-request-action", request.reference, "refuse"),
        {"refuse-ground": "abusive", "refuse-text": "x"},
    )
    request.refresh_from_db()
    return response, request.status == InformationRequest.Status.REFUSED


def decide(client: Client, w: World) -> tuple[HttpResponse, bool]:
    complaint = Complaint.objects.get()
    prefix = f"decide-{complaint.pk}"
    response = client.post(
        url("access_info:officer-complaint-decide", complaint.pk),
        {f"{prefix}-outcome": "rejected", f"{prefix}-outcome_text": "No"},
    )
    complaint.refresh_from_db()
    return response, complaint.outcome == Complaint.Outcome.REJECTED


def withdraw(client: Client, w: World) -> tuple[HttpResponse, bool]:
    request = InformationRequest.objects.get(subject="Budget 2026 de la commune")
    response = client.post(url("access_info:my-request-withdraw", request.reference))
    request.refresh_from_db()
    return response, request.status == InformationRequest.Status.WITHDRAWN


def holiday_add(client: Client, w: World) -> tuple[HttpResponse, bool]:
    response = client.post(
        url("access_info:holidays"), {"date": "2026-03-10", "is_holiday": "on", "name": "Off"}
    )
    return response, HolidayOverride.objects.filter(date=D(2026, 3, 10)).exists()


def holiday_delete(client: Client, w: World) -> tuple[HttpResponse, bool]:
    override = HolidayOverride.objects.create(date=D(2026, 3, 11), name="Off")
    response = client.post(url("access_info:holiday-delete", override.pk))
    return response, not HolidayOverride.objects.filter(pk=override.pk).exists()


def admin_holiday_add(client: Client, w: World) -> tuple[HttpResponse, bool]:
    response = client.post(
        url("admin:access_info_holidayoverride_add"),
        {"date": "2026-03-12", "is_holiday": "on", "name": "Off", "note": ""},
    )
    return response, HolidayOverride.objects.filter(date=D(2026, 3, 12)).exists()


HANDLERS_OK = {"admin_a": "ok", "officer_a": "ok"}
#: action -> (function, expected outcome by persona; default below).
MATRIX: dict[str, tuple[Action, dict[str, str], str]] = {
    "file_online": (
        file_online,
        {"anonymous": "login"},
        "ok",
    ),
    "register_paper": (
        register_paper,
        {"anonymous": "login", **HANDLERS_OK, "officer_b": "invalid"},
        "denied",
    ),
    "start": (start, {"anonymous": "login", **HANDLERS_OK}, "missing"),
    "refuse": (refuse, {"anonymous": "login", **HANDLERS_OK}, "missing"),
    "decide_complaint": (decide, {"anonymous": "login", **HANDLERS_OK}, "missing"),
    "withdraw": (withdraw, {"anonymous": "login"}, "missing"),
    "holiday_add": (holiday_add, {"anonymous": "login", "coordinator": "ok"}, "denied"),
    "holiday_delete": (holiday_delete, {"anonymous": "login", "coordinator": "ok"}, "denied"),
}


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(world: World, action: str, name: str) -> None:
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        request = file_request(world)
        services.request_refuse(actor=world.officer_a, request=request, ground="other", text="x")
        services.complaint_file(actor=world.citizen, request=request, stage="head")
        if action in ("start", "refuse", "withdraw"):
            request.delete()
            file_request(world)
        function, expected_by_persona, default = MATRIX[action]
        expected = expected_by_persona.get(name, default)
        response, changed = function(client_for(persona(world, name)), world)
    assert outcome(response) == expected, (action, name, response.status_code)
    assert changed == (expected == "ok"), (action, name)


def test_the_requester_withdraws_their_own_request(world: World) -> None:
    file_request(world)
    response, changed = withdraw(client_for(world.citizen), world)
    assert (outcome(response), changed) == ("ok", True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("anonymous", "login"), ("officer_a", "denied"), ("citizen", "login"), ("coordinator", "ok")],
)
def test_admin_holiday_corrections_are_the_coordinators(
    world: World, name: str, expected: str
) -> None:
    response, changed = admin_holiday_add(client_for(persona(world, name)), world)
    if expected == "login":
        # The admin's own sign-in page for accounts without admin access.
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert outcome(response) == expected
    assert changed == (expected == "ok")


@pytest.mark.parametrize("name", ["officer_a", "admin_a", "coordinator", "officer_b"])
def test_requests_are_read_only_in_the_admin(world: World, name: str) -> None:
    request = file_request(world)
    client = client_for(persona(world, name))
    assert client.get(url("admin:access_info_informationrequest_add")).status_code == 403
    response = client.post(
        url("admin:access_info_informationrequest_delete", request.pk), {"post": "yes"}
    )
    assert response.status_code in (302, 403)
    assert InformationRequest.objects.filter(pk=request.pk).exists()


# --- The rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSONAS)
def test_rules_matrix(world: World, name: str) -> None:
    request = file_request(world)
    user = persona(world, name)
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()  # type: ignore[assignment]
    handler = name in ("admin_a", "officer_a")
    assert user.has_perm("access_info.handle_request", request) is handler  # type: ignore[union-attr]
    assert user.has_perm("access_info.handle_request", world.a) is handler  # type: ignore[union-attr]
    assert user.has_perm("access_info.view_requester_identity", request) is handler  # type: ignore[union-attr]
    assert user.has_perm("access_info.view_own_request", request) is False  # type: ignore[union-attr]
    assert user.has_perm("access_info.add_holidayoverride") is (name == "coordinator")  # type: ignore[union-attr]
    assert user.has_perm("access_info.view_holiday_calendar") is (  # type: ignore[union-attr]
        name in ("admin_a", "officer_a", "officer_b", "coordinator")
    )
    assert user.has_perm("access_info.view_informationrequest", request) is (  # type: ignore[union-attr]
        name in ("admin_a", "officer_a", "coordinator")
    )
    item = DisclosureItem(collectivity=world.a)
    assert user.has_perm("access_info.change_disclosureitem", item) is (  # type: ignore[union-attr]
        name in ("admin_a", "editor_a", "officer_a", "coordinator")
    )
    assert user.has_perm("access_info.file_request") is (name != "anonymous")  # type: ignore[union-attr]


def test_the_requester_s_own_permissions(world: World) -> None:
    request = file_request(world)
    for perm in (
        "view_own_request",
        "withdraw_request",
        "complain_request",
        "clarify_request",
        "view_requester_identity",
    ):
        assert world.citizen.has_perm(f"access_info.{perm}", request), perm
        assert not world.other_citizen.has_perm(f"access_info.{perm}", request), perm
    assert IDENTITY["requester_name"] == request.requester_name


@pytest.mark.parametrize("name", ["coordinator", "officer_a", "admin_a", "editor_a"])
def test_admin_pages_render_for_staff(world: World, name: str) -> None:
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        request = file_request(world)
        services.request_refuse(actor=world.officer_a, request=request, ground="other", text="x")
        complaint = services.complaint_file(actor=world.citizen, request=request, stage="head")
    override = HolidayOverride.objects.create(date=D(2026, 3, 10), name="Off")
    client = client_for(persona(world, name))
    pages = {
        "admin:access_info_informationrequest_changelist": (),
        "admin:access_info_informationrequest_change": (request.pk,),
        "admin:access_info_complaint_changelist": (),
        "admin:access_info_complaint_change": (complaint.pk,),
        "admin:access_info_holidayoverride_changelist": (),
        "admin:access_info_holidayoverride_change": (override.pk,),
        "admin:access_info_disclosurecategory_changelist": (),
        "admin:access_info_disclosureitem_changelist": (),
        "admin:access_info_disclosureitem_add": (),
    }
    readable = {
        "coordinator": set(pages),
        "officer_a": set(pages)
        - {
            "admin:access_info_holidayoverride_changelist",
            "admin:access_info_holidayoverride_change",
            "admin:access_info_disclosurecategory_changelist",
        },
        "editor_a": {
            "admin:access_info_disclosureitem_changelist",
            "admin:access_info_disclosureitem_add",
        },
    }
    readable["admin_a"] = readable["officer_a"]
    for page_name, args in pages.items():
        response = client.get(url(page_name, *args))
        if page_name in readable[name]:
            assert response.status_code == 200, (name, page_name)
        else:
            assert response.status_code in (302, 403), (name, page_name, response.status_code)


def test_disclosure_items_are_added_in_the_admin_for_own_collectivity(world: World) -> None:
    from infitah.access_info.models import DisclosureCategory

    category = DisclosureCategory.objects.create(code="budget", name="Budget", name_fr="Budget")
    client = client_for(world.officer_a)
    data = {
        "category": category.pk,
        "title": "Budget 2026",
        "url": "https://example.org/budget.pdf",
        "published_on": "2026-01-15",
    }
    other = client.post(
        url("admin:access_info_disclosureitem_add"), {**data, "collectivity": world.b.pk}
    )
    assert other.status_code == 200  # B is not among the choices: the form says so
    assert not DisclosureItem.objects.exists()
    empty = client.post(
        url("admin:access_info_disclosureitem_add"),
        {**data, "collectivity": world.a.pk, "url": ""},
    )
    assert empty.status_code == 200
    ok = client.post(
        url("admin:access_info_disclosureitem_add"), {**data, "collectivity": world.a.pk}
    )
    assert ok.status_code == 302
    item = DisclosureItem.objects.get()
    assert (item.collectivity, item.is_current) == (world.a, True)
    assert item.next_update_due_on is not None
