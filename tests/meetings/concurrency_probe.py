"""Run concurrent registrations against a file SQLite database, as in production.

``python tests/meetings/concurrency_probe.py <database file> <threads> <capacity>``
migrates a fresh database, creates a meeting and one person per thread, makes every
thread register at the same moment (each with its own connection) and prints the
outcomes as JSON. Used by ``test_registration.py`` when the test database is an
in-memory SQLite database, which threads cannot share.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(database: str, threads: int, capacity: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["INFITAH_TESTING"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "infitah.settings")
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import translation

    call_command("migrate", verbosity=0)

    from infitah.accounts.models import User
    from infitah.meetings import services
    from infitah.meetings.models import Meeting, Registration
    from tests import factories

    meeting = factories.MeetingFactory(registration_enabled=True, capacity=capacity)
    users = [factories.UserFactory(email=f"probe{i}@example.org") for i in range(threads)]
    user_ids = [u.pk for u in users] + [users[0].pk]  # the first one clicks twice
    connections.close_all()

    barrier = threading.Barrier(len(user_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(user_id: int) -> None:
        # Each thread starts in the default language (ar): read the refusals in English.
        translation.activate("en")
        try:
            user = User.objects.get(pk=user_id)
            target = Meeting.objects.get(pk=meeting.pk)
            barrier.wait(timeout=30)
            outcome = str(services.registration_create(meeting=target, user=user).status)
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()
            translation.deactivate()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    counts = {
        status: Registration.objects.filter(meeting=meeting, status=status).count()
        for status in ("confirmed", "waiting")
    }
    print(json.dumps({"outcomes": outcomes, "counts": counts}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
