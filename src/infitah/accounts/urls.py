"""Account pages of our own, under ``/<lang>/accounts/`` next to django-allauth's."""

from django.urls import path

from infitah.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/delete/", views.account_delete, name="delete"),
]
