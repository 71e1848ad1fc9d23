"""Pages of the meetings app: ``/<lang>/meetings/...`` (namespace ``meetings``).

Fixed addresses come before ``<slug>`` ones; the services refuse the slugs that would
shadow them (``services.RESERVED_SLUGS``).
"""

from django.urls import path

from infitah.meetings import views, views_staff

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar.ics", views.ical_network, name="ical-network"),
    path("calendar/<str:ref>.ics", views.ical_collectivity, name="ical-collectivity"),
    path("my-registrations/", views.my_registrations, name="my-registrations"),
    path("manage/", views_staff.manage, name="manage"),
    path("new/", views_staff.meeting_create, name="create"),
    path("<slug:slug>.ics", views.ical_meeting, name="ical-meeting"),
    path("<slug:slug>/", views.meeting_detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register/cancel/", views.registration_cancel, name="registration-cancel"),
    path("<slug:slug>/edit/", views_staff.meeting_edit, name="edit"),
    path("<slug:slug>/publish/", views_staff.meeting_publish, name="publish"),
    path("<slug:slug>/cancel/", views_staff.meeting_cancel, name="cancel"),
    path("<slug:slug>/agenda/", views_staff.agenda_editor, name="agenda"),
    path("<slug:slug>/agenda/<int:pk>/", views_staff.agenda_item_edit, name="agenda-item-edit"),
    path(
        "<slug:slug>/agenda/<int:pk>/delete/",
        views_staff.agenda_item_delete,
        name="agenda-item-delete",
    ),
    path(
        "<slug:slug>/agenda/<int:pk>/move/", views_staff.agenda_item_move, name="agenda-item-move"
    ),
    path("<slug:slug>/agenda/<int:pk>/groups/new/", views_staff.group_create, name="group-create"),
    path("<slug:slug>/groups/<int:pk>/", views_staff.group_edit, name="group-edit"),
    path("<slug:slug>/groups/<int:pk>/delete/", views_staff.group_delete, name="group-delete"),
    path("<slug:slug>/groups/<int:pk>/move/", views_staff.group_move, name="group-move"),
    path("<slug:slug>/registrations/", views_staff.registration_list, name="registrations"),
    path("<slug:slug>/registrations.csv", views_staff.registrations_csv, name="registrations-csv"),
    path(
        "<slug:slug>/registrations/<int:pk>/cancel/",
        views_staff.registration_cancel_staff,
        name="registration-cancel-staff",
    ),
    path("<slug:slug>/attendance/", views_staff.attendance, name="attendance"),
    path("<slug:slug>/attendance/<int:pk>/", views_staff.attendance_edit, name="attendance-edit"),
    path(
        "<slug:slug>/attendance/<int:pk>/delete/",
        views_staff.attendance_delete,
        name="attendance-delete",
    ),
    path("<slug:slug>/minutes/", views_staff.minutes, name="minutes"),
    path("<slug:slug>/documents/<int:pk>/", views.document_download, name="document-download"),
    path(
        "<slug:slug>/documents/<int:pk>/delete/",
        views_staff.document_delete,
        name="document-delete",
    ),
]
