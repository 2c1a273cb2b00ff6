"""Round 6: who the children of the visit are, their names and ages, and who was present,
in phrasings that are in no devset note (ages.py, names.py, name_roles.py, family_ties.py,
children.py, group_members.py, data/people.yaml, visit_fields.py, data/visit.yaml)."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import children, fields


def present(note) -> set[str]:
    return {(p.name or p.role).lower() for p in note.visit.people_present}


# -- an age said after a date of birth ---------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("I saw Maisie Rowe, DOB 02/07/2017, age 9, and her brother Kian Rowe, born on the 14th of May 2020, "
     "who is 6, at home with their gran.", [("Maisie Rowe", 9), ("Kian Rowe", 6)]),
    ("Home visit to Tobias (d.o.b. 3rd January 2012, aged 14) and Lena, date of birth 9/9/2019, aged 7, "
     "who were both in.", [("Tobias", 14), ("Lena", 7)]),
])
def test_an_age_said_after_a_date_of_birth(draft_text, text, expected):
    assert children(draft_text(text)) == expected


def test_a_number_before_a_month_is_a_date_not_an_age(draft_text):
    note = draft_text("Joint visit with school nurse Beth Ayres, 4 March, to see Harvey, 11, who was at home with "
                      "his dad.")
    assert children(note) == [("Harvey", 11)]
    assert "beth ayres" in present(note)


# -- one person, one name --------------------------------------------------------------------
def test_a_first_name_said_alone_is_the_full_name_said_before(draft_text):
    note = draft_text("Visit to Tamsin Cole, 8, and Jacob Cole, 5, with their mum. Tamsin was seen on her own "
                      "in the garden and Jacob stayed with mum the whole time.")
    assert children(note) == [("Tamsin Cole", 8), ("Jacob Cole", 5)]
    assert fields(note)["Tamsin Cole"][:2] == (True, True)


def test_a_double_first_name_with_a_surname_is_one_child(draft_text):
    note = draft_text("The children are Anna Maria Lopez, 12, and Jose Lopez, 9, and both were home when I "
                      "called. Anna Maria was seen alone upstairs.")
    assert children(note) == [("Anna Maria Lopez", 12), ("Jose Lopez", 9)]
    assert fields(note)["Anna Maria Lopez"][1] is True


@pytest.mark.parametrize("text", [
    "Abigail, or Abbie as everyone calls her, is 13 and Noah is 10. Abbie was seen alone and Noah was seen with dad.",
    "Abigail (Abbie), 13, and Noah, 10, were in. Abbie was seen alone and Noah was seen with dad.",
    "Abigail, known as Abbie, 13, and Noah, 10, were in. Abbie was seen alone and Noah was seen with dad.",
])
def test_a_name_said_as_what_a_child_is_called_is_the_same_child(draft_text, text):
    note = draft_text(text)
    assert [name for name, _ in children(note)] == ["Abigail", "Noah"]
    assert fields(note)["Abigail"][1] is True


def test_two_names_joined_by_or_stay_two_children(draft_text):
    note = draft_text("I could not tell whether Poppy or Alfie had broken it. Poppy, 9, and Alfie, 6, were both "
                      "seen at home.")
    assert children(note) == [("Poppy", 9), ("Alfie", 6)]


# -- professionals with titles ---------------------------------------------------------------
def test_a_titled_professional_with_a_first_name_is_one_person_and_no_child(draft_text):
    note = draft_text("We went out with DS Priya Natt after the strategy meeting, and Carla, mum, let us in. "
                      "DS Natt spoke to Carla in the kitchen while I saw Leo, 10, alone in his room.")
    assert children(note) == [("Leo", 10)]
    assert {"ds priya natt", "carla", "leo"} <= present(note)
    assert "natt" not in present(note) and "ds natt" not in present(note)


def test_a_named_professional_the_visit_was_made_jointly_with_was_present(draft_text):
    note = draft_text("Unannounced visit carried out jointly with PC Daniel Mbeki late last night after a call "
                      "from a neighbour. Stacey, mum, and Kaiden, 4, were seen.")
    assert "pc daniel mbeki" in present(note)


def test_a_professional_role_joined_to_the_name_is_no_child(draft_text):
    note = draft_text("I visited with family support worker Tom Reilly to see Skye, 5, and Mason, 3, and their "
                      "mum Kerry was home.")
    assert [name for name, _ in children(note)] == ["Skye", "Mason"]


# -- adults named as a group ---------------------------------------------------------------------
def test_names_listed_before_a_plural_adult_role_are_adults(draft_text):
    note = draft_text("Dean and Kelly, the boys' parents, were in, with Alfie, 7, and Reece, 5, who were both "
                      "seen with them in the lounge.")
    assert children(note) == [("Alfie", 7), ("Reece", 5)]


# -- a baby word that means a named child ----------------------------------------------------------
def test_a_toddler_is_the_child_of_a_toddlers_age(draft_text):
    note = draft_text("Gina was home with Ezra, 20 months, and Isla, 9, who was seen alone. Gina smokes "
                      "cannabis on the balcony, which worries me with a toddler in the flat.")
    assert children(note) == [("Ezra", 1), ("Isla", 9)]


def test_a_newborn_is_the_unnamed_baby_said_before(draft_text):
    note = draft_text("Dad Paul let me in, holding the baby's bottle. Kai, 6, was watching TV and the baby, who is three "
                      "weeks old, was asleep in her crib. I am worried about Paul smoking around a newborn.")
    assert sorted(children(note), key=lambda c: c[0]) == [("Kai", 6), ("the baby", 0)]


# -- groups by age ---------------------------------------------------------------------------
def test_the_older_ones_by_age_when_every_age_is_said(draft_text):
    note = draft_text("Lola, 12, Finn, 10, and Rose, 5 months, were at home with their dad. I looked at the "
                      "older two's bedrooms, the one Lola has to herself and Finn's, which he showed me.")
    assert fields(note)["Lola"][2] is True and fields(note)["Finn"][2] is True
    assert fields(note)["Rose"][2] is None


# -- who was present -------------------------------------------------------------------------------
def test_what_someone_is_said_to_be_is_not_another_person_present(draft_text):
    note = draft_text("Tanya, mum, was there with her boyfriend Lee, who is not the father of either child, and "
                      "Ruby, 6, and Max, 4, were seen together in the lounge.")
    assert "father" not in present(note)
    assert {"tanya", "lee", "ruby", "max"} <= present(note)


def test_a_clipped_opening_verb_is_not_a_name(draft_text):
    note = draft_text("Visited Roxanne and the kids after school. Roxanne was home with Casey, 8, and Jay, 5, "
                      "and both were seen together.")
    assert "visited roxanne" not in present(note)
    assert "roxanne" in present(note)


def test_a_part_that_says_its_people_were_home_is_not_in_the_list_of_those_away(draft_text):
    note = draft_text("Mel was home with her husband Tony, and her own boys were at college. Harvey, 10, was "
                      "seen alone in his room.")
    assert {"tony", "harvey"} <= present(note)
