"""Writes of access to information: requests and their workflow, complaints, the calendar.

The workflow of law 31-13 (articles 14 to 21), run by the collectivity's information
officers (and its administrator) — the *handlers* of :mod:`.rules`::

    received ─┬─> clarification asked ─> (clarified) ─> in progress / extended
              ├─> in progress ─> extended (once, before expiry)
              └─> answered | partly answered | refused | transferred   (decisions)
    any open status ─> withdrawn (by the requester)

Every step is dated in a :class:`RequestEvent` and e-mailed to the requester (when an
e-mail address is known) in their language, after the transaction commits. Notes the
system writes in events never contain personal data: only statuses, dates and codes;
notes typed by officers (questions, reasons) and by the requester (clarifications)
are theirs.

**Clarification does not stop the clock.** Law 31-13 provides no suspension of the
article 16/17 periods while a request is being clarified, so the simplest lawful
choice is kept: the due date stays where it is; an officer who needs more time uses
the one extension (article 16).

Every function is keyword-only, runs in a transaction, validates (``full_clean``) and
raises ``ValidationError`` (with field names where there are fields) or
``PermissionDenied`` with translated messages. The acting user's permission is checked
here too (defence in depth), with the permission names of :mod:`.rules`.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from infitah.access_info import deadlines, tasks
from infitah.access_info.models import (
    Complaint,
    HolidayOverride,
    InformationRequest,
    RequestDocument,
    RequestEvent,
)
from infitah.accounts.models import User
from infitah.accounts.selectors import AnyUser, user_email_is_unverified
from infitah.core.cache import bump_content_version
from infitah.core.text import strip_bidi_controls
from infitah.network.models import Membership
from infitah.territories.models import Collectivity

__all__ = [
    "IDENTITY_FIELDS",
    "ComplaintOption",
    "complaint_decide",
    "complaint_file",
    "complaint_next_stage",
    "holiday_override_delete",
    "holiday_override_save",
    "normalize_id_document_number",
    "recompute_open_deadlines",
    "request_answer",
    "request_ask_clarification",
    "request_clarify",
    "request_extend",
    "request_file",
    "request_publish_answer",
    "request_refuse",
    "request_register",
    "request_search_text",
    "request_start",
    "request_transfer",
    "request_withdraw",
    "requester_identities_remove_for_user",
    "requester_identity_remove",
    "requests_purge_expired_identities",
]

logger = logging.getLogger(__name__)

Status = InformationRequest.Status
Kind = RequestEvent.Kind
Stage = Complaint.Stage
Ground = Complaint.Ground
Outcome = Complaint.Outcome

#: The requester's personal data (law 09-08): shown only to the collectivity's
#: handlers and the requester; blanked by :func:`requester_identity_remove`.
IDENTITY_FIELDS = (
    "requester_name",
    "id_document_kind",
    "id_document_number",
    "postal_address",
    "email",
    "phone",
)

#: Statuses that decide a request (the deadline stops).
DECISION_STATUSES = (
    Status.ANSWERED,
    Status.PARTLY_ANSWERED,
    Status.REFUSED,
    Status.TRANSFERRED,
)
#: Channels an officer registers (online requests are filed by the requester).
OFFLINE_CHANNELS = (
    InformationRequest.Channel.PAPER,
    InformationRequest.Channel.POST,
    InformationRequest.Channel.EMAIL,
)

# Light checks of identity-document numbers (spaces and dashes are dropped first):
# the national electronic identity card (CNIE) is one or two letters and up to seven
# digits (``BE123456``); residence permits vary, so only "letters and digits, with at
# least one digit, 5 to 20 characters" is checked.
_ID_PATTERNS = {
    InformationRequest.IdDocument.NATIONAL_ID: re.compile(r"[A-Z]{1,2}[0-9]{1,7}"),
    InformationRequest.IdDocument.RESIDENCE_PERMIT: re.compile(r"(?=.*[0-9])[A-Z0-9]{5,20}"),
}


# --- Helpers ----------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return timezone.now()


def _today() -> datetime.date:
    return deadlines.local_date(_now())


def _require(actor: Any, perm: str, obj: Any) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this for this request."))


def _clean_line(value: str) -> str:
    """One line of user text: no bidi controls, trimmed, inner whitespace collapsed."""
    return " ".join(strip_bidi_controls(value or "").split())


def _clean_text(value: str) -> str:
    """A paragraph of user text: no bidi controls, trimmed, NUL removed."""
    return strip_bidi_controls(value or "").replace("\x00", "").strip()


def _on_commit(function: Callable[..., Any], **kwargs: Any) -> None:
    transaction.on_commit(functools.partial(function, **kwargs))


def _notify_requester(request: InformationRequest, event: RequestEvent) -> None:
    """E-mail the requester about ``event`` after commit (when an address is known)."""
    if request.email:
        _on_commit(tasks.send_requester_email.enqueue, request_id=request.pk, event_id=event.pk)


def _notify_handlers(request: InformationRequest, event: RequestEvent) -> None:
    """E-mail the collectivity's handlers about ``event`` (new request, clarification...)."""
    _on_commit(tasks.send_handlers_email.enqueue, request_id=request.pk, event_id=event.pk)


def _log(
    request: InformationRequest,
    *,
    kind: str,
    actor: Any = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    at: datetime.datetime | None = None,
) -> RequestEvent:
    """Append one dated event to the request's log."""
    event = RequestEvent(
        request=request,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        at=at or _now(),
        note=note,
    )
    event.full_clean()
    event.save()
    return event


def _save(request: InformationRequest, fields: Iterable[str]) -> None:
    request.full_clean()
    request.save(update_fields=[*fields, "updated_at"])


