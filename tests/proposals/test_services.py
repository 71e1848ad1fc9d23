"""The services: submit, edit, enter, support, answer, withdraw, hide; index and counters."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from infitah.library.models import SearchEntry
from infitah.network.models import Principle
from infitah.plans.models import ActionPlan
from infitah.proposals import services
from infitah.proposals.models import Proposal, Support
from tests import factories
from tests.proposals.conftest import People

pytestmark = pytest.mark.django_db

Status = Proposal.Status


def _submit(plan: ActionPlan, user: object, **extra: object) -> Proposal:
    values = {"title": "ميزانية مفتوحة", "body": "نشر ميزانية الجماعة كل سنة."}
    values.update(extra)
    return services.proposal_submit(plan=plan, author=user, **values)  # type: ignore[arg-type]


def _entry(proposal: Proposal) -> SearchEntry:
    return SearchEntry.objects.get(object_type="proposals.proposal", object_id=proposal.pk)


# --- Submitting ------------------------------------------------------------------------------


def test_submit_publishes_and_indexes(
    plan: ActionPlan, people: People, principles: list[Principle]
) -> None:
    proposal = _submit(plan, people["citizen"], principles=principles[:1])
    assert proposal.status == Status.SUBMITTED
    assert proposal.collectivity_id == plan.collectivity_id
    assert proposal.origin == Proposal.Origin.ONLINE
    assert len(proposal.slug) == 10
    assert list(proposal.principles.all()) == principles[:1]
    assert "ميزانيه" in proposal.search_text  # ة folded to ه
    entry = _entry(proposal)
    assert entry.is_public and entry.collectivity_id == plan.collectivity_id
    assert proposal.history.count() == 1  # type: ignore[attr-defined]


def test_submit_strips_bidi_controls(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"], title="\u202eعنوان\u202c  مقترح ")
    assert proposal.title == "عنوان مقترح"


@pytest.mark.parametrize(
    "state", [ActionPlan.State.PREPARATION, ActionPlan.State.ADOPTED, ActionPlan.State.CLOSED]
)
def test_submit_refused_outside_co_creation_and_consultation(
    plan: ActionPlan, people: People, state: str
) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(state=state)
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _submit(plan, people["citizen"])
    assert caught.value.code == "closed"
    assert not Proposal.objects.exists()


def test_submit_during_consultation(plan: ActionPlan, people: People) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.CONSULTATION)
    plan.refresh_from_db()
    assert _submit(plan, people["citizen"]).pk


def test_submit_refused_to_unpublished_plan(plan: ActionPlan, people: People) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(is_published=False)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        _submit(plan, people["citizen"])


def test_submit_needs_a_confirmed_email(plan: ActionPlan) -> None:
    user = factories.UserFactory(email="new@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    with pytest.raises(PermissionDenied):
        _submit(plan, user)


def test_submit_refuses_empty_and_long_texts(plan: ActionPlan, people: People) -> None:
    with pytest.raises(ValidationError) as caught:
        _submit(plan, people["citizen"], title="   ", body="")
    assert set(caught.value.message_dict) >= {"title", "body"}
    with pytest.raises(ValidationError):
        _submit(plan, people["citizen"], title="x" * 201)
    with pytest.raises(ValidationError) as caught:
        _submit(plan, people["citizen"], body="x" * 10_001)
    assert "body" in caught.value.message_dict


def test_submit_on_behalf_of_an_organisation(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["cso"], organisation=people.organisation)
    assert proposal.organisation == people.organisation
    assert proposal.public_author == "جمعية الأمل"
    with pytest.raises(PermissionDenied):
        _submit(plan, people["citizen"], organisation=people.organisation)


# --- Editing ---------------------------------------------------------------------------------


def test_author_edits_while_submitted(
    plan: ActionPlan, people: People, principles: list[Principle]
) -> None:
    proposal = _submit(plan, people["citizen"])
    services.proposal_edit(
        proposal=proposal,
        actor=people["citizen"],
        title="الحق في الوصول إلى المعلومة",
        body="بوابة",
        principles=principles,
    )
    proposal.refresh_from_db()
    assert proposal.title == "الحق في الوصول إلى المعلومة"
    assert proposal.principles.count() == 2
    assert "بوابه" in proposal.search_text
    services.proposal_answer(
        proposal=proposal, actor=people["admin_a"], status=Status.EVALUATING, answer=""
    )
    with pytest.raises(ValidationError) as caught:
        services.proposal_edit(proposal=proposal, actor=people["citizen"], title="x", body="y")
    assert caught.value.code == "status"


def test_staff_cannot_rewrite_a_citizens_proposal(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    for name in ("admin_a", "editor_a", "coordinator", "cso"):
        with pytest.raises(PermissionDenied):
            services.proposal_edit(proposal=proposal, actor=people[name], title="x", body="y")


def test_other_representative_of_the_organisation_may_edit(
    plan: ActionPlan, people: People
) -> None:
    from infitah.accounts.models import OrganisationRepresentative

    proposal = _submit(plan, people["cso"], organisation=people.organisation)
    colleague = factories.UserFactory()
    OrganisationRepresentative.objects.create(
        organisation=people.organisation, user=colleague, is_approved=True
    )
    services.proposal_edit(proposal=proposal, actor=colleague, title="جديد", body="نص")
    assert Proposal.objects.get(pk=proposal.pk).title == "جديد"


# --- Workshop and paper entries ----------------------------------------------------------------


def test_enter_from_workshop_links_meeting_and_group(plan: ActionPlan, people: People) -> None:
    meeting = factories.MeetingFactory(plan=plan)
    group = factories.BreakoutGroupFactory(agenda_item__meeting=meeting)
    proposal = services.proposal_enter_from_workshop(
        plan=plan,
        actor=people["editor_a"],
        meeting=meeting,
        breakout_group=group,
        title="شباك رقمي",
        body="اقتراح المجموعة",
        contributor_name="المجموعة 2",
    )
    assert proposal.origin == Proposal.Origin.WORKSHOP
    assert proposal.author is None and proposal.entered_by == people["editor_a"]
    assert proposal.public_author == "المجموعة 2"
    assert list(meeting.proposals.all()) == [proposal]  # type: ignore[attr-defined]
    assert list(group.proposals.all()) == [proposal]  # type: ignore[attr-defined]
    # Staff may correct an entry's text (it has no author).
    services.proposal_edit(proposal=proposal, actor=people["admin_a"], title="شباك", body="نص")


def test_enter_refuses_a_meeting_of_another_plan(plan: ActionPlan, people: People) -> None:
    other = factories.MeetingFactory(
        plan=factories.ActionPlanFactory(
            collectivity=plan.collectivity,
            start_month=plan.start_month.replace(year=2030),
            end_month=plan.end_month.replace(year=2031),
        )
    )
    with pytest.raises(ValidationError) as caught:
        services.proposal_enter_from_workshop(
            plan=plan, actor=people["admin_a"], meeting=other, title="t", body="b"
        )
    assert "meeting" in caught.value.message_dict
    meeting = factories.MeetingFactory(plan=plan)
    group = factories.BreakoutGroupFactory(agenda_item__meeting=other)
    with pytest.raises(ValidationError) as caught:
        services.proposal_enter_from_workshop(
            plan=plan,
            actor=people["admin_a"],
            meeting=meeting,
            breakout_group=group,
            title="t",
            body="b",
        )
    assert "breakout_group" in caught.value.message_dict


@pytest.mark.parametrize("name", ["citizen", "moderator_a", "officer_a", "admin_b"])
def test_enter_needs_editor_roles(plan: ActionPlan, people: People, name: str) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_enter_from_paper(plan=plan, actor=people[name], title="t", body="b")


def test_enter_from_paper(plan: ActionPlan, people: People) -> None:
    proposal = services.proposal_enter_from_paper(
        plan=plan, actor=people["coordinator"], title="ورقة", body="اقتراح مكتوب"
    )
    assert proposal.origin == Proposal.Origin.PAPER and proposal.meeting is None


# --- Supports ----------------------------------------------------------------------------------


def test_support_once_and_withdraw(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    assert services.proposal_support(proposal=proposal, user=people["cso"]) is True
    assert services.proposal_support(proposal=proposal, user=people["cso"]) is False
    assert services.proposal_support(proposal=proposal, user=people["citizen"]) is True
    proposal.refresh_from_db()
    assert proposal.support_count == 2 == Support.objects.filter(proposal=proposal).count()
    assert services.proposal_unsupport(proposal=proposal, user=people["cso"]) is True
    assert services.proposal_unsupport(proposal=proposal, user=people["cso"]) is False
    proposal.refresh_from_db()
    assert proposal.support_count == 1 == Support.objects.filter(proposal=proposal).count()


def test_support_refused_when_closed_hidden_withdrawn_or_rejected(
    plan: ActionPlan, people: People
) -> None:
    proposal = _submit(plan, people["citizen"])
    services.proposal_hide(proposal=proposal, actor=people["moderator_a"], reason="spam")
    with pytest.raises(ValidationError) as caught:
        services.proposal_support(proposal=proposal, user=people["cso"])
    assert caught.value.code == "hidden"
    services.proposal_unhide(proposal=proposal, actor=people["moderator_a"])
    services.proposal_answer(
        proposal=proposal, actor=people["admin_a"], status=Status.REJECTED, answer="خارج الاختصاص"
    )
    with pytest.raises(ValidationError) as caught:
        services.proposal_support(proposal=proposal, user=people["cso"])
    assert caught.value.code == "status"
    other = _submit(plan, people["citizen"])
    services.proposal_withdraw(proposal=other, actor=people["citizen"])
    with pytest.raises(ValidationError):
        services.proposal_support(proposal=other, user=people["cso"])
    third = _submit(plan, people["citizen"])
    ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.ADOPTED)
    third.plan.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.proposal_support(proposal=third, user=people["cso"])
    assert caught.value.code == "closed"


def test_support_needs_a_signed_in_account(plan: ActionPlan, people: People) -> None:
    from django.contrib.auth.models import AnonymousUser

    proposal = _submit(plan, people["citizen"])
    with pytest.raises(PermissionDenied):
        services.proposal_support(proposal=proposal, user=AnonymousUser())


# --- Answers, withdrawal, moderation -------------------------------------------------------------


def test_answer_statuses_and_reason(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    with pytest.raises(ValidationError) as caught:
        services.proposal_answer(
            proposal=proposal, actor=people["editor_a"], status=Status.REJECTED, answer="  "
        )
    assert "answer" in caught.value.message_dict
    services.proposal_answer(
        proposal=proposal, actor=people["editor_a"], status=Status.ACCEPTED, answer="سيدرج."
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED
    assert proposal.answered_by == people["editor_a"] and proposal.answered_at is not None
    assert list(Proposal.objects.accepted()) == [proposal]
    with pytest.raises(ValidationError):
        services.proposal_answer(
            proposal=proposal, actor=people["editor_a"], status=Status.WITHDRAWN, answer=""
        )
    with pytest.raises(ValidationError):  # answered: the author can no longer withdraw
        services.proposal_withdraw(proposal=proposal, actor=people["citizen"])


@pytest.mark.parametrize("name", ["citizen", "cso", "moderator_a", "officer_a", "admin_b"])
def test_answer_needs_editor_roles(plan: ActionPlan, people: People, name: str) -> None:
    proposal = _submit(plan, people["citizen"])
    with pytest.raises(PermissionDenied):
        services.proposal_answer(
            proposal=proposal, actor=people[name], status=Status.ACCEPTED, answer="ok"
        )


def test_withdraw_leaves_the_public_index(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=proposal, actor=people["cso"])
    services.proposal_withdraw(proposal=proposal, actor=people["citizen"])
    assert Proposal.objects.get(pk=proposal.pk).status == Status.WITHDRAWN
    assert not _entry(proposal).is_public
    with pytest.raises(ValidationError):
        services.proposal_answer(
            proposal=proposal, actor=people["admin_a"], status=Status.ACCEPTED, answer=""
        )


def test_hide_needs_a_reason_and_moderator_roles(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    for name in ("citizen", "editor_a", "officer_a", "admin_b"):
        with pytest.raises(PermissionDenied):
            services.proposal_hide(proposal=proposal, actor=people[name], reason="x")
    with pytest.raises(ValidationError):
        services.proposal_hide(proposal=proposal, actor=people["moderator_a"], reason=" ")
    services.proposal_hide(proposal=proposal, actor=people["admin_a"], reason="معطيات شخصية")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_by == people["admin_a"]
    assert not _entry(proposal).is_public
    assert not Proposal.objects.public().exists()
    services.proposal_unhide(proposal=proposal, actor=people["coordinator"])
    proposal.refresh_from_db()
    assert not proposal.is_hidden and proposal.hidden_reason == ""
    assert _entry(proposal).is_public
    with pytest.raises(ValidationError):
        services.proposal_unhide(proposal=proposal, actor=people["coordinator"])


def test_saves_never_write_back_a_stale_counter(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    stale = Proposal.objects.get(pk=proposal.pk)
    services.proposal_support(proposal=proposal, user=people["cso"])
    services.proposal_answer(
        proposal=stale, actor=people["admin_a"], status=Status.EVALUATING, answer=""
    )
    services.proposal_hide(proposal=stale, actor=people["admin_a"], reason="r")
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1


def test_refresh_counts_repairs_after_deleted_accounts(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    supporter = factories.UserFactory()
    services.proposal_support(proposal=proposal, user=supporter)
    supporter.delete()  # cascades to the support, not to the counter
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1
    assert services.proposal_refresh_counts() == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0


def test_history_leaves_out_the_counters(plan: ActionPlan, people: People) -> None:
    proposal = _submit(plan, people["citizen"])
    services.proposal_support(proposal=proposal, user=people["cso"])
    services.proposal_answer(
        proposal=proposal, actor=people["admin_a"], status=Status.ACCEPTED, answer="نعم"
    )
    history = proposal.history.all()  # type: ignore[attr-defined]
    assert history.count() == 2
    assert not hasattr(history.first(), "support_count")
