"""Synthetic data at scale for the benchmark (``bench/run.py --scale small|full``).

Fills the benchmark's own database (never a user's) with rows that look like a few
years of the network's life, written directly with ``bulk_create`` — never through the
services, which would take hours and send e-mails — and then bumps the public-content
version (bulk writes send no signals) and refreshes the query planner's statistics.

Every row is marked as synthetic where it is visible:

- information requests: reference ``SYN-<collectivity code>-<year>-<sequence>`` (the
  services' own references have no prefix, so they never collide), no requester
  account, no personal data, ``information_requested`` starts with
  :data:`SYNTHETIC_NOTE`;
- action plans, meetings, library documents: slug starting with ``syn-``, and
  :data:`SYNTHETIC_NOTE` in the summary or description; documents link to
  ``https://example.org/infitah-bench/…`` (no file is stored).

What is generated (``full``; ``small`` is about a twentieth, for a quick check):

- 100,000 information requests over the member collectivities (weighted by the square
  root of the population: big towns get more), received over the last three years,
  with a realistic mix of statuses (recent ones still open, older ones decided, with
  ``working_days_taken`` and ``answered_on_time``; refusals with a legal ground and
  text; published answers), all in the public register, and complaints to the head of
  the collectivity, some taken on to the CDAI and to court;
- one published action plan per commune that has none yet (about 1,500), with eight
  phases and the state changes up to its current state;
- 20,000 meetings over the collectivities (attached to their plan), 4–6 agenda items
  each and two parallel breakout groups in a quarter of them;
- 10,000 library documents (Arabic, French, English) with extracted text of 1–40
  KB, principles, some good practices, indexed with
  :func:`infitah.library.search.rebuild` (the library's own bulk indexer).

Each step is timed; :func:`generate` returns the row counts and the timings.
"""

from __future__ import annotations

import datetime
import functools
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

#: Written where a synthetic row has a free-text field, so nobody mistakes it for data.
SYNTHETIC_NOTE = "[synthetic benchmark data — bench/scale.py]"
SYNTHETIC_PREFIX = "syn-"
LINK_BASE = "https://example.org/infitah-bench/"
#: Arabic query of the library-search target (two words; "على" is a stop-word).
LIBRARY_QUERY = "الحصول على المعلومات"
#: Arabic query of the register-search target.
REGISTER_QUERY = "ميزانية الجماعة"

T = TypeVar("T")


@dataclass(frozen=True)
class Scale:
    """How much synthetic data to generate (``requests`` over ``years`` years)."""

    name: str
    requests: int
    meetings: int
    plan_share: float  # share of communes without a plan that get one
    documents: int
    years: int = 3

    @property
    def is_empty(self) -> bool:
        return not (self.requests or self.meetings or self.plan_share or self.documents)


SCALES = {
    "none": Scale("none", requests=0, meetings=0, plan_share=0.0, documents=0),
    "small": Scale("small", requests=5_000, meetings=1_000, plan_share=0.1, documents=500),
    "full": Scale("full", requests=100_000, meetings=20_000, plan_share=1.0, documents=10_000),
}


# --- Words -----------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


