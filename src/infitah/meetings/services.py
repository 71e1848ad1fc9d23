"""Writes of the meetings app: every change to a meeting and what hangs off it.

Each function is keyword-only, runs in one transaction, validates with ``full_clean()``
and checks the acting user's permission (defence in depth: views and the API check it
too). E-mails go through :mod:`infitah.meetings.tasks`, enqueued with
``transaction.on_commit``.

Registration (:func:`registration_create`, :func:`registration_cancel`) locks the
meeting row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write
transaction is ``BEGIN IMMEDIATE``, which serialises writers the same way), then
counts confirmed registrations, so that confirmed registrations never exceed
``Meeting.capacity`` however many requests arrive at once, and the waiting list is
promoted in order (``created_at``, then ``pk``).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from infitah.accounts.models import Organisation, User
from infitah.core.text import normalize_for_search, strip_bidi_controls
from infitah.meetings import tasks
from infitah.meetings.models import (
    AgendaItem,
    Attendance,
    BreakoutGroup,
    Meeting,
    MeetingDocument,
    Registration,
)
from infitah.network.models import Network
from infitah.territories.models import Collectivity

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "MAX_DOCUMENT_BYTES",
    "MEETING_FIELDS",
    "RESERVED_SLUGS",
    "agenda_item_create",
    "agenda_item_delete",
    "agenda_item_move",
    "agenda_item_update",
    "agenda_items_reorder",
    "attendance_delete",
    "attendance_record",
    "attendance_update",
    "attendances_anonymise_for_user",
    "breakout_group_create",
    "breakout_group_delete",
    "breakout_group_move",
    "breakout_group_update",
    "breakout_groups_reorder",
    "meeting_build_search_text",
    "meeting_cancel",
    "meeting_create",
    "meeting_document_add",
    "meeting_document_remove",
    "meeting_minutes_publish",
    "meeting_minutes_unpublish",
    "meeting_minutes_update",
    "meeting_publish",
    "meeting_unpublish",
    "meeting_update",
    "registration_cancel",
    "registration_create",
]

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _localized(field: str) -> tuple[str, ...]:
    return tuple(build_localized_fieldname(field, lang) for lang in LANGUAGES)


#: Fields of a meeting that :func:`meeting_create` and :func:`meeting_update` accept.
#: Translated fields are given per language (``title_ar``, ``title_fr``, ``title_en``).
MEETING_FIELDS: tuple[str, ...] = (
    "kind",
    "plan",
    "format",
    *_localized("title"),
    *_localized("description"),
    *_localized("venue_name"),
    *_localized("address"),
    *_localized("city"),
    "online_url",
    "starts_at",
    "ends_at",
    "registration_enabled",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "waiting_list_enabled",
)
AGENDA_ITEM_FIELDS: tuple[str, ...] = (
    "day",
    "start_time",
    "end_time",
    "kind",
    *_localized("title"),
    *_localized("description"),
    *_localized("speakers"),
)
BREAKOUT_GROUP_FIELDS: tuple[str, ...] = (
    *_localized("name"),
    *_localized("topic"),
    "room",
    "facilitator",
    "rapporteur",
    *_localized("output"),
)
ATTENDANCE_FIELDS: tuple[str, ...] = (
    "name",
    "category",
    "gender",
    "age_band",
    "organisation",
    "organisation_name",
)

#: Slugs that would shadow the app's own addresses (``/meetings/new/``...).
RESERVED_SLUGS = frozenset({"new", "calendar", "my-registrations", "manage", "feed"})

#: Largest document accepted (bytes).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
#: Extensions accepted for documents, with the media type they are served with.
DOCUMENT_EXTENSIONS: dict[str, str] = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


# --- Helpers -------------------------------------------------------------------------


def _require(actor: Any, perm: str, obj: Any) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` has ``perm`` on ``obj``."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this for this meeting."))


def _clean_text(value: Any) -> Any:
    """Trim text and drop bidi controls (they could reorder the page around it)."""
    if isinstance(value, str):
        return strip_bidi_controls(value).strip()
    return value


def _assign(obj: Any, data: Mapping[str, Any], allowed: Sequence[str]) -> list[str]:
    """Set the ``allowed`` keys of ``data`` on ``obj``; return the names set.

    Raises:
        ValueError: ``data`` holds a key outside ``allowed`` (a programming error).
    """
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if value is None and not field.is_relation and field.empty_strings_allowed:
            value = ""  # an empty optional text from a form or the API
        setattr(obj, name, _clean_text(value))
    return list(data)


def _localdate(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def _unique_slug(meeting: Meeting) -> str:
    """A new meeting's address: its local start date and title, made unique."""
    title = meeting.title_fr or meeting.title_en or ""  # type: ignore[attr-defined]
    base = slugify(title)[:80].strip("-") or slugify(meeting.kind.replace("_", "-"))
    if meeting.starts_at:
        base = f"{_localdate(meeting.starts_at):%Y-%m-%d}-{base}"
    base = base[:110].strip("-")
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Meeting.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def meeting_build_search_text(meeting: Meeting) -> str:
    """Return the folded text a meeting is found by (``Meeting.search_text``).

    Title, venue and city in every language, the organiser's and the participating
    collectivities' names, folded by :func:`infitah.core.text.normalize_for_search`.
    Costs one query for the participating collectivities (none for a new meeting).
    """
    parts: list[str] = []
    for field in ("title", "venue_name", "city"):
        parts += [getattr(meeting, name, "") or "" for name in _localized(field)]
    names = ("name_ar", "name_fr", "name_en")
    if meeting.collectivity_id:
        parts += [getattr(meeting.collectivity, n, "") or "" for n in names]
    if meeting.pk:
        for row in meeting.participating_collectivities.values_list(*names):
            parts += [value or "" for value in row]
    words: list[str] = []
    for token in normalize_for_search(" ".join(parts)).split():
        if token not in words:
            words.append(token)
    return " ".join(words)


