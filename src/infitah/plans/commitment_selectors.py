"""Reads of commitments: the plan page's list and the commitment page.

Each selector runs a fixed number of queries whatever the number of commitments,
milestones, evidence links or progress updates. Progress is computed in Python from
the prefetched milestones (:func:`infitah.plans.commitments.commitment_progress`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from infitah.plans.commitments import commitment_progress, plan_progress, progress_step
from infitah.plans.models import ActionPlan, Commitment, Milestone, ProgressUpdate
from infitah.plans.selectors import today

__all__ = [
    "CommitmentDetail",
    "CommitmentRow",
    "PlanCommitments",
    "commitment_by_reference",
    "commitment_detail",
    "commitments_visible_to",
    "plan_commitments",
]


def commitments_visible_to(user: Any, plan: ActionPlan) -> QuerySet[Commitment]:
    """The plan's commitments ``user`` may read: published ones, or all for its staff."""
    queryset = Commitment.objects.filter(plan=plan)
    if not user.has_perm("plans.view_commitment", plan):
        queryset = queryset.filter(is_published=True)
    return queryset


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment of the plan page with its derived figures."""

    commitment: Commitment
    progress: int | None
    step: int
    milestones: int
    late: int


@dataclass(frozen=True)
class PlanCommitments:
    """The plan page's commitments section (see :func:`plan_commitments`)."""

    rows: list[CommitmentRow]
    progress: int | None
    step: int
    late: int


def plan_commitments(
    plan: ActionPlan, user: Any, *, on: datetime.date | None = None
) -> PlanCommitments:
    """Return the commitments of ``plan`` visible to ``user`` with progress and lateness.

    Three queries whatever the size (commitments, their milestones, their principles);
    none when ``plan`` was read by :func:`infitah.plans.selectors.plan_by_slug` and has
    no commitment;
    rows with late milestones first, then in the plan's order. "Late" is judged on
    ``on`` (default: today in Africa/Casablanca).
    """
    day = on or today()
    if getattr(plan, "has_commitments", True) is False:  # annotated by plan_by_slug
        return PlanCommitments(rows=[], progress=None, step=0, late=0)
    commitments = list(
        commitments_visible_to(user, plan)
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("order", "due_on", "pk")),
            "principles",
        )
        .order_by("order", "pk")
    )
    rows = []
    for commitment in commitments:
        commitment.plan = plan
        milestones = list(commitment.milestones.all())
        progress = commitment_progress(commitment, milestones)
        rows.append(
            CommitmentRow(
                commitment=commitment,
                progress=progress,
                step=progress_step(progress),
                milestones=len(milestones),
                late=sum(1 for m in milestones if m.is_late_on(day)),
            )
        )
    rows.sort(key=lambda row: row.late == 0)
    overall = plan_progress(row.progress for row in rows)
    return PlanCommitments(
        rows=rows,
        progress=overall,
        step=progress_step(overall),
        late=sum(row.late for row in rows),
    )


def commitment_by_reference(plan: ActionPlan, reference: str, user: Any) -> Commitment | None:
    """The commitment of ``plan`` with ``reference`` that ``user`` may read, or ``None``."""
    if len(reference) > 60 or not reference.isprintable():
        return None
    commitment = commitments_visible_to(user, plan).filter(reference=reference).first()
    if commitment is not None:
        commitment.plan = plan
    return commitment


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    is_late: bool


@dataclass(frozen=True)
class CommitmentDetail:
    """Everything the commitment page shows."""

    commitment: Commitment
    milestones: list[MilestoneRow]
    progress: int | None
    step: int
    late: int
    updates: list[ProgressUpdate]
    proposals: list[Any]
    principles: list[Any]
    partners: list[Any]


def commitment_detail(
    commitment: Commitment, *, on: datetime.date | None = None
) -> CommitmentDetail:
    """Return the :class:`CommitmentDetail` of ``commitment`` (its plan already set).

    Six queries: milestones, their evidence, progress updates (with authors),
    proposals, principles, partners.
    """
    day = on or today()
    milestones = list(
        commitment.milestones.prefetch_related("evidence").order_by("order", "due_on", "pk")
    )
    for milestone in milestones:
        milestone.commitment = commitment
    progress = commitment_progress(commitment, milestones)
    rows = [MilestoneRow(milestone=m, is_late=m.is_late_on(day)) for m in milestones]
    return CommitmentDetail(
        commitment=commitment,
        milestones=rows,
        progress=progress,
        step=progress_step(progress),
        late=sum(1 for row in rows if row.is_late),
        updates=list(
            commitment.progress_updates.select_related("author").order_by("-posted_at", "-pk")
        ),
        proposals=list(commitment.proposals.order_by("pk")),
        principles=list(commitment.principles.all()),
        partners=list(commitment.cso_partners.order_by("name")),
    )
