"""Factors said the ways other authors say them (issue 14, round 3): weak signs that mean
something else in their sentence, a cause said before what it stops, a criminal record, a
former partner, a named adult with no role said, the worker's own "no concerns", and
neglect said of all the children. The sentences are written for these tests."""

from __future__ import annotations

import pytest

TWO = "Child in need visit to Ava, 8, and her brother Leo, 6. Mum Sarah was at home. "


def on_records(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


def test_older_lads_paying_for_runs_are_criminal_not_sexual_exploitation(codes_of):
    text = ("Visit to Jordan, 14. Jordan said some older lads give him cash and new trainers for carrying "
            "packages to other towns, and he is being criminally exploited.")
    codes = codes_of(text)
    assert "24A" in codes and "11A" not in codes


def test_older_lads_with_gifts_are_still_signs_of_sexual_exploitation(codes_of):
    assert "11A" in codes_of("Visit to Jade, 14. Jade told me older lads at the park gave her vodka and a new "
                             "phone, and she has been picked up in a car by them.")


@pytest.mark.parametrize("text,code", [
    (TWO + "Since his stroke in March, dad cannot walk without a frame.", "6B"),
    (TWO + "After her diagnosis of multiple sclerosis, Sarah can no longer drive.", "6B"),
])
def test_a_cause_said_before_what_it_stops_is_current(codes_of, text, code):
    assert code in codes_of(text)


@pytest.mark.parametrize("text", [
    TWO + "The police said mum's partner has a previous conviction for assault.",
    TWO + "Probation said the children's uncle was convicted of assault in 2019.",
    TWO + "PC Green said dad was arrested last year for assault on a stranger.",
])
def test_a_criminal_record_is_not_a_current_concern(codes_of, text):
    assert not {"3B", "3C"} & codes_of(text)


def test_a_former_partner_is_not_the_household(codes_of):
    assert "3C" not in codes_of(TWO + "Mum said her former partner used to hit her before Ava was born.")


def test_a_named_adult_with_no_role_takes_the_parent_s_letter(draft_text):
    note = draft_text(TWO + "Ava and Leo were seen together. Nicola said she has been depressed since the winter "
                            "and is on antidepressants.")
    assert on_records(note).get("4B") == ["Ava", "Leo"]


def test_the_worker_s_own_no_concerns(draft_text):
    note = draft_text(TWO + "Ava said her dad hits Leo with a belt. Leo is at risk, but I have no concerns about "
                            "Ava's care.")
    records = on_records(note)
    assert records.get("21") == ["Ava"] and records.get("18C") == ["Leo"]


def test_someone_else_having_no_worries_is_not_no_factors(codes_of):
    assert "21" not in codes_of(TWO + "Ava said she has no worries at school.")


@pytest.mark.parametrize("text", [
    TWO + "None of the children's basic needs are being met at the moment.",
    "Visit to the twins, Ivy and Rose, 2. Both twins were in soaked nappies and Ivy had a bad nappy rash.",
])
def test_neglect_said_of_all_the_children(draft_text, text):
    note = draft_text(text)
    assert len(on_records(note).get("16A", [])) == 2
