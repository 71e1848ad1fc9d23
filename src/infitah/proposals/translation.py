"""History registration of the proposals app (proposals are user text: not translated).

modeltranslation imports every app's ``translation.py``; the history of the plans and
meetings apps is registered in theirs, so ours is here too for one place to look.
The counters and the folded search text are left out of the history: they change
with every support and comment and are not an editorial change.
"""

import simple_history

from infitah.proposals.models import Proposal

simple_history.register(
    Proposal,
    app=__package__,
    excluded_fields=["support_count", "comment_count", "search_text"],
)
