"""Fixtures of the publications tests: the real 11 July 2023 Béni Mellal workshop.

The meeting is built with the shared factories from the facts of the commune's press
release and agenda (``/work/shared/seeds/README.md``, sections 1 and 2), in our own
words: second co-creation workshop of the openness action programme, Tuesday
11 July 2023 at 10:00 (Africa/Casablanca), at the "Mghila" social and cultural centre
(المركز الاجتماعي الثقافي «مغيلة»), with the Equality, Equal Opportunities and Gender
Approach Body; adoption planned at the council's October 2023 session; agenda 09:30
reception, 10:00 opening and presentations, 10:30–10:55 two parallel groups.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from infitah.accounts.models import CollectivityRole, Organisation, OrganisationRepresentative, User
from infitah.meetings.models import AgendaItem, Meeting
from infitah.network.models import Network, Partner
from infitah.plans.models import ActionPlan, Phase
from infitah.publications.models import Publication
from infitah.territories.models import Collectivity
from tests import factories
from tests.sample_map import small_map

CASABLANCA = ZoneInfo("Africa/Casablanca")
WORKSHOP_SLUG = "beni-mellal-2023-07-11-co-creation-workshop-2"
EQUALITY_BODY_AR = "هيئة المساواة وتكافؤ الفرص ومقاربة النوع"
VENUE_AR = "المركز الاجتماعي الثقافي «مغيلة»"
VENUE_FR = "Centre social et culturel « Mghila »"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """An aware datetime at Casablanca wall-clock time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=CASABLANCA)


@dataclass
class BeniMellal:
    """The objects of the Béni Mellal 2023 process the tests need."""

    network: Network
    commune: Collectivity
    other_commune: Collectivity
    plan: ActionPlan
    workshop: Meeting
    first_workshop: Meeting
    information_meeting: Meeting
    training: Meeting
    body: Organisation


