"""Territory pages: the browser ``/<lang>/territories/`` and one page per collectivity."""

from django.urls import path

from infitah.territories import views

app_name = "territories"

urlpatterns = [
    path("", views.browser, name="browser"),
    path("<slug:slug>/", views.collectivity_detail, name="collectivity-detail"),
]
