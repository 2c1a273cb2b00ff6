"""Round 8: the visit's fields said in new ways, in phrasings that are in no devset note:
times said as speech, the arrival as the visit's time in a visit told in time order, a time
the worker hedges or says only vaguely (visit_when.py, data/visit.yaml 'when')."""

from __future__ import annotations

import datetime as dt

import pytest

_PARTS = ("weekday", "day", "month", "year", "days_before", "time")


def when_of(note) -> dict:
    when = note.visit.when
    return {} if when is None else {k: v for k, v in when.model_dump().items() if k in _PARTS and v is not None}


# -- times said as speech, and the worker's arrival in its own sentence ------------------------
@pytest.mark.parametrize("text,parts", [
    ("Announced CIN visit to the Okafor family on Tuesday the 9th of December. At twenty to five I arrived and "
     "Grace let me in.", {"weekday": "tuesday", "day": 9, "month": 12, "time": dt.time(16, 40)}),
    ("Home visit to see Kai, 6, on Wednesday. I got there at 25 past 2 and left at quarter to 4.",
     {"weekday": "wednesday", "time": dt.time(14, 25)}),
    ("I arrived at 10 past 11 and left at 20 past 12. Nana Joan was in with Tyrese, 3.", {"time": dt.time(11, 10)}),
    ("School visit on the 12th of March, at 10 past 10, to see Ben, 9.",
     {"day": 12, "month": 3, "time": dt.time(10, 10)}),
    ("Statutory visit on the 21st, around 3, to see Amir, who is 8.", {"day": 21, "time": dt.time(15, 0)}),
    ("Looked after child visit to Skye, 14. We eventually got there at 5 to 6 because of the traffic.",
     {"time": dt.time(17, 55)}),
    ("Unannounced visit on Saturday to see Jay, 10. At 7.20pm the worker knocked and his dad answered.",
     {"weekday": "saturday", "time": dt.time(19, 20)}),
    ("CP visit last Tuesday at 5 o'clock to see Ruby, 3.", {"weekday": "tuesday", "time": dt.time(17, 0)}),
    ("Visited Leon, 12, yesterday at half past 6 in the evening.", {"days_before": 1, "time": dt.time(18, 30)}),
    ("Visit to Jordan, 10.\nWhen: Tuesday afternoon, 2 o'clock.", {"weekday": "tuesday", "time": dt.time(14, 0)}),
])
def test_the_time_of_the_visit_said_as_speech(draft_text, text, parts):
    assert when_of(draft_text(text)) == parts


# -- not the visit's time: another event's, a hedged one, a vague one --------------------------
@pytest.mark.parametrize("text,parts", [
    ("Visit to Mo, 11, on Friday. Mum said she had rung the school at 9 to report him sick.", {"weekday": "friday"}),
    ("Home visit to Aisha, 6, on Tuesday. Her dad was watching TV when we arrived at 11.", {"weekday": "tuesday"}),
    ("Visit to Poppy, 5, on Monday, I think at about half 2.", {"weekday": "monday"}),
    ("I saw Harvey, 7, at home on Thursday at 4, I'm not sure.", {}),
    ("Child in need visit on Friday at four-ish to see Harry, 7.", {"weekday": "friday"}),
    ("Unannounced visit to Lena, 4, on Thursday, I arrived at gone 5pm.", {"weekday": "thursday"}),
    ("Visit between 3 and 4pm on Saturday to see Ella, 9.", {"weekday": "saturday"}),
    ("Home visit on Sunday at about 2 or 3 to see Max, 8.", {"weekday": "sunday"}),
    ("Visit to Noor, 9, on Wednesday. I arrived at 4 and we talked for about 20 to 30 minutes.",
     {"weekday": "wednesday", "time": dt.time(16, 0)}),
])
def test_a_time_not_clearly_said_of_the_visit_is_not_its_time(draft_text, text, parts):
    assert when_of(draft_text(text)) == parts


