"""Plan pages: ``/<lang>/plans/`` (public list and pages, and the staff forms)."""

from django.urls import path

from infitah.plans import commitment_views as cviews
from infitah.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("collectivity/<slug:slug>/", views.collectivity_plans, name="collectivity"),
    path("collectivity/<slug:slug>/new/", views.plan_create, name="create"),
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/edit/", views.plan_edit, name="edit"),
    path("<slug:slug>/publish/", views.plan_publish, name="publish"),
    path("<slug:slug>/unpublish/", views.plan_unpublish, name="unpublish"),
    path("<slug:slug>/transition/", views.plan_transition, name="transition"),
    path("<slug:slug>/phases/new/", views.phase_add, name="phase-add"),
    path("<slug:slug>/phases/<int:pk>/edit/", views.phase_edit, name="phase-edit"),
    path("<slug:slug>/phases/<int:pk>/delete/", views.phase_delete, name="phase-delete"),
    path("<slug:slug>/committee/", views.committee_edit, name="committee-edit"),
    path("<slug:slug>/committee/members/new/", views.member_add, name="member-add"),
    path("<slug:slug>/committee/members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path(
        "<slug:slug>/committee/members/<int:pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("<slug:slug>/adoption/", cviews.adoption_record, name="adoption-record"),
    path("<slug:slug>/commitments/new/", cviews.commitment_add, name="commitment-add"),
    path(
        "<slug:slug>/commitments/<str:reference>/",
        cviews.commitment_detail,
        name="commitment-detail",
    ),
    path(
        "<slug:slug>/commitments/<str:reference>/edit/",
        cviews.commitment_edit,
        name="commitment-edit",
    ),
    path(
        "<slug:slug>/commitments/<str:reference>/publish/",
        cviews.commitment_publish,
        name="commitment-publish",
    ),
    path(
        "<slug:slug>/commitments/<str:reference>/milestones/new/",
        cviews.milestone_add,
        name="milestone-add",
    ),
    path(
        "<slug:slug>/commitments/<str:reference>/milestones/<int:pk>/edit/",
        cviews.milestone_edit,
        name="milestone-edit",
    ),
    path(
        "<slug:slug>/commitments/<str:reference>/milestones/<int:pk>/status/",
        cviews.milestone_status,
        name="milestone-status",
    ),
    path(
        "<slug:slug>/commitments/<str:reference>/updates/new/",
        cviews.progress_add,
        name="progress-add",
    ),
]
