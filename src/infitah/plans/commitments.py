"""Writes and derived figures of commitments, milestones, progress and council adoption.

Rules (each enforced here, whatever the caller):

- **Drafting**: commitments and their milestones are written and published only while
  the plan is in co-creation or public consultation (:data:`DRAFTING_STATES`). Once the
  council has adopted the plan, its commitments are **frozen**: the services refuse
  with an error naming the plan's state. (Revisions with a reason come later.)
- **Implementation**: once adopted (adopted, implementation), only a milestone's
  **status and completion date** change (:func:`milestone_set_status`), evidence links
  are added and progress updates are posted (:data:`IMPLEMENTATION_STATES`).
- **Progress is derived**, never typed: :func:`commitment_progress` is the weight of
  completed milestones over the weight of the milestones not cancelled, in percent;
  :func:`plan_progress` is the plain mean of its commitments' progress (each
  commitment counts the same, as in OGP's completion tables; commitments without a
  milestone are left out).
- **Adoption**: :func:`plan_record_adoption` records the council session and vote and
  moves the plan to adopted through :func:`infitah.plans.services.plan_transition`.

Permissions (:mod:`infitah.plans.rules`): ``plans.add/change_commitment``,
``plans.publish_commitment``, ``plans.add/change_milestone``,
``plans.add_milestoneevidence``, ``plans.add_progressupdate`` (the collectivity's
administrator and editors, coordinators) and ``plans.record_adoption`` (the
administrator, coordinators). Errors are ``ValidationError`` (by field where one is at
fault) and ``PermissionDenied``, with translated messages.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from infitah.core.selectors import localized_fields
from infitah.plans.models import (
    ActionPlan,
    Commitment,
    CouncilAdoption,
    Milestone,
    MilestoneEvidence,
    ProgressUpdate,
)
from infitah.plans.services import _apply, _require, plan_transition
from infitah.proposals.models import Proposal

__all__ = [
    "ADOPTION_FIELDS",
    "COMMITMENT_FIELDS",
    "COMMITMENT_RELATIONS",
    "DRAFTING_STATES",
    "IMPLEMENTATION_STATES",
    "MILESTONE_FIELDS",
    "commitment_create",
    "commitment_progress",
    "commitment_publish",
    "commitment_update",
    "milestone_add_evidence",
    "milestone_create",
    "milestone_set_status",
    "milestone_update",
    "plan_progress",
    "plan_record_adoption",
    "progress_step",
    "progress_update_post",
]

State = ActionPlan.State

#: States in which commitments and milestones are drafted (and published).
DRAFTING_STATES = frozenset({State.CO_CREATION, State.CONSULTATION})
#: States in which milestone statuses, evidence and progress updates change.
IMPLEMENTATION_STATES = frozenset({State.ADOPTED, State.IMPLEMENTATION})

COMMITMENT_FIELDS: tuple[str, ...] = (
    *localized_fields("title"),
    *localized_fields("problem"),
    *localized_fields("status_quo"),
    *localized_fields("action"),
    *localized_fields("how_it_helps"),
    *localized_fields("long_term_goal"),
    "ogp_values",
    "lead_department",
    "other_government_actors",
    "start_month",
    "end_month",
    "budget_mad",
    "funding_source",
    "order",
)
#: Many-to-many relations set with a commitment (iterables of objects).
COMMITMENT_RELATIONS: tuple[str, ...] = ("principles", "cso_partners", "proposals")
MILESTONE_FIELDS: tuple[str, ...] = (
    *localized_fields("title"),
    "expected_output",
    "due_on",
    "weight",
    "responsible_unit",
    "order",
)
ADOPTION_FIELDS: tuple[str, ...] = (
    "session_kind",
    "session_month",
    "adopted_on",
    "deliberation_number",
    "votes_for",
    "votes_against",
    "abstentions",
    "document_url",
    "note",
)


# --- Helpers ------------------------------------------------------------------------


def _state_label(state: str) -> str:
    return str(dict(State.choices).get(state, state))


def _require_state(plan: ActionPlan, states: frozenset[str], action: str) -> None:
    """Refuse unless the plan's current state (read locked) is in ``states``."""
    current = ActionPlan.objects.select_for_update().values_list("state", flat=True).get(pk=plan.pk)
    plan.state = current
    if current not in states:
        if current in (State.ADOPTED, State.IMPLEMENTATION, State.CLOSED) and (
            states == DRAFTING_STATES
        ):
            message = gettext(
                "The plan is “%(state)s”: its commitments are frozen as adopted and "
                "cannot be %(action)s."
            )
        else:
            message = gettext("The plan is “%(state)s”: commitments cannot be %(action)s now.")
        raise ValidationError(message % {"state": _state_label(current), "action": action})


