"""Reads of the publications app: what the public may see, and a meeting's facts.

:func:`meeting_facts` gathers, in one language, everything a generated document says
about a meeting (organiser, date and time in words, place, agenda, participating
bodies, the plan's next steps, the network and its partners) with a fixed number of
queries; :mod:`infitah.publications.services` renders those facts with the text
templates. Public pages read through :func:`public_publications` only, so a draft, or
a publication of an unpublished meeting or plan, is never shown to the public.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import Organisation
from infitah.meetings.models import AgendaItem, BreakoutGroup, Meeting
from infitah.network.models import Membership, Network, Partner, Principle
from infitah.plans.models import ActionPlan, Phase
from infitah.publications import wording
from infitah.publications.models import Publication
from infitah.publications.wording import Language

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
else:
    StrOrPromise = str

#: The permission that lets staff see, generate, edit and publish a meeting's documents.
CHANGE_PERM = "publications.change_publication"

#: How far back the "earlier steps" of a press release look (days before the meeting).
EARLIER_STEPS_DAYS = 365
#: At most this many earlier steps and next steps are listed.
MAX_STEPS = 8


# --- Public reads ------------------------------------------------------------------


def public_publications() -> QuerySet[Publication]:
    """Publications the public may read: published, of a published meeting and plan."""
    return Publication.objects.filter(
        published_at__isnull=False, meeting__is_published=True
    ).filter(Q(meeting__plan__isnull=True) | Q(meeting__plan__is_published=True))


def _with_meeting(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    return queryset.select_related(
        "meeting", "meeting__collectivity", "meeting__network", "meeting__plan", "edited_by"
    )


def is_public(publication: Publication) -> bool:
    """True when ``publication`` is one :func:`public_publications` returns (no query).

    Needs ``publication.meeting`` and its plan loaded (see :func:`publication_for_reader`).
    """
    meeting = publication.meeting
    return (
        publication.published_at is not None
        and meeting.is_published
        and (meeting.plan_id is None or meeting.plan.is_published)  # type: ignore[union-attr]
    )


def publication_for_reader(
    *, user: Any, slug: str, kind: str, language: str
) -> tuple[Publication, bool]:
    """Return the publication a reader asked for, and whether it is a staff preview.

    The public sees published publications of public meetings only; staff holding
    ``publications.change_publication`` for the meeting also see drafts (the second
    value is then ``True`` for a publication the public cannot see).

    Raises:
        Http404: no such publication, or the reader may not see it (drafts are not
            distinguishable from missing ones).
    """
    if kind not in Publication.Kind.values or language not in Publication.Language.values:
        raise Http404("No such publication.")
    publication = (
        _with_meeting(Publication.objects.all())
        .filter(meeting__slug=slug, kind=kind, language=language)
        .first()
    )
    if publication is None:
        raise Http404("No such publication.")
    if is_public(publication):
        return publication, False
    if getattr(user, "is_authenticated", False) and user.has_perm(CHANGE_PERM, publication):
        return publication, True
    raise Http404("No such publication.")


def other_versions(publication: Publication, *, include_drafts: bool) -> list[Publication]:
    """The meeting's other publications (other kinds and languages), in model order.

    Public readers get the public ones only; staff (``include_drafts``) every one.
    One query.
    """
    queryset = (Publication.objects.all() if include_drafts else public_publications()).filter(
        meeting_id=publication.meeting_id
    )
    return [p for p in queryset.order_by("kind", "language") if p.pk != publication.pk]


def published_for_meeting(meeting: Meeting) -> list[Publication]:
    """The public publications of ``meeting``, by kind then language (for its page)."""
    return list(public_publications().filter(meeting=meeting).order_by("kind", "language"))


# --- Staff reads -------------------------------------------------------------------


def meeting_for_staff(slug: str) -> Meeting:
    """Return the meeting with this slug (published or not), with its owners loaded.

    Raises:
        Http404: no meeting has this slug.
    """
    meeting = (
        Meeting.objects.select_related("collectivity", "network", "plan").filter(slug=slug).first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


@dataclass(frozen=True)
class DocumentSlot:
    """One of the six documents a meeting can have (3 kinds × 2 languages)."""

    kind: str
    kind_label: str
    language: str
    language_label: str
    publication: Publication | None

    @property
    def status(self) -> str:
        """``missing``, ``draft`` or ``published``."""
        if self.publication is None:
            return "missing"
        return "published" if self.publication.is_published else "draft"


def document_slots(meeting: Meeting) -> list[DocumentSlot]:
    """Return the six document slots of ``meeting``, with the existing publications.

    Order: press release, invitation, agenda; Arabic then French. One query.
    """
    existing = {
        (p.kind, p.language): p
        for p in Publication.objects.filter(meeting=meeting).select_related("edited_by")
    }
    slots = []
    for kind, kind_label in Publication.Kind.choices:
        for language, language_label in Publication.Language.choices:
            slots.append(
                DocumentSlot(
                    kind=kind,
                    kind_label=str(kind_label),
                    language=language,
                    language_label=str(language_label),
                    publication=existing.get((kind, language)),
                )
            )
    return slots


# --- The facts of a meeting, in one language ----------------------------------------


@dataclass(frozen=True)
class GroupLine:
    """A parallel group of an agenda slot."""

    name: str
    topic: str
    room: str
    facilitator: str
    rapporteur: str


@dataclass(frozen=True)
class AgendaLine:
    """An agenda item, its slot written out, and its parallel groups."""

    day: int
    slot: str
    kind: str
    title: str
    description: str
    speakers: str
    groups: tuple[GroupLine, ...]

    @property
    def is_parallel(self) -> bool:
        """True when the slot is split into two or more parallel groups."""
        return len(self.groups) > 1


@dataclass(frozen=True)
class AgendaDay:
    """The agenda lines of one day of the meeting (``label`` empty for one-day meetings)."""

    number: int
    label: str
    lines: tuple[AgendaLine, ...]


@dataclass(frozen=True)
class StepLine:
    """An earlier meeting or a next phase of the process: when and what."""

    when: str
    what: str
    where: str = ""


@dataclass
class MeetingFacts:
    """What a generated document says about one meeting, in one language.

    Every text is already in ``language`` (the ``_ar``/``_fr`` column, or the other
    language's when missing: ``missing`` then names the field). Dates and times are
    in the meeting's local time zone (``settings.TIME_ZONE``), written out.
    """

    language: Language
    meeting_slug: str
    meeting_kind: str
    meeting_kind_words: str
    title: str
    description: str
    organiser: str
    organiser_is_masculine: bool
    council: str
    council_of: str
    is_network_meeting: bool
    collectivity_name: str
    network_name: str
    network_of: str
    date: str
    date_short: str
    time: str
    clock: str
    end_date: str
    end_clock: str
    venue: str
    at_venue: str
    address: str
    city: str
    online_url: str
    is_online: bool
    is_in_person: bool
    is_cancelled: bool
    cancellation_reason: str
    is_past: bool
    plan_title: str
    adoption_session: str
    agenda: tuple[AgendaDay, ...]
    consultative_bodies: tuple[str, ...]
    organisations: tuple[str, ...]
    participating_collectivities: tuple[str, ...]
    earlier_steps: tuple[StepLine, ...]
    next_steps: tuple[StepLine, ...]
    is_member: bool
    member_since: str
    network_founded: str
    network_founding: str
    principles: tuple[str, ...]
    supervisors: tuple[str, ...]
    partners: tuple[str, ...]
    registration_open: bool
    registration_closes: str
    capacity: int | None
    meeting_url: str
    missing: list[StrOrPromise] = field(default_factory=list)

    @property
    def consultative_bodies_text(self) -> str:
        """The consultative bodies joined as in a sentence."""
        return wording.join_words(self.consultative_bodies, self.language)

    @property
    def organisations_text(self) -> str:
        """The other organisations joined as in a sentence."""
        return wording.join_words(self.organisations, self.language)

    @property
    def participating_collectivities_text(self) -> str:
        """The participating collectivities joined as in a sentence."""
        return wording.join_words(self.participating_collectivities, self.language)

    @property
    def principles_text(self) -> str:
        """The network's principles joined as in a sentence (lower case in French)."""
        names = self.principles
        if self.language == "fr":
            names = tuple(name[:1].lower() + name[1:] for name in names)
        return wording.join_words(names, self.language)

    @property
    def supervisors_text(self) -> str:
        """Supervising partners (government bodies) joined as in a sentence."""
        return wording.join_words(self.supervisors, self.language)

    @property
    def partners_text(self) -> str:
        """The other partners joined as in a sentence."""
        return wording.join_words(self.partners, self.language)

    @property
    def has_parallel_groups(self) -> bool:
        """True when some agenda slot is split into parallel groups."""
        return any(line.is_parallel for day in self.agenda for line in day.lines)


#: Labels of the fields whose translation may be missing (shown to staff in their language).
_FIELD_LABELS: dict[str, StrOrPromise] = {
    "title": _("title of the meeting"),
    "description": _("description of the meeting"),
    "venue_name": _("venue"),
    "address": _("address"),
    "city": _("city"),
    "cancellation_reason": _("reason for cancellation"),
    "agenda": _("agenda"),
    "plan": _("title of the action plan"),
}


class _Reader:
    """Read a translated column in the document's language, noting what is missing."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.other = "fr" if language == "ar" else "ar"
        self.missing: list[StrOrPromise] = []

    def __call__(
        self, obj: Any, name: str, *, label: StrOrPromise = "", required: bool = True
    ) -> str:
        own = getattr(obj, f"{name}_{self.language}", None)
        if own is None and not hasattr(obj, f"{name}_{self.language}"):
            # Not a translated field (e.g. an organisation's name).
            return str(getattr(obj, name, "") or "")
        if own:
            return str(own)
        fallback = (
            getattr(obj, f"{name}_{self.other}", None) or getattr(obj, f"{name}_en", None) or ""
        )
        if fallback and required and label and label not in self.missing:
            self.missing.append(label)
        return str(fallback)


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


def _meeting_url(meeting: Meeting, language: str) -> str:
    try:
        with translation.override(language):
            return reverse("meetings:detail", kwargs={"slug": meeting.slug})
    except NoReverseMatch:  # the meetings pages are not installed
        return ""


def _agenda(meeting: Meeting, read: _Reader, start: datetime.date) -> tuple[AgendaDay, ...]:
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("day", "start_time", "order", "pk")
        .prefetch_related(
            Prefetch("groups", queryset=BreakoutGroup.objects.order_by("order", "pk"))
        )
    )
    language = read.language
    by_day: dict[int, list[AgendaLine]] = {}
    for item in items:
        groups = tuple(
            GroupLine(
                name=read(group, "name", label=_FIELD_LABELS["agenda"]),
                topic=read(group, "topic", label=_FIELD_LABELS["agenda"], required=False),
                room=group.room,
                facilitator=group.facilitator,
                rapporteur=group.rapporteur,
            )
            for group in item.groups.all()
        )
        by_day.setdefault(item.day, []).append(
            AgendaLine(
                day=item.day,
                slot=wording.time_range(item.start_time, item.end_time, language),
                kind=item.kind,
                title=read(item, "title", label=_FIELD_LABELS["agenda"]),
                description=" ".join(
                    read(item, "description", label=_FIELD_LABELS["agenda"], required=False).split()
                ),
                speakers=" ".join(
                    read(item, "speakers", label=_FIELD_LABELS["agenda"], required=False).split()
                ),
                groups=groups,
            )
        )
    several_days = len(by_day) > 1 or any(day > 1 for day in by_day)
    days = []
    for number in sorted(by_day):
        label = ""
        if several_days:
            label = wording.date_words(start + datetime.timedelta(days=number - 1), language)
        days.append(AgendaDay(number=number, label=label, lines=tuple(by_day[number])))
    return tuple(days)


def _earlier_steps(meeting: Meeting, read: _Reader) -> tuple[StepLine, ...]:
    """Published meetings of the same process before this one (plan, network trainings)."""
    condition = Q()
    if meeting.plan_id:
        condition |= Q(plan_id=meeting.plan_id)
    if meeting.collectivity_id:
        condition |= Q(
            collectivity__isnull=True, participating_collectivities=meeting.collectivity_id
        )
    if not condition:
        return ()
    since = meeting.starts_at - datetime.timedelta(days=EARLIER_STEPS_DAYS)
    earlier = list(
        Meeting.objects.published()
        .filter(condition, starts_at__lt=meeting.starts_at, starts_at__gte=since)
        .filter(is_cancelled=False)
        .exclude(pk=meeting.pk)
        .distinct()
        .order_by("-starts_at", "-pk")[:MAX_STEPS]
    )
    language = read.language
    steps = []
    for other in reversed(earlier):
        where = read(other, "venue_name", required=False)
        city = read(other, "city", required=False)
        if other.format == Meeting.Format.ONLINE:
            where = "عن بعد" if language == "ar" else "à distance"
        elif city and city not in where:
            where = f"{where}، {city}" if language == "ar" else f"{where}, {city}"
        steps.append(
            StepLine(
                when=wording.date_words(_local(other.starts_at).date(), language),
                what=read(other, "title", required=False),
                where=where.strip("، ,"),
            )
        )
    return tuple(steps)


def _next_steps(plan: ActionPlan, read: _Reader, after: datetime.date) -> tuple[StepLine, ...]:
    """Phases of the plan that start after the meeting's day (adoption said apart)."""
    phases = Phase.objects.filter(plan=plan, starts_on__gt=after).order_by(
        "starts_on", "order", "pk"
    )
    if plan.planned_adoption_month:
        phases = phases.exclude(kind=Phase.Kind.ADOPTION)
    language = read.language
    steps = []
    for phase in phases[:MAX_STEPS]:
        title = read(phase, "title", required=False) or wording.PHASE_KIND_WORDS[language].get(
            phase.kind, phase.kind
        )
        # Tentative dates are not announced as facts: the step is named without them.
        when = (
            ""
            if phase.dates_are_tentative
            else wording.period_words(phase.starts_on, phase.ends_on, language)
        )
        steps.append(StepLine(when=when, what=title))
    return tuple(steps)


def _network_facts(network: Network, collectivity_id: int | None, read: _Reader) -> dict[str, Any]:
    language = read.language
    counts = wording.FOUNDING_COUNTS[language]
    founding = wording.join_words(
        [
            wording.count_words(network.founding_regions, counts["regions"], language)
            if network.founding_regions
            else "",
            wording.count_words(network.founding_provincial_councils, counts["councils"], language)
            if network.founding_provincial_councils
            else "",
            wording.count_words(network.founding_communes, counts["communes"], language)
            if network.founding_communes
            else "",
        ],
        language,
    )
    principles = tuple(
        read(p, "name", required=False)
        for p in Principle.objects.filter(network=network).order_by("order", "pk")
    )
    supervisors: list[str] = []
    partners: list[str] = []
    for partner in Partner.objects.filter(network=network).order_by("order", "pk"):
        name = read(partner, "name", required=False)
        # Latin acronyms are left out of Arabic text, and never doubled: "(DGCT) (…)".
        if language == "fr" and partner.acronym and partner.acronym not in name and "(" not in name:
            name = f"{name} ({partner.acronym})"
        (supervisors if partner.kind in wording.SUPERVISING_PARTNER_KINDS else partners).append(
            name
        )
    membership = None
    if collectivity_id is not None:
        membership = (
            Membership.objects.public()
            .filter(network=network, collectivity_id=collectivity_id)
            .first()
        )
    return {
        "network_founded": wording.date_words(network.founded_on, language, weekday=False)
        if network.founded_on
        else "",
        "network_founding": founding,
        "principles": tuple(p for p in principles if p),
        "supervisors": tuple(supervisors),
        "partners": tuple(partners),
        "is_member": membership is not None,
        "member_since": wording.date_words(membership.joined_on, language, weekday=False)
        if membership is not None and membership.joined_on
        else "",
    }


def meeting_facts(
    meeting: Meeting, language: Language, *, now: datetime.datetime | None = None
) -> MeetingFacts:
    """Gather what the documents of ``meeting`` say, in ``language`` (``"ar"``/``"fr"``).

    Reads the meeting's ``_ar``/``_fr`` columns, its collectivity, network, plan and
    phases, agenda and parallel groups, participating organisations and
    collectivities, earlier meetings of the process (the plan's, and the network's
    meetings the collectivity took part in, within :data:`EARLIER_STEPS_DAYS`), the
    network's principles and partners and the collectivity's membership. About a dozen
    queries whatever the size of the agenda.

    Returns:
        A :class:`MeetingFacts`; ``missing`` lists the fields written in the other
        language because the document's language was empty.
    """
    read = _Reader(language)
    meeting = Meeting.objects.select_related("collectivity", "network", "plan").get(pk=meeting.pk)
    collectivity = meeting.collectivity
    network = meeting.network
    start, end = _local(meeting.starts_at), _local(meeting.ends_at)
    network_name = read(network, "name", required=False)

    if collectivity is not None:
        name = read(collectivity, "name", required=False)
        organiser = wording.unit_name(collectivity.kind, name, language)
        council = wording.council_name(collectivity.kind, language)
        masculine = collectivity.kind in wording.AR_MASCULINE_UNITS
    else:
        name = ""
        organiser = network_name
        council = ""
        masculine = False

    organisations = list(
        meeting.participating_organisations.order_by("name").only("name", "kind", "acronym")
    )
    bodies = tuple(
        read(o, "name") for o in organisations if o.kind == Organisation.Kind.CONSULTATIVE_BODY
    )
    others = tuple(
        read(o, "name") for o in organisations if o.kind != Organisation.Kind.CONSULTATIVE_BODY
    )
    collectivities = tuple(
        wording.unit_name(c.kind, read(c, "name", required=False), language)
        for c in meeting.participating_collectivities.order_by("code")
    )

    plan = meeting.plan
    plan_title = read(plan, "title", label=_FIELD_LABELS["plan"]) if plan is not None else ""
    adoption = ""
    next_steps: tuple[StepLine, ...] = ()
    if plan is not None:
        if plan.planned_adoption_month and plan.state in (
            ActionPlan.State.PREPARATION,
            ActionPlan.State.CO_CREATION,
            ActionPlan.State.CONSULTATION,
        ):
            adoption = wording.session_words(plan.planned_adoption_month, language)
        next_steps = _next_steps(plan, read, start.date())

    venue = read(meeting, "venue_name", label=_FIELD_LABELS["venue_name"])
    facts = MeetingFacts(
        language=language,
        meeting_slug=meeting.slug,
        meeting_kind=meeting.kind,
        meeting_kind_words=wording.MEETING_KIND_WORDS[language].get(meeting.kind, ""),
        title=read(meeting, "title", label=_FIELD_LABELS["title"]),
        description=read(meeting, "description", label=_FIELD_LABELS["description"]),
        organiser=organiser,
        organiser_is_masculine=masculine,
        network_of=wording.of_article_fr(network_name) if language == "fr" else network_name,
        council=council,
        council_of=wording.of_article_fr(council) if language == "fr" and council else council,
        is_network_meeting=collectivity is None,
        collectivity_name=name,
        network_name=network_name,
        date=wording.date_words(start.date(), language),
        date_short=wording.date_words(start.date(), language, weekday=False),
        time=wording.time_words(start.time(), language),
        clock=wording.clock(start.time(), language),
        end_date=wording.date_words(end.date(), language) if end.date() != start.date() else "",
        end_clock=wording.clock(end.time(), language),
        venue=venue,
        at_venue=wording.in_place_ar(venue) if language == "ar" else venue,
        address=read(meeting, "address", label=_FIELD_LABELS["address"]),
        city=read(meeting, "city", label=_FIELD_LABELS["city"]),
        online_url=meeting.online_url,
        is_online=meeting.format in (Meeting.Format.ONLINE, Meeting.Format.HYBRID),
        is_in_person=meeting.format in (Meeting.Format.IN_PERSON, Meeting.Format.HYBRID),
        is_cancelled=meeting.is_cancelled,
        cancellation_reason=read(
            meeting, "cancellation_reason", label=_FIELD_LABELS["cancellation_reason"]
        ),
        is_past=meeting.ends_at < (now or timezone.now()),
        plan_title=plan_title,
        adoption_session=adoption,
        agenda=_agenda(meeting, read, start.date()),
        consultative_bodies=bodies,
        organisations=others,
        participating_collectivities=collectivities,
        earlier_steps=_earlier_steps(meeting, read),
        next_steps=next_steps,
        registration_open=meeting.registration_enabled and not meeting.is_cancelled,
        registration_closes=wording.date_words(
            _local(meeting.registration_closes_at).date(), language
        )
        if meeting.registration_closes_at
        else "",
        capacity=meeting.capacity,
        meeting_url=_meeting_url(meeting, language),
        **_network_facts(network, meeting.collectivity_id, read),
    )
    facts.missing = read.missing
    return facts


# --- A document as pages and PDFs show it -------------------------------------------


@dataclass(frozen=True)
class DocumentView:
    """A publication ready to print: its furniture in the document's own language.

    The web page and the PDF render the same ``publications/includes/document.html``
    with this object, whatever the language of the surrounding page.
    """

    publication: Publication
    language: str
    direction: str
    kind_word: str
    issuer: str
    network_name: str
    title: str
    published_on: str
    blocks: tuple[wording.Block, ...]
    words: dict[str, str]

    @property
    def shows_kind(self) -> bool:
        """False when the title already starts with the kind ("بلاغ صحفي: ...")."""
        return not self.title.startswith(self.kind_word)

    @property
    def header_line(self) -> str:
        """The issuer and the network, as the PDF's running header shows them."""
        if self.network_name and self.network_name != self.issuer:
            return f"{self.issuer} — {self.network_name}"
        return self.issuer

    @property
    def filename(self) -> str:
        """The PDF's file name: ASCII, from the meeting's slug, kind and language."""
        meeting = self.publication.meeting
        return f"{meeting.slug}-{self.publication.kind.replace('_', '-')}-{self.language}.pdf"


def document_view(publication: Publication) -> DocumentView:
    """Return the printable view of ``publication`` (no query when its meeting's
    collectivity and network are loaded, as :func:`publication_for_reader` does).
    """
    language: Language = "ar" if publication.language == "ar" else "fr"
    meeting = publication.meeting
    read = _Reader(language)
    network_name = read(meeting.network, "name", required=False)
    collectivity = meeting.collectivity
    if collectivity is not None:
        issuer = wording.unit_name(
            collectivity.kind, read(collectivity, "name", required=False), language
        )
        if language == "fr":
            issuer = issuer[:1].upper() + issuer[1:]
    else:
        issuer = network_name
    words = wording.DOCUMENT_WORDS[language]
    published_on = ""
    if publication.published_at is not None:
        day = _local(publication.published_at).date()
        published_on = f"{words['published']} {wording.date_words(day, language, weekday=False)}"
    return DocumentView(
        publication=publication,
        language=language,
        direction="rtl" if language == "ar" else "ltr",
        kind_word=wording.PUBLICATION_KIND_WORDS[language][publication.kind],
        issuer=issuer,
        network_name=network_name,
        title=publication.title,
        published_on=published_on,
        blocks=tuple(wording.body_blocks(publication.body)),
        words=words,
    )
