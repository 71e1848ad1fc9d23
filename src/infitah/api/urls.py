"""API routes: /api/v1/ (filled in by the API module), schema and documentation."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularAPIView.as_view(), name="docs"),
]
