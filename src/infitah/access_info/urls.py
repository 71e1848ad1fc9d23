"""Pages of access to information: requesters, information officers, then public pages.

Under ``/<lang>/information/``. Requesters: ``new/``, ``my/...``; information officers:
``officer/...``; the holiday calendar: ``holidays/``; released documents:
``documents/<pk>/``. The public register, statistics and proactive disclosure are
in :mod:`infitah.access_info.urls_public` (same namespace).
"""

from django.urls import URLPattern, path

from infitah.access_info import views
from infitah.access_info.urls_public import urlpatterns as public_urlpatterns

app_name = "access_info"

urlpatterns: list[URLPattern] = [
    # Requesters.
    path("new/", views.request_new, name="request-new"),
    path("my/", views.my_requests, name="my-requests"),
    path("my/<str:reference>/", views.my_request_detail, name="my-request-detail"),
    path("my/<str:reference>/receipt/", views.request_receipt, name="request-receipt"),
    path("my/<str:reference>/clarify/", views.my_request_clarify, name="my-request-clarify"),
    path("my/<str:reference>/withdraw/", views.my_request_withdraw, name="my-request-withdraw"),
    path("my/<str:reference>/complaint/", views.my_request_complaint, name="my-request-complaint"),
    path("documents/<int:pk>/", views.request_document, name="request-document"),
    # Information officers.
    path("officer/", views.officer_queue, name="officer-queue"),
    path("officer/register/", views.officer_register, name="officer-register"),
    path(
        "officer/requests/<str:reference>/",
        views.officer_request_detail,
        name="officer-request-detail",
    ),
    path(
        "officer/requests/<str:reference>/<slug:action>/",
        views.officer_request_action,
        name="officer-request-action",
    ),
    path(
        "officer/complaints/<int:pk>/decide/",
        views.officer_complaint_decide,
        name="officer-complaint-decide",
    ),
    # The holiday calendar of the legal deadlines.
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday-delete"),
]
urlpatterns += public_urlpatterns
