"""Round 6 of the section rules, read from each sentence's structure (section_signals.py,
sections.py, pronouns.py): a child telling the worker without speech is the child's voice;
a person arriving during the visit or the worker alone with a child is who was present;
a room the worker saw and describes is an observation; a record, a result or words rung in
are information from others; the worker's "I think ..." is analysis and "<who> to <verb>"
a plan; a sentence that says nothing of who was there does not stay in "present"."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import section_of

INTRO = "Planned home visit to Kiera, 11, and her brother Olly, 6, with their mum Danielle and her partner Wes. "
CLOSE = " I will visit again in three weeks."



@pytest.mark.parametrize("sentence,expected", [
    # a child who does not speak tells the worker by signing, a tablet, a picture or a card
    ("Olly used his iPad to tell me things, and he tapped the sad face when I mentioned bedtime.", "child_voice"),
    ("When I asked about school, Olly signed angry and then signed finished.", "child_voice"),
    ("Olly handed me the picture of the swings, then the card for dinner.", "child_voice"),
    ("Kiera nodded when the worker asked if she feels safe with Wes.", "child_voice"),
    # a person coming or going during the visit is who was there
    ("Kiera got back from her dance class about twenty minutes after I arrived, with a friend's mum.", "present"),
    ("Wes came in from work towards the end and sat with us for a few minutes.", "present"),
    # the worker with a child and nobody else
    ("The worker played with Olly alone in the garden for a quarter of an hour while Danielle made tea.",
     "present"),
    # a room seen and described
    ("I was taken up to Olly's room, which has a new cabin bed and a rug, and it was warm and tidy.",
     "observations"),
    ("I looked at the bedroom the two children share, where the curtains are hanging off the rail.",
     "observations"),
    # a record, a result, words rung in
    ("The drug screen taken in September was positive for cannabis.", "other_information"),
    ("The GP letter states that Danielle has been prescribed sertraline since the spring.", "other_information"),
    ("The school attendance officer phoned me on Monday to say Olly has missed nine days this term.",
     "other_information"),
    # the worker's judgement and plans said without "will"
    ("I think Kiera is taking on far too much of the care of her brother and it is wearing her down.", "analysis"),
    ("Worker to book a family network meeting before half term, and Danielle to ring the GP on Monday.",
     "actions"),
    # the finding of an enquiry
    ("The concerns in the referral were not substantiated and no further concerns were identified.", "analysis"),
])
def test_structure_decides_section(draft_text, sentence, expected):
    note = draft_text(INTRO + "The flat was warm and clean. " + sentence + CLOSE)
    assert section_of(note, sentence) == expected


def test_a_description_after_who_was_seen_is_not_present(draft_text):
    """A sentence with no cue of its own and nothing of who was there does not stay in
    "present" only because the sentence before said who was seen."""
    described = "She has a little desk by the window, covered in stickers and felt tips."
    note = draft_text(INTRO + "I saw Kiera on her own in her bedroom. " + described + CLOSE)
    assert section_of(note, described) == "observations"


def test_a_list_of_children_still_says_who_was_there(draft_text):
    """A list with no verb of its own goes on with the sentence before it."""
    listed = "Kiera, aged eleven, Olly, aged six, and the baby, Rae."
    note = draft_text("Home visit on Tuesday. Danielle and Wes were at home, and so were the three children. "
                      + listed + " I will visit again next month.")
    assert section_of(note, listed) == "present"


def test_a_room_where_the_cot_is_stays_present(draft_text):
    """Where a room or a cot is ('next to the parents' bed') does not describe it."""
    where = "I saw Rae's bedroom and her cot, which is next to the window."
    note = draft_text(INTRO + "Danielle was at home with the baby, Rae. " + where + CLOSE)
    assert section_of(note, where) == "present"


def test_signing_a_document_is_not_the_childs_voice(draft_text):
    """Signing is a child's words only as a sign, not a signature ('signed the agreement')."""
    signed = "Kiera signed the written agreement at the end of the visit and kept a copy."
    note = draft_text(INTRO + "I saw Kiera on her own in the kitchen. " + signed + CLOSE)
    assert section_of(note, signed) != "child_voice"


def test_leaving_a_room_is_not_leaving_the_visit(draft_text):
    left = "Olly was observed to be rocking and humming, and he left the room twice."
    note = draft_text(INTRO + "I saw both children in the lounge. " + left + CLOSE)
    assert section_of(note, left) == "observations"


def test_she_after_the_child_the_worker_saw_is_that_child(draft_text):
    """'I spoke with Kiera ...' then 'She told me ...': her words, not her mother's, though
    the mother was the subject before."""
    told = "She told me that Wes shouts at her mum most nights and it frightens her."
    note = draft_text(INTRO + "Danielle was in the kitchen when I arrived. "
                      "I spoke with Kiera in her bedroom with the door closed. " + told + CLOSE)
    assert section_of(note, told) == "child_voice"


def test_she_in_a_clause_joined_to_a_named_subject_is_that_subject(draft_text):
    told = "Danielle has not heard about the fight with Kiera's boyfriend, but she said he is not welcome here."
    note = draft_text(INTRO + "I saw Kiera alone. " + told + CLOSE)
    assert section_of(note, told) == "parent_views"


def test_a_room_not_seen_with_an_adults_aside_is_present(draft_text):
    """The worker's own 'I didn't see ...' opens the sentence; mum's aside does not make it her view."""
    aside = "I did not see Olly's room this time, Danielle said it is being painted, so I will look next visit."
    note = draft_text(INTRO + "I saw both children in the lounge. " + aside + CLOSE)
    assert section_of(note, aside) == "present"


def test_a_childs_words_after_the_workers_clause_stay_hers(draft_text):
    """Only an adult's aside gives way to the worker's 'I did not see ...': a child's words stay hers."""
    said = "I did not see Olly's room, Kiera said Wes smashed the door of it last night and she was scared."
    note = draft_text(INTRO + "I saw both children in the lounge. " + said + CLOSE)
    assert section_of(note, said) == "child_voice"


@pytest.mark.parametrize("sentence", [
    "Danielle and the children arrived in the UK from Lithuania in 2019 and moved here last spring.",
    "Wes returned from Poland in June after his operation and is doing long shifts.",
])
def test_coming_and_going_outside_the_visit_is_not_present(draft_text, sentence):
    """Only coming in, back, home or down, or at the visit's time, says who was there."""
    note = draft_text(INTRO + "I saw Kiera on her own in the kitchen. " + sentence + CLOSE)
    assert section_of(note, sentence) != "present"
