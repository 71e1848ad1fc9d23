"""API routes: ``/api/v1/`` (versioned by URL path), the schema and its documentation.

The version is a URL kwarg (DRF's ``URLPathVersioning``), so serializers build
absolute links with the version in them and drf-spectacular documents ``/api/v1/...``.
Codes contain dots, hence no format-suffix routes (use ``?format=json``).
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from infitah.api import views

app_name = "api"

router = SimpleRouter()
router.register("collectivities", views.CollectivityViewSet, basename="collectivity")
router.register("members", views.MemberViewSet, basename="member")
router.register("network", views.NetworkViewSet, basename="network")
router.register("charter", views.CharterViewSet, basename="charter")

v1_patterns = [
    path("", views.api_root, name="root"),
    *router.urls,
]

urlpatterns = [
    path("", views.api_index, name="index"),
    re_path(r"^(?P<version>v1)/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
]
