"""Territorial collectivities: regions, provinces/prefectures and communes.

Loaded from the official list (HCP, RGPH 2024) by ``manage.py load_territories``.
Names are translated columns (``name_ar``, ``name_fr``, ``name_en``) registered in
``translation.py``; ``search_text`` holds the names folded by
:func:`infitah.core.text.normalize_for_search` and is what search matches.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel
from infitah.core.text import normalize_for_search


class CollectivityQuerySet(models.QuerySet["Collectivity"]):
    """Chainable reads of collectivities."""

    def regions(self) -> CollectivityQuerySet:
        return self.filter(kind=Collectivity.Kind.REGION)

    def provinces(self) -> CollectivityQuerySet:
        """Provinces and prefectures (the second level)."""
        return self.filter(kind__in=Collectivity.SECOND_LEVEL_KINDS)

    def communes(self) -> CollectivityQuerySet:
        return self.filter(kind=Collectivity.Kind.COMMUNE)

    def in_region(self, region: Collectivity) -> CollectivityQuerySet:
        return self.filter(region=region)

    def search(self, query: str) -> CollectivityQuerySet:
        """Filter to collectivities whose names contain every word of ``query``.

        ``query`` is folded with :func:`normalize_for_search` (the same function used
        to build ``search_text``), so Arabic spelling variants and French accents
        match. An empty query returns the queryset unchanged.
        """
        tokens = normalize_for_search(query).split()
        condition = Q()
        for token in tokens:
            condition &= Q(search_text__contains=token)
        return self.filter(condition) if tokens else self


class Collectivity(TimeStampedModel):
    """A territorial unit with its official code (``RR.PPP.CC.NN`` for communes).

    ``region`` points at the unit's region (at itself for a region) so that a region
    filter is one indexed comparison. ``population_2024`` is the legal population of
    the 2024 census (people).
    """

    class Kind(models.TextChoices):
        # Translators: kinds of territorial unit (choice labels, in lower case; shown
        # capitalised where they start a cell). "commune" is the Moroccan commune (جماعة).
        REGION = "region", _("region")
        PREFECTURE = "prefecture", _("prefecture")
        PROVINCE = "province", _("province")
        COMMUNE = "commune", _("commune")

    class AreaType(models.TextChoices):
        # Translators: whether a commune is urban or rural (choice labels, in lower case).
        URBAN = "urban", _("urban")
        RURAL = "rural", _("rural")

    SECOND_LEVEL_KINDS = (Kind.PREFECTURE, Kind.PROVINCE)

    code = models.CharField(
        _("official code"),
        max_length=20,
        unique=True,
        help_text=_("HCP code: RR (region), RR.PPP (province), RR.PPP.CC.NN (commune)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    name_zgh = models.CharField(
        _("name in Tamazight"), max_length=200, blank=True, help_text=_("Where known.")
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.ForeignKey(
        "self",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    area_type = models.CharField(
        _("urban or rural"),
        max_length=10,
        choices=AreaType.choices,
        blank=True,
        help_text=_("Communes only; corrected by the documented override list."),
    )
    cercle_code = models.CharField(_("cercle code"), max_length=20, blank=True)
    population_2024 = models.PositiveIntegerField(
        _("population (2024)"), null=True, blank=True, help_text=_("Legal population, people.")
    )
    households_2024 = models.PositiveIntegerField(_("households (2024)"), null=True, blank=True)
    population_2014 = models.PositiveIntegerField(_("population (2014)"), null=True, blank=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = CollectivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("collectivity")
        verbose_name_plural = _("collectivities")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "code"], name="territories_kind_code_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="commune") | Q(area_type=""),
                name="territories_collectivity_area_type_communes_only",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    def get_absolute_url(self) -> str:
        return reverse("territories:collectivity-detail", kwargs={"slug": self.slug})

    @property
    def is_region(self) -> bool:
        return self.kind == self.Kind.REGION

    def build_search_text(self) -> str:
        """Return the folded names (all languages, official code) used by search."""
        parts = [
            getattr(self, "name_ar", "") or "",
            getattr(self, "name_fr", "") or "",
            getattr(self, "name_en", "") or "",
            self.name_zgh,
            self.code,
        ]
        return normalize_for_search(" ".join(p for p in parts if p))


class AreaTypeOverride(models.Model):
    """An explicit correction of the census file's urban/rural column for one commune.

    The source file marks every commune without a cercle as urban; HCP's own
    indicators (RGPH 2024, area breakdown) show 21 of them are rural. The loader
    applies these rows after reading the file; the default list is in
    ``territories/data/area_type_overrides.csv`` (see docs/data.md).
    """

    code = models.CharField(_("official code"), max_length=20, unique=True)
    area_type = models.CharField(
        _("urban or rural"), max_length=10, choices=Collectivity.AreaType.choices
    )
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("urban/rural override")
        verbose_name_plural = _("urban/rural overrides")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.area_type}"
