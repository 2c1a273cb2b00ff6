"""Round 9: which children and which people (names.py, name_roles.py, children.py, ages.py,
data/people.yaml, the people-present part of visit_fields.py), in phrasings that are in no
devset note."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import children, fields


def present(note) -> set[str]:
    return {(p.name or p.role).lower() for p in note.visit.people_present}


def names(note) -> list[str]:
    return [name for name, _ in children(note)]


# -- dictation words, fillers and short dates are never people -------------------------------
@pytest.mark.parametrize("text", [
    "Item one, a home visit to Keira, 8, and her brother Sami, 5, after school. Item two, Keira was seen on "
    "her own in her room and Sami stayed with his mum.",
    "Number three, I saw Keira, 8, on her own upstairs. Number four, Sami, 5, was with his mum the whole time.",
    "Point 2, Keira, who is 8, was seen on her own, and Sami, who is 5, was not, he stayed with mum.",
    "Um, so, I saw Keira, 8, on her own in her bedroom. Erm, Sami, 5, stayed downstairs with his mum.",
])
def test_numbered_points_and_fillers_are_not_children(draft_text, text):
    note = draft_text(text)
    assert names(note) == ["Keira", "Sami"]
    assert fields(note)["Keira"][1] is True


@pytest.mark.parametrize("date", ["Thursday the 5th of Sept", "the 14th of Nov", "Weds 3rd", "the 9th of Jan",
                                  "Sat the 21st"])
def test_a_short_month_or_weekday_is_not_a_child(draft_text, date):
    note = draft_text(f"Home visit on {date}, ten to 4, to Harvey, 7, and Lola, 4, at their dad's. Harvey was seen "
                      "on his own and Lola stayed with her dad.")
    assert names(note) == ["Harvey", "Lola"]


def test_a_short_month_that_is_a_name_is_still_a_person_without_a_number(draft_text):
    note = draft_text("Present were Jan, the children's nan, and Harvey, 7. Harvey was seen on his own in his room.")
    assert names(note) == ["Harvey"]
    assert "jan" in present(note)


# -- a hyphenated first name is one child ----------------------------------------------------
@pytest.mark.parametrize("text", [
    "Mum was in with our Tia-Lou, aged 6, and Brody, who is 9.",
    "Tia-Lou, 6, and Brody, 9, were both home with their mum.",
    "I saw our Tia-Lou who's 6 with mum, and Brody, 9, on his own.",
])
def test_a_hyphenated_name_is_one_child_with_its_age(draft_text, text):
    note = draft_text(text)
    assert children(note) == [("Tia-Lou", 6), ("Brody", 9)]


# -- an adult's nickname is never a child ----------------------------------------------------
@pytest.mark.parametrize("text", [
    "Kerry-Ann, 17, was in with her son Jimmy, 6 months, who they call little Jimmy. Big Jimmy, the baby's dad, "
    "lives over in Bootle and was not there. I saw Kerry-Ann on her own.",
    "I saw Kerry-Ann, 17, on her own, and little Jimmy, 6 months, was asleep. Kerry-Ann said big Jimmy comes "
    "round on Sundays and is a good dad.",
    "Kerry-Ann, 17, and Jimmy, 6 months, live with her grandad, who everyone calls Old Ray. Old Ray was out at "
    "the club. I saw Kerry-Ann on her own.",
])
def test_an_adults_nickname_is_not_a_child(draft_text, text):
    note = draft_text(text)
    assert names(note) == ["Kerry-Ann", "Jimmy"]