def _lock(request: InformationRequest) -> InformationRequest:
    """Lock the request's row (PostgreSQL) and re-read it into ``request``; return it.

    Two officers acting at once then act one after the other, each on the current
    state; the caller's object is updated in place.
    """
    list(InformationRequest.objects.select_for_update().filter(pk=request.pk).values_list("pk"))
    request.refresh_from_db()
    return request


def _require_open(request: InformationRequest) -> None:
    if not request.is_open:
        raise ValidationError(
            _("This request is already decided (%(status)s).")
            % {"status": request.get_status_display()},
            code="closed",
        )


def _running_status(request: InformationRequest) -> str:
    """The status of an open request being worked on: extended once it was extended."""
    return Status.EXTENDED if request.extended_at is not None else Status.IN_PROGRESS


def _close(
    request: InformationRequest, *, status: str, now: datetime.datetime, on_time: bool = True
) -> list[str]:
    """Set the decision fields; return the names of the fields changed.

    A request decided again after an upheld complaint keeps its first decision's date
    and figures (the statistics measure the first decision).
    """
    request.status = status
    fields = ["status"]
    if request.closed_at is None:
        request.closed_at = now
        decided_on = deadlines.local_date(now)
        request.working_days_taken = max(
            0,
            deadlines.working_days_between(deadlines.local_date(request.received_at), decided_on),
        )
        request.answered_on_time = (decided_on <= request.due_on) if on_time else None
        fields += ["closed_at", "working_days_taken", "answered_on_time"]
    return fields


def normalize_id_document_number(kind: str, number: str) -> str:
    """Return the document number upper-cased, without spaces or dashes.

    Raises:
        ValidationError: on ``id_document_number`` when the number does not look like
            a document of ``kind`` (a light check; see ``_ID_PATTERNS``).
    """
    cleaned = re.sub(r"[\s\-./]", "", strip_bidi_controls(number or "")).upper()
    pattern = _ID_PATTERNS.get(kind)  # type: ignore[call-overload]
    if not cleaned:
        raise ValidationError(
            {"id_document_number": _("Enter the number of the identity document.")},
            code="required",
        )
    if pattern is not None and not pattern.fullmatch(cleaned):
        message = (
            _("A national identity card number is one or two letters then digits, e.g. AB123456.")
            if kind == InformationRequest.IdDocument.NATIONAL_ID
            else _("A residence permit number is 5 to 20 letters and digits.")
        )
        raise ValidationError({"id_document_number": message}, code="invalid")
    return cleaned


def request_search_text(request: InformationRequest) -> str:
    """The folded text the public register searches for ``request`` (no personal data).

    Delegates to :func:`infitah.access_info.services_public.register_search_text`
    (reference, subject and, once published, the redacted answer); never the
    information requested nor the identity. Every service that changes ``subject``,
    ``released_text`` or ``released_published_at`` stores it in ``search_text``.
    """
    from infitah.access_info.services_public import register_search_text

    return register_search_text(request)


