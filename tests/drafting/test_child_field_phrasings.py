"""Seen / seen alone / bedroom seen per child, said in the many ways dictation says them
(issue 14, round 2): negation on the parse, group phrases, words left out, rooms, forms,
plans for a later visit. Real spaCy model; each case is one short note."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import fields

T, F, N = True, False, None
TWO = "Child in need visit to Ava, 8, and her brother Leo, 6. Mum Sarah was at home. "
THREE = "Home visit to Chloe, 14, Ellie, 8, and Sam, 2, at home with their mum Donna. "


@pytest.mark.parametrize("text,expected", [
    # field_clauses.negated: a negative subject, 'nor', a negated or refusing verb above
    ("Neither Ava nor Leo was seen alone.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    ("None of the children were seen on their own.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    ("No-one was seen alone as mum stayed in the room.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    ("Nobody was spoken to alone.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    ("I was not able to see either child alone.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    ("Neither child was seen alone, nor was either bedroom seen.", {"Ava": (T, F, F), "Leo": (T, F, F)}),
    ("Neither bedroom was seen.", {"Ava": (N, N, F), "Leo": (N, N, F)}),
    ("Leo did not want to be seen without his mum.", {"Ava": (N, N, N), "Leo": (T, F, N)}),
])
def test_negation_of_each_field(draft_text, text, expected):
    assert fields(draft_text(TWO + text)) == expected


def test_a_negation_stays_in_its_part_of_the_sentence(draft_text):
    """'...was not seen alone because he is only three, and his cot ... was seen': the cot was seen."""
    note = draft_text("Visit to Yusuf, 3. Yusuf was not seen alone because he is only three, "
                      "and his cot in the parents' room was seen.")
    assert fields(note) == {"Yusuf": (T, F, T)}


@pytest.mark.parametrize("text,expected", [
    ("The eldest was at college and was not seen. The younger two were seen together in the lounge.",
     {"Chloe": (F, N, N), "Ellie": (T, F, N), "Sam": (T, F, N)}),
    ("The youngest was asleep in his cot, which I saw, and Chloe and Ellie were seen alone in their rooms.",
     {"Chloe": (T, T, T), "Ellie": (T, T, T), "Sam": (N, N, T)}),
    ("All three children were seen, but none of them alone.", {"Chloe": (T, F, N), "Ellie": (T, F, N), "Sam": (T, F, N)}),
    ("Each of the children was seen alone.", {"Chloe": (T, T, N), "Ellie": (T, T, N), "Sam": (T, T, N)}),
])
def test_group_phrases_by_age_and_count(draft_text, text, expected):
    assert fields(draft_text(THREE + text)) == expected


def test_the_two_girls_are_not_their_brother(draft_text):
    """The brother's gender is never said; the girls' is, by what they say of themselves."""
    note = draft_text("Child in need visit to Sophie, 16, Megan, 13, and Riley, 10. "
                      "I saw the two girls alone, one after the other, in their bedrooms, and Riley was at a "
                      "birthday party so was not seen. Sophie told me her boyfriend checks her phone. "
                      "Megan said she is worried about Sophie.")
    assert fields(note) == {"Sophie": (T, T, T), "Megan": (T, T, T), "Riley": (F, N, N)}


def test_both_boys_are_the_twins_when_their_brother_is_named_apart(draft_text):
    note = draft_text("A visit was carried out to the twins, Kai and Kobe, who are 15, and their younger brother "
                      "Reece, aged 11. Both boys were spoken to alone in the kitchen, one after the other, and "
                      "Reece was seen with his dad. The twins' shared bedroom was seen but Reece's room was not, "
                      "as he had a friend round.")
    assert fields(note) == {"Kai": (T, T, T), "Kobe": (T, T, T), "Reece": (T, F, F)}


def test_the_girls_cannot_be_told_when_no_gender_is_said(draft_text):
    note = draft_text(THREE + "The girls were not seen alone as Donna insisted on staying with them.")
    assert [c.child_seen_alone for c in note.visit.children] == [None, None, None]  # the worker answers


@pytest.mark.parametrize("text,expected", [
    ("Ava was seen alone but Leo was not.", {"Ava": (T, T, N), "Leo": (T, F, N)}),
    ("Ava was not seen alone and Leo was not either.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    ("Ava did not want to speak to me alone, whereas Leo did.", {"Ava": (T, F, N), "Leo": (T, T, N)}),
    ("I did not see Ava's bedroom, and did not see Leo's either.", {"Ava": (N, N, F), "Leo": (N, N, F)}),
])
def test_a_child_named_again_with_the_verb_left_out(draft_text, text, expected):
    assert fields(draft_text(TWO + text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("The children share a room, which I saw.", {"Ava": (N, N, T), "Leo": (N, N, T)}),
    ("Both bedrooms were seen.", {"Ava": (N, N, T), "Leo": (N, N, T)}),
    ("I also saw Ava's bedroom and the room Leo shares with his uncle Bradley when he stays over.",
     {"Ava": (N, N, T), "Leo": (N, N, T)}),
    ("The children sleep on a blow-up mattress in nan's bedroom, which the worker was shown.",
     {"Ava": (N, N, T), "Leo": (N, N, T)}),
])
def test_whose_room_was_seen(draft_text, text, expected):
    assert fields(draft_text(TWO + text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("Seen alone: yes for Ava, no for Leo.", {"Ava": (T, T, N), "Leo": (T, F, N)}),
    ("Seen alone, Ava yes, Leo no, too young.", {"Ava": (T, T, N), "Leo": (T, F, N)}),
    ("Bedroom seen: yes for both.", {"Ava": (N, N, T), "Leo": (N, N, T)}),
    ("Child seen: yes. Seen alone: no. Bedroom seen: no.", {"Ava": (T, F, F), "Leo": (T, F, F)}),
])
def test_fields_dictated_as_a_form_with_several_children(draft_text, text, expected):
    assert fields(draft_text(TWO + text)) == expected


def test_seen_with_a_parent_is_not_seen_alone(draft_text):
    note = draft_text("I visited Chloe, 12, and Ellie, 8. I saw Chloe on her own in her bedroom and Ellie with "
                      "mum in the lounge.")
    assert fields(note) == {"Chloe": (T, T, T), "Ellie": (T, F, N)}


def test_a_plan_for_a_later_visit_says_nothing_of_this_one(draft_text):
    note = draft_text(TWO + "Leo came home only at the end of the visit, which is why he was not seen alone. "
                            "I will see Leo alone at school next week.")
    assert fields(note)["Leo"] == (T, F, N)


@pytest.mark.parametrize("text,expected", [
    ("Leo was at his grandparents' for the weekend.", (F, N, N)),
    ("Leo was at a birthday party so was not seen.", (F, N, N)),
    ("Leo was in hospital after an asthma attack.", (F, N, N)),
])
def test_children_away_from_home(draft_text, text, expected):
    assert fields(draft_text("SW visited Ava, 8, and Leo, 6. " + text))["Leo"] == expected


def test_too_young_to_be_seen_alone_does_not_say_the_child_was_there(draft_text):
    note = draft_text(THREE + "Ellie was spoken to on her own in the garden; Sam is too young to be seen alone.")
    assert fields(note)["Sam"] == (N, F, N)


def test_someone_else_seeing_the_children_says_nothing_of_the_visit(draft_text):
    note = draft_text(TWO + "I saw Ava on her own in her room, and Leo stayed with mum. Sarah said the children's "
                            "dad lives in Cardiff and has not seen them for a year.")
    assert fields(note) == {"Ava": (T, T, T), "Leo": (T, F, N)}


def test_a_pet_is_not_a_child(draft_text):
    note = draft_text("Visit to Jordan, 11, and Mollie, 7. Their dog Max barked the whole time.")
    assert [c.name for c in note.visit.children] == ["Jordan", "Mollie"]
    assert "Max" not in {p.name for p in note.visit.people_present}
