"""The children of a family visit: who they are, each one's seen / seen alone / bedroom
seen from what was said about that child, the visit-level fields derived from them, and
each factor on the record of the children it belongs to (issue 14's examples)."""

from __future__ import annotations

import datetime as dt

import pytest

from models.draft import DraftNote, VisitWhen, shared_value
from tests.drafting.visit_views import fields

TWO = "Child in need visit to Mia, 9, and her brother Tyler, aged four. Mum Kelly was at home. "


def factor_children(note: DraftNote) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


def test_each_child_from_what_was_said_about_that_child(draft_text):
    note = draft_text(TWO + "Mia was seen alone in her bedroom. Tyler was not seen alone because he was asleep.")
    assert [(c.name, c.age) for c in note.visit.children] == [("Mia", 9), ("Tyler", 4)]
    assert fields(note) == {"Mia": (True, True, True), "Tyler": (True, False, None)}
    mia = note.visit.children[0]
    assert mia.evidence["child_seen_alone"].text == "Mia was seen alone in her bedroom."


def test_visit_level_fields_are_what_every_child_shares(draft_text):
    note = draft_text(TWO + "Mia was seen alone in her bedroom. Tyler was not seen alone because he was asleep.")
    # the visit is never "seen alone: yes" while Tyler was not seen alone
    assert (note.visit.child_seen, note.visit.child_seen_alone, note.visit.bedroom_seen) == (True, None, None)
    both = draft_text(TWO + "I saw both children alone in their bedrooms.")
    assert (both.visit.child_seen, both.visit.child_seen_alone, both.visit.bedroom_seen) == (True, True, True)


def test_shared_value_rule():
    assert shared_value([True, True]) is True
    assert shared_value([False]) is False
    assert shared_value([True, False]) is None
    assert shared_value([True, None]) is None
    assert shared_value([]) is None


def test_a_child_at_nursery_was_not_seen(draft_text):
    note = draft_text("Home visit to see Lily, 6, and Oscar, 3. Mum Gemma was at home. "
                      "Lily was seen alone in the kitchen. Oscar was at nursery, so he was not seen today.")
    assert fields(note) == {"Lily": (True, True, None), "Oscar": (False, None, None)}
    assert {p.name for p in note.visit.people_present} == {"Gemma", "Lily"}


def test_two_children_seen_alone_one_after_the_other(draft_text):
    note = draft_text("Child protection visit to Jayden, 8, and Amelia, 6. Dad Marcus was at home. "
                      "I saw Jayden and Amelia alone, one after the other, in their bedrooms.")
    assert fields(note) == {"Jayden": (True, True, True), "Amelia": (True, True, True)}


def test_a_baby_too_young_to_be_seen_alone(draft_text):
    said = draft_text("Child in need visit to Skye, 4, and baby Leo, 3 months. Mum Courtney was at home. "
                      "Skye was seen alone in her bedroom. Leo was seen asleep in his cot, "
                      "he is too young to be seen alone.")
    assert fields(said)["Leo"] == (True, False, True)
    unsaid = draft_text("Child in need visit to Skye, 4, and baby Leo, 3 months. Mum Courtney was at home. "
                        "Skye was seen alone in her bedroom. I saw Leo being fed by mum.")
    assert fields(unsaid)["Leo"] == (True, None, None)  # nothing said about seen alone: the worker answers


def test_an_unnamed_baby_is_called_by_the_notes_words(draft_text):
    note = draft_text("I visited Courtney and her children at home. Present were Courtney, her daughter Skye, "
                      "who is 4, and the baby, who is 6 weeks old. I saw the baby being fed by Courtney.")
    children = {c.name: c for c in note.visit.children}
    assert set(children) == {"Skye", "the baby"}
    assert children["the baby"].named is False and children["the baby"].age == 0
    assert children["the baby"].child_seen is True
    assert "Courtney" not in children  # a parent named only by name is not a child