def _next_reference(collectivity: Collectivity, year: int) -> str:
    """``<collectivity code>-<year>-<6-digit sequence>``, unique per collectivity and year.

    The caller holds a lock on the collectivity's row, so the sequence cannot be taken
    twice (SQLite serialises writers anyway).
    """
    prefix = f"{collectivity.code}-{year}-"
    last = (
        InformationRequest.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{sequence:06d}"


def _is_member(collectivity: Collectivity) -> bool:
    return Membership.objects.filter(
        collectivity=collectivity, status=Membership.Status.ACTIVE
    ).exists()


def _create_request(
    *,
    collectivity: Collectivity,
    channel: str,
    requester: User | None,
    registered_by: User | None,
    received_at: datetime.datetime,
    language: str,
    requester_name: str,
    id_document_kind: str,
    id_document_number: str,
    postal_address: str,
    email: str,
    phone: str,
    subject: str,
    information_requested: str,
    preferred_form: str,
    is_urgent: bool,
    urgency_reason: str,
) -> InformationRequest:
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    requester_name = _clean_line(requester_name)
    subject = _clean_line(subject)
    information_requested = _clean_text(information_requested)
    postal_address = _clean_text(postal_address)
    urgency_reason = _clean_text(urgency_reason)
    phone = _clean_line(phone)
    email = (email or "").strip()
    if not requester_name:
        error("requester_name", _("Enter the requester's full name."))
    if id_document_kind not in InformationRequest.IdDocument.values:
        error("id_document_kind", _("Choose the kind of identity document."))
    else:
        try:
            id_document_number = normalize_id_document_number(id_document_kind, id_document_number)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    error(field, message)
    if not postal_address:
        error("postal_address", _("Enter a postal address."))
    if not subject:
        error("subject", _("Give the request a short title."))
    if not information_requested:
        error("information_requested", _("Describe the information you ask for."))
    if is_urgent and not urgency_reason:
        error(
            "urgency_reason",
            _(
                "Explain why the information is needed to protect a person's life, safety or "
                "freedom."
            ),
        )
    if received_at > _now() + datetime.timedelta(minutes=5):
        error("received_at", _("The date of receipt cannot be in the future."))
    if errors:
        raise ValidationError(errors)

    # Serialise reference numbers per collectivity (row lock on PostgreSQL).
    Collectivity.objects.select_for_update().filter(pk=collectivity.pk).exists()
    received_on = deadlines.local_date(received_at)
    request = InformationRequest(
        reference=_next_reference(collectivity, received_on.year),
        collectivity=collectivity,
        channel=channel,
        requester=requester,
        registered_by=registered_by,
        requester_name=requester_name,
        id_document_kind=id_document_kind,
        id_document_number=id_document_number,
        postal_address=postal_address,
        email=email,
        phone=phone,
        language=language,
        subject=subject,
        information_requested=information_requested,
        preferred_form=preferred_form,
        is_urgent=is_urgent,
        urgency_reason=urgency_reason if is_urgent else "",
        status=Status.RECEIVED,
        received_at=received_at,
        due_on=deadlines.due_date_for(received_at, urgent=is_urgent, extended=False),
    )
    request.search_text = request_search_text(request)
    request.full_clean()
    request.save()
    event = _log(
        request,
        kind=Kind.RECEIVED,
        actor=registered_by or requester,
        to_status=Status.RECEIVED,
        at=received_at,
    )
    _notify_requester(request, event)
    if registered_by is None:  # filed online: the handlers learn of it by e-mail
        _notify_handlers(request, event)
    return request


# --- Filing and registering ---------------------------------------------------------------


@transaction.atomic
def request_file(
    *,
    requester: User,
    collectivity: Collectivity,
    subject: str,
    information_requested: str,
    preferred_form: str,
    requester_name: str,
    id_document_kind: str,
    id_document_number: str,
    postal_address: str,
    phone: str = "",
    is_urgent: bool = False,
    urgency_reason: str = "",
) -> InformationRequest:
    """File a request online, by a signed-in requester (law 31-13, articles 14 and 15).

    The request is received now; its reference (``<collectivity code>-<year>-<NNNNNN>``)
    and due date (20 working days, 3 when urgent: :func:`deadlines.due_date_for`) are set,
    a RECEIVED event is logged and a receipt is e-mailed to the account's address in the
    account's preferred language, after commit; the handlers are told by e-mail.

    Args:
        requester: the account filing (its e-mail must be verified).
        collectivity: a member collectivity (active membership).
        subject: short public title (the only text of the request the register shows).
        information_requested: what is asked for (not public).
        preferred_form: an ``InformationRequest.PreferredForm`` value.
        requester_name, id_document_kind, id_document_number, postal_address, phone:
            the requester's identity (personal data); the number is checked lightly.
        is_urgent, urgency_reason: article 17 (the reason is then required).

    Returns:
        The saved request.

    Raises:
        PermissionDenied: not signed in or inactive.
        ValidationError: unverified e-mail, a collectivity that is not a member, or
            invalid fields (by field name).
    """
    _require(requester, "access_info.file_request", None)
    if user_email_is_unverified(requester):
        raise ValidationError(
            _("Confirm your e-mail address before filing a request."), code="unverified"
        )
    if not _is_member(collectivity):
        raise ValidationError(
            {"collectivity": _("Requests can only be filed with a member collectivity.")},
            code="not_member",
        )
    return _create_request(
        collectivity=collectivity,
        channel=InformationRequest.Channel.ONLINE,
        requester=requester,
        registered_by=None,
        received_at=_now(),
        language=requester.preferred_language,
        requester_name=requester_name,
        id_document_kind=id_document_kind,
        id_document_number=id_document_number,
        postal_address=postal_address,
        email=requester.email,
        phone=phone,
        subject=subject,
        information_requested=information_requested,
        preferred_form=preferred_form,
        is_urgent=is_urgent,
        urgency_reason=urgency_reason,
    )


@transaction.atomic
def request_register(
    *,
    officer: AnyUser,
    collectivity: Collectivity,
    channel: str,
    received_at: datetime.datetime | None,
    requester_name: str,
    id_document_kind: str,
    id_document_number: str,
    postal_address: str,
    subject: str,
    information_requested: str,
    preferred_form: str,
    email: str = "",
    phone: str = "",
    language: str = "",
    is_urgent: bool = False,
    urgency_reason: str = "",
) -> InformationRequest:
    """Register a request received on paper, by post or by e-mail (articles 14 and 15).

    Same as :func:`request_file` but typed by a handler of ``collectivity``, with the
    date and time the request was received (``None``: now; never in the future) and
    an optional e-mail address (the requester then gets the e-mails, in ``language``).

    Raises:
        PermissionDenied: ``officer`` does not handle ``collectivity``'s requests.
        ValidationError: an online ``channel``, or invalid fields.
    """
    _require(officer, "access_info.handle_request", collectivity)
    if channel not in OFFLINE_CHANNELS:
        raise ValidationError(
            {"channel": _("Choose how the request was received: paper, post or e-mail.")},
            code="invalid",
        )
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return _create_request(
        collectivity=collectivity,
        channel=channel,
        requester=None,
        registered_by=cast(User, officer),
        received_at=received_at or _now(),
        language=language,
        requester_name=requester_name,
        id_document_kind=id_document_kind,
        id_document_number=id_document_number,
        postal_address=postal_address,
        email=email,
        phone=phone,
        subject=subject,
        information_requested=information_requested,
        preferred_form=preferred_form,
        is_urgent=is_urgent,
        urgency_reason=urgency_reason,
    )


# --- The workflow ---------------------------------------------------------------------


@transaction.atomic
def request_ask_clarification(
    *, actor: AnyUser, request: InformationRequest, question: str
) -> InformationRequest:
    """Ask the requester to clarify the request; the status becomes "clarification asked".

    The clock does NOT stop (module docstring). The question is the event's note and
    is e-mailed to the requester.

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: decided request, clarification already asked, empty question.
    """
    _require(actor, "access_info.handle_request", request)
    request = _lock(request)
    _require_open(request)
    question = _clean_text(question)
    if not question:
        raise ValidationError({"question": _("Write the question to the requester.")})
    if request.status == Status.CLARIFICATION:
        raise ValidationError(_("A clarification is already awaited."), code="invalid")
    previous = request.status
    request.status = Status.CLARIFICATION
    request.clarification_asked_at = _now()
    _save(request, ["status", "clarification_asked_at"])
    event = _log(
        request,
        kind=Kind.CLARIFICATION_ASKED,
        actor=actor,
        from_status=previous,
        to_status=request.status,
        note=question,
    )
    _notify_requester(request, event)
    return request


@transaction.atomic
def request_clarify(
    *, actor: AnyUser, request: InformationRequest, text: str
) -> InformationRequest:
    """Record the requester's clarification; the request goes back to work.

    By the requester (online) or by a handler (a clarification received on paper).
    The status becomes "in progress" (or "extended" when it was extended); the due
    date does not move.

    Raises:
        PermissionDenied: neither the requester nor a handler.
        ValidationError: no clarification awaited, empty text.
    """
    if not (
        actor.has_perm("access_info.clarify_request", request)
        or actor.has_perm("access_info.handle_request", request)
    ):
        raise PermissionDenied(_("You may not do this for this request."))
    request = _lock(request)
    if request.status != Status.CLARIFICATION:
        raise ValidationError(_("No clarification is awaited for this request."), code="invalid")
    text = _clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write the clarification.")})
    previous = request.status
    request.status = _running_status(request)
    _save(request, ["status"])
    event = _log(
        request,
        kind=Kind.CLARIFICATION_GIVEN,
        actor=actor,
        from_status=previous,
        to_status=request.status,
        note=text,
    )
    _notify_requester(request, event)
    if actor.pk == request.requester_id:
        _notify_handlers(request, event)
    return request


@transaction.atomic
def request_start(*, actor: AnyUser, request: InformationRequest) -> InformationRequest:
    """Mark a received request as being worked on ("in progress").

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: the request is not in the "received" status.
    """
    _require(actor, "access_info.handle_request", request)
    request = _lock(request)
    if request.status != Status.RECEIVED:
        raise ValidationError(_("Only a newly received request can be started."), code="invalid")
    request.status = Status.IN_PROGRESS
    _save(request, ["status"])
    event = _log(
        request,
        kind=Kind.STATUS,
        actor=actor,
        from_status=Status.RECEIVED,
        to_status=request.status,
    )
    _notify_requester(request, event)
    return request


@transaction.atomic
def request_extend(
    *, actor: AnyUser, request: InformationRequest, reason: str
) -> InformationRequest:
    """Extend the deadline once (article 16: +20 working days; article 17: +3 when urgent).

    Only before the period expires (on or before the due date, local time), with the
    reasons, which are e-mailed to the requester (the law wants them notified before
    expiry). The new due date counts from the original receipt.

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: decided request, already extended, period expired, no reason,
            or extensions of urgent requests turned off (setting at 0).
    """
    _require(actor, "access_info.handle_request", request)
    request = _lock(request)
    _require_open(request)
    reason = _clean_text(reason)
    if request.extended_at is not None:
        raise ValidationError(_("The deadline can be extended only once."), code="invalid")
    if _today() > request.due_on:
        raise ValidationError(
            _("The deadline expired on %(date)s: it can no longer be extended.")
            % {"date": request.due_on.isoformat()},
            code="expired",
        )
    from infitah.access_info import conf

    if request.is_urgent and conf.urgent_extension_working_days() == 0:
        raise ValidationError(_("Urgent requests cannot be extended."), code="invalid")
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for the extension.")})
    previous = request.status
    old_due = request.due_on
    request.extended_at = _now()
    request.extension_reason = reason
    request.due_on = deadlines.due_date_for(
        request.received_at, urgent=request.is_urgent, extended=True
    )
    request.status = Status.EXTENDED
    request.reminder_sent_on = None
    _save(request, ["extended_at", "extension_reason", "due_on", "status", "reminder_sent_on"])
    event = _log(
        request,
        kind=Kind.EXTENDED,
        actor=actor,
        from_status=previous,
        to_status=request.status,
        note=reason,
    )
    logger.info(
        "Request %s extended from %s to %s", request.pk, old_due.isoformat(), request.due_on
    )
    _notify_requester(request, event)
    return request


def _may_decide_again(request: InformationRequest) -> bool:
    """A refused or partly answered request whose complaint was upheld may be answered."""
    return request.status in (Status.REFUSED, Status.PARTLY_ANSWERED) and any(
        complaint.outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD)
        for complaint in request.complaints.all()
    )


