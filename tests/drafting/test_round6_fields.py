"""Seen / seen alone / bedroom seen per child and 'announced', round 6 mechanisms
(child_fields.py, self_corrections.py, phrase_about.py, field_clauses.py, data/visit.yaml),
each on phrasings of my own: a worker correcting themselves mid-sentence, rooms shared by
or listed as several children's, every room but one, a sleeping place other than a cot,
where a child sleeps, 'neither of' a group, seen alone said other ways, not seen alone said
other ways, and a visit the family knew about."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import fields

T, F, N = True, False, None
TWO = "Child in need visit to Ava, 8, and her brother Leo, 6. Mum Sarah was at home. "
THREE = "Home visit to the Grant family: Maya, 12, her brother Ollie, 9, and baby Ruby, 7 months. Dad Kevin was in. "


@pytest.mark.parametrize("text,expected", [
    # a correction withdraws the part before it: the worker answers (never the withdrawn answer)
    ("I saw Ava on her own. Leo was spoken to alone in the garden, no actually, Sarah came out and stood with us "
     "most of the time.", {"Ava": (T, T, N), "Leo": (T, N, N)}),
    ("Ollie had his own room, which I looked round, sorry, scratch that, I only looked in from the landing.",
     {"Maya": (N, N, N), "Ollie": (N, N, N), "Ruby": (N, N, N)}),
    # said again the other way with 'it'
    ("I did not see Leo's room, sorry, I did see it before I left and it was tidy.",
     {"Ava": (N, N, N), "Leo": (N, N, T)}),
    # a correction about something else leaves what was said before it
    ("I saw Ava on her own, which was at the bus stop, no, sorry, that was last week, today it was in the kitchen.",
     {"Ava": (T, T, N), "Leo": (N, N, N)}),
])
def test_self_corrections(draft_text, text, expected):
    note = draft_text((THREE if "Ollie" in text else TWO) + text)
    assert {k: v for k, v in fields(note).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    # a room shared by two named children, its owners listed with 's, a room someone has
    ("The room shared by Maya and Ollie was viewed by the social worker and was cluttered.",
     {"Maya": (N, N, T), "Ollie": (N, N, T), "Ruby": (N, N, N)}),
    ("Maya's and Ollie's rooms were not viewed, as dad said they were a mess.",
     {"Maya": (N, N, F), "Ollie": (N, N, F), "Ruby": (N, N, N)}),
    ("Ollie has the little room at the back, which I did not get to see.",
     {"Maya": (N, N, N), "Ollie": (N, N, F), "Ruby": (N, N, N)}),
    ("I saw the room Maya and Ollie share, which was tidy.", {"Maya": (N, N, T), "Ollie": (N, N, T), "Ruby": (N, N, N)}),
    ("Maya was spoken to one to one in her room.", {"Maya": (T, T, T), "Ollie": (N, N, N)}),
    # every room but one: the one left out was not seen
    ("Kevin showed me all the bedrooms apart from Maya's, because she had locked it.",
     {"Maya": (N, N, F), "Ollie": (N, N, T), "Ruby": (N, N, T)}),
    # where a baby sleeps other than a cot
    ("Ruby's crib next to her parents' bed was checked and was clean.", {"Ruby": (N, N, T)}),
    # where a child sleeps, seen or not; not seeing where she sleeps says nothing of seeing her
    ("Kevin refused to show me where Maya sleeps.", {"Maya": (N, N, F), "Ollie": (N, N, N)}),
    ("I was shown where Ollie sleeps, a mattress on the floor.", {"Maya": (N, N, N), "Ollie": (N, N, T)}),
    # taken to the room
    ("Ruby was napping when I arrived, so Kevin took me up to her room, where I saw Ruby asleep.", {"Ruby": (T, N, T)}),
])
def test_rooms(draft_text, text, expected):
    note = fields(draft_text(THREE + text))
    assert {k: v for k, v in note.items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    # 'neither of' a group means the group, not the children named before it
    ("Maya was seen alone in the kitchen. Neither of the younger two was seen on their own, as they are little.",
     {"Maya": (T, T, N), "Ollie": (T, F, N), "Ruby": (T, F, N)}),
    # seen alone said other ways
    ("I sat down with Ollie on his own at the dining table.", {"Ollie": (T, T, N)}),
    ("Maya and I had some one-to-one time in the garden, and I spoke to Ollie away from his dad.",
     {"Maya": (T, T, N), "Ollie": (T, T, N)}),
    ("I talked with Maya privately upstairs.", {"Maya": (T, T, N)}),
    # not seen alone said other ways
    ("Ollie clung to Kevin the whole time so I couldn't get him on his own.", {"Ollie": (T, F, N)}),
    ("Maya and Ollie were together at the table doing a jigsaw, and I chatted with them there.",
     {"Maya": (T, F, N), "Ollie": (T, F, N)}),
    ("I saw Maya on her own, and I saw Ollie with his sister later.", {"Maya": (T, T, N), "Ollie": (T, F, N)}),
    ("Ollie would not talk to me away from his dad.", {"Ollie": (T, F, N)}),
    # a child feeling alone is not about being seen alone
    ("Maya said she has made friends at her new school, and not alone at break any more.", {"Maya": (N, N, N)}),
    # the adults together, spoken with: nothing about the children
    ("Kevin and his partner Jo were together in the garden, and I spoke with them there.",
     {"Maya": (N, N, N), "Ollie": (N, N, N)}),
    ("Ollie got back from football before I left, so I did see him, but only with Kevin there, so not on his own.",
     {"Ollie": (T, F, N)}),
])
def test_seen_alone_said_other_ways(draft_text, text, expected):
    note = fields(draft_text(THREE + text))
    assert {k: v for k, v in note.items() if k in expected} == expected


@pytest.mark.parametrize("text,announced", [
    ("Home visit to Ava, 8, and Leo, 6, on Monday at 3pm, which I had booked in with Sarah last week.", True),
    ("Child in need visit on Monday, which was planned with Sarah and her partner at the core group.", True),
    ("Child in need visit to Ava and Leo on Monday 2 March, arranged at the last review meeting.", True),
    ("Child in need visit on Monday at 3pm, which Sarah knew about as I had texted her.", True),
    ("Child in need visit on Monday at 3pm following a referral which the school knew about.", None),
    ("Unannounced child in need visit on Monday, which Sarah had not been told about.", False),
])
def test_announced(draft_text, text, announced):
    assert draft_text(text + " Ava and Leo were at home.").visit.announced is announced