def test_unsaid_stays_null(draft_text):
    note = draft_text(TWO + "Mum said things have been hard since Christmas.")
    assert fields(note) == {"Mia": (None, None, None), "Tyler": (None, None, None)}


def test_fields_dictated_as_a_form(draft_text):
    note = draft_text("Statutory visit for Ella, aged 11, and Max, aged 7. Present, dad Steven, Ella and Max. "
                      "Ella, seen, yes, seen alone, yes, bedroom seen, yes. "
                      "Max, seen, yes, seen alone, no, he would not leave his dad's side, bedroom seen, yes.")
    assert fields(note) == {"Ella": (True, True, True), "Max": (True, False, True)}


def test_a_young_carer_for_a_sibling(draft_text):
    note = draft_text(TWO + "Mia looks after Tyler when mum stays in bed.")
    assert factor_children(note).get("7A") == ["Mia"]


def test_an_adult_hitting_one_child(draft_text):
    note = draft_text(TWO + "Mum's partner Craig smacked Tyler on the legs last week.")
    assert factor_children(note).get("18C") == ["Tyler"]


def test_a_parents_factor_is_on_every_childs_record(draft_text):
    note = draft_text(TWO + "Mum said she has been diagnosed with depression and takes medication for it.")
    assert factor_children(note).get("4B") == ["Mia", "Tyler"]


def test_no_factors_for_one_child_while_a_sibling_has_some(draft_text):
    note = draft_text("Child in need visit to Chloe, 15, and Riley, 10. Mum Joanne was at home. "
                      "Chloe told me she has been cutting her arms most nights. "
                      "Riley's needs are met and there are no factors of concern for him.")
    assert factor_children(note) == {"15A": ["Chloe"], "21": ["Riley"]}


def test_no_factors_is_never_beside_another_factor_of_the_same_child(draft_text):
    note = draft_text(TWO + "Mum said she has been drinking every night. There are no concerns about the children.")
    assert "21" not in factor_children(note)
    assert factor_children(note)["1B"] == ["Mia", "Tyler"]


def test_visit_date_and_time_as_said(draft_text):
    when = draft_text("Child in need visit on Tuesday 3 March at 4 pm to Mia, 9.").visit.when
    assert (when.weekday, when.day, when.month, when.year, when.time) == ("tuesday", 3, 3, None, dt.time(16))
    assert when.said == "Tuesday 3 March at 4 pm"
    assert when.resolve(dt.date(2026, 3, 10)) == dt.date(2026, 3, 3)
    recorded = draft_text("Child in need visit on Tuesday 3 March at 4 pm to Mia, 9.", recorded_on=dt.date(2026, 3, 4))
    assert recorded.visit.when.date == dt.date(2026, 3, 3)
    assert draft_text("Home visit today to see Mia, 9.").visit.when is None  # the recording's time is used
    incident = draft_text("Home visit to see Mia, 9, after a domestic incident on Saturday night.").visit.when
    assert incident is None  # Saturday is when the incident was, not the visit


@pytest.mark.parametrize("text,parts", [
    ("I visited Courtney at home yesterday for a child in need visit.", {"days_before": 1}),
    ("Date of visit, Wednesday 19 February, 3.15 pm.", {"weekday": "wednesday", "day": 19, "month": 2,
                                                         "time": dt.time(15, 15)}),
    ("I went round to see Shane and the kids on Tuesday at half four.", {"weekday": "tuesday", "time": dt.time(16, 30)}),
    ("SW made an unannounced visit on 18 March 2025 at 10 am.", {"day": 18, "month": 3, "year": 2025,
                                                                "time": dt.time(10)}),
])
def test_visit_date_said_in_different_ways(draft_text, text, parts):
    when = draft_text(text).visit.when
    assert when is not None
    assert {k: v for k, v in when.model_dump().items() if v is not None and k in parts} == parts


