"""Pages of the library: ``/<lang>/library/``."""

from django.urls import path

from infitah.library import views

app_name = "library"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("upload/", views.document_upload, name="upload"),
    path("<slug:slug>/", views.document_detail, name="detail"),
    path("<slug:slug>/download/", views.document_download, name="download"),
    path("<slug:slug>/edit/", views.document_edit, name="edit"),
    path("<slug:slug>/publish/", views.document_set_published, name="set-published"),
    path("<slug:slug>/good-practice/", views.good_practice_edit, name="good-practice-edit"),
    path("<slug:slug>/adopt/", views.good_practice_adopt, name="adopt"),
    path(
        "<slug:slug>/adoptions/<int:pk>/delete/",
        views.adoption_delete,
        name="adoption-delete",
    ),
]
