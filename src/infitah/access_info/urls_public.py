"""Public pages of access to information: register, statistics, proactive disclosure.

Included at the end of :mod:`infitah.access_info.urls` (same ``access_info`` namespace),
under ``/<lang>/information/``.
"""

from django.urls import URLPattern, path

from infitah.access_info import views_public as views

urlpatterns: list[URLPattern] = [
    # Public register (no personal data).
    path("register/", views.register, name="register"),
    path("register/export/", views.register_export, name="register-export"),
    path("register/<str:reference>/", views.register_detail, name="register-detail"),
    path(
        "register/<str:reference>/documents/<int:pk>/",
        views.register_document,
        name="register-document",
    ),
    # Statistics.
    path("statistics/", views.stats, name="stats"),
    path("statistics/export/", views.stats_export, name="stats-export"),
    path("statistics/<str:slug>/", views.stats_collectivity, name="stats-collectivity"),
    path(
        "statistics/<str:slug>/export/",
        views.stats_collectivity_export,
        name="stats-collectivity-export",
    ),
    # Proactive disclosure (article 10).
    path("disclosure/", views.disclosure_overview, name="disclosure"),
    path(
        "disclosure/items/<int:pk>/file/", views.disclosure_item_file, name="disclosure-item-file"
    ),
    path(
        "disclosure/items/<int:pk>/edit/", views.disclosure_item_edit, name="disclosure-item-edit"
    ),
    path(
        "disclosure/items/<int:pk>/retire/",
        views.disclosure_item_retire,
        name="disclosure-item-retire",
    ),
    path("disclosure/<str:slug>/", views.disclosure_collectivity, name="disclosure-collectivity"),
    path("disclosure/<str:slug>/add/", views.disclosure_item_add, name="disclosure-item-add"),
]
