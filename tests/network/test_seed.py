"""The network seed: content in three languages, known members only, idempotence."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from infitah.core.cache import current_content_version
from infitah.core.text import normalize_for_search
from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)
from infitah.network.services import (
    NETWORK_SEED_PATH,
    SeedError,
    demo_content_load,
    demo_content_remove,
    network_load_seed,
)
from infitah.territories.models import Collectivity

pytestmark = pytest.mark.django_db
LANGS = ("ar", "fr", "en")
SEED_DOCUMENT = Path("/work/shared/seeds/000_1be1e406fd7417e2.txt")


def total_history_rows() -> int:
    return sum(
        model.history.count()  # type: ignore[attr-defined]
        for model in (Network, Principle, Partner, CharterVersion, CharterSection, Membership)
    )


def test_seed_content(seeded_network: Network) -> None:
    network = seeded_network
    assert network.slug == "morocco-open-collectivities"
    assert network.name_ar == "الشبكة المغربية للجماعات الترابية المنفتحة"  # type: ignore[attr-defined]
    assert network.name_fr == "Réseau marocain des collectivités territoriales ouvertes"  # type: ignore[attr-defined]
    assert network.name_en == "Moroccan Network of Open Territorial Collectivities"  # type: ignore[attr-defined]
    assert all(getattr(network, f"description_{lang}") for lang in LANGS)
    assert str(network.founded_on) == "2022-10-21"
    assert (network.founding_regions, network.founding_provincial_councils) == (12, 4)
    assert network.founding_communes == 50
    assert network.is_member_list_complete is False

    principles = list(network.principles.all())
    assert [p.code for p in principles] == [
        "transparency",
        "accountability",
        "access_to_information",
        "citizen_participation",
        "digitalisation",
    ]
    for principle in principles:
        for lang in LANGS:
            assert getattr(principle, f"name_{lang}")
            assert getattr(principle, f"description_{lang}")

    partners = {p.code: p for p in network.partners.all()}
    assert set(partners) == {"dgct", "arm", "impact-for-development"}
    assert partners["dgct"].kind == Partner.Kind.GOVERNMENT
    assert partners["arm"].kind == Partner.Kind.ASSOCIATION_OF_COLLECTIVITIES
    assert partners["impact-for-development"].kind == Partner.Kind.CIVIL_SOCIETY
    assert "Ministry of the Interior" in partners["dgct"].name_en  # type: ignore[attr-defined]
    for partner in partners.values():
        assert all(getattr(partner, f"role_{lang}") for lang in LANGS)
        assert "2022" in partner.role_en  # type: ignore[attr-defined]

    charter = network.charters.get()
    assert charter.version == "1.0" and str(charter.effective_on) == "2022-10-21"
    sections = list(charter.sections.all())
    assert [s.kind for s in sections] == [
        "preamble",
        "purpose",
        "open_collectivity",
        "goals",
        "values",
        "commitments",
    ]
    for section in sections:
        for lang in LANGS:
            assert getattr(section, f"title_{lang}")
            assert len(getattr(section, f"body_{lang}")) > 40


def test_members_are_the_twelve_regions_and_beni_mellal(seeded_network: Network) -> None:
    memberships = Membership.objects.filter(network=seeded_network).select_related("collectivity")
    by_code = {m.collectivity.code: m for m in memberships}
    regions = set(Collectivity.objects.regions().values_list("code", flat=True))
    assert set(by_code) == regions | {"05.091.01.01"}
    assert len(by_code) == 13
    for code in regions:
        founding = by_code[code]
        assert founding.is_founding_member and founding.cohort == "founding"
        assert str(founding.joined_on) == "2022-10-21"
        assert founding.status == Membership.Status.ACTIVE
        assert "2022" in founding.source
    beni_mellal = by_code["05.091.01.01"]
    assert beni_mellal.joined_on is None  # undocumented: never guessed
    assert beni_mellal.cohort == "2023" and not beni_mellal.is_founding_member
    assert "July 2023" in beni_mellal.source


def test_seed_is_idempotent_and_never_overwrites_edits(seeded_network: Network) -> None:
    rows, version = total_history_rows(), current_content_version()
    report = network_load_seed()
    assert report.created == [] and not report.changed
    assert total_history_rows() == rows
    assert current_content_version() == version

    # A coordinator edits a principle, a membership and deletes a partner in the admin.
    principle = seeded_network.principles.get(code="transparency")
    principle.name_en = "Openness of information"  # type: ignore[attr-defined]
    principle.save()
    membership = Membership.objects.get(collectivity__code="05.091.01.01")
    membership.joined_on = membership.created_at.date().replace(year=2023, month=1, day=12)
    membership.focal_point_name = "Focal point"
    membership.save()
    seeded_network.partners.get(code="arm").delete()
    Membership.objects.get(collectivity__code="12").delete()

    report = network_load_seed()
    assert report.created == []
    assert sorted(report.kept_deleted) == sorted(
        ["partner arm", "membership of 12 Dakhla-Oued Ed-Dahab"]
    )
    principle.refresh_from_db()
    assert principle.name_en == "Openness of information"  # type: ignore[attr-defined]
    membership.refresh_from_db()
    assert str(membership.joined_on) == "2023-01-12"
    assert membership.focal_point_name == "Focal point"
    assert not seeded_network.partners.filter(code="arm").exists()
    assert seeded_network.memberships.count() == 12


def test_missing_rows_are_created_again(seeded_network: Network) -> None:
    """A principle missing without a deletion record (e.g. a new seed entry) is added."""
    Principle.objects.filter(code="digitalisation").delete()
    Principle.history.filter(code="digitalisation").delete()  # type: ignore[attr-defined]
    version = current_content_version()
    report = network_load_seed()
    assert report.created == ["principle digitalisation"]
    assert seeded_network.principles.count() == 5
    assert current_content_version() > version


def test_seed_needs_the_territories(db: None) -> None:
    with pytest.raises(CommandError, match="load_territories"):
        call_command("load_network", stdout=StringIO())
    assert not Network.objects.exists()  # one transaction: nothing half-written


def test_bad_seed_file(tmp_path: Path, db: None) -> None:
    bad = tmp_path / "seed.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SeedError, match="seed.json"):
        network_load_seed(seed_path=bad)


@pytest.mark.parametrize(
    "content",
    [
        "{}",  # no "network" key
        "[]",  # not an object
        '{"network": {"slug": "x"}}',  # missing keys
        '{"network": {"slug": "x", "country_code": "MA", "founded_on": "2022-02-30"}}',
    ],
)
def test_malformed_seed_file_is_a_command_error(
    tmp_path: Path, content: str, commune_a: object
) -> None:
    """A hand-edited seed with a missing key or a bad date: a clear error, nothing written."""
    bad = tmp_path / "seed.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match="seed.json"):
        call_command("load_network", seed=bad, stdout=StringIO())
    assert not Network.objects.exists()


def test_load_reference_data_twice(db: None) -> None:
    first = StringIO()
    call_command("load_reference_data", stdout=first)
    assert "Territories loaded" in first.getvalue()
    assert "rows created" in first.getvalue()
    rows, version = total_history_rows(), current_content_version()
    second = StringIO()
    call_command("load_reference_data", stdout=second)
    assert "Territories already up to date" in second.getvalue()
    assert "already up to date" in second.getvalue().splitlines()[-1]
    assert total_history_rows() == rows
    assert current_content_version() == version
    assert Membership.objects.count() == 13
    quiet = StringIO()
    call_command("load_reference_data", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


def test_demo_content_is_labelled_and_removable(seeded_network: Network) -> None:
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    demo = Membership.objects.filter(cohort="demo")
    assert demo.count() == 6
    assert all(m.source == "DEMO — sample data" for m in demo)
    assert demo_content_load(network=seeded_network).created == 0  # idempotent
    call_command("load_demo_content", remove=True, stdout=out)
    assert not Membership.objects.filter(cohort="demo").exists()
    assert Membership.objects.count() == 13  # the real members are untouched
    assert demo_content_remove(network=seeded_network).deleted == 0


def test_demo_never_touches_a_real_membership(seeded_network: Network) -> None:
    chefchaouen = Collectivity.objects.get(code="01.151")
    Membership.objects.create(network=seeded_network, collectivity=chefchaouen, cohort="2024")
    report = demo_content_load(network=seeded_network)
    assert report.skipped == ["01.151"] and report.created == 5
    demo_content_remove(network=seeded_network)
    assert Membership.objects.get(collectivity=chefchaouen).cohort == "2024"


def _word_windows(text: str, size: int) -> set[tuple[str, ...]]:
    words = normalize_for_search(text).split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.skipif(not SEED_DOCUMENT.exists(), reason="the seed document is not on this machine")
def test_seed_texts_are_our_own_words() -> None:
    """No run of 7 words of our Arabic texts appears in the seed document."""
    source = SEED_DOCUMENT.read_text(encoding="utf-8")
    # The extractor wrote some lines in visual order; compare both orders of each line.
    lines = source.splitlines()
    source_windows = _word_windows(" ".join(lines), 7) | _word_windows(
        " ".join(" ".join(reversed(line.split())) for line in lines), 7
    )
    seed = json.loads(NETWORK_SEED_PATH.read_text(encoding="utf-8"))
    texts = [seed["network"]["description"]["ar"]]
    for charter in seed["charters"]:
        texts += [section["body"]["ar"] for section in charter["sections"]]
    texts += [p["description"]["ar"] for p in seed["principles"]]
    texts += [p["role"]["ar"] for p in seed["partners"]]
    for text in texts:
        shared = _word_windows(text, 7) & source_windows
        assert not shared, (text, shared)
    assert re.search("[\u0600-\u06ff]", " ".join(texts))
