"""Background work of the plans app (django-tasks; ``manage.py db_worker`` runs them).

Tasks are enqueued by :mod:`infitah.plans.services` after the transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from infitah.accounts.models import CollectivityRole, User
from infitah.core.links import absolute_url
from infitah.plans import selectors
from infitah.plans.models import FollowUpCommittee

__all__ = ["committee_overdue_notify", "overdue_recipients"]


def overdue_recipients(collectivity_id: int) -> list[User]:
    """Return the active administrators (focal points) of a collectivity with an e-mail."""
    return list(
        User.objects.filter(
            collectivity_roles__collectivity_id=collectivity_id,
            collectivity_roles__role=CollectivityRole.Role.ADMIN,
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


@task()
def committee_overdue_notify(committee_id: int) -> int:
    """E-mail the collectivity's administrators that the plan's committee must meet.

    Each e-mail is written in the recipient's preferred language. The text says when
    the committee last met (or was established), the rule (at least every
    ``settings.INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS`` months, OGP Local) and
    links to the plan's page.

    Args:
        committee_id: the :class:`FollowUpCommittee`'s primary key (JSON-serialisable).

    Returns:
        The number of e-mails sent (0 when the committee no longer exists).
    """
    committee = (
        FollowUpCommittee.objects.select_related("plan", "plan__collectivity")
        .filter(pk=committee_id)
        .first()
    )
    if committee is None:
        return 0
    plan = committee.plan
    status = selectors.committee_status(
        committee,
        plan_state=plan.state,
        last_meeting_at=selectors.committee_last_meeting_at(plan.pk),
    )
    sent = 0
    for user in overdue_recipients(plan.collectivity_id):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "plan": plan,
                "collectivity": plan.collectivity,
                "committee": committee,
                "status": status,
                "user": user,
                "plan_url": absolute_url(plan.get_absolute_url()),
            }
            subject = render_to_string("plans/email/committee_overdue_subject.txt", context)
            body = render_to_string("plans/email/committee_overdue_body.txt", context)
        sent += send_mail(
            " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    return sent
