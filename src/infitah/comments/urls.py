"""Pages of the comments app."""

from django.urls import URLPattern

app_name = "comments"

urlpatterns: list[URLPattern] = []
