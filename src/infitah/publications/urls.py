"""Public and staff pages of the publications app."""

from django.urls import path  # noqa: F401

app_name = "publications"

urlpatterns: list = []