def _save_search_text(meeting: Meeting) -> None:
    text = meeting_build_search_text(meeting)
    if text != meeting.search_text:
        meeting.search_text = text
        Meeting.objects.filter(pk=meeting.pk).update(search_text=text)


def _lock(meeting: Meeting) -> Meeting:
    """Lock ``meeting``'s row until the transaction ends and return it fresh."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


# --- Meetings --------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    network: Network,
    collectivity: Collectivity | None,
    data: Mapping[str, Any],
    slug: str = "",
    participating_collectivities: Iterable[Collectivity] = (),
    participating_organisations: Iterable[Organisation] = (),
) -> Meeting:
    """Create an unpublished meeting organised by ``collectivity`` (``None``: the network).

    Args:
        actor: needs ``meetings.add_meeting`` for the organiser (admin or editor of the
            collectivity; coordinators; network meetings: coordinators only).
        network: the network the meeting belongs to.
        collectivity: the organiser, or ``None`` for a network meeting.
        data: values of :data:`MEETING_FIELDS` (aware datetimes; ``plan`` an
            ``ActionPlan`` of the organiser or ``None``).
        slug: the public reference; empty: made from the local start date and title.
        participating_collectivities, participating_organisations: who takes part.

    Returns:
        The saved meeting (``is_published=False``).

    Raises:
        PermissionDenied: the actor may not organise meetings for ``collectivity``.
        ValidationError: a field is invalid (see ``Meeting.clean``), or the slug is
            taken or reserved.
    """
    meeting = Meeting(network=network, collectivity=collectivity, is_published=False)
    _require(actor, "meetings.add_meeting", meeting)
    _assign(meeting, data, MEETING_FIELDS)
    slug = _clean_text(slug)
    if slug and slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This reference is reserved; choose another.")})
    meeting.slug = slug or _unique_slug(meeting)
    meeting.full_clean()
    meeting.save()
    meeting.participating_collectivities.set(list(participating_collectivities))
    meeting.participating_organisations.set(list(participating_organisations))
    _save_search_text(meeting)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    data: Mapping[str, Any],
    participating_collectivities: Iterable[Collectivity] | None = None,
    participating_organisations: Iterable[Organisation] | None = None,
) -> Meeting:
    """Change a meeting's fields (:data:`MEETING_FIELDS`) and who takes part.

    The organiser cannot be changed here. When the capacity grows (or becomes
    unlimited) the waiting list is promoted in order and the promoted people are
    e-mailed.

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_meeting`` on it.
        ValidationError: a field is invalid.
    """
    _require(actor, "meetings.change_meeting", meeting)
    meeting = _lock(meeting)
    _assign(meeting, data, MEETING_FIELDS)
    meeting.full_clean()
    meeting.save()
    if participating_collectivities is not None:
        meeting.participating_collectivities.set(list(participating_collectivities))
    if participating_organisations is not None:
        meeting.participating_organisations.set(list(participating_organisations))
    _save_search_text(meeting)
    _promote_waiting(meeting)
    return meeting


@transaction.atomic
def meeting_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Publish a meeting (it appears on the public pages, the API and the calendars).

    Raises:
        PermissionDenied: the actor lacks ``meetings.publish_meeting``.
        ValidationError: the meeting is invalid (``full_clean``).
    """
    _require(actor, "meetings.publish_meeting", meeting)
    meeting = _lock(meeting)
    if not meeting.is_published:
        meeting.is_published = True
        meeting.full_clean()
        meeting.save()
    return meeting


