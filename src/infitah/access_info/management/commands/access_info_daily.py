"""``manage.py access_info_daily``: the daily work of access to information (for cron).

Enqueues (default) or runs now (``--now``) the tasks of :mod:`infitah.access_info.tasks`:
reminders to officers before due dates, escalation of late requests to the
collectivity's administrators, and removal of requesters' identities past the
retention period. Each task does its work once (reminders and escalations are marked
on the requests), so running the command twice a day is harmless. Cron example::

    15 7 * * 1-5  cd /srv/infitah && .venv/bin/python manage.py access_info_daily
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from infitah.access_info import tasks

DAILY_TASKS = (
    tasks.send_deadline_reminders,
    tasks.escalate_late_requests,
    tasks.purge_expired_identities,
)


class Command(BaseCommand):
    help = (
        "Enqueue the daily access-to-information tasks: deadline reminders to information "
        "officers, escalation of late requests, removal of expired identities."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Run the tasks in this process instead of enqueuing them for the worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for daily in DAILY_TASKS:
            name = daily.name
            if options["now"]:
                result = daily.call()
                self.stdout.write(f"{name}: {result}")
            else:
                enqueued = daily.enqueue()
                self.stdout.write(f"{name}: enqueued ({enqueued.id})")
