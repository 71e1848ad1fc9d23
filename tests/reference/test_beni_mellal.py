"""The real Béni Mellal 2023 process: its facts, idempotence, errors and our own words."""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from infitah.accounts.models import Organisation
from infitah.core.cache import current_content_version
from infitah.core.text import normalize_for_search
from infitah.meetings.models import AgendaItem, BreakoutGroup, Meeting
from infitah.network.models import Network
from infitah.plans.models import ActionPlan, Phase, PlanTransition
from infitah.plans.reference_data import (
    PLAN_REFERENCE_DATA_PATH,
    ReferenceDataError,
    ReferenceDataReport,
    plan_reference_data_load,
)
from infitah.territories.models import Collectivity

pytestmark = pytest.mark.django_db

SEED_DOCUMENT = Path("/work/shared/seeds/000_1be1e406fd7417e2.txt")
BENI_MELLAL = "05.091.01.01"
PLAN = "05-091-01-01-2023"
WORKSHOP_1 = "beni-mellal-2023-03-14-co-creation-workshop-1"
WORKSHOP_2 = "beni-mellal-2023-07-11-co-creation-workshop-2"
INFORMATION_MEETING = "network-2023-01-12-openness-programme-information-meeting"
TRAINING = "network-2023-02-22-openness-remote-training"
BODY = "beni-mellal-equality-equal-opportunities-gender-body"
UTC = datetime.UTC
LANGS = ("ar", "fr", "en")


def local(value: datetime.datetime) -> datetime.datetime:
    """``value`` in Africa/Casablanca (settings.TIME_ZONE)."""
    return timezone.localtime(value)


def history_rows() -> int:
    return sum(
        model.history.count()  # type: ignore[attr-defined]
        for model in (Organisation, ActionPlan, Phase, Meeting, AgendaItem, BreakoutGroup)
    )


def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(PLAN_REFERENCE_DATA_PATH.read_text(encoding="utf-8"))
    return loaded


def write(path: Path, content: dict[str, Any]) -> Path:
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


# --- What is loaded ----------------------------------------------------------------


def test_counts_of_a_first_load(loaded: ReferenceDataReport) -> None:
    assert loaded.counts == {
        "organisation": 1,
        "action plan": 1,
        "state change": 2,
        "phase": 6,
        "meeting": 4,
        "agenda item": 3,
        "breakout group": 2,
        # Press release, invitation and agenda of 11 July 2023, in Arabic and French.
        "publication": 6,
    }
    assert len(loaded.created) == 25 and loaded.kept_deleted == []
    assert Meeting.objects.count() == 4 and ActionPlan.objects.count() == 1


def test_the_equality_body(loaded: ReferenceDataReport) -> None:
    body = Organisation.objects.select_related("collectivity").get(slug=BODY)
    assert body.kind == Organisation.Kind.CONSULTATIVE_BODY
    assert body.is_verified
    assert body.collectivity is not None and body.collectivity.code == BENI_MELLAL
    assert body.name.startswith("هيئة المساواة وتكافؤ الفرص ومقاربة النوع")
    # One column today (Arabic name; the three languages in the description), one per
    # language once Organisation gets translated columns: both hold the French name.
    french = getattr(body, "name_fr", None) or body.description
    assert "Instance de l'équité, de l'égalité des chances et de l'approche genre" in french
    english = getattr(body, "description_en", None) or body.description
    assert "Equality, Equal Opportunities and Gender Approach Body" in english