def _check_title(obj: Any, label: str) -> None:
    """``full_clean`` with the title required in any one language."""
    errors: dict[str, list[str]] = {}
    names = localized_fields("title")
    if not any(getattr(obj, name, None) for name in names):
        errors[names[0]] = [
            gettext("Give the %(what)s's title in at least one language.") % {"what": label}
        ]
    try:
        obj.full_clean(exclude=["title", *names])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _set_relations(commitment: Commitment, data: Mapping[str, Any]) -> None:
    """Set the M2M relations in ``data``; proposals must be accepted ones of the plan."""
    if "proposals" in data:
        proposals = list(data["proposals"] or [])
        ids = [p.pk for p in proposals]
        valid = set(
            Proposal.objects.filter(
                pk__in=ids, plan_id=commitment.plan_id, status=Proposal.Status.ACCEPTED
            ).values_list("pk", flat=True)
        )
        if set(ids) - valid:
            raise ValidationError(
                {"proposals": gettext("Link only accepted proposals of this plan.")}
            )
        commitment.proposals.set(proposals)
    if "principles" in data:
        commitment.principles.set(list(data["principles"] or []))
    if "cso_partners" in data:
        commitment.cso_partners.set(list(data["cso_partners"] or []))


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    fields = {k: v for k, v in data.items() if k not in COMMITMENT_RELATIONS}
    relations = {k: v for k, v in data.items() if k in COMMITMENT_RELATIONS}
    return fields, relations


def _next_reference(plan: ActionPlan) -> str:
    """``<collectivity code>-<plan start year>-<nn>``, the next free number (plan locked)."""
    prefix = f"{plan.collectivity.code}-{plan.start_month.year}-"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [
        int(match.group(1))
        for reference in Commitment.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        if (match := pattern.match(reference))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


# --- Commitments ------------------------------------------------------------------------


@transaction.atomic
def commitment_create(*, plan: ActionPlan, actor: Any, data: Mapping[str, Any]) -> Commitment:
    """Draft a new (unpublished) commitment of ``plan``.

    Args:
        plan: the plan, in co-creation or consultation.
        actor: needs ``plans.add_commitment`` on the plan.
        data: values of :data:`COMMITMENT_FIELDS` (a title in at least one language)
            and optionally :data:`COMMITMENT_RELATIONS` (iterables of principles,
            organisations, accepted proposals of this plan).

    Returns:
        The saved commitment with its reference ``<collectivity code>-<year>-<nn>``.

    Raises:
        PermissionDenied: the actor may not add commitments to this plan.
        ValidationError: the plan is not being drafted (naming its state), or by field.
    """
    _require(actor, "plans.add_commitment", plan)
    _require_state(plan, DRAFTING_STATES, gettext("added"))
    fields, relations = _split(data)
    commitment = Commitment(plan=plan, is_published=False)
    _apply(commitment, fields, COMMITMENT_FIELDS)
    commitment.reference = _next_reference(plan)
    _check_title(commitment, gettext("commitment"))
    commitment.save()
    _set_relations(commitment, relations)
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, actor: Any, data: Mapping[str, Any]) -> Commitment:
    """Change a commitment's fields and relations (its reference never changes).

    Raises:
        PermissionDenied: the actor lacks ``plans.change_commitment``.
        ValidationError: the plan is adopted or otherwise not being drafted (frozen), or
            by field.
    """
    _require(actor, "plans.change_commitment", commitment)
    _require_state(commitment.plan, DRAFTING_STATES, gettext("changed"))
    fields, relations = _split(data)
    _apply(commitment, fields, COMMITMENT_FIELDS)
    _check_title(commitment, gettext("commitment"))
    commitment.save()
    _set_relations(commitment, relations)
    return commitment


