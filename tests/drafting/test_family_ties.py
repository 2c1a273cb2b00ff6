"""Round 4: who is a child of the visit and who is an adult of the family, in phrasings a
worker uses anywhere (family_ties.py, name_roles.py, names.py, children.py)."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import children


@pytest.mark.parametrize("text,expected", [
    # a role between commas after another name is that name's, not the next one's
    ("Sarah, Mum, Paul, stepdad, Ella, 14, and Louis, 11, were all at home.", [("Ella", 14), ("Louis", 11)]),
    ("Present, Lee, dad, Nicole, mum, Kai, 10, Lee's son, and Summer, 6.", [("Kai", 10), ("Summer", 6)]),
    # a list of names said again as a group of children
    ("Shannon was at home with Mason, who is 3. Ruby and Rose, the 11 year old twins, were at their dad's.",
     [("Mason", 3), ("Ruby", 11), ("Rose", 11)]),
    # a parent's brother or sister is an adult relative
    ("Visit to Sophie, 13, to review concerns about Mum's brother, Lewis, who lives at the address.",
     [("Sophie", 13)]),
    ("Kerry was at home with Jayden, 13, and Ollie, 8, and her sister Dawn called in.",
     [("Jayden", 13), ("Ollie", 8)]),
    # a child brought in as 'a boy' is not one of the family's
    ("Zara, 9, was seen alone. Zara said that a boy called Kieran, who is 12, at her club touched her.",
     [("Zara", 9)]),
    # adults at home with children of a said age
    ("Kayleigh and Josh were both in, with Tommy, who's 2, and baby Maya, who's 5 weeks. "
     "Tommy was playing with his cars.", [("Tommy", 2), ("Maya", 0)]),
    # what someone was is not another child
    ("Leanne was in with Skye, who is 8. Leanne said she had a drink problem when Skye was a baby.",
     [("Skye", 8)]),
])
def test_children_and_adults_of_the_family(draft_text, text, expected):
    assert children(draft_text(text)) == expected


def test_a_father_named_after_who_is(draft_text):
    note = draft_text("Shannon was at home with Mason, who is 3. Jordan, who is Mason's dad, was at work. "
                      "Shannon said Jordan has been using cocaine at weekends.")
    assert children(note) == [("Mason", 3)]
    assert {s.code: s.children for s in note.factor_suggestions}.get("2B") == ["Mason"]


def test_a_ward_sister_is_a_professional_not_a_sibling(draft_text):
    note = draft_text("Visit to Aisha, 13, on the children's ward. Dad was with her, and the nurse in charge, "
                      "Sister Evans, spoke to me. Her brother Yusuf, 9, was at home. "
                      "Sister Evans said Aisha will be on the ward for two days.")
    assert children(note) == [("Aisha", 13), ("Yusuf", 9)]


def test_her_sister_of_a_child_stays_a_child(draft_text):
    note = draft_text("I saw Mia, 9, and her sister Lily, 6, at home with mum.")
    assert children(note) == [("Mia", 9), ("Lily", 6)]


def test_an_age_said_after_a_role_apposition(draft_text):
    note = draft_text("Visit to Bella, 2, at home with mum Jodie. Kane, Jodie's son, who is 16, came in at about "
                      "eleven while I was still there.")
    assert children(note) == [("Bella", 2), ("Kane", 16)]


@pytest.mark.parametrize("text,roles", [
    ("Present, Mum, Sam, Dad, Dean, Keira, 16, and the twins, Harry and Jack, 12.", {"Sam": "mother", "Dean": "father"}),
    ("Sarah, Mum, Paul, stepdad, Ella, 14, and Louis, 11, were all at home.", {"Sarah": "mother", "Paul": "stepfather"}),
])
def test_lists_of_names_and_roles_either_way_round(draft_text, text, roles):
    present = {p.name: p.role for p in draft_text("Child in need visit. " + text).visit.people_present
               if p.name in roles}
    assert present == roles


def test_mr_and_mrs_are_the_parents_and_an_arrested_dad_was_not_there(draft_text):
    note = draft_text("Section 47 visit. Present: Mr and Mrs Adeyemi, Esther, 14, and Daniel, 4. Gavin, Dad, had been "
                      "arrested and taken to custody before I arrived.")
    present = {p.name: p.role for p in note.visit.people_present}
    assert present.get("Mr Adeyemi") == "father" and present.get("Mrs Adeyemi") == "mother"
    assert "Gavin" not in present
    assert children(note) == [("Esther", 14), ("Daniel", 4)]
