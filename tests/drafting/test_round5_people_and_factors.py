"""Round 5: who is who, whose factor it is, who was present and when, in phrasings a new
author uses; each mechanism with a phrasing that is in no devset note (name_roles.py,
children.py, ages.py, factors.py, factor_rules.py, data/context.yaml, data/people.yaml,
visit_fields.py, visit_when.py, lead_labels.py, the default template's cues)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.drafting.visit_views import children, section_of

_PARTS = ("weekday", "day", "month", "year", "days_before", "time")


def codes(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


def present(note) -> set[str]:
    return {(p.name or p.role).lower() for p in note.visit.people_present}



# -- who is a child of the visit -------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Ella, 8, said she likes living with Nanna and her best friend is called Maisie.", [("Ella", 8)]),  # devset's
    ("Ella, 8, said her new teacher is called Rosie and she is kind.", [("Ella", 8)]),
    ("Ella, 8, said the scars on her arm are old, from Year 7.", [("Ella", 8)]),
    ("Ella, 8, and Max, 3, were at home. There are two toddler beds in the room.", [("Ella", 8), ("Max", 3)]),
    ("So Tia, she's 12, Reece, who's 10, were home.", [("Tia", 12), ("Reece", 10)]),  # the devset's
    ("Present were Dad and the boys, Kyle, he's 14, and Sonny, who is 9.", [("Kyle", 14), ("Sonny", 9)]),
])
def test_who_is_a_child_of_the_visit(draft_text, text, expected):
    assert children(draft_text(text)) == expected


@pytest.mark.parametrize("opening", [
    "I arrive for a joint visit with Sam, the health visitor, to see Nova, 6 weeks, and Jacob, 3.",
    "Joint visit with Priya, the school nurse, to see Nova, 6 weeks, and Jacob, 3.",  # not in any note
])
def test_a_name_with_a_professional_after_it_is_a_professional(draft_text, opening):
    note = draft_text(opening + " Mum Holly was at home.")
    assert [name for name, _ in children(note)] == ["Nova", "Jacob"]


# -- whose factor: household letters -----------------------------------------------------------
def test_a_parents_mother_named_after_his_or_her_is_a_grandparent(draft_text):
    note = draft_text("Mr Reid was at home with Kayla Reid, who is 16, and his mother, Mrs Reid, who lives with "
                      "them. Mrs Reid said she is seeing her GP for depression.")
    assert codes(note) == {"4C": ["Kayla Reid"]}
    # not in any note: a mother's dad named after "her dad,"
    note = draft_text("Becky, mum, opens the door, and her dad, Ron, who has lived with them since the summer, is in "
                      "the kitchen with Finley, 6. Ron has been drinking heavily every day.")
    assert codes(note) == {"1C": ["Finley"]}


def test_a_childs_mum_named_after_her_is_the_mother(draft_text):
    note = draft_text("Ella, 8, was at home with her mum, Linda. Linda has been drinking heavily every day.")
    assert codes(note) == {"1B": ["Ella"]}


@pytest.mark.parametrize("text,expected", [
    ("Mum, Chantelle, was in, and Wayne, who rents the box room off her, was in the kitchen with Tia, 12. "
     "Wayne was clearly drunk.", {"1C": ["Tia"]}),  # the devset's
    ("Mum Gemma was in with Kai, 9, and Tony, who lodges with them, was in the garden. "
     "Tony is drinking heavily every day.", {"1C": ["Kai"]}),
])
def test_a_lodger_is_a_household_member(draft_text, text, expected):
    assert codes(draft_text(text)) == expected


def test_a_parents_husband_or_wife_is_a_parent_or_step_parent(draft_text):
    note = draft_text("So Dad, Marcus, was in, and his wife Jade, and Connor, who's 15. So Jade told me she's been "
                      "really depressed, she's hardly been out of bed for weeks.")
    assert codes(note) == {"4B": ["Connor"]}
    # not in any note; a boyfriend stays a partner of the household (C)
    note = draft_text("Dad Rob and his wife Tina were at home with Ava, 7. Tina smelled strongly of alcohol.")
    assert codes(note) == {"1B": ["Ava"]}
    note = draft_text("Mum Leanne and her boyfriend Carl were at home with Ava, 7. Carl smelled strongly of alcohol.")
    assert codes(note) == {"1C": ["Ava"]}


# -- not a current concern ---------------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "He told me his own depression is long behind him, he has been off medication for two years and feels well.",
    "She said her own mental health is much better, she came off the antidepressants in the summer and she feels "
    "like herself again.",
    "Chloe said her anxiety, which was very bad last year, has settled and she was discharged from counselling.",
    # not in any note
    "Mum said her depression has fully recovered.",
    "Dad said his depression has settled since the spring.",
    "Dad said his depression is well behind him.",
])
def test_recovered_is_not_a_current_concern(draft_text, sentence):
    note = draft_text("Visit to Ava, 8, and Leo, 6, at home with Mum and Dad. " + sentence)
    assert not any(code.startswith("4") for code in codes(note)), codes(note)


def test_a_parent_not_in_touch_is_not_the_household(draft_text):
    note = draft_text("Nan Pat looks after Jayden, 11, under a special guardianship order. She said the "
                      "children's mum is still using heroin and hasn't been in touch since the summer.")
    assert "2B" not in codes(note)


# -- a pronoun that would make a young child the drinker -----------------------------------------
def test_drinking_is_not_a_young_childs_when_the_pronoun_may_mean_an_adult(draft_text):
    note = draft_text("Both parents were in, Kerry and Lee, with their three, Mason, who is 8, Lily-Mae, who is 5, "
                      "and Archie, who is 2. I saw Mason on his own. He said he drinks most nights after work.")
    assert "1A" not in codes(note)
    assert codes(note).get("1B") == ["Mason", "Lily-Mae", "Archie"]


def test_a_depression_still_there_is_a_concern(draft_text):
    note = draft_text("Visit to Ava, 8, and Leo, 6, at home with Mum and Dad. Dad said his depression is still bad.")
    assert codes(note) == {"4B": ["Ava", "Leo"]}


# -- who was present ---------------------------------------------------------------------------
def test_an_unnamed_mum_is_the_named_adult_whose_role_is_open(draft_text):
    note = draft_text("Shona was in with her partner Dean and the children, Lacey, 13, and Kai, 9. "
                      "Kai stayed downstairs with his mum the whole time.")
    assert {"shona", "dean", "kai"} <= present(note) and "mother" not in present(note)


def test_someone_who_died_is_not_present(draft_text):
    note = draft_text("Pete, the children's father and their only carer since their mum died, was in the lounge "
                      "with Leah, 13, and Dylan, 8.")
    assert "pete" in present(note) and "mother" not in present(note)
    # not in any note
    note = draft_text("Mia, 10, was at home with Grandad Ray, who has cared for her since her dad passed away.")
    assert "father" not in present(note) and {"ray", "mia"} <= present(note)


# -- when ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,parts", [
    ("Call from police at 01:45 on Sunday 1st March, and I attended the address as an emergency home visit, "
     "arriving at 02:10, to see Kenzie, 9.", {"weekday": "sunday", "day": 1, "month": 3, "time": dt.time(2, 10)}),
    ("EDT, return home interview at 00:20 on the 19th of March, for Tayla, 15.",
     {"day": 19, "month": 3, "time": dt.time(0, 20)}),
    ("Pre-arranged child in need visit to Ms Walsh on the twelfth of March at quarter past four.",
     {"day": 12, "month": 3, "time": dt.time(16, 15)}),
    ("It is Saturday the 11th and I am doing an unannounced child protection visit to Millie, 12.",
     {"weekday": "saturday", "day": 11}),
    # not in any note
    ("Police rang at 23:05 and I arrived at the flat at 23:50 for an emergency visit to Jay, 4.",
     {"time": dt.time(23, 50)}),
    ("Home visit on the twenty-first of June at 09:30 to see Amy, 6.", {"day": 21, "month": 6, "time": dt.time(9, 30)}),
    ("Today is Monday the 3rd, an announced visit to Kai, 10.", {"weekday": "monday", "day": 3}),
])
def test_visit_date_forms(draft_text, text, parts):
    when = draft_text(text).visit.when
    assert when is not None
    assert {k: v for k, v in when.model_dump().items() if k in _PARTS and v is not None} == parts


# -- sections -------------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "Steve is in with Millie and Ben.",  # the devset's
    "Lisa, her mum, and Gav, her stepdad, were up waiting.",
    "Jodie, the children's mother, was in the kitchen with the middle child, Jack, who is 7.",
    # not in any note
    "Dawn opens the door and lets me in, and the boys are home with her.",
    "Grandad was at the table with both children when I arrived.",
    # a name ending in "i" before "was" is not the worker's "I was"
    "Abdi was there with Millie and Ben.",
    "Naomi was at home with both children.",
    "Mum's friend Karen sat in with us throughout.",
])
def test_who_was_present_in_other_tenses(draft_text, sentence):
    note = draft_text("Child protection visit to Millie, 12, and Ben, 9. " + sentence + " Ben was playing with his cars.")
    assert section_of(note, sentence) == "present"


def test_the_workers_own_team_before_the_visit_is_not_an_agencys_information(draft_text):
    first = "Emergency duty team, emergency child protection visit to the address at 23:40 on Saturday, jointly with police."
    note = draft_text(first + " Jodie, the children's mother, was in the kitchen with Jack, who is 7.")
    assert section_of(note, first) == "purpose"
    first = "Out of hours team, unannounced visit to the flat at 21:00 with PC Lowe."  # not in any note
    note = draft_text(first + " Pete was in the lounge with Leah, who is 13.")
    assert section_of(note, first) == "purpose"


@pytest.mark.parametrize("text", [
    "I am visiting Kiera, 14, at Donna's, an announced private fostering visit. Donna tells me Kiera's mum moved to "
    "Glasgow for work in September and they agreed between them that Kiera would stay here to finish her GCSEs.",
    # not in any note
    "Private fostering visit to Mia, 15, at Sandra's. Mia's dad has moved to Leeds for a new job and it was agreed "
    "that Mia would live with Sandra until her exams.",
])
def test_a_parent_moving_away_and_a_child_staying_is_a_family_arrangement(draft_text, text):
    assert [c for c in codes(draft_text(text)) if c.startswith("8")] == ["8E"]


@pytest.mark.parametrize("text,sentence", [
    ("PC Drew was at the house with Kenzie, who is 9. I spoke to Kenzie on her own in the kitchen. Sharon, the "
     "children's mother, came home at 02:50.", "She said Mum went out at teatime to see her friend."),
    # not in any note
    ("Dad Lee was at home with Mason, who is 8. I saw Mason on his own. Lee was short with me.",
     "He said Daddy shouts when he is cross."),
])
def test_who_calls_a_parent_mum_or_daddy_is_their_child(draft_text, text, sentence):
    note = draft_text(text + " " + sentence)
    assert section_of(note, sentence) == "child_voice"


@pytest.mark.parametrize("text", [
    "I visited Kirsty and the children at the refuge, a child in need visit arranged through the refuge staff.",
    "Child in need visit to Kai, 10, booked via his school last week.",  # not in any note
])
def test_a_visit_arranged_through_someone_is_announced(draft_text, text):
    assert draft_text(text).visit.announced is True


@pytest.mark.parametrize("sentence", [
    "OK so I asked about the relationship, and Aisha was clear there's no domestic abuse and never has been.",
    "Dad is adamant that he has not had a drink since Christmas.",  # not in any note
])
def test_a_parent_sure_of_something_is_their_view(draft_text, sentence):
    note = draft_text("Child in need visit to Zara, 3. Mum Aisha and Dad Faisal were in. " + sentence
                      + " Zara was playing with her cars.")
    assert section_of(note, sentence) == "parent_views"


@pytest.mark.parametrize("sentence", [
    "Linda does not want to talk to me and goes out into the garden to smoke.",
    "Grandad didn't want to speak to me and stayed in the kitchen.",  # not in any note
])
def test_an_adult_not_wanting_to_talk_is_an_observation(draft_text, sentence):
    note = draft_text("Child in need visit to Finley, 6. Mum Becky and her mum Linda were in. " + sentence
                      + " Finley was playing with his cars.")
    assert section_of(note, sentence) == "observations"


@pytest.mark.parametrize("text,expected", [
    ("Lisa, her mum, was up waiting. I saw Tayla, who is 15, on her own in her bedroom. She smelled strongly of "
     "cannabis and had a new phone that Lisa said she had not paid for.", {"2A": ["Tayla"]}),
    # not in any note
    ("Dad Mark was in with Jake, 15. I saw Jake on his own. He smelled strongly of cannabis, which Mark said he had "
     "not noticed before.", {"2A": ["Jake"]}),
])
def test_a_pronoun_is_not_the_one_later_said_to_speak_in_its_sentence(draft_text, text, expected):
    assert codes(draft_text(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("Ms Patel was at home with Priya Patel, 4. Ms Patel said Priya's splints for her cerebral palsy no longer fit.",
     {"6A": ["Priya Patel"]}),
    # not in any note: what no longer works is the concern now; what he no longer does is over
    ("Mum was at home with Zak, 9. Mum said Zak's epilepsy medication no longer controls his seizures.",
     {"6A": ["Zak"]}),
    ("Mum was at home with Zak, 9. Dad said he no longer drinks and has been sober since the spring.", {}),
])
def test_no_longer_is_over_only_for_what_someone_stopped(draft_text, text, expected):
    assert codes(draft_text(text)) == expected