@pytest.fixture
def beni_mellal(db: None) -> BeniMellal:
    """The commune, its 2023 plan, the 11 July workshop and the earlier steps."""
    network = factories.NetworkFactory(
        slug="morocco-open-collectivities",
        name_ar="الشبكة المغربية للجماعات الترابية المنفتحة",
        name_fr="Réseau marocain des collectivités territoriales ouvertes",
        founded_on=datetime.date(2022, 10, 21),
        founding_regions=12,
        founding_provincial_councils=4,
        founding_communes=50,
    )
    for order, (code, name_ar, name_fr) in enumerate(
        [
            ("transparency", "الشفافية", "Transparence"),
            ("accountability", "المساءلة", "Reddition des comptes"),
            (
                "access_to_information",
                "الحق في الحصول على المعلومات",
                "Droit d'accès à l'information",
            ),
            ("citizen_participation", "المشاركة المواطنة", "Participation citoyenne"),
            ("digitalisation", "الرقمنة", "Digitalisation"),
        ]
    ):
        network.principles.create(code=code, name_ar=name_ar, name_fr=name_fr, order=order)
    partners = [
        (
            "dgct",
            "DGCT",
            Partner.Kind.GOVERNMENT,
            "المديرية العامة للجماعات الترابية (وزارة الداخلية)",
            "Direction générale des collectivités territoriales (ministère de l'Intérieur)",
        ),
        (
            "arm",
            "ARM",
            Partner.Kind.ASSOCIATION_OF_COLLECTIVITIES,
            "جمعية جهات المغرب",
            "Association des régions du Maroc",
        ),
        (
            "impact",
            "",
            Partner.Kind.CIVIL_SOCIETY,
            "جمعية أمباكت للتنمية",
            "Impact for Development",
        ),
    ]
    for order, (code, acronym, kind, name_ar, name_fr) in enumerate(partners):
        Partner.objects.create(
            network=network,
            code=code,
            acronym=acronym,
            kind=kind,
            name_ar=name_ar,
            name_fr=name_fr,
            order=order,
        )
    units = small_map()
    commune = units["commune"]
    other_commune = factories.CommuneFactory(name_fr="Kasba Tadla", name_ar="قصبة تادلة")
    factories.MembershipFactory(network=network, collectivity=commune, cohort="2023")
    plan = factories.ActionPlanFactory(
        collectivity=commune,
        slug="05-091-01-01-2023",
        title_ar="برنامج عمل الانفتاح لجماعة بني ملال",
        title_fr="Programme d'action d'ouverture de la commune de Béni Mellal",
        start_month=datetime.date(2023, 1, 1),
        end_month=datetime.date(2027, 9, 1),
        state=ActionPlan.State.CO_CREATION,
        planned_adoption_month=datetime.date(2023, 10, 1),
    )
    phases = [
        (
            Phase.Kind.CO_CREATION,
            (2023, 3, 14),
            (2023, 7, 11),
            "ورشات الإعداد المشترك",
            "Ateliers de co-création",
        ),
        (
            Phase.Kind.DRAFTING,
            (2023, 7, 12),
            (2023, 9, 30),
            "صياغة مسودة البرنامج",
            "Rédaction du projet de programme",
        ),
        (
            Phase.Kind.CONSULTATION,
            (2023, 7, 12),
            (2023, 9, 30),
            "الاستشارة حول المسودة",
            "Consultation sur le projet",
        ),
        (
            Phase.Kind.ADOPTION,
            (2023, 10, 1),
            (2023, 10, 31),
            "المصادقة في دورة أكتوبر 2023",
            "Adoption à la session d'octobre 2023",
        ),
    ]
    for order, (kind, starts, ends, title_ar, title_fr) in enumerate(phases):
        factories.PhaseFactory(
            plan=plan,
            kind=kind,
            starts_on=datetime.date(*starts),
            ends_on=datetime.date(*ends),
            title_ar=title_ar,
            title_fr=title_fr,
            order=order,
        )
    body = factories.OrganisationFactory(
        name=EQUALITY_BODY_AR,
        slug="beni-mellal-equality-body",
        kind=Organisation.Kind.CONSULTATIVE_BODY,
        collectivity=commune,
    )
    workshop = factories.MeetingFactory(
        network=network,
        plan=plan,
        collectivity=commune,
        slug=WORKSHOP_SLUG,
        kind=Meeting.Kind.CO_CREATION_WORKSHOP,
        title_ar="الورشة الثانية للإعداد المشترك لبرنامج عمل الانفتاح",
        title_fr="Deuxième atelier de co-création du programme d'action d'ouverture",
        venue_name_ar=VENUE_AR,
        venue_name_fr=VENUE_FR,
        city_ar="بني ملال",
        city_fr="Béni Mellal",
        starts_at=local(2023, 7, 11, 10, 0),
        ends_at=local(2023, 7, 11, 10, 55),
    )
    workshop.participating_organisations.add(body)
    reception = factories.AgendaItemFactory(
        meeting=workshop,
        order=1,
        kind=AgendaItem.Kind.RECEPTION,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
        title_ar="استقبال المشاركات والمشاركين",
        title_fr="Accueil des participants",
    )
    opening = factories.AgendaItemFactory(
        meeting=workshop,
        order=2,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(10, 30),
        title_ar="الافتتاح وتقديم الشبكة والبرنامج ومنهجية العمل",
        title_fr="Ouverture, présentation du réseau, du programme et de la méthode de travail",
        description_ar=(
            "كلمة افتتاحية لرئيس الجماعة أو من ينوب عنه.\n"
            "عرض حول الشبكة والجدولة الزمنية لبرنامج الانفتاح.\n"
            "تقديم منهجية العمل."
        ),
        description_fr=(
            "Mot d'ouverture du président de la commune ou de son représentant.\n"
            "Présentation du réseau et du calendrier du programme d'ouverture.\n"
            "Présentation de la méthode de travail."
        ),
    )
    groups = factories.AgendaItemFactory(
        meeting=workshop,
        order=3,
        kind=AgendaItem.Kind.BREAKOUT,
        start_time=datetime.time(10, 30),
        end_time=datetime.time(10, 55),
        title_ar="ورشة عمل",
        title_fr="Atelier",
    )
    for order, (name_ar, name_fr) in enumerate(
        [("المجموعة الأولى", "Groupe 1"), ("المجموعة الثانية", "Groupe 2")]
    ):
        factories.BreakoutGroupFactory(
            agenda_item=groups,
            order=order,
            name_ar=name_ar,
            name_fr=name_fr,
            topic_ar="مناقشة مشاريع الانفتاح",
            topic_fr="Discussion des projets d'ouverture",
        )
    assert reception and opening
    first_workshop = factories.MeetingFactory(
        network=network,
        plan=plan,
        collectivity=commune,
        slug="beni-mellal-2023-03-14-co-creation-workshop-1",
        title_ar="الورشة الأولى للإعداد المشترك لبرنامج عمل الانفتاح",
        title_fr="Premier atelier de co-création du programme d'action d'ouverture",
        venue_name_ar=VENUE_AR,
        venue_name_fr=VENUE_FR,
        city_ar="بني ملال",
        city_fr="Béni Mellal",
        starts_at=local(2023, 3, 14, 10, 0),
        ends_at=local(2023, 3, 14, 12, 0),
    )
    information_meeting = factories.MeetingFactory(
        network=network,
        plan=None,
        collectivity=None,
        kind=Meeting.Kind.AWARENESS,
        slug="network-2023-01-12-openness-programme-information-meeting",
        title_ar="لقاء تواصلي حول برنامج الانفتاح",
        title_fr="Réunion d'information sur le programme d'ouverture",
        venue_name_ar="مقر ولاية جهة مراكش-آسفي",
        venue_name_fr="Siège de la wilaya de la région Marrakech-Safi",
        city_ar="مراكش",
        city_fr="Marrakech",
        starts_at=local(2023, 1, 12, 10, 0),
        ends_at=local(2023, 1, 12, 13, 0),
    )
    information_meeting.participating_collectivities.add(commune)
    training = factories.MeetingFactory(
        network=network,
        plan=None,
        collectivity=None,
        kind=Meeting.Kind.TRAINING,
        format=Meeting.Format.ONLINE,
        online_url="https://meet.example.org/infitah-training",
        slug="network-2023-02-22-openness-remote-training",
        title_ar="تكوين عن بعد حول مبادئ الانفتاح ومنهجيته",
        title_fr="Formation à distance sur les principes et la méthode de l'ouverture",
        venue_name_ar="",
        venue_name_fr="",
        city_fr="",
        starts_at=local(2023, 2, 22, 10, 0),
        ends_at=local(2023, 2, 22, 12, 0),
    )
    training.participating_collectivities.add(commune)
    return BeniMellal(
        network=network,
        commune=commune,
        other_commune=other_commune,
        plan=plan,
        workshop=workshop,
        first_workshop=first_workshop,
        information_meeting=information_meeting,
        training=training,
        body=body,
    )


