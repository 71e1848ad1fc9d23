"""Public and staff pages of the access_info app."""

from django.urls import path  # noqa: F401

app_name = "access_info"

urlpatterns: list = []