@transaction.atomic
def meeting_unpublish(*, actor: User, meeting: Meeting) -> Meeting:
    """Withdraw a meeting from the public pages (registrations are kept).

    Raises:
        PermissionDenied: the actor lacks ``meetings.publish_meeting``.
    """
    _require(actor, "meetings.publish_meeting", meeting)
    meeting = _lock(meeting)
    if meeting.is_published:
        meeting.is_published = False
        meeting.save()
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting, saying why; e-mail everyone registered (confirmed or waiting).

    The meeting stays published (marked cancelled, ``STATUS:CANCELLED`` in the
    calendars) so that people who planned to come see it. The reason is stored in the
    active language's column.

    Raises:
        PermissionDenied: the actor lacks ``meetings.cancel_meeting``.
        ValidationError: no reason given, or the meeting is already cancelled.
    """
    _require(actor, "meetings.cancel_meeting", meeting)
    reason = _clean_text(reason or "")
    if not reason:
        raise ValidationError({"cancellation_reason": _("Say why the meeting is cancelled.")})
    meeting = _lock(meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is already cancelled."), code="cancelled")
    meeting.is_cancelled = True
    meeting.cancellation_reason = reason
    meeting.full_clean()
    meeting.save()
    meeting_id = meeting.pk
    transaction.on_commit(lambda: tasks.send_meeting_cancelled_emails.enqueue(meeting_id))
    return meeting


# --- Minutes and documents -------------------------------------------------------------


@transaction.atomic
def meeting_minutes_update(*, actor: User, meeting: Meeting, minutes: Mapping[str, str]) -> Meeting:
    """Save the minutes' text, per language (``{"minutes_ar": ..., "minutes_fr": ...}``).

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_meeting``.
    """
    _require(actor, "meetings.change_meeting", meeting)
    meeting = _lock(meeting)
    _assign(meeting, minutes, _localized("minutes"))
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_minutes_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Publish the minutes (shown on the meeting's public page from now on).

    Raises:
        PermissionDenied: the actor lacks ``meetings.publish_minutes``.
        ValidationError: the minutes are empty in every language.
    """
    _require(actor, "meetings.publish_minutes", meeting)
    meeting = _lock(meeting)
    if not any(getattr(meeting, name) for name in _localized("minutes")):
        raise ValidationError(_("Write the minutes before publishing them."), code="empty")
    if meeting.minutes_published_at is None:
        meeting.minutes_published_at = timezone.now()
        meeting.save()
    return meeting


