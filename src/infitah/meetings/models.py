"""Meetings of a co-creation process or of the network: agenda, registration, attendance.

A meeting belongs either to a member collectivity (usually to one of its action plans)
or to the network itself (``collectivity`` empty: trainings and information meetings
for members, which collectivities take part in: ``participating_collectivities``).

Times: ``starts_at``/``ends_at`` are aware datetimes stored in UTC and shown in
``settings.TIME_ZONE`` (Africa/Casablanca) whatever the server's zone; forms read what
the user types as Casablanca wall-clock time. Agenda items carry wall-clock times of
that zone on the meeting's day (``AgendaItem.day`` for multi-day meetings).

Registration: ``Registration`` rows are created and cancelled only by
:mod:`infitah.meetings.services`, which lock the meeting row so that confirmed
registrations never exceed ``capacity`` and the waiting list is promoted in order.
Attendance (``Attendance``) is personal data: pages and the API show only the
aggregated figures of :mod:`infitah.meetings.selectors`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel

if TYPE_CHECKING:
    from infitah.accounts.models import Organisation


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def published(self) -> MeetingQuerySet:
        """Meetings visible to the public (published, and their plan too if any)."""
        return self.filter(is_published=True).filter(
            Q(plan__isnull=True) | Q(plan__is_published=True)
        )

    def upcoming(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        """Meetings that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        """Meetings that have ended, latest first."""
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def search(self, query: str) -> MeetingQuerySet:
        """Meetings whose folded text holds every token of ``query``."""
        from infitah.core.text import normalize_for_search

        condition = Q()
        for token in normalize_for_search(query).split():
            condition &= Q(search_text__contains=token)
        return self.filter(condition)


class Meeting(TimeStampedModel):
    """A workshop, training, awareness or consultation meeting, or a committee meeting."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("awareness and information meeting")
        TRAINING = "training", _("training")
        CO_CREATION_WORKSHOP = "co_creation_workshop", _("co-creation workshop")
        CONSULTATION = "consultation", _("public consultation")
        FOLLOW_UP_COMMITTEE = "follow_up_committee", _("follow-up committee meeting")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("in person and online")

    network = models.ForeignKey(
        "network.Network",
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Empty for a meeting of the network itself."),
    )
    plan = models.ForeignKey(
        "plans.ActionPlan",
        verbose_name=_("action plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    slug = models.SlugField(_("reference"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    venue_name = models.CharField(_("venue"), max_length=250, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_published = models.BooleanField(_("published"), default=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)

    registration_enabled = models.BooleanField(_("registration open to the public"), default=False)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    waiting_list_enabled = models.BooleanField(_("waiting list"), default=True)

    minutes = models.TextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)

    participating_collectivities = models.ManyToManyField(
        "territories.Collectivity",
        verbose_name=_("participating collectivities"),
        blank=True,
        related_name="meetings_attended",
    )
    participating_organisations: models.ManyToManyField[Organisation, Any] = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("participating organisations and consultative bodies"),
        blank=True,
        related_name="meetings_attended",
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="meetings_meeting_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "starts_at"]),
            models.Index(fields=["collectivity", "starts_at"]),
            models.Index(fields=["plan", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """Check times, place and plan ownership; messages name the offending field."""
        errors: dict[str, object] = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The end cannot be before the start.")
        if self.format in (self.Format.IN_PERSON, self.Format.HYBRID) and not (
            self.venue_name or self.address
        ):
            errors["venue_name"] = _("Give the venue or its address for an in-person meeting.")
        # A past online meeting whose link was never published (historical records)
        # may stay without one; an upcoming one needs it.
        has_ended = self.ends_at is not None and self.ends_at < timezone.now()
        if (
            self.format in (self.Format.ONLINE, self.Format.HYBRID)
            and not self.online_url
            and not has_ended
        ):
            errors["online_url"] = _("Give the link of an online meeting.")
        if self.plan is not None and self.plan.collectivity_id != self.collectivity_id:
            errors["plan"] = _("The action plan must belong to the organising collectivity.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration cannot close before it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_network_meeting(self) -> bool:
        """True for a meeting of the network itself (no organising collectivity)."""
        return self.collectivity_id is None

    def registration_is_open(self, now: datetime.datetime | None = None) -> bool:
        """True when people may register now (enabled, published, in the window, not past)."""
        now = now or timezone.now()
        if not (self.registration_enabled and self.is_published) or self.is_cancelled:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now > self.registration_closes_at:
            return False
        return now < self.starts_at


class AgendaItem(models.Model):
    """An agenda item: a time slot with a title and speakers, possibly split in groups.

    ``start_time``/``end_time`` are wall-clock times in ``settings.TIME_ZONE`` on day
    ``day`` of the meeting (1 = the day it starts). Parallel breakout groups of the slot
    are :class:`BreakoutGroup` rows.
    """

    class Kind(models.TextChoices):
        SESSION = "session", _("session")
        RECEPTION = "reception", _("reception")
        BREAK = "break", _("break")
        BREAKOUT = "breakout", _("parallel groups")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    day = models.PositiveSmallIntegerField(_("day"), default=1)
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SESSION)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    speakers = models.TextField(_("speakers"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "day", "start_time", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gte=F("start_time")),
                name="meetings_agendaitem_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The end time may not precede the start time."""
        if self.start_time and self.end_time and self.end_time < self.start_time:
            raise ValidationError({"end_time": _("The end cannot be before the start.")})

    @property
    def collectivity_id(self) -> int | None:
        """The organising collectivity's primary key (for the permission rules)."""
        return self.meeting.collectivity_id


