"""Round 6: which CiN factors a note supports and on whose record they go, each mechanism in
phrasings that are in no devset note (factors.py, factor_children.py, factor_rules.py,
context.py, data/context.yaml, data/factors/01 and 06)."""

from __future__ import annotations

import pytest

from pipeline.drafting.context import allegations_refuted
from pipeline.drafting.factor_rules import load_factor_rules


def codes(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


# -- a 'no concerns' statement stops at a clause with its own subject ------------------------
@pytest.mark.parametrize("text,no_factors,other", [
    ("Mollie is 6 and Jay is 11. I have no worries about Mollie, but Jay staying out all night is a big "
     "risk and he has gone missing twice.", ["Mollie"], ("10A", ["Jay"])),
    ("Ruby (4) and Kaden (13) were both at home. I've got no concerns for Ruby at all, though Kaden has been "
     "reported missing twice since half term.", ["Ruby"], ("10A", ["Kaden"])),
])
def test_no_concerns_for_one_child_while_a_sibling_has_a_factor(draft_text, text, no_factors, other):
    found = codes(draft_text(text))
    assert found.get("21") == no_factors
    assert found.get(other[0]) == other[1]


# -- an allegation the note says was not substantiated ---------------------------------------
_ALLEGED = ("Visit made today after the police passed on a call alleging that Mum, Jodie, uses cocaine and "
            "leaves Kai, who is 5, and Lacey, who is 9, with nobody to look after them. Jodie was sober and the "
            "flat was clean and tidy. Kai and Lacey said Mum is always there. ")


def test_an_unsubstantiated_allegation_is_not_a_factor(draft_text):
    found = codes(draft_text(_ALLEGED + "In my view the allegation is unfounded and there are no concerns "
                                        "for either child."))
    assert found == {"21": ["Kai", "Lacey"]}


def test_an_allegation_the_note_does_not_refute_still_counts(draft_text):
    found = codes(draft_text(_ALLEGED + "I will visit again next week."))
    assert "2B" in found


@pytest.mark.parametrize("text,refuted", [
    ("The concerns raised were not substantiated.", True),
    ("No evidence was found to support what the neighbour said.", True),
    ("The referral was shown to be malicious.", True),
    ("The allegation is being investigated by the police.", False),
])
def test_what_says_allegations_were_refuted(text, refuted):
    assert allegations_refuted(text) is refuted


# -- what is over: an earlier referral, a closed case, an ex-partner 'when they were together' -
@pytest.mark.parametrize("sentence", [
    "There was an earlier referral back in 2019 about domestic violence from her ex, and it was closed.",
    "Her ex-partner Lee was violent towards her when they were together, but he moved to Spain and has not "
    "been in touch since.",
])
def test_a_past_matter_is_not_a_factor(draft_text, sentence):
    found = codes(draft_text("I saw Ivy, 7, and Ollie, 4, with their mum Chantelle. " + sentence +
                             " Chantelle and the children are doing well and I have no concerns."))
    assert not any(code.startswith("3") for code in found)
    assert found.get("21") == ["Ivy", "Ollie"]


# -- drinking: the noun after its owner; occasional drinking; a talk still to be had ---------
def test_the_drinking_of_a_named_parent_is_a_parents_factor(draft_text):
    found = codes(draft_text("Home visit to Sasha, 12, Ben, 8, their mum Lorraine and their dad Steve. The children "
                             "were upset and I am worried about how Steve's drinking is affecting them both."))
    assert found.get("1B") == ["Sasha", "Ben"]


def test_a_pronouns_drinking_keeps_its_owner(draft_text):
    found = codes(draft_text("I visited Amber, 10, and Jake, 6, at home with their parents. "
                             "Both are frightened by their father's drinking."))
    assert "1A" not in found
    assert found.get("1B") == ["Amber", "Jake"]


@pytest.mark.parametrize("sentence", [
    "Dad told me he drinks socially, maybe a couple of pints with his mates once a month.",
    "Mum said she's only an occasional drinker and there was no alcohol in the house.",
])
def test_moderate_drinking_is_not_misuse(draft_text, sentence):
    found = codes(draft_text("Seen Harvey, 9, at home with his mum and dad. " + sentence))
    assert not any(code.startswith("1") for code in found)


def test_a_talk_about_drinking_still_to_be_had_is_not_evidence(draft_text):
    found = codes(draft_text("Seen Harvey, 9, at home with his mum Kerry. Next time I am going to speak with "
                             "Kerry about her drinking, as school asked me to."))
    assert not any(code.startswith("1") for code in found)


# -- a parent the children have contact with lives apart ------------------------------------
@pytest.mark.parametrize("sentence", [
    "Nanny Pat told me their dad turned up drunk to supervised contact last Saturday and it had to be "
    "stopped.",
    "Their father was drunk again when he phoned, and Pat has told him he will only see the boys at contact.",
])
def test_a_parents_factor_said_with_contact_arrangements_is_not_the_households(draft_text, sentence):
    found = codes(draft_text("Kinship visit to Nanny Pat, special guardian for Lewis, 10, and Finn, 7. " +
                             sentence))
    assert not any(code.startswith("1") for code in found)


# -- a word of no kind yields to the kind the note gives the same person ---------------------
def test_disability_with_no_kind_is_the_learning_disability_already_given(draft_text):
    found = codes(draft_text("Maya, 9, has a learning disability and autism, and Rose, 6, is in Year 1. "
                             "Maya's disability means she needs help to dress, which Mum gives her patiently."))
    assert found.get("5A") == ["Maya"]
    assert "6A" not in found


def test_disability_with_no_kind_alone_is_still_suggested(draft_text):
    found = codes(draft_text("I saw Maya, 9, and Rose, 6. Maya is disabled and uses a walking frame at home."))
    assert found.get("6A") == ["Maya"]


def test_every_yields_to_names_a_family():
    families = {f.rules.family for f in load_factor_rules()}
    assert {y for f in load_factor_rules() for t in f.terms for y in t.yields_to} <= families


# -- hurting someone outside the family; a bruise with the one hurt in its sentence ---------
@pytest.mark.parametrize("sentence", [
    "Tommy has had two detentions for punching another boy in the lunch queue.",
    "The school said Tommy was sent home for kicking other children at break.",
])
def test_hurting_someone_outside_the_family_is_not_abuse_of_this_child(draft_text, sentence):
    found = codes(draft_text("I saw Tommy, 10, and his sister Grace, 7, at home with Mum. " + sentence))
    assert not any(code.startswith("18") for code in found)


def test_the_one_hurt_at_home_not_the_one_who_hurt_pupils_at_school(draft_text):
    found = codes(draft_text("I saw Tommy, 12, and Cody, 9. Cody said Tommy hit him on the arm last night. School "
                             "told me Tommy was excluded on Monday for hitting other pupils."))
    assert found.get("18B") == ["Cody"]


def test_a_bruise_in_the_sentence_of_the_one_hurt_is_theirs(draft_text):
    found = codes(draft_text("I saw Tommy, 12, and Cody, 9, at home. Cody said that Tommy kicked him really hard "
                             "yesterday and showed me the bruise on his shin."))
    assert found.get("18B") == ["Cody"]


# -- 21 for a group the note does not resolve, and for a relative clause's antecedent -------
def test_no_concerns_about_children_by_name_in_a_relative_clause(draft_text):
    found = codes(draft_text("I saw Lily, 8, Grace, 5, and Dylan, 14. I have no concerns for Lily and Grace, who "
                             "seem happy and settled, whereas Dylan was arrested for shoplifting."))
    assert found.get("21") == ["Lily", "Grace"]
    assert found.get("14A") == ["Dylan"]


def test_no_concerns_about_a_group_the_note_does_not_resolve_is_on_nobodys_record(draft_text):
    """Which children 'the girls' are is not known here (no genders said): no child gets 21,
    rather than a 21 on Dylan's record beside his offending."""
    found = codes(draft_text("I saw Lily, 8, Grace, 5, and Dylan, 14. I have no concerns about the girls, who "
                             "seem happy and settled, whereas Dylan was arrested for shoplifting."))
    assert "21" not in found


# -- a window blind --------------------------------------------------------------------------
def test_a_window_blind_is_not_blindness(draft_text):
    found = codes(draft_text("I saw Leo, 5, in his room. Leo has a blackout blind and a star projector."))
    assert not any(code.startswith("6") for code in found)


# -- a condition that names a professional is the condition of the one child spoken of -----
def test_a_condition_naming_a_professional_is_the_named_childs(draft_text):
    found = codes(draft_text("I saw Maisie, 8, and Alfie, 5, at home with Dad. The epilepsy nurse phoned to say "
                             "Maisie's medication has been changed after a bad month."))
    assert found.get("6A") == ["Maisie"]


def test_a_condition_naming_a_professional_with_no_child_named_is_not_placed(draft_text):
    found = codes(draft_text("I saw Maisie, 8, and Alfie, 5, at home with Dad. The epilepsy nurse phoned to say "
                             "the medication has been changed after a bad month."))
    assert not any(code.startswith("6") for code in found)


# -- the adult someone does it with does it too -----------------------------------------------
_DEAN = ("I saw Kacey, 15, and Rhys, 8, with Mum and her partner Dean, who lives with them and is not the father "
         "of either child. ")


@pytest.mark.parametrize("sentence,own,companions", [
    ("Kacey said she has been drinking with Dean at weekends.", "1A", "1C"),
    ("Kacey admitted she takes cocaine with Dean at parties.", "2A", "2C"),
])
def test_the_adult_a_child_does_it_with_does_it_too(draft_text, sentence, own, companions):
    found = codes(draft_text(_DEAN + sentence))
    assert found.get(own) == ["Kacey"]
    assert found.get(companions) == ["Kacey", "Rhys"]


def test_children_an_adult_does_it_with_are_not_given_their_own_use(draft_text):
    found = codes(draft_text("I saw Kacey, 15, and Rhys, 8, with Mum. Mum said she smokes cannabis with the "
                             "children in the room."))
    assert "2A" not in found
