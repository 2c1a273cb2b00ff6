"""Round 9 of the section and visit-time rules, in phrasings that are in no devset note: the
worker correcting the date or time as they dictate it ("Wednesday, sorry, Thursday"; the
corrected value wins), a month said short ("the 9th of Nov"), "the day before yesterday"."""

from __future__ import annotations

import datetime as dt

import pytest

_PARTS = ("weekday", "day", "month", "year", "days_before", "time")


def when_of(note) -> dict:
    when = note.visit.when
    return {} if when is None else {k: v for k, v in when.model_dump().items() if k in _PARTS and v is not None}


# -- the visit's date and time -------------------------------------------------------------------
@pytest.mark.parametrize("text,parts", [
    ("Home visit on the 9th of Nov at 3pm to see Rio, 6.", {"day": 9, "month": 11, "time": dt.time(15, 0)}),
    ("CIN visit, Friday 21 Mar, quarter past 2, to see Evie, who is 4.",
     {"weekday": "friday", "day": 21, "month": 3, "time": dt.time(14, 15)}),
    ("Visit to the Shah family on the 2nd Sept. at 10am.", {"day": 2, "month": 9, "time": dt.time(10, 0)}),
    ("Statutory visit on Wednesday, sorry, Thursday, to see Kofi, 9.", {"weekday": "thursday"}),
    ("Visit to Ruby, 5, on the 4th of June, no, the 5th, at 4pm.", {"day": 5, "month": 6, "time": dt.time(16, 0)}),
    ("Unannounced visit at quarter to 3, no actually, it was ten to 3, to see Leo, 10.", {"time": dt.time(14, 50)}),
    ("We visited on Monday, no wait, Sunday the 6th at 11 to see Maisy, 3.",
     {"weekday": "sunday", "day": 6, "time": dt.time(11, 0)}),
    ("CP visit the day before yesterday at 5pm to see Ash, 12.", {"days_before": 2, "time": dt.time(17, 0)}),
    ("Child in need visit yesterday, Wednesday, to Jake, 7, and Lola, 5.", {"days_before": 1, "weekday": "wednesday"}),
])
def test_the_visits_date_corrected_or_said_short(draft_text, text, parts):
    assert when_of(draft_text(text)) == parts


@pytest.mark.parametrize("text,parts", [
    # a correction about something else leaves the date as said
    ("Home visit on Tuesday the 4th, no, mum hadn't forgotten, to see Zac, 8.", {"weekday": "tuesday", "day": 4}),
    # "yesterday" of something else, beside the visit's weekday, is not the visit's
    ("Home visit on Friday to see Amy, 6. Mum said Amy was sick yesterday.", {"weekday": "friday"}),
    ("Visit on Monday to see Kit, 9, who had been off school yesterday.", {"weekday": "monday"}),
    # "Jan" before a number may be a name: only a month after its day
    ("Visit on Friday with Jan 2 hours after school to see Ola, 7.", {"weekday": "friday"}),
])
def test_what_is_not_the_visits_date_stays_out(draft_text, text, parts):
    assert when_of(draft_text(text)) == parts
