"""Background work of access to information (django-tasks).

- :func:`send_requester_email` / :func:`send_handlers_email` — the e-mail of one step,
  enqueued by the services on commit;
- :func:`recompute_deadlines` — after the holiday calendar changed;
- :func:`send_deadline_reminders` — daily: the handlers of requests due within
  :func:`conf.reminder_lead_working_days` working days, once per due date;
- :func:`escalate_late_requests` — daily: the collectivity's administrators about
  requests past their due date, once;
- :func:`purge_expired_identities` — daily: retention of personal data.

``manage.py access_info_daily`` enqueues the daily ones (for cron). Arguments are
primary keys; each task reads the rows again, so it sends what is true when it runs.
E-mails are written in the recipient's language (the request's ``language`` for the
requester, ``User.preferred_language`` for staff); staff e-mails carry the reference,
subject and dates of a request, never the requester's identity.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from infitah.access_info import conf, deadlines
from infitah.core.links import absolute_url

__all__ = [
    "escalate_late_requests",
    "purge_expired_identities",
    "recompute_deadlines",
    "send_deadline_reminders",
    "send_handlers_email",
    "send_requester_email",
]

logger = logging.getLogger(__name__)


def _url(language: str, name: str, **kwargs: Any) -> str:
    with translation.override(language):
        return absolute_url(reverse(name, kwargs=kwargs))


def _send(template: str, language: str, recipients: list[str], context: dict[str, Any]) -> None:
    """Render ``access_info/email/<template>_{subject,body}.txt`` in ``language`` and send."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"access_info/email/{template}_subject.txt", context)
        body = render_to_string(f"access_info/email/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, recipients)


def _staff(collectivity_id: int, roles: Iterable[str]) -> list[Any]:
    """Active accounts holding one of ``roles`` in the collectivity, with an e-mail."""
    from infitah.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            collectivity_roles__collectivity_id=collectivity_id,
            collectivity_roles__role__in=list(roles),
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _handlers(collectivity_id: int) -> list[Any]:
    """The information officers of a collectivity; its administrators when it has none."""
    from infitah.accounts.models import CollectivityRole

    Role = CollectivityRole.Role
    return _staff(collectivity_id, [Role.INFORMATION_OFFICER]) or _staff(
        collectivity_id, [Role.ADMIN]
    )


def _user_language(user: Any) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def _send_list(template: str, users: list[Any], requests: list[Any], today: datetime.date) -> None:
    """One e-mail per user listing ``requests`` with links to their officer pages."""
    for user in users:
        language = _user_language(user)
        rows = [
            (r, _url(language, "access_info:officer-request-detail", reference=r.reference))
            for r in requests
        ]
        _send(template, language, [user.email], {"rows": rows, "recipient": user, "today": today})


@task()
def send_requester_email(request_id: int, event_id: int) -> int:
    """E-mail the requester about one event of their request (receipt, step, complaint).

    Returns 1 when sent, 0 when the request has no e-mail address any more (identity
    removed) or the event is gone.
    """
    from infitah.access_info.models import RequestEvent

    event = (
        RequestEvent.objects.select_related("request", "request__collectivity")
        .filter(pk=event_id, request_id=request_id)
        .first()
    )
    if event is None or not event.request.email:
        return 0
    request = event.request
    language = request.language
    if request.requester_id is not None:
        from infitah.accounts.models import User

        account_language = (
            User.objects.filter(pk=request.requester_id)
            .values_list("preferred_language", flat=True)
            .first()
        )
        language = account_language or language
    template = "request_receipt" if event.kind == RequestEvent.Kind.RECEIVED else "request_update"
    detail_url = (
        _url(language, "access_info:my-request-detail", reference=request.reference)
        if request.requester_id is not None
        else ""
    )
    _send(
        template,
        language,
        [request.email],
        {"request": request, "event": event, "detail_url": detail_url},
    )
    return 1


@task()
def send_handlers_email(request_id: int, event_id: int) -> int:
    """E-mail the collectivity's handlers about an event the requester caused.

    A new request, a clarification, a withdrawal or a complaint filed online. The
    e-mail names the request by reference and subject, never by the requester's
    identity. Returns the number of e-mails sent.
    """
    from infitah.access_info.models import RequestEvent

    event = (
        RequestEvent.objects.select_related("request", "request__collectivity")
        .filter(pk=event_id, request_id=request_id)
        .first()
    )
    if event is None:
        return 0
    request = event.request
    sent = 0
    for user in _handlers(request.collectivity_id):
        language = _user_language(user)
        _send(
            "officer_event",
            language,
            [user.email],
            {
                "request": request,
                "event": event,
                "recipient": user,
                "detail_url": _url(
                    language, "access_info:officer-request-detail", reference=request.reference
                ),
            },
        )
        sent += 1
    return sent


@task()
def recompute_deadlines() -> int:
    """Recompute open requests' due dates after a holiday correction; return how many moved."""
    from infitah.access_info.services import recompute_open_deadlines

    return recompute_open_deadlines()


def _today() -> datetime.date:
    return deadlines.local_date(timezone.now())


@task()
def send_deadline_reminders() -> int:
    """Remind the handlers of open requests due soon, once per due date.

    A request is due soon when its due date is today or within
    :func:`conf.reminder_lead_working_days` working days (urgent requests:
    :func:`conf.urgent_reminder_lead_working_days`). One e-mail per handler and
    collectivity lists its requests; each request gets ``reminder_sent_on`` and a
    REMINDER event (an extension or a recomputed deadline allows a new reminder).

    Returns:
        The number of requests reminded.
    """
    from infitah.access_info.models import InformationRequest, RequestEvent

    calendar = deadlines.WorkingCalendar()
    today = _today()
    ordinary_limit = calendar.add_working_days(today, conf.reminder_lead_working_days())
    urgent_limit = calendar.add_working_days(today, conf.urgent_reminder_lead_working_days())
    with transaction.atomic():
        due_soon = list(
            InformationRequest.objects.open()
            .filter(reminder_sent_on__isnull=True, due_on__gte=today)
            .filter(
                Q(is_urgent=False, due_on__lte=ordinary_limit)
                | Q(is_urgent=True, due_on__lte=urgent_limit)
            )
            .select_for_update()
            .only("pk", "reference", "subject", "collectivity_id", "due_on", "is_urgent")
            .order_by("collectivity_id", "due_on", "pk")
        )
        if not due_soon:
            return 0
        by_collectivity: dict[int, list[Any]] = defaultdict(list)
        for request in due_soon:
            request.days_left = calendar.working_days_between(today, request.due_on)  # type: ignore[attr-defined]
            by_collectivity[request.collectivity_id].append(request)
        now = timezone.now()
        InformationRequest.objects.filter(pk__in=[r.pk for r in due_soon]).update(
            reminder_sent_on=today, updated_at=now
        )
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(request_id=r.pk, kind=RequestEvent.Kind.REMINDER, at=now)
                for r in due_soon
            ]
        )

    # Marked first (committed), then sent: a failure never sends a reminder twice.
    for collectivity_id, requests in by_collectivity.items():
        _send_list("officer_reminder", _handlers(collectivity_id), requests, today)
    logger.info("Deadline reminders: %d requests", len(due_soon))
    return len(due_soon)


