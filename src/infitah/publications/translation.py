"""History of publications (each row is already in one language: nothing translated)."""

import simple_history

from infitah.publications.models import Publication

simple_history.register(Publication, app=__package__)
