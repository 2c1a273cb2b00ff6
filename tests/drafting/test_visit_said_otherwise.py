"""The visit fields said the ways other authors say them (issue 14, round 3): announced or
not, when, who was present, and each child's seen / seen alone / bedroom seen in other
phrasings. The sentences are written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

T, F, N = True, False, None
TWO = "Child in need visit to Ava, 8, and her brother Leo, 6. "


def fields(note) -> dict[str, tuple]:
    return {c.name: (c.child_seen, c.child_seen_alone, c.bedroom_seen) for c in note.visit.children}


@pytest.mark.parametrize("text,announced", [
    ("Child in need visit to Ava, 8, as arranged with her dad on Friday.", True),
    ("Home visit to Ava, 8, by arrangement with mum.", True),
    ("I visited Ava, 8, having phoned her mum beforehand.", True),
    ("I visited Ava, 8, and had texted mum the day before, so she knew I was coming.", True),
    ("Statutory visit to Ava, 8, arranged with her school last week.", None),  # not with the family
    ("I called at the house without warning to see Ava, 8.", False),
    ("Visit to Ava, 8; mum was not expecting me.", False),
])
def test_announced_said_otherwise(draft_text, text, announced):
    assert draft_text(text).visit.announced is announced


@pytest.mark.parametrize("text,parts", [
    ("Home visit on Thursday the 4th at twenty past two to see Ava, 8.", {"weekday": "thursday", "day": 4,
                                                                          "time": dt.time(14, 20)}),
    ("I visited Ava, 8, on the 19th at ten to four.", {"day": 19, "time": dt.time(15, 50)}),
    ("Visit type, child in need. Visit date, 6th May. Time of visit, 11am. Ava, 8, was seen alone.",
     {"day": 6, "month": 5, "time": dt.time(11, 0)}),
    ("Tuesday afternoon, about half past three. Child in need visit to Ava, 8.",
     {"weekday": "tuesday", "time": dt.time(15, 30)}),
    ("I made a looked after child visit to Ava, 8, on the 2nd of June at 4pm.", {"day": 2, "month": 6,
                                                                                 "time": dt.time(16, 0)}),
])
def test_when_said_otherwise(draft_text, text, parts):
    when = draft_text(text).visit.when
    assert when is not None
    assert {k: v for k, v in when.model_dump().items() if k in parts} == parts
    assert all(getattr(when, k) is None for k in ("weekday", "day", "month", "time") if k not in parts)


def test_a_date_said_later_in_the_note_is_not_the_visit(draft_text):
    text = TWO + "Both were seen alone. Mum said Leo's hospital appointment is on the 14th at 10am."
    assert draft_text(text).visit.when is None


@pytest.mark.parametrize("text,expected", [
    # the worker and a professional named together as the ones who visited
    ("My colleague from the early help team and I visited Ava, 8, who was seen alone.", {"professional"}),
    ("SW and PC Adeyemi called at the house to see Ava, 8, who was seen alone.", {"PC Adeyemi"}),
    # a named professional in the list of who was present
    ("Present: mum Sarah, Ava, 8, and Mr Novak, the Polish interpreter.", {"Mr Novak"}),
])
def test_professionals_at_the_visit(draft_text, text, expected):
    people = draft_text(text).visit.people_present
    assert expected <= {p.name or p.role for p in people if p.role == "professional"}


def test_the_parents_are_the_parents_named(draft_text):
    text = TWO + "Mum Sarah and dad Paul were home. Both children were seen with their parents."
    assert {(p.name, p.role) for p in draft_text(text).visit.people_present} == {
        ("Sarah", "mother"), ("Paul", "father"), ("Ava", "child"), ("Leo", "child")}


def test_an_unnamed_baby_listed_as_present_was_seen(draft_text):
    note = draft_text("Visit to mum Kerry and Ava, 8. Kerry was at home with Ava and the baby, who is five months "
                      "old. The baby was asleep in her cot.")
    assert fields(note)["the baby"][0] is True


@pytest.mark.parametrize("text,expected", [
    # the child the subject of talking to the worker alone
    (TWO + "Ava talked to the worker alone in the garden, and Leo spoke to me on his own afterwards.",
     {"Ava": (T, T, N), "Leo": (T, T, N)}),
    # not seen alone said other ways
    (TWO + "Ava was seen, but not alone, and Leo refused to speak to me without his mum.",
     {"Ava": (T, F, N), "Leo": (T, F, N)}),
    (TWO + "I saw Ava on her own, and Leo sat on his dad's knee the whole time.", {"Ava": (T, T, N), "Leo": (T, F, N)}),
    (TWO + "Ava spoke to me by herself, and the baby was too young to be seen alone.", {"Ava": (T, T, N)}),
    # rooms said other ways
    (TWO + "I did not go upstairs, so no bedrooms were seen.", {"Ava": (N, N, F), "Leo": (N, N, F)}),
    (TWO + "Bedrooms, both seen.", {"Ava": (N, N, T), "Leo": (N, N, T)}),
    ("Visit to Ava, 8, and Leo, 1. Leo's cot, in Ava's room, was seen.", {"Ava": (N, N, T), "Leo": (N, N, T)}),
    (TWO + "The children's room, with its bunk beds, was seen.", {"Ava": (N, N, T), "Leo": (N, N, T)}),
    # 'they' after a group phrase means that group
    ("Visit to Josh, 10, and the twins Mia and Lola, 2. I saw Josh alone, and both twins were seen with mum, "
     "as they are too little to be seen alone.", {"Josh": (T, T, N), "Mia": (T, F, N), "Lola": (T, F, N)}),
    # a child named by 'her son'/'her daughter' in a clause of its own
    ("Visit to Amira and her son Adam, 12, and daughter Sara, 9. I saw her son alone and then her daughter "
     "alone in her bedroom.", {"Adam": (T, T, N), "Sara": (T, T, T)}),
])
def test_per_child_fields_said_otherwise(draft_text, text, expected):
    found = fields(draft_text(text))
    assert {name: found.get(name) for name in expected} == expected


def test_needs_being_met_is_not_a_meeting(draft_text):
    note = draft_text(TWO + "Ava and Leo were at school. I am satisfied that both children's needs are being met.")
    assert fields(note) == {"Ava": (F, N, N), "Leo": (F, N, N)}
