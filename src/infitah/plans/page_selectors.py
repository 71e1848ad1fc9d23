"""The public read model of a plan's page, built once per content version and language.

``/<lang>/plans/<slug>/`` shows the plan, its timeline, committee, meetings,
attendance figures, commitments and proposal counts. Building that from the models
costs about ten queries and formats dozens of dates; :func:`plan_page` builds it once
per (slug, language, day, public-content version) as plain data (dicts, lists, text,
numbers: :func:`infitah.core.selectors.cached_aggregate` pickles it) and every
anonymous request reads it from the cache: one query (the content version) and one
cache look-up.

Everything in the model is public (published meetings and commitments only). What
depends on the user (staff links, the overdue banner, unpublished commitments) is
added by the view for signed-in users only.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language

from infitah.core.selectors import DateLabels, cached_aggregate
from infitah.meetings.selectors import plan_attendance_figures
from infitah.plans import commitment_selectors, selectors
from infitah.plans.models import ActionPlan
from infitah.proposals.selectors import plan_proposal_counts

__all__ = ["commitments_section", "plan_page", "plan_page_key"]

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def plan_page_key(slug: str, on: datetime.date) -> str | None:
    """Return the aggregate name of the page of ``slug`` on ``on``; ``None`` for a bad slug.

    The name holds the slug, the active language and the day (phase statuses, late
    milestones and upcoming meetings change at midnight in Africa/Casablanca).
    """
    if not _SLUG.fullmatch(slug):
        return None
    return f"plans:page:1:{slug}:{get_language() or ''}:{on.isoformat()}"


def plan_page(slug: str, *, on: datetime.date | None = None) -> dict[str, Any] | None:
    """Return the public read model of the plan ``slug``, or ``None`` if there is no such plan.

    Args:
        slug: the plan's slug (any text: a malformed one gives ``None``, no query).
        on: the day (default: today in Africa/Casablanca).

    Returns:
        Plain data (see :func:`_build`), published or not (``model["plan"]
        ["is_published"]``: the caller hides an unpublished plan from the public).
        Cached per public-content version: on a hit, one query (the version).
    """
    day = on or selectors.today()
    key = plan_page_key(slug, day)
    if key is None:
        return None

    def compute() -> dict[str, Any] | None:
        plan = selectors.plan_by_slug(slug)
        return None if plan is None else _build(plan, day)

    return cached_aggregate(key, compute)


def _meetings_url(slug: str) -> str:
    try:
        return f"{reverse('meetings:list')}?{urlencode({'plan': slug, 'when': 'all'})}"
    except NoReverseMatch:  # the meetings app not routed
        return ""


def _shown_datetime(value: datetime.datetime) -> tuple[str, str]:
    """``(ISO, DATETIME_FORMAT)`` in the current time zone, as the ``date`` filter gives."""
    local = timezone.localtime(value)
    return local.isoformat(), date_format(local, "DATETIME_FORMAT")


def commitments_section(plan: ActionPlan, user: Any, on: datetime.date) -> dict[str, Any]:
    """Return the commitments section as plain data: those ``user`` may read.

    ``{"rows": [{"url", "reference", "title", "is_published", "principles",
    "progress", "late"}], "progress", "late"}`` (progress 0–100 or ``None``).
    Three queries (none when the plan has no commitment).
    """
    section = commitment_selectors.plan_commitments(plan, user, on=on)
    rows = []
    for row in section.rows:
        commitment = row.commitment
        rows.append(
            {
                "url": commitment.get_absolute_url(),
                "reference": commitment.reference,
                "title": str(commitment.title),
                "is_published": commitment.is_published,
                "principles": [str(p.name) for p in commitment.principles.all()],
                "progress": row.progress,
                "late": row.late,
            }
        )
    return {"rows": rows, "progress": section.progress, "late": section.late}


def _build(plan: ActionPlan, day: datetime.date) -> dict[str, Any]:
    """The read model of ``plan`` (loaded by :func:`selectors.plan_by_slug`) on ``day``."""
    detail = selectors.plan_detail(plan, on=day)
    labels = DateLabels()

    def shown(value: datetime.date | None) -> dict[str, str] | None:
        if value is None:
            return None
        return {"iso": labels.iso(value), "shown": labels.shown(value)}

    timeline = []
    for entry in detail.timeline:
        if entry.phase is not None:
            phase = entry.phase
            ends = phase.ends_on if phase.ends_on and phase.ends_on != phase.starts_on else None
            timeline.append(
                {
                    "phase": True,
                    "pk": phase.pk,
                    "status": entry.status,
                    "is_current": entry.is_current,
                    "starts": shown(phase.starts_on),
                    "ends": shown(ends),
                    "tentative": phase.dates_are_tentative,
                    "title": str(phase),
                    "kind_label": capfirst(str(phase.get_kind_display())) if phase.title else "",
                    "description": str(phase.description or ""),
                }
            )
        elif entry.transition is not None:
            transition = entry.transition
            actor = transition.actor
            at_iso, _at = _shown_datetime(transition.at)
            timeline.append(
                {
                    "phase": False,
                    "at_iso": at_iso,
                    "at_shown": labels.shown(timezone.localdate(transition.at)),
                    "from_label": str(transition.get_from_state_display())
                    if transition.from_state
                    else "",
                    "to_label": str(transition.get_to_state_display()),
                    "actor_name": (actor.display_name or actor.get_full_name())
                    if actor is not None
                    else "",
                    "reason": str(transition.reason or ""),
                }
            )

    standing = detail.standing
    next_phase = standing.next_phase
    committee = None
    status = detail.committee_status
    if detail.committee is not None and status is not None:
        c = detail.committee
        composition = detail.composition
        committee = {
            "name": str(c.name or ""),
            "mandate": str(c.mandate or ""),
            "established": shown(c.established_on),
            "last_met": shown(status.last_met_on),
            "max_months": status.max_months,
            "is_overdue": status.is_overdue,
            "reference_shown": labels.shown(status.reference_on),
            "due_shown": labels.shown(status.due_on),
            "composition": {
                "total": composition.total,
                "women": composition.women,
                "women_percent": composition.women_percent,
                "by_side": [
                    {"label": capfirst(s.label), "total": s.total, "women": s.women}
                    for s in composition.by_side
                ],
            }
            if composition is not None
            else None,
            "members": [
                {
                    "pk": m.pk,
                    "person_name": m.person_name,
                    "organisation_label": m.organisation_label,
                    "side_label": capfirst(str(m.get_side_display())),
                    "role_label": capfirst(str(m.get_role_display())),
                    "gender_label": capfirst(str(m.get_gender_display())),
                }
                for m in detail.members
            ],
            "former": [
                {
                    "person_name": m.person_name,
                    "organisation_label": m.organisation_label,
                    "left_shown": labels.shown(m.left_on) if m.left_on else "",
                }
                for m in detail.former_members
            ],
        }

    meetings = []
    for meeting in detail.meetings:
        iso, when = _shown_datetime(meeting.starts_at)
        meetings.append(
            {
                "title": meeting.title,
                "kind_label": meeting.kind_label,
                "iso": iso,
                "shown": when,
                "is_cancelled": meeting.is_cancelled,
                "url": meeting.url,
            }
        )

    figures = plan_attendance_figures(plan)
    attendance = {
        "total": figures.total,
        "meetings": figures.meetings,
        "is_breakdown_public": figures.is_breakdown_public,
        "minimum_for_breakdown": figures.minimum_for_breakdown,
        "share_women": figures.share_women,
        "share_youth": figures.share_youth,
        "share_associations": figures.share_associations,
    }
    collectivity = plan.collectivity
    return {
        "plan": {
            "pk": plan.pk,
            "slug": plan.slug,
            "url": plan.get_absolute_url(),
            "title": str(plan.title),
            "summary": str(plan.summary or ""),
            "state": plan.state,
            "state_label": capfirst(str(plan.get_state_display())),
            "is_published": plan.is_published,
            "start_month": date_format(plan.start_month, "YEAR_MONTH_FORMAT"),
            "end_month": date_format(plan.end_month, "YEAR_MONTH_FORMAT"),
            "state_changed": labels.shown(timezone.localdate(plan.state_changed_at))
            if plan.state_changed_at
            else "",
            "adopted": shown(plan.adopted_on),
            "planned_adoption": date_format(plan.planned_adoption_month, "YEAR_MONTH_FORMAT")
            if plan.planned_adoption_month
            else "",
        },
        "collectivity": {
            "name": str(collectivity.name),
            "url": reverse("plans:collectivity", kwargs={"slug": collectivity.slug}),
        },
        "states": [
            {"value": value, "label": capfirst(str(label)), "is_current": value == plan.state}
            for value, label in ActionPlan.State.choices
        ],
        "current_phases": [str(p) for p in standing.current],
        "next_phase": {"title": str(next_phase), **(shown(next_phase.starts_on) or {})}
        if next_phase is not None
        else None,
        "timeline": timeline,
        "committee": committee,
        "meetings": meetings,
        "meetings_url": _meetings_url(plan.slug),
        "attendance": attendance,
        "commitments": commitments_section(plan, AnonymousUser(), day),
        "proposal_counts": dict(plan_proposal_counts(plan)),
    }
