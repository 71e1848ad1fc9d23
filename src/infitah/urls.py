"""Root URL configuration.

Public pages live under ``i18n_patterns`` so ``/ar/``, ``/fr/`` and ``/en/`` are real,
shareable addresses; the API, its schema and the health check are language-neutral.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from infitah.core import bench_views
from infitah.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", include("infitah.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "core/favicon.svg")),
]

if settings.INFITAH_BENCH:
    urlpatterns.append(path("bench/bare", bench_views.bare, name="bench-bare"))

urlpatterns += i18n_patterns(
    path("", include("infitah.core.urls")),
    path("members/", include("infitah.network.urls_members")),
    path("network/", include("infitah.network.urls")),
    path("territories/", include("infitah.territories.urls")),
    path("plans/", include("infitah.plans.urls")),
    path("meetings/", include("infitah.meetings.urls")),
    path("publications/", include("infitah.publications.urls")),
    path("information/", include("infitah.access_info.urls")),
    path("library/", include("infitah.library.urls")),
    path("proposals/", include("infitah.proposals.urls")),
    path("comments/", include("infitah.comments.urls")),
    path("accounts/", include("infitah.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