@transaction.atomic
def meeting_minutes_unpublish(*, actor: User, meeting: Meeting) -> Meeting:
    """Withdraw the minutes from the public page.

    Raises:
        PermissionDenied: the actor lacks ``meetings.publish_minutes``.
    """
    _require(actor, "meetings.publish_minutes", meeting)
    meeting = _lock(meeting)
    if meeting.minutes_published_at is not None:
        meeting.minutes_published_at = None
        meeting.save()
    return meeting


def _check_upload(upload: UploadedFile) -> None:
    """Refuse documents that are too large or of a kind we do not serve."""
    name = upload.name or ""
    extension = os.path.splitext(name)[1].lower()
    if extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of this kind are not accepted. Accepted: %(kinds)s.")
                % {"kinds": ", ".join(sorted(DOCUMENT_EXTENSIONS))}
            }
        )
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large; at most %(max)d MB is accepted.")
                % {"max": MAX_DOCUMENT_BYTES // 1024 // 1024}
            }
        )


@transaction.atomic
def meeting_document_add(
    *,
    actor: User,
    meeting: Meeting,
    kind: str,
    titles: Mapping[str, str],
    file: UploadedFile | None = None,
    url: str = "",
    is_public: bool = True,
) -> MeetingDocument:
    """Attach a document (a file or a link) to a meeting's outputs.

    Args:
        titles: ``{"title_ar": ..., "title_fr": ..., "title_en": ...}`` (one at least).
        file: an upload (at most :data:`MAX_DOCUMENT_BYTES`, an extension of
            :data:`DOCUMENT_EXTENSIONS`), or ``None`` with ``url``.
        is_public: shown and downloadable by everyone; otherwise by the organisers only.

    Raises:
        PermissionDenied: the actor lacks ``meetings.add_meetingdocument``.
        ValidationError: no title, neither file nor link, or an unacceptable file.
    """
    document = MeetingDocument(
        meeting=meeting, kind=kind, url=_clean_text(url), is_public=is_public
    )
    _require(actor, "meetings.add_meetingdocument", document)
    _assign(document, titles, _localized("title"))
    if file is not None:
        _check_upload(file)
        document.file = file
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def meeting_document_remove(*, actor: User, document: MeetingDocument) -> None:
    """Delete a document and, once the transaction commits, its file.

    Raises:
        PermissionDenied: the actor lacks ``meetings.delete_meetingdocument``.
    """
    _require(actor, "meetings.delete_meetingdocument", document)
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Agenda ------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_create(*, actor: User, meeting: Meeting, data: Mapping[str, Any]) -> AgendaItem:
    """Add an agenda item (wall-clock times of ``settings.TIME_ZONE``) at the end of its slot.

    Raises:
        PermissionDenied: the actor lacks ``meetings.add_agendaitem``.
        ValidationError: the end is before the start, or the day is past the meeting's.
    """
    item = AgendaItem(meeting=meeting)
    _require(actor, "meetings.add_agendaitem", item)
    _assign(item, data, AGENDA_ITEM_FIELDS)
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"]
    item.order = 0 if last is None else last + 1
    _check_agenda_day(item)
    item.full_clean()
    item.save()
    return item


def _check_agenda_day(item: AgendaItem) -> None:
    """Day ``n`` must fall within the meeting's local dates."""
    meeting = item.meeting
    days = (_localdate(meeting.ends_at) - _localdate(meeting.starts_at)).days + 1
    if item.day < 1 or item.day > days:
        raise ValidationError(
            {
                "day": _("The meeting lasts %(days)d day(s); choose a day from 1 to %(days)d.")
                % {"days": days}
            }
        )