AR_GENERIC = _words(
    "الجماعة المجلس الجماعي الرئيس المواطنين المواطنات الساكنة الجمعيات المجتمع المدني "
    "الإدارة المصالح الخدمات التنمية المحلية البرنامج المشروع الالتزامات الشفافية الانفتاح "
    "المشاركة المساءلة الحكامة الجيدة التقرير السنوي الدورة العادية المداولات المقرر "
    "المحضر الوثيقة المعطيات الموقع الإلكتروني السجل العمومي التتبع التقييم الشراكة "
    "الاتفاقية الميزانية الموارد النفقات الاستثمار التجهيز الطرق الإنارة العمومية النظافة "
    "النقل الحضري الماء الصالح للشرب التطهير السائل المساحات الخضراء الأسواق الأسبوعية "
    "التعمير رخص البناء البيئة الثقافة الرياضة الشباب النساء الأطفال الأشخاص في وضعية إعاقة "
    "الهيئة الاستشارية المساواة تكافؤ الفرص مقاربة النوع العرائض الملتمسات الاستشارة العمومية "
    "ورشة التكوين التحسيس اللقاء التواصلي الإعداد المشترك برنامج عمل الانفتاح الشبكة"
)
AR_CONNECTORS = ("في", "من", "على", "إلى", "مع", "حول", "لدى", "و", "عبر", "خلال")
AR_TOPICS = {
    "access": "الحق الحصول المعلومات طلبات المكلف القانون 31.13 الأجل الرفض التظلم اللجنة",
    "budget": "ميزانية الجماعة الاعتمادات المداخيل الجبايات الحساب الإداري الفائض العجز",
    "procurement": "الصفقات العمومية طلبات العروض دفتر التحملات المتنافسين النتائج المقاولات",
    "participation": "الديمقراطية التشاركية هيئات الحوار التشاور العرائض آليات المشاركة",
    "digital": "الرقمنة البوابة البيانات المفتوحة التطبيق المنصة الخدمات الرقمية الأرشيف",
    "environment": "النفايات المنزلية التدبير المفوض الغابات المياه التغيرات المناخية",
    "integrity": "النزاهة تضارب المصالح التصريح بالممتلكات الرقابة المفتشية المجلس الجهوي",
    "gender": "تمكين المرأة المساواة بين الجنسين النوع الاجتماعي الميزانية المستجيبة",
}
FR_GENERIC = _words(
    "la commune le conseil communal les citoyens la société civile les associations "
    "l'administration les services le développement local le programme le projet les "
    "engagements la transparence l'ouverture la participation la redevabilité la "
    "gouvernance le rapport annuel la session ordinaire la délibération le procès-verbal "
    "le budget les ressources les dépenses l'investissement la voirie l'éclairage public "
    "la propreté le transport urbain l'eau potable l'assainissement les espaces verts les "
    "marchés l'urbanisme les permis de construire l'environnement la culture le sport les "
    "jeunes les femmes l'instance consultative l'égalité des chances l'approche genre les "
    "pétitions la consultation publique l'atelier la formation la sensibilisation le réseau"
)
FR_TOPICS = {
    "access": "droit d'accès à l'information demande délai refus réclamation commission",
    "budget": "budget communal crédits recettes fiscalité compte administratif excédent",
    "procurement": "marchés publics appel d'offres cahier des charges soumissionnaires",
    "participation": "démocratie participative instances de dialogue concertation pétitions",
    "digital": "numérique portail données ouvertes application plateforme archives",
    "environment": "déchets ménagers gestion déléguée forêts eau changement climatique",
    "integrity": "intégrité conflit d'intérêts déclaration de patrimoine contrôle inspection",
    "gender": "autonomisation des femmes égalité femmes-hommes budget sensible au genre",
}
EN_GENERIC = _words(
    "the commune council citizens civil society associations administration services "
    "local development programme project commitments transparency openness participation "
    "accountability governance annual report session deliberation minutes budget "
    "resources spending investment roads lighting waste transport water sanitation parks "
    "markets planning permits environment culture sport youth women consultative body "
    "equal opportunities gender petitions public consultation workshop training network"
)
AR_SUBJECTS = (
    "نسخة من ميزانية الجماعة لسنة {year}",
    "محضر الدورة العادية لشهر {month} {year}",
    "لائحة المنح الممنوحة للجمعيات سنة {year}",
    "دفتر التحملات الخاص بصفقة {work}",
    "عدد رخص البناء المسلمة خلال سنة {year}",
    "الحساب الإداري للجماعة برسم سنة {year}",
    "برنامج عمل الجماعة وتقرير تتبعه",
    "كلفة مشروع {work} ومصادر تمويله",
    "نتائج طلب العروض المتعلق ب{work}",
    "لائحة الموظفين المكلفين باستقبال المرتفقين",
    "عقد التدبير المفوض لقطاع {work}",
    "مقررات المجلس المتعلقة ب{work}",
    "معطيات حول استهلاك الماء والكهرباء بالمرافق الجماعية",
    "تصميم التهيئة وآجال مراجعته",
    "تقرير المجلس الجهوي للحسابات حول الجماعة",
)
FR_SUBJECTS = (
    "Copie du budget de la commune pour {year}",
    "Procès-verbal de la session ordinaire de {month} {year}",
    "Liste des subventions aux associations en {year}",
    "Cahier des charges du marché de {work}",
    "Nombre de permis de construire délivrés en {year}",
    "Coût du projet de {work} et son financement",
    "Contrat de gestion déléguée de {work}",
)
AR_WORKS = (
    "تهيئة الطرق",
    "الإنارة العمومية",
    "جمع النفايات",
    "النقل الحضري",
    "تهيئة المساحات الخضراء",
    "بناء السوق الأسبوعي",
    "تأهيل دار الشباب",
    "التطهير السائل",
)
FR_WORKS = ("voirie", "éclairage public", "collecte des déchets", "transport urbain")
AR_MONTHS = ("فبراير", "ماي", "أكتوبر")
FR_MONTHS = ("février", "mai", "octobre")

# --- Helpers -------------------------------------------------------------------------------


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float], k: int) -> list[T]:
    return rng.choices(items, weights=weights, k=k) if items and k else []


def _ar_sentence(rng: random.Random, topic: str | None = None, words: int = 12) -> str:
    pool = AR_GENERIC + (AR_TOPICS[topic].split() * 3 if topic else [])
    out: list[str] = []
    for index in range(words):
        out.append(rng.choice(pool))
        if index % 3 == 2:
            out.append(rng.choice(AR_CONNECTORS))
    return " ".join(out) + "."


