"""API routes: ``/api/v1/`` (versioned by URL path), the schema and its documentation.

The version is a URL kwarg (DRF's ``URLPathVersioning``), so serializers build
absolute links with the version in them and drf-spectacular documents ``/api/v1/...``.
Codes contain dots, hence no format-suffix routes (use ``?format=json``).
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from infitah.access_info import api as access_info_api
from infitah.api import views
from infitah.comments import api as comments_api
from infitah.library import api as library_api
from infitah.meetings import api as meetings_api
from infitah.plans import api as plans_api
from infitah.proposals import api as proposals_api
from infitah.publications import api as publications_api

app_name = "api"

router = SimpleRouter()
router.register("collectivities", views.CollectivityViewSet, basename="collectivity")
router.register("members", views.MemberViewSet, basename="member")
router.register("network", views.NetworkViewSet, basename="network")
router.register("charter", views.CharterViewSet, basename="charter")
# Each domain app registers its own viewsets (``<app>/api.py``).
for _app_api in (
    plans_api,
    meetings_api,
    publications_api,
    access_info_api,
    library_api,
    comments_api,
    proposals_api,
):
    _app_api.register(router)

v1_patterns = [
    path("", views.api_root, name="root"),
    *router.urls,
]

urlpatterns = [
    path("", views.api_index, name="index"),
    re_path(r"^(?P<version>v1)/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    # Last: any other /api/ address answers the API's JSON error body, not the site's page.
    re_path(r"^", views.not_found),
]