@transaction.atomic
def commitment_publish(
    *, commitment: Commitment, actor: Any, is_published: bool = True
) -> Commitment:
    """Publish (or unpublish) a draft commitment; idempotent.

    Raises:
        PermissionDenied: the actor lacks ``plans.publish_commitment``.
        ValidationError: the plan is not being drafted (adopted plans are frozen).
    """
    _require(actor, "plans.publish_commitment", commitment)
    _require_state(
        commitment.plan,
        DRAFTING_STATES,
        gettext("published") if is_published else gettext("unpublished"),
    )
    if commitment.is_published != is_published:
        commitment.is_published = is_published
        commitment.save(update_fields=["is_published", "updated_at"])
    return commitment


# --- Milestones -------------------------------------------------------------------------


@transaction.atomic
def milestone_create(*, commitment: Commitment, actor: Any, data: Mapping[str, Any]) -> Milestone:
    """Add a milestone (not started) to a draft commitment.

    Args:
        data: values of :data:`MILESTONE_FIELDS` (title in one language; weight 1–100).

    Raises:
        PermissionDenied: the actor lacks ``plans.add_milestone`` on the commitment.
        ValidationError: the plan is not being drafted, or by field.
    """
    _require(actor, "plans.add_milestone", commitment)
    _require_state(commitment.plan, DRAFTING_STATES, gettext("changed"))
    milestone = Milestone(commitment=commitment)
    _apply(milestone, data, MILESTONE_FIELDS)
    _check_title(milestone, gettext("milestone"))
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, actor: Any, data: Mapping[str, Any]) -> Milestone:
    """Change a milestone's definition (title, output, due date, weight, unit, order).

    Only while the plan is drafted; after adoption use :func:`milestone_set_status`.

    Raises:
        PermissionDenied: the actor lacks ``plans.change_milestone``.
        ValidationError: the plan is adopted (frozen) or not being drafted, or by field.
    """
    _require(actor, "plans.change_milestone", milestone)
    _require_state(milestone.commitment.plan, DRAFTING_STATES, gettext("changed"))
    _apply(milestone, data, MILESTONE_FIELDS)
    _check_title(milestone, gettext("milestone"))
    milestone.save()
    return milestone


@transaction.atomic
def milestone_set_status(
    *,
    milestone: Milestone,
    actor: Any,
    status: str,
    completed_on: datetime.date | None = None,
) -> Milestone:
    """Set a milestone's status (and its completion date when completed).

    Allowed while drafting and once adopted (adopted, implementation), not when closed.

    Args:
        status: a :class:`Milestone.Status` value.
        completed_on: the completion day (completed only; default today in
            Africa/Casablanca; not in the future). Cleared for any other status.

    Raises:
        PermissionDenied: the actor lacks ``plans.change_milestone``.
        ValidationError: unknown status (on ``status``), future date (on
            ``completed_on``), or a plan state that does not allow it.
    """
    _require(actor, "plans.change_milestone", milestone)
    _require_state(
        milestone.commitment.plan, DRAFTING_STATES | IMPLEMENTATION_STATES, gettext("updated")
    )
    if status not in Milestone.Status.values:
        raise ValidationError({"status": gettext("Unknown status.")})
    if status == Milestone.Status.COMPLETED:
        completed_on = completed_on or timezone.localdate()
        if completed_on > timezone.localdate():
            raise ValidationError(
                {"completed_on": gettext("The completion date cannot be in the future.")}
            )
    else:
        completed_on = None
    milestone.status = status
    milestone.completed_on = completed_on
    milestone.full_clean()
    milestone.save(update_fields=["status", "completed_on", "updated_at"])
    return milestone


@transaction.atomic
def milestone_add_evidence(
    *, milestone: Milestone, actor: Any, title: str, url: str
) -> MilestoneEvidence:
    """Attach a link (document, photo, page) as evidence of a milestone.

    Raises:
        PermissionDenied: the actor lacks ``plans.add_milestoneevidence``.
        ValidationError: closed or preparation plan, or by field (title, URL).
    """
    _require(actor, "plans.add_milestoneevidence", milestone)
    _require_state(
        milestone.commitment.plan, DRAFTING_STATES | IMPLEMENTATION_STATES, gettext("updated")
    )
    evidence = MilestoneEvidence(milestone=milestone)
    _apply(evidence, {"title": title, "url": url}, ("title", "url"))
    evidence.full_clean()
    evidence.save()
    return evidence


