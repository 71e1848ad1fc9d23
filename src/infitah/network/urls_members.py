"""The members directory: ``/<lang>/members/``."""

from django.urls import path

from infitah.network import views

app_name = "members"

urlpatterns = [
    path("", views.member_directory, name="directory"),
]
