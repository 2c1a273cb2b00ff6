"""Round 7 of the section rules: a statutory question dictated as a fragment ("Alone?",
"Risks?") and its answer go to the section the question asks about; the worker naming the
worry ("The main worry is ...", "X is the concern") is analysis, someone else's worry is not;
the worker arriving with someone named there, and where a child was said with their being
seen, are who was present; "She said ..." goes on with who spoke in the sentence before."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import section_of

INTRO = "Statutory visit to Nadia, who is 13, and her brother Reece, 9, at home with their dad Tomasz. "
CLOSE = " I will visit again next month."



def test_form_questions_and_their_answers(draft_text):
    """Each fragment question takes its section, and the answer said after it goes with it,
    even an answer with someone's words in it ("he said no") or no cue at all."""
    sentences = ["Seen alone?", "Nadia yes, upstairs, Reece no, he said no.",
                 "Room seen?", "Both, shared, bunk beds.",
                 "Risks?", "Nothing new for Nadia.",
                 "Next steps?", "Review in four weeks."]
    note = draft_text(INTRO + "The house was tidy. " + " ".join(sentences))
    assert [section_of(note, s) for s in sentences] == ["present"] * 4 + ["analysis"] * 2 + ["actions"] * 2


def test_a_long_question_or_a_reported_one_is_not_a_form_question(draft_text):
    question = "Tomasz asked whether I could help him with the school transport forms?"
    note = draft_text(INTRO + question + CLOSE)
    assert section_of(note, question) != "present"


@pytest.mark.parametrize("sentence,expected", [
    ("The real worry here is how little Nadia is eating and how withdrawn she has become.", "analysis"),
    ("My biggest concerns are Reece's temper and the bruise nobody could explain.", "analysis"),
    ("Tomasz's gambling is the risk now, even though the children are fed and go to school.", "analysis"),
    ("Dad's shift work is the main need, he cannot get Reece to school on early shifts.", "analysis"),
    # someone else's worry is theirs, not the worker's
    ("Tomasz said his main worry is that Nadia is on her phone half the night.", "parent_views"),
])
def test_the_worker_naming_the_worry(draft_text, sentence, expected):
    note = draft_text(INTRO + "The house was tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Just after 3 I knocked and after a while Tomasz came down and opened up.",
    "At quarter to 6 I arrived at the flat and met Tomasz and both children in the hallway.",
    "I got there late, around 5, and Tomasz let me in with Reece behind him.",
])
def test_the_worker_arriving_to_someone_is_who_was_present(draft_text, sentence):
    note = draft_text("Visit to the family today. " + sentence + " The kitchen was clean." + CLOSE)
    assert section_of(note, sentence) == "present"


def test_an_arrival_with_nobody_named_is_not_present_for_it(draft_text):
    sentence = "When I arrived the heating was off and the place was freezing."
    note = draft_text(INTRO + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"


@pytest.mark.parametrize("sentence", [
    "Reece was asleep on the sofa under a blanket and I saw him there before I left.",
    "Nadia was upstairs in her room and I saw her there briefly.",
])
def test_where_a_child_was_and_seen_is_present(draft_text, sentence):
    note = draft_text(INTRO + "The kitchen was clean. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


def test_what_a_child_was_doing_when_seen_stays_an_observation(draft_text):
    sentence = "Reece was playing football in the garden and I watched him for a while, he looked happy."
    note = draft_text(INTRO + "The kitchen was clean. " + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"


def test_she_said_goes_on_with_who_spoke_before(draft_text):
    """'I spoke with their nan and she said ... her sister ...' then 'She said ...': the nan
    still speaks (a carer's view), not the last woman named nor the girl of the visit."""
    spoke = ("Later I spoke with their nan, Halina, in the kitchen and she said she has been sleeping badly "
             "since her sister Marta died in May.")
    goes_on = "She said Nadia hardly comes out of her room now."
    note = draft_text(INTRO + "I saw Nadia alone in her room. " + spoke + " " + goes_on + CLOSE)
    assert section_of(note, goes_on) == "parent_views"


def test_a_named_professional_goes_on_speaking(draft_text):
    first = "Ms Okafor, the head of year, said Nadia's attendance has dropped to 80 percent."
    goes_on = "She said Nadia has been sitting alone at lunch and was upset in maths last week."
    note = draft_text("School visit to see Nadia, who is 13. " + first + " " + goes_on + CLOSE)
    assert section_of(note, goes_on) == "other_information"


def test_where_a_child_was_said_alone_does_not_go_on_with_their_words(draft_text):
    """A sentence that says only where a child was (with who they are) is who was present,
    not more of the child's words said before it."""
    words = "Nadia told me she wants to stay with her dad and she likes her new school."
    where = "Reece, who's 9, was asleep on the settee in the living room."
    note = draft_text(INTRO + words + " " + where + CLOSE)
    assert section_of(note, words) == "child_voice"
    assert section_of(note, where) == "present"


@pytest.mark.parametrize("sentence,expected", [
    # the worker unsure of a fact of the visit: who was present says it (the fields leave it unsaid)
    ("I think Reece was on his own with me for a bit while Tomasz took a call outside, but I can't be certain.",
     "present"),
    # the worker's judgement stays analysis
    ("I think Nadia is struggling far more than she lets on and her dad hasn't noticed.", "analysis"),
])
def test_a_hedged_fact_of_the_visit_is_not_a_judgement(draft_text, sentence, expected):
    note = draft_text(INTRO + "Nadia told me she likes her new school. " + sentence + CLOSE)
    assert section_of(note, sentence) == expected


def test_a_baby_babbling_at_the_worker_is_an_observation(draft_text):
    sentence = "Zofia, the baby, was on her bouncer chewing a rusk and she babbled at me and grabbed my lanyard."
    note = draft_text(INTRO + "The flat was warm. " + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"
