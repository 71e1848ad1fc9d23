"""Openness action plans (برنامج عمل الانفتاح), their process and follow-up committee.

An action plan belongs to one member collectivity and a period (start and end month).
It moves through the states of :class:`ActionPlan.State` only through the services in
:mod:`infitah.plans.services`; each move is a :class:`PlanTransition` row (who, when,
why) shown on the plan's public timeline together with its :class:`Phase` rows.

The follow-up committee (لجنة التتبع / comité de suivi) is OGP's multi-stakeholder
forum: OGP Local asks that it meet at least every six months
(``settings.INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS``).

Commitments, milestones and adoption records come with the commitments issue and hang
off :class:`ActionPlan`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def published(self) -> ActionPlanQuerySet:
        """Plans visible to the public."""
        return self.filter(is_published=True)

    def for_collectivity(self, collectivity: object) -> ActionPlanQuerySet:
        """Plans of one collectivity (a ``Collectivity`` or its primary key)."""
        return self.filter(collectivity=collectivity)  # type: ignore[misc]

    def search(self, query: str) -> ActionPlanQuerySet:
        """Plans whose folded title/collectivity text holds every token of ``query``."""
        from infitah.core.text import normalize_for_search

        condition = Q()
        for token in normalize_for_search(query).split():
            condition &= Q(search_text__contains=token)
        return self.filter(condition)


class ActionPlan(TimeStampedModel):
    """An openness action plan of one collectivity for a period.

    ``start_month`` and ``end_month`` are the first day of their month. ``state`` is
    changed only by :mod:`infitah.plans.services` (one ``PlanTransition`` per change).
    ``planned_adoption_month`` is the first day of the month of the council session at
    which adoption is planned (e.g. the October session).
    """

    class State(models.TextChoices):
        PREPARATION = "preparation", _("preparation")
        CO_CREATION = "co_creation", _("co-creation")
        CONSULTATION = "consultation", _("public consultation")
        ADOPTED = "adopted", _("adopted")
        IMPLEMENTATION = "implementation", _("implementation")
        CLOSED = "closed", _("closed")

    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    slug = models.SlugField(
        _("reference"),
        max_length=80,
        unique=True,
        help_text=_("Stable public reference, e.g. the collectivity code and the start year."),
    )
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    start_month = models.DateField(_("start month"))
    end_month = models.DateField(_("end month"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PREPARATION
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    planned_adoption_month = models.DateField(
        _("adoption planned at the council session of"), null=True, blank=True
    )
    adopted_on = models.DateField(
        _("adopted by the council on"),
        null=True,
        blank=True,
        help_text=_("Set by the adoption step; the full council record comes later."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-start_month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collectivity", "start_month"], name="plans_actionplan_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month")),
                name="plans_actionplan_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "state"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """Normalise months to their first day; the end month may not precede the start."""
        if self.start_month:
            self.start_month = self.start_month.replace(day=1)
        if self.end_month:
            self.end_month = self.end_month.replace(day=1)
        if self.planned_adoption_month:
            self.planned_adoption_month = self.planned_adoption_month.replace(day=1)
        if self.start_month and self.end_month and self.end_month < self.start_month:
            raise ValidationError(
                {"end_month": _("The end month cannot be before the start month.")}
            )


class PlanTransition(models.Model):
    """One change of an action plan's state: who made it, when and why (append-only)."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=ActionPlan.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=ActionPlan.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["plan", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_state} → {self.to_state}"

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.plan.collectivity_id


