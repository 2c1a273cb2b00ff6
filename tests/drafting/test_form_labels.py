"""Sections for notes dictated by other authors (issue 14, round 3): lead words dictated as a
label of their own sentence ("Dad's words, ...", "Nursery, ..."), labels with answers that
govern the sentences after them only where the note labels what those sentences point to,
the worker named in other ways ("Student SW", "the duty worker"), an agency as a speaker,
a name nobody gave a role speaking as an adult, words said in front of the worker, and a
child agreeing to talk to the worker alone. The sentences are written for these tests."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import section_of

TWO = "Child in need visit to Ruby, 9, and Finn, 6. "



@pytest.mark.parametrize("sentence,key", [
    # a person's words or view as a lead label: that person's section
    ("Ruby's words, she gets scared when the shouting starts at night.", "child_voice"),
    ("In Finn's words, his dad is the best and he wants to see him more.", "child_voice"),
    ("Dad's view, the children are fine and the school is making a fuss.", "parent_views"),
    ("Mum's account, she has not had a drink since the new year.", "parent_views"),
    # an agency or professional as a lead label: information from others
    ("Nursery, Finn's attendance has dropped to sixty percent this term.", "other_information"),
    ("Health visitor, both children are up to date with their checks.", "other_information"),
    ("Early help team, the family stopped attending the parenting group in May.", "other_information"),
    ("Probation, dad is on licence until the summer and reports weekly.", "other_information"),
    # a section's label said with its answer
    ("Home, warm and tidy, with plenty of food in the cupboards.", "observations"),
    ("Health, Ruby has a dental appointment booked for next week.", "other_information"),
])
def test_a_lead_label_decides_its_own_sentence(draft_text, sentence, key):
    assert section_of(draft_text(TWO + sentence), sentence) == key


@pytest.fixture(scope="module")
def form_note(draft_text):
    """'Observations, ...' then a child's and a parent's words: the note labels neither, so
    they go where their speaker points; an unlabelled observation stays under its label."""
    return draft_text(
        "Visit type, child protection visit. Present, mum Kerry, Ruby, 9, and Finn, 6. "
        "Observations, the kitchen bin was overflowing and there were mouse droppings by the cooker. "
        "Finn, grubby clothes and a graze on his knee. "
        "Ruby said she makes her own breakfast most days because mum sleeps late. "
        "Kerry said she has been struggling since her benefits were stopped. "
        "School, Ruby has been late eleven times this term. "
        "Analysis, the children's basic care is slipping. Actions, SW to visit again on Friday.")


@pytest.mark.parametrize("sentence,key", [
    ("Finn, grubby clothes and a graze on his knee.", "observations"),  # stays under the label
    ("Ruby said she makes her own breakfast most days because mum sleeps late.", "child_voice"),
    ("Kerry said she has been struggling since her benefits were stopped.", "parent_views"),
    ("School, Ruby has been late eleven times this term.", "other_information"),
])
def test_sentences_after_a_label_with_its_answer(form_note, sentence, key):
    assert section_of(form_note, sentence) == key


def test_a_heading_said_alone_still_governs_outright(draft_text):
    note = draft_text(TWO + "Observations. The flat was cold. Mum said the boiler broke on Monday. Analysis. "
                            "Things are getting worse.")
    assert section_of(note, "Mum said the boiler broke on Monday.") == "observations"


@pytest.mark.parametrize("sentence", [
    "Student SW will refer the family to the food bank.",
    "The duty worker will ring mum tomorrow.",
    "This social worker will attend the core group on Friday.",
])
def test_the_worker_in_other_words(draft_text, sentence):
    note = draft_text(TWO + sentence)
    assert section_of(note, sentence) == "actions"
    assert not any(p.name == "Student" for p in note.visit.people_present)


def test_another_service_s_social_worker_is_a_professional(draft_text):
    sentence = "The hospital social worker told me Ruby's brother is on the ward again."
    assert section_of(draft_text(TWO + sentence), sentence) == "other_information"


@pytest.mark.parametrize("sentence", [
    "The youth offending service told me Finn's cousin has been cautioned again.",
    "The community mental health team told SW on the phone that mum missed her appointment.",
])
def test_an_agency_s_name_is_a_professional_speaker(draft_text, sentence):
    assert section_of(draft_text(TWO + sentence), sentence) == "other_information"


def test_a_name_nobody_gave_a_role_speaks_as_an_adult_when_not_a_child_of_the_visit(draft_text):
    note = draft_text(TWO + "Ruby and Finn were at home and were seen together. Dawn said she is finding "
                            "the school run hard since she hurt her back.")
    assert section_of(note, "Dawn said she is finding the school run hard since she hurt her back.") == \
        "parent_views"
    assert [c.name for c in note.visit.children] == ["Ruby", "Finn"]


def test_words_said_in_front_of_the_worker_are_an_observation(draft_text):
    sentence = "When Finn spilled his juice, mum told him in front of me that he was stupid."
    assert section_of(draft_text(TWO + "I saw both children with mum. " + sentence), sentence) == "observations"


@pytest.mark.parametrize("sentence", [
    "Ruby agreed to talk to the worker alone in her bedroom, and Finn was seen with mum.",
    "Finn did not want to be seen on his own and stayed with mum in the lounge.",
])
def test_agreeing_or_not_to_be_seen_is_who_was_seen_not_a_view(draft_text, sentence):
    assert section_of(draft_text(TWO + sentence), sentence) == "present"


def test_words_inside_a_clause_about_a_thing_are_not_the_speaker_s(draft_text):
    sentence = "The lounge was cluttered, and Ruby had a new tablet that mum said a friend had given her."
    assert section_of(draft_text(TWO + sentence), sentence) == "observations"
