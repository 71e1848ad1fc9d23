"""Pages of the comments app (``/<lang>/comments/...``); threads are shown on the pages of
the commented objects by ``{% comment_thread target %}``."""

from django.urls import URLPattern, path

from infitah.comments import views

app_name = "comments"

urlpatterns: list[URLPattern] = [
    path("new/", views.comment_create, name="create"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.comment_go, name="go"),
    path("<int:pk>/reply/", views.comment_reply, name="reply"),
    path("<int:pk>/edit/", views.comment_edit, name="edit"),
    path("<int:pk>/delete/", views.comment_delete, name="delete"),
    path("<int:pk>/report/", views.comment_report, name="report"),
    path("<int:pk>/hide/", views.comment_hide, name="hide"),
    path("<int:pk>/unhide/", views.comment_unhide, name="unhide"),
    path("<int:pk>/dismiss/", views.comment_dismiss, name="dismiss"),
    path("reports/<int:pk>/dismiss/", views.report_dismiss, name="report-dismiss"),
]
