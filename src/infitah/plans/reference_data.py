"""Load real co-creation processes (action plans and their meetings) as reference data.

The data file (``plans/data/beni_mellal_2023.json``) describes the commune of Béni
Mellal's 2023 process: the consultative body that took part, the action plan with its
phases and state changes, and the four meetings (two network meetings the commune took
part in, two co-creation workshops with their agenda and parallel groups). docs/data.md
gives the source and what is not in it.

Policy, the same as the network seed (:func:`infitah.network.services.network_load_seed`):
organisations, plans and meetings are matched by slug and only **created** when missing;
an existing row is never updated, so edits made in the admin win; a row that history
records as deleted is not recreated. Phases and state changes are created together with
their plan, agenda items and groups together with their meeting. Everything is checked
first and written in one transaction: a bad file writes nothing, and every problem is
reported with its place in the file (e.g. ``meetings[3].agenda[2].groups[0].name.fr``).
"""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from infitah.accounts.models import Organisation
from infitah.core.cache import bump_content_version
from infitah.meetings.models import AgendaItem, BreakoutGroup, Meeting
from infitah.meetings.services import meeting_build_search_text
from infitah.network.models import Network
from infitah.plans.models import ActionPlan, Phase, PlanTransition
from infitah.plans.services import plan_search_text
from infitah.territories.models import Collectivity

__all__ = [
    "PLAN_REFERENCE_DATA_PATH",
    "ReferenceDataError",
    "ReferenceDataReport",
    "plan_reference_data_load",
]

PLAN_REFERENCE_DATA_PATH = Path(__file__).resolve().parent / "data" / "beni_mellal_2023.json"
CHANGE_REASON = "load_plan_reference_data"
LANGUAGES = ("ar", "fr", "en")
#: Wall-clock span of a meeting whose time the source does not give ("time_stated": false).
UNSTATED_START = datetime.time(0, 0)
UNSTATED_END = datetime.time(23, 59)

ProgressFunc = Callable[[str], None]
Json = dict[str, Any]

_MONTH = re.compile(r"\d{4}-\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")
_LOCAL_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

# Keys each object of the file may hold (anything else is a typo worth reporting).
_TOP_KEYS = {"_about", "source", "network", "time_zone", "organisations", "plans", "meetings"}
_ORGANISATION_KEYS = {"slug", "name", "kind", "collectivity", "is_verified", "description"}
_PLAN_KEYS = {
    "slug",
    "collectivity",
    "title",
    "summary",
    "start_month",
    "end_month",
    "planned_adoption_month",
    "state",
    "is_published",
    "transitions",
    "phases",
}
_TRANSITION_KEYS = {"from_state", "to_state", "on", "reason"}
_PHASE_KEYS = {"kind", "starts_on", "ends_on", "dates_are_tentative", "title", "description"}
_MEETING_KEYS = {
    "slug",
    "collectivity",
    "plan",
    "kind",
    "format",
    "online_url",
    "online_url_stated",
    "title",
    "description",
    "venue_name",
    "address",
    "city",
    "starts_at",
    "ends_at",
    "time_stated",
    "is_published",
    "participating_collectivities",
    "participating_organisations",
    "agenda",
    "publications",
}
_AGENDA_KEYS = {"start_time", "end_time", "kind", "title", "description", "speakers", "groups"}
_GROUP_KEYS = {"name", "topic", "room", "facilitator", "rapporteur"}

# Model field → key of the file, where they differ (for error paths).
_FIELD_KEYS = {
    "collectivity": "collectivity",
    "network": "network",
    "start_month": "start_month",
    "at": "on",
}


class ReferenceDataError(ValueError):
    """The reference data cannot be loaded; ``problems`` lists ``"<json path>: <message>"``.

    Nothing was written when this is raised.
    """

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{path}: the plan reference data was not loaded:\n{listing}")


@dataclass
class ReferenceDataReport:
    """What :func:`plan_reference_data_load` did.

    ``created`` holds ``(kind, label)`` for every row created, e.g.
    ``("meeting", "beni-mellal-2023-07-11-co-creation-workshop-2")``; ``kept_deleted``
    names rows not recreated because history records their deletion.
    """

    path: Path
    created: list[tuple[str, str]] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)

    @property
    def counts(self) -> dict[str, int]:
        """Rows created per kind, in creation order (e.g. ``{"organisation": 1, ...}``)."""
        return dict(Counter(kind for kind, _label in self.created))


