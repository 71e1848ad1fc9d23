"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from infitah.accounts.models import CollectivityRole, NetworkRole, Organisation, User
from infitah.network.models import CharterSection, CharterVersion, Membership, Network, Partner
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