@transaction.atomic
def agenda_item_update(*, actor: User, item: AgendaItem, data: Mapping[str, Any]) -> AgendaItem:
    """Change an agenda item.

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_agendaitem``.
        ValidationError: invalid times or day.
    """
    _require(actor, "meetings.change_agendaitem", item)
    _assign(item, data, AGENDA_ITEM_FIELDS)
    _check_agenda_day(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, actor: User, item: AgendaItem) -> None:
    """Delete an agenda item and its breakout groups.

    Raises:
        PermissionDenied: the actor lacks ``meetings.delete_agendaitem``.
    """
    _require(actor, "meetings.delete_agendaitem", item)
    item.delete()


@transaction.atomic
def agenda_items_reorder(*, actor: User, meeting: Meeting, item_ids: Sequence[int]) -> None:
    """Give the meeting's agenda items the order of ``item_ids`` (``order`` = position).

    The agenda is shown by day and start time first; ``order`` ranks items that share
    a slot.

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_agendaitem`` on the meeting.
        ValidationError: ``item_ids`` is not exactly the meeting's items.
    """
    _require(actor, "meetings.change_agendaitem", meeting)
    items = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
    if sorted(items) != sorted(item_ids) or len(set(item_ids)) != len(item_ids):
        raise ValidationError(_("Give every agenda item of the meeting exactly once."))
    for position, pk in enumerate(item_ids):
        if items[pk].order != position:
            items[pk].order = position
            items[pk].save(update_fields=["order"])


@transaction.atomic
def agenda_item_move(*, actor: User, item: AgendaItem, direction: str) -> None:
    """Swap an agenda item with its neighbour in the same slot (same day and start time).

    Args:
        direction: ``"up"`` or ``"down"``.

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_agendaitem``.
        ValidationError: no neighbour in that direction shares the slot (items are
            ordered by time: change the time instead).
    """
    _require(actor, "meetings.change_agendaitem", item)
    siblings = list(
        AgendaItem.objects.filter(meeting_id=item.meeting_id).order_by(
            "day", "start_time", "order", "pk"
        )
    )
    _swap(
        item, siblings, direction, same=lambda a, b: (a.day, a.start_time) == (b.day, b.start_time)
    )


def _swap(obj: Any, ordered: list[Any], direction: str, same: Any = None) -> None:
    if direction not in ("up", "down"):
        raise ValidationError(_("Move up or down."))
    index = next(i for i, other in enumerate(ordered) if other.pk == obj.pk)
    target = index - 1 if direction == "up" else index + 1
    if (
        target < 0
        or target >= len(ordered)
        or (same is not None and not same(obj, ordered[target]))
    ):
        raise ValidationError(
            _("There is nothing to swap with in that direction (items are ordered by time).")
        )
    # Renumber the whole list so that equal orders cannot make the swap a no-op.
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, row in enumerate(ordered):
        if row.order != position:
            row.order = position
            row.save(update_fields=["order"])


@transaction.atomic
def breakout_group_create(
    *, actor: User, item: AgendaItem, data: Mapping[str, Any]
) -> BreakoutGroup:
    """Add a parallel breakout group to an agenda item (which becomes a breakout slot).

    Raises:
        PermissionDenied: the actor lacks ``meetings.add_breakoutgroup``.
        ValidationError: a field is invalid (a name is required).
    """
    group = BreakoutGroup(agenda_item=item)
    _require(actor, "meetings.add_breakoutgroup", group)
    _assign(group, data, BREAKOUT_GROUP_FIELDS)
    last = BreakoutGroup.objects.filter(agenda_item=item).aggregate(last=Max("order"))["last"]
    group.order = 0 if last is None else last + 1
    group.full_clean()
    group.save()
    if item.kind != AgendaItem.Kind.BREAKOUT:
        item.kind = AgendaItem.Kind.BREAKOUT
        item.save(update_fields=["kind"])
    return group