# --- Reading the file ------------------------------------------------------------


class _Problems:
    """Collects ``"<path>: <message>"`` lines while the file is read and written."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")

    def model_errors(self, path: str, exc: ValidationError, aliases: dict[str, str]) -> None:
        """Record a model's ``full_clean`` errors under the object's path in the file."""
        for name, messages in exc.message_dict.items():
            if name == NON_FIELD_ERRORS:
                where = path
            else:
                base, _sep, lang = name.rpartition("_")
                if lang in LANGUAGES and base:
                    where = f"{path}.{aliases.get(base, base)}.{lang}"
                else:
                    where = f"{path}.{aliases.get(name, name)}"
            for message in messages:
                self.add(where, message)


def _at(path: str, key: str) -> str:
    """The JSON path of ``key`` inside the object at ``path`` (``""``: the top level)."""
    return f"{path}.{key}" if path else key


def _obj(value: Any, path: str, keys: set[str], problems: _Problems) -> Json | None:
    """``value`` if it is an object with only known keys (unknown keys are reported)."""
    if not isinstance(value, dict):
        problems.add(path, f"expected an object, got {type(value).__name__}")
        return None
    for key in value:
        if key not in keys:
            problems.add(
                _at(path, key), f"unknown key (expected one of: {', '.join(sorted(keys))})"
            )
    return value


def _list(obj: Json, key: str, path: str, problems: _Problems) -> list[Any]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        problems.add(_at(path, key), f"expected a list, got {type(value).__name__}")
        return []
    return value


def _str(obj: Json, key: str, path: str, problems: _Problems, *, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.add(_at(path, key), "a non-empty text is required")
        return ""
    return value.strip()


def _optional_ref(obj: Json, key: str, path: str, problems: _Problems) -> str | None:
    """A reference (code or slug) that may be ``null``."""
    if key not in obj:
        problems.add(_at(path, key), "required (use null for none)")
        return None
    value = obj[key]
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add(_at(path, key), "expected a text or null")
        return None
    return value.strip()


def _bool(obj: Json, key: str, path: str, problems: _Problems) -> bool:
    value = obj.get(key)
    if not isinstance(value, bool):
        problems.add(_at(path, key), "true or false is required")
        return False
    return value


def _optional_bool(obj: Json, key: str, path: str, problems: _Problems) -> bool:
    """``obj[key]`` when it is ``true`` or ``false``; ``False`` when the key is absent."""
    if key not in obj:
        return False
    return _bool(obj, key, path, problems)


def _texts(
    obj: Json, key: str, path: str, problems: _Problems, *, required: bool = True
) -> dict[str, str]:
    """``{"ar": …, "fr": …, "en": …}``: all three required, or all optional."""
    value = obj.get(key)
    if value is None and not required:
        return dict.fromkeys(LANGUAGES, "")
    if not isinstance(value, dict):
        problems.add(_at(path, key), "expected an object with ar, fr and en texts")
        return dict.fromkeys(LANGUAGES, "")
    for extra in set(value) - set(LANGUAGES):
        problems.add(f"{_at(path, key)}.{extra}", "unknown language (use ar, fr, en)")
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        text = value.get(lang, "")
        if not isinstance(text, str) or (required and not text.strip()):
            problems.add(f"{_at(path, key)}.{lang}", "a non-empty text is required")
            text = ""
        texts[lang] = text.strip()
    return texts


def _parsed(
    obj: Json,
    key: str,
    path: str,
    problems: _Problems,
    pattern: re.Pattern[str],
    form: str,
    parse: Callable[[str], Any],
    *,
    nullable: bool = False,
) -> Any:
    value = obj.get(key)
    if value is None and nullable:
        return None
    try:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(value)
        return parse(value)
    except ValueError:
        problems.add(_at(path, key), f"{value!r} is not {form}")
        return None


def _month(obj: Json, key: str, path: str, problems: _Problems) -> datetime.date | None:
    return _parsed(
        obj,
        key,
        path,
        problems,
        _MONTH,
        "a month in the form YYYY-MM",
        lambda text: datetime.date.fromisoformat(f"{text}-01"),
    )


def _date(
    obj: Json, key: str, path: str, problems: _Problems, *, nullable: bool = False
) -> datetime.date | None:
    return _parsed(
        obj,
        key,
        path,
        problems,
        _DATE,
        "a date in the form YYYY-MM-DD",
        datetime.date.fromisoformat,
        nullable=nullable,
    )


def _time(obj: Json, key: str, path: str, problems: _Problems) -> datetime.time | None:
    return _parsed(
        obj, key, path, problems, _TIME, "a time in the form HH:MM", datetime.time.fromisoformat
    )


def _local(
    obj: Json, key: str, path: str, problems: _Problems, zone: datetime.tzinfo
) -> datetime.datetime | None:
    """A wall-clock ``YYYY-MM-DDTHH:MM`` of ``zone`` → an aware datetime."""
    value: datetime.datetime | None = _parsed(
        obj,
        key,
        path,
        problems,
        _LOCAL_DATETIME,
        "a local date and time in the form YYYY-MM-DDTHH:MM",
        datetime.datetime.fromisoformat,
    )
    return value.replace(tzinfo=zone) if value is not None else None


def _translated(prefix: str, values: dict[str, str]) -> dict[str, str | None]:
    """``{"ar": x, ...}`` → ``{"title_ar": x, ...}``; a missing translation is ``None``.

    ``None`` (not ``""``) like the plan and meeting services, so that the API shows it
    as null and django-modeltranslation falls back to another language.
    """
    return {f"{prefix}_{lang}": values[lang] or None for lang in LANGUAGES}


def _is_translated(model: type[models.Model], name: str) -> bool:
    """True when ``model.name`` has per-language columns (django-modeltranslation)."""
    return all(hasattr(model, f"{name}_{lang}") for lang in LANGUAGES)


def _text_fields(model: type[models.Model], name: str, values: dict[str, str]) -> dict[str, Any]:
    """Model values for a text the file gives in three languages.

    A translated field gets one column per language; a field without translations (an
    organisation's name and description, a state change's reason, today) gets
    :func:`_single_column`. The file needs no change when translations are added.
    """
    if _is_translated(model, name):
        return _translated(name, values)
    return {name: _single_column(name, values)}


def _single_column(name: str, values: dict[str, str]) -> str:
    """A text for a field without translations.

    A name is the Arabic one (the language of the source); any other text holds the
    Arabic, French and English paragraphs, separated by a blank line.
    """
    if name == "name":
        return values["ar"]
    return "\n\n".join(values[lang] for lang in LANGUAGES if values[lang])


def _was_deleted(model: type[models.Model], **lookup: Any) -> bool:
    """True when django-simple-history records the deletion of such a row."""
    history = model.history  # type: ignore[attr-defined]
    return bool(history.filter(history_type="-", **lookup).exists())


def _read(path: Path) -> Json:
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise ReferenceDataError(path, [f"(file): cannot be read ({exc})"]) from exc
    except ValueError as exc:
        raise ReferenceDataError(path, [f"(file): not valid JSON ({exc})"]) from exc
    if not isinstance(data, dict):
        raise ReferenceDataError(path, ["(file): the top level must be an object"])
    return data


# --- Loading ----------------------------------------------------------------------


@transaction.atomic
def plan_reference_data_load(
    *,
    data_path: Path | None = None,
    progress: ProgressFunc | None = None,
    now: datetime.datetime | None = None,
) -> ReferenceDataReport:
    """Create whatever is missing of the plan reference data; never change an existing row.

    Needs the territories (``load_territories``) and the network (``load_network``)
    loaded first. Rows created get the history reason ``load_plan_reference_data``;
    the public-content version is bumped when anything was created.

    State changes of a plan are historical facts: they are created directly (no actor)
    with the time ``on`` at 00:00 in ``time_zone``, and the plan's ``state_changed_at``
    is the last one's time. A meeting's ``starts_at``/``ends_at`` are wall-clock times
    of ``time_zone`` (stored in UTC). An online meeting without a link is accepted only
    when the file says the source gives none (``"online_url_stated": false``) and the
    meeting has ended: the meeting model asks for a link, which a past meeting whose
    link was never published cannot have (the one rule relaxed; docs/data.md).

    Args:
        data_path: the JSON file (default :data:`PLAN_REFERENCE_DATA_PATH`).
        progress: called with one line of text per created row.
        now: the current time (tests); decides which online meetings have ended.

    Returns:
        A :class:`ReferenceDataReport`.

    Raises:
        ReferenceDataError: the file is unreadable or wrong (unknown or missing keys,
            bad dates or times, unknown collectivity codes, network, plan or
            organisation slugs, values a model refuses), listing every problem with
            its JSON path. Nothing is written then.
    """
    path = data_path or PLAN_REFERENCE_DATA_PATH
    loader = _Loader(path, _read(path), progress, now or timezone.now())
    with translation.override(None):  # model messages untranslated, like the loader's
        report = loader.run()
    if loader.problems.items:
        # Roll back whatever was saved before the problem was found.
        transaction.set_rollback(True)
        raise ReferenceDataError(path, loader.problems.items)
    if report.changed:
        bump_content_version()
    return report


class _Loader:
    """One run of :func:`plan_reference_data_load` (reads, checks, creates)."""

    def __init__(
        self, path: Path, data: Json, progress: ProgressFunc | None, now: datetime.datetime
    ) -> None:
        self.data = data
        self.progress = progress
        self.now = now
        self.problems = _Problems()
        self.report = ReferenceDataReport(path=path)
        self.zone: datetime.tzinfo = datetime.UTC
        self.network: Network | None = None
        self.collectivities: dict[str, Collectivity] = {}
        # Slugs named in the file (even if their row is broken or was deleted).
        self.plan_slugs: set[str] = set()
        self.organisation_slugs: set[str] = set()
        # (meeting, kinds): documents generated and published once the meeting is whole.
        self.pending_publications: list[tuple[Meeting, list[str]]] = []

    # -- helpers

    def _created(self, kind: str, label: str) -> None:
        self.report.created.append((kind, label))
        if self.progress is not None:
            self.progress(f"Created {kind} {label}.")

    def _save(self, obj: models.Model, path: str, aliases: dict[str, str] | None = None) -> bool:
        """``full_clean`` then save; on failure record the errors under ``path``."""
        try:
            obj.full_clean()
        except ValidationError as exc:
            self.problems.model_errors(path, exc, {**_FIELD_KEYS, **(aliases or {})})
            return False
        obj._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        obj.save()
        return True

    def _collectivity(self, code: str | None, path: str) -> Collectivity | None:
        if code is None:
            return None
        found = self.collectivities.get(code)
        if found is None:
            self.problems.add(
                path,
                f"no collectivity has the code {code!r} "
                "(run `manage.py load_territories` first, or correct the code)",
            )
        return found

    # -- the run

    def run(self) -> ReferenceDataReport:
        data = _obj(self.data, "", _TOP_KEYS, self.problems)
        if data is None:
            return self.report
        zone_name = _str(data, "time_zone", "", self.problems)
        try:
            self.zone = zoneinfo.ZoneInfo(zone_name) if zone_name else datetime.UTC
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.problems.add("time_zone", f"{zone_name!r} is not a known time zone")
        network_slug = _str(data, "network", "", self.problems)
        self.network = Network.objects.filter(slug=network_slug).first()
        if network_slug and self.network is None:
            self.problems.add(
                "network", f"no network {network_slug!r} (run `manage.py load_network` first)"
            )
        self.collectivities = {
            c.code: c for c in Collectivity.objects.filter(code__in=self._codes(data))
        }
        organisations = self._organisations(_list(data, "organisations", "", self.problems))
        plans = self._plans(_list(data, "plans", "", self.problems))
        self._meetings(_list(data, "meetings", "", self.problems), plans, organisations)
        if not self.problems.items:
            self._publish_documents()
        return self.report

    def _read_publications(self, item: Json, path: str) -> list[str]:
        """The kinds of documents to generate and publish in Arabic and French."""
        from infitah.publications.models import Publication

        raw = item.get("publications", [])
        if not isinstance(raw, list) or not all(isinstance(kind, str) for kind in raw):
            self.problems.add(f"{path}.publications", "a list of document kinds is required")
            return []
        kinds = list(raw)
        for i, kind in enumerate(kinds):
            if kind not in Publication.Kind.values:
                self.problems.add(
                    f"{path}.publications[{i}]",
                    f"{kind!r} is not one of {', '.join(Publication.Kind.values)}",
                )
        return kinds

    def _publish_documents(self) -> None:
        """Generate, then publish, the listed documents of the meetings just created.

        The texts are generated from the loaded facts by
        :mod:`infitah.publications.services` (in Arabic and French), as staff would.
        """
        from infitah.publications.models import Publication
        from infitah.publications.services import publication_generate, publication_publish

        for meeting, kinds in self.pending_publications:
            for kind in kinds:
                for language in (Publication.Language.ARABIC, Publication.Language.FRENCH):
                    publication = publication_generate(
                        meeting=meeting, kind=kind, language=language, actor=None, now=self.now
                    )
                    publication_publish(publication=publication, actor=None, now=self.now)
                    self._created("publication", f"{meeting.slug} {kind} {language}")

    def _codes(self, data: Json) -> set[str]:
        """Every collectivity code the file names (one query for all of them)."""
        codes: set[str] = set()
        for key in ("organisations", "plans", "meetings"):
            items = data.get(key)
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                if isinstance(item.get("collectivity"), str):
                    codes.add(item["collectivity"])
                others = item.get("participating_collectivities")
                if isinstance(others, list):
                    codes.update(code for code in others if isinstance(code, str))
        return codes

    def _organisations(self, items: Iterable[Any]) -> dict[str, Organisation]:
        """Create missing organisations; return every organisation of the file by slug."""
        found: dict[str, Organisation] = {}
        for index, raw in enumerate(items):
            path = f"organisations[{index}]"
            item = _obj(raw, path, _ORGANISATION_KEYS, self.problems)
            if item is None:
                continue
            slug = _str(item, "slug", path, self.problems)
            self.organisation_slugs.add(slug)
            name = _texts(item, "name", path, self.problems)
            kind = _str(item, "kind", path, self.problems)
            code = _optional_ref(item, "collectivity", path, self.problems)
            is_verified = _bool(item, "is_verified", path, self.problems)
            description = _texts(item, "description", path, self.problems)
            collectivity = self._collectivity(code, f"{path}.collectivity")
            if not slug:
                continue
            existing = Organisation.objects.filter(slug=slug).first()
            if existing is not None:
                found[slug] = existing
                continue
            if _was_deleted(Organisation, slug=slug):
                self.report.kept_deleted.append(f"organisation {slug}")
                continue
            organisation = Organisation(
                slug=slug,
                **_text_fields(Organisation, "name", name),
                kind=kind,
                collectivity=collectivity,
                is_verified=is_verified,
                **_text_fields(Organisation, "description", description),
            )
            if self._save(organisation, path):
                found[slug] = organisation
                self._created("organisation", slug)
        return found

    def _plans(self, items: Iterable[Any]) -> dict[str, ActionPlan]:
        """Create missing plans with their state changes and phases; return all by slug."""
        found: dict[str, ActionPlan] = {}
        for index, raw in enumerate(items):
            path = f"plans[{index}]"
            item = _obj(raw, path, _PLAN_KEYS, self.problems)
            if item is None:
                continue
            slug = _str(item, "slug", path, self.problems)
            self.plan_slugs.add(slug)
            code = _str(item, "collectivity", path, self.problems)
            title = _texts(item, "title", path, self.problems)
            summary = _texts(item, "summary", path, self.problems)
            start_month = _month(item, "start_month", path, self.problems)
            end_month = _month(item, "end_month", path, self.problems)
            adoption = _month(item, "planned_adoption_month", path, self.problems)
            state = _str(item, "state", path, self.problems)
            is_published = _bool(item, "is_published", path, self.problems)
            transitions = self._read_transitions(
                _list(item, "transitions", path, self.problems), path
            )
            phases = self._read_phases(_list(item, "phases", path, self.problems), path)
            collectivity = self._collectivity(code or None, f"{path}.collectivity")
            if transitions and transitions[-1][1]["to_state"] != state:
                self.problems.add(f"{path}.state", "must be the last state change's to_state")
            if not slug:
                continue
            existing = ActionPlan.objects.filter(slug=slug).first()
            if existing is not None:
                found[slug] = existing
                continue
            if _was_deleted(ActionPlan, slug=slug):
                self.report.kept_deleted.append(f"action plan {slug}")
                continue
            if collectivity is None or start_month is None or end_month is None:
                continue  # already reported
            plan = ActionPlan(
                slug=slug,
                collectivity=collectivity,
                start_month=start_month,
                end_month=end_month,
                planned_adoption_month=adoption,
                state=state,
                state_changed_at=transitions[-1][1]["at"] if transitions else None,
                is_published=is_published,
                **_translated("title", title),
                **_translated("summary", summary),
            )
            plan.search_text = plan_search_text(plan)
            if not self._save(plan, path):
                continue
            found[slug] = plan
            self._created("action plan", slug)
            for transition_path, values in transitions:
                transition = PlanTransition(plan=plan, actor=None, **values)
                if self._save(transition, transition_path):
                    self._created(
                        "state change",
                        f"{slug} {values['from_state'] or '∅'} → {values['to_state']}",
                    )
            for order, (phase_path, values) in enumerate(phases, start=1):
                phase = Phase(plan=plan, order=order, **values)
                if self._save(phase, phase_path):
                    self._created("phase", f"{slug} {values['kind']}")
        return found

    def _read_transitions(self, items: list[Any], plan_path: str) -> list[tuple[str, Json]]:
        result: list[tuple[str, Json]] = []
        for index, raw in enumerate(items):
            path = f"{plan_path}.transitions[{index}]"
            item = _obj(raw, path, _TRANSITION_KEYS, self.problems)
            if item is None:
                continue
            on = _date(item, "on", path, self.problems)
            values: Json = {
                "from_state": _str(item, "from_state", path, self.problems, required=False),
                "to_state": _str(item, "to_state", path, self.problems),
                "at": (
                    datetime.datetime.combine(on, datetime.time(0, 0), tzinfo=self.zone)
                    if on
                    else None
                ),
                **_text_fields(
                    PlanTransition, "reason", _texts(item, "reason", path, self.problems)
                ),
            }
            if result and values["from_state"] != result[-1][1]["to_state"]:
                self.problems.add(
                    f"{path}.from_state", "must be the previous state change's to_state"
                )
            if result and on and result[-1][1]["at"] and values["at"] < result[-1][1]["at"]:
                self.problems.add(f"{path}.on", "state changes must be in time order")
            result.append((path, values))
        return result

    def _read_phases(self, items: list[Any], plan_path: str) -> list[tuple[str, Json]]:
        result: list[tuple[str, Json]] = []
        for index, raw in enumerate(items):
            path = f"{plan_path}.phases[{index}]"
            item = _obj(raw, path, _PHASE_KEYS, self.problems)
            if item is None:
                continue
            values: Json = {
                "kind": _str(item, "kind", path, self.problems),
                "starts_on": _date(item, "starts_on", path, self.problems),
                "ends_on": _date(item, "ends_on", path, self.problems, nullable=True),
                # Approximate dates (the source gives none): shown as planned, and left
                # out of generated documents (publications).
                "dates_are_tentative": _optional_bool(
                    item, "dates_are_tentative", path, self.problems
                ),
                **_translated("title", _texts(item, "title", path, self.problems)),
                **_translated("description", _texts(item, "description", path, self.problems)),
            }
            result.append((path, values))
        return result

    def _meetings(
        self,
        items: Iterable[Any],
        plans: dict[str, ActionPlan],
        organisations: dict[str, Organisation],
    ) -> None:
        """Create missing meetings with their agenda, groups and participants."""
        for index, raw in enumerate(items):
            path = f"meetings[{index}]"
            item = _obj(raw, path, _MEETING_KEYS, self.problems)
            if item is None:
                continue
            spec = self._read_meeting(item, path)
            plan_slug = spec.pop("plan_slug")
            plan = plans.get(plan_slug) if plan_slug is not None else None
            plan_deleted = f"action plan {plan_slug}" in self.report.kept_deleted
            if plan_slug is not None and plan_slug not in self.plan_slugs:
                self.problems.add(f"{path}.plan", f"no action plan {plan_slug!r} in the file")
            participants: list[Organisation] = []
            for i, org_slug in enumerate(spec.pop("organisation_slugs")):
                organisation = organisations.get(org_slug) if isinstance(org_slug, str) else None
                if organisation is not None:
                    participants.append(organisation)
                elif org_slug not in self.organisation_slugs:
                    self.problems.add(
                        f"{path}.participating_organisations[{i}]",
                        f"no organisation {org_slug!r} in the file",
                    )
            others = spec.pop("others")
            agenda = spec.pop("agenda")
            publications = spec.pop("publications")
            url_not_stated = spec.pop("url_not_stated")
            collectivity_unknown = spec.pop("collectivity_unknown")
            slug = spec["slug"]
            if not slug or Meeting.objects.filter(slug=slug).exists():
                continue
            if _was_deleted(Meeting, slug=slug):
                self.report.kept_deleted.append(f"meeting {slug}")
                continue
            if plan_slug is not None and plan is None:
                if plan_deleted:
                    self.report.kept_deleted.append(f"meeting {slug} (its plan was deleted)")
                continue  # otherwise the plan is broken: already reported
            if self.network is None or collectivity_unknown:
                continue  # already reported: no network, or an unknown collectivity code
            meeting = Meeting(network=self.network, plan=plan, **spec)
            if not self._save_meeting(meeting, path, url_not_stated):
                continue
            self._created("meeting", slug)
            meeting.participating_collectivities.set(others)
            meeting.participating_organisations.set(participants)
            # The participating collectivities are part of the search text.
            meeting.search_text = meeting_build_search_text(meeting)
            Meeting.objects.filter(pk=meeting.pk).update(search_text=meeting.search_text)
            self._create_agenda(meeting, agenda)
            if publications:
                self.pending_publications.append((meeting, publications))

    def _read_meeting(self, item: Json, path: str) -> Json:
        """Check one meeting of the file; return its model values and references."""
        problems = self.problems
        code = _optional_ref(item, "collectivity", path, problems)
        collectivity = self._collectivity(code, f"{path}.collectivity")
        texts = {
            key: _texts(item, key, path, problems, required=key in ("title", "description"))
            for key in ("title", "description", "venue_name", "address", "city")
        }
        starts_at = _local(item, "starts_at", path, problems, self.zone)
        ends_at = _local(item, "ends_at", path, problems, self.zone)
        if not _bool(item, "time_stated", path, problems) and starts_at and ends_at:
            unstated_span = (starts_at.time(), ends_at.time()) == (UNSTATED_START, UNSTATED_END)
            if not unstated_span or starts_at.date() != ends_at.date():
                problems.add(
                    f"{path}.starts_at",
                    "a meeting whose time is not stated runs from 00:00 to 23:59 of one day",
                )
        url_stated = item.get("online_url_stated", True)
        if not isinstance(url_stated, bool):
            problems.add(f"{path}.online_url_stated", "true or false is required")
        others: list[Collectivity] = []
        for i, other in enumerate(_list(item, "participating_collectivities", path, problems)):
            other_path = f"{path}.participating_collectivities[{i}]"
            if not isinstance(other, str):
                problems.add(other_path, "a collectivity code is expected")
            elif (found := self._collectivity(other, other_path)) is not None:
                others.append(found)
        spec: Json = {
            "slug": _str(item, "slug", path, problems),
            "collectivity": collectivity,
            "kind": _str(item, "kind", path, problems),
            "format": _str(item, "format", path, problems),
            "online_url": _str(item, "online_url", path, problems, required=False),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "is_published": _bool(item, "is_published", path, problems),
            **{
                name: value
                for key, values in texts.items()
                for name, value in _translated(key, values).items()
            },
            # References and children, popped by the caller:
            "plan_slug": _optional_ref(item, "plan", path, problems),
            "organisation_slugs": _list(item, "participating_organisations", path, problems),
            "others": others,
            "agenda": self._read_agenda(_list(item, "agenda", path, problems), path),
            "publications": self._read_publications(item, path),
            "url_not_stated": url_stated is False,
            "collectivity_unknown": code is not None and collectivity is None,
        }
        return spec

    def _save_meeting(self, meeting: Meeting, path: str, url_not_stated: bool) -> bool:
        """Save a meeting; tolerate only a missing link the source never gave (past).

        The model lets any past online meeting go without a link; reference data is
        stricter: the file must say the source gives none, and "past" is judged at
        ``self.now`` (so tests can load the data as of a given day).
        """
        errors: dict[str, list[str]] = {}
        try:
            meeting.full_clean()
        except ValidationError as exc:
            errors = dict(exc.message_dict)
        link_needed = (
            meeting.format
            in (
                Meeting.Format.ONLINE,
                Meeting.Format.HYBRID,
            )
            and not meeting.online_url
        )
        link_excused = url_not_stated and meeting.ends_at is not None and meeting.ends_at < self.now
        if link_needed and not link_excused:
            errors.setdefault("online_url", [str(_("Give the link of an online meeting."))])
        elif link_needed:
            errors.pop("online_url", None)
        if errors:
            self.problems.model_errors(path, ValidationError(errors), _FIELD_KEYS)
            return False
        meeting._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        meeting.save()
        return True

    def _read_agenda(self, items: list[Any], meeting_path: str) -> list[tuple[str, Json, list]]:
        result: list[tuple[str, Json, list[tuple[str, Json]]]] = []
        for index, raw in enumerate(items):
            path = f"{meeting_path}.agenda[{index}]"
            item = _obj(raw, path, _AGENDA_KEYS, self.problems)
            if item is None:
                continue
            values: Json = {
                "start_time": _time(item, "start_time", path, self.problems),
                "end_time": _time(item, "end_time", path, self.problems),
                "kind": _str(item, "kind", path, self.problems),
                **_translated("title", _texts(item, "title", path, self.problems)),
                **_translated(
                    "description",
                    _texts(item, "description", path, self.problems, required=False),
                ),
                **_translated(
                    "speakers", _texts(item, "speakers", path, self.problems, required=False)
                ),
            }
            groups: list[tuple[str, Json]] = []
            for group_index, raw_group in enumerate(_list(item, "groups", path, self.problems)):
                group_path = f"{path}.groups[{group_index}]"
                group = _obj(raw_group, group_path, _GROUP_KEYS, self.problems)
                if group is None:
                    continue
                groups.append(
                    (
                        group_path,
                        {
                            **_translated("name", _texts(group, "name", group_path, self.problems)),
                            **_translated(
                                "topic",
                                _texts(group, "topic", group_path, self.problems, required=False),
                            ),
                            "room": _str(group, "room", group_path, self.problems, required=False),
                            "facilitator": _str(
                                group, "facilitator", group_path, self.problems, required=False
                            ),
                            "rapporteur": _str(
                                group, "rapporteur", group_path, self.problems, required=False
                            ),
                        },
                    )
                )
            if groups and values["kind"] != AgendaItem.Kind.BREAKOUT:
                self.problems.add(f"{path}.kind", "an item with groups must be of kind breakout")
            result.append((path, values, groups))
        return result

    def _create_agenda(self, meeting: Meeting, agenda: list[tuple[str, Json, list]]) -> None:
        for order, (path, values, groups) in enumerate(agenda, start=1):
            item = AgendaItem(meeting=meeting, order=order, **values)
            if not self._save(item, path):
                continue
            self._created("agenda item", f"{meeting.slug} #{order}")
            for group_order, (group_path, group_values) in enumerate(groups, start=1):
                group = BreakoutGroup(agenda_item=item, order=group_order, **group_values)
                if self._save(group, group_path):
                    self._created("breakout group", f"{meeting.slug} #{order}.{group_order}")
