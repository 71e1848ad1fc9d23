"""Generated publications of a meeting: press release, invitation and agenda.

Staff generate a draft from the meeting's data in Arabic or French
(:mod:`infitah.publications.services`), edit its text and publish it; the public reads
it as a web page and as a PDF rendered by WeasyPrint from the same template.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from infitah.core.models import TimeStampedModel


class Publication(TimeStampedModel):
    """One generated document of a meeting in one language (edited, then published).

    ``body`` is plain text: paragraphs separated by blank lines (rendered as ``<p>``,
    never as HTML). At most one per meeting, kind and language.
    """

    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("press release")
        INVITATION = "invitation", _("invitation")
        AGENDA = "agenda", _("agenda")

    class Language(models.TextChoices):
        ARABIC = "ar", "العربية"
        FRENCH = "fr", "Français"

    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="publications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["meeting", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "language"], name="publications_publication_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "publications:detail",
            kwargs={"slug": self.meeting.slug, "kind": self.kind, "language": self.language},
        )

    @property
    def is_published(self) -> bool:
        """True once published."""
        return self.published_at is not None

    @property
    def collectivity_id(self) -> int | None:
        """The organising collectivity's primary key (for the permission rules)."""
        return self.meeting.collectivity_id
