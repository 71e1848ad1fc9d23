"""Writes of the publications app: generate, edit, publish and unpublish documents.

A document (press release, invitation or agenda, in Arabic or French) is generated
from the meeting's data by :func:`publication_draft_text`, a function that writes
nothing (the real-data loader and the tests call it directly): it gathers the
meeting's facts in the document's language (:func:`infitah.publications.selectors.
meeting_facts`) and renders the text template
``publications/text/<kind>_<language>.txt`` with that language active. The first line
of the rendered text is the title, the rest the body (plain text: paragraphs separated
by blank lines, list lines starting with ``- ``).

Staff then edit the text (:func:`publication_update`) and publish it
(:func:`publication_publish`). Regenerating overwrites a draft, but a published text
only when asked to (``force``): what the public has read is never replaced by
accident. Every change is kept by django-simple-history.

Permissions: ``publications.change_publication`` on the meeting (its collectivity's
administrators and editors, and network coordinators; a network meeting's documents are
the coordinators' alone), checked here again whatever the caller checked. ``actor=None``
is a trusted system job (the data loader) and is not checked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from infitah.core.text import strip_bidi_controls
from infitah.meetings.models import Meeting
from infitah.publications import selectors, wording
from infitah.publications.models import Publication
from infitah.publications.selectors import MeetingFacts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from infitah.accounts.models import User

__all__ = [
    "PublicationText",
    "publication_draft_text",
    "publication_generate",
    "publication_generate_all",
    "publication_publish",
    "publication_render_text",
    "publication_unpublish",
    "publication_update",
]

#: Longest title kept (the column's length).
TITLE_MAX_LENGTH = Publication._meta.get_field("title").max_length or 300
#: Longest body accepted from staff, in characters (a press release is ~3,000).
BODY_MAX_LENGTH = 50_000


@dataclass(frozen=True)
class PublicationText:
    """A generated document: its title and plain-text body, in one language.

    ``missing`` names the meeting's fields that had no text in the document's language
    (the other language's text was used): staff should complete them and regenerate.
    """

    kind: str
    language: str
    title: str
    body: str
    missing: tuple[StrOrPromise, ...] = ()


def _check_kind_language(kind: str, language: str) -> None:
    errors = {}
    if kind not in Publication.Kind.values:
        errors["kind"] = _("Unknown kind of document: %(kind)s.") % {"kind": kind}
    if language not in Publication.Language.values:
        errors["language"] = _("Unknown language: %(language)s.") % {"language": language}
    if errors:
        raise ValidationError(errors)


def publication_render_text(*, facts: MeetingFacts, kind: str) -> PublicationText:
    """Render the text template of ``kind`` with a meeting's ``facts`` (pure).

    Args:
        facts: from :func:`infitah.publications.selectors.meeting_facts`, in the
            document's language.
        kind: a :class:`Publication.Kind` value.

    Returns:
        A :class:`PublicationText`: the template's first line is the title (cut to
        the column's length), the rest the tidied body.

    Raises:
        ValidationError: unknown kind.
    """
    _check_kind_language(kind, facts.language)
    with translation.override(facts.language):
        rendered = render_to_string(
            f"publications/text/{kind}_{facts.language}.txt", {"f": facts, "kind": kind}
        )
    text = wording.tidy_text(rendered)
    title, _newline, body = text.partition("\n")
    return PublicationText(
        kind=kind,
        language=facts.language,
        title=title.strip()[:TITLE_MAX_LENGTH],
        body=wording.tidy_text(body),
        missing=tuple(facts.missing),
    )


def publication_draft_text(
    *, meeting: Meeting, kind: str, language: str, now: datetime.datetime | None = None
) -> PublicationText:
    """Return the generated text of one document of ``meeting``, writing nothing.

    Args:
        meeting: any meeting (published or not).
        kind: ``press_release``, ``invitation`` or ``agenda``.
        language: ``ar`` or ``fr``.
        now: the moment "past" and "upcoming" are judged against (default: now).

    Returns:
        A :class:`PublicationText`. About a dozen queries, whatever the agenda's size.

    Raises:
        ValidationError: unknown kind or language.
    """
    _check_kind_language(kind, language)
    facts = selectors.meeting_facts(meeting, language, now=now)  # type: ignore[arg-type]
    return publication_render_text(facts=facts, kind=kind)


def _check_perm(actor: User | None, obj: Any) -> None:
    if actor is not None and not actor.has_perm(selectors.CHANGE_PERM, obj):
        raise PermissionDenied(_("You may not change the documents of this meeting."))


@transaction.atomic
def publication_generate(
    *,
    meeting: Meeting,
    kind: str,
    language: str,
    actor: User | None,
    force: bool = False,
    now: datetime.datetime | None = None,
) -> Publication:
    """Create or regenerate one document of ``meeting`` from its data.

    A missing document is created as a draft; a draft is overwritten; a published
    document is overwritten only with ``force`` (it then stays published, with the new
    text: the previous one is in its history).

    Args:
        meeting: the meeting.
        kind: ``press_release``, ``invitation`` or ``agenda``.
        language: ``ar`` or ``fr``.
        actor: the staff member (``None`` for a trusted system job).
        force: overwrite a published text too.
        now: see :func:`publication_draft_text`.

    Returns:
        The saved :class:`Publication`.

    Raises:
        PermissionDenied: ``actor`` lacks ``publications.change_publication`` here.
        ValidationError: unknown kind or language; the document is published and
            ``force`` is false.
    """
    _check_perm(actor, meeting)
    _check_kind_language(kind, language)
    publication = (
        Publication.objects.select_for_update()
        .filter(meeting=meeting, kind=kind, language=language)
        .first()
    )
    if publication is not None and publication.is_published and not force:
        raise ValidationError(
            _(
                "This document is published: regenerating it would replace the text the "
                "public reads. Tick “overwrite the published text” to do it anyway."
            ),
            code="published",
        )
    text = publication_draft_text(meeting=meeting, kind=kind, language=language, now=now)
    if publication is None:
        publication = Publication(meeting=meeting, kind=kind, language=language)
    publication.title = text.title
    publication.body = text.body
    publication.edited_by = actor
    publication.full_clean()
    try:
        with transaction.atomic():
            publication.save()
    except IntegrityError as error:
        # Two people generated the same new document at the same moment.
        raise ValidationError(
            _("This document was just generated by someone else: reload the page."),
            code="conflict",
        ) from error
    return publication


def publication_generate_all(
    *, meeting: Meeting, actor: User | None, now: datetime.datetime | None = None
) -> list[Publication]:
    """Generate the meeting's missing documents and regenerate its drafts (never published ones).

    Returns:
        The publications created or regenerated, press release first, Arabic first.

    Raises:
        PermissionDenied: as :func:`publication_generate`.
    """
    _check_perm(actor, meeting)
    done = []
    with transaction.atomic():
        published = set(
            Publication.objects.filter(meeting=meeting, published_at__isnull=False).values_list(
                "kind", "language"
            )
        )
        for kind in Publication.Kind.values:
            for language in Publication.Language.values:
                if (kind, language) in published:
                    continue
                done.append(
                    publication_generate(
                        meeting=meeting, kind=kind, language=language, actor=actor, now=now
                    )
                )
    return done


def _clean_text(value: str) -> str:
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


@transaction.atomic
def publication_update(
    *, publication: Publication, actor: User | None, title: str, body: str
) -> Publication:
    """Save staff's edited title and body (published or not).

    The title loses bidi control characters and surrounding spaces; the body keeps its
    lines (plain text, never HTML).

    Raises:
        PermissionDenied: ``actor`` lacks the permission for this meeting.
        ValidationError: empty title or body, or a body longer than
            :data:`BODY_MAX_LENGTH` characters.
    """
    _check_perm(actor, publication)
    title = " ".join(strip_bidi_controls(_clean_text(title)).split())
    body = _clean_text(body).strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the document a title.")
    if not body:
        errors["body"] = _("The text cannot be empty.")
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = _("The text is too long (%(length)s characters; at most %(max)s).") % {
            "length": len(body),
            "max": BODY_MAX_LENGTH,
        }
    if errors:
        raise ValidationError(errors)
    publication.title = title
    publication.body = body
    publication.edited_by = actor
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def publication_publish(
    *, publication: Publication, actor: User | None, now: datetime.datetime | None = None
) -> Publication:
    """Publish a document (its date is kept when it is already published).

    The public sees it once its meeting (and the meeting's plan) is published too.

    Raises:
        PermissionDenied: ``actor`` lacks the permission for this meeting.
        ValidationError: the title or the text is empty.
    """
    _check_perm(actor, publication)
    if not publication.title.strip() or not publication.body.strip():
        raise ValidationError(_("Write the title and the text before publishing."))
    if publication.published_at is None:
        publication.published_at = now or timezone.now()
        publication.save(update_fields=["published_at", "updated_at"])
    return publication


@transaction.atomic
def publication_unpublish(*, publication: Publication, actor: User | None) -> Publication:
    """Withdraw a document from the public (it becomes a draft again).

    Raises:
        PermissionDenied: ``actor`` lacks the permission for this meeting.
    """
    _check_perm(actor, publication)
    if publication.published_at is not None:
        publication.published_at = None
        publication.save(update_fields=["published_at", "updated_at"])
    return publication