# --- Progress -----------------------------------------------------------------------------


def commitment_progress(
    commitment: Commitment, milestones: Iterable[Milestone] | None = None
) -> int | None:
    """Return the commitment's progress in percent (0–100), or ``None``.

    ``sum(weight of completed) / sum(weight of milestones not cancelled) * 100``,
    rounded half up. ``None`` when the commitment has no milestone that is not
    cancelled. Reads ``milestones`` if given, else ``commitment.milestones.all()``
    (prefetch it to avoid a query per commitment).
    """
    rows = list(milestones if milestones is not None else commitment.milestones.all())
    total = sum(m.weight for m in rows if m.status != Milestone.Status.CANCELLED)
    if not total:
        return None
    done = sum(m.weight for m in rows if m.status == Milestone.Status.COMPLETED)
    return (200 * done + total) // (2 * total)


def plan_progress(progresses: Iterable[int | None]) -> int | None:
    """Return the plan's progress in percent: the mean of its commitments' progress.

    Each commitment counts the same whatever its number of milestones (OGP reports
    completion per commitment); commitments without progress (no milestone) are left
    out. ``None`` when none has progress. Rounded half up.
    """
    values = [p for p in progresses if p is not None]
    if not values:
        return None
    return (2 * sum(values) + len(values)) // (2 * len(values))


def progress_step(percent: int | None) -> int:
    """The percent rounded down to a step of 10 (0–100), for the CSS width classes."""
    return 0 if percent is None else max(0, min(100, percent // 10 * 10))


@transaction.atomic
def progress_update_post(
    *, commitment: Commitment, actor: Any, text: str, milestone_changes: str = ""
) -> ProgressUpdate:
    """Post a dated public progress update on a commitment (its timeline).

    Only once the plan is adopted (adopted, implementation).

    Raises:
        PermissionDenied: the actor lacks ``plans.add_progressupdate``.
        ValidationError: the plan is not being implemented, or an empty text.
    """
    _require(actor, "plans.add_progressupdate", commitment)
    _require_state(commitment.plan, IMPLEMENTATION_STATES, gettext("updated"))
    update = ProgressUpdate(
        commitment=commitment,
        author=actor if getattr(actor, "pk", None) else None,
        posted_at=timezone.now(),
    )
    _apply(
        update,
        {"text": text, "milestone_changes": milestone_changes},
        ("text", "milestone_changes"),
    )
    update.full_clean()
    update.save()
    return update


# --- Council adoption ---------------------------------------------------------------------


@transaction.atomic
def plan_record_adoption(
    *, plan: ActionPlan, actor: Any, data: Mapping[str, Any]
) -> CouncilAdoption:
    """Record the council's adoption of ``plan`` and move it to adopted.

    The plan must be in public consultation (the move is
    :func:`infitah.plans.services.plan_transition` with the session and deliberation
    as its public reason and ``adopted_on`` as the adoption date). A record left by
    an earlier adoption that was undone is replaced (history keeps it).

    Args:
        data: values of :data:`ADOPTION_FIELDS` (session kind and month, date,
            deliberation number and votes required).

    Raises:
        PermissionDenied: the actor lacks ``plans.record_adoption`` (or the move's
            permission).
        ValidationError: by field, or the plan's state does not allow adoption.
    """
    _require(actor, "plans.record_adoption", plan)
    adoption = CouncilAdoption.objects.filter(plan=plan).first() or CouncilAdoption(plan=plan)
    _apply(adoption, data, ADOPTION_FIELDS)
    adoption.full_clean()
    adoption.save()
    session = str(dict(CouncilAdoption.SessionKind.choices)[adoption.session_kind])
    month = adoption.session_month.strftime("%Y-%m")
    reason = gettext(
        "Adopted by the council (%(session)s of %(month)s), deliberation no. %(number)s: "
        "%(for)s for, %(against)s against, %(abstentions)s abstentions."
    ) % {
        "session": session,
        "month": month,
        "number": adoption.deliberation_number,
        "for": adoption.votes_for,
        "against": adoption.votes_against,
        "abstentions": adoption.abstentions,
    }
    plan_transition(
        plan=plan,
        to_state=State.ADOPTED,
        actor=actor,
        reason=reason,
        adopted_on=adoption.adopted_on,
    )
    return adoption
