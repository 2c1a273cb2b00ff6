"""Round 9: factor precision and per-child factors, each in phrasings that are in no devset
note (data/factors/03, 06, 18; factor_children.py; factor_mentions.py)."""

from __future__ import annotations

import pytest

HOME = "Visited Kerys who is 11 and her brother Idris who is 7 at home with their mum Bethan. "


def codes(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


def families(note) -> set[str]:
    return {"".join(ch for ch in s.code if ch.isdigit()) for s in note.factor_suggestions}


# -- an illness's "attack" hurts nobody ---------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "Bethan told me she gets panic attacks when she has to take the children out on the bus.",
    "Bethan has had three anxiety attacks this week and is waiting to see her GP.",
    "Idris had an asthma attack at school on Monday and Bethan collected him.",
    "Bethan's dad had a heart attack in the spring and she has been going over to help him.",
])
def test_an_illness_attack_is_not_abuse(draft_text, sentence):
    found = families(draft_text(HOME + sentence))
    assert "3" not in found and "18" not in found


def test_an_attack_on_mum_is_still_abuse(draft_text):
    assert "3B" in codes(draft_text(HOME + "Bethan said her partner Gavin attacked her in the kitchen on Sunday."))


# -- illnesses said in other words ----------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "Bethan has COPD and gets breathless on the stairs.",
    "Bethan has emphysema and cannot walk to the school gate any more.",
    "Bethan is on her oxygen most of the day now.",
    "Bethan has not been able to drive since the stroke in the summer.",
    "Bethan has chronic obstructive pulmonary disease and is waiting for a home assessment.",
])
def test_a_parents_illness_in_other_words(draft_text, sentence):
    assert "6B" in codes(draft_text(HOME + sentence))


@pytest.mark.parametrize("sentence", [
    "Bethan said she has never had COPD or any problem with her chest.",
    "Bethan does not have COPD, the GP checked her lungs last month.",
])
def test_an_illness_denied_is_not_a_factor(draft_text, sentence):
    assert "6" not in families(draft_text(HOME + sentence))


# -- a child who lives elsewhere does not live with the household's concerns ----------------------
def test_a_child_living_with_his_dad_elsewhere_gets_no_household_factor(draft_text):
    note = draft_text("Visited Kerys who is 11 at home with her mum Bethan. Her half-brother Rhodri, who is 15, "
                      "lives with his dad in Swansea and I did not see him. Bethan told me she has been drinking "
                      "every day since Christmas.")
    assert codes(note).get("1B") == ["Kerys"]


def test_a_child_who_likes_living_with_mum_keeps_the_household_factor(draft_text):
    note = draft_text(HOME + "Idris said he likes living with his mum. Bethan told me she has been drinking "
                             "every day since Christmas.")
    assert sorted(codes(note).get("1B", [])) == ["Idris", "Kerys"]