class Phase(models.Model):
    """A dated step of the plan's process, shown on its public timeline.

    ``ends_on`` may be empty (a one-day step, or open-ended monitoring).
    """

    class Kind(models.TextChoices):
        INFORMATION = "information", _("information and awareness meetings")
        TRAINING = "training", _("training")
        CO_CREATION = "co_creation", _("co-creation workshops")
        DRAFTING = "drafting", _("drafting")
        CONSULTATION = "consultation", _("public consultation")
        ADOPTION = "adoption", _("adoption by the council")
        IMPLEMENTATION = "implementation", _("implementation")
        MONITORING = "monitoring", _("monitoring and evaluation")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        CURRENT = "current", _("in progress")
        DONE = "done", _("done")

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    dates_are_tentative = models.BooleanField(
        _("dates are tentative"),
        default=False,
        help_text=_("Planned or approximate dates, not yet confirmed; shown as such."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["plan", "starts_on", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="plans_phase_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.plan.collectivity_id

    def clean(self) -> None:
        """The end date may not precede the start date."""
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})

    def status_on(self, day: datetime.date) -> str:
        """Return the :class:`Phase.Status` value of this phase on ``day``."""
        if day < self.starts_on:
            return self.Status.UPCOMING
        if (self.ends_on or self.starts_on) < day:
            return self.Status.DONE
        return self.Status.CURRENT


class FollowUpCommittee(TimeStampedModel):
    """The plan's follow-up committee (multi-stakeholder forum), one per plan."""

    plan = models.OneToOneField(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="committee",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    mandate = models.TextField(_("mandate"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    overdue_warned_at = models.DateTimeField(
        _("staff last warned of an overdue meeting at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the reminder task: one warning per overdue period."),
    )

    class Meta:
        verbose_name = _("follow-up committee")
        verbose_name_plural = _("follow-up committees")

    def __str__(self) -> str:
        return self.name or str(_("Follow-up committee"))

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.plan.collectivity_id


class CommitteeMember(TimeStampedModel):
    """A member of a follow-up committee: an elected member, staff or civil society.

    ``organisation`` is a registered organisation (association, or a council
    consultative body such as the Equality, Equal Opportunities and Gender Approach
    Body); ``organisation_name`` is free text when it is not registered. The person's
    name is public (committee membership is a public role); no contact is stored here.
    """

    class Side(models.TextChoices):
        ELECTED = "elected", _("elected member")
        ADMINISTRATION = "administration", _("administration")
        CIVIL_SOCIETY = "civil_society", _("civil society")
        CONSULTATIVE_BODY = "consultative_body", _("consultative body")
        OTHER = "other", _("other")

    class Gender(models.TextChoices):
        FEMALE = "female", _("woman")
        MALE = "male", _("man")
        NOT_STATED = "not_stated", _("not stated")

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        CO_CHAIR = "co_chair", _("co-chair")
        RAPPORTEUR = "rapporteur", _("rapporteur")
        MEMBER = "member", _("member")

    committee = models.ForeignKey(
        FollowUpCommittee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    person_name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
    )
    organisation_name = models.CharField(
        _("organisation (if not registered)"), max_length=250, blank=True
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_seats",
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "side", "person_name", "pk"]

    def __str__(self) -> str:
        return self.person_name

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.committee.plan.collectivity_id

    @property
    def organisation_label(self) -> str:
        """The registered organisation's name, else the free-text one (may be empty)."""
        organisation = self.organisation if self.organisation_id else None
        return organisation.name if organisation is not None else self.organisation_name


# --- Commitments, milestones, progress, council adoption ------------------------------


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def published(self) -> CommitmentQuerySet:
        """Commitments visible to the public (the plan must be published too)."""
        return self.filter(is_published=True, plan__is_published=True)


class Commitment(TimeStampedModel):
    """A commitment of an action plan (OGP Local commitment template).

    ``reference`` is ``<collectivity code>-<plan start year>-<nn>``, given once by
    :func:`infitah.plans.commitments.commitment_create` and never changed.
    ``start_month``/``end_month`` are first days of months. ``budget_mad`` is the
    estimated budget in Moroccan dirhams (MAD), empty when unknown. ``ogp_values`` is
    a list of :class:`Commitment.OgpValue` values (JSON).
    """

    class OgpValue(models.TextChoices):
        ACCESS_TO_INFORMATION = "access_to_information", _("access to information")
        CIVIC_PARTICIPATION = "civic_participation", _("civic participation")
        PUBLIC_ACCOUNTABILITY = "public_accountability", _("public accountability")
        TECHNOLOGY_INNOVATION = "technology_innovation", _("technology and innovation")

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    reference = models.CharField(_("reference"), max_length=60, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=250)
    problem = models.TextField(_("problem addressed"), blank=True)
    status_quo = models.TextField(_("status quo"), blank=True)
    action = models.TextField(_("what will be done"), blank=True)
    how_it_helps = models.TextField(_("how it helps solve the problem"), blank=True)
    long_term_goal = models.TextField(_("long-term goal"), blank=True)
    principles = models.ManyToManyField(
        "network.Principle", verbose_name=_("principles"), blank=True, related_name="commitments"
    )
    ogp_values = models.JSONField(_("OGP values"), default=list, blank=True)
    lead_department = models.CharField(_("lead department"), max_length=250, blank=True)
    other_government_actors = models.TextField(_("other government actors"), blank=True)
    cso_partners: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("civil-society partners"),
        blank=True,
        related_name="partner_commitments",
    )
    start_month = models.DateField(_("start month"), null=True, blank=True)
    end_month = models.DateField(_("end month"), null=True, blank=True)
    budget_mad = models.DecimalField(
        _("estimated budget (MAD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In Moroccan dirhams; leave empty when unknown."),
    )
    funding_source = models.CharField(_("funding source"), max_length=250, blank=True)
    proposals: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "proposals.Proposal",
        verbose_name=_("proposals answered"),
        blank=True,
        related_name="commitments",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=False)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__isnull=True)
                | Q(start_month__isnull=True)
                | Q(end_month__gte=F("start_month")),
                name="plans_commitment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget_mad__isnull=True) | Q(budget_mad__gte=0),
                name="plans_commitment_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:commitment-detail",
            kwargs={"slug": self.plan.slug, "reference": self.reference},
        )

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.plan.collectivity_id

    def ogp_value_labels(self) -> list[str]:
        """The labels of :attr:`ogp_values`, in the order of :class:`OgpValue`."""
        labels = dict(self.OgpValue.choices)
        return [str(labels[v]) for v in self.OgpValue.values if v in (self.ogp_values or [])]

    def clean(self) -> None:
        """Months on their first day, end not before start, known OGP values only."""
        if self.start_month:
            self.start_month = self.start_month.replace(day=1)
        if self.end_month:
            self.end_month = self.end_month.replace(day=1)
        if self.start_month and self.end_month and self.end_month < self.start_month:
            raise ValidationError(
                {"end_month": _("The end month cannot be before the start month.")}
            )
        values = self.ogp_values or []
        if not isinstance(values, list) or any(v not in self.OgpValue.values for v in values):
            raise ValidationError({"ogp_values": _("Unknown OGP value.")})
        self.ogp_values = [v for v in self.OgpValue.values if v in values]


