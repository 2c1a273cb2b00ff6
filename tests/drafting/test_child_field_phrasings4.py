"""Seen / seen alone / bedroom seen per child, round 4 phrasings (child_fields.py,
phrase_about.py, field_clauses.py, data/visit.yaml): a child who saw or met someone is not
the one the worker saw, plans to see a child later, 'not seen' clipped after a comma, a
child seen with a sibling, a clipped list 'seen with Mum', 'did not want to be on his own',
the worker and a child 'on our own', 'but not in her bedroom', a room said only by its
owner, 'seen in their beds'."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import fields

T, F, N = True, False, None
TWO = "Child in need visit to Ava, 8, and her brother Leo, 6. Mum Sarah was at home. "


@pytest.mark.parametrize("text,expected", [
    # what a child saw is not the worker seeing them
    ("Ava was at school and was not seen. I am worried that Ava saw the fight.", {"Ava": (F, N, N), "Leo": (N, N, N)}),
    ("Ava was at her dad's and was not seen. Ava met a man online.", {"Ava": (F, N, N), "Leo": (N, N, N)}),
    # a plan to see a child later
    ("Leo was at his dad's, not seen. Actions, SW to try to see Ava at school tomorrow, Leo to be seen at dad's "
     "on Friday.", {"Ava": (N, N, N), "Leo": (F, N, N)}),
    # clipped 'not seen', a present-tense stay away
    ("Leo, 6, at school, not seen.", {"Ava": (N, N, N), "Leo": (F, N, N)}),
    ("Ava and Leo are staying at their nan's this week, not seen.", {"Ava": (F, N, N), "Leo": (F, N, N)}),
    # seen with a brother or sister, or with an adult in a clipped list
    ("Leo was seen with Ava, as he wanted to stay with his sister.", {"Ava": (T, N, N), "Leo": (T, F, N)}),
    ("Ava and Leo seen with Mum, both too young to be seen alone.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    # not wanting to be on his own
    ("Leo didn't want to be on his own with me so he stayed with his mum.", {"Ava": (N, N, N), "Leo": (T, F, N)}),
    # the worker and a child on their own, the other child with mum
    ("Ava and this worker were drawing at the table on our own while Sarah bathed Leo, and Leo was with his "
     "mum the whole time.", {"Ava": (T, T, N), "Leo": (T, F, N)}),
    # rooms
    ("Ava agreed to talk to me on her own, but not in her bedroom.", {"Ava": (T, T, F), "Leo": (N, N, N)}),
    ("Ava's bedroom was seen, Leo's was not, at his request.", {"Ava": (N, N, T), "Leo": (N, N, F)}),
    ("I saw Ava and Leo at school. I saw them both on their own in a quiet room, so I did not see their bedrooms.",
     {"Ava": (T, T, F), "Leo": (T, T, F)}),
    ("I spoke to Ava on her own on the ward. Leo, 6, is at home with Mum and was not seen. "
     "Obviously her bedroom was not seen.", {"Ava": (T, T, F), "Leo": (F, N, N)}),
    ("Ava and Leo were at home. Ava and Leo asleep, seen in their beds, not woken.",
     {"Ava": (T, N, T), "Leo": (T, N, T)}),
])
def test_round_four_field_phrasings(draft_text, text, expected):
    assert fields(draft_text(TWO + text)) == expected
