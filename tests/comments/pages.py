"""A test page showing a plan with its thread, as a product page would (cached for
anonymous visitors), and the URL configuration that adds it to the site's."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.http import Http404, HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from infitah.core.cache import cache_public_page
from infitah.plans.models import ActionPlan
from infitah.urls import urlpatterns as site_patterns

PAGE = Template(
    '{% extends "base.html" %}{% load comments %}'
    '{% block head %}{% include "comments/includes/head.html" %}{% endblock %}'
    '{% block content %}<h1><bdi dir="auto">{{ plan.title }}</bdi></h1>'
    "{% comment_thread plan %}{% endblock %}"
)


@cache_public_page
def plan_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's title and its comments (``{% comment_thread plan %}``)."""
    plan = ActionPlan.objects.filter(slug=slug).first()
    if plan is None:
        raise Http404
    return HttpResponse(PAGE.render(RequestContext(request, {"plan": plan})))


urlpatterns = [
    *site_patterns,
    *i18n_patterns(
        path("comment-test/<slug:slug>/", plan_page, name="comment-test-page"),
        prefix_default_language=True,
    ),
]
