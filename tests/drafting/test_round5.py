"""Round 5: mechanisms for phrasings a new author uses, each with a phrasing that is in no
devset note: a child's surname said after the first name is not another child
(names.py), a room the whole household has and the worker saw is every child's
(phrase_about.py, data/visit.yaml, data/groups.yaml), a spoken heading after "So,",
"Right," or "OK so" (sections.py, data/speech.yaml)."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import children, fields

T, F, N = True, False, None


# -- surnames --------------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    # the devset's phrasing
    ("Present were Ms Okonkwo, her partner Mr Adeyemi, and the three children, Daniel Okonkwo, aged 12, "
     "Grace Okonkwo, aged 9, and Tobi Adeyemi, aged 18 months.",
     [("Daniel Okonkwo", 12), ("Grace Okonkwo", 9), ("Tobi Adeyemi", 1)]),
    # not in any note: children of two surnames, a title only once, a hyphenated surname
    ("Mrs Baxter was in with Jordan Baxter, who is 10, and Ella Price, 6, her daughter from her first marriage.",
     [("Jordan Baxter", 10), ("Ella Price", 6)]),
    ("Visit to Kian Smith-Jones, 14, and his sister Maddie Smith-Jones, 11, at their grandmother's.",
     [("Kian Smith-Jones", 14), ("Maddie Smith-Jones", 11)]),
])
def test_a_surname_after_a_first_name_is_the_same_child(draft_text, text, expected):
    assert children(draft_text(text)) == expected


def test_the_first_name_said_alone_later_is_the_child_with_the_surname(draft_text):
    note = draft_text("Mr Reid was at home with Kayla Reid, who is 16, and Brandon Reid, who is 13. "
                      "I saw Kayla on her own in her bedroom. Brandon was at football and was not seen.")
    assert fields(note) == {"Kayla Reid": (T, T, T), "Brandon Reid": (F, N, N)}


def test_a_title_and_surname_is_an_adult_not_a_child(draft_text):
    note = draft_text("Mrs Nowak was at home with Oliwia Nowak, 8. I saw Mrs Nowak and Oliwia together.")
    assert children(note) == [("Oliwia Nowak", 8)]


# -- a room the whole household has ------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "The family have one room between them, which I saw, with a double bed and a travel cot.",  # the devset's
    # not in any note
    "They have a single room between them at the hostel, which I was shown.",
    "The household share one bedroom, which I looked at before I left.",
    "All four of them sleep in the back bedroom, which I saw.",
])
def test_a_room_the_household_shares_is_every_childs(draft_text, sentence):
    note = draft_text("Child in need visit to Ava, 8, and her brother Leo, 6, at the hostel. Mum Sarah was at home. "
                      + sentence)
    assert {name: f[2] for name, f in fields(note).items()} == {"Ava": T, "Leo": T}


def test_a_room_of_one_child_is_not_the_households(draft_text):
    note = draft_text("Child in need visit to Ava, 8, and her brother Leo, 6. Mum Sarah was at home. "
                      "Ava has her own room, which I saw.")
    assert {name: f[2] for name, f in fields(note).items()} == {"Ava": T, "Leo": N}


# -- spoken headings after words that only move dictation on ------------------------------------
@pytest.mark.parametrize("text,section", [
    ("Right, analysis, so I'm worried about Wayne's drinking in the house.", "analysis"),  # the devset's
    ("OK so actions, I'll chase the adult team tomorrow.", "actions"),
    # not in any note
    ("Okay, right, observations, the kitchen was full of washing.", "observations"),
    ("So next steps, Mum will ring the GP on Monday.", "actions"),
])
def test_a_heading_after_a_filler_word(draft_text, text, section):
    note = draft_text("Child in need visit to Ava, 8. Mum Sarah was at home. " + text)
    assert next(s.key for s in note.sections for x in s.sentences if x.text == text) == section


# -- seen, seen alone and rooms said other ways -----------------------------------------------
TWO = "Child in need visit to Ava, 8, and her brother Leo, 6. Mum Sarah was at home. "


@pytest.mark.parametrize("text,expected", [
    # a room named for its use is not a bedroom
    ("Ava said she doesn't have to go to the medical room at school any more.", {"Ava": (N, N, N), "Leo": (N, N, N)}),
    ("I saw Ava on her own in the quiet room at the contact centre.", {"Ava": (T, T, N), "Leo": (N, N, N)}),
    # staying with a parent during the visit: seen, not alone
    ("Leo stayed downstairs with his mum the whole time.", {"Ava": (N, N, N), "Leo": (T, F, N)}),  # the devset's
    ("Ava and Leo remained with Sarah in the kitchen.", {"Ava": (T, F, N), "Leo": (T, F, N)}),
    ("Leo stayed with his dad last weekend.", {"Ava": (N, N, N), "Leo": (N, N, N)}),  # not this visit
    # rooms not seen
    ("Leo stayed with his mum and I didn't get up to his room.", {"Ava": (N, N, N), "Leo": (T, F, F)}),
    ("Ava didn't want me in her bedroom, which I respected.", {"Ava": (T, N, F), "Leo": (N, N, N)}),
    ("Ava wouldn't let us into her room.", {"Ava": (T, N, F), "Leo": (N, N, N)}),
    # the worker there, in the child's room
    ("Ava was in her bedroom, and I spoke to her there on her own.", {"Ava": (T, T, T), "Leo": (N, N, N)}),
    ("Leo was playing in his room and I talked to him there for a while.", {"Ava": (N, N, N), "Leo": (T, N, T)}),
    # seen alone said other ways
    ("I asked Mum to give me some time with Leo on his own.", {"Ava": (N, N, N), "Leo": (T, T, N)}),
    # the child named in the phrase, not everyone "them" means
    ("I asked them to give me some time with Leo on his own, and they went into the garden.",
     {"Ava": (N, N, N), "Leo": (T, T, N)}),
    # ("in there", "in her room" with "we": the room itself is not taken as seen; the next sentence
    # describing it says so)
    ("Ava was in her room and I spent ten minutes with her in there on her own.", {"Ava": (T, T, N), "Leo": (N, N, N)}),
    ("I go upstairs with Ava and we talk on our own in her room.", {"Ava": (T, T, N), "Leo": (N, N, N)}),
    ("I took Leo to the park so that we could chat on our own.", {"Ava": (N, N, N), "Leo": (T, T, N)}),
    # too shy without a parent is not alone
    ("Leo is too shy to be seen without his mum, so he stays on Sarah's knee.", {"Ava": (N, N, N), "Leo": (T, F, N)}),
    # an earlier visit is not this one
    ("Leo was at school. Dad's health has got worse since I last saw him.", {"Ava": (N, N, N), "Leo": (F, N, N)}),
    ("Ava was at school. Mum has lost weight since I saw her last.", {"Ava": (F, N, N), "Leo": (N, N, N)}),
    # "out of" something is not away
    ("Leo is out of school at the moment because of his behaviour.", {"Ava": (N, N, N), "Leo": (N, N, N)}),
    ("Leo was out with friends and was not seen.", {"Ava": (N, N, N), "Leo": (F, N, N)}),
])
def test_seen_alone_and_rooms_said_other_ways(draft_text, text, expected):
    assert fields(draft_text(TWO + text)) == expected


def test_a_child_away_does_not_share_the_households_room(draft_text):
    note = draft_text(TWO + "Leo is staying with his nan this week and I did not see him. "
                            "The family have one room between them at the refuge, which I saw.")
    assert fields(note) == {"Ava": (N, N, T), "Leo": (F, N, N)}


@pytest.mark.parametrize("sentence", [
    "Leo stayed downstairs with his mum the whole time and I didn't get up to his room.",
    "Ava was playing in her room and I spent ten minutes with her in there on her own.",
    # not in any note
    "Leo remained with Sarah in the kitchen while we talked.",
])
def test_a_sentence_about_who_was_seen_is_present(draft_text, sentence):
    note = draft_text(TWO + sentence + " Ava said she likes her school.")
    assert next(s.key for s in note.sections for x in s.sentences if x.text == sentence) == "present"


def test_a_room_seen_and_described_stays_an_observation(draft_text):
    sentence = "I saw the children's bedroom, which they share, and it was clean with two beds made up."
    note = draft_text(TWO + sentence + " Ava said she likes her school.")
    assert next(s.key for s in note.sections for x in s.sentences if x.text == sentence) == "observations"