def _fee(amount: Decimal | str | int | None) -> Decimal:
    try:
        value = Decimal(str(amount if amount not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise ValidationError({"fee_amount": _("Enter an amount in dirhams.")}) from None
    if value < 0 or not value.is_finite():
        raise ValidationError({"fee_amount": _("The fee cannot be negative.")})
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def request_answer(
    *,
    actor: AnyUser,
    request: InformationRequest,
    partial: bool,
    released_text: str,
    documents: Sequence[tuple[str, File[Any]]] = (),
    fee_amount: Decimal | str | int | None = 0,
    fee_reason: str = "",
    refusal_ground: str = "",
    refusal_text: str = "",
) -> InformationRequest:
    """Answer the request, fully or partly; the decision is dated and e-mailed.

    Args:
        partial: part of the information is withheld: its ground (a
            ``RefusalGround``) and reasons are then required (articles 7 and 18: a
            refusal, even partial, is reasoned).
        released_text: the information given, or how to consult or collect it; it
            reaches the public register only once redacted and published
            (:func:`request_publish_answer`).
        documents: ``(title, file)`` pairs released to the requester (not public).
        fee_amount, fee_reason: cost of copies or sending, in MAD (article 5: access
            is free otherwise); the reason is required when the amount is not 0.

    A request is answered while open, or again after a complaint about it was upheld
    (the first decision's date and figures are kept).

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: decided request, nothing released, bad fee, missing reasons.
    """
    _require(actor, "access_info.handle_request", request)
    request = _lock(request)
    if not (request.is_open or _may_decide_again(request)):
        _require_open(request)
    released_text = _clean_text(released_text)
    errors: dict[str, str] = {}
    if not released_text and not documents:
        errors["released_text"] = _("Give the information, or attach the documents released.")
    fee = _fee(fee_amount)
    fee_reason = _clean_line(fee_reason)
    if fee > 0 and not fee_reason:
        errors["fee_reason"] = _("Say what the fee covers (copies, sending).")
    refusal_text = _clean_text(refusal_text)
    if partial:
        if refusal_ground not in InformationRequest.RefusalGround.values:
            errors["refusal_ground"] = _("Choose the ground for withholding part of it.")
        if not refusal_text:
            errors["refusal_text"] = _("Give the reasons for withholding part of it.")
    if errors:
        raise ValidationError(errors)
    previous = request.status
    now = _now()
    fields = _close(request, status=Status.PARTLY_ANSWERED if partial else Status.ANSWERED, now=now)
    request.released_text = released_text
    request.fee_amount = fee
    request.fee_reason = fee_reason if fee > 0 else ""
    request.refusal_ground = refusal_ground if partial else ""
    request.refusal_text = refusal_text if partial else ""
    _save(
        request,
        [*fields, "released_text", "fee_amount", "fee_reason", "refusal_ground", "refusal_text"],
    )
    for title, file in documents:
        document = RequestDocument(request=request, title=_clean_line(title) or file.name or "")
        document.file.save(file.name or "document", file, save=False)
        document.full_clean()
        document.save()
    if fee > 0:
        _log(request, kind=Kind.FEE, actor=actor, note=f"{fee} MAD", at=now)
    event = _log(
        request,
        kind=Kind.STATUS,
        actor=actor,
        from_status=previous,
        to_status=request.status,
        at=now,
    )
    _notify_requester(request, event)
    return request


@transaction.atomic
def request_refuse(
    *, actor: AnyUser, request: InformationRequest, ground: str, text: str
) -> InformationRequest:
    """Refuse the request with a ground from the legal list and its reasons (article 18).

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: decided request, unknown ground, no reasons.
    """
    _require(actor, "access_info.handle_request", request)
    request = _lock(request)
    _require_open(request)
    text = _clean_text(text)
    errors = {}
    if ground not in InformationRequest.RefusalGround.values:
        errors["ground"] = _("Choose the ground of refusal.")
    if not text:
        errors["text"] = _("Give the reasons for the refusal.")
    if errors:
        raise ValidationError(errors)
    previous = request.status
    fields = _close(request, status=Status.REFUSED, now=_now())
    request.refusal_ground = ground
    request.refusal_text = text
    _save(request, [*fields, "refusal_ground", "refusal_text"])
    event = _log(
        request, kind=Kind.STATUS, actor=actor, from_status=previous, to_status=request.status
    )
    _notify_requester(request, event)
    return request


@transaction.atomic
def request_transfer(
    *, actor: AnyUser, request: InformationRequest, to_body: str
) -> InformationRequest:
    """Close the request as transferred: the information is held by another body.

    ``to_body`` names that body (public: shown in the register). The requester is told
    by e-mail where to turn.

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: decided request, no body named.
    """
    _require(actor, "access_info.handle_request", request)
    request = _lock(request)
    _require_open(request)
    to_body = _clean_line(to_body)
    if not to_body:
        raise ValidationError({"to_body": _("Name the body that holds the information.")})
    previous = request.status
    fields = _close(request, status=Status.TRANSFERRED, now=_now())
    request.transferred_to = to_body
    _save(request, [*fields, "transferred_to"])
    event = _log(
        request, kind=Kind.STATUS, actor=actor, from_status=previous, to_status=request.status
    )
    _notify_requester(request, event)
    return request


@transaction.atomic
def request_withdraw(*, actor: AnyUser, request: InformationRequest) -> InformationRequest:
    """Withdraw an open request (the requester, or a handler recording their letter).

    A request withdrawn before anyone started on it leaves the public register.

    Raises:
        PermissionDenied: neither the requester nor a handler.
        ValidationError: the request is already decided.
    """
    if not (
        actor.has_perm("access_info.withdraw_request", request)
        or actor.has_perm("access_info.handle_request", request)
    ):
        raise PermissionDenied(_("You may not do this for this request."))
    request = _lock(request)
    _require_open(request)
    previous = request.status
    fields = _close(request, status=Status.WITHDRAWN, now=_now(), on_time=False)
    if previous == Status.RECEIVED:
        request.is_in_register = False
        fields.append("is_in_register")
    _save(request, fields)
    event = _log(
        request, kind=Kind.STATUS, actor=actor, from_status=previous, to_status=request.status
    )
    _notify_requester(request, event)
    _notify_handlers(request, event)
    return request


@transaction.atomic
def request_publish_answer(
    *,
    actor: AnyUser,
    request: InformationRequest,
    released_text: str,
    subject: str | None = None,
    public_document_ids: Iterable[int] = (),
) -> InformationRequest:
    """Publish the (redacted) answer in the public register.

    The officer removes personal data from ``released_text`` (and from ``subject`` if
    needed) before calling this; the text replaces the stored one. The documents
    listed in ``public_document_ids`` (redacted versions) become public, the others
    are not. Publishing again updates what is shown. The register must show
    ``released_text`` only when ``released_published_at`` is set.

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: the request is not answered, or the text is empty.
    """
    _require(actor, "access_info.handle_request", request)
    request = _lock(request)
    if request.status not in (Status.ANSWERED, Status.PARTLY_ANSWERED):
        raise ValidationError(_("Only an answered request can be published."), code="invalid")
    released_text = _clean_text(released_text)
    if not released_text:
        raise ValidationError({"released_text": _("Write the text to publish.")})
    fields = ["released_text", "released_published_at", "is_in_register", "search_text"]
    request.released_text = released_text
    request.released_published_at = _now()
    request.is_in_register = True
    if subject is not None and _clean_line(subject):
        request.subject = _clean_line(subject)
        fields.append("subject")
    request.search_text = request_search_text(request)
    _save(request, fields)
    public_ids = {int(pk) for pk in public_document_ids}
    documents = RequestDocument.objects.filter(request=request)
    documents.filter(pk__in=public_ids).update(is_public=True)
    documents.exclude(pk__in=public_ids).update(is_public=False)
    _log(request, kind=Kind.PUBLISHED, actor=actor)
    bump_content_version()
    return request


# --- Complaints (articles 19 to 21) -----------------------------------------------------


class ComplaintOption:
    """The next complaint a request allows: its stage, ground and last day to file."""

    __slots__ = ("deadline", "ground", "stage")

    def __init__(self, stage: str, ground: str, deadline: datetime.date | None) -> None:
        self.stage = stage
        self.ground = ground
        self.deadline = deadline

    def __repr__(self) -> str:
        return f"ComplaintOption({self.stage!r}, {self.ground!r}, {self.deadline!r})"


def _head_ground(request: InformationRequest, today: datetime.date) -> str | None:
    if request.status == Status.REFUSED:
        return Ground.REFUSAL
    if request.status == Status.PARTLY_ANSWERED:
        return Ground.PARTIAL
    if request.is_open and today > request.due_on:
        return Ground.NO_ANSWER
    return None


def complaint_next_stage(
    request: InformationRequest,
    *,
    today: datetime.date | None = None,
    complaints: Sequence[Complaint] | None = None,
    calendar: deadlines.WorkingCalendar | None = None,
) -> ComplaintOption | None:
    """Return the complaint the request allows now, or ``None``.

    Stages follow each other (articles 19 to 21): to the head of the collectivity
    after a refusal, a partial answer or no answer by the due date, within 20 working
    days; to the CDAI once the head answered or the head's 15 working days passed,
    within 30 days; to the administrative court once the CDAI decided or its 30 days
    passed, within 60 days. A stage whose filing deadline passed is not offered.

    Args:
        complaints: the request's complaints when already loaded (else one query).
        today: the local date (default: today).
    """
    today = today or _today()
    if request.status == Status.WITHDRAWN:
        return None
    existing = {
        c.stage: c for c in (complaints if complaints is not None else request.complaints.all())
    }
    head = existing.get(Stage.HEAD)
    if head is None:
        ground = _head_ground(request, today)
        if ground is None:
            return None
        deadline = deadlines.head_complaint_filing_deadline(request, calendar=calendar)
        return ComplaintOption(Stage.HEAD, ground, deadline) if today <= deadline else None
    cdai = existing.get(Stage.CDAI)
    if cdai is None:
        if head.outcome == Outcome.WITHDRAWN:
            return None
        if head.outcome == Outcome.PENDING and (
            head.response_due_on is None or today <= head.response_due_on
        ):
            return None
        cdai_deadline = deadlines.cdai_filing_deadline(head)
        if cdai_deadline is None or today > cdai_deadline:
            return None
        return ComplaintOption(Stage.CDAI, head.ground, cdai_deadline)
    if Stage.COURT in existing or cdai.outcome == Outcome.WITHDRAWN:
        return None
    if cdai.outcome == Outcome.PENDING and (
        cdai.response_due_on is None or today <= cdai.response_due_on
    ):
        return None
    court_deadline = deadlines.court_filing_deadline(cdai)
    if court_deadline is None or today > court_deadline:
        return None
    return ComplaintOption(Stage.COURT, cdai.ground, court_deadline)


@transaction.atomic
def complaint_file(
    *,
    actor: AnyUser,
    request: InformationRequest,
    stage: str,
    text: str = "",
    ground: str | None = None,
    filed_at: datetime.datetime | None = None,
) -> Complaint:
    """File (requester) or record (handler) a complaint at its stage.

    Args:
        stage: a ``Complaint.Stage``; it must be the one :func:`complaint_next_stage`
            allows on the filing date.
        ground: a ``Complaint.Ground``; by default the one the request allows
            (refusal, partial answer, no answer after the due date).
        filed_at: when it was filed; handlers recording a complaint received on paper
            (or learnt of from the CDAI or the court) may give a past date, the
            requester files now.

    The answer is due (``response_due_on``): from the head in 15 working days, from the
    CDAI in 30 days; a court has no legal time. Logged as a COMPLAINT event (note: the
    stage code) and e-mailed to the requester; a complaint filed online is e-mailed to
    the handlers.

    Raises:
        PermissionDenied: neither the requester nor a handler of the request's
            collectivity.
        ValidationError: a stage out of order or out of time, a ground the request
            does not allow.
    """
    is_handler = actor.has_perm("access_info.handle_request", request)
    if not (is_handler or actor.has_perm("access_info.complain_request", request)):
        raise PermissionDenied(_("You may not do this for this request."))
    request = _lock(request)
    now = _now()
    if filed_at is None or not is_handler:
        filed_at = now
    if filed_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"filed_at": _("The date cannot be in the future.")})
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage.")})
    filed_on = deadlines.local_date(filed_at)
    option = complaint_next_stage(request, today=filed_on)
    if option is None or option.stage != stage:
        if request.complaints.filter(stage=stage).exists():
            message = _("A complaint at this stage was already filed.")
        elif option is None:
            message = _(
                "No complaint can be filed now: a complaint is possible after a refusal, a "
                "partial answer or no answer by the due date, within the legal time limits, "
                "one stage after the other."
            )
        else:
            message = _("The next possible stage is: %(stage)s.") % {
                "stage": Stage(option.stage).label
            }
        raise ValidationError({"stage": message}, code="invalid")
    if ground is None or ground == "":
        ground = option.ground
    if stage == Stage.HEAD and ground != option.ground:
        raise ValidationError(
            {
                "ground": _("The ground must be: %(ground)s.")
                % {"ground": Ground(option.ground).label}
            }
        )
    if ground not in Ground.values:
        raise ValidationError({"ground": _("Choose a ground.")})
    if stage == Stage.HEAD:
        response_due_on: datetime.date | None = deadlines.head_complaint_answer_due(filed_at)
    elif stage == Stage.CDAI:
        response_due_on = deadlines.cdai_decision_due(filed_at)
    else:
        response_due_on = None
    complaint = Complaint(
        request=request,
        stage=stage,
        ground=ground,
        filed_at=filed_at,
        text=_clean_text(text),
        response_due_on=response_due_on,
        recorded_by=cast(User, actor),
    )
    complaint.full_clean()
    complaint.save()
    event = _log(
        request,
        kind=Kind.COMPLAINT,
        actor=actor,
        to_status=Outcome.PENDING,
        note=stage,
        at=filed_at,
    )
    _notify_requester(request, event)
    if not is_handler:
        _notify_handlers(request, event)
    return complaint