class Milestone(TimeStampedModel):
    """A dated step of a commitment with a weight (1–100) in the commitment's progress.

    ``completed_on`` is set exactly when the status is completed. A milestone is late
    when its due date has passed (Africa/Casablanca) and it is neither completed nor
    cancelled (:attr:`is_late`).
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("title"), max_length=250)
    expected_output = models.TextField(_("expected output"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("1 to 100: its share of the commitment's progress.")
    )
    responsible_unit = models.CharField(_("responsible unit"), max_length=250, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["commitment", "order", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="plans_milestone_weight_1_100"
            ),
            models.CheckConstraint(
                condition=(Q(status="completed") & Q(completed_on__isnull=False))
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="plans_milestone_completed_on_iff_completed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.commitment.plan.collectivity_id

    def is_late_on(self, day: datetime.date) -> bool:
        """Past its due date on ``day`` and neither completed nor cancelled."""
        return (
            self.due_on is not None
            and self.due_on < day
            and self.status not in (self.Status.COMPLETED, self.Status.CANCELLED)
        )

    @property
    def is_late(self) -> bool:
        """Late today (Africa/Casablanca, ``settings.TIME_ZONE``)."""
        return self.is_late_on(timezone.localdate())

    def clean(self) -> None:
        """Weight 1–100; completion date exactly when completed."""
        errors: dict[str, Any] = {}
        if self.weight is not None and not 1 <= self.weight <= 100:
            errors["weight"] = _("The weight is a whole number from 1 to 100.")
        if self.status == self.Status.COMPLETED and self.completed_on is None:
            errors["completed_on"] = _("Give the date the milestone was completed.")
        if self.status != self.Status.COMPLETED and self.completed_on is not None:
            errors["completed_on"] = _("Only a completed milestone has a completion date.")
        if errors:
            raise ValidationError(errors)


class MilestoneEvidence(TimeStampedModel):
    """Evidence of a milestone: a link (file uploads come later)."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=250)
    url = models.URLField(_("link"), max_length=500)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["milestone", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.milestone.commitment.plan.collectivity_id


class ProgressUpdate(TimeStampedModel):
    """A dated public post on a commitment's implementation (its timeline)."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"))
    milestone_changes = models.TextField(_("resulting milestone changes"), blank=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["commitment", "-posted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.commitment_id} @ {self.posted_at:%Y-%m-%d}"

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.commitment.plan.collectivity_id


class CouncilAdoption(TimeStampedModel):
    """The council's adoption of a plan: session, date, deliberation and vote.

    Organic law 113-14 (art. 92) for the commune's action programme and its
    equivalents for provinces and regions. ``session_month`` is the first day of the
    month of the session (an ordinary session of that month, or an extraordinary one).
    """

    class SessionKind(models.TextChoices):
        ORDINARY = "ordinary", _("ordinary session")
        EXTRAORDINARY = "extraordinary", _("extraordinary session")

    plan = models.OneToOneField(
        ActionPlan,
        verbose_name=_("action plan"),
        on_delete=models.CASCADE,
        related_name="council_adoption",
    )
    session_kind = models.CharField(_("session"), max_length=20, choices=SessionKind.choices)
    session_month = models.DateField(_("session month"))
    adopted_on = models.DateField(_("adopted on"))
    deliberation_number = models.CharField(_("deliberation number"), max_length=100)
    votes_for = models.PositiveIntegerField(_("votes for"))
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    document_url = models.URLField(_("adopted document (link)"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("council adoption")
        verbose_name_plural = _("council adoptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__gte=0) & Q(votes_against__gte=0) & Q(abstentions__gte=0),
                name="plans_counciladoption_votes_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.deliberation_number}"

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.plan.collectivity_id

    def clean(self) -> None:
        """The session month is a first day; the vote must have a majority for."""
        if self.session_month:
            self.session_month = self.session_month.replace(day=1)
        if (
            self.votes_for is not None
            and self.votes_against is not None
            and self.votes_for <= self.votes_against
        ):
            raise ValidationError(
                {"votes_for": _("An adopted plan has more votes for than against.")}
            )
