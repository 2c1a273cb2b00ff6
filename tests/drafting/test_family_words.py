"""Who is who when another author dictates (issue 14, round 3): short forms of a name, a
parent said by their children ("Sharon and her three children", "his eldest, Jessica"),
the adult a visit was arranged with, a couple, a parent's own mother, a child by gender
and age ("her eldest son", "her daughter"), an age said of a group ("the twins are 8"),
a child from outside the family, places, and pronouns bound by an opening phrase, by the
same words said twice, or by an agency's report. The sentences are written for these tests."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import children


def roles(note) -> dict[str, str]:
    return {p.name: p.role for p in note.visit.people_present if p.name}


@pytest.mark.parametrize("text,expected", [
    ("Visit to Jessica, 15, and Tom, 9. Jess was seen alone in her room and Tom was seen with dad.",
     [("Jessica", 15), ("Tom", 9)]),
    ("Visit to Alexander, 12, and Lily-Mae, 6. Alex was not seen because he was at football, and Lily "
     "was seen alone.", [("Alexander", 12), ("Lily-Mae", 6)]),
    ("Visit to Jessica, 15, and Ben, 7. Jessie said she is fine and Ben was seen alone.", [("Jessica", 15), ("Ben", 7)]),
])
def test_a_short_form_of_a_name_is_that_child(draft_text, text, expected):
    assert children(draft_text(text)) == expected


@pytest.mark.parametrize("text,parent", [
    ("I visited Dean and his two, Kacey and Mason, who were both seen alone.", "Dean"),
    ("Child in need visit to Sharon and her three children, Leo, 10, Amy, 7, and Jo, 4.", "Sharon"),
    ("I visited Mark at home after his eldest, Callum, was arrested on Friday. Callum, 16, was seen alone.", "Mark"),
    ("Statutory visit, as arranged with Lorraine on Monday, to see Kyle, 8, who was seen alone.", "Lorraine"),
    ("Child in need visit to Kirsty and her partner Jay, and their daughter Skye, 3, who was seen with them.",
     "Kirsty"),
])
def test_a_parent_said_by_their_children_or_by_the_visit(draft_text, text, parent):
    said = f"{parent} said things have been hard since the summer."
    note = draft_text(f"{text} {said}")
    assert parent not in [c.name for c in note.visit.children]
    assert roles(note).get(parent) in ("mother", "father", "parent")
    assert said in [s.text for s in note.sections[4].sentences]  # parents' views


def test_the_visit_arranged_with_school_says_nothing_of_a_parent(draft_text):
    visit = draft_text("Section 47 visit, arranged with school, to see Noah, 8, who was seen alone.").visit
    assert visit.announced is None


@pytest.mark.parametrize("text,code", [
    ("Visit to Leo, 9, at home with mum Rachel. Rachel's mother, who lives with them, has dementia.", "6C"),
    ("Visit to Leo, 9, and his mum Rachel. Rachel said she looks after her mum, and her mum's cancer "
     "has spread.", "6C"),
])
def test_a_parent_s_mother_is_a_grandparent(codes_of, text, code):
    assert code in codes_of(text) and code.replace("C", "B") not in codes_of(text)


@pytest.mark.parametrize("text,alone", [
    ("Visit to mum and her three children, Chloe, 14, Ellie, 8, and Sam, 5. Her eldest son was not at home. "
     "Her daughter Chloe spoke to me alone, and the youngest stayed with mum.",
     {"Chloe": True, "Sam": False}),
])
def test_one_child_by_gender_and_age(draft_text, text, alone):
    found = {c.name: c.child_seen_alone for c in draft_text(text).visit.children}
    assert {name: found[name] for name in alone} == alone


@pytest.mark.parametrize("text,ages", [
    ("Visit to mum and the twins, Poppy and Daisy. The twins are 8.", [("Poppy", 8), ("Daisy", 8)]),
    ("Visit to Kai and his brother Reece. Both boys are 11 and were seen alone.", [("Kai", 11), ("Reece", 11)]),
    ("Visit to Reece, who turned 16 last week, and Grace, who is 12.", [("Reece", 16), ("Grace", 12)]),
])
def test_an_age_said_of_a_group_or_with_turned(draft_text, text, ages):
    assert children(draft_text(text)) == ages


def test_a_child_from_outside_the_family_is_not_a_child_of_the_visit(draft_text):
    note = draft_text("Visit to Mia, 8. Mia said the girl next door, Kayla, who is 12, pushed her off her bike.")
    assert children(note) == [("Mia", 8)]


def test_a_country_is_not_a_person(draft_text):
    note = draft_text("Visit to Yonas, 15, at his foster placement. Yonas was seen alone. He said he left "
                      "Eritrea two years ago and misses his mother.")
    assert [p.name for p in note.visit.people_present if p.name] == ["Yonas"]


@pytest.mark.parametrize("text,code", [
    # the opening phrase is about the one the main clause names
    ("Visit to Leo, 9, and his mum Tracey. Leo said his sister Amy helps him. After her operation Tracey "
     "has been in a wheelchair.", "6B"),
    # an agency's report is about the child it names, not the agency
    ("Visit to Kai, 10, and mum Gemma. Kai's school said he has a learning disability.", "5A"),
    ("Visit to Kai, 10, and mum Gemma. The school said Kai's reading is poor and he has a learning disability.",
     "5A"),
])
def test_whose_pronoun(codes_of, text, code):
    assert code in codes_of(text)


def test_a_gender_said_by_his_own(draft_text):
    note = draft_text("Visit to Tyler, 13, and Maisie, 3. Tyler talked to me on his own in his room, and Maisie "
                      "stayed with mum. I did not see Maisie's room because she was asleep in there.")
    fields = {c.name: (c.child_seen_alone, c.bedroom_seen) for c in note.visit.children}
    assert fields == {"Tyler": (True, True), "Maisie": (False, False)}