@transaction.atomic
def complaint_decide(
    *,
    actor: AnyUser,
    complaint: Complaint,
    outcome: str,
    outcome_text: str,
    decided_on: datetime.date | None = None,
) -> Complaint:
    """Record the decision on a complaint (the head's answer, the CDAI's, the court's).

    A handler of the request's collectivity records it, with the decision's date
    (default today; not before the complaint, not in the future) and its text. An
    upheld complaint lets the officers answer a refused or partly answered request
    again (:func:`request_answer`).

    Raises:
        PermissionDenied: ``actor`` does not handle the request's collectivity.
        ValidationError: already decided, unknown outcome, no text, bad date.
    """
    _require(actor, "access_info.handle_request", complaint.request)
    complaint = Complaint.objects.select_for_update().select_related("request").get(pk=complaint.pk)
    if complaint.outcome != Outcome.PENDING:
        raise ValidationError(_("This complaint is already decided."), code="invalid")
    errors = {}
    if outcome not in Outcome.values or outcome == Outcome.PENDING:
        errors["outcome"] = _("Choose the outcome.")
    outcome_text = _clean_text(outcome_text)
    if not outcome_text:
        errors["outcome_text"] = _("Summarise the decision.")
    decided_on = decided_on or _today()
    if decided_on > _today() or decided_on < deadlines.local_date(complaint.filed_at):
        errors["decided_on"] = _("The date must be between the complaint's date and today.")
    if errors:
        raise ValidationError(errors)
    complaint.outcome = outcome
    complaint.outcome_text = outcome_text
    complaint.decided_on = decided_on
    complaint.full_clean()
    complaint.save(update_fields=["outcome", "outcome_text", "decided_on", "updated_at"])
    request = complaint.request
    event = _log(
        request,
        kind=Kind.COMPLAINT,
        actor=actor,
        from_status=Outcome.PENDING,
        to_status=outcome,
        note=complaint.stage,
    )
    _notify_requester(request, event)
    return complaint


