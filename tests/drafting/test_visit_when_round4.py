"""When the visit took place, round 4 forms (visit_when.py, data/visit.yaml): a date
written as numbers, a weekday with an ordinal day, 'after school' as a time of day, and
the weekday of the date when another weekday is said for the arranging."""

from __future__ import annotations

import datetime as dt

import pytest

_PARTS = ("weekday", "day", "month", "year", "days_before", "time")


@pytest.mark.parametrize("text,parts", [
    ("CIN visit 14/03/25, 09:10, unannounced, to see Kai, 10.", {"day": 14, "month": 3, "year": 2025,
                                                                   "time": dt.time(9, 10)}),
    ("Purpose: joint section 47 visit with PC Ward, Monday 17th, early evening, to see Divine, 8.",
     {"weekday": "monday", "day": 17}),
    ("Home visit on Thursday after school, about half three, to see Jake, 13.",
     {"weekday": "thursday", "time": dt.time(15, 30)}),
    ("A child in need visit to Zara, 9, arranged with Dad on Monday, was carried out on Wednesday 26th March "
     "at 3.45.", {"weekday": "wednesday", "day": 26, "month": 3, "time": dt.time(15, 45)}),
])
def test_visit_date_forms(draft_text, text, parts):
    when = draft_text(text).visit.when
    assert when is not None
    assert {k: v for k, v in when.model_dump().items() if k in _PARTS and v is not None} == parts


def test_an_unplanned_visit_is_unannounced(draft_text):
    note = draft_text("Home visit Monday 24 March at 10.30 in the morning. Unplanned, this worker popped in as I was "
                      "nearby and Kayleigh had missed the last two sessions. Tommy, 2, was playing.")
    assert note.visit.announced is False


def test_a_clipped_sentence_opening_with_a_child_is_about_that_child(draft_text):
    note = draft_text("CP visit to Archie, 2, and Maisie, 6, at home with Mum. Archie seen with Mum. "
                      "Maisie, 6, at school, not seen.")
    seen = {c.name: c.child_seen for c in note.visit.children}
    assert seen == {"Archie": True, "Maisie": False}
