"""Writes behind the public side of access to information.

- :func:`register_search_text` / :func:`register_search_text_refresh` — what the
  public register's search matches (subject, reference and the published answer; never
  the requester's text or identity).
- :func:`disclosure_categories_load` — the catalogue of article 10 from
  ``access_info/data/disclosure_categories.csv``.
- :func:`disclosure_item_create`, :func:`disclosure_item_update`,
  :func:`disclosure_item_retire` — a collectivity's proactive-disclosure items.

Every function is transactional; permission checks are repeated here (defence in
depth) with the names of :mod:`infitah.access_info.rules_public`.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from infitah.access_info import disclosure
from infitah.access_info import rules_public as _rules_public  # noqa: F401 - permissions
from infitah.access_info.models import DisclosureCategory, DisclosureItem, InformationRequest
from infitah.access_info.selectors import track_public_models
from infitah.core.cache import bump_content_version
from infitah.core.text import normalize_for_search, strip_bidi_controls
from infitah.territories.models import Collectivity

__all__ = [
    "CATEGORIES_PATH",
    "CATEGORY_COLUMNS",
    "LOADER_CHANGE_REASON",
    "CategoryLoadReport",
    "disclosure_categories_load",
    "disclosure_item_create",
    "disclosure_item_retire",
    "disclosure_item_update",
    "register_search_text",
    "register_search_text_refresh",
]

track_public_models()

CATEGORIES_PATH = Path(__file__).resolve().parent / "data" / "disclosure_categories.csv"
#: Change reason of the history rows the loader writes: a category whose latest
#: history row has another reason was edited by a coordinator and is left alone.
LOADER_CHANGE_REASON = "load_disclosure_categories"
CATEGORY_COLUMNS = (
    "code",
    "name_ar",
    "name_fr",
    "name_en",
    "description_ar",
    "description_fr",
    "description_en",
    "legal_basis",
    "update_every_months",
    "order",
)
_REQUIRED_COLUMNS = ("code", "name_ar", "name_fr")
#: Longest refresh period accepted, in months (ten years).
MAX_UPDATE_MONTHS = 120


# ======================================================================= register
def register_search_text(request: InformationRequest) -> str:
    """Return the text the public register's search matches for ``request``.

    The reference, the subject and, once staff published it
    (``released_published_at``), the redacted answer, folded by
    :func:`infitah.core.text.normalize_for_search`. Never ``information_requested``
    (the requester's own words may identify them) nor any personal field.
    The services that change ``subject``, ``released_text`` or
    ``released_published_at`` must store this in ``search_text``.
    """
    parts = [request.reference, request.subject]
    if request.released_published_at is not None:
        parts.append(request.released_text)
    return normalize_for_search(" ".join(part for part in parts if part))


@transaction.atomic
def register_search_text_refresh(
    *, queryset: QuerySet[InformationRequest] | None = None, batch_size: int = 1000
) -> int:
    """Recompute ``search_text`` of ``queryset`` (default: every request).

    Reads only the columns :func:`register_search_text` needs, writes changed rows in
    batches and bumps the public-content version when any changed.

    Returns:
        The number of requests whose search text changed.
    """
    queryset = InformationRequest.objects.all() if queryset is None else queryset
    changed: list[InformationRequest] = []
    total = 0
    rows = queryset.only(
        "pk", "reference", "subject", "released_text", "released_published_at", "search_text"
    ).order_by("pk")
    for request in rows.iterator(chunk_size=batch_size):
        text = register_search_text(request)
        if text != request.search_text:
            request.search_text = text
            changed.append(request)
        if len(changed) >= batch_size:
            InformationRequest.objects.bulk_update(changed, ["search_text"])
            total += len(changed)
            changed = []
    if changed:
        InformationRequest.objects.bulk_update(changed, ["search_text"])
        total += len(changed)
    if total:
        bump_content_version()
    return total


# ====================================================================== catalogue
@dataclass
class CategoryLoadReport:
    """The outcome of :func:`disclosure_categories_load`.

    ``created``/``updated``/``unchanged`` list category codes; ``kept`` the codes left
    as a coordinator edited them; ``kept_deleted`` those a coordinator deleted (not
    recreated). ``errors`` are ``(line, column, message)`` with 1-based lines (the
    header is line 1); when there is any, nothing was written.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _int_cell(
    value: str, *, line: int, column: str, default: int, maximum: int, errors: list[Any]
) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        errors.append((line, column, _("Enter a whole number.")))
        return default
    if number < 0 or number > maximum:
        errors.append(
            (
                line,
                column,
                _("Enter a number between %(low)d and %(high)d.") % {"low": 0, "high": maximum},
            )
        )
    return number


def _read_category_rows(
    text: str, errors: list[tuple[int, str, str]]
) -> list[tuple[int, dict[str, Any]]]:
    """Parse and check the CSV text; return ``(line, values)`` of the valid rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        errors.append((1, "", _("The file is empty.")))
        return []
    except csv.Error as exc:
        errors.append((1, "", _("Malformed CSV: %(error)s") % {"error": exc}))
        return []
    for name in header:
        if name and name not in CATEGORY_COLUMNS:
            errors.append((1, name, _("Unknown column “%(name)s”.") % {"name": name}))
    for name in _REQUIRED_COLUMNS:
        if name not in header:
            errors.append(
                (1, name, _("The required column “%(name)s” is missing.") % {"name": name})
            )
    if errors:
        return []
    lengths = {
        "code": DisclosureCategory._meta.get_field("code").max_length,
        "legal_basis": DisclosureCategory._meta.get_field("legal_basis").max_length,
        **{
            f"name_{lang}": DisclosureCategory._meta.get_field("name").max_length
            for lang in ("ar", "fr", "en")
        },
    }
    rows: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                errors.append((start, "", _("This row has more cells than the header.")))
                continue
            raw = {
                name: strip_bidi_controls(cell.strip())
                for name, cell in zip(header, cells, strict=False)
                if name
            }
            before = len(errors)
            values: dict[str, Any] = {name: raw.get(name, "") for name in CATEGORY_COLUMNS}
            code = values["code"]
            if not code:
                errors.append((start, "code", _("The code is required.")))
            else:
                try:
                    validate_slug(code)
                except ValidationError:
                    errors.append(
                        (
                            start,
                            "code",
                            _("A code may contain only letters, digits, hyphens and underscores."),
                        )
                    )
                if code in seen:
                    errors.append(
                        (
                            start,
                            "code",
                            _("This code already appears on line %(line)d.") % {"line": seen[code]},
                        )
                    )
                else:
                    seen[code] = start
            for name in ("name_ar", "name_fr"):
                if not values[name]:
                    errors.append((start, name, _("This name is required.")))
            for name, maximum in lengths.items():
                if maximum and len(values[name]) > maximum:
                    errors.append(
                        (
                            start,
                            name,
                            _("At most %(count)d characters are allowed.") % {"count": maximum},
                        )
                    )
            for name, value in values.items():
                allowed = "\t\n\r" if name.startswith("description_") else "\t"
                if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
                    errors.append((start, name, _("The text contains control characters.")))
            values["update_every_months"] = _int_cell(
                values["update_every_months"],
                line=start,
                column="update_every_months",
                default=12,
                maximum=MAX_UPDATE_MONTHS,
                errors=errors,
            )
            values["order"] = _int_cell(
                values["order"], line=start, column="order", default=0, maximum=32767, errors=errors
            )
            if len(errors) == before:
                rows.append((start, values))
    except csv.Error as exc:
        errors.append((line + 1, "", _("Malformed CSV: %(error)s") % {"error": exc}))
    if not rows and not errors:
        errors.append((2, "", _("The file has a header but no rows.")))
    return rows


def _edited_by_someone_else(category: DisclosureCategory) -> bool:
    """True when the category's latest history row was not written by the loader."""
    latest = category.history.order_by("-history_date", "-history_id").first()  # type: ignore[attr-defined]
    return latest is None or latest.history_change_reason != LOADER_CHANGE_REASON


@transaction.atomic
def disclosure_categories_load(
    path: Path | str | None = None, *, text: str | None = None
) -> CategoryLoadReport:
    """Create or update the proactive-disclosure categories from their CSV file.

    Columns (header required, UTF-8, comma-separated): ``code`` (slug, unique),
    ``name_ar``, ``name_fr`` (required), ``name_en``, ``description_ar``,
    ``description_fr``, ``description_en``, ``legal_basis``, ``update_every_months``
    (0–120, default 12; 0 = published once), ``order`` (default 0).

    Policy: rows are matched by ``code``. A missing category is created (active),
    unless a coordinator deleted it (history records the deletion). An existing one is
    updated from the file only while nobody else changed it since the loader last
    wrote it (its latest history row is the loader's); a category a coordinator edited
    in the admin is left as it is (``kept``). ``is_active`` is never changed, and
    categories missing from the file are left alone. Source of the list: law 31-13,
    article 10 (see the file's ``legal_basis`` column).

    Args:
        path: the CSV file (default :data:`CATEGORIES_PATH`).
        text: the CSV text itself (instead of ``path``; for uploads and tests).

    Returns:
        A :class:`CategoryLoadReport`; on any row error nothing is written and the
        errors name the line and column.

    Raises:
        OSError, UnicodeDecodeError: the file cannot be read as UTF-8 text.
    """
    report = CategoryLoadReport()
    if text is None:
        text = Path(path or CATEGORIES_PATH).read_text(encoding="utf-8-sig")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        report.errors.append((1, "", _("The file is empty.")))
        return report
    rows = _read_category_rows(text, report.errors)
    if report.errors:
        report.errors.sort(key=lambda error: error[0])
        return report
    codes = [values["code"] for _line, values in rows]
    existing = {c.code: c for c in DisclosureCategory.objects.filter(code__in=codes)}
    history = DisclosureCategory.history.model  # type: ignore[attr-defined]
    deleted = set(
        history.objects.filter(code__in=codes, history_type="-").values_list("code", flat=True)
    )
    written = False
    for line, values in rows:
        code = values["code"]
        category = existing.get(code)
        if category is None:
            if code in deleted:
                report.kept_deleted.append(code)
                continue
            category = DisclosureCategory(code=code)
            action = report.created
        else:
            if _edited_by_someone_else(category):
                report.kept.append(code)
                continue
            action = report.updated
        before = {name: getattr(category, name) for name in CATEGORY_COLUMNS if name != "code"}
        for name in CATEGORY_COLUMNS:
            if name != "code":
                setattr(category, name, values[name])
        if category.pk is not None and before == {
            name: getattr(category, name) for name in CATEGORY_COLUMNS if name != "code"
        }:
            report.unchanged.append(code)
            continue
        try:
            category.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                report.errors.extend((line, name, message) for message in messages)
            continue
        category._change_reason = LOADER_CHANGE_REASON  # type: ignore[attr-defined]
        category.save()
        written = True
        action.append(code)
    if report.errors:
        transaction.set_rollback(True)
        report.created.clear()
        report.updated.clear()
        return report
    if written:
        bump_content_version()
    return report


# ================================================================ disclosure items
def _check_link(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(
            {"url": _("Enter a web address starting with http:// or https://.")}
        ) from exc
    return url


def _attach_file(item: DisclosureItem, file: UploadedFile, category: DisclosureCategory) -> None:
    """Check ``file`` and attach it under a neutral name (the uploader's name may be personal)."""
    try:
        checked = disclosure.check_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    stamp = item.published_on.isoformat()
    item.file.save(f"{category.code}-{stamp}.{checked.extension}", file, save=False)


def _apply(
    item: DisclosureItem,
    *,
    category: DisclosureCategory,
    title: str,
    published_on: datetime.date,
    url: str,
    file: UploadedFile | None,
    today: datetime.date,
) -> None:
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if published_on > today:
        raise ValidationError({"published_on": _("The publication date cannot be in the future.")})
    item.category = category
    item.title = strip_bidi_controls(title.strip())
    item.published_on = published_on
    item.url = _check_link(url)
    item.next_update_due_on = disclosure.next_update_due_on(
        published_on, category.update_every_months
    )
    item.search_text = normalize_for_search(item.title)
    if file is not None:
        _attach_file(item, file, category)
    if not item.url and not item.file:
        raise ValidationError(_("Give a document or a link (or both)."))
    item.full_clean(exclude=["file"])


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You may not publish disclosure items for this collectivity."))


@transaction.atomic
def disclosure_item_create(
    *,
    actor: Any,
    collectivity: Collectivity,
    category: DisclosureCategory,
    title: str,
    published_on: datetime.date,
    url: str = "",
    file: UploadedFile | None = None,
    replaces_current: bool = False,
) -> DisclosureItem:
    """Publish an item of ``collectivity`` in ``category`` (law 31-13, article 10).

    Args:
        actor: the user publishing (needs ``access_info.add_disclosure_item`` on the
            collectivity: its admin, editor or information officer, or a coordinator).
        collectivity, category: where the item belongs (an active category).
        title: the item's public title.
        published_on: the local date it was published (not in the future).
        url: a link (http or https), and/or
        file: a document (type checked from its content, size limit; see
            :func:`infitah.access_info.disclosure.check_upload`).
        replaces_current: retire the collectivity's other current items of the category
            (a new budget replaces last year's).

    Returns:
        The saved item, current, with ``next_update_due_on`` = ``published_on`` plus the
        category's refresh period (none when the period is 0).

    Raises:
        PermissionDenied: the actor may not publish for this collectivity.
        ValidationError: neither file nor link, a bad link or file, a future date, an
            inactive category (messages by field).
    """
    _require(actor, "access_info.add_disclosure_item", collectivity)
    item = DisclosureItem(collectivity=collectivity, is_current=True)
    _apply(
        item,
        category=category,
        title=title,
        published_on=published_on,
        url=url,
        file=file,
        today=timezone.localdate(),
    )
    item.save()
    if replaces_current:
        for other in DisclosureItem.objects.filter(
            collectivity=collectivity, category=category, is_current=True
        ).exclude(pk=item.pk):
            other.is_current = False
            other.save(update_fields=["is_current", "updated_at"])
    return item


@transaction.atomic
def disclosure_item_update(
    *,
    actor: Any,
    item: DisclosureItem,
    category: DisclosureCategory,
    title: str,
    published_on: datetime.date,
    url: str = "",
    file: UploadedFile | None = None,
    remove_file: bool = False,
) -> DisclosureItem:
    """Correct an item: category, title, date, link, document (a new file replaces it).

    Needs ``access_info.change_disclosure_item`` on the item. ``remove_file`` drops
    the document (a link must then remain). ``next_update_due_on`` is recomputed.

    Raises:
        PermissionDenied, ValidationError: as :func:`disclosure_item_create`.
    """
    _require(actor, "access_info.change_disclosure_item", item)
    if remove_file and file is None:
        item.file = ""
    _apply(
        item,
        category=category,
        title=title,
        published_on=published_on,
        url=url,
        file=file,
        today=timezone.localdate(),
    )
    item.save()
    return item


@transaction.atomic
def disclosure_item_retire(*, actor: Any, item: DisclosureItem) -> DisclosureItem:
    """Mark an item as no longer current (superseded or withdrawn); it stays listed as earlier.

    Needs ``access_info.retire_disclosure_item`` on the item. Retiring a retired item
    changes nothing.

    Raises:
        PermissionDenied: the actor may not change this collectivity's items.
    """
    _require(actor, "access_info.retire_disclosure_item", item)
    if item.is_current:
        item.is_current = False
        item.save(update_fields=["is_current", "updated_at"])
    return item
