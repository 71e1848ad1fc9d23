"""Pages of the plans app: the public list and plan pages, and the staff forms.

Public pages (``plans:list``, ``plans:collectivity``, ``plans:detail``) are cached for
anonymous visitors (:func:`infitah.core.cache.cache_public_page`); signed-in staff get
the same pages with their links and warnings, never from the cache. An unpublished
plan is a 404 for anyone without ``plans.view_actionplan`` on it.

Staff pages need a signed-in user (else the sign-in page) and the permission of
:mod:`infitah.plans.rules` (else 403); every form re-shows with its errors.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from infitah.core.cache import cache_public_page
from infitah.core.selectors import clean_choice, clean_query, page_notice, paginate
from infitah.plans import page_selectors, selectors, services
from infitah.plans.forms import (
    CommitteeForm,
    MemberForm,
    PhaseForm,
    PlanForm,
    TransitionForm,
    add_service_errors,
)
from infitah.plans.models import ActionPlan, CommitteeMember, Phase
from infitah.plans.rules import transition_permission
from infitah.territories.models import Collectivity
from infitah.territories.selectors import UnitLink, region_links

#: Plans per page of the public list.
PLAN_PAGE_SIZE = 20

#: The list's kind filter: value -> label ("province" covers prefectures).
KIND_FILTERS = {
    "region": _("Regions"),
    "province": _("Provinces and prefectures"),
    "commune": _("Communes"),
}
KIND_ALIASES = {"prefecture": "province"}


# --- Public pages -------------------------------------------------------------------


class PlanRow:
    """A plan of a list with where it stands today (phases already prefetched)."""

    def __init__(self, plan: ActionPlan, standing: selectors.PlanStanding) -> None:
        self.plan = plan
        self.standing = standing


def _rows(plans: Iterable[ActionPlan]) -> list[PlanRow]:
    day = selectors.today()
    return [PlanRow(p, selectors.plan_standing(p, list(p.phases.all()), day)) for p in plans]


@cache_public_page
def plan_list(request: HttpRequest) -> HttpResponse:
    """``/<lang>/plans/``: published action plans, filterable, searchable, paginated.

    Query parameters (optional; bad values are ignored with a notice, never an error):
    ``region`` (slug or official code), ``kind`` (``region``, ``province`` — provinces
    and prefectures — or ``commune``), ``state`` (a plan state), ``q`` (words of the
    title or of the collectivity's name, any language), ``page`` (clamped).
    """
    query = clean_query(request.GET.get("q"))
    region_value = clean_choice(request.GET.get("region"))
    kind_value = clean_choice(request.GET.get("kind")).lower()
    kind_value = KIND_ALIASES.get(kind_value, kind_value)
    state_value = clean_choice(request.GET.get("state")).lower()

    regions: list[UnitLink] = list(region_links().values())
    region: UnitLink | None = None
    unknown_region = ""
    if region_value:
        folded = region_value.lower()
        region = next((r for r in regions if folded in (r.slug.lower(), r.code)), None)
        if region is None:
            unknown_region = region_value
    unknown_kind = ""
    if kind_value and kind_value not in KIND_FILTERS:
        unknown_kind, kind_value = kind_value, ""
    unknown_state = ""
    if state_value and state_value not in ActionPlan.State.values:
        unknown_state, state_value = state_value, ""

    plans = selectors.plan_list(
        region_id=region.pk if region is not None else None,
        kind_group=kind_value,
        state=state_value,
        query=query,
    )
    raw_page = request.GET.get("page")
    page = paginate(
        plans,
        raw_page,
        per_page=PLAN_PAGE_SIZE,
        rows=lambda bottom, top: _rows(plans[bottom:top]),
    )
    context = {
        "page": page,
        "page_notice": page_notice(raw_page, page.number),
        "query": query,
        "regions": regions,
        "selected_region": region,
        "selected_kind": kind_value,
        "selected_state": state_value,
        "kind_filters": KIND_FILTERS,
        "states": ActionPlan.State.choices,
        "unknown_region": unknown_region,
        "unknown_kind": unknown_kind,
        "unknown_state": unknown_state,
        "is_filtered": bool(query or region or kind_value or state_value),
    }
    return render(request, "plans/list.html", context)


def _collectivity(slug: str) -> Collectivity:
    max_length = Collectivity._meta.get_field("slug").max_length or 50
    if not slug.isprintable() or len(slug) > max_length:
        raise Http404("No such collectivity.")
    collectivity = Collectivity.objects.select_related("region").filter(slug=slug).first()
    if collectivity is None:
        raise Http404("No such collectivity.")
    return collectivity


@cache_public_page
def collectivity_plans(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/collectivity/<slug>/``: one collectivity's action plans.

    Published plans; its staff and coordinators also see the unpublished ones and a
    link to create a plan.
    """
    collectivity = _collectivity(slug)
    plans = selectors.plans_of_collectivity(collectivity, request.user)
    context = {
        "collectivity": collectivity,
        "rows": _rows(plans),
        "can_add": request.user.has_perm("plans.add_actionplan", collectivity),
    }
    return render(request, "plans/collectivity.html", context)


def _readable_plan(request: HttpRequest, slug: str) -> ActionPlan:
    """The plan of ``slug`` if the user may read it, else 404 (unpublished included)."""
    plan = selectors.plan_by_slug(slug)
    if plan is None:
        raise Http404("No such plan.")
    if not plan.is_published and not request.user.has_perm("plans.view_actionplan", plan):
        raise Http404("No such plan.")
    return plan


def _staff_links(user: Any, plan: ActionPlan) -> dict[str, bool]:
    """What the user may do on the plan's page (the rules decide; one roles read)."""
    return {
        "is_staff_view": user.has_perm("plans.view_actionplan", plan),
        "can_change": user.has_perm("plans.change_actionplan", plan),
        "can_publish": user.has_perm("plans.publish_actionplan", plan),
        "can_transition": any(
            user.has_perm(transition_permission(state), plan) for state in ActionPlan.State.values
        ),
        "can_add_phase": user.has_perm("plans.add_phase", plan),
        "can_change_phase": user.has_perm("plans.change_phase", plan),
        "can_delete_phase": user.has_perm("plans.delete_phase", plan),
        "can_change_committee": user.has_perm("plans.change_followupcommittee", plan),
        "can_add_member": user.has_perm("plans.add_committeemember", plan),
        "can_change_member": user.has_perm("plans.change_committeemember", plan),
        "can_delete_member": user.has_perm("plans.delete_committeemember", plan),
        "can_add_commitment": plan.state
        in {ActionPlan.State.CO_CREATION, ActionPlan.State.CONSULTATION}
        and user.has_perm("plans.add_commitment", plan),
        "can_record_adoption": plan.state == ActionPlan.State.CONSULTATION
        and user.has_perm("plans.record_adoption", plan),
    }


@cache_public_page
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/``: a plan, where it stands, its timeline and committee.

    Shows the current state and phase(s) today (Africa/Casablanca), the timeline of
    phases and state changes in date order (the current phase highlighted), the
    follow-up committee (members, composition, when it last met), the plan's next and
    latest published meetings (a link to all of them) with their attendance figures
    (total attendances; shares of women, youth and associations only from
    :data:`infitah.meetings.selectors.MIN_ATTENDANCE_FOR_BREAKDOWN` people, so nobody
    can be recognised), its commitments and proposal counts.

    The public part is one read model per content version, language and day
    (:func:`infitah.plans.page_selectors.plan_page`): an anonymous request costs one
    query. Signed-in users who may read the plan get their links, a warning when the
    committee's meeting is overdue, and the unpublished commitments they may read.
    """
    user = request.user
    if user.is_authenticated:
        plan = _readable_plan(request, slug)  # 404 for an unpublished plan they may not see
        page = page_selectors.plan_page(plan.slug)
    else:
        page = page_selectors.plan_page(slug)
        if page is None or not page["plan"]["is_published"]:
            raise Http404("No such plan.")
    if page is None:  # deleted between the two reads
        raise Http404("No such plan.")
    links: dict[str, bool] = {}
    commitments = page["commitments"]
    if user.is_authenticated:
        links = _staff_links(user, plan)
        if user.has_perm("plans.view_commitment", plan):
            commitments = page_selectors.commitments_section(plan, user, selectors.today())
    context = {
        "page": page,
        "plan": page["plan"],
        "collectivity": page["collectivity"],
        "committee": page["committee"],
        "attendance": page["attendance"],
        "proposal_counts": page["proposal_counts"],
        "commitments": commitments,
        **links,
    }
    return render(request, "plans/detail.html", context)


# --- Staff pages ----------------------------------------------------------------------


def _staff_plan(request: HttpRequest, slug: str, perm: str) -> ActionPlan:
    """The plan of ``slug`` for a staff page: 404 if unreadable, 403 without ``perm``."""
    plan = _readable_plan(request, slug)
    if not request.user.has_perm(perm, plan):
        raise PermissionDenied
    return plan


def _data(form: BaseForm, names: Iterable[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    title: str,
    plan: ActionPlan | None,
    cancel_url: str,
    submit: str,
    collectivity: Collectivity | None = None,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "plans/form.html",
        {
            "form": form,
            "title": title,
            "plan": plan,
            "collectivity": collectivity or (plan.collectivity if plan else None),
            "cancel_url": cancel_url,
            "submit_label": submit,
            "intro": intro,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/collectivity/<slug>/new/``: a new plan (unpublished, in preparation)."""
    collectivity = _collectivity(slug)
    if not request.user.has_perm("plans.add_actionplan", collectivity):
        raise PermissionDenied
    bound = request.method == "POST"
    form = PlanForm(
        request.POST if bound else None,
        instance=ActionPlan(collectivity=collectivity),
        creating=True,
    )
    if bound and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                collectivity=collectivity,
                slug=form.cleaned_data.get("slug") or "",
                data=_data(form, services.PLAN_FIELDS),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("The plan has been created. Add its phases, then publish it."),
            )
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        title=gettext("New action plan"),
        plan=None,
        collectivity=collectivity,
        cancel_url=reverse("plans:collectivity", kwargs={"slug": collectivity.slug}),
        submit=gettext("Create the plan"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/edit/``: titles, summary, period, planned adoption month."""
    plan = _staff_plan(request, slug, "plans.change_actionplan")
    bound = request.method == "POST"
    # The form validates a copy: a refused change leaves the page's plan as it was.
    form = PlanForm(request.POST if bound else None, instance=copy.copy(plan))
    if bound and form.is_valid():
        try:
            services.plan_update(
                plan=plan, actor=request.user, data=_data(form, services.PLAN_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The plan has been saved."))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        title=gettext("Edit the plan"),
        plan=plan,
        cancel_url=plan.get_absolute_url(),
        submit=gettext("Save"),
    )


@login_required
@require_POST
def plan_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/plans/<slug>/publish/``: make the plan public."""
    plan = _staff_plan(request, slug, "plans.publish_actionplan")
    services.plan_publish(plan=plan, actor=request.user)
    messages.success(request, gettext("The plan is now public."))
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/plans/<slug>/unpublish/``: hide the plan (only in preparation)."""
    plan = _staff_plan(request, slug, "plans.publish_actionplan")
    try:
        services.plan_unpublish(plan=plan, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("The plan is no longer public."))
    return redirect(plan.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def plan_transition(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/transition/``: move the plan to another state.

    Lists every state reachable from the current one with its preconditions (met or
    not) and offers those the user may choose; a reason is asked for (required going
    back and for adoption, with the adoption date).
    """
    plan = _readable_plan(request, slug)
    options = services.plan_transition_options(plan, request.user)
    if not any(
        request.user.has_perm(transition_permission(s), plan) for s in ActionPlan.State.values
    ):
        raise PermissionDenied
    bound = request.method == "POST"
    form = TransitionForm(request.POST if bound else None, options=options)
    if bound and form.is_valid():
        try:
            services.plan_transition(
                plan=plan,
                to_state=form.cleaned_data["to_state"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                adopted_on=form.cleaned_data["adopted_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext("The plan is now in the state “%(state)s”.")
                % {"state": plan.get_state_display()},
            )
            return redirect(plan.get_absolute_url())
    return render(
        request,
        "plans/transition.html",
        {"plan": plan, "collectivity": plan.collectivity, "form": form, "options": options},
    )


def _phase(plan: ActionPlan, pk: int) -> Phase:
    phase = get_object_or_404(Phase, pk=pk, plan=plan)
    phase.plan = plan
    return phase


@login_required
@require_http_methods(["GET", "POST"])
def phase_add(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/phases/new/``: add a phase to the timeline."""
    plan = _staff_plan(request, slug, "plans.add_phase")
    bound = request.method == "POST"
    form = PhaseForm(request.POST if bound else None, instance=Phase(plan=plan))
    if bound and form.is_valid():
        try:
            services.phase_create(
                plan=plan, actor=request.user, data=_data(form, services.PHASE_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The phase has been added."))
            return redirect(plan.get_absolute_url() + "#timeline")
    return _form_page(
        request,
        form,
        title=gettext("Add a phase"),
        plan=plan,
        cancel_url=plan.get_absolute_url(),
        submit=gettext("Add the phase"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/plans/<slug>/phases/<pk>/edit/``: change a phase."""
    plan = _readable_plan(request, slug)
    phase = _phase(plan, pk)
    if not request.user.has_perm("plans.change_phase", phase):
        raise PermissionDenied
    bound = request.method == "POST"
    form = PhaseForm(request.POST if bound else None, instance=copy.copy(phase))
    if bound and form.is_valid():
        try:
            services.phase_update(
                phase=phase, actor=request.user, data=_data(form, services.PHASE_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The phase has been saved."))
            return redirect(plan.get_absolute_url() + "#timeline")
    return _form_page(
        request,
        form,
        title=gettext("Edit a phase"),
        plan=plan,
        cancel_url=plan.get_absolute_url(),
        submit=gettext("Save"),
    )


def _confirm_page(
    request: HttpRequest, *, plan: ActionPlan, title: str, question: str, submit: str
) -> HttpResponse:
    return render(
        request,
        "plans/confirm.html",
        {
            "plan": plan,
            "collectivity": plan.collectivity,
            "title": title,
            "question": question,
            "submit_label": submit,
            "cancel_url": plan.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/plans/<slug>/phases/<pk>/delete/``: confirm, then delete a phase."""
    plan = _readable_plan(request, slug)
    phase = _phase(plan, pk)
    if not request.user.has_perm("plans.delete_phase", phase):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.phase_delete(phase=phase, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("The phase has been deleted."))
        return redirect(plan.get_absolute_url() + "#timeline")
    return _confirm_page(
        request,
        plan=plan,
        title=gettext("Delete a phase"),
        question=gettext("Delete the phase “%(phase)s” from the timeline?") % {"phase": phase},
        submit=gettext("Delete"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/committee/``: create or change the follow-up committee."""
    plan = _readable_plan(request, slug)
    committee = selectors.plan_committee(plan)
    perm = "plans.change_followupcommittee" if committee else "plans.add_followupcommittee"
    if not request.user.has_perm(perm, committee or plan):
        raise PermissionDenied
    bound = request.method == "POST"
    form = CommitteeForm(
        request.POST if bound else None, instance=copy.copy(committee) if committee else None
    )
    if bound and form.is_valid():
        data = _data(form, services.COMMITTEE_FIELDS)
        try:
            if committee is None:
                services.committee_create(plan=plan, actor=request.user, data=data)
            else:
                committee.plan = plan
                services.committee_update(committee=committee, actor=request.user, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The follow-up committee has been saved."))
            return redirect(plan.get_absolute_url() + "#committee")
    return _form_page(
        request,
        form,
        title=gettext("Follow-up committee")
        if committee
        else gettext("Set up the follow-up committee"),
        plan=plan,
        cancel_url=plan.get_absolute_url() + "#committee",
        submit=gettext("Save"),
    )


def _member(plan: ActionPlan, pk: int) -> CommitteeMember:
    member = get_object_or_404(
        CommitteeMember.objects.select_related("committee"), pk=pk, committee__plan=plan
    )
    member.committee.plan = plan
    return member


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/committee/members/new/``: add a committee member."""
    plan = _staff_plan(request, slug, "plans.add_committeemember")
    committee = selectors.plan_committee(plan)
    if committee is None:
        messages.info(request, gettext("Set up the follow-up committee first."))
        return redirect(reverse("plans:committee-edit", kwargs={"slug": plan.slug}))
    committee.plan = plan
    bound = request.method == "POST"
    form = MemberForm(
        request.POST if bound else None, instance=CommitteeMember(committee=committee), plan=plan
    )
    if bound and form.is_valid():
        try:
            services.committee_member_add(
                committee=committee, actor=request.user, data=_data(form, services.MEMBER_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The member has been added."))
            return redirect(plan.get_absolute_url() + "#committee")
    return _form_page(
        request,
        form,
        title=gettext("Add a committee member"),
        plan=plan,
        cancel_url=plan.get_absolute_url() + "#committee",
        submit=gettext("Add the member"),
        intro=gettext(
            "A member's name, organisation, side, gender and role are public, as is "
            "membership of the committee. Enter no contact details."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/plans/<slug>/committee/members/<pk>/edit/``: change a member."""
    plan = _readable_plan(request, slug)
    member = _member(plan, pk)
    if not request.user.has_perm("plans.change_committeemember", member):
        raise PermissionDenied
    bound = request.method == "POST"
    form = MemberForm(request.POST if bound else None, instance=copy.copy(member), plan=plan)
    if bound and form.is_valid():
        try:
            services.committee_member_update(
                member=member, actor=request.user, data=_data(form, services.MEMBER_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The member has been saved."))
            return redirect(plan.get_absolute_url() + "#committee")
    return _form_page(
        request,
        form,
        title=gettext("Edit a committee member"),
        plan=plan,
        cancel_url=plan.get_absolute_url() + "#committee",
        submit=gettext("Save"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/plans/<slug>/committee/members/<pk>/remove/``: confirm, then remove."""
    plan = _readable_plan(request, slug)
    member = _member(plan, pk)
    if not request.user.has_perm("plans.delete_committeemember", member):
        raise PermissionDenied
    if request.method == "POST":
        services.committee_member_remove(member=member, actor=request.user)
        messages.success(request, gettext("The member has been removed."))
        return redirect(plan.get_absolute_url() + "#committee")
    return _confirm_page(
        request,
        plan=plan,
        title=gettext("Remove a committee member"),
        question=gettext(
            "Remove %(name)s from the committee? If they left it, record the date they "
            "left instead: they stay in its history."
        )
        % {"name": member.person_name},
        submit=gettext("Remove"),
    )
