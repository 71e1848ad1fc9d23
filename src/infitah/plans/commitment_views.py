"""Pages of commitments: the public commitment page and the staff forms.

``plans:commitment-detail`` (``/<lang>/plans/<plan slug>/commitments/<reference>/``) is
public for a published commitment of a published plan (cached for anonymous
visitors); staff of the collectivity also see drafts. Staff pages need a signed-in
user and the permission of :mod:`infitah.plans.rules` (else 403); the services of
:mod:`infitah.plans.commitments` decide, and a refusal re-shows the form.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from infitah.core.cache import cache_public_page
from infitah.plans import commitment_selectors, commitments
from infitah.plans.commitment_forms import (
    AdoptionForm,
    CommitmentForm,
    MilestoneForm,
    MilestoneStatusForm,
    ProgressForm,
)
from infitah.plans.forms import add_service_errors
from infitah.plans.models import ActionPlan, Commitment, CouncilAdoption, Milestone
from infitah.plans.views import _data, _form_page, _readable_plan, _staff_plan


def _commitment(request: HttpRequest, plan: ActionPlan, reference: str) -> Commitment:
    commitment = commitment_selectors.commitment_by_reference(plan, reference, request.user)
    if commitment is None:
        raise Http404("No such commitment.")
    return commitment


def _staff_commitment(request: HttpRequest, slug: str, reference: str, perm: str) -> Commitment:
    plan = _readable_plan(request, slug)
    commitment = _commitment(request, plan, reference)
    if not request.user.has_perm(perm, commitment):
        raise PermissionDenied
    return commitment


def _milestone(commitment: Commitment, pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone, pk=pk, commitment=commitment)
    milestone.commitment = commitment
    return milestone


@cache_public_page
def commitment_detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """A commitment: its template fields, milestones (late ones flagged), progress,
    progress updates (newest first) and the proposals it answers.
    """
    plan = _readable_plan(request, slug)
    commitment = _commitment(request, plan, reference)
    detail = commitment_selectors.commitment_detail(commitment)
    user = request.user
    editable = plan.state in commitments.DRAFTING_STATES
    implementing = plan.state in commitments.DRAFTING_STATES | commitments.IMPLEMENTATION_STATES
    context = {
        "plan": plan,
        "collectivity": plan.collectivity,
        "commitment": commitment,
        "detail": detail,
        "is_staff_view": user.is_authenticated and user.has_perm("plans.view_commitment", plan),
        "can_change": editable and user.has_perm("plans.change_commitment", commitment),
        "can_publish": editable and user.has_perm("plans.publish_commitment", commitment),
        "can_add_milestone": editable and user.has_perm("plans.add_milestone", commitment),
        "can_change_milestone": editable and user.has_perm("plans.change_milestone", commitment),
        "can_set_status": implementing and user.has_perm("plans.change_milestone", commitment),
        "can_post_update": plan.state in commitments.IMPLEMENTATION_STATES
        and user.has_perm("plans.add_progressupdate", commitment),
    }
    return render(request, "plans/commitment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def commitment_add(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/commitments/new/``: draft a commitment."""
    plan = _staff_plan(request, slug, "plans.add_commitment")
    bound = request.method == "POST"
    form = CommitmentForm(
        request.POST if bound else None, instance=Commitment(plan=plan), plan=plan
    )
    if bound and form.is_valid():
        fields = (*commitments.COMMITMENT_FIELDS, *commitments.COMMITMENT_RELATIONS)
        try:
            commitment = commitments.commitment_create(
                plan=plan, actor=request.user, data=_data(form, fields)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The commitment has been drafted."))
            return redirect(commitment.get_absolute_url())
    return _form_page(
        request,
        form,
        title=gettext("New commitment"),
        plan=plan,
        cancel_url=plan.get_absolute_url() + "#commitments",
        submit=gettext("Create the commitment"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """``.../commitments/<reference>/edit/``: change a draft commitment."""
    commitment = _staff_commitment(request, slug, reference, "plans.change_commitment")
    plan = commitment.plan
    bound = request.method == "POST"
    form = CommitmentForm(
        request.POST if bound else None, instance=copy.copy(commitment), plan=plan
    )
    if bound and form.is_valid():
        fields = (*commitments.COMMITMENT_FIELDS, *commitments.COMMITMENT_RELATIONS)
        try:
            commitments.commitment_update(
                commitment=commitment, actor=request.user, data=_data(form, fields)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The commitment has been saved."))
            return redirect(commitment.get_absolute_url())
    return _form_page(
        request,
        form,
        title=gettext("Edit the commitment"),
        plan=plan,
        cancel_url=commitment.get_absolute_url(),
        submit=gettext("Save"),
    )


@login_required
@require_POST
def commitment_publish(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """POST ``.../commitments/<reference>/publish/`` (``publish=0`` to unpublish)."""
    commitment = _staff_commitment(request, slug, reference, "plans.publish_commitment")
    publish = request.POST.get("publish", "1") != "0"
    try:
        commitments.commitment_publish(
            commitment=commitment, actor=request.user, is_published=publish
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("The commitment is now public.")
            if publish
            else gettext("The commitment is no longer public."),
        )
    return redirect(commitment.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """``.../commitments/<reference>/milestones/new/``: add a milestone."""
    commitment = _staff_commitment(request, slug, reference, "plans.add_milestone")
    bound = request.method == "POST"
    form = MilestoneForm(request.POST if bound else None, instance=Milestone(commitment=commitment))
    if bound and form.is_valid():
        try:
            commitments.milestone_create(
                commitment=commitment,
                actor=request.user,
                data=_data(form, commitments.MILESTONE_FIELDS),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The milestone has been added."))
            return redirect(commitment.get_absolute_url() + "#milestones")
    return _form_page(
        request,
        form,
        title=gettext("Add a milestone"),
        plan=commitment.plan,
        cancel_url=commitment.get_absolute_url(),
        submit=gettext("Add the milestone"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, slug: str, reference: str, pk: int) -> HttpResponse:
    """``.../milestones/<pk>/edit/``: change a milestone's definition (drafting only)."""
    commitment = _staff_commitment(request, slug, reference, "plans.change_milestone")
    milestone = _milestone(commitment, pk)
    bound = request.method == "POST"
    form = MilestoneForm(request.POST if bound else None, instance=copy.copy(milestone))
    if bound and form.is_valid():
        try:
            commitments.milestone_update(
                milestone=milestone,
                actor=request.user,
                data=_data(form, commitments.MILESTONE_FIELDS),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The milestone has been saved."))
            return redirect(commitment.get_absolute_url() + "#milestones")
    return _form_page(
        request,
        form,
        title=gettext("Edit a milestone"),
        plan=commitment.plan,
        cancel_url=commitment.get_absolute_url(),
        submit=gettext("Save"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_status(request: HttpRequest, slug: str, reference: str, pk: int) -> HttpResponse:
    """``.../milestones/<pk>/status/``: set status, completion date and add evidence."""
    commitment = _staff_commitment(request, slug, reference, "plans.change_milestone")
    milestone = _milestone(commitment, pk)
    bound = request.method == "POST"
    form = MilestoneStatusForm(
        request.POST if bound else None,
        initial={"status": milestone.status, "completed_on": milestone.completed_on},
    )
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            commitments.milestone_set_status(
                milestone=milestone,
                actor=request.user,
                status=data["status"],
                completed_on=data["completed_on"],
            )
            if data.get("evidence_url"):
                commitments.milestone_add_evidence(
                    milestone=milestone,
                    actor=request.user,
                    title=data["evidence_title"],
                    url=data["evidence_url"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The milestone has been updated."))
            return redirect(commitment.get_absolute_url() + "#milestones")
    return _form_page(
        request,
        form,
        title=gettext("Milestone status: %(title)s") % {"title": milestone.title},
        plan=commitment.plan,
        cancel_url=commitment.get_absolute_url(),
        submit=gettext("Save"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def progress_add(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """``.../commitments/<reference>/updates/new/``: post a progress update."""
    commitment = _staff_commitment(request, slug, reference, "plans.add_progressupdate")
    bound = request.method == "POST"
    form = ProgressForm(request.POST if bound else None)
    if bound and form.is_valid():
        try:
            commitments.progress_update_post(
                commitment=commitment,
                actor=request.user,
                text=form.cleaned_data["text"],
                milestone_changes=form.cleaned_data["milestone_changes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The progress update has been posted."))
            return redirect(commitment.get_absolute_url() + "#updates")
    return _form_page(
        request,
        form,
        title=gettext("Post a progress update"),
        plan=commitment.plan,
        cancel_url=commitment.get_absolute_url(),
        submit=gettext("Post"),
        intro=gettext("Progress updates are public, with their date."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def adoption_record(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/plans/<slug>/adoption/``: record the council's adoption (moves the plan)."""
    plan = _staff_plan(request, slug, "plans.record_adoption")
    bound = request.method == "POST"
    existing = CouncilAdoption.objects.filter(plan=plan).first()
    form = AdoptionForm(
        request.POST if bound else None,
        instance=copy.copy(existing) if existing else CouncilAdoption(plan=plan),
    )
    if bound and form.is_valid():
        try:
            commitments.plan_record_adoption(
                plan=plan, actor=request.user, data=_data(form, commitments.ADOPTION_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The council's adoption has been recorded."))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form,
        title=gettext("Record the council's adoption"),
        plan=plan,
        cancel_url=plan.get_absolute_url(),
        submit=gettext("Record the adoption"),
        intro=gettext(
            "Recording the adoption moves the plan to “adopted”: its commitments are then frozen."
        ),
    )
