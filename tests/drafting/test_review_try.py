"""What issue 15's try missed, held: a child caring for a sibling or a parent said in the
ways a worker says it (7A on that child's record only), the look-alikes that are not a
young carer, and a corrected disclosure ("Rhys punched Tyler", "Craig smacked Tyler") as
18C on the child it is about; the worker's sections drafted again (draft_sections)."""

from __future__ import annotations

import pytest

from pipeline.draft import draft_sections

FAMILY = "Visit to see Mia and her brother Tyler, aged four, at home. "

YOUNG_CARER = [
    "Mia said she looks after Tyler when mum stays in bed.",
    "Mia said she looks after Tyler in the mornings when mum stays in bed.",
    "Mia said she looks after Tyler when their mother stays in bed.",
    "Mia said that when mum stays in bed she looks after Tyler.",
    "Mia gets Tyler ready for nursery because mum stays in bed.",
    "Mia makes Tyler's breakfast when mum is in bed.",
    "Mia told me she has to look after Tyler because mum sleeps all day.",
    "Mia said she gets Tyler up and gives him breakfast while mum sleeps.",
    "Mia said she takes Tyler to school every day because mum does not get up.",
    "Mia said she does everything for Tyler when mum is unwell.",
    "Mia looks after mum when she is poorly.",
    "Mia said she has to look after her little brother.",
]

NOT_A_YOUNG_CARER = [
    "Nan looks after Tyler when mum is at work.",
    "Mum looks after Tyler when he is poorly.",
    "The nursery looks after Tyler while mum is at work.",
    "Dad takes care of the children when mum is unwell.",
    "Mia does not look after Tyler.",
    "Mia said she likes to look after the dog.",
    "Tyler needs to look after his toys.",
    "Mum makes Tyler's breakfast every morning.",
    "Grandad takes care of him when mum stays in bed.",
    "Mia said she has to look after her rabbit.",
    "Mia said she looks after Tyler.",
]


@pytest.mark.parametrize("sentence", YOUNG_CARER)
def test_a_child_caring_in_a_parents_place_is_a_young_carer_on_her_own_record(draft_text, sentence):
    found = {s.code: s.children for s in draft_text(FAMILY + sentence).factor_suggestions}
    assert found.get("7A") == ["Mia"], found


@pytest.mark.parametrize("sentence", NOT_A_YOUNG_CARER)
def test_care_by_an_adult_or_of_a_thing_is_not_a_young_carer(draft_text, sentence):
    assert "7A" not in {s.code for s in draft_text(FAMILY + sentence).factor_suggestions}


@pytest.mark.parametrize("heard, corrected", [
    ("Emily said re-spunched Tyler.", "Emily said Rhys punched Tyler."),
    ("Emily said Greg's Mac Tyler.", "Emily said Craig smacked Tyler."),
])
def test_the_corrected_disclosure_is_physical_abuse_on_the_childs_record(settings, heard, corrected):
    def sections(voice: str) -> list[tuple[str, str, str]]:
        return [("purpose", "Purpose", "Statutory visit to Emily and her brother Tyler, aged four."),
                ("child_voice", "Child's voice", f"Emily said she looks after Tyler when their mother stays in "
                                                 f"bed. {voice}"),
                ("analysis", "Analysis", "I am worried about both children.")]

    before = {s.code: s.children for s in draft_sections(sections(heard), settings).factor_suggestions}
    after = draft_sections(sections(corrected), settings)
    found = {s.code: s for s in after.factor_suggestions}
    assert "18C" not in before and before.get("7A") == ["Emily"]
    assert found["18C"].children == ["Tyler"] and found["7A"].children == ["Emily"]
    # The evidence is the corrected sentence, where the worker's sections put it.
    [evidence] = found["18C"].evidence
    assert evidence.text == corrected
    voice = next(s for s in after.sections if s.key == "child_voice")
    assert [s.text for s in voice.sentences][-1] == corrected