@task()
def escalate_late_requests() -> int:
    """Tell the collectivity's administrators about open requests past their due date, once.

    Each request gets ``escalated_on`` and an ESCALATED event; one e-mail per
    administrator and collectivity lists them with their lateness (working days).

    Returns:
        The number of requests escalated.
    """
    from infitah.access_info.models import InformationRequest, RequestEvent
    from infitah.accounts.models import CollectivityRole

    calendar = deadlines.WorkingCalendar()
    today = _today()
    with transaction.atomic():
        late = list(
            InformationRequest.objects.open()
            .filter(escalated_on__isnull=True, due_on__lt=today)
            .select_for_update()
            .only("pk", "reference", "subject", "collectivity_id", "due_on", "is_urgent")
            .order_by("collectivity_id", "due_on", "pk")
        )
        if not late:
            return 0
        by_collectivity: dict[int, list[Any]] = defaultdict(list)
        for request in late:
            request.late_by = calendar.working_days_between(request.due_on, today)  # type: ignore[attr-defined]
            by_collectivity[request.collectivity_id].append(request)
        now = timezone.now()
        InformationRequest.objects.filter(pk__in=[r.pk for r in late]).update(
            escalated_on=today, updated_at=now
        )
        RequestEvent.objects.bulk_create(
            [RequestEvent(request_id=r.pk, kind=RequestEvent.Kind.ESCALATED, at=now) for r in late]
        )

    for collectivity_id, requests in by_collectivity.items():
        admins = _staff(collectivity_id, [CollectivityRole.Role.ADMIN])
        _send_list("admin_escalation", admins, requests, today)
    logger.info("Late requests escalated: %d", len(late))
    return len(late)


@task()
def purge_expired_identities() -> int:
    """Remove requesters' identities past the retention period; return how many."""
    from infitah.access_info.services import requests_purge_expired_identities

    return requests_purge_expired_identities()
