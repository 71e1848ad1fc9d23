"""Proposals (مقترحات) for openness projects, their supports and official answers.

A :class:`Proposal` belongs to one action plan (and, denormalised, to the plan's
collectivity, which the permission rules and the list filters read). It comes online
from a citizen (possibly on behalf of a registered organisation they represent), or is
entered by the collectivity's staff from a co-creation workshop group (linked to that
meeting and breakout group) or from a paper form.

Status: submitted → evaluating → accepted / rejected (a public, reasoned answer; a
reason is required to reject), or withdrawn by its author. **Accepted proposals are
the inputs that commitments link to** (``Proposal.objects.accepted()``).

:class:`Support` rows are one per person and proposal (a database constraint, so two
clicks at once give one support); ``Proposal.support_count`` and
``Proposal.comment_count`` are counters kept by :mod:`infitah.proposals.services` in the
same transaction as the change they count, so lists sort on indexed columns without
counting rows.

Every change goes through :mod:`infitah.proposals.services`; the history of the
proposal's text, status, answer and moderation is kept by django-simple-history
(registered in ``translation.py``; proposals are user text, not translated).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel

#: Longest title and body, in characters.
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def public(self) -> ProposalQuerySet:
        """Proposals the public may see: not hidden, of a published plan (any status)."""
        return self.filter(is_hidden=False, plan__is_published=True)

    def listed(self) -> ProposalQuerySet:
        """Public proposals shown in lists by default: not hidden, not withdrawn."""
        return self.public().exclude(status=Proposal.Status.WITHDRAWN)

    def accepted(self) -> ProposalQuerySet:
        """Accepted proposals: the inputs commitments link to."""
        return self.filter(status=Proposal.Status.ACCEPTED)

    def for_plan(self, plan: Any) -> ProposalQuerySet:
        """Proposals of one action plan (an ``ActionPlan`` or its primary key)."""
        return self.filter(plan=plan)

    def for_collectivity(self, collectivity: Any) -> ProposalQuerySet:
        """Proposals of one collectivity (a ``Collectivity`` or its primary key)."""
        return self.filter(collectivity=collectivity)


class Proposal(TimeStampedModel):
    """An idea for an openness project put into an action plan's co-creation.

    ``slug`` is the stable public reference (``/proposals/<slug>/``), never reused.
    ``author`` is the account that submitted it online (empty for workshop and paper
    entries, which record ``entered_by`` and, when known, ``contributor_name``).
    ``organisation`` is set when the author acted on behalf of an organisation they
    represent. ``support_count`` and ``comment_count`` are maintained by the services
    (visible comments only); ``search_text`` is the folded title and body
    (:func:`infitah.core.text.normalize_for_search`).
    """

    class Origin(models.TextChoices):
        ONLINE = "online", _("online")
        WORKSHOP = "workshop", _("co-creation workshop")
        PAPER = "paper", _("paper form")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        EVALUATING = "evaluating", _("being evaluated")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("not retained")
        WITHDRAWN = "withdrawn", _("withdrawn by its author")

    plan = models.ForeignKey(
        "plans.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        related_name="proposals",
        help_text=_("The plan's collectivity (copied from the plan)."),
    )
    slug = models.SlugField(
        _("reference"),
        max_length=20,
        unique=True,
        help_text=_("Stable public reference of the proposal."),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("proposal"), max_length=BODY_MAX_LENGTH)
    principles = models.ManyToManyField(
        "network.Principle",
        verbose_name=_("principles"),
        blank=True,
        related_name="proposals",
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.ONLINE
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("The workshop (or meeting) the proposal came from."),
    )
    breakout_group = models.ForeignKey(
        "meetings.BreakoutGroup",
        verbose_name=_("workshop group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    contributor_name = models.CharField(
        _("contributed by"),
        max_length=200,
        blank=True,
        help_text=_(
            "For workshop and paper entries: the group, organisation or person to credit "
            "(public; leave empty for an anonymous contribution)."
        ),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    answer = models.TextField(_("official answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="online") | Q(author__isnull=True),
                name="proposals_proposal_author_only_online",
            ),
            models.CheckConstraint(
                condition=~Q(origin="workshop") | Q(meeting__isnull=False),
                name="proposals_proposal_workshop_has_meeting",
            ),
            models.CheckConstraint(
                condition=Q(breakout_group__isnull=True) | Q(meeting__isnull=False),
                name="proposals_proposal_group_has_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(answer=""),
                name="proposals_proposal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(hidden_reason=""),
                name="proposals_proposal_hiding_has_reason",
            ),
        ]
        indexes = [
            # The public lists: one index per sort order, filtered on the flag first.
            models.Index(fields=["is_hidden", "-created_at", "-id"], name="proposals_newest_idx"),
            models.Index(
                fields=["is_hidden", "-support_count", "-id"], name="proposals_supported_idx"
            ),
            models.Index(
                fields=["is_hidden", "-comment_count", "-id"], name="proposals_commented_idx"
            ),
            models.Index(
                fields=["plan", "is_hidden", "-support_count", "-id"],
                name="proposals_plan_supported_idx",
            ),
            models.Index(
                fields=["plan", "is_hidden", "-created_at", "-id"],
                name="proposals_plan_newest_idx",
            ),
            models.Index(fields=["collectivity", "status"], name="proposals_coll_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", kwargs={"slug": self.slug})

    @property
    def is_answered(self) -> bool:
        """Whether staff gave an answer (accepted or not retained)."""
        return self.status in (self.Status.ACCEPTED, self.Status.REJECTED)

    @property
    def public_author(self) -> str:
        """The name shown as the proposal's author (never an e-mail address).

        The organisation's name when submitted on its behalf, else the author's public
        name, else the credited contributor of a workshop or paper entry; ``""`` when
        none is known.
        """
        if self.organisation_id and self.organisation is not None:
            return str(self.organisation)
        if self.author_id and self.author is not None:
            return self.author.public_name
        return self.contributor_name


class Support(models.Model):
    """One person's support for a proposal (at most one per person and proposal).

    Created and deleted only by :func:`infitah.proposals.services.proposal_support` and
    :func:`~infitah.proposals.services.proposal_unsupport`, which keep
    ``Proposal.support_count`` equal to the number of rows. Who supported what is
    personal data: never shown publicly, only counted.
    """

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="proposal_supports",
    )
    created_at = models.DateTimeField(_("supported at"), auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        ordering = ["proposal", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], name="proposals_support_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"

    @property
    def collectivity_id(self) -> int:
        """The owning collectivity's primary key (for the permission rules)."""
        return self.proposal.collectivity_id
