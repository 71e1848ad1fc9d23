"""Pages of the proposals app."""

from django.urls import URLPattern

app_name = "proposals"

urlpatterns: list[URLPattern] = []
