"""The information officers' pages: queue, request, every step, registration, calendar."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.access_info import services
from infitah.access_info.models import Complaint, HolidayOverride, InformationRequest
from tests.access_info.factories_requests import (
    IDENTITY,
    World,
    file_request,
    local,
    make_request,
    world,
)
from tests.sample_map import count_queries

__all__ = ["world"]

pytestmark = pytest.mark.django_db
Status = InformationRequest.Status
D = datetime.date


def url(name: str, *args: object, lang: str = "fr") -> str:
    with translation.override(lang):
        return reverse(f"access_info:{name}", args=args)


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def travel(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


# --- Queue ------------------------------------------------------------------------------------


def test_the_queue_is_for_handlers_only(world: World) -> None:
    assert Client().get(url("officer-queue")).status_code == 302
    for user in (world.citizen, world.coordinator):
        assert signed_in(user).get(url("officer-queue")).status_code == 403
    assert signed_in(world.admin_a).get(url("officer-queue")).status_code == 200


def test_the_queue_lists_the_collectivity_s_open_requests_with_flags(world: World) -> None:
    on_time = make_request(world.a, received_at=local(2026, 3, 16), subject="Budget")
    late = make_request(world.a, received_at=local(2026, 3, 2), subject="Marchés")
    very_late = make_request(world.a, received_at=local(2026, 2, 2), subject="Voirie")
    urgent = make_request(
        world.a, received_at=local(2026, 4, 1), is_urgent=True, urgency_reason="Vie"
    )
    make_request(world.a, received_at=local(2026, 3, 2), status=Status.ANSWERED)
    make_request(world.b, received_at=local(2026, 3, 2), subject="Chez B")
    client = signed_in(world.officer_a)

    with travel(local(2026, 4, 2, 10)):
        response = client.get(url("officer-queue"))
        rows = {row.request.pk: row for row in response.context["rows"]}
        assert set(rows) == {on_time.pk, late.pk, very_late.pk, urgent.pk}
        # Ordered by due date.
        assert [row.request.pk for row in response.context["rows"]][0] == very_late.pk
        assert rows[late.pk].lateness == "late"
        assert rows[late.pk].late_by == 2
        assert rows[very_late.pk].lateness == "very_late"
        assert rows[on_time.pk].days_left == 8  # due Tuesday 14 April
        html = response.content.decode()
        assert "Chez B" not in html
        assert IDENTITY["requester_name"] not in html  # the list shows no identity

        def listed(query: str) -> set[int]:
            page = client.get(url("officer-queue") + query)
            assert page.status_code == 200
            return {row.request.pk for row in page.context["rows"]}

        assert listed("?flag=late") == {late.pk, very_late.pk}
        assert listed("?flag=very_late") == {very_late.pk}
        assert listed("?flag=urgent") == {urgent.pk}
        assert listed("?q=voirie") == {very_late.pk}
        assert listed(f"?q={late.reference}") == {late.pk}
        assert len(listed("?status=all")) == 5
        assert len(listed("?status=answered")) == 1


@pytest.mark.parametrize(
    "query", ["?status=zzz", "?flag=zzz", "?collectivity=abc", "?page=999", "?q=%00", "?status=%00"]
)
def test_bad_queue_parameters_show_a_notice_not_an_error(world: World, query: str) -> None:
    make_request(world.a, received_at=local(2026, 3, 2))
    response = signed_in(world.officer_a).get(url("officer-queue") + query)
    assert response.status_code == 200


def test_the_queue_query_count_does_not_grow(world: World) -> None:
    client = signed_in(world.officer_a)
    for _ in range(2):
        make_request(world.a, received_at=local(2026, 3, 2))
    few = count_queries(client, url("officer-queue"))
    for day in range(3, 23):
        make_request(world.a, received_at=local(2026, 3, day))
    many = count_queries(client, url("officer-queue"))
    assert many == few


def test_the_queue_is_paginated(world: World) -> None:
    for day in range(1, 31):
        make_request(world.a, received_at=local(2026, 1, day))
    client = signed_in(world.officer_a)
    first = client.get(url("officer-queue"))
    assert len(first.context["rows"]) == 25
    second = client.get(url("officer-queue") + "?page=2")
    assert len(second.context["rows"]) == 5


# --- One request ----------------------------------------------------------------------------


def test_the_request_page_shows_the_identity_and_the_possible_steps(world: World) -> None:
    request = file_request(world)
    response = signed_in(world.officer_a).get(url("officer-request-detail", request.reference))
    assert response.status_code == 200
    html = response.content.decode()
    for value in (IDENTITY["requester_name"], "BE774411", IDENTITY["postal_address"]):
        assert value in html
    assert response.context["actions"] >= {"start", "answer", "refuse", "extend", "transfer"}
    assert "publish" not in response.context["actions"]
    assert " style=" not in html and "<script" not in html


def test_another_collectivity_s_request_is_not_found(world: World) -> None:
    request = file_request(world)
    client = signed_in(world.officer_b)
    assert client.get(url("officer-request-detail", request.reference)).status_code == 404
    response = client.post(url("officer-request-action", request.reference, "start"))
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == Status.RECEIVED


def test_every_step_through_the_pages(world: World) -> None:
    client = signed_in(world.officer_a)
    with travel(local(2026, 3, 2, 10)):
        request = file_request(world)
    ref = request.reference

    def post(action: str, data: dict[str, object] | None = None) -> object:
        return client.post(url("officer-request-action", ref, action), data or {})

    with travel(local(2026, 3, 3, 10)):
        assert post("start").status_code == 302  # type: ignore[attr-defined]
        question = post("clarification", {"clarification-question": "Quelle année ?"})
        assert question.status_code == 302  # type: ignore[attr-defined]
        assert post("clarified", {"clarified-text": "2026"}).status_code == 302  # type: ignore[attr-defined]
        empty = post("extend", {"extend-reason": ""})
        assert empty.status_code == 200  # type: ignore[attr-defined]
        assert "reason" in empty.context["forms"]["extend"].errors  # type: ignore[attr-defined]
        assert post("extend", {"extend-reason": "Volume"}).status_code == 302  # type: ignore[attr-defined]
        request.refresh_from_db()
        assert (request.status, request.due_on) == (Status.EXTENDED, D(2026, 4, 28))
        again = post("extend", {"extend-reason": "Encore"})
        assert again.status_code == 200  # type: ignore[attr-defined]

        answer = client.post(
            url("officer-request-action", ref, "answer"),
            {
                "answer-released_text": "Le budget est joint.",
                "answer-documents": [
                    SimpleUploadedFile("budget.csv", b"a,b\n1,2\n", "text/csv"),
                ],
                "answer-fee_amount": "0",
            },
        )
        assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.documents.count() == 1

    page = client.get(url("officer-request-detail", ref))
    assert "publish" in page.context["actions"]
    document = request.documents.get()
    published = post(
        "publish",
        {
            "publish-subject": "Budget 2026",
            "publish-released_text": "Le budget est joint.",
            "publish-public_documents": [document.pk],
        },
    )
    assert published.status_code == 302  # type: ignore[attr-defined]
    request.refresh_from_db()
    assert request.released_published_at is not None
    document.refresh_from_db()
    assert document.is_public


def test_a_document_of_the_wrong_type_is_a_form_error(world: World) -> None:
    request = file_request(world)
    response = signed_in(world.officer_a).post(
        url("officer-request-action", request.reference, "answer"),
        {
            "answer-released_text": "Voir.",
            "answer-documents": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/x")],
        },
    )
    assert response.status_code == 200
    assert "documents" in response.context["forms"]["answer"].errors


def test_refusal_transfer_and_withdrawal_pages(world: World) -> None:
    client = signed_in(world.officer_a)
    refused = file_request(world)
    bad = client.post(
        url("officer-request-action", refused.reference, "refuse"), {"refuse-ground": "zzz"}
    )
    assert bad.status_code == 200
    assert {"ground", "text"} <= set(bad.context["forms"]["refuse"].errors)
    ok = client.post(
        url("officer-request-action", refused.reference, "refuse"),
        {"refuse-ground": "abusive", "refuse-text": "Répétitive."},
    )
    assert ok.status_code == 302
    transferred = file_request(world)
    client.post(
        url("officer-request-action", transferred.reference, "transfer"),
        {"transfer-to_body": "Agence urbaine"},
    )
    withdrawn = file_request(world)
    client.post(url("officer-request-action", withdrawn.reference, "withdraw"))
    statuses = dict(InformationRequest.objects.values_list("reference", "status"))
    assert statuses == {
        refused.reference: Status.REFUSED,
        transferred.reference: Status.TRANSFERRED,
        withdrawn.reference: Status.WITHDRAWN,
    }
    # A step the status does not allow any more: a message, no error page.
    response = client.post(url("officer-request-action", refused.reference, "start"), follow=True)
    assert response.status_code == 200
    assert client.post(url("officer-request-action", refused.reference, "nope")).status_code == 404


def test_recording_and_deciding_a_complaint(world: World) -> None:
    client = signed_in(world.officer_a)
    with travel(local(2026, 3, 2, 10)):
        request = file_request(world)
        services.request_refuse(actor=world.officer_a, request=request, ground="abusive", text="x")
        page = client.get(url("officer-request-detail", request.reference))
        assert page.context["complaint_option"].stage == Complaint.Stage.HEAD
        recorded = client.post(
            url("officer-request-action", request.reference, "complaint"),
            {
                "complaint-stage": "head",
                "complaint-filed_at": "2026-03-02T09:00",
                "complaint-text": "Lettre",
            },
        )
        assert recorded.status_code == 302
        complaint = request.complaints.get()
        assert complaint.filed_at == local(2026, 3, 2, 9)
        invalid = client.post(
            url("officer-complaint-decide", complaint.pk),
            {f"decide-{complaint.pk}-outcome": "upheld", f"decide-{complaint.pk}-outcome_text": ""},
        )
        assert invalid.status_code == 200
        decided = client.post(
            url("officer-complaint-decide", complaint.pk),
            {
                f"decide-{complaint.pk}-outcome": "upheld",
                f"decide-{complaint.pk}-outcome_text": "Communiquer.",
            },
        )
    assert decided.status_code == 302
    complaint.refresh_from_db()
    assert complaint.outcome == Complaint.Outcome.UPHELD
    assert (
        signed_in(world.officer_b)
        .post(url("officer-complaint-decide", complaint.pk), {})
        .status_code
        == 404
    )


# --- Registering a paper request ---------------------------------------------------------------


REGISTER = {
    "channel": "paper",
    "received_at": "2026-03-02T16:45",
    "requester_name": "Ahmed Papier",
    "id_document_kind": "national_id",
    "id_document_number": "C123456",
    "postal_address": "Rue 1, Fès",
    "email": "",
    "phone": "",
    "language": "ar",
    "subject": "Plan d'aménagement",
    "information_requested": "Le plan.",
    "preferred_form": "paper",
}


def test_registering_a_paper_request(world: World) -> None:
    client = signed_in(world.officer_a)
    assert client.get(url("officer-register")).status_code == 200
    with travel(local(2026, 3, 4, 9)):
        response = client.post(url("officer-register"), {**REGISTER, "collectivity": world.a.pk})
    request = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("officer-request-detail", request.reference)
    assert request.received_at == local(2026, 3, 2, 16, 45)
    assert request.due_on == D(2026, 3, 31)
    assert request.channel == InformationRequest.Channel.PAPER


def test_registering_for_another_collectivity_or_with_errors(world: World) -> None:
    client = signed_in(world.officer_a)
    other = client.post(url("officer-register"), {**REGISTER, "collectivity": world.b.pk})
    assert other.status_code == 200
    assert "collectivity" in other.context["form"].errors
    future = client.post(
        url("officer-register"),
        {**REGISTER, "collectivity": world.a.pk, "received_at": "2999-01-01T10:00"},
    )
    assert future.status_code == 200
    assert "received_at" in future.context["form"].errors
    online = client.post(
        url("officer-register"), {**REGISTER, "collectivity": world.a.pk, "channel": "online"}
    )
    assert online.status_code == 200
    assert not InformationRequest.objects.exists()
    assert signed_in(world.citizen).get(url("officer-register")).status_code == 403


# --- The holiday calendar ------------------------------------------------------------------------


def test_the_calendar_page(world: World) -> None:
    response = signed_in(world.officer_a).get(url("holidays") + "?year=2026")
    assert response.status_code == 200
    assert response.context["form"] is None  # officers read it
    dates = [row["date"] for row in response.context["rows"]]
    assert D(2026, 7, 30) in dates
    assert signed_in(world.citizen).get(url("holidays")).status_code == 403
    assert signed_in(world.officer_a).get(url("holidays") + "?year=zz").status_code == 200
    assert signed_in(world.officer_a).post(url("holidays"), {}).status_code == 403


def test_coordinators_correct_the_calendar(world: World) -> None:
    request = make_request(world.a, received_at=local(2026, 3, 2))
    client = signed_in(world.coordinator)
    invalid = client.post(url("holidays"), {"date": "", "name": ""})
    assert invalid.status_code == 200
    assert invalid.context["form"].errors
    with_callbacks = client.post(
        url("holidays"),
        {"date": "2026-03-10", "is_holiday": "on", "name": "Jour férié exceptionnel"},
    )
    assert with_callbacks.status_code == 302
    override = HolidayOverride.objects.get()
    duplicate = client.post(url("holidays"), {"date": "2026-03-10", "name": "Twice"})
    assert duplicate.status_code == 200
    # Deadlines were recomputed by the task (run on commit: in tests, call it).
    services.recompute_open_deadlines()
    request.refresh_from_db()
    assert request.due_on == D(2026, 4, 1)
    assert client.post(url("holiday-delete", override.pk)).status_code == 302
    assert not HolidayOverride.objects.exists()
    assert client.post(url("holiday-delete", 99999)).status_code == 404
