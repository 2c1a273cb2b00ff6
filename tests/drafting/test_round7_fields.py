"""Seen / seen alone / bedroom seen per child, round 7 mechanisms (field_hedges.py and
data/field_hedges.yaml, field_clauses.attempted, form_answers.asked_field, phrase_about's
rooms named for a use, child_fields' child telling where they were), each on phrasings of
my own: a hedged statement is not said, a tried or asked-for seeing is not said, a field
asked as a question on its own and answered by the next sentence, a room named for what it
is used for, and a child's own account of where they were."""

from __future__ import annotations

import pytest

from pipeline.drafting.field_hedges import hedge_words
from pipeline.drafting.form_answers import asked_field
from tests.drafting.visit_views import fields

T, F, N = True, False, None
TWO = "Child in need visit to Ava, 8, and her brother Leo, 6. Mum Sarah was at home. "
THREE = "Home visit to the Grant family: Maya, 12, her brother Ollie, 9, and baby Ruby, 7 months. Dad Kevin was in. "


def _draft(draft_text, text, expected):
    return fields(draft_text((THREE if "Ollie" in text or "Maya" in expected else TWO) + text))


@pytest.mark.parametrize("text,expected", [
    # a modal + have, a doubting verb of the worker's, "not sure", a doubting adverb: not said
    ("I might have seen Leo's bedroom when Sarah opened the door upstairs, it was hard to tell.",
     {"Leo": (N, N, N)}),
    ("Ava was at home. I think I spoke to Ava on her own for a few minutes while her mum made tea in the kitchen.",
     {"Ava": (T, N, N)}),
    ("We possibly looked into Ava's room on the way out but I honestly could not swear to it.",
     {"Ava": (N, N, N)}),
    # the same statements said outright are said
    ("I saw Leo's bedroom when Sarah opened the door upstairs.", {"Leo": (N, N, T)}),
    ("I spoke to Ava on her own for a few minutes while her mum made tea in the kitchen.", {"Ava": (T, T, N)}),
    # mum's opinion is not the worker's doubt
    ("Sarah thinks Leo's room is too small; I saw his bedroom and it was fine.", {"Leo": (N, N, T)}),
])
def test_hedged_statements_are_not_said(draft_text, text, expected):
    assert {k: v for k, v in _draft(draft_text, text, expected).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    # tried, asked, wanted: the attempt says nothing of seeing alone
    ("I tried to speak with Ollie by himself, however he kept running back to his dad.", {"Ollie": (N, N, N)}),
    ("Maya was in the lounge. I asked to see Maya alone and Kevin said she was too tired tonight.",
     {"Maya": (T, N, N)}),
    # what the worker did see is still said
    ("I tried to see Ollie on his own but he would not leave Kevin, so I talked to him with his dad there.",
     {"Ollie": (T, F, N)}),
])
def test_tried_to_see_is_not_seen(draft_text, text, expected):
    assert {k: v for k, v in _draft(draft_text, text, expected).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    ("Children seen? Yes, all three. Seen alone? Maya yes, Ollie no, he wanted his dad. Bedrooms? Maya's seen, "
     "Ollie's not.", {"Maya": (T, T, T), "Ollie": (T, F, F), "Ruby": (T, N, N)}),
    ("Were they seen alone? Ava yes, in the kitchen, Leo no.", {"Ava": (T, T, N), "Leo": (T, F, N)}),
    # a sentence after the question that does not answer it says nothing as an answer
    ("Alone? Sarah then told me about the rent arrears for a long time.", {"Ava": (N, N, N), "Leo": (N, N, N)}),
    # a form line whose label is answered by the next label's word
    ("Bedrooms, seen, all three.", {"Maya": (N, N, T), "Ollie": (N, N, T), "Ruby": (N, N, T)}),
    ("Alone, Maya and Ollie separately, Ruby no, too little.", {"Maya": (T, T, N), "Ollie": (T, T, N),
                                                               "Ruby": (T, F, N)}),
])
def test_question_answered_in_the_next_sentence(draft_text, text, expected):
    assert {k: v for k, v in _draft(draft_text, text, expected).items() if k in expected} == expected


def test_asked_field_reads_short_questions_only():
    assert asked_field("Alone?") == "child_seen_alone"
    assert asked_field("Were the kids seen?") == "child_seen"
    assert asked_field("Bedrooms?") == "bedroom_seen"
    assert asked_field("Did Sarah say whether Leo has been seen by the dentist this year?") is None
    assert asked_field("Seen alone.") is None


@pytest.mark.parametrize("text,expected", [
    # a room named for a use is not the child's bedroom
    ("I met Ava in the sensory garden room with her teaching assistant.", {"Ava": (T, N, N)}),
    ("I saw Leo in the nurture room at school.", {"Leo": (T, N, N)}),
    # a room named for who sleeps there is
    ("Sarah showed me Leo's box room.", {"Leo": (N, N, T)}),
])
def test_rooms_named_for_a_use(draft_text, text, expected):
    assert {k: v for k, v in _draft(draft_text, text, expected).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    # the child telling where she was at some other time is at the visit
    ("Ava was chatty, and Ava told me she was at a sleepover at her friend's on Friday.", {"Ava": (N, N, N)}),
    # mum telling where the child is now still says the child was away
    ("Sarah said Leo was at his dad's, so he was not seen today.", {"Leo": (F, N, N)}),
])
def test_child_telling_where_she_was(draft_text, text, expected):
    assert {k: v for k, v in _draft(draft_text, text, expected).items() if k in expected} == expected


def test_hedge_lexicon_is_checked_when_loaded():
    words = hedge_words()
    assert "may" in words["modals"] and "think" in words["doubting_verbs"] and "sure" in words["unsure"]


@pytest.mark.parametrize("text,expected", [
    # the worker with the child on their own, whatever the verb
    ("After tea we wandered down to the swings with Maya on her own and she talked about school.",
     {"Maya": (T, T, N), "Ollie": (N, N, N)}),
    ("I had twenty minutes with Leo by himself in the garden.", {"Leo": (T, T, N)}),
    # with an adult on her own is not a child seen alone
    ("I sat with Sarah on her own while the children watched television.", {"Ava": (N, N, N), "Leo": (N, N, N)}),
])
def test_worker_with_the_child_on_their_own(draft_text, text, expected):
    assert {k: v for k, v in _draft(draft_text, text, expected).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    ("Visit to Ava and Leo, it was not announced, and Sarah let me in.", False),
    ("Announced visit, Sarah let me in.", True),
])
def test_not_announced(draft_text, text, expected):
    assert draft_text(text).visit.announced is expected


def test_room_shown_to_us(draft_text):
    text = "Kevin showed us the back bedroom Ollie and Maya share, which was tidy."
    assert {k: v for k, v in _draft(draft_text, text, {"Maya": 0}).items() if k in ("Maya", "Ollie")} == \
        {"Maya": (N, N, T), "Ollie": (N, N, T)}