# --- The holiday calendar ---------------------------------------------------------------


def _calendar_changed() -> None:
    """After commit: every process forgets the holiday sets; deadlines are recomputed."""
    transaction.on_commit(deadlines.invalidate_holiday_cache)
    transaction.on_commit(tasks.recompute_deadlines.enqueue)


@transaction.atomic
def holiday_override_save(
    *,
    actor: AnyUser,
    date: datetime.date,
    is_holiday: bool,
    name: str,
    note: str = "",
    instance: HolidayOverride | None = None,
) -> HolidayOverride:
    """Add or change a correction of the holiday calendar (coordinators).

    ``is_holiday`` True adds a day off on ``date`` (a moon-sighted holiday, an
    exceptional day off); False removes a day the library predicted. After commit,
    the cached calendars are dropped and the due dates of open requests recomputed
    (:func:`recompute_open_deadlines`, through a task).

    Raises:
        PermissionDenied: not a coordinator.
        ValidationError: no name, or another correction exists for that date.
    """
    is_new = instance is None or instance.pk is None
    perm = "access_info.add_holidayoverride" if is_new else "access_info.change_holidayoverride"
    _require(actor, perm, None if is_new else instance)
    override = instance or HolidayOverride()
    override.date = date
    override.is_holiday = is_holiday
    override.name = _clean_line(name)
    override.note = _clean_text(note)
    override.full_clean()
    override.save()
    _calendar_changed()
    return override