@transaction.atomic
def breakout_group_update(
    *, actor: User, group: BreakoutGroup, data: Mapping[str, Any]
) -> BreakoutGroup:
    """Change a breakout group (its facilitator, rapporteur, output...).

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_breakoutgroup``.
        ValidationError: a field is invalid.
    """
    _require(actor, "meetings.change_breakoutgroup", group)
    _assign(group, data, BREAKOUT_GROUP_FIELDS)
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def breakout_group_delete(*, actor: User, group: BreakoutGroup) -> None:
    """Delete a breakout group.

    Raises:
        PermissionDenied: the actor lacks ``meetings.delete_breakoutgroup``.
    """
    _require(actor, "meetings.delete_breakoutgroup", group)
    group.delete()


@transaction.atomic
def breakout_groups_reorder(*, actor: User, item: AgendaItem, group_ids: Sequence[int]) -> None:
    """Give an agenda item's groups the order of ``group_ids``.

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_breakoutgroup``.
        ValidationError: ``group_ids`` is not exactly the item's groups.
    """
    _require(actor, "meetings.change_breakoutgroup", item)
    groups = {group.pk: group for group in BreakoutGroup.objects.filter(agenda_item=item)}
    if sorted(groups) != sorted(group_ids) or len(set(group_ids)) != len(group_ids):
        raise ValidationError(_("Give every group of the agenda item exactly once."))
    for position, pk in enumerate(group_ids):
        if groups[pk].order != position:
            groups[pk].order = position
            groups[pk].save(update_fields=["order"])


@transaction.atomic
def breakout_group_move(*, actor: User, group: BreakoutGroup, direction: str) -> None:
    """Swap a breakout group with the previous (``"up"``) or next (``"down"``) one.

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_breakoutgroup``.
        ValidationError: there is no group in that direction.
    """
    _require(actor, "meetings.change_breakoutgroup", group)
    siblings = list(
        BreakoutGroup.objects.filter(agenda_item_id=group.agenda_item_id).order_by("order", "pk")
    )
    _swap(group, siblings, direction)


# --- Registration ------------------------------------------------------------------------


def _is_publicly_visible(meeting: Meeting) -> bool:
    return Meeting.objects.published().filter(pk=meeting.pk).exists()


