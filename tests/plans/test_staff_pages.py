"""Staff pages: permission matrix of every mutating view, forms re-shown with errors.

Outcomes (each also checks whether the database changed):
- ``ok``: the change is made (POST answers 302 to the plan's page);
- ``login``: 302 to the sign-in page, nothing changed (anonymous visitors);
- ``denied``: 403, nothing changed;
- ``missing``: 404 (an unpublished plan, to someone who may not see it), nothing changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.http import HttpResponse
from django.test import Client

from infitah.accounts.models import User
from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase
from tests import factories
from tests.plans.conftest import EDITORS, PERSONAS, STAFF_A, TRANSITIONERS

pytestmark = pytest.mark.django_db


@dataclass
class World:
    plan: ActionPlan  # published, co-creation, with a phase
    draft: ActionPlan  # unpublished, preparation
    committee: FollowUpCommittee
    member: CommitteeMember
    phase: Phase


@pytest.fixture
def world(plan: ActionPlan, draft: ActionPlan, committee: FollowUpCommittee) -> World:
    return World(
        plan=plan,
        draft=draft,
        committee=committee,
        member=committee.members.order_by("pk").first(),  # type: ignore[arg-type]
        phase=factories.PhaseFactory(plan=plan, kind=Phase.Kind.TRAINING),
    )


Action = Callable[[Client, World], tuple[HttpResponse, Callable[[], bool]]]


def create_plan(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(
        f"/fr/plans/collectivity/{w.plan.collectivity.slug}/new/",
        {
            "title_fr": "Nouveau programme",
            "start_month": "2030-01",
            "end_month": "2032-12",
        },
    )
    return response, lambda: ActionPlan.objects.filter(title_fr="Nouveau programme").exists()


def edit_plan(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(
        "/fr/plans/plan-a/edit/",
        {"title_fr": "Titre changé", "start_month": "2024-01", "end_month": "2026-12"},
    )
    return response, lambda: ActionPlan.objects.get(pk=w.plan.pk).title_fr == "Titre changé"


def publish_draft(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post("/fr/plans/draft-a/publish/")
    return response, lambda: ActionPlan.objects.get(pk=w.draft.pk).is_published


def unpublish_plan(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    ActionPlan.objects.filter(pk=w.plan.pk).update(state=ActionPlan.State.PREPARATION)
    response = client.post("/fr/plans/plan-a/unpublish/")
    return response, lambda: not ActionPlan.objects.get(pk=w.plan.pk).is_published


def transition(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post("/fr/plans/plan-a/transition/", {"to_state": "consultation"})
    return response, lambda: ActionPlan.objects.get(pk=w.plan.pk).state == "consultation"


def add_phase(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(
        "/fr/plans/plan-a/phases/new/",
        {"kind": "consultation", "starts_on": "2023-09-01", "order": "0", "title_fr": "Consult"},
    )
    return response, lambda: Phase.objects.filter(title_fr="Consult").exists()


def edit_phase(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(
        f"/fr/plans/plan-a/phases/{w.phase.pk}/edit/",
        {"kind": "training", "starts_on": "2023-02-22", "order": "0", "title_fr": "Formation"},
    )
    return response, lambda: Phase.objects.get(pk=w.phase.pk).title_fr == "Formation"


def delete_phase(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(f"/fr/plans/plan-a/phases/{w.phase.pk}/delete/")
    return response, lambda: not Phase.objects.filter(pk=w.phase.pk).exists()


def setup_committee(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    w.committee.delete()
    response = client.post("/fr/plans/plan-a/committee/", {"name_fr": "Comité de suivi"})
    return response, lambda: FollowUpCommittee.objects.filter(plan=w.plan).exists()


def edit_committee(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(
        "/fr/plans/plan-a/committee/", {"name_fr": "Comité", "established_on": "2023-03-02"}
    )
    return (
        response,
        lambda: (
            FollowUpCommittee.objects.get(pk=w.committee.pk).established_on
            == (datetime.date(2023, 3, 2))
        ),
    )


def add_member(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(
        "/fr/plans/plan-a/committee/members/new/",
        {"person_name": "Nadia", "side": "civil_society", "gender": "female", "role": "member"},
    )
    return response, lambda: CommitteeMember.objects.filter(person_name="Nadia").exists()


def edit_member(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(
        f"/fr/plans/plan-a/committee/members/{w.member.pk}/edit/",
        {"person_name": "Fatima Z.", "side": "civil_society", "gender": "female", "role": "chair"},
    )
    return response, lambda: CommitteeMember.objects.get(pk=w.member.pk).person_name == "Fatima Z."


def remove_member(client: Client, w: World) -> tuple[HttpResponse, Callable[[], bool]]:
    response = client.post(f"/fr/plans/plan-a/committee/members/{w.member.pk}/remove/")
    return response, lambda: not CommitteeMember.objects.filter(pk=w.member.pk).exists()


# action -> (who may, whether the object is unpublished: outsiders then get 404)
ACTIONS: dict[str, tuple[Action, set[str], bool]] = {
    "create_plan": (create_plan, EDITORS, False),
    "edit_plan": (edit_plan, EDITORS, False),
    "publish_draft": (publish_draft, EDITORS, True),
    "unpublish_plan": (unpublish_plan, EDITORS, False),
    "transition": (transition, TRANSITIONERS, False),
    "add_phase": (add_phase, EDITORS, False),
    "edit_phase": (edit_phase, EDITORS, False),
    "delete_phase": (delete_phase, EDITORS, False),
    "setup_committee": (setup_committee, EDITORS, False),
    "edit_committee": (edit_committee, EDITORS, False),
    "add_member": (add_member, EDITORS, False),
    "edit_member": (edit_member, EDITORS, False),
    "remove_member": (remove_member, EDITORS, False),
}


def expected(persona: str, allowed: set[str], unpublished: bool) -> str:
    if persona == "anonymous":
        return "login"
    if persona in allowed:
        return "ok"
    if unpublished and persona not in STAFF_A:
        return "missing"
    return "denied"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_permission_matrix(
    client_for: Callable[[str], Client], world: World, persona: str, name: str
) -> None:
    action, allowed, unpublished = ACTIONS[name]
    response, changed = action(client_for(persona), world)
    outcome = expected(persona, allowed, unpublished)
    if outcome == "ok":
        assert response.status_code == 302, response.content[:2000]
        assert "/accounts/login/" not in response["Location"]
        assert changed()
    elif outcome == "login":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not changed()
    elif outcome == "denied":
        assert response.status_code == 403
        assert not changed()
    else:
        assert response.status_code == 404
        assert not changed()


FORM_PAGES = [
    ("/fr/plans/collectivity/{collectivity}/new/", EDITORS),
    ("/fr/plans/plan-a/edit/", EDITORS),
    ("/fr/plans/plan-a/transition/", TRANSITIONERS),
    ("/fr/plans/plan-a/phases/new/", EDITORS),
    ("/fr/plans/plan-a/phases/{phase}/edit/", EDITORS),
    ("/fr/plans/plan-a/phases/{phase}/delete/", EDITORS),
    ("/fr/plans/plan-a/committee/", EDITORS),
    ("/fr/plans/plan-a/committee/members/new/", EDITORS),
    ("/fr/plans/plan-a/committee/members/{member}/edit/", EDITORS),
    ("/fr/plans/plan-a/committee/members/{member}/remove/", EDITORS),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("template", "allowed"), FORM_PAGES)
def test_form_pages(
    client_for: Callable[[str], Client],
    world: World,
    persona: str,
    template: str,
    allowed: set[str],
) -> None:
    url = template.format(
        collectivity=world.plan.collectivity.slug, phase=world.phase.pk, member=world.member.pk
    )
    response = client_for(persona).get(url)
    outcome = expected(persona, allowed, False)
    assert response.status_code == {"ok": 200, "login": 302, "denied": 403}[outcome]


def test_publish_is_post_only(client_for: Callable[[str], Client], world: World) -> None:
    assert client_for("admin_a").get("/fr/plans/draft-a/publish/").status_code == 405


def test_objects_of_another_plan_are_404(
    client_for: Callable[[str], Client], world: World, commune_b: object
) -> None:
    other = factories.ActionPlanFactory(slug="plan-b")
    phase = factories.PhaseFactory(plan=other)
    response = client_for("admin_a").post(f"/fr/plans/plan-a/phases/{phase.pk}/delete/")
    assert response.status_code == 404
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_plan_form_reshows_errors(client_for: Callable[[str], Client], world: World) -> None:
    client = client_for("editor_a")
    response = client.post(
        f"/fr/plans/collectivity/{world.plan.collectivity.slug}/new/",
        {"start_month": "2025-05", "end_month": "2024-01", "slug": "plan-a"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "title_ar" in form.errors
    assert "end_month" in form.errors or "__all__" in form.errors
    html = response.content.decode()
    assert 'class="form__errors"' in html
    # The reference is taken: the service says so on its field.
    response = client.post(
        f"/fr/plans/collectivity/{world.plan.collectivity.slug}/new/",
        {"title_ar": "عنوان", "start_month": "2031-01", "end_month": "2032-01", "slug": "plan-a"},
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    # Same collectivity and period as an existing plan.
    response = client.post(
        f"/fr/plans/collectivity/{world.plan.collectivity.slug}/new/",
        {"title_ar": "عنوان", "start_month": "2024-01", "end_month": "2026-12"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_transition_form_shows_preconditions_and_errors(
    client_for: Callable[[str], Client], world: World
) -> None:
    client = client_for("admin_a")
    ActionPlan.objects.filter(pk=world.plan.pk).update(state="consultation")
    page = client.get("/fr/plans/plan-a/transition/").content.decode()
    assert 'value="adopted"' in page and 'value="co_creation"' in page
    # Adoption without date nor session: errors on both fields, nothing changed.
    response = client.post("/fr/plans/plan-a/transition/", {"to_state": "adopted"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "reason" in errors and "adopted_on" in errors
    assert ActionPlan.objects.get(pk=world.plan.pk).state == "consultation"
    # A state that is not offered.
    response = client.post("/fr/plans/plan-a/transition/", {"to_state": "closed"})
    assert response.status_code == 200
    assert "to_state" in response.context["form"].errors
    response = client.post(
        "/fr/plans/plan-a/transition/",
        {"to_state": "adopted", "adopted_on": "2023-10-05", "reason": "Session d'octobre"},
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=world.plan.pk).adopted_on == datetime.date(2023, 10, 5)


def test_transition_page_lists_unmet_preconditions(
    client_for: Callable[[str], Client], world: World
) -> None:
    ActionPlan.objects.filter(pk=world.draft.pk).update(state="preparation")
    page = client_for("admin_a").get("/en/plans/draft-a/transition/").content.decode()
    assert "precondition--unmet" in page
    assert "The plan is published." in page


def test_member_add_without_committee_redirects_to_setup(
    client_for: Callable[[str], Client], world: World
) -> None:
    world.committee.delete()
    response = client_for("editor_a").get("/fr/plans/plan-a/committee/members/new/")
    assert response.status_code == 302
    assert response["Location"].endswith("/fr/plans/plan-a/committee/")


def test_deleting_the_last_phase_is_refused_with_a_message(
    client_for: Callable[[str], Client], world: World
) -> None:
    client = client_for("admin_a")
    for phase in world.plan.phases.all():
        client.post(f"/en/plans/plan-a/phases/{phase.pk}/delete/")
    assert world.plan.phases.count() == 1
    page = client.get("/en/plans/plan-a/").content.decode()
    assert "at least one phase" in page


def test_member_form_reshows_errors(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("editor_a").post(
        "/fr/plans/plan-a/committee/members/new/",
        {
            "person_name": "",
            "side": "nonsense",
            "gender": "female",
            "role": "member",
            "joined_on": "2024-01-01",
            "left_on": "2023-01-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"person_name", "side"} <= set(errors)


def test_staff_warning_banner_when_committee_overdue(
    client_for: Callable[[str], Client], world: World
) -> None:
    # Established 1 March 2023, never met: overdue since 2 September 2023.
    staff_page = client_for("moderator_a").get("/fr/plans/plan-a/").content.decode()
    assert "plan-overdue" in staff_page
    public_page = client_for("anonymous").get("/fr/plans/plan-a/").content.decode()
    assert "plan-overdue" not in public_page
    citizen_page = client_for("citizen").get("/fr/plans/plan-a/").content.decode()
    assert "plan-overdue" not in citizen_page


def test_staff_sees_their_links_citizens_do_not(
    client_for: Callable[[str], Client], world: World, people: dict[str, User | None]
) -> None:
    assert (
        "/fr/plans/plan-a/edit/" in client_for("editor_a").get("/fr/plans/plan-a/").content.decode()
    )
    assert (
        "/fr/plans/plan-a/edit/" not in client_for("cso").get("/fr/plans/plan-a/").content.decode()
    )
    admin_page = client_for("admin_a").get("/fr/plans/plan-a/").content.decode()
    assert "/fr/plans/plan-a/transition/" in admin_page
    editor_page = client_for("editor_a").get("/fr/plans/plan-a/").content.decode()
    assert "/fr/plans/plan-a/transition/" not in editor_page