@transaction.atomic
def holiday_override_delete(*, actor: AnyUser, override: HolidayOverride) -> None:
    """Delete a correction (coordinators); the library's date applies again.

    Raises:
        PermissionDenied: not a coordinator.
    """
    _require(actor, "access_info.delete_holidayoverride", override)
    override.delete()
    _calendar_changed()


@transaction.atomic
def recompute_open_deadlines() -> int:
    """Recompute the due dates of open requests (and of pending complaints to the head).

    Run (through :func:`tasks.recompute_deadlines`) after the holiday calendar changed.
    Where a due date changes, it is saved, a DEADLINE_RECOMPUTED event is logged (note:
    "<old date> → <new date>", ISO dates) and the reminder may be sent again; where
    it does not, nothing is written.

    Returns:
        The number of requests whose due date changed.
    """
    calendar = deadlines.WorkingCalendar()
    today = _today()
    now = _now()
    changed: list[InformationRequest] = []
    events: list[RequestEvent] = []
    rows = (
        InformationRequest.objects.open()
        .select_for_update()
        .only("pk", "received_at", "is_urgent", "extended_at", "due_on", "escalated_on")
        .order_by("pk")
    )
    for request in rows.iterator(chunk_size=500):
        new_due = deadlines.due_date_for(
            request.received_at,
            urgent=request.is_urgent,
            extended=request.extended_at is not None,
            calendar=calendar,
        )
        if new_due == request.due_on:
            continue
        events.append(
            RequestEvent(
                request_id=request.pk,
                kind=Kind.DEADLINE_RECOMPUTED,
                at=now,
                note=f"{request.due_on.isoformat()} → {new_due.isoformat()}",
            )
        )
        request.due_on = new_due
        request.reminder_sent_on = None
        if new_due >= today:
            request.escalated_on = None
        request.updated_at = now
        changed.append(request)
    if changed:
        InformationRequest.objects.bulk_update(
            changed, ["due_on", "reminder_sent_on", "escalated_on", "updated_at"], batch_size=500
        )
        RequestEvent.objects.bulk_create(events, batch_size=500)
    pending = Complaint.objects.filter(
        stage=Stage.HEAD, outcome=Outcome.PENDING
    ).select_for_update()
    for complaint in pending:
        due = deadlines.head_complaint_answer_due(complaint.filed_at, calendar=calendar)
        if due != complaint.response_due_on:
            complaint.response_due_on = due
            complaint.save(update_fields=["response_due_on", "updated_at"])
    if changed:
        bump_content_version()
    return len(changed)


