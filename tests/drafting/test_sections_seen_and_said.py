"""Round 4 of the section rules: what the worker saw of an adult is an observation even
with words after it, a child's words stay the child's voice when a pronoun repeats the
verb, the worker's own view dictated as a label is analysis, words heard on the phone are
information from others, and who was with whom is who was present (sections.py, the
default template)."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import section_of

INTRO = "Child in need visit to Mia, 9, and Tyler, 6, at home with mum Leanne and her partner Dean. "



@pytest.mark.parametrize("sentence,expected", [
    # what the worker saw of an adult, with words said after it
    ("Dean was very drunk and unsteady, and Leanne said he had been drinking since lunch.", "observations"),
    ("Mum was pacing and talking very fast, she said the neighbours are watching her.", "observations"),
    ("Tyler refused to come downstairs and shouted at me to go away.", "observations"),
    ("Tyler was wheezy and coughing a lot.", "observations"),
    # an emotion said with words shared by the same subject stays their view
    ("Leanne and Dean were shocked and upset and said they believe Mia.", "parent_views"),
    # a child's words repeated with a pronoun
    ("Mia said Tyler kicks her when nobody is looking, she said it hurts.", "child_voice"),
    # the worker's own view as a label
    ("SW view, mum is struggling and Mia is carrying a lot at home.", "analysis"),
    ("Worker's analysis: the children are being neglected by two adults who are drinking.", "analysis"),
    # words heard on the phone
    ("Dad, Paul, on the phone after the visit, confirmed the children can stay with him.", "other_information"),
    # what the worker passed on is not the child's words
    ("When Leanne came back this worker told her what Mia had said, and Leanne said Dean never babysits.",
     "parent_views"),
    # marks looked for and not seen
    ("I did not see any marks on Tyler.", "observations"),
    # who was with whom
    ("Mia and this worker sat at the kitchen table on our own while Leanne bathed Tyler.", "present"),
    ("None of the children's bedrooms were seen, mum said the upstairs is being decorated.", "present"),
    # plans
    ("I have asked the duty team to see Tyler tomorrow.", "actions"),
    ("This worker rang the duty social worker from the car, and Leanne agreed Dean will not babysit.", "actions"),
    # what a record says, the worker's wondering, the children safe, a room not shown
    ("The police notification states that Tyler was in the flat during the incident.", "other_information"),
    ("SW also wondered whether Mia might be exploited in future, but there is no evidence of this.", "analysis"),
    ("Children safe tonight with Mum, Dean in custody.", "analysis"),
    ("Tyler was asleep on the sofa, and the worker was not shown the room he sleeps in.", "present"),
])
def test_round_four_sections(draft_text, sentence, expected):
    note = draft_text(INTRO + "The flat was tidy. " + sentence + " I will visit again next week.")
    assert section_of(note, sentence) == expected