@transaction.atomic
def registration_create(
    *,
    meeting: Meeting,
    user: User,
    organisation: Organisation | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register ``user`` for ``meeting``: a confirmed place, or the waiting list when full.

    The meeting row is locked while confirmed registrations are counted, so that
    concurrent requests never confirm more than ``capacity`` people.

    Args:
        meeting: a published meeting whose registration is open
            (:meth:`Meeting.registration_is_open`).
        user: the person registering: signed in, active, with a confirmed e-mail
            address (``meetings.register``).
        organisation: the organisation the person registers for; they must be its
            approved representative (``accounts.act_for_organisation``).
        now: the time of the request (tests); default ``timezone.now()``.

    Returns:
        The new registration, ``confirmed`` or ``waiting``.

    Raises:
        PermissionDenied: not signed in, an unconfirmed e-mail address, or not a
            representative of ``organisation``.
        ValidationError: registration is not open (code ``closed``), the person is
            already registered (``duplicate``) or the meeting is full without a waiting
            list (``full``).
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to register."))
    if not user.has_perm("meetings.register", meeting):
        raise PermissionDenied(
            _("Confirm your e-mail address (follow the link we sent you) before registering.")
        )
    if organisation is not None and not user.has_perm(
        "accounts.act_for_organisation", organisation
    ):
        raise PermissionDenied(
            _("You may only register on behalf of an organisation you represent.")
        )
    now = now or timezone.now()
    locked = _lock(meeting)
    if not _is_publicly_visible(locked) or not locked.registration_is_open(now):
        raise ValidationError(_("Registration for this meeting is not open."), code="closed")
    active = Registration.objects.filter(meeting=locked, user=user).exclude(
        status=Registration.Status.CANCELLED
    )
    if active.exists():
        raise ValidationError(_("You are already registered for this meeting."), code="duplicate")
    if locked.capacity is None:
        status = Registration.Status.CONFIRMED
    else:
        confirmed = Registration.objects.filter(
            meeting=locked, status=Registration.Status.CONFIRMED
        ).count()
        if confirmed < locked.capacity:
            status = Registration.Status.CONFIRMED
        elif locked.waiting_list_enabled:
            status = Registration.Status.WAITING
        else:
            raise ValidationError(_("This meeting is full."), code="full")
    registration = Registration(meeting=locked, user=user, organisation=organisation, status=status)
    try:
        # A savepoint: the database's one-active-registration constraint is the last word
        # (two requests of the same person racing on a database without row locks).
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You are already registered for this meeting."), code="duplicate"
        ) from error
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, actor: User, now: datetime.datetime | None = None
) -> list[Registration]:
    """Cancel a registration; when a confirmed place frees, promote the waiting list.

    The earliest waiting registrations (``created_at``, then ``pk``) get the freed
    places and their participants are e-mailed once the transaction commits.

    Args:
        registration: a confirmed or waiting registration.
        actor: its participant (until the meeting starts) or an organiser
            (``meetings.cancel_registration``).

    Returns:
        The registrations promoted from the waiting list (possibly none).

    Raises:
        PermissionDenied: the actor may not cancel it.
        ValidationError: already cancelled (``cancelled``) or, for the participant,
            the meeting has started (``started``).
    """
    _require(actor, "meetings.cancel_registration", registration)
    now = now or timezone.now()
    meeting = _lock(registration.meeting)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."), code="cancelled")
    is_organiser = actor.has_perm("meetings.view_registration", current)
    if not is_organiser and now >= meeting.starts_at:
        raise ValidationError(
            _("The meeting has started; the registration can no longer be cancelled."),
            code="started",
        )
    was_confirmed = current.status == Registration.Status.CONFIRMED
    current.status = Registration.Status.CANCELLED
    current.cancelled_at = now
    current.save(update_fields=["status", "cancelled_at", "updated_at"])
    registration.status, registration.cancelled_at = current.status, current.cancelled_at
    if not was_confirmed:
        return []
    return _promote_waiting(meeting, now=now)


def _promote_waiting(
    meeting: Meeting, *, now: datetime.datetime | None = None
) -> list[Registration]:
    """Confirm the earliest waiting registrations while places are free (meeting locked).

    Nothing moves for a cancelled meeting or one that has started.
    """
    now = now or timezone.now()
    if meeting.is_cancelled or now >= meeting.starts_at:
        return []
    waiting = Registration.objects.filter(
        meeting=meeting, status=Registration.Status.WAITING
    ).order_by("created_at", "pk")
    if meeting.capacity is not None:
        confirmed = Registration.objects.filter(
            meeting=meeting, status=Registration.Status.CONFIRMED
        ).count()
        free = meeting.capacity - confirmed
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_for_update())
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        registration_id = registration.pk
        transaction.on_commit(
            lambda pk=registration_id: tasks.send_registration_promoted_email.enqueue(pk)  # type: ignore[misc]
        )
    return promoted


# --- Attendance ----------------------------------------------------------------------------