def _fr_sentence(rng: random.Random, topic: str | None = None, words: int = 12) -> str:
    pool = FR_GENERIC + (FR_TOPICS[topic].split() * 3 if topic else [])
    text = " ".join(rng.choice(pool) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def _en_sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(EN_GENERIC) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def _paragraphs(
    rng: random.Random, language: str, topic: str, chars: int, names: Sequence[str]
) -> str:
    """About ``chars`` characters of text in ``language`` on ``topic``, with place names."""
    parts: list[str] = []
    size = 0
    while size < chars:
        if language == "ar":
            sentence = _ar_sentence(rng, topic, rng.randint(8, 18))
        elif language == "fr":
            sentence = _fr_sentence(rng, topic, rng.randint(8, 18))
        else:
            sentence = _en_sentence(rng, rng.randint(8, 18))
        if names and rng.random() < 0.3:
            sentence = f"{rng.choice(names)} {sentence}"
        parts.append(sentence)
        size += len(sentence) + 1
        if rng.random() < 0.12:
            parts.append("\n\n")
    return " ".join(parts)


def _weights(collectivities: Sequence[Any]) -> list[float]:
    """Square root of the population (at least 1,000 people); regions and provinces
    weigh like a town of 100,000."""
    out = []
    for c in collectivities:
        if c.kind == "commune":
            out.append(math.sqrt(max(c.population_2024 or 0, 1_000)))
        else:
            out.append(math.sqrt(100_000))
    return out


class _Timer:
    """Times the steps of :func:`generate` and logs them."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self.timings: dict[str, float] = {}

    def run(self, name: str, step: Callable[[], int]) -> int:
        self.log(f"scale: {name} …")
        started = time.monotonic()
        count = step()
        seconds = round(time.monotonic() - started, 1)
        self.timings[name] = seconds
        self.log(f"scale: {name}: {count:,} rows in {seconds} s")
        return count


# --- Generation --------------------------------------------------------------------------


def generate(
    scale: Scale, *, seed: int = 20230711, log: Callable[[str], None] = print, analyze: bool = True
) -> dict[str, Any]:
    """Write ``scale``'s synthetic rows into the current database; return what was done.

    Args:
        scale: one of :data:`SCALES`.
        seed: random seed (the same seed gives the same data on the same reference data).
        log: progress printer.
        analyze: refresh the query planner's statistics at the end (``ANALYZE``), as
            ``load_reference_data`` does after its own load.

    Returns:
        ``{"scale": name, "counts": {table: rows}, "timings_s": {step: seconds}}``.
    """
    from django.db import connection

    from infitah.core.cache import bump_content_version

    timer = _Timer(log)
    counts: dict[str, int] = {}
    if scale.is_empty:
        return {"scale": scale.name, "counts": counts, "timings_s": {}}
    rng = random.Random(seed)
    context = _Context.load()
    now = datetime.datetime.now(datetime.UTC)

    counts["plans"] = timer.run("action plans and phases", lambda: _plans(rng, context, scale))
    counts["meetings"] = timer.run(
        "meetings and agendas", lambda: _meetings(rng, context, scale, now)
    )
    counts["information_requests"] = timer.run(
        "information requests and complaints", lambda: _requests(rng, context, scale, now)
    )
    counts["documents"] = timer.run("library documents", lambda: _documents(rng, context, scale))
    counts["search_entries"] = timer.run("search index (library.document)", _index_documents)

    started = time.monotonic()
    bump_content_version()
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timer.timings["bump content version + ANALYZE"] = round(time.monotonic() - started, 1)
    counts.update(_table_counts())
    return {"scale": scale.name, "counts": counts, "timings_s": timer.timings}


@dataclass
class _Context:
    """Rows the generators share: the network, member collectivities, principles."""

    network: Any
    members: list[Any]
    weights: list[float]
    communes: list[Any]
    principle_ids: list[int]
    names_ar: list[str]
    names_fr: list[str]
    plan_by_collectivity: dict[int, Any]

    @classmethod
    def load(cls) -> _Context:
        from infitah.network.models import Membership, Network, Principle
        from infitah.plans.models import ActionPlan
        from infitah.territories.models import Collectivity

        network = Network.objects.order_by("pk").first()
        if network is None:
            raise RuntimeError("no network: run load_reference_data first")
        member_ids = Membership.objects.filter(network=network).values("collectivity_id")
        members = list(Collectivity.objects.filter(pk__in=member_ids).order_by("pk"))
        plans: dict[int, Any] = {}
        for plan in ActionPlan.objects.filter(is_published=True).order_by("-start_month"):
            plans.setdefault(plan.collectivity_id, plan)
        return cls(
            network=network,
            members=members,
            weights=_weights(members),
            communes=[c for c in members if c.kind == Collectivity.Kind.COMMUNE],
            principle_ids=list(
                Principle.objects.filter(network=network).values_list("pk", flat=True)
            ),
            names_ar=[c.name_ar for c in members if c.name_ar],
            names_fr=[c.name_fr for c in members if c.name_fr],
            plan_by_collectivity=plans,
        )


# --- Action plans ---------------------------------------------------------------------------

_PHASES = (
    # kind, months after the plan's start, length in days (None: open-ended)
    ("information", 0, 20),
    ("training", 1, 10),
    ("co_creation", 2, 90),
    ("drafting", 5, 45),
    ("consultation", 7, 30),
    ("adoption", 9, 1),
    ("implementation", 10, 900),
    ("monitoring", 10, None),
)
_STATE_PATH = ("preparation", "co_creation", "consultation", "adopted", "implementation")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def _plans(rng: random.Random, context: _Context, scale: Scale) -> int:
    from django.db import transaction
    from django.utils.text import slugify

    from infitah.plans.models import ActionPlan, Phase, PlanTransition
    from infitah.plans.services import plan_search_text

    without = [c for c in context.communes if c.pk not in context.plan_by_collectivity]
    chosen = rng.sample(without, round(len(without) * scale.plan_share))
    plans: list[ActionPlan] = []
    for commune in chosen:
        start = datetime.date(rng.choice((2022, 2023, 2024, 2025)), rng.choice((1, 3, 9)), 1)
        state = rng.choices(_STATE_PATH, weights=(1, 2, 1, 1, 4))[0]
        plan = ActionPlan(
            collectivity=commune,
            slug=f"{SYNTHETIC_PREFIX}{slugify(commune.code)}-{start.year}",
            title_ar=f"برنامج عمل الانفتاح ل{commune.name_ar or commune.name_fr}",
            title_fr=f"Programme d'action d'ouverture de {commune.name_fr or commune.name_ar}",
            title_en=f"Openness action programme of {commune.name_fr or commune.name_ar}",
            summary_ar=f"{SYNTHETIC_NOTE} {_ar_sentence(rng, 'participation', 30)}",
            summary_fr=f"{SYNTHETIC_NOTE} {_fr_sentence(rng, 'participation', 30)}",
            start_month=start,
            end_month=_add_months(start, 48),
            state=state,
            planned_adoption_month=_add_months(start, 9),
            adopted_on=(
                _add_months(start, 9) + datetime.timedelta(days=14)
                if _STATE_PATH.index(state) >= 3
                else None
            ),
            is_published=True,
        )
        plan.search_text = plan_search_text(plan)
        plans.append(plan)
    with transaction.atomic():
        ActionPlan.objects.bulk_create(plans, batch_size=500)
        phases: list[Phase] = []
        transitions: list[PlanTransition] = []
        for plan in plans:
            for order, (kind, months, days) in enumerate(_PHASES):
                starts = _add_months(plan.start_month, months) + datetime.timedelta(
                    days=rng.randint(0, 12)
                )
                phases.append(
                    Phase(
                        plan=plan,
                        kind=kind,
                        starts_on=starts,
                        ends_on=starts + datetime.timedelta(days=days) if days else None,
                        dates_are_tentative=months >= 5 and rng.random() < 0.5,
                        order=order,
                    )
                )
            reached = _STATE_PATH.index(plan.state)
            for step in range(1, reached + 1):
                at = datetime.datetime.combine(
                    _add_months(plan.start_month, (2, 7, 9, 10)[step - 1]),
                    datetime.time(10, 0),
                    tzinfo=datetime.UTC,
                )
                transitions.append(
                    PlanTransition(
                        plan=plan,
                        from_state=_STATE_PATH[step - 1],
                        to_state=_STATE_PATH[step],
                        at=at,
                        reason=SYNTHETIC_NOTE,
                    )
                )
        Phase.objects.bulk_create(phases, batch_size=1000)
        PlanTransition.objects.bulk_create(transitions, batch_size=1000)
    for plan in plans:
        context.plan_by_collectivity[plan.collectivity_id] = plan
    return len(plans) + len(phases) + len(transitions)


# --- Meetings ---------------------------------------------------------------------------

_MEETING_KINDS = (
    ("awareness", "لقاء تواصلي حول الانفتاح", "Réunion d'information sur l'ouverture", 3),
    ("training", "دورة تكوينية", "Formation", 2),
    ("co_creation_workshop", "ورشة الإعداد المشترك", "Atelier de co-création", 3),
    ("consultation", "استشارة عمومية", "Consultation publique", 1),
    ("follow_up_committee", "اجتماع لجنة التتبع", "Réunion du comité de suivi", 2),
)
_AGENDA = (
    ("reception", "الاستقبال والتسجيل", "Accueil et inscription", 30),
    ("session", "كلمة افتتاحية", "Mot d'ouverture", 20),
    ("session", "تقديم البرنامج والمنهجية", "Présentation du programme et de la méthode", 40),
    ("breakout", "ورشات موضوعاتية متوازية", "Ateliers thématiques en parallèle", 60),
    ("break", "استراحة", "Pause", 15),
    ("session", "عرض نتائج الورشات والتوصيات", "Restitution et recommandations", 45),
)


def _meetings(rng: random.Random, context: _Context, scale: Scale, now: datetime.datetime) -> int:
    from django.db import transaction

    from infitah.meetings.models import AgendaItem, BreakoutGroup, Meeting
    from infitah.meetings.services import meeting_build_search_text

    organisers = _weighted(rng, context.members, context.weights, scale.meetings)
    first = now - datetime.timedelta(days=365 * scale.years)
    span = (now + datetime.timedelta(days=365)) - first
    kinds = list(_MEETING_KINDS)
    meetings: list[Meeting] = []
    for number, collectivity in enumerate(organisers, start=1):
        kind, title_ar, title_fr, _weight = rng.choices(kinds, weights=[k[3] for k in kinds])[0]
        starts = first + datetime.timedelta(seconds=rng.randrange(int(span.total_seconds())))
        # 09:00–16:00 local (UTC+1 most of the year): whole quarter hours.
        starts = starts.replace(hour=rng.randint(8, 15), minute=rng.choice((0, 15, 30)))
        starts = starts.replace(second=0, microsecond=0)
        upcoming = starts > now
        plan = context.plan_by_collectivity.get(collectivity.pk)
        meeting_format = rng.choices(("in_person", "online", "hybrid"), weights=(7, 2, 1))[0]
        city_ar = collectivity.name_ar or collectivity.name_fr
        meeting = Meeting(
            network=context.network,
            collectivity=collectivity,
            plan=plan,
            kind=kind,
            slug=f"{SYNTHETIC_PREFIX}{number:06d}-{kind.replace('_', '-')}",
            title_ar=f"{title_ar} - {city_ar}",
            title_fr=f"{title_fr} — {collectivity.name_fr or city_ar}",
            description_ar=f"{SYNTHETIC_NOTE} {_ar_sentence(rng, 'participation', 25)}",
            description_fr=f"{SYNTHETIC_NOTE} {_fr_sentence(rng, 'participation', 25)}",
            format=meeting_format,
            venue_name_ar="" if meeting_format == "online" else "مقر الجماعة - قاعة الاجتماعات",
            venue_name_fr="" if meeting_format == "online" else "Siège de la commune",
            city_ar=city_ar,
            city_fr=collectivity.name_fr or "",
            online_url=(f"{LINK_BASE}meetings/{number}" if meeting_format != "in_person" else ""),
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=rng.choice((2, 3, 4, 6))),
            is_published=rng.random() < 0.95,
            is_cancelled=rng.random() < 0.03,
            registration_enabled=upcoming and rng.random() < 0.6,
            registration_opens_at=starts - datetime.timedelta(days=30) if upcoming else None,
            registration_closes_at=starts - datetime.timedelta(days=1) if upcoming else None,
            capacity=rng.choice((None, 30, 50, 80, 120)),
            minutes_ar="" if upcoming else f"{SYNTHETIC_NOTE} {_ar_sentence(rng, None, 60)}",
            minutes_published_at=(
                None if upcoming or rng.random() < 0.5 else starts + datetime.timedelta(days=7)
            ),
        )
        meeting.search_text = meeting_build_search_text(meeting)  # no query: pk is None
        meetings.append(meeting)
    with transaction.atomic():
        Meeting.objects.bulk_create(meetings, batch_size=500)
        items: list[AgendaItem] = []
        breakout_items: list[AgendaItem] = []
        for meeting in meetings:
            local = meeting.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
            clock = datetime.datetime.combine(datetime.date(2000, 1, 1), local.time())
            with_groups = rng.random() < 0.25
            for order, (kind, title_ar, title_fr, minutes) in enumerate(_AGENDA):
                if kind == "breakout" and not with_groups:
                    continue
                if kind == "break" and rng.random() < 0.5:
                    continue
                end = clock + datetime.timedelta(minutes=minutes)
                if end.date() != clock.date():  # keep the items on the meeting's day
                    break
                item = AgendaItem(
                    meeting=meeting,
                    order=order,
                    day=1,
                    start_time=clock.time(),
                    end_time=end.time(),
                    kind=kind,
                    title_ar=title_ar,
                    title_fr=title_fr,
                    speakers_ar="رئيس الجماعة" if order == 1 else "",
                )
                items.append(item)
                if kind == "breakout":
                    breakout_items.append(item)
                clock = end
        AgendaItem.objects.bulk_create(items, batch_size=1000)
        groups = [
            BreakoutGroup(
                agenda_item=item,
                order=order,
                name_ar=f"المجموعة {order + 1}",
                name_fr=f"Groupe {order + 1}",
                topic_ar=_ar_sentence(rng, rng.choice(list(AR_TOPICS)), 6),
                facilitator="",
                rapporteur="",
            )
            for item in breakout_items
            for order in range(2)
        ]
        BreakoutGroup.objects.bulk_create(groups, batch_size=1000)
    return len(meetings) + len(items) + len(groups)


# --- Information requests -------------------------------------------------------------------

# Status of a request decided by now: (status, weight).
_DECIDED = (
    ("answered", 58),
    ("partly_answered", 12),
    ("refused", 13),
    ("transferred", 6),
    ("withdrawn", 3),
)
_OPEN = (("received", 3), ("in_progress", 5), ("clarification", 1), ("extended", 2))
_REFUSAL_GROUNDS = (
    ("private_life", 6),
    ("deliberations", 3),
    ("not_held", 5),
    ("already_published", 3),
    ("abusive", 1),
    ("incomplete", 2),
    ("commercial_secret", 1),
    ("justice", 1),
    ("other", 2),
)


def _working_days_to_calendar(received: datetime.date, working_days: int) -> datetime.date:
    """Approximate: skip Saturdays and Sundays (no holidays; good enough for bench rows)."""
    weeks, left = divmod(working_days, 5)
    day = received + datetime.timedelta(weeks=weeks)
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


class _RegisterSearchText:
    """``register_search_text`` with its folding memoised per part (it is the slow part).

    The product's function folds ``reference subject [answer]`` as one text; folding
    works character by character and collapses separators, so folding the parts apart
    and joining them with a space gives the same text. The first
    :attr:`CHECKS` requests are compared with the product's own function; on any
    difference every later request uses the product's function.
    """

    CHECKS = 200

    def __init__(self, product: Callable[[Any], str]) -> None:
        from infitah.core.text import normalize_for_search

        self.product = product
        self.fold = functools.lru_cache(maxsize=20_000)(normalize_for_search)
        self.checked = 0
        self.trusted = True

    def __call__(self, request: Any) -> str:
        if not self.trusted:
            return self.product(request)
        parts = [request.reference, request.subject]
        if request.released_published_at is not None:
            parts.append(request.released_text)
        text = " ".join(f for f in (self.fold(p) for p in parts if p) if f)
        if self.checked < self.CHECKS:
            self.checked += 1
            expected = self.product(request)
            if text != expected:
                self.trusted = False
                return expected
        return text


def _requests(rng: random.Random, context: _Context, scale: Scale, now: datetime.datetime) -> int:
    from django.db import transaction

    from infitah.access_info.models import Complaint, InformationRequest
    from infitah.access_info.services_public import register_search_text

    targets = _weighted(rng, context.members, context.weights, scale.requests)
    # Published answers come from a pool (their folded text is computed once each).
    answers = [
        _ar_sentence(rng, rng.choice(list(AR_TOPICS)), rng.randint(20, 80)) for _ in range(800)
    ]
    search_text = _RegisterSearchText(register_search_text)
    first = now - datetime.timedelta(days=365 * scale.years)
    seconds = int((now - first).total_seconds())
    received_times = sorted(
        first + datetime.timedelta(seconds=rng.randrange(seconds)) for _ in targets
    )
    sequences: dict[tuple[int, int], int] = {}
    requests: list[InformationRequest] = []
    complaint_specs: list[tuple[int, str, datetime.datetime]] = []
    today = now.date()
    for received, collectivity in zip(received_times, targets, strict=True):
        # Office hours, local time (UTC+1), on a weekday.
        received = received.replace(hour=rng.randint(7, 16), minute=rng.randrange(60))
        while received.weekday() >= 5:
            received -= datetime.timedelta(days=1)
        received_on = received.date()
        key = (collectivity.pk, received_on.year)
        sequences[key] = sequences.get(key, 0) + 1
        is_urgent = rng.random() < 0.04
        limit = 3 if is_urgent else 20
        age_days = (today - received_on).days
        # The older the request, the likelier it is decided.
        decided = age_days > 60 or rng.random() < min(0.9, age_days / 45)
        status = rng.choices(
            [s for s, _ in (_DECIDED if decided else _OPEN)],
            weights=[w for _, w in (_DECIDED if decided else _OPEN)],
        )[0]
        if decided and rng.random() < 0.03 and age_days > 60:
            status = rng.choice(("in_progress", "extended"))  # forgotten, very late
        extended = status == "extended" or (decided and rng.random() < 0.12)
        due_on = _working_days_to_calendar(received_on, limit * (2 if extended else 1))
        days_taken: int | None = None
        closed_at: datetime.datetime | None = None
        on_time: bool | None = None
        if status in ("answered", "partly_answered", "refused", "transferred"):
            if is_urgent:
                days_taken = rng.choice((1, 2, 2, 3, 3, 4, 6))
            else:
                days_taken = max(
                    1, int(rng.lognormvariate(math.log(11), 0.55)) + (10 if extended else 0)
                )
            closed_on = _working_days_to_calendar(received_on, days_taken)
            if closed_on > today:
                closed_on, days_taken = today, max(1, days_taken // 2)
            closed_at = datetime.datetime.combine(
                closed_on, datetime.time(rng.randint(8, 16), 0), tzinfo=datetime.UTC
            )
            on_time = days_taken <= limit * (2 if extended else 1)
        elif status == "withdrawn":
            closed_at = min(now, received + datetime.timedelta(days=rng.randint(2, 20)))
        language_subjects = AR_SUBJECTS if rng.random() < 0.8 else FR_SUBJECTS
        is_ar = language_subjects is AR_SUBJECTS
        subject = rng.choice(language_subjects).format(
            year=received_on.year - rng.choice((0, 0, 1, 2)),
            month=rng.choice(AR_MONTHS if is_ar else FR_MONTHS),
            work=rng.choice(AR_WORKS if is_ar else FR_WORKS),
        )
        published = status in ("answered", "partly_answered") and rng.random() < 0.6
        ground = ""
        if status == "refused":
            ground = rng.choices(
                [g for g, _ in _REFUSAL_GROUNDS], weights=[w for _, w in _REFUSAL_GROUNDS]
            )[0]
        request = InformationRequest(
            reference=(f"SYN-{collectivity.code}-{received_on.year}-{sequences[key]:06d}"),
            collectivity_id=collectivity.pk,
            channel=rng.choices(("online", "paper", "post", "email"), weights=(55, 30, 5, 10))[0],
            subject=subject,
            information_requested=f"{SYNTHETIC_NOTE} {subject}",
            preferred_form=rng.choice(("electronic", "paper", "on_site")),
            is_urgent=is_urgent,
            urgency_reason=SYNTHETIC_NOTE if is_urgent else "",
            status=status,
            received_at=received,
            due_on=due_on,
            extended_at=(
                received + datetime.timedelta(days=rng.randint(15, 27)) if extended else None
            ),
            extension_reason=SYNTHETIC_NOTE if extended else "",
            closed_at=closed_at,
            working_days_taken=days_taken,
            answered_on_time=on_time,
            refusal_ground=ground,
            refusal_text=f"{SYNTHETIC_NOTE} {_ar_sentence(rng, 'access', 14)}" if ground else "",
            transferred_to="الوكالة الحضرية" if status == "transferred" else "",
            released_text=rng.choice(answers) if published else "",
            released_published_at=(
                closed_at + datetime.timedelta(days=rng.randint(0, 10))
                if published and closed_at
                else None
            ),
            fee_amount=rng.choice((0, 0, 0, 0, 10, 25)),
            is_in_register=True,
        )
        request.search_text = search_text(request)
        requests.append(request)
        # Complaints: after a refusal, a partial answer or no answer in time.
        late_open = status in ("received", "in_progress", "extended") and due_on < today
        if status in ("refused", "partly_answered") or late_open or on_time is False:
            chance = {"refused": 0.30, "partly_answered": 0.12}.get(status, 0.15)
            if rng.random() < chance:
                ground_code = {"refused": "refusal", "partly_answered": "partial"}.get(
                    status, "no_answer"
                )
                filed = datetime.datetime.combine(
                    (closed_at.date() if closed_at else due_on)
                    + datetime.timedelta(days=rng.randint(3, 25)),
                    datetime.time(10, 0),
                    tzinfo=datetime.UTC,
                )
                if filed < now:
                    complaint_specs.append((len(requests) - 1, ground_code, filed))
    with transaction.atomic():
        InformationRequest.objects.bulk_create(requests, batch_size=1000)
        complaints: list[Complaint] = []
        for index, ground_code, filed in complaint_specs:
            request = requests[index]
            stage_filed = filed
            for stage, days, escalate in (("head", 30, 0.3), ("cdai", 60, 0.1), ("court", 90, 0)):
                response_due = stage_filed.date() + datetime.timedelta(days=days)
                decided = response_due < today and rng.random() < 0.85
                outcome = (
                    rng.choices(
                        ("upheld", "partly_upheld", "rejected", "withdrawn"),
                        weights=(4, 2, 5, 1),
                    )[0]
                    if decided
                    else "pending"
                )
                complaints.append(
                    Complaint(
                        request=request,
                        stage=stage,
                        ground=ground_code,
                        filed_at=stage_filed,
                        text=SYNTHETIC_NOTE,
                        response_due_on=response_due,
                        outcome=outcome,
                        decided_on=response_due - datetime.timedelta(days=3) if decided else None,
                        outcome_text=SYNTHETIC_NOTE if decided else "",
                    )
                )
                if outcome not in ("rejected", "partly_upheld") or rng.random() >= escalate:
                    break
                stage_filed = datetime.datetime.combine(
                    response_due + datetime.timedelta(days=10),
                    datetime.time(10, 0),
                    tzinfo=datetime.UTC,
                )
                if stage_filed >= now:
                    break
        Complaint.objects.bulk_create(complaints, batch_size=1000)
    return len(requests) + len(complaints)


# --- Library ---------------------------------------------------------------------------

_DOC_KINDS = (
    ("good_practice", 10),
    ("guide", 15),
    ("training_material", 15),
    ("report", 25),
    ("charter", 5),
    ("deliberation", 25),
    ("other", 5),
)
_DOC_TITLES_AR = {
    "good_practice": "تجربة في {topic} - {place}",
    "guide": "دليل {topic} لفائدة الجماعات الترابية",
    "training_material": "عروض الدورة التكوينية حول {topic}",
    "report": "تقرير حول {topic} - {place}",
    "charter": "ميثاق {topic}",
    "deliberation": "مقرر متعلق ب{topic} - {place}",
    "other": "وثيقة حول {topic}",
}
_DOC_TITLES_FR = {
    "good_practice": "Une expérience : {topic} — {place}",
    "guide": "Guide {topic} pour les collectivités territoriales",
    "training_material": "Supports de la formation : {topic}",
    "report": "Rapport sur {topic} — {place}",
    "charter": "Charte {topic}",
    "deliberation": "Délibération relative à {topic} — {place}",
    "other": "Document sur {topic}",
}
_TOPIC_NAMES = {
    "access": ("الحق في الحصول على المعلومات", "le droit d'accès à l'information"),
    "budget": ("الميزانية التشاركية", "le budget participatif"),
    "procurement": ("شفافية الصفقات العمومية", "la transparence des marchés publics"),
    "participation": ("آليات الديمقراطية التشاركية", "la démocratie participative"),
    "digital": ("البيانات المفتوحة", "les données ouvertes"),
    "environment": ("تدبير النفايات", "la gestion des déchets"),
    "integrity": ("النزاهة ومحاربة الفساد", "l'intégrité et la lutte contre la corruption"),
    "gender": ("المساواة ومقاربة النوع", "l'égalité et l'approche genre"),
}


def _documents(rng: random.Random, context: _Context, scale: Scale) -> int:
    from django.db import transaction

    from infitah.library.models import Document, GoodPractice
    from infitah.library.services import document_search_text

    topics = list(_TOPIC_NAMES)
    today = datetime.date.today()  # noqa: DTZ011 - a document's date, no time zone
    documents: list[Document] = []
    owners = _weighted(rng, context.members, context.weights, scale.documents)
    for number, owner in enumerate(owners, start=1):
        kind = rng.choices([k for k, _ in _DOC_KINDS], weights=[w for _, w in _DOC_KINDS])[0]
        language = rng.choices(("ar", "fr", "en"), weights=(60, 35, 5))[0]
        topic = rng.choice(topics)
        collectivity = owner if rng.random() < 0.7 else None
        place_ar = (owner.name_ar or owner.name_fr) if collectivity else "الشبكة"
        place_fr = (owner.name_fr or owner.name_ar) if collectivity else "Réseau"
        title_ar = _DOC_TITLES_AR[kind].format(place=place_ar, topic=_TOPIC_NAMES[topic][0])
        title_fr = _DOC_TITLES_FR[kind].format(place=place_fr, topic=_TOPIC_NAMES[topic][1])
        both = rng.random() < 0.3
        # Text length: mostly a few pages, some long reports.
        chars = int(min(200_000, max(800, rng.lognormvariate(math.log(5_000), 0.9))))
        text_language = language if language != "en" else "fr"
        names = context.names_ar if text_language == "ar" else context.names_fr
        extracted = _paragraphs(rng, text_language, topic, chars, names)
        slug = f"{SYNTHETIC_PREFIX}{number:05d}-{kind.replace('_', '-')}"
        document = Document(
            title_ar=title_ar if language == "ar" or both else "",
            title_fr=title_fr if language != "ar" or both else "",
            title_en="",
            summary_ar=(
                f"{_ar_sentence(rng, topic, 25)} {SYNTHETIC_NOTE}" if language == "ar" else ""
            ),
            summary_fr=(
                f"{_fr_sentence(rng, topic, 25)} {SYNTHETIC_NOTE}" if language != "ar" else ""
            ),
            slug=slug,
            kind=kind,
            language=language,
            collectivity=collectivity,
            issued_on=today - datetime.timedelta(days=rng.randrange(365 * 10)),
            licence=rng.choice(("CC-BY-4.0", "public-domain", "all-rights-reserved")),
            link=f"{LINK_BASE}library/{slug}",
            extraction_status="done",
            extracted_text=extracted,
            extracted_at=datetime.datetime.now(datetime.UTC),
            page_count=max(1, chars // 2_500),
            is_published=rng.random() < 0.97,
        )
        document.search_text = document_search_text(document)
        documents.append(document)
    with transaction.atomic():
        Document.objects.bulk_create(documents, batch_size=200)
        through = Document.principles.through
        links = [
            through(document_id=document.pk, principle_id=principle_id)
            for document in documents
            for principle_id in rng.sample(
                context.principle_ids, min(len(context.principle_ids), rng.randint(1, 3))
            )
        ]
        through.objects.bulk_create(links, batch_size=1000)
        practices = [
            GoodPractice(
                document=document,
                problem=_ar_sentence(rng, None, 20),
                what_was_done=_ar_sentence(rng, None, 40),
                results=_ar_sentence(rng, None, 20),
                contacts="",
                cost_note=SYNTHETIC_NOTE,
            )
            for document in documents
            if document.kind == "good_practice"
        ]
        GoodPractice.objects.bulk_create(practices, batch_size=500)
    return len(documents) + len(links) + len(practices)


def _index_documents() -> int:
    from infitah.library import indexing, search

    search.ensure_schema()
    return search.rebuild([indexing.DOCUMENT_TYPE], batch_size=500)[indexing.DOCUMENT_TYPE]


def _table_counts() -> dict[str, int]:
    from infitah.access_info.models import Complaint, InformationRequest
    from infitah.library.models import Document, SearchEntry
    from infitah.meetings.models import AgendaItem, BreakoutGroup, Meeting
    from infitah.plans.models import ActionPlan, Phase

    return {
        "total_information_requests": InformationRequest.objects.count(),
        "total_complaints": Complaint.objects.count(),
        "total_action_plans": ActionPlan.objects.count(),
        "total_phases": Phase.objects.count(),
        "total_meetings": Meeting.objects.count(),
        "total_agenda_items": AgendaItem.objects.count(),
        "total_breakout_groups": BreakoutGroup.objects.count(),
        "total_documents": Document.objects.count(),
        "total_search_entries": SearchEntry.objects.count(),
    }


def register_query_matches() -> int:
    """How many register requests the register-search target's query matches."""
    from infitah.access_info import selectors

    return selectors.register_requests(selectors.RegisterFilters(query=REGISTER_QUERY)).count()


def library_query_matches() -> int:
    """How many published documents the library-search target's query matches."""
    from infitah.library import indexing, search

    return search.search_count(LIBRARY_QUERY, object_types=[indexing.DOCUMENT_TYPE])
