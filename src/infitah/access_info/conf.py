"""Every number of the access-to-information procedure, as a setting with its legal source.

Law 31-13 on the right of access to information (Dahir 1-18-15 of 22 February 2018, in
force since 12 March 2020) is being amended, so no legal number is written anywhere
else in the code: each one is read here, at call time, from
``settings.INFITAH_ACCESS_INFO_<NAME>`` with the default below. A deployment in
another country (or after the amendment) changes the settings, not the code.

Article numbers are those of the law as published in the Bulletin officiel (French
translation no. 6670 of 3 May 2018) as far as we could check them against the CDAI's
guidance; where we are not certain, the docstring says so. "Working days" follow the
administration's week (:func:`weekend_days`) and Morocco's public holidays
(:mod:`infitah.access_info.deadlines`); "days" are calendar days.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

__all__ = [
    "answer_working_days",
    "cdai_complaint_filing_days",
    "cdai_decision_days",
    "court_appeal_filing_days",
    "extension_working_days",
    "head_complaint_answer_working_days",
    "head_complaint_filing_working_days",
    "holiday_country",
    "identity_retention_years",
    "reminder_lead_working_days",
    "urgent_answer_working_days",
    "urgent_extension_working_days",
    "urgent_reminder_lead_working_days",
    "very_late_working_days",
    "weekend_days",
]

PREFIX = "INFITAH_ACCESS_INFO_"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, PREFIX + name, default)


def _positive_int(name: str, default: int) -> int:
    value = int(_setting(name, default))
    if value < 0:
        raise ValueError(f"{PREFIX}{name} must be zero or more, not {value}")
    return value


# --- Answering a request ---------------------------------------------------------------


def answer_working_days() -> int:
    """Working days to answer an ordinary request: 20 (law 31-13, article 16, paragraph 1).

    Counted from the first working day after receipt; the 20th working day is the due
    date. Setting ``INFITAH_ACCESS_INFO_ANSWER_WORKING_DAYS``.
    """
    return _positive_int("ANSWER_WORKING_DAYS", 20)


def extension_working_days() -> int:
    """Working days one extension adds to an ordinary request: 20 (article 16, para. 2).

    Granted once, for a similar period, when the request cannot be answered in time
    (large volume of information, third parties to consult...), and notified to the
    requester in writing, with its reasons, BEFORE the first period expires. Setting
    ``INFITAH_ACCESS_INFO_EXTENSION_WORKING_DAYS``.
    """
    return _positive_int("EXTENSION_WORKING_DAYS", 20)


def urgent_answer_working_days() -> int:
    """Working days to answer an urgent request: 3 (article 17).

    Urgent: the information is needed to protect a person's life, safety or freedom.
    Setting ``INFITAH_ACCESS_INFO_URGENT_ANSWER_WORKING_DAYS``.
    """
    return _positive_int("URGENT_ANSWER_WORKING_DAYS", 3)


def urgent_extension_working_days() -> int:
    """Working days one extension adds to an urgent request: 3 (article 17).

    Uncertain: article 17 is read by the CDAI's guidance as allowing one extension "of
    the same length" for urgent requests, notified before expiry like article 16's; the
    published text is terse. Set ``INFITAH_ACCESS_INFO_URGENT_EXTENSION_WORKING_DAYS``
    to 0 to forbid extending urgent requests.
    """
    return _positive_int("URGENT_EXTENSION_WORKING_DAYS", 3)


# --- Complaints and appeal --------------------------------------------------------------


def head_complaint_filing_working_days() -> int:
    """Working days to complain to the head of the body: 20 (article 19, paragraph 1).

    Counted from the answer (refusal, partial answer) or from the expiry of the legal
    period without an answer. Setting
    ``INFITAH_ACCESS_INFO_HEAD_COMPLAINT_FILING_WORKING_DAYS``.
    """
    return _positive_int("HEAD_COMPLAINT_FILING_WORKING_DAYS", 20)


def head_complaint_answer_working_days() -> int:
    """Working days for the head of the body to answer a complaint: 15 (article 19, para. 2).

    Counted from the complaint's receipt. Setting
    ``INFITAH_ACCESS_INFO_HEAD_COMPLAINT_ANSWER_WORKING_DAYS``.
    """
    return _positive_int("HEAD_COMPLAINT_ANSWER_WORKING_DAYS", 15)


def cdai_complaint_filing_days() -> int:
    """Days to complain to the CDAI: 30 (article 20, paragraph 1).

    The Commission for the Right of Access to Information (articles 22 ff.). Counted
    from the head's answer or the expiry of the head's 15 working days. The text says
    "days", not "working days": calendar days. Setting
    ``INFITAH_ACCESS_INFO_CDAI_COMPLAINT_FILING_DAYS``.
    """
    return _positive_int("CDAI_COMPLAINT_FILING_DAYS", 30)


def cdai_decision_days() -> int:
    """Days for the CDAI to decide on a complaint: 30 (article 20, paragraph 2).

    Calendar days from the complaint's receipt. Setting
    ``INFITAH_ACCESS_INFO_CDAI_DECISION_DAYS``.
    """
    return _positive_int("CDAI_DECISION_DAYS", 30)


def court_appeal_filing_days() -> int:
    """Days to appeal to the administrative court: 60 (article 21).

    Calendar days from the CDAI's decision or the expiry of its 30 days. Uncertain: the
    60 days are the ordinary time limit of administrative appeals (law 41-90, article
    23) that article 21 refers to; check it against the amended law. The court itself
    has no legal time to decide. Setting ``INFITAH_ACCESS_INFO_COURT_APPEAL_FILING_DAYS``.
    """
    return _positive_int("COURT_APPEAL_FILING_DAYS", 60)


# --- Calendar -----------------------------------------------------------------------


def weekend_days() -> frozenset[int]:
    """Days of the week the administration is closed: Saturday and Sunday.

    ``date.weekday()`` numbers (Monday 0 … Sunday 6); default ``(5, 6)``: Moroccan
    public administrations work Monday to Friday (decree 2-05-916 of 13 July 2005 on
    working hours). Setting ``INFITAH_ACCESS_INFO_WEEKEND_DAYS``.
    """
    days = frozenset(int(day) for day in _setting("WEEKEND_DAYS", (5, 6)))
    if not days <= set(range(7)) or len(days) == 7:
        raise ValueError(f"{PREFIX}WEEKEND_DAYS must be weekday numbers 0-6, not all of them")
    return days


def holiday_country() -> str:
    """ISO code of the country whose public holidays the ``holidays`` library gives: ``MA``.

    Coordinators correct its dates with :class:`~infitah.access_info.models.HolidayOverride`
    rows. Setting ``INFITAH_ACCESS_INFO_HOLIDAY_COUNTRY``.
    """
    return str(_setting("HOLIDAY_COUNTRY", "MA"))


# --- Follow-up ----------------------------------------------------------------------


def very_late_working_days() -> int:
    """Working days past the due date from which a request is "very late": 10.

    Not a legal number: the network's choice for flagging requests in the officers'
    queue and the statistics. Setting ``INFITAH_ACCESS_INFO_VERY_LATE_WORKING_DAYS``.
    """
    return max(1, _positive_int("VERY_LATE_WORKING_DAYS", 10))


def reminder_lead_working_days() -> int:
    """Working days before the due date when officers are reminded (ordinary requests): 3.

    Not a legal number. Setting ``INFITAH_ACCESS_INFO_REMINDER_LEAD_WORKING_DAYS``.
    """
    return _positive_int("REMINDER_LEAD_WORKING_DAYS", 3)


def urgent_reminder_lead_working_days() -> int:
    """Working days before the due date when officers are reminded (urgent requests): 1.

    Not a legal number. Setting ``INFITAH_ACCESS_INFO_URGENT_REMINDER_LEAD_WORKING_DAYS``.
    """
    return _positive_int("URGENT_REMINDER_LEAD_WORKING_DAYS", 1)


def identity_retention_years() -> int:
    """Years the requester's identity is kept after a request is closed: 5.

    Law 09-08 (article 3, paragraph 1.e) requires personal data to be kept no longer
    than needed for its purpose; the number is the network's policy (long enough for
    the complaint, CDAI and court stages), to be declared to the CNDP. After it, the
    identity is removed and the anonymous record stays. Setting
    ``INFITAH_ACCESS_INFO_IDENTITY_RETENTION_YEARS``.
    """
    return max(1, _positive_int("IDENTITY_RETENTION_YEARS", 5))
