"""Who the children of a visit are, with their ages, in every way a list of children is
dictated, and which children a group phrase means (groups.py, ages.py, names.py)."""

from __future__ import annotations

import pytest

from pipeline.drafting.doc_views import token_table
from pipeline.drafting.groups import find_groups
from tests.drafting.visit_views import children


@pytest.mark.parametrize("text,expected", [
    ("Visit to 9-year-old Amber, 7-year-old Finley and 2-year-old Rosie.", [("Amber", 9), ("Finley", 7), ("Rosie", 2)]),
    ("I saw seven-year-old Evie and her brother Max, who is nine.", [("Evie", 7), ("Max", 9)]),
    ("Visit to Dylan, 13, and his sisters Grace and Holly, aged 10 and 5.", [("Dylan", 13), ("Grace", 10), ("Holly", 5)]),
    ("Visit to Ellie-Mae (12), Ryan (9) and Theo (3).", [("Ellie-Mae", 12), ("Ryan", 9), ("Theo", 3)]),
    ("A visit to the twins, Kai and Kobe, who are 15, and their younger brother Reece, aged 11.",
     [("Kai", 15), ("Kobe", 15), ("Reece", 11)]),
    ("Visit to Lola and Isla, the twins, who are 5, and their brother Oscar, who is 10.",
     [("Lola", 5), ("Isla", 5), ("Oscar", 10)]),
    ("Children: Mia, age 10, Tyler, age 6, and Harvey, age 14 months.", [("Mia", 10), ("Tyler", 6), ("Harvey", 1)]),
    ("SW made a visit at 10 am to see Lily, 7, and Jack, 5, at home with their parents Claire and Dean.",
     [("Lily", 7), ("Jack", 5)]),
])
def test_lists_of_children_with_ages(draft_text, text, expected):
    assert children(draft_text(text)) == expected


def test_a_condition_named_after_someone_is_not_a_person(draft_text):
    note = draft_text("Visit to Riley, 10. Mum said Riley has been diagnosed with Crohn's disease. "
                      "She has been on the Freedom Programme.")
    assert children(note) == [("Riley", 10)]
    assert {p.name for p in note.visit.people_present} <= {"Riley", None}
    assert {s.code: s.children for s in note.factor_suggestions}.get("6A") == ["Riley"]


def test_a_capitalised_word_after_an_article_is_not_a_person(draft_text):
    # Whisper base heard "Mia, who is nine," as "Mia, who is the Iron," (no full stop before it).
    note = draft_text("Statutory visit to see Mia and her brother Tyler at home. Present were mum Leanne, "
                      "Mia and Tyler, Mia, who is the Iron, was seen alone in her bedroom.")
    assert [name for name, _ in children(note)] == ["Mia", "Tyler"]
    assert "Iron" not in {p.name for p in note.visit.people_present}


def test_group_phrases_found_in_a_note(nlp_doc):
    doc = nlp_doc("I saw the two girls alone and both boys together. The older two said so. The eldest cried. "
                  "Nobody was seen alone. The little ones slept. Neither child spoke. Both of them laughed.")
    found = [" ".join(token_table(doc).text[g.start:g.end]) for g in find_groups(token_table(doc))]
    assert found == ["the two girls", "both boys", "The older two", "The eldest", "Nobody", "The little ones",
                     "Neither child", "Both of them"]


def test_kinship_carers_are_the_childrens_carers(draft_text):
    note = draft_text("A statutory visit was made to maternal grandparents Pauline and Dave, who care for "
                      "Ellie-Mae (12) and Theo (3). Dave said he has been diagnosed with early dementia.")
    assert {s.code: s.children for s in note.factor_suggestions}.get("6B") == ["Ellie-Mae", "Theo"]