# --- Personas of the permission matrix -------------------------------------------------


def _role(collectivity: Collectivity, role: str) -> User:
    return factories.CollectivityRoleFactory(collectivity=collectivity, role=role).user


PERSONAS = (
    "anonymous",
    "citizen",
    "cso_representative",
    "admin",
    "editor",
    "moderator",
    "information_officer",
    "other_admin",
    "coordinator",
)
#: Personas allowed to generate, edit and publish the commune's documents.
WRITERS = frozenset({"admin", "editor", "coordinator"})


@pytest.fixture
def persona(beni_mellal: BeniMellal) -> Callable[[str], User | None]:
    """``persona(name)`` returns the user of a persona (``None`` for anonymous)."""

    def make(name: str) -> User | None:
        commune = beni_mellal.commune
        Role = CollectivityRole.Role
        if name == "anonymous":
            return None
        if name == "citizen":
            return factories.UserFactory()
        if name == "cso_representative":
            user = factories.UserFactory()
            organisation = factories.OrganisationFactory(collectivity=commune)
            OrganisationRepresentative.objects.create(
                organisation=organisation, user=user, is_approved=True
            )
            return user
        if name == "other_admin":
            return _role(beni_mellal.other_commune, Role.ADMIN)
        if name == "coordinator":
            return factories.NetworkRoleFactory(network=beni_mellal.network).user
        return _role(commune, getattr(Role, name.upper()))

    return make


def publish(publication: Publication) -> Publication:
    """Mark ``publication`` published (bypassing the services, for fixtures)."""
    publication.published_at = local(2023, 7, 8, 12, 0)
    publication.save()
    return publication
