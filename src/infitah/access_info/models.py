"""Access to information under law 31-13: requests, deadlines, complaints, disclosure.

- :class:`InformationRequest` — one request to a member collectivity, with the
  requester's identity (personal data under law 09-08: seen only by that collectivity's
  information officers and the requester), the public part shown in the register
  (``subject``, dates, status, outcome, the redacted ``released_text``), and the legal
  deadline (``due_on``) computed by :mod:`infitah.access_info.deadlines`.
- :class:`RequestEvent` — the dated log of every step (append-only).
- :class:`RequestDocument` — files released (public once redacted) or received.
- :class:`Complaint` — complaint to the head of the collectivity, to the CDAI, then
  an administrative court appeal (each stage its own deadline and outcome).
- :class:`HolidayOverride` — coordinators' corrections to the public-holiday
  calendar (moon-sighted religious holidays, exceptional days off).
- :class:`DisclosureCategory` / :class:`DisclosureItem` — the proactive-disclosure
  catalogue of article 10 and each collectivity's published items.

State changes go through :mod:`infitah.access_info.services` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel

if TYPE_CHECKING:
    from infitah.territories.models import Collectivity


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    def for_collectivity(self, collectivity: Collectivity | int) -> InformationRequestQuerySet:
        """Requests to one collectivity (a ``Collectivity`` or its primary key)."""
        return self.filter(collectivity=collectivity)

    def open(self) -> InformationRequestQuerySet:
        """Requests still waiting for a final decision (their deadline runs)."""
        return self.filter(status__in=InformationRequest.OPEN_STATUSES)

    def in_register(self) -> InformationRequestQuerySet:
        """Requests shown in the public register (never withdrawn before review)."""
        return self.filter(is_in_register=True)


class InformationRequest(TimeStampedModel):
    """A request for information filed with one collectivity (law 31-13, articles 14–17).

    Personal fields (``requester_name``, ``id_document_*``, ``postal_address``,
    ``email``, ``phone``) are never shown in public pages, the API's public endpoints,
    exports or logs. ``received_at`` is when the collectivity received the request; the
    legal deadline ``due_on`` is a local date (Africa/Casablanca) counted in working
    days from the first working day after receipt (see :mod:`.deadlines`).
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("online form")
        PAPER = "paper", _("paper, at the office")
        POST = "post", _("post")
        EMAIL = "email", _("e-mail")

    class IdDocument(models.TextChoices):
        NATIONAL_ID = "national_id", _("national identity card")
        RESIDENCE_PERMIT = "residence_permit", _("residence permit")

    class PreferredForm(models.TextChoices):
        ELECTRONIC = "electronic", _("electronic copy")
        PAPER = "paper", _("paper copy")
        ON_SITE = "on_site", _("consultation on site")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        CLARIFICATION = "clarification", _("clarification asked")
        IN_PROGRESS = "in_progress", _("in progress")
        EXTENDED = "extended", _("deadline extended")
        ANSWERED = "answered", _("answered")
        PARTLY_ANSWERED = "partly_answered", _("partly answered")
        REFUSED = "refused", _("refused")
        TRANSFERRED = "transferred", _("transferred")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN_STATUSES = (
        Status.RECEIVED,
        Status.CLARIFICATION,
        Status.IN_PROGRESS,
        Status.EXTENDED,
    )

    class RefusalGround(models.TextChoices):
        # Law 31-13, article 7 (exceptions) and article 18 (grounds of refusal).
        NATIONAL_DEFENCE = "national_defence", _("national defence")
        STATE_SECURITY = "state_security", _("internal and external security of the State")
        PRIVATE_LIFE = "private_life", _("private life of individuals (personal data)")
        FUNDAMENTAL_RIGHTS = "fundamental_rights", _("fundamental rights and freedoms")
        SOURCES_CONFIDENTIALITY = "sources", _("confidentiality of sources")
        FOREIGN_RELATIONS = "foreign_relations", _("relations with a foreign State or organisation")
        MONETARY_POLICY = (
            "economic_policy",
            _("monetary, economic or financial policy of the State"),
        )
        INTELLECTUAL_PROPERTY = (
            "intellectual_property",
            _("intellectual and industrial property rights"),
        )
        JUSTICE = "justice", _("judicial proceedings and investigations")
        DELIBERATIONS = "deliberations", _("secrecy of deliberations of the council or government")
        COMMERCIAL_SECRET = "commercial_secret", _("trade or commercial secrets and competition")
        NOT_HELD = "not_held", _("information not held and holder unknown")
        ALREADY_PUBLISHED = "already_published", _("information already published")
        ABUSIVE = "abusive", _("manifestly abusive or repetitive request")
        INCOMPLETE = "incomplete", _("request incomplete after clarification")
        OTHER = "other", _("other ground (stated in the text)")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        related_name="information_requests",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="information_requests",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # --- personal data (law 09-08) -------------------------------------------------
    requester_name = models.CharField(_("full name"), max_length=200, blank=True)
    id_document_kind = models.CharField(
        _("identity document"), max_length=20, choices=IdDocument.choices, blank=True
    )
    id_document_number = models.CharField(_("document number"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    identity_removed_at = models.DateTimeField(
        _("identity removed at"), null=True, blank=True, editable=False
    )
    language = models.CharField(
        _("language for e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The requester's language for the e-mails about this request."),
    )
    # --- the request -------------------------------------------------------------
    subject = models.CharField(
        _("subject"), max_length=250, help_text=_("Short public title of the request.")
    )
    information_requested = models.TextField(_("information requested"))
    preferred_form = models.CharField(
        _("preferred form"), max_length=12, choices=PreferredForm.choices
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reason = models.TextField(
        _("reason for urgency"),
        blank=True,
        help_text=_("Needed to protect a person's life, safety or freedom (article 17)."),
    )
    # --- workflow and deadlines ----------------------------------------------------
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    due_on = models.DateField(_("due on"))
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    clarification_asked_at = models.DateTimeField(
        _("clarification asked at"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    working_days_taken = models.PositiveIntegerField(_("working days taken"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    refusal_ground = models.CharField(
        _("ground of refusal"), max_length=24, choices=RefusalGround.choices, blank=True
    )
    refusal_text = models.TextField(_("reasons for the refusal"), blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=250, blank=True)
    released_text = models.TextField(
        _("information released"),
        blank=True,
        help_text=_("Shown in the public register once redacted and published."),
    )
    fee_amount = models.DecimalField(
        _("fee (MAD)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("Cost of copies or sending only, in dirhams (article 5)."),
    )
    fee_reason = models.CharField(_("what the fee covers"), max_length=250, blank=True)
    # --- public register -----------------------------------------------------------
    is_in_register = models.BooleanField(_("in the public register"), default=True)
    released_published_at = models.DateTimeField(_("answer published at"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["collectivity", "-received_at"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["is_in_register", "-received_at"]),
            # The register's list (``WHERE is_in_register ORDER BY received_at DESC, id
            # DESC LIMIT n``): SQLite writes the filter as a bare boolean column, which it
            # cannot match to the index above as an equality; a partial index with the
            # same condition serves the ordering on both databases.
            models.Index(
                fields=["-received_at", "-id"],
                name="access_info_register_list_idx",
                condition=Q(is_in_register=True),
            ),
            models.Index(fields=["requester", "-received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_ground=""),
                name="access_info_informationrequest_refusal_has_ground",
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__gte=0), name="access_info_informationrequest_fee_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """True while the request awaits a final decision."""
        return self.status in self.OPEN_STATUSES


class RequestEvent(models.Model):
    """One dated step of a request's handling (append-only log).

    ``note`` is internal (officers and the requester see it, the register does not).
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("received")
        STATUS = "status", _("status changed")
        CLARIFICATION_ASKED = "clarification_asked", _("clarification asked")
        CLARIFICATION_GIVEN = "clarification_given", _("clarification given")
        EXTENDED = "extended", _("deadline extended")
        DEADLINE_RECOMPUTED = "deadline_recomputed", _("deadline recomputed")
        FEE = "fee", _("fee recorded")
        PUBLISHED = "published", _("answer published")
        REMINDER = "reminder", _("reminder sent")
        ESCALATED = "escalated", _("escalated")
        COMPLAINT = "complaint", _("complaint")
        IDENTITY_REMOVED = "identity_removed", _("identity removed")
        NOTE = "note", _("note")

    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["request", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class RequestDocument(TimeStampedModel):
    """A file attached to a request: released to the requester, and public once redacted."""

    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="information/%Y/")
    is_public = models.BooleanField(
        _("public (redacted)"),
        default=False,
        help_text=_("Tick only for a version without personal data."),
    )

    class Meta:
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return self.title


class Complaint(TimeStampedModel):
    """A complaint or appeal about a request, at one stage (law 31-13, articles 19–20)."""

    class Stage(models.TextChoices):
        HEAD = "head", _("complaint to the head of the collectivity")
        CDAI = "cdai", _("complaint to the Commission for the Right of Access to Information")
        COURT = "court", _("appeal to the administrative court")

    class Ground(models.TextChoices):
        REFUSAL = "refusal", _("refusal")
        PARTIAL = "partial", _("partial answer")
        NO_ANSWER = "no_answer", _("no answer in time")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        UPHELD = "upheld", _("upheld: information to be given")
        PARTLY_UPHELD = "partly_upheld", _("partly upheld")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="complaints",
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    ground = models.CharField(_("ground"), max_length=10, choices=Ground.choices)
    filed_at = models.DateTimeField(_("filed at"))
    text = models.TextField(_("complaint"), blank=True)
    response_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome_text = models.TextField(_("decision"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["request", "filed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "stage"], name="access_info_complaint_one_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.stage}"

    @property
    def collectivity_id(self) -> int:
        """The collectivity's primary key (for the permission rules)."""
        return self.request.collectivity_id


class HolidayOverride(TimeStampedModel):
    """A coordinator's correction of the holiday calendar for one date.

    ``is_holiday`` True adds a day off (e.g. the moon-sighted Eid date, an exceptional
    day off); False removes a date the holiday library predicted (the estimated date
    that turned out wrong). Changing overrides recomputes open requests' deadlines.
    """

    date = models.DateField(_("date"), unique=True)
    is_holiday = models.BooleanField(_("day off"), default=True)
    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("source or note"), blank=True)

    class Meta:
        verbose_name = _("holiday correction")
        verbose_name_plural = _("holiday corrections")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class DisclosureCategory(models.Model):
    """A category of information published proactively (law 31-13, article 10).

    ``update_every_months`` is how often an item should be refreshed (0: once, no
    refresh). Loaded from ``access_info/data/disclosure_categories.csv``; coordinators
    edit it in the admin.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=120, blank=True)
    update_every_months = models.PositiveSmallIntegerField(_("update every (months)"), default=12)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("disclosure category")
        verbose_name_plural = _("disclosure categories")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class DisclosureItem(TimeStampedModel):
    """An item a collectivity published proactively in one category (document or link)."""

    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        related_name="disclosure_items",
    )
    category = models.ForeignKey(
        DisclosureCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="disclosure/%Y/", blank=True)
    url = models.URLField(_("link"), blank=True)
    published_on = models.DateField(_("published on"))
    next_update_due_on = models.DateField(_("next update due on"), null=True, blank=True)
    is_current = models.BooleanField(_("current version"), default=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        ordering = ["collectivity", "category", "-published_on", "pk"]
        indexes = [models.Index(fields=["collectivity", "category", "is_current"])]

    def __str__(self) -> str:
        return self.title
