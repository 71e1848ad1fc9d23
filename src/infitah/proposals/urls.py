"""Pages of the proposals app: ``/<lang>/proposals/...`` (namespace ``proposals``).

Fixed addresses (``plan/...``) come before ``<slug>`` ones; proposal references are
random lower-case letters and digits, never ``plan``.
"""

from django.urls import path

from infitah.proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("plan/<slug:slug>/", views.plan_proposals, name="plan-list"),
    path("plan/<slug:slug>/new/", views.proposal_submit, name="submit"),
    path("plan/<slug:slug>/enter/", views.proposal_enter, name="enter"),
    path("<slug:slug>/", views.proposal_detail, name="detail"),
    path("<slug:slug>/edit/", views.proposal_edit, name="edit"),
    path("<slug:slug>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("<slug:slug>/support/", views.proposal_support, name="support"),
    path("<slug:slug>/unsupport/", views.proposal_unsupport, name="unsupport"),
    path("<slug:slug>/answer/", views.proposal_answer, name="answer"),
    path("<slug:slug>/hide/", views.proposal_hide, name="hide"),
    path("<slug:slug>/unhide/", views.proposal_unhide, name="unhide"),
]