def test_the_action_plan(loaded: ReferenceDataReport) -> None:
    plan = ActionPlan.objects.select_related("collectivity").get(slug=PLAN)
    assert plan.collectivity.code == BENI_MELLAL
    assert plan.title_ar == "برنامج عمل الانفتاح لجماعة بني ملال"  # type: ignore[attr-defined]
    assert all(getattr(plan, f"title_{lang}") for lang in LANGS)
    assert all(getattr(plan, f"summary_{lang}") for lang in LANGS)
    assert plan.start_month == datetime.date(2023, 1, 1)
    assert plan.end_month == datetime.date(2027, 9, 1)  # an assumption, said in the summary
    assert "2027" in plan.summary_en and "assumption" in plan.summary_en  # type: ignore[attr-defined]
    assert plan.planned_adoption_month == datetime.date(2023, 10, 1)
    assert plan.state == ActionPlan.State.CO_CREATION
    assert plan.is_published
    assert ActionPlan.objects.search("بنى ملال").filter(pk=plan.pk).exists()

    transitions = list(plan.transitions.all())
    assert [(t.from_state, t.to_state) for t in transitions] == [
        ("", "preparation"),
        ("preparation", "co_creation"),
    ]
    assert all(t.actor is None for t in transitions)
    assert local(transitions[1].at).date() == datetime.date(2023, 3, 14)
    reason = getattr(transitions[1], "reason_en", None) or transitions[1].reason
    assert "14 March 2023" in reason and "July 2023" in reason
    assert plan.state_changed_at == transitions[1].at

    phases = list(plan.phases.all())
    assert [p.kind for p in phases] == [
        "information",
        "training",
        "co_creation",
        "drafting",
        "consultation",
        "adoption",
    ]
    dates = {p.kind: (p.starts_on, p.ends_on) for p in phases}
    assert dates["information"] == (datetime.date(2023, 1, 12), None)
    assert dates["training"] == (datetime.date(2023, 2, 22), None)
    assert dates["co_creation"] == (datetime.date(2023, 3, 14), datetime.date(2023, 7, 11))
    assert dates["adoption"] == (datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
    # Dates the source does not give are called approximate, never stated as facts.
    assert [p.dates_are_tentative for p in phases] == [False] * 3 + [True] * 3
    for phase in phases[3:]:
        text = phase.description_en.lower()  # type: ignore[attr-defined]
        assert text.startswith("planned")
        assert "approximate" in text or "does not give" in text


def test_the_second_workshop_of_11_july_2023(loaded: ReferenceDataReport) -> None:
    meeting = Meeting.objects.select_related("plan", "collectivity").get(slug=WORKSHOP_2)
    # 10:00 in Casablanca was 09:00 UTC (Morocco was on UTC+1 in July 2023).
    assert meeting.starts_at == datetime.datetime(2023, 7, 11, 9, 0, tzinfo=UTC)
    assert local(meeting.starts_at).strftime("%A %Y-%m-%d %H:%M") == "Tuesday 2023-07-11 10:00"
    assert local(meeting.ends_at).strftime("%H:%M") == "10:55"
    assert meeting.kind == Meeting.Kind.CO_CREATION_WORKSHOP
    assert meeting.format == Meeting.Format.IN_PERSON
    assert meeting.collectivity is not None and meeting.collectivity.code == BENI_MELLAL
    assert meeting.plan is not None and meeting.plan.slug == PLAN
    assert meeting.venue_name_ar == "المركز الاجتماعي الثقافي «مغيلة»"  # type: ignore[attr-defined]
    assert "Mghila" in meeting.venue_name_fr and "Mghila" in meeting.venue_name_en  # type: ignore[attr-defined]
    assert meeting.city_fr == "Béni Mellal"  # type: ignore[attr-defined]
    assert meeting.is_published and not meeting.is_cancelled
    assert not meeting.registration_enabled and not meeting.registration_is_open()
    assert list(meeting.participating_organisations.values_list("slug", flat=True)) == [BODY]
    assert Meeting.objects.search("مغيلة").filter(pk=meeting.pk).exists()

    # What the press release says, for the generated publications.
    french = meeting.description_fr  # type: ignore[attr-defined]
    assert "deuxième atelier" in french and "11 juillet 2023" in french and "10 h" in french
    assert "session d'octobre 2023" in french and "consultation" in french
    assert "Instance de l'équité, de l'égalité des chances et de l'approche genre" in french
    for earlier in ("14 mars 2023", "12 janvier 2023", "22 février 2023", "Marrakech-Safi"):
        assert earlier in french
    arabic = meeting.description_ar  # type: ignore[attr-defined]
    for fact in ("11 يوليوز 2023", "هيئة المساواة وتكافؤ الفرص ومقاربة النوع", "أكتوبر 2023"):
        assert fact in arabic

    items = list(meeting.agenda_items.prefetch_related("groups"))
    slots = [(i.kind, i.start_time.strftime("%H:%M"), i.end_time.strftime("%H:%M")) for i in items]
    assert slots == [
        ("reception", "09:30", "10:00"),
        ("session", "10:00", "10:30"),
        ("breakout", "10:30", "10:55"),
    ]
    opening = items[1]
    assert "president of the commune of Béni Mellal or a deputy" in opening.description_en  # type: ignore[attr-defined]
    assert opening.description_en.count("\n") == 2  # the three parts of the slot  # type: ignore[attr-defined]
    groups = list(items[2].groups.all())
    assert [g.name_fr for g in groups] == ["Groupe 1", "Groupe 2"]  # type: ignore[attr-defined]
    assert {g.topic_en for g in groups} == {"Discussion of openness projects"}  # type: ignore[attr-defined]
    assert {g.agenda_item_id for g in groups} == {items[2].pk}  # two groups, one slot


def test_the_first_workshop_and_the_network_meetings(
    loaded: ReferenceDataReport, seeded_network: Network
) -> None:
    first = Meeting.objects.get(slug=WORKSHOP_1)
    assert local(first.starts_at).date() == datetime.date(2023, 3, 14)
    assert first.plan is not None and first.plan.slug == PLAN
    assert first.venue_name_ar == "المركز الاجتماعي الثقافي «مغيلة»"  # type: ignore[attr-defined]

    beni_mellal = Collectivity.objects.get(code=BENI_MELLAL)
    information = Meeting.objects.get(slug=INFORMATION_MEETING)
    training = Meeting.objects.get(slug=TRAINING)
    for meeting in (information, training):
        assert meeting.is_network_meeting and meeting.plan_id is None
        assert meeting.network_id == seeded_network.pk
        assert list(meeting.participating_collectivities.all()) == [beni_mellal]
        assert meeting.is_published
        assert beni_mellal.pk in set(
            Meeting.objects.search("بني ملال").values_list(
                "participating_collectivities", flat=True
            )
        )
    assert information.kind == Meeting.Kind.AWARENESS
    assert local(information.starts_at).date() == datetime.date(2023, 1, 12)
    assert information.city_fr == "Marrakech"  # type: ignore[attr-defined]
    assert "Marrakech-Safi" in information.venue_name_fr  # type: ignore[attr-defined]
    assert training.kind == Meeting.Kind.TRAINING
    assert training.format == Meeting.Format.ONLINE
    assert training.online_url == ""  # never invented
    assert local(training.starts_at).date() == datetime.date(2023, 2, 22)


def test_unstated_times_span_the_day_and_say_so(loaded: ReferenceDataReport) -> None:
    for slug in (INFORMATION_MEETING, TRAINING, WORKSHOP_1):
        meeting = Meeting.objects.get(slug=slug)
        start, end = local(meeting.starts_at), local(meeting.ends_at)
        assert (start.strftime("%H:%M"), end.strftime("%H:%M")) == ("00:00", "23:59")
        assert start.date() == end.date()
        text = meeting.description_en  # type: ignore[attr-defined]
        assert re.search(r"not stated|not its time|neither the time", text)


# --- Idempotence and the update policy ---------------------------------------------


def test_second_run_creates_nothing_and_keeps_edits(loaded: ReferenceDataReport) -> None:
    rows, version = history_rows(), current_content_version()
    transitions = PlanTransition.objects.count()
    again = plan_reference_data_load()
    assert again.created == [] and not again.changed and again.counts == {}
    assert history_rows() == rows
    assert PlanTransition.objects.count() == transitions
    assert current_content_version() == version

    # Edits made later win; a deleted meeting is not recreated.
    meeting = Meeting.objects.get(slug=WORKSHOP_2)
    meeting.minutes_fr = "Compte rendu"  # type: ignore[attr-defined]
    meeting.save()
    Meeting.objects.get(slug=TRAINING).delete()
    again = plan_reference_data_load()
    assert again.created == []
    assert again.kept_deleted == [f"meeting {TRAINING}"]
    meeting.refresh_from_db()
    assert meeting.minutes_fr == "Compte rendu"  # type: ignore[attr-defined]
    assert not Meeting.objects.filter(slug=TRAINING).exists()


def test_a_meeting_missing_without_a_deletion_record_is_created(
    loaded: ReferenceDataReport,
) -> None:
    meeting = Meeting.objects.get(slug=WORKSHOP_1)
    meeting.delete()
    Meeting.history.filter(slug=WORKSHOP_1).delete()  # type: ignore[attr-defined]
    again = plan_reference_data_load()
    assert again.created == [("meeting", WORKSHOP_1)]


def test_commands_report_counts_then_up_to_date(seeded_network: Network) -> None:
    out = StringIO()
    call_command("load_plan_reference_data", stdout=out)
    assert "25 rows created" in out.getvalue()
    assert "(1 organisation, 1 action plan, 2 state changes, 6 phases, 4 meetings," in (
        out.getvalue()
    )
    out = StringIO()
    call_command("load_plan_reference_data", stdout=out)
    assert "already up to date" in out.getvalue()
    quiet = StringIO()
    call_command("load_plan_reference_data", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


def test_load_reference_data_loads_the_process_after_the_network(db: None) -> None:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    lines = out.getvalue().splitlines()
    network_line = next(i for i, line in enumerate(lines) if line.startswith("Network "))
    assert "25 rows created" in lines[-1] and network_line < len(lines) - 1
    assert Meeting.objects.filter(slug=WORKSHOP_2).exists()
    again = StringIO()
    call_command("load_reference_data", stdout=again)
    assert "Plan reference data" in again.getvalue().splitlines()[-1]
    assert "already up to date" in again.getvalue().splitlines()[-1]


# --- Errors --------------------------------------------------------------------------


def test_needs_the_territories_and_the_network(db: None) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("load_plan_reference_data", stdout=StringIO())
    message = str(caught.value)
    assert "network: no network 'morocco-open-collectivities'" in message
    assert "load_network" in message
    assert "plans[0].collectivity: no collectivity has the code '05.091.01.01'" in message
    assert not Meeting.objects.exists() and not Organisation.objects.exists()


def test_broken_file_names_every_json_path_and_writes_nothing(
    seeded_network: Network, tmp_path: Path
) -> None:
    broken = data()
    broken["plans"][0]["start_month"] = "January 2023"
    broken["meetings"][3]["starts_at"] = "2023-07-11 10:00"
    broken["meetings"][3]["agenda"][2]["groups"][0]["name"].pop("fr")
    broken["meetings"][2]["participating_collectivities"] = ["99.999.99.99"]
    broken["meetings"][0]["venue"] = "typo"
    path = write(tmp_path / "broken.json", broken)

    with pytest.raises(ReferenceDataError) as caught:
        plan_reference_data_load(data_path=path)
    problems = "\n".join(caught.value.problems)
    assert str(path) in str(caught.value)
    for where in (
        "plans[0].start_month: 'January 2023' is not a month in the form YYYY-MM",
        "meetings[3].starts_at: '2023-07-11 10:00' is not a local date and time",
        "meetings[3].agenda[2].groups[0].name.fr: a non-empty text is required",
        "meetings[2].participating_collectivities[0]: no collectivity has the code",
        "meetings[0].venue: unknown key",
    ):
        assert where in problems
    assert len(caught.value.problems) == 5  # every problem, and only real ones
    # Nothing was written, not even the rows created before a problem was found.
    assert not Organisation.objects.exists()
    assert not ActionPlan.objects.exists() and not Meeting.objects.exists()


def test_model_rules_are_reported_with_their_json_path(
    seeded_network: Network, tmp_path: Path
) -> None:
    broken = data()
    broken["plans"][0]["phases"][1]["ends_on"] = "2023-02-01"  # before its start
    broken["meetings"][3]["agenda"][0]["kind"] = "lunch"
    broken["meetings"][1]["online_url_stated"] = True  # then the link is required
    broken["meetings"][2]["title"]["fr"] = "x" * 300
    path = write(tmp_path / "rules.json", broken)
    with pytest.raises(ReferenceDataError) as caught:
        plan_reference_data_load(data_path=path)
    problems = "\n".join(caught.value.problems)
    assert "plans[0].phases[1].ends_on: The end date cannot be before the start date." in problems
    assert "meetings[3].agenda[0].kind: Value 'lunch' is not a valid choice." in problems
    assert "meetings[1].online_url: Give the link of an online meeting." in problems
    assert "meetings[2].title.fr: Ensure this value has at most 250 characters" in problems
    assert not ActionPlan.objects.exists() and not Meeting.objects.exists()
    assert not Phase.objects.exists()


def test_tentative_dates_must_be_true_or_false(seeded_network: Network, tmp_path: Path) -> None:
    broken = data()
    broken["plans"][0]["phases"][3]["dates_are_tentative"] = "yes"
    broken["plans"][0]["phases"][4]["dates_are_tentativ"] = True  # a typo
    path = write(tmp_path / "tentative.json", broken)
    with pytest.raises(ReferenceDataError) as caught:
        plan_reference_data_load(data_path=path)
    assert caught.value.problems[0] == (
        "plans[0].phases[3].dates_are_tentative: true or false is required"
    )
    assert caught.value.problems[1].startswith("plans[0].phases[4].dates_are_tentativ: unknown key")
    assert len(caught.value.problems) == 2
    assert not Phase.objects.exists()


def test_an_upcoming_online_meeting_needs_its_link(seeded_network: Network, tmp_path: Path) -> None:
    """The missing link is tolerated only for a past meeting whose link was never given."""
    with pytest.raises(ReferenceDataError, match=r"meetings\[1\]\.online_url"):
        plan_reference_data_load(now=datetime.datetime(2023, 2, 1, tzinfo=UTC))
    assert not Meeting.objects.exists()


def test_unstated_time_must_use_the_whole_day(seeded_network: Network, tmp_path: Path) -> None:
    broken = data()
    broken["meetings"][2]["starts_at"] = "2023-03-14T09:00"
    path = write(tmp_path / "time.json", broken)
    with pytest.raises(ReferenceDataError, match=r"meetings\[2\]\.starts_at: a meeting whose"):
        plan_reference_data_load(data_path=path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "(file): not valid JSON"),
        ("[]", "(file): the top level must be an object"),
        ("{}", "network: a non-empty text is required"),
        ('{"network": "morocco-open-collectivities", "time_zone": "Mars/Olympus"}', "time_zone"),
    ],
)
def test_unreadable_or_empty_files(
    seeded_network: Network, tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_plan_reference_data", data=path, stdout=StringIO())
    assert expected in str(caught.value) and "bad.json" in str(caught.value)


# --- Our own words --------------------------------------------------------------------


def _word_windows(text: str, size: int) -> set[tuple[str, ...]]:
    words = normalize_for_search(text).split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _arabic_texts(value: object) -> list[str]:
    """Every string of the file that contains Arabic letters."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in _arabic_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _arabic_texts(item)]
    if isinstance(value, str) and re.search("[\u0600-\u06ff]", value):
        return [value]
    return []


@pytest.mark.skipif(not SEED_DOCUMENT.exists(), reason="the seed document is not on this machine")
def test_texts_are_our_own_words() -> None:
    """No run of 7 words of our Arabic texts appears in the seed document."""
    source = SEED_DOCUMENT.read_text(encoding="utf-8")
    # The extractor wrote some lines in visual order; compare both orders of each line.
    lines = source.splitlines()
    source_windows = _word_windows(" ".join(lines), 7) | _word_windows(
        " ".join(" ".join(reversed(line.split())) for line in lines), 7
    )
    content = data()
    texts = _arabic_texts({k: v for k, v in content.items() if k != "source"})
    assert len(texts) > 40
    for text in texts:
        shared = _word_windows(text, 7) & source_windows
        assert not shared, (text, shared)


def test_every_translated_text_is_in_three_languages() -> None:
    """Every ``{"ar", "fr", "en"}`` object of the file has all three (or none)."""

    def check(value: object, path: str) -> None:
        if isinstance(value, dict):
            if set(value) & set(LANGS):
                assert set(value) == set(LANGS), path
                filled = [bool(value[lang]) for lang in LANGS]
                assert all(filled) or not any(filled), path
            for key, item in value.items():
                check(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                check(item, f"{path}[{index}]")

    check(data(), "")


def test_the_workshop_documents_are_published_with_the_facts(loaded: ReferenceDataReport) -> None:
    """The generated press release and agenda of 11 July 2023 carry the seed's facts."""
    from infitah.publications.models import Publication

    meeting = Meeting.objects.get(slug="beni-mellal-2023-07-11-co-creation-workshop-2")
    documents = {(p.kind, p.language): p for p in Publication.objects.filter(meeting=meeting)}
    assert all(p.is_published for p in documents.values())
    release_ar = documents[("press_release", "ar")].body
    release_fr = documents[("press_release", "fr")].body
    body_name = "هيئة المساواة وتكافؤ الفرص ومقاربة النوع"
    for fact in ("11 يوليوز 2023", "مغيلة", body_name, "أكتوبر 2023"):
        assert fact in release_ar, fact
    for fact in ("11 juillet 2023", "10 h 00", "Mghila", "octobre 2023"):
        assert fact in release_fr, fact
    # The drafting and consultation phases have tentative dates: named without them.
    steps_fr = release_fr.split("Prochaines étapes", 1)[1].split("\n\n", 1)[0]
    assert "Rédaction du projet de programme" in steps_fr
    assert "Consultation sur le projet" in steps_fr
    assert not re.search(r"\d", steps_fr), steps_fr
    assert "12 juillet" not in release_fr and "septembre" not in release_fr
    assert "30 شتنبر" not in release_ar and "12 يوليوز" not in release_ar
    agenda_fr = documents[("agenda", "fr")].body
    for slot in ("9 h 30", "10 h 00", "10 h 30", "10 h 55"):
        assert slot in agenda_fr, slot
    assert agenda_fr.count("10 h 30") >= 1 and "parallèle" in agenda_fr


def test_the_loaded_pages_render_in_arabic_and_french(loaded: ReferenceDataReport) -> None:
    """The plan (historic state changes have no actor) and the workshop pages render."""
    from django.test import Client

    client = Client(raise_request_exception=True)
    for language in ("ar", "fr"):
        plan = client.get(f"/{language}/plans/05-091-01-01-2023/")
        assert plan.status_code == 200
        meeting = client.get(f"/{language}/meetings/beni-mellal-2023-07-11-co-creation-workshop-2/")
        assert meeting.status_code == 200
        assert "10:00" in meeting.content.decode()
