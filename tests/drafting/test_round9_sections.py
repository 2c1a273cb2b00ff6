"""Round 9 of the section and visit-time rules, in phrasings that are in no devset note: the
worker correcting the date or time as they dictate it ("Wednesday, sorry, Thursday"; the
corrected value wins), a month said short ("the 9th of Nov"), "the day before yesterday";
a point label leading a sentence ("Item 3 -", "Lastly,") and fillers ("erm", ", you know,")
that the section cues look past; rooms all seen as a form's answer, a child with an adult
all visit, "he's got a bruise", the worker's judgement of a child's care."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.drafting.dictation_words import spoken_words
from tests.drafting.visit_views import section_of

_PARTS = ("weekday", "day", "month", "year", "days_before", "time")


def when_of(note) -> dict:
    when = note.visit.when
    return {} if when is None else {k: v for k, v in when.model_dump().items() if k in _PARTS and v is not None}


# -- the visit's date and time -------------------------------------------------------------------
@pytest.mark.parametrize("text,parts", [
    ("Home visit on the 9th of Nov at 3pm to see Rio, 6.", {"day": 9, "month": 11, "time": dt.time(15, 0)}),
    ("CIN visit, Friday 21 Mar, quarter past 2, to see Evie, who is 4.",
     {"weekday": "friday", "day": 21, "month": 3, "time": dt.time(14, 15)}),
    ("Visit to the Shah family on the 2nd Sept. at 10am.", {"day": 2, "month": 9, "time": dt.time(10, 0)}),
    ("Statutory visit on Wednesday, sorry, Thursday, to see Kofi, 9.", {"weekday": "thursday"}),
    ("Visit to Ruby, 5, on the 4th of June, no, the 5th, at 4pm.", {"day": 5, "month": 6, "time": dt.time(16, 0)}),
    ("Unannounced visit at quarter to 3, no actually, it was ten to 3, to see Leo, 10.", {"time": dt.time(14, 50)}),
    ("We visited on Monday, no wait, Sunday the 6th at 11 to see Maisy, 3.",
     {"weekday": "sunday", "day": 6, "time": dt.time(11, 0)}),
    ("CP visit the day before yesterday at 5pm to see Ash, 12.", {"days_before": 2, "time": dt.time(17, 0)}),
    ("Child in need visit yesterday, Wednesday, to Jake, 7, and Lola, 5.", {"days_before": 1, "weekday": "wednesday"}),
])
def test_the_visits_date_corrected_or_said_short(draft_text, text, parts):
    assert when_of(draft_text(text)) == parts


@pytest.mark.parametrize("text,parts", [
    # a correction about something else leaves the date as said
    ("Home visit on Tuesday the 4th, no, mum hadn't forgotten, to see Zac, 8.", {"weekday": "tuesday", "day": 4}),
    # "yesterday" of something else, beside the visit's weekday, is not the visit's
    ("Home visit on Friday to see Amy, 6. Mum said Amy was sick yesterday.", {"weekday": "friday"}),
    ("Visit on Monday to see Kit, 9, who had been off school yesterday.", {"weekday": "monday"}),
    # "Jan" before a number may be a name: only a month after its day
    ("Visit on Friday with Jan 2 hours after school to see Ola, 7.", {"weekday": "friday"}),
])
def test_what_is_not_the_visits_date_stays_out(draft_text, text, parts):
    assert when_of(draft_text(text)) == parts


# -- a point label and fillers, looked past by the section cues ------------------------------------
INTRO = "Child in need visit to Mikey, who is 9, and his sister Roxy, 6, at home with their dad Lee. "
CLOSE = " I will visit again in a fortnight."


@pytest.mark.parametrize("said,meant", [
    ("Item 3 - present were Lee and both kids.", "present were Lee and both kids."),
    ("Point number five: I will ring the school.", "I will ring the school."),
    ("No. 2, Roxy was at school.", "Roxy was at school."),
    ("Secondly, Lee said he is coping.", "Lee said he is coping."),
    ("I'm, um, really concerned, you know, about Roxy.", "I'm really concerned about Roxy."),
    ("Section 47, visit to Mikey.", "Section 47, visit to Mikey."),  # a legal section, not a point
    ("Number 14 is a two-bed flat.", "Number 14 is a two-bed flat."),  # an address, no mark after it
    ("Roxy would like to go to her nan's.", "Roxy would like to go to her nan's."),  # "like" said as a verb
    ("Mum is doing well, and Roxy too.", "Mum is doing well, and Roxy too."),  # "well" said as a word
])
def test_what_is_said_only_to_dictate_is_left_out(said, meant):
    assert spoken_words(said) == meant


@pytest.mark.parametrize("sentence,section", [
    ("Point three, present were Lee, Mikey and Roxy, and Lee's partner Gemma.", "present"),
    ("Item 2 - present, Lee, Gemma and both children.", "present"),
    ("Number three: present were Lee and the two kids.", "present"),
    ("Point 6, I'll be referring Lee to the parenting course.", "actions"),
    ("I'm, um, really, you know, concerned, Mikey's story has stayed the same each time.", "analysis"),
    ("Erm, I am, like, worried about how tired Roxy is.", "analysis"),
])
def test_a_point_label_or_fillers_do_not_hide_the_section(draft_text, sentence, section):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == section


# -- who was present, said in new ways -------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "Bedrooms both seen, Mikey has the front one and Roxy has the box room.",
    "All the rooms checked, the kids share the big bedroom.",
    "Roxy sat with her dad throughout, on the settee.",
    "Mikey and Roxy stayed in with Lee the entire visit.",
])
def test_rooms_seen_as_a_form_and_a_child_with_an_adult_all_visit_are_who_was_present(draft_text, sentence):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


@pytest.mark.parametrize("sentence", [
    "She's got an old yellowing bruise on her shin and a plaster on her knee.",
    "He's got two scratches on his neck that look a few days old.",
])
def test_a_mark_the_worker_saw_is_an_observation(draft_text, sentence):
    note = draft_text(INTRO + "Mikey and Roxy were both home. " + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"


@pytest.mark.parametrize("sentence", [
    "Roxy's really well cared for, she's thriving at nursery.",
    "Mikey's care is generally good and Lee's routines are consistent.",
    "Lee's drinking is really worrying and Gemma can't always step in.",
    "Lee is a patient, caring dad to them both.",
])
def test_the_workers_judgement_of_a_childs_care_is_analysis(draft_text, sentence):
    note = draft_text(INTRO + "Mikey and Roxy were both home. The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "analysis"


# -- what the worker found out, judged, or did not see ---------------------------------------------
@pytest.mark.parametrize("sentence", [
    "I checked with the school later and Mikey's attendance is 96 per cent.",
    "We confirmed with the GP that Lee's prescription is up to date.",
])
def test_what_the_worker_checked_with_an_agency_is_information_from_others(draft_text, sentence):
    note = draft_text(INTRO + "Lee said he has been managing. " + sentence + CLOSE)
    assert section_of(note, sentence) == "other_information"


@pytest.mark.parametrize("sentence", [
    "Roxy's nightmares and what she told her teacher are a real worry to me.",
    "I'm, um, worried, Mikey's bruise matches what he told me.",
])
def test_what_a_child_said_as_a_thing_judged_is_analysis(draft_text, sentence):
    note = draft_text(INTRO + "Mikey and Roxy were both home. " + sentence + CLOSE)
    assert section_of(note, sentence) == "analysis"


def test_what_a_child_said_to_the_worker_stays_their_voice(draft_text):
    sentence = "Roxy told me what she did at school and said she likes her teacher."
    note = draft_text(INTRO + "Mikey and Roxy were both home. " + sentence + CLOSE)
    assert section_of(note, sentence) == "child_voice"


def test_a_room_not_seen_said_without_i_and_a_parents_reason_is_who_was_present(draft_text):
    sentence = "Didn't get to see Mikey's room, Lee said it was too messy to show me."
    note = draft_text(INTRO + "Mikey and Roxy were both home. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


@pytest.mark.parametrize("sentence", [
    "In the flat I met Lee, Roxy, who is 6, and Mikey, who is 9.",
    "We saw Lee and his partner Gemma with both children.",
])
def test_the_worker_seeing_people_and_nothing_else_is_who_was_present(draft_text, sentence):
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "present"


def test_the_worker_seeing_what_a_child_did_is_an_observation(draft_text):
    sentence = "I saw Mikey kicking a ball against the fence, laughing with his sister."
    note = draft_text(INTRO + "The flat was warm and tidy. " + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"


def test_chatting_away_says_nothing_of_who_was_there(draft_text):
    sentence = "Roxy climbed on her dad's knee, singing away to herself about unicorns."
    note = draft_text(INTRO + "Mikey and Roxy were both home with Lee. " + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"


@pytest.mark.parametrize("sentence", [
    "Lee's temper is the real issue, and he knows it.",
    "Mikey's school attendance is the biggest problem at the moment.",
])
def test_what_the_worker_names_as_the_main_issue_is_analysis(draft_text, sentence):
    note = draft_text(INTRO + "Mikey and Roxy were both home. " + sentence + CLOSE)
    assert section_of(note, sentence) == "analysis"


@pytest.mark.parametrize("sentence", [
    "Lee was really patient with Roxy, even when she threw her cup.",
    "Gemma was a bit sharp with Mikey when he interrupted.",
])
def test_how_a_parent_was_with_a_child_is_what_the_worker_saw(draft_text, sentence):
    note = draft_text(INTRO + "Mikey and Roxy were both home. The school said Mikey's attendance has dipped. "
                      + sentence + CLOSE)
    assert section_of(note, sentence) == "observations"


def test_a_parent_open_with_the_worker_is_not_only_an_observation(draft_text):
    sentence = "On the plus side, Lee was honest with me and the kids clearly adore him."
    note = draft_text(INTRO + "Mikey and Roxy were both home. " + sentence + CLOSE)
    assert section_of(note, sentence) == "analysis"
