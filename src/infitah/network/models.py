"""The network of open collectivities: identity, principles, partners, charter, members.

Translated text columns (``*_ar``, ``*_fr``, ``*_en``) are registered in
``translation.py``; history (django-simple-history) is registered there too.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel


class Network(TimeStampedModel):
    """A network of open territorial collectivities (one per deployment, usually).

    The founding composition is what the network was created with, as published
    (counts of units by kind), independent of today's member list.
    """

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    country_code = models.CharField(
        _("country code"), max_length=2, default="MA", help_text=_("ISO 3166-1 alpha-2.")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    founding_regions = models.PositiveSmallIntegerField(_("founding regions"), default=0)
    founding_provincial_councils = models.PositiveSmallIntegerField(
        _("founding provincial and prefectural councils"), default=0
    )
    founding_communes = models.PositiveSmallIntegerField(_("founding communes"), default=0)
    is_member_list_complete = models.BooleanField(
        _("member list complete"),
        default=False,
        help_text=_("Unticked while coordinators are still entering the members."),
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:detail")

    @property
    def founding_total(self) -> int:
        """Number of founding collectivities (regions + councils + communes)."""
        return self.founding_regions + self.founding_provincial_councils + self.founding_communes


class Principle(models.Model):
    """One of the network's openness principles (e.g. transparency), ordered."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="principles"
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        ordering = ["network", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "code"], name="network_principle_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An organisation that supports the network (ministry, association, NGO)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government body")
        ASSOCIATION_OF_COLLECTIVITIES = (
            "association_of_collectivities",
            _("association of collectivities"),
        )
        CIVIL_SOCIETY = "civil_society", _("civil-society organisation")
        INTERNATIONAL = "international", _("international organisation")
        OTHER = "other", _("other")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="partners"
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    role = models.TextField(_("role in the network"), blank=True)
    website = models.URLField(_("website"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["network", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="network_partner_unique_code"),
        ]

    def __str__(self) -> str:
        return self.acronym or self.name


class CharterVersionQuerySet(models.QuerySet["CharterVersion"]):
    def in_force(self, on: datetime.date | None = None) -> CharterVersionQuerySet:
        """Versions that have taken effect on ``on`` (default: today), newest first."""
        day = on or timezone.localdate()
        return self.filter(effective_on__lte=day).order_by("-effective_on", "-pk")


class CharterVersion(TimeStampedModel):
    """A version of the network's charter, in force from ``effective_on``.

    The version in force on a day is the latest whose ``effective_on`` is on or before
    that day; earlier versions stay public for the record.
    """

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="charters"
    )
    version = models.CharField(_("version"), max_length=20)
    effective_on = models.DateField(_("in force from"))
    adopted_by = models.CharField(_("adopted by"), max_length=250, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    change_note = models.TextField(_("what changed"), blank=True)

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["network", "-effective_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "version"], name="network_charterversion_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("network:charter-version", kwargs={"version": self.version})


class CharterSection(models.Model):
    """One section of a charter version (preamble, purpose, goals, ...), ordered."""

    class Kind(models.TextChoices):
        PREAMBLE = "preamble", _("preamble")
        PURPOSE = "purpose", _("purpose")
        OPEN_COLLECTIVITY = "open_collectivity", _("the open collectivity")
        GOALS = "goals", _("goals")
        VALUES = "values", _("values")
        COMMITMENTS = "commitments", _("members' commitments")
        OTHER = "other", _("other")

    charter = models.ForeignKey(
        CharterVersion,
        verbose_name=_("charter version"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("charter section")
        verbose_name_plural = _("charter sections")
        ordering = ["charter", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.ACTIVE)

    def public(self) -> MembershipQuerySet:
        """Memberships shown in the public directory (active and suspended)."""
        return self.filter(status__in=[Membership.Status.ACTIVE, Membership.Status.SUSPENDED])


class Membership(TimeStampedModel):
    """A collectivity's membership of a network.

    ``joined_on`` stays empty when the date is not documented (never guessed).
    ``cohort`` names the intake (``founding`` for founding members, or a year).
    The focal point's contact details are public by design (they are the
    collectivity's official contact for openness matters).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    collectivity = models.ForeignKey(
        "territories.Collectivity",
        verbose_name=_("collectivity"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    joined_on = models.DateField(
        _("joined on"), null=True, blank=True, help_text=_("Leave empty when not documented.")
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    cohort = models.CharField(
        _("cohort"), max_length=40, blank=True, help_text=_("'founding' or the year of intake.")
    )
    is_founding_member = models.BooleanField(_("founding member"), default=False)
    focal_point_name = models.CharField(_("focal point"), max_length=200, blank=True)
    focal_point_title = models.CharField(_("focal point's position"), max_length=200, blank=True)
    focal_point_email = models.EmailField(_("focal point's public e-mail"), blank=True)
    focal_point_phone = models.CharField(
        _("focal point's public telephone"), max_length=40, blank=True
    )
    focal_point_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("focal point's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where this membership is documented.")
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["network", "collectivity__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "collectivity"], name="network_membership_unique_collectivity"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="network_membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collectivity} ∈ {self.network}"
