"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from infitah.accounts.models import CollectivityRole, NetworkRole, Organisation, User
from infitah.meetings.models import AgendaItem, BreakoutGroup, Meeting, Registration
from infitah.network.models import CharterSection, CharterVersion, Membership, Network, Partner
from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase
from infitah.territories.models import Collectivity


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("correct horse battery staple")
    preferred_language = "ar"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Collectivity
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    kind = Collectivity.Kind.REGION
    code = factory.Sequence(lambda n: f"{90 + n % 10:02d}" if n < 10 else f"R{n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    population_2024 = 1_000_000

    @factory.post_generation
    def finish(obj: Collectivity, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.region = obj
            obj.search_text = obj.build_search_text()
            obj.save(update_fields=["region", "search_text"])


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Collectivity

    kind = Collectivity.Kind.PROVINCE
    parent = factory.SubFactory(RegionFactory)
    region = factory.SelfAttribute("parent")
    code = factory.Sequence(lambda n: f"P.{n:04d}")
    name_ar = factory.Sequence(lambda n: f"إقليم {n}")
    name_fr = factory.Sequence(lambda n: f"Province {n}")
    slug = factory.Sequence(lambda n: f"province-{n}")
    population_2024 = 300_000
    search_text = factory.LazyAttribute(lambda o: f"{o.name_fr} {o.code}".lower())


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Collectivity
        skip_postgeneration_save = True

    kind = Collectivity.Kind.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)
    region = factory.LazyAttribute(lambda o: o.parent.region)
    code = factory.Sequence(lambda n: f"C.{n:06d}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    area_type = Collectivity.AreaType.RURAL
    population_2024 = 20_000

    @factory.post_generation
    def finish(obj: Collectivity, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.search_text = obj.build_search_text()
            obj.save(update_fields=["search_text"])


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    slug = "test-network"
    name_ar = "الشبكة"
    name_fr = "Le réseau"
    name_en = "The network"
    founded_on = datetime.date(2022, 10, 21)
    founding_regions = 12
    founding_provincial_councils = 4
    founding_communes = 50


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    network = factory.SubFactory(NetworkFactory)
    code = factory.Sequence(lambda n: f"partner-{n}")
    name_fr = factory.Sequence(lambda n: f"Partenaire {n}")
    kind = Partner.Kind.CIVIL_SOCIETY


class CharterVersionFactory(DjangoModelFactory):
    class Meta:
        model = CharterVersion

    network = factory.SubFactory(NetworkFactory)
    version = factory.Sequence(lambda n: f"1.{n}")
    effective_on = datetime.date(2022, 10, 21)


class CharterSectionFactory(DjangoModelFactory):
    class Meta:
        model = CharterSection

    charter = factory.SubFactory(CharterVersionFactory)
    kind = CharterSection.Kind.PURPOSE
    title_fr = "Objet"
    body_fr = "Texte"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    collectivity = factory.SubFactory(CommuneFactory)
    status = Membership.Status.ACTIVE
    cohort = "2023"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association {n}")
    slug = factory.Sequence(lambda n: f"association-{n}")
    is_verified = True


class CollectivityRoleFactory(DjangoModelFactory):
    class Meta:
        model = CollectivityRole

    user = factory.SubFactory(UserFactory, is_staff=True)
    collectivity = factory.SubFactory(CommuneFactory)
    role = CollectivityRole.Role.ADMIN


class NetworkRoleFactory(DjangoModelFactory):
    class Meta:
        model = NetworkRole

    user = factory.SubFactory(UserFactory, is_staff=True)
    network = factory.SubFactory(NetworkFactory)
    role = NetworkRole.Role.COORDINATOR


class ActionPlanFactory(DjangoModelFactory):
    """A published plan in co-creation for a commune, 2026-01 to 2027-12."""

    class Meta:
        model = ActionPlan

    collectivity = factory.SubFactory(CommuneFactory)
    slug = factory.Sequence(lambda n: f"plan-{n}")
    title_ar = factory.Sequence(lambda n: f"برنامج عمل الانفتاح {n}")
    title_fr = factory.Sequence(lambda n: f"Programme d'action d'ouverture {n}")
    start_month = datetime.date(2026, 1, 1)
    end_month = datetime.date(2027, 12, 1)
    state = ActionPlan.State.CO_CREATION
    is_published = True


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = Phase

    plan = factory.SubFactory(ActionPlanFactory)
    kind = Phase.Kind.CO_CREATION
    starts_on = datetime.date(2026, 3, 1)
    ends_on = datetime.date(2026, 7, 31)


class FollowUpCommitteeFactory(DjangoModelFactory):
    class Meta:
        model = FollowUpCommittee

    plan = factory.SubFactory(ActionPlanFactory)
    name_fr = "Comité de suivi"
    name_ar = "لجنة التتبع"


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(FollowUpCommitteeFactory)
    person_name = factory.Sequence(lambda n: f"Membre {n}")
    side = CommitteeMember.Side.CIVIL_SOCIETY
    gender = CommitteeMember.Gender.FEMALE


class MeetingFactory(DjangoModelFactory):
    """A published co-creation workshop of a plan, one week from now, two hours long."""

    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    plan = factory.SubFactory(ActionPlanFactory)
    collectivity = factory.LazyAttribute(lambda o: o.plan.collectivity if o.plan else None)
    kind = Meeting.Kind.CO_CREATION_WORKSHOP
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    title_ar = factory.Sequence(lambda n: f"ورشة الإعداد المشترك {n}")
    title_fr = factory.Sequence(lambda n: f"Atelier de co-création {n}")
    venue_name_fr = "Centre culturel"
    venue_name_ar = "المركز الثقافي"
    city_fr = "Ville"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    is_published = True


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    start_time = datetime.time(10, 0)
    end_time = datetime.time(10, 30)
    title_fr = factory.Sequence(lambda n: f"Point {n}")
    title_ar = factory.Sequence(lambda n: f"نقطة {n}")


class BreakoutGroupFactory(DjangoModelFactory):
    class Meta:
        model = BreakoutGroup

    agenda_item = factory.SubFactory(AgendaItemFactory, kind=AgendaItem.Kind.BREAKOUT)
    name_fr = factory.Sequence(lambda n: f"Groupe {n}")
    name_ar = factory.Sequence(lambda n: f"المجموعة {n}")


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
