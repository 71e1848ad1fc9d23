"""The request workflow through the services: filing, every step, complaints, e-mails."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import DjangoCaptureOnCommitCallbacks

from infitah.access_info import services
from infitah.access_info.models import Complaint, InformationRequest, RequestEvent
from tests import factories
from tests.access_info.factories_requests import (
    World,
    file_request,
    local,
    make_request,
    unverified,
    world,
)

__all__ = ["world"]

pytestmark = pytest.mark.django_db
D = datetime.date
Status = InformationRequest.Status
Kind = RequestEvent.Kind
Stage = Complaint.Stage


def travel(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


# --- Filing ------------------------------------------------------------------------------


def test_filing_online_gives_a_reference_a_due_date_and_a_receipt(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with travel(local(2026, 3, 2, 10)), django_capture_on_commit_callbacks(execute=True):
        request = file_request(world)

    assert request.reference == "05.091.01.01-2026-000001"
    assert request.channel == InformationRequest.Channel.ONLINE
    assert request.status == Status.RECEIVED
    assert request.due_on == D(2026, 3, 31)
    assert request.email == "requester@example.org"
    assert request.language == "fr"
    assert request.id_document_number == "BE774411"
    assert [e.kind for e in request.events.all()] == [Kind.RECEIVED]
    receipt = next(m for m in mail.outbox if m.to == ["requester@example.org"])
    assert "05.091.01.01-2026-000001" in receipt.subject
    assert "Accusé" in receipt.subject or "Receipt" in receipt.subject
    assert "/fr/information/my/05.091.01.01-2026-000001/" in receipt.body
    # The officer of A (not the one of B) is told, without the requester's identity.
    officer_mail = next(m for m in mail.outbox if m.to == ["officer-a@example.org"])
    assert "Fatima" not in officer_mail.body
    assert not any(m.to == ["officer-b@example.org"] for m in mail.outbox)


def test_references_count_per_collectivity_and_year(world: World) -> None:
    with travel(local(2026, 12, 31, 10)):
        first = file_request(world)
        second = file_request(world)
        other = file_request(world, collectivity=world.b)
    with travel(local(2027, 1, 4, 10)):
        next_year = file_request(world)
    assert first.reference.endswith("-2026-000001")
    assert second.reference.endswith("-2026-000002")
    assert other.reference == f"{world.b.code}-2026-000001"
    assert next_year.reference == "05.091.01.01-2027-000001"


def test_the_year_of_the_reference_is_the_local_year(world: World) -> None:
    # 31 December 2026 at 23:30 UTC is 1 January 2027 at 00:30 in Casablanca.
    with travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)):
        request = file_request(world)
    assert request.reference.endswith("-2027-000001")


def test_unverified_e_mail_cannot_file(world: World) -> None:
    unverified(world.citizen)
    with pytest.raises(ValidationError):
        file_request(world)


def test_only_member_collectivities_take_requests(world: World) -> None:
    outsider = factories.CommuneFactory()
    with pytest.raises(ValidationError) as error:
        file_request(world, collectivity=outsider)
    assert "collectivity" in error.value.message_dict


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("national_id", "be 774411", "BE774411"),
        ("national_id", "K-12345", "K12345"),
        ("residence_permit", "E123456Q", "E123456Q"),
    ],
)
def test_document_numbers_are_normalised(world: World, kind: str, number: str, stored: str) -> None:
    request = file_request(world, id_document_kind=kind, id_document_number=number)
    assert request.id_document_number == stored


@pytest.mark.parametrize(
    ("kind", "number"),
    [("national_id", "123456"), ("national_id", "ABC123456789"), ("residence_permit", "ABCDE")],
)
def test_implausible_document_numbers_are_refused(world: World, kind: str, number: str) -> None:
    with pytest.raises(ValidationError) as error:
        file_request(world, id_document_kind=kind, id_document_number=number)
    assert "id_document_number" in error.value.message_dict


def test_missing_identity_and_urgency_reason_are_reported_by_field(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        file_request(world, requester_name=" ", postal_address="", is_urgent=True)
    assert {"requester_name", "postal_address", "urgency_reason"} <= set(error.value.message_dict)


def test_urgent_request_is_due_in_three_working_days(world: World) -> None:
    with travel(local(2026, 3, 2, 10)):
        request = file_request(world, is_urgent=True, urgency_reason="A life is at stake.")
    assert request.due_on == D(2026, 3, 5)


def test_an_officer_registers_a_paper_request_received_earlier(world: World) -> None:
    with travel(local(2026, 3, 4, 9)):
        request = services.request_register(
            officer=world.officer_a,
            collectivity=world.a,
            channel=InformationRequest.Channel.PAPER,
            received_at=local(2026, 3, 2, 16),
            requester_name="Ahmed Papier",
            id_document_kind="national_id",
            id_document_number="C123456",
            postal_address="Rue 1",
            subject="Plan d'aménagement",
            information_requested="Le plan.",
            preferred_form="paper",
            language="ar",
        )
    assert request.registered_by == world.officer_a
    assert request.requester is None
    assert request.due_on == D(2026, 3, 31)
    assert request.language == "ar"


def test_registering_is_for_the_collectivity_s_handlers(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.request_register(
            officer=world.officer_b,
            collectivity=world.a,
            channel=InformationRequest.Channel.PAPER,
            received_at=None,
            requester_name="X",
            id_document_kind="national_id",
            id_document_number="C123456",
            postal_address="Rue 1",
            subject="S",
            information_requested="I",
            preferred_form="paper",
        )


def test_an_officer_cannot_register_an_online_request(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.request_register(
            officer=world.officer_a,
            collectivity=world.a,
            channel=InformationRequest.Channel.ONLINE,
            received_at=None,
            requester_name="X",
            id_document_kind="national_id",
            id_document_number="C123456",
            postal_address="Rue 1",
            subject="S",
            information_requested="I",
            preferred_form="paper",
        )
    assert "channel" in error.value.message_dict


# --- The steps ---------------------------------------------------------------------------


@pytest.fixture
def request_a(world: World) -> InformationRequest:
    with travel(local(2026, 3, 2, 10)):
        return file_request(world)


def test_clarification_does_not_stop_the_clock(world: World, request_a: InformationRequest) -> None:
    with travel(local(2026, 3, 4, 10)):
        asked = services.request_ask_clarification(
            actor=world.officer_a, request=request_a, question="Which year?"
        )
    assert asked.status == Status.CLARIFICATION
    with pytest.raises(ValidationError):
        services.request_ask_clarification(actor=world.officer_a, request=asked, question="Again?")
    with travel(local(2026, 3, 10, 10)):
        clarified = services.request_clarify(actor=world.citizen, request=asked, text="2026.")
    assert clarified.status == Status.IN_PROGRESS
    assert clarified.due_on == D(2026, 3, 31)
    assert [e.kind for e in clarified.events.all()] == [
        Kind.RECEIVED,
        Kind.CLARIFICATION_ASKED,
        Kind.CLARIFICATION_GIVEN,
    ]


def test_only_the_requester_or_a_handler_clarifies(
    world: World, request_a: InformationRequest
) -> None:
    services.request_ask_clarification(actor=world.officer_a, request=request_a, question="?")
    with pytest.raises(PermissionDenied):
        services.request_clarify(actor=world.other_citizen, request=request_a, text="me")
    with pytest.raises(PermissionDenied):
        services.request_clarify(actor=world.officer_b, request=request_a, text="me")
    services.request_clarify(actor=world.officer_a, request=request_a, text="By phone: 2026.")


def test_start_only_a_received_request(world: World, request_a: InformationRequest) -> None:
    started = services.request_start(actor=world.officer_a, request=request_a)
    assert started.status == Status.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.request_start(actor=world.officer_a, request=started)


def test_extension_once_before_expiry_with_reasons(
    world: World, request_a: InformationRequest
) -> None:
    with travel(local(2026, 3, 31, 15)):
        with pytest.raises(ValidationError) as error:
            services.request_extend(actor=world.officer_a, request=request_a, reason=" ")
        assert "reason" in error.value.message_dict
        extended = services.request_extend(
            actor=world.officer_a, request=request_a, reason="Many documents to gather."
        )
        assert extended.status == Status.EXTENDED
        assert extended.due_on == D(2026, 4, 28)
        with pytest.raises(ValidationError):
            services.request_extend(actor=world.officer_a, request=extended, reason="Again")


def test_no_extension_after_the_deadline_expired(
    world: World, request_a: InformationRequest
) -> None:
    with travel(local(2026, 4, 1, 9)), pytest.raises(ValidationError) as error:
        services.request_extend(actor=world.officer_a, request=request_a, reason="Late")
    assert error.value.code == "expired"


def test_urgent_extension_adds_three_working_days(world: World) -> None:
    with travel(local(2026, 3, 2, 10)):
        request = file_request(world, is_urgent=True, urgency_reason="Safety.")
        extended = services.request_extend(actor=world.officer_a, request=request, reason="Why")
    assert extended.due_on == D(2026, 3, 10)


def test_full_answer_with_documents_and_fee(world: World, request_a: InformationRequest) -> None:
    document = SimpleUploadedFile("budget.csv", b"chapter,amount\n1,100\n", "text/csv")
    with travel(local(2026, 3, 20, 11)):
        with pytest.raises(ValidationError) as error:
            services.request_answer(
                actor=world.officer_a,
                request=request_a,
                partial=False,
                released_text="",
                fee_amount="12.50",
            )
        assert {"released_text", "fee_reason"} <= set(error.value.message_dict)
        answered = services.request_answer(
            actor=world.officer_a,
            request=request_a,
            partial=False,
            released_text="The budget is attached.",
            documents=[("Budget 2026", document)],
            fee_amount="12.50",
            fee_reason="Copies",
        )
    assert answered.status == Status.ANSWERED
    assert answered.fee_amount == Decimal("12.50")
    assert answered.working_days_taken == 13  # 3 to 19 March; Friday 20 is Eid
    assert answered.answered_on_time is True
    assert [d.title for d in answered.documents.all()] == ["Budget 2026"]
    assert not answered.documents.get().is_public
    kinds = [e.kind for e in answered.events.all()]
    assert kinds[-2:] == [Kind.FEE, Kind.STATUS]
    with pytest.raises(ValidationError):
        services.request_refuse(
            actor=world.officer_a, request=answered, ground="abusive", text="No"
        )


def test_partial_answer_needs_the_ground_and_reasons(
    world: World, request_a: InformationRequest
) -> None:
    with pytest.raises(ValidationError) as error:
        services.request_answer(
            actor=world.officer_a, request=request_a, partial=True, released_text="Part."
        )
    assert {"refusal_ground", "refusal_text"} <= set(error.value.message_dict)
    answered = services.request_answer(
        actor=world.officer_a,
        request=request_a,
        partial=True,
        released_text="Part.",
        refusal_ground="private_life",
        refusal_text="Names of employees withheld.",
    )
    assert answered.status == Status.PARTLY_ANSWERED


def test_late_answer_is_recorded_as_late(world: World, request_a: InformationRequest) -> None:
    with travel(local(2026, 4, 2, 11)):
        answered = services.request_answer(
            actor=world.officer_a, request=request_a, partial=False, released_text="Here."
        )
    assert answered.answered_on_time is False
    assert answered.working_days_taken == 22


def test_refusal_needs_a_legal_ground_and_reasons(
    world: World, request_a: InformationRequest
) -> None:
    with pytest.raises(ValidationError) as error:
        services.request_refuse(actor=world.officer_a, request=request_a, ground="bad", text="")
    assert {"ground", "text"} <= set(error.value.message_dict)
    refused = services.request_refuse(
        actor=world.officer_a, request=request_a, ground="national_defence", text="Defence."
    )
    assert refused.status == Status.REFUSED
    assert refused.closed_at is not None


def test_transfer_names_the_body(world: World, request_a: InformationRequest) -> None:
    with pytest.raises(ValidationError):
        services.request_transfer(actor=world.officer_a, request=request_a, to_body="")
    transferred = services.request_transfer(
        actor=world.officer_a, request=request_a, to_body="Agence urbaine"
    )
    assert (transferred.status, transferred.transferred_to) == (
        Status.TRANSFERRED,
        "Agence urbaine",
    )


def test_withdrawal_by_the_requester_before_work_leaves_the_register(
    world: World, request_a: InformationRequest
) -> None:
    with pytest.raises(PermissionDenied):
        services.request_withdraw(actor=world.other_citizen, request=request_a)
    withdrawn = services.request_withdraw(actor=world.citizen, request=request_a)
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.is_in_register is False
    assert withdrawn.answered_on_time is None
    with pytest.raises(ValidationError):
        services.request_withdraw(actor=world.citizen, request=withdrawn)


def test_withdrawal_of_a_request_being_handled_stays_in_the_register(
    world: World, request_a: InformationRequest
) -> None:
    services.request_start(actor=world.officer_a, request=request_a)
    withdrawn = services.request_withdraw(actor=world.citizen, request=request_a)
    assert withdrawn.is_in_register is True


def test_publishing_the_redacted_answer(world: World, request_a: InformationRequest) -> None:
    with pytest.raises(ValidationError):
        services.request_publish_answer(
            actor=world.officer_a, request=request_a, released_text="Too early"
        )
    services.request_answer(
        actor=world.officer_a,
        request=request_a,
        partial=False,
        released_text="Mr Dupont's budget file.",
        documents=[
            ("Original", SimpleUploadedFile("a.csv", b"a,b\n1,2\n", "text/csv")),
            ("Redacted", SimpleUploadedFile("b.csv", b"a,b\n1,x\n", "text/csv")),
        ],
    )
    original, redacted = request_a.documents.order_by("pk")
    published = services.request_publish_answer(
        actor=world.officer_a,
        request=request_a,
        released_text="The budget file.",
        subject="Budget 2026",
        public_document_ids=[redacted.pk],
    )
    assert published.released_text == "The budget file."
    assert published.subject == "Budget 2026"
    assert published.released_published_at is not None
    assert "budget" in published.search_text
    original.refresh_from_db()
    redacted.refresh_from_db()
    assert (original.is_public, redacted.is_public) == (False, True)
    assert published.events.filter(kind=Kind.PUBLISHED).count() == 1


def test_officers_of_another_collectivity_cannot_act(
    world: World, request_a: InformationRequest
) -> None:
    for actor in (world.officer_b, world.coordinator, world.citizen):
        with pytest.raises(PermissionDenied):
            services.request_start(actor=actor, request=request_a)
        with pytest.raises(PermissionDenied):
            services.request_refuse(actor=actor, request=request_a, ground="other", text="x")


def test_the_administrator_handles_requests_too(
    world: World, request_a: InformationRequest
) -> None:
    assert services.request_start(actor=world.admin_a, request=request_a).status == (
        Status.IN_PROGRESS
    )


# --- E-mails --------------------------------------------------------------------------------


def test_every_step_is_e_mailed_to_the_requester_in_their_language(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request(world)
        services.request_ask_clarification(actor=world.officer_a, request=request, question="Q?")
        services.request_clarify(actor=world.citizen, request=request, text="A.")
        services.request_extend(actor=world.officer_a, request=request, reason="Volume")
        services.request_refuse(
            actor=world.officer_a, request=request, ground="abusive", text="Repeated."
        )
    to_requester = [m for m in mail.outbox if m.to == ["requester@example.org"]]
    assert len(to_requester) == 5
    assert all("05.091.01.01-2026-" in m.subject for m in to_requester)
    assert "Q?" in to_requester[1].body
    assert "Volume" in to_requester[3].body
    assert "Repeated." in to_requester[4].body


def test_no_e_mail_without_an_address(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_register(
            officer=world.officer_a,
            collectivity=world.a,
            channel=InformationRequest.Channel.POST,
            received_at=None,
            requester_name="Sans Courriel",
            id_document_kind="national_id",
            id_document_number="C123456",
            postal_address="Rue 1",
            subject="S",
            information_requested="I",
            preferred_form="paper",
        )
        services.request_start(actor=world.officer_a, request=request)
    assert mail.outbox == []


# --- Complaints ------------------------------------------------------------------------------


def test_no_complaint_while_a_request_is_on_time(
    world: World, request_a: InformationRequest
) -> None:
    assert services.complaint_next_stage(request_a, today=D(2026, 3, 31)) is None
    with travel(local(2026, 3, 20)), pytest.raises(ValidationError):
        services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.HEAD)


def test_no_answer_by_the_due_date_allows_a_complaint_to_the_head(
    world: World, request_a: InformationRequest
) -> None:
    option = services.complaint_next_stage(request_a, today=D(2026, 4, 1))
    assert (option.stage, option.ground, option.deadline) == (  # type: ignore[union-attr]
        Stage.HEAD,
        Complaint.Ground.NO_ANSWER,
        D(2026, 4, 28),
    )
    assert services.complaint_next_stage(request_a, today=D(2026, 4, 29)) is None


def test_the_stages_follow_each_other_with_their_deadlines(
    world: World, request_a: InformationRequest
) -> None:
    with travel(local(2026, 3, 10, 10)):
        services.request_refuse(
            actor=world.officer_a, request=request_a, ground="deliberations", text="Secret."
        )
    # Not the CDAI first.
    with travel(local(2026, 3, 12, 10)), pytest.raises(ValidationError) as error:
        services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.CDAI)
    assert "stage" in error.value.message_dict

    with travel(local(2026, 3, 12, 10)):
        head = services.complaint_file(
            actor=world.citizen, request=request_a, stage=Stage.HEAD, text="Please reconsider."
        )
    assert (head.ground, head.response_due_on) == (Complaint.Ground.REFUSAL, D(2026, 4, 3))
    with travel(local(2026, 3, 13, 10)), pytest.raises(ValidationError):
        services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.HEAD)
    # The CDAI once the head's 15 working days passed without an answer.
    assert services.complaint_next_stage(request_a, today=D(2026, 4, 3)) is None
    option = services.complaint_next_stage(request_a, today=D(2026, 4, 6))
    assert (option.stage, option.deadline) == (Stage.CDAI, D(2026, 5, 3))  # type: ignore[union-attr]

    with travel(local(2026, 3, 30, 10)):
        services.complaint_decide(
            actor=world.officer_a,
            complaint=head,
            outcome=Complaint.Outcome.REJECTED,
            outcome_text="Refusal confirmed.",
        )
    with travel(local(2026, 4, 2, 10)):
        cdai = services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.CDAI)
    assert cdai.response_due_on == D(2026, 5, 2)
    with travel(local(2026, 5, 2, 10)), pytest.raises(ValidationError):
        services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.COURT)
    with travel(local(2026, 5, 4, 10)):
        court = services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.COURT)
    assert court.response_due_on is None
    assert services.complaint_next_stage(request_a, today=D(2026, 5, 5)) is None
    kinds = [(e.kind, e.note, e.to_status) for e in request_a.events.filter(kind=Kind.COMPLAINT)]
    assert kinds == [
        (Kind.COMPLAINT, "head", "pending"),
        (Kind.COMPLAINT, "head", "rejected"),
        (Kind.COMPLAINT, "cdai", "pending"),
        (Kind.COMPLAINT, "court", "pending"),
    ]


def test_a_complaint_out_of_time_is_refused(world: World, request_a: InformationRequest) -> None:
    with travel(local(2026, 3, 10, 10)):
        services.request_refuse(
            actor=world.officer_a, request=request_a, ground="abusive", text="x"
        )
    with travel(local(2026, 4, 9, 10)), pytest.raises(ValidationError):
        services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.HEAD)


def test_an_officer_records_a_paper_complaint_with_its_date(
    world: World, request_a: InformationRequest
) -> None:
    with travel(local(2026, 3, 10, 10)):
        services.request_answer(
            actor=world.officer_a,
            request=request_a,
            partial=True,
            released_text="Part.",
            refusal_ground="private_life",
            refusal_text="Names.",
        )
    with travel(local(2026, 3, 20, 10)):
        complaint = services.complaint_file(
            actor=world.officer_a,
            request=request_a,
            stage=Stage.HEAD,
            filed_at=local(2026, 3, 16, 9),
        )
    assert complaint.ground == Complaint.Ground.PARTIAL
    assert complaint.filed_at == local(2026, 3, 16, 9)
    assert complaint.recorded_by == world.officer_a
    with pytest.raises(PermissionDenied):
        services.complaint_decide(
            actor=world.citizen, complaint=complaint, outcome="upheld", outcome_text="Yes"
        )


def test_an_upheld_complaint_lets_the_officer_answer_again(
    world: World, request_a: InformationRequest
) -> None:
    with travel(local(2026, 3, 10, 10)):
        services.request_refuse(
            actor=world.officer_a, request=request_a, ground="abusive", text="x"
        )
    with travel(local(2026, 3, 11, 10)):
        head = services.complaint_file(actor=world.citizen, request=request_a, stage=Stage.HEAD)
    with pytest.raises(ValidationError):
        services.request_answer(
            actor=world.officer_a, request=request_a, partial=False, released_text="Here."
        )
    with travel(local(2026, 3, 16, 10)):
        with pytest.raises(ValidationError) as error:
            services.complaint_decide(
                actor=world.officer_a, complaint=head, outcome="pending", outcome_text=""
            )
        assert {"outcome", "outcome_text"} <= set(error.value.message_dict)
        services.complaint_decide(
            actor=world.officer_a, complaint=head, outcome="upheld", outcome_text="Give it."
        )
        answered = services.request_answer(
            actor=world.officer_a, request=request_a, partial=False, released_text="Here."
        )
    assert answered.status == Status.ANSWERED
    # The first decision's date and figures stay.
    assert answered.closed_at == local(2026, 3, 10, 10)
    assert answered.working_days_taken == 6


def test_a_withdrawn_request_allows_no_complaint(
    world: World, request_a: InformationRequest
) -> None:
    services.request_withdraw(actor=world.citizen, request=request_a)
    assert services.complaint_next_stage(request_a, today=D(2026, 4, 10)) is None


def test_complaints_on_a_request_written_directly(world: World) -> None:
    late = make_request(world.a, received_at=local(2026, 3, 2), requester=world.citizen)
    with travel(local(2026, 4, 1, 10)):
        complaint = services.complaint_file(actor=world.citizen, request=late, stage=Stage.HEAD)
    assert complaint.ground == Complaint.Ground.NO_ANSWER
    assert complaint.response_due_on == D(2026, 4, 22)