# --- Personal data (law 09-08) ------------------------------------------------------------


def _complaint_history_anonymise(
    *, request: InformationRequest, complaint_ids: list[int], requester_id: int
) -> None:
    """Erase the requester's text and account from the history rows of their complaints.

    django-simple-history keeps a copy of every version of a complaint: without this,
    the text blanked on the complaint would survive in its history (law 09-08, article
    3: personal data kept no longer than needed). Every version of ``complaint_ids``
    loses its ``text``; every version of the request's complaints recorded or changed
    by the requester's account loses that link (``recorded_by``, ``history_user``),
    which would tie the account to the request again. Outcome, dates and the officers'
    decision text stay, as on the complaint itself. Runs in the caller's transaction.
    """
    history = Complaint.history.model.objects  # type: ignore[attr-defined]
    if complaint_ids:
        history.filter(id__in=complaint_ids).update(text="")
    versions = history.filter(request_id=request.pk)
    versions.filter(recorded_by_id=requester_id).update(recorded_by_id=None)
    versions.filter(history_user_id=requester_id).update(history_user_id=None)


@transaction.atomic
def requester_identity_remove(*, request: InformationRequest, actor: AnyUser | None = None) -> bool:
    """Remove the requester's identity from a request; keep the anonymous record.

    Blanks the identity fields (:data:`IDENTITY_FIELDS`), unlinks the account, blanks
    the texts the requester wrote in the log (clarifications) and in complaints they
    filed (in the complaints' history rows too, and unlinks their account from both),
    and sets ``identity_removed_at``. Subject, information requested, dates,
    statuses, answer and complaints' outcomes stay (register and statistics). Logged as
    IDENTITY_REMOVED (no note).

    Returns:
        True when something was removed, False when it already had been.
    """
    request = _lock(request)
    requester_id = request.requester_id
    has_identity = any(getattr(request, field) for field in IDENTITY_FIELDS)
    if request.identity_removed_at is not None and not has_identity and requester_id is None:
        return False
    for field in IDENTITY_FIELDS:
        setattr(request, field, "")
    request.requester = None
    request.identity_removed_at = _now()
    request.save(update_fields=[*IDENTITY_FIELDS, "requester", "identity_removed_at", "updated_at"])
    if requester_id is not None:
        RequestEvent.objects.filter(
            request=request, actor_id=requester_id, kind=Kind.CLARIFICATION_GIVEN
        ).update(note="")
        own_complaints = Complaint.objects.filter(request=request, recorded_by_id=requester_id)
        complaint_ids = list(own_complaints.values_list("pk", flat=True))
        own_complaints.update(text="", recorded_by=None)
        _complaint_history_anonymise(
            request=request, complaint_ids=complaint_ids, requester_id=requester_id
        )
    # Clarifications and complaints registered on paper for a requester without account.
    RequestEvent.objects.filter(
        request=request, kind=Kind.CLARIFICATION_GIVEN, actor__isnull=True
    ).update(note="")
    _log(request, kind=Kind.IDENTITY_REMOVED, actor=actor)
    return True


@transaction.atomic
def requester_identities_remove_for_user(*, user: User) -> int:
    """Remove the identity from every request of ``user``'s account (account deletion).

    Call it BEFORE deleting the account (the link to the requests is needed to find
    them). Returns the number of requests changed.
    """
    count = 0
    for request in InformationRequest.objects.filter(requester=user).order_by("pk"):
        if requester_identity_remove(request=request):
            count += 1
    return count


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


@transaction.atomic
def requests_purge_expired_identities(*, now: datetime.datetime | None = None) -> int:
    """Remove requesters' identities past the retention period (law 09-08, article 3).

    A decided request's identity goes when it was decided more than
    :func:`conf.identity_retention_years` years ago and no complaint about it was filed,
    decided or is pending since. Online requests whose account no longer exists lose
    their identity at once (the account's deletion should have done it). Idempotent;
    run daily by ``manage.py access_info_daily`` or ``access_info_purge_identities``.

    Returns:
        The number of requests whose identity was removed.
    """
    from infitah.access_info import conf

    now = now or _now()
    cutoff = _years_before(now, conf.identity_retention_years())
    recent_complaints = Complaint.objects.filter(
        Q(outcome=Outcome.PENDING) | Q(filed_at__gte=cutoff) | Q(decided_on__gte=cutoff.date())
    ).values("request_id")
    expired = (
        InformationRequest.objects.filter(identity_removed_at__isnull=True)
        .exclude(status__in=InformationRequest.OPEN_STATUSES)
        .filter(closed_at__lt=cutoff)
        .exclude(pk__in=recent_complaints)
    )
    orphaned = InformationRequest.objects.filter(
        identity_removed_at__isnull=True,
        channel=InformationRequest.Channel.ONLINE,
        requester__isnull=True,
    )
    count = 0
    for request in (expired | orphaned).order_by("pk").distinct():
        if requester_identity_remove(request=request):
            count += 1
    return count