def _check_attendance_possible(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled; nobody attended."), code="cancelled")
    if timezone.localdate() < _localdate(meeting.starts_at):
        raise ValidationError(
            _("Attendance can be recorded from the day of the meeting."), code="early"
        )


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    meeting: Meeting,
    data: Mapping[str, Any],
    registration: Registration | None = None,
) -> Attendance:
    """Record one person who came: from their registration, or as a walk-in.

    Args:
        data: values of ``name``, ``category``, ``gender``, ``age_band``,
            ``organisation``, ``organisation_name``. From a registration, an empty
            name becomes the account's public name and an empty organisation the one
            the person registered for.
        registration: a confirmed or waiting registration of this meeting not yet
            recorded; ``None`` for a walk-in.

    Returns:
        The saved attendance (personal data: shown to the organisers only).

    Raises:
        PermissionDenied: the actor lacks ``meetings.add_attendance``.
        ValidationError: the meeting is cancelled or has not begun, the registration
            belongs to another meeting, is cancelled or already recorded, or a walk-in
            has no name, or a field is invalid.
    """
    attendance = Attendance(meeting=meeting)
    _require(actor, "meetings.add_attendance", attendance)
    _check_attendance_possible(meeting)
    _assign(attendance, data, ATTENDANCE_FIELDS)
    if registration is not None:
        if registration.meeting_id != meeting.pk:
            raise ValidationError({"registration": _("This registration is for another meeting.")})
        if registration.status == Registration.Status.CANCELLED:
            raise ValidationError({"registration": _("This registration was cancelled.")})
        if Attendance.objects.filter(registration=registration).exists():
            raise ValidationError(
                {"registration": _("This person's attendance is already recorded.")}
            )
        attendance.registration = registration
        attendance.user = registration.user
        attendance.walk_in = False
        if not attendance.name:
            attendance.name = _attendance_name(registration.user)
        if attendance.organisation is None and registration.organisation_id:
            attendance.organisation_id = registration.organisation_id
    else:
        attendance.walk_in = True
        if not attendance.name:
            raise ValidationError({"name": _("Give the name of the person who came.")})
    attendance.full_clean()
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError as error:  # the one-to-one on registration, raced
        raise ValidationError(
            {"registration": _("This person's attendance is already recorded.")}
        ) from error
    return attendance


def _attendance_name(user: User) -> str:
    """The name to record for a registered participant: their public name, or ``""``.

    Never the e-mail address (personal data the organisers' list does not need, law
    09-08 article 3: only data needed for the purpose): a public name that is itself
    an e-mail address is not copied either.
    """
    name = (user.display_name or "").strip()
    if not name:
        return ""
    try:
        validate_email(name)
    except ValidationError:
        return name
    return ""


@transaction.atomic
def attendance_update(
    *, actor: User, attendance: Attendance, data: Mapping[str, Any]
) -> Attendance:
    """Correct an attendance record.

    Raises:
        PermissionDenied: the actor lacks ``meetings.change_attendance``.
        ValidationError: a field is invalid.
    """
    _require(actor, "meetings.change_attendance", attendance)
    _assign(attendance, data, ATTENDANCE_FIELDS)
    if attendance.walk_in and not attendance.name:
        raise ValidationError({"name": _("Give the name of the person who came.")})
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def attendances_anonymise_for_user(*, user: User) -> int:
    """Blank the name on every attendance of ``user``'s account (account deletion hook).

    Registered in :class:`infitah.meetings.apps.MeetingsConfig` with
    :func:`infitah.accounts.services.register_account_deletion_hook`, so that
    :func:`infitah.accounts.services.user_delete` runs it before deleting the account
    (law 09-08: personal data erased with the account). The rows stay with their
    category, gender, age band and organisation: the meeting's anonymous, published
    figures do not change. The link to the account is cleared here too (the foreign
    key's ``SET_NULL`` would do it on deletion).

    Returns:
        The number of attendance rows changed.
    """
    return Attendance.objects.filter(user=user).update(
        name="", user=None, updated_at=timezone.now()
    )


@transaction.atomic
def attendance_delete(*, actor: User, attendance: Attendance) -> None:
    """Delete an attendance record (someone recorded by mistake).

    Raises:
        PermissionDenied: the actor lacks ``meetings.delete_attendance``.
    """
    _require(actor, "meetings.delete_attendance", attendance)
    attendance.delete()
