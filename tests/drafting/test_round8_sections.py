"""Round 8 of the section rules: who is whose in the family ("Dean is dad to Kacper",
"Marcus isn't the baby's father") and who was not there ("her boyfriend wasn't there")
are who was present; someone taking the worker to see a child, a baby sleeping, an
interpreter for the visit likewise; the worker's hedge as the main clause ("It seemed to me
that ...", "I'm not sure whether ...") is analysis, and "I think X was upstairs" is who
was present, hedged (and does not make X present)."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import section_of

INTRO = "Child in need visit to Kacper, who is 8, and his half-sister Oliwia, 5, at home with their mum Shelley. "
CLOSE = " I will visit again in three weeks."


def _present(note) -> set[str]:
    return {(p.name or p.role or "").lower() for p in note.visit.people_present}


@pytest.mark.parametrize("sentence", [
    "Dean is dad to Oliwia and stepdad to Kacper.",
    "Marcus isn't Kacper's father, his father is Tyrone, who lives in Derby and sees him at half term.",
    "Their nan is Bernadette, who has them most Saturdays.",
    "Dean is not the father of either child.",
])
def test_who_is_whose_in_the_family_is_who_was_present(draft_text, sentence):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


def test_who_is_whose_does_not_make_anyone_present(draft_text):
    sentence = "Marcus isn't Kacper's father, his father is Tyrone, who lives in Derby and sees him at half term."
    note = draft_text(INTRO + sentence + " The flat was warm and tidy." + CLOSE)
    assert "tyrone" not in _present(note)


@pytest.mark.parametrize("sentence", [
    "Dean is a really patient dad to both of them.",
    "Her mum is a nurse at the Royal and works nights.",
])
def test_what_a_parent_is_like_or_does_is_not_family_make_up(draft_text, sentence):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) != "present"


@pytest.mark.parametrize("sentence", [
    "Her boyfriend Liam wasn't there, he works nights at the depot.",
    "Grandad was not in, he had gone to the bookies.",
    "Dean is not there most days because of his shifts.",
])
def test_who_was_not_there_is_who_was_present(draft_text, sentence):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


@pytest.mark.parametrize("sentence", [
    "Oliwia was napping on the sofa and Shelley brought me through to see her.",
    "Shelley took us upstairs to meet the baby.",
    "Kacper is still sleeping, it was a late night.",
])
def test_being_taken_to_see_a_child_or_a_child_sleeping_is_who_was_present(draft_text, sentence):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


def test_an_interpreter_for_the_visit_is_who_was_present(draft_text):
    sentence = "Shelley's first language is Polish and Magda interpreted for the entire visit."
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


@pytest.mark.parametrize("sentence", [
    "It seemed to me that Shelley is coping better, though Kacper is still very clingy.",
    "It feels to me that Oliwia is the one carrying the worry in this family.",
    "I'm not sure whether Kacper's tummy aches are about school and I'll ask the school nurse.",
    "I'm not sure if Shelley understands how much the rows are frightening the children.",
])
def test_the_workers_hedge_as_the_main_clause_is_analysis(draft_text, sentence):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "analysis"


@pytest.mark.parametrize("sentence", [
    "I think Kacper, the older one, was in his room, I could hear his game, but he never came down.",
    "I'm not sure whether Oliwia was upstairs, her door was shut and nobody mentioned her.",
])
def test_a_hedge_of_where_a_child_was_is_who_was_present(draft_text, sentence):
    note = draft_text("Visit to Shelley and her children Kacper, 8, and Oliwia, 5. The flat was warm and tidy. "
                      + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


def test_a_hedge_of_where_a_child_was_does_not_make_them_present(draft_text):
    sentence = "I think Oliwia was upstairs, the telly was on up there, but I never saw her."
    note = draft_text("Visit to Shelley and her children Kacper, 8, and Oliwia, 5. I saw Kacper in the lounge. "
                      + sentence + CLOSE)
    assert section_of(note, sentence) == "present"
    assert "oliwia" not in _present(note)


def test_a_child_named_with_an_aside_then_not_in_is_not_present(draft_text):
    sentence = ("Shelley was in with Oliwia, who's 5, but her big brother, Kacper, who is 8, wasn't in, "
                "he was out on his bike.")
    note = draft_text("Visit to the family. " + sentence + " The flat was warm and tidy." + CLOSE)
    assert section_of(note, sentence) == "present"
    assert "kacper" not in _present(note) and "oliwia" in _present(note)


@pytest.mark.parametrize("lead,sentence,expected", [
    ("Kacper told me he hates the new school and nobody talks to him.",
     "Says the teachers shout at him, says he wants to go back to Poland.", "child_voice"),
    ("Shelley said the landlord still hasn't fixed the boiler.",
     "Told me she has been boiling kettles to bath the kids for a fortnight.", "parent_views"),
])
def test_a_verb_of_saying_with_no_subject_goes_on_with_who_spoke(draft_text, lead, sentence, expected):
    note = draft_text(INTRO + "The flat was warm and tidy. " + lead + " " + sentence + CLOSE)
    assert section_of(note, sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Shelley told me Kacper, who is 8, was at his nan's until Sunday, so I didn't see him.",
    "Dean said both kids were at his mum's in Hull, so I did not see either of them.",
])
def test_the_workers_own_so_i_didnt_see_after_someones_words_is_present(draft_text, sentence):
    note = draft_text("Visit to Shelley and Dean, parents of Kacper, 8, and Oliwia, 5. The flat was warm and tidy. "
                      + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


@pytest.mark.parametrize("sentence", [
    "Jade pale and sniffly, dark rings under her eyes, same dress as last week.",
    "Mum jittery, picking at her nails, kept checking her phone.",
])
def test_a_fragment_of_how_a_person_was_is_an_observation(draft_text, sentence):
    note = draft_text("Visit to Jade, who is 9, and her mum Kerry. Kerry said the week had been hard. " + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"


def test_a_fragment_of_the_childrens_safety_is_not_how_a_person_looked(draft_text):
    sentence = "Children safe for now, Dean staying at his brother's."
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) != "observations"


def test_an_occupational_therapist_called_the_ot_is_another_professional(draft_text):
    sentence = "The OT told me on Monday that Oliwia needs a wider buggy and a bath seat."
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "other_information"