class BreakoutGroup(models.Model):
    """A parallel group within an agenda item, with facilitator, rapporteur and output."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="groups",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    topic = models.TextField(_("topic"), blank=True)
    room = models.CharField(_("room"), max_length=120, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    rapporteur = models.CharField(_("rapporteur"), max_length=200, blank=True)
    output = models.TextField(_("output"), blank=True)

    class Meta:
        verbose_name = _("breakout group")
        verbose_name_plural = _("breakout groups")
        ordering = ["agenda_item", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def collectivity_id(self) -> int | None:
        """The organising collectivity's primary key (for the permission rules)."""
        return self.agenda_item.meeting.collectivity_id


class Registration(TimeStampedModel):
    """A person's registration for a meeting: confirmed, on the waiting list or cancelled.

    At most one active (confirmed or waiting) registration per person and meeting
    (a database constraint). The waiting list is ordered by ``created_at`` then ``pk``.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    promoted_at = models.DateTimeField(_("moved from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["meeting", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=~Q(status="cancelled"),
                name="meetings_registration_one_active_per_person",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.meeting_id} ({self.status})"

    @property
    def collectivity_id(self) -> int | None:
        """The organising collectivity's primary key (for the permission rules)."""
        return self.meeting.collectivity_id


class Attendance(TimeStampedModel):
    """One person who came to a meeting (registered or walk-in), recorded by staff.

    Personal fields (``name``, ``user``) are seen only by the organisers; every public
    figure is an aggregate of ``category``, ``gender`` and ``age_band``.
    """

    class Category(models.TextChoices):
        CITIZEN = "citizen", _("citizen")
        ASSOCIATION = "association", _("association")
        CONSULTATIVE_BODY = "consultative_body", _("consultative body")
        ELECTED = "elected", _("elected member")
        STAFF = "staff", _("staff")
        OTHER = "other", _("other")

    class Gender(models.TextChoices):
        FEMALE = "female", _("woman")
        MALE = "male", _("man")
        NOT_STATED = "not_stated", _("not stated")

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("under 18")
        FROM_18_TO_24 = "18_24", _("18 to 24")
        FROM_25_TO_34 = "25_34", _("25 to 34")
        FROM_35_TO_49 = "35_49", _("35 to 49")
        FROM_50_TO_64 = "50_64", _("50 to 64")
        FROM_65 = "65_plus", _("65 and over")
        NOT_STATED = "not_stated", _("not stated")

    #: Age bands counted as youth (HCP counts youth as 15–34 years old).
    YOUTH_BANDS = frozenset({AgeBand.UNDER_18, AgeBand.FROM_18_TO_24, AgeBand.FROM_25_TO_34})

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    registration = models.OneToOneField(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendance",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_attendances",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    age_band = models.CharField(
        _("age band"), max_length=12, choices=AgeBand.choices, default=AgeBand.NOT_STATED
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation_name = models.CharField(
        _("organisation (if not registered)"), max_length=250, blank=True
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "pk"]
        indexes = [models.Index(fields=["meeting", "category"])]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def collectivity_id(self) -> int | None:
        """The organising collectivity's primary key (for the permission rules)."""
        return self.meeting.collectivity_id


class MeetingDocument(TimeStampedModel):
    """A document of a meeting's outputs: presentation, minutes, photos, or a link."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("minutes")
        PRESENTATION = "presentation", _("presentation")
        PHOTO = "photo", _("photo")
        REPORT = "report", _("report")
        OTHER = "other", _("other")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="meetings/%Y/", blank=True)
    url = models.URLField(_("link"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """A document is a file or a link."""
        if not self.file and not self.url:
            raise ValidationError(_("Attach a file or give a link."))

    @property
    def collectivity_id(self) -> int | None:
        """The organising collectivity's primary key (for the permission rules)."""
        return self.meeting.collectivity_id
