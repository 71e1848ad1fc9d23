from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Meetings: agenda, breakout groups, registration, attendance, minutes, iCalendar."""

    name = "infitah.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from infitah.accounts.services import register_account_deletion_hook
        from infitah.core.cache import track_public_model
        from infitah.meetings import models
        from infitah.meetings.services import attendances_anonymise_for_user

        # Registrations change public figures (places left); attendance changes the
        # published disaggregated figures.
        for model in (
            models.Meeting,
            models.AgendaItem,
            models.BreakoutGroup,
            models.Registration,
            models.Attendance,
            models.MeetingDocument,
        ):
            track_public_model(model)
        # Deleting an account erases the name recorded on its attendance (law 09-08);
        # the anonymous figures (category, gender, age band) stay.
        register_account_deletion_hook(attendances_anonymise_for_user)