def test_a_weekday_that_does_not_fit_the_date_is_not_signed():
    when = VisitWhen(said="Monday 3 March", start_char=0, end_char=14, weekday="monday", day=3, month=3)
    assert when.resolve(dt.date(2026, 3, 10)) is None  # 3 March 2026 is a Tuesday


def test_whose_words_are_whose(draft_text):
    note = draft_text("Home visit to Kayden, 11, and his sister Paige, 14. Present were Kayden, Paige, their mum "
                      "Lisa and her partner Darren. Kayden told me that Darren shouts at mum and calls her names. "
                      "He said he has nightmares every night. Lisa said they only argue like everyone does. "
                      "Kayden told his teacher that Darren pushed mum.")
    section = {s.text: sec.key for sec in note.sections for s in sec.sentences}
    assert section["Present were Kayden, Paige, their mum Lisa and her partner Darren."] == "present"
    assert section["Kayden told me that Darren shouts at mum and calls her names."] == "child_voice"
    assert section["He said he has nightmares every night."] == "child_voice"
    assert section["Lisa said they only argue like everyone does."] == "parent_views"
    assert section["Kayden told his teacher that Darren pushed mum."] == "other_information"


def test_third_person_worker_is_not_a_professional_source(draft_text):
    note = draft_text("SW visited Ben, 9, at home. SW is worried that Ben is not eating. "
                      "SW will refer Ben to the school nurse.")
    section = {s.text: sec.key for sec in note.sections for s in sec.sentences}
    assert section["SW is worried that Ben is not eating."] == "analysis"
    assert section["SW will refer Ben to the school nurse."] == "actions"


def test_the_workers_worry_is_analysis_as_whisper_writes_it(draft_text):
    """Whisper writes a dictated 'I am worried' as "I'm worried" (issue 15's try): still analysis."""
    note = draft_text("Visit to Ben, 9, at home. I'm worried that the children are not safe at night. "
                      "I'm concerned that mum is drinking. I will refer mum to the alcohol service.")
    section = {s.text: sec.key for sec in note.sections for s in sec.sentences}
    assert section["I'm worried that the children are not safe at night."] == "analysis"
    assert section["I'm concerned that mum is drinking."] == "analysis"


def test_a_draft_stored_before_children_still_loads():
    old = ('{"template": "default", "sections": [], "visit": {"child_seen": true, "child_seen_alone": false, '
           '"bedroom_seen": null, "people_present": [], "contact_type": "home visit", "announced": null}, '
           '"factor_suggestions": [{"code": "1B", "label": "Alcohol misuse", "confidence": 0.8, '
           '"subject": "parent_carer", "evidence": []}], "warnings": []}')
    note = DraftNote.model_validate_json(old)
    assert note.visit.children == [] and note.visit.when is None and note.factor_suggestions[0].children == []


def test_every_note_keeps_census_rules_per_child_and_names_only_its_children(draft_text):
    from pipeline.drafting.evaluation import load_gold
    from pipeline.drafting.factor_children import census_problems_per_child
    from tests.drafting.conftest import DEVSET

    placed = 0
    for folder in ("dev", "heldout", "family", "family-seen", "phenomena", "phenomena-heldout", "family-seen2",
                   "phenomena3", "family-seen3"):
        for gold in load_gold(DEVSET / folder):
            note = draft_text(gold.text)
            names = {c.name for c in note.visit.children}
            assert len(names) == len(note.visit.children), gold.id  # one record per child
            assert census_problems_per_child(note.factor_suggestions) == [], gold.id
            for suggestion in note.factor_suggestions:
                assert set(suggestion.children) <= names, (gold.id, suggestion.code)
                placed += bool(suggestion.children)
            for child in note.visit.children:
                for field, evidence in child.evidence.items():
                    assert getattr(child, field) is not None
                    assert gold.text[evidence.start_char:evidence.end_char] == evidence.text
    assert placed > 150
