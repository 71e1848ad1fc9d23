"""Network pages: ``/<lang>/network/`` and its charter versions."""

from django.urls import path

from infitah.network import views

app_name = "network"

urlpatterns = [
    path("", views.network_detail, name="detail"),
    path("charter/<str:version>/", views.charter_version_detail, name="charter-version"),
]