# -- announced or not, said in new ways -----------------------------------------------------------
@pytest.mark.parametrize("text,announced", [
    ("Home visit to Priya, 6. Her dad Sunil didn't know I was coming and was still in his dressing gown.", False),
    ("Home visit to Priya, 6. Sunil wasn't expecting us, he said he'd have tidied up.", False),
    ("This was a cold call on Priya, 6, and her dad Sunil after the school's worries.", False),
    ("I went round on spec to see Priya, 6, and her father Sunil.", False),
    ("I called round without ringing first to see Priya, 6, and her dad Sunil.", False),
    ("Home visit to Priya, 6, which I'd let Sunil know about at the core group.", True),
    ("Home visit to Priya, 6. I had told her dad at the last meeting that I would be visiting this week.", True),
    # another's doings said with the same words say nothing of the visit
    ("Home visit to Priya, 6. Priya said she went to the shop without telling her dad.", None),
    ("Home visit to Priya, 6. I had told the school about my worries last month.", None),
])
def test_announced_said_in_new_ways(draft_text, text, announced):
    assert draft_text(text).visit.announced is announced


# -- a professional who came to the visit, even in a sentence filed as what others said --------
def present(note) -> set[tuple]:
    return {(p.name, p.role) for p in note.visit.people_present}


@pytest.mark.parametrize("text,expected", [
    ("Home visit to Nadia and her son Zak, 9. The OT was there too and looked at the bathroom. Zak was seen alone.",
     (None, "professional")),
    ("Home visit to Nadia and her son Zak, 9. The family support worker came with me. Zak was seen alone.",
     (None, "professional")),
    ("Home visit to Nadia and her son Zak, 9. An advocate from Mind joined us. Zak was seen alone.",
     (None, "professional")),
    ("Home visit to Zak, 9. His teacher Mrs Lamb came along with us and sat in. Zak was seen alone.",
     ("Mrs Lamb", "professional")),
])
def test_a_professional_who_came_to_the_visit_was_present(draft_text, text, expected):
    assert expected in present(draft_text(text))


@pytest.mark.parametrize("text", [
    "Home visit to Nadia and her son Zak, 9. Nadia said the health visitor came last week. Zak was seen alone.",
    "Home visit to Nadia and her son Zak, 9. Nadia told the OT she was there for the assessment. Zak was seen alone.",
    "Home visit to Zak, 9. The GP said dad was there too. Zak was seen alone.",
    "Home visit to Zak, 9. The interpreter joined us by phone. Zak was seen alone.",
])
def test_a_professional_only_spoken_of_or_on_the_phone_was_not_present(draft_text, text):
    assert not any(role == "professional" for _, role in present(draft_text(text)))


@pytest.mark.parametrize("text,name", [
    ("Home visit to Zak, 9, and his mum. The midwife Anna Price was also present. Zak was seen alone.", "Anna Price"),
    ("Home visit to Zak, 9, and his mum. The family support worker Anna Price was also present. Zak was seen alone.",
     "Anna Price"),
    ("Joint visit to Poppy, 4, and her dad. The health visitor Mrs Osei came with me and weighed Poppy.", "Mrs Osei"),
])
def test_the_professional_said_before_a_full_name_is_that_person(draft_text, text, name):
    people = present(draft_text(text))
    assert (name, "professional") in people
    assert (name, "child") not in people


# -- a name said as a parent ("Nadia is mum to Zak"): a bare "mum" later is that person -------
@pytest.mark.parametrize("text,expected", [
    ("Nadia is mum to Zak, 9. Home visit today, mum was in with Zak and I saw him alone.", ("Nadia", "mother")),
    ("Home visit to Zak, 9, and Amira, 6. Gary is dad to both of them and was at home with the children.",
     ("Gary", "father")),
])
def test_a_name_said_to_be_mum_or_dad_is_the_parent_present(draft_text, text, expected):
    people = present(draft_text(text))
    assert expected in people
    assert (None, expected[1]) not in people
