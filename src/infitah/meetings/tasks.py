"""Background work of the meetings app: e-mails to participants (django-tasks).

The services enqueue these tasks with ``transaction.on_commit``, so nobody is told
about a change that was rolled back. Arguments are primary keys (JSON-serialisable);
each task reads the rows again, so it sends what is true when it runs. Every e-mail is
written in its recipient's preferred language (``User.preferred_language``), with the
meeting's time in ``settings.TIME_ZONE`` (Africa/Casablanca).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from infitah.core.links import absolute_url

__all__ = ["send_meeting_cancelled_emails", "send_registration_promoted_email"]


def _send(template: str, recipient: Any, context: dict[str, Any]) -> None:
    """Render ``meetings/email/<template>_{subject,body}.txt`` in the recipient's language."""
    language = getattr(recipient, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        meeting = context["meeting"]
        context = {
            **context,
            "recipient": recipient,
            "meeting_url": absolute_url(meeting.get_absolute_url()),
        }
        subject = render_to_string(f"meetings/email/{template}_subject.txt", context)
        body = render_to_string(f"meetings/email/{template}_body.txt", context)
    send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
    )


@task()
def send_registration_promoted_email(registration_id: int) -> int:
    """Tell the participant of a registration moved from the waiting list that they have a place.

    Returns the number of e-mails sent (0 when the registration is no longer confirmed
    or its meeting was cancelled meanwhile).
    """
    from infitah.meetings.models import Registration

    registration = (
        Registration.objects.select_related("meeting", "user").filter(pk=registration_id).first()
    )
    if (
        registration is None
        or registration.status != Registration.Status.CONFIRMED
        or registration.meeting.is_cancelled
        or not registration.user.email
    ):
        return 0
    _send("promoted", registration.user, {"meeting": registration.meeting})
    return 1


@task()
def send_meeting_cancelled_emails(meeting_id: int) -> int:
    """Tell everyone with an active registration (confirmed or waiting) of a cancellation.

    Returns the number of e-mails sent.
    """
    from infitah.meetings.models import Meeting, Registration

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not meeting.is_cancelled:
        return 0
    registrations = (
        Registration.objects.filter(meeting_id=meeting_id)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    sent = 0
    for registration in registrations:
        if registration.user.email and registration.user.is_active:
            _send("cancelled", registration.user, {"meeting": meeting})
            sent += 1
    return sent
