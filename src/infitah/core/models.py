"""Shared base models and the public-content version used for cache invalidation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: ``created_at`` and ``updated_at`` (aware datetimes, UTC)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class ContentVersion(models.Model):
    """A counter bumped whenever public content changes (one row, ``pk=1``).

    Cached anonymous pages are keyed by this number, so a change in any process or on
    any host is seen by every process at once: one indexed read per request instead of
    the page's queries. See :mod:`infitah.core.cache`.
    """

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self) -> str:
        return str(self.value)
