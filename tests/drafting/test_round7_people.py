"""Round 7: who the children of the visit are and who was present, in phrasings that are in
no devset note (data/people.yaml, data/groups.yaml, name_roles.py, family_ties.py,
children.py)."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import children, fields


def present(note) -> set[str]:
    return {(p.name or p.role).lower() for p in note.visit.people_present}


# -- Scottish words for children: the adult named with them is their parent ------------------
@pytest.mark.parametrize("text", [
    "Home visit to Morag and the bairns this afternoon. Eilidh, who's 8, was seen on her own in her room "
    "and Fraser, 5, stayed with his mum.",
    "I went out to see Morag and her two weans after school, Eilidh who is 8 and Fraser who is 5, and I "
    "saw Eilidh on her own in her room while Fraser stayed with his mum.",
])
def test_a_name_said_with_the_weans_or_bairns_is_their_parent(draft_text, text):
    note = draft_text(text)
    assert children(note) == [("Eilidh", 8), ("Fraser", 5)]
    assert fields(note)["Eilidh"][1] is True
    assert "morag" in present(note)


def test_the_wean_said_of_one_child_resolves_by_order(draft_text):
    note = draft_text("Callum, 11, and Isla, 6, were both in with their dad. The oldest wean was seen on his "
                      "own out in the garden.")
    assert children(note) == [("Callum", 11), ("Isla", 6)]
    assert fields(note)["Callum"][1] is True
    assert fields(note)["Isla"][1] is None


# -- a name that owns a child, or has a partner, is an adult ---------------------------------
@pytest.mark.parametrize("text", [
    "The children are Ellis, 9, who is Gavin's son from before, and Ruby, 3. I saw Gavin and Ruby together in "
    "the lounge, and Ellis was seen on his own in the kitchen.",
    "Present at the visit were Gavin, his girlfriend Tasha, Ellis, 9, and Ruby, 3. Ellis was seen on his own "
    "in the kitchen and I saw Gavin and Ruby in the lounge.",
])
def test_a_name_owning_a_child_or_with_a_partner_is_not_a_child(draft_text, text):
    note = draft_text(text)
    names = [name for name, _ in children(note)]
    assert "Gavin" not in names
    assert sorted(names) == ["Ellis", "Ruby"]
    assert fields(note)["Ellis"][1] is True


def test_a_childs_gender_from_whose_daughter_she_is_picks_the_older_girl(draft_text):
    note = draft_text("There are three children, Jade, 12, who is Paul's daughter, Reece, 7, and Mason, 4. "
                      "The older girl spoke to me on her own in her bedroom.")
    assert [name for name, _ in children(note)] == ["Jade", "Reece", "Mason"]
    assert fields(note)["Jade"][1] is True
    assert fields(note)["Reece"][1] is None


# -- names that are not people ---------------------------------------------------------------
def test_a_schools_name_is_not_a_child(draft_text):
    note = draft_text("I saw Kacey, 10, at Broomhill Primary in the afternoon and her brother Tyler, 13, at "
                      "Carrick High after that, both on their own.")
    names = [name for name, _ in children(note)]
    assert names == ["Kacey", "Tyler"]


def test_a_capitalised_identity_word_is_not_a_person_present(draft_text):
    note = draft_text("Steven is Deaf and signs, so Colette interpreted for us the whole way through. Harris, 6, "
                      "was seen with his dad in the living room.")
    assert "deaf" not in present(note)
    assert children(note) == [("Harris", 6)]


def test_a_name_said_to_be_a_childs_friend_is_not_present(draft_text):
    note = draft_text("Tamsin, 9, was seen on her own and told me her best mate is Kelsey and they play out "
                      "together after school.")
    assert children(note) == [("Tamsin", 9)]
    assert "kelsey" not in present(note)


def test_a_professional_named_after_whose_role_is_a_professional(draft_text):
    note = draft_text("Present: Dean, Ollie, who is 4, and Dean's advocate Priya from the learning disability "
                      "service.")
    roles = {p.name: p.role for p in note.visit.people_present if p.name}
    assert roles.get("Priya") == "professional"
    assert children(note) == [("Ollie", 4)]


# -- the baby named once -----------------------------------------------------------------------
def test_the_baby_later_is_the_baby_named_before_even_past_a_year(draft_text):
    note = draft_text("Kerry-Ann was at home with Jodie, 5, and the baby, Reggie, who is 14 months. Reggie was "
                      "asleep in his cot. I'm a bit worried about Kerry-Ann leaving the baby with her new boyfriend.")
    assert children(note) == [("Jodie", 5), ("Reggie", 1)]


def test_an_age_said_with_only_before_it(draft_text):
    note = draft_text("Mum was at home with Tyler, who's only 2, and the baby, Nathan, who is only 3 weeks "
                      "old, and both were seen.")
    assert children(note) == [("Tyler", 2), ("Nathan", 0)]
