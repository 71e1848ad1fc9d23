"""``manage.py plans_committee_reminders``: warn staff of overdue follow-up committees.

Run it daily (cron or a systemd timer). See
:func:`infitah.plans.services.committee_reminders_send`: idempotent, one warning per
overdue period; the e-mails go through the task queue (``manage.py db_worker``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from infitah.plans.services import committee_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail the administrators of collectivities whose plan's follow-up committee has "
        "not met for longer than INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS months "
        "(once per overdue period)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        warned = committee_reminders_send()
        if int(options["verbosity"]) >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"{len(warned)} overdue committee(s) warned.")
                if warned
                else "No committee to warn."
            )
