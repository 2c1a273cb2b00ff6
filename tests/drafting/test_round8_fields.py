"""Seen / seen alone / bedroom seen per child, round 8, each on phrasings of my own: a child
called by their place among the children ("the middle one", "her middle one") or by "the
boy" / "the girl" when only one child can be that; a child out ("wasn't in", "had gone
out"); too wee to be seen alone; on an adult's knee or lap; the worker having a child on
their own ("I'd Reece on his own", "twenty minutes on my own with Esme"); and the guards: a
pronoun is not given to a child the note calls by the other gender, nor to a child it never
named in the sentence after naming others. Also a child who only tells of another's factor
("the eldest said her brother ...") is not given that factor."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import fields

T, F, N = True, False, None
THREE = "Visit to Tanya and her three, Ben, 14, Lily, 11, and Alfie, 5. "
TWO = "Visit to Tanya and her children Reece, 13, and Esme, 8. "


def _fields(draft_text, text: str) -> dict[str, tuple]:
    return fields(draft_text(text))


@pytest.mark.parametrize("text,expected", [
    (THREE + "I spoke to the middle one on her own in the garden.", {"Lily": (T, T, N), "Ben": (N, N, N)}),
    (THREE + "I saw her middle one alone in the garden.", {"Lily": (T, T, N), "Alfie": (N, N, N)}),
    (THREE + "The middle one stayed with Tanya the whole time, and Ben showed me his room.",
     {"Lily": (T, F, N), "Ben": (T, N, T)}),
    # four children have no one middle child: nobody
    ("Visit to Tanya and her four, Ben, 14, Lily, 11, Alfie, 5, and Grace, 3. I spoke to the middle one on her "
     "own in the garden.", {"Ben": (N, N, N), "Lily": (N, N, N), "Alfie": (N, N, N), "Grace": (N, N, N)}),
])
def test_the_middle_one_is_the_middle_of_three_by_age(draft_text, text, expected):
    assert {k: v for k, v in _fields(draft_text, text).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    ("Home visit to Kara, 10, and her brother Finn, 6. Mum Jo was in. The girl was seen by herself in the kitchen.",
     {"Kara": (T, T, N), "Finn": (N, N, N)}),
    ("Visit to dad Rob and his children Tom, 3, and his sister Maisie, 9. I saw the boy with Rob in the lounge.",
     {"Tom": (T, F, N), "Maisie": (N, N, N)}),
    # two children either of whom may be the girl: nobody
    ("Home visit to Jo, 9, and Sam, 7. Dad Lee was in. The girl was seen by herself in the kitchen.",
     {"Jo": (N, N, N), "Sam": (N, N, N)}),
])
def test_the_boy_or_the_girl_is_the_one_child_who_can_be(draft_text, text, expected):
    assert _fields(draft_text, text) == expected


@pytest.mark.parametrize("text,expected", [
    # "The boy ..., he" is not the baby the note calls "her" later
    ("Home visit to the Hart family: Isla, 7, Noah, 4, and baby Freya, 5 months. Grandad Pete was in. The boy was "
     "seen with Pete in the yard, he would not come in to talk to me by himself. Freya was asleep in her Moses "
     "basket and I saw her there.", {"Freya": (T, N, T)}),
])
def test_a_pronoun_goes_only_to_a_child_it_can_mean(draft_text, text, expected):
    assert {k: v for k, v in _fields(draft_text, text).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    ("Visit to Tanya and her children Kai, 13, and Esme, 8. Kai wasn't in when I got there. I saw Esme in the lounge.",
     {"Kai": (F, N, N), "Esme": (T, N, N)}),
    ("Visit to Tanya and her children Kai, 13, and Esme, 8. Tanya said Kai had gone out with his mates after tea.",
     {"Kai": (F, N, N), "Esme": (N, N, N)}),
    ("Visit to Sue and her two, Jade, 16, and Toby, 7. Jade had popped out to the shop and wasn't back before I went. "
     "Toby was seen.", {"Jade": (F, N, N), "Toby": (T, N, N)}),
    # not "in" the visit's sense: a mood (seen with his sister: not alone)
    ("Visit to Tanya and her children Kai, 13, and Esme, 8. Kai wasn't in the mood to chat, but I saw him in the "
     "lounge with Esme.", {"Kai": (T, F, N), "Esme": (T, N, N)}),
])
def test_a_child_out_was_not_seen(draft_text, text, expected):
    assert _fields(draft_text, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Visit to Tanya and her children Kai, 13, and baby Rio, 10 months. Rio was far too tiny to be seen on his own. "
     "Kai was seen alone.", {"Kai": (T, T, N), "Rio": (N, F, N)}),
    ("Visit to Ailsa and the weans, Callum, 12, and wee Mhairi, 2. Mhairi's too wee to be spoken to on her own.",
     {"Mhairi": (N, F, N)}),
    ("Visit to Nan Carol and her grandchildren Mya, 6, and Leon, 9. Mya was on her nan's lap for the whole visit.",
     {"Mya": (T, F, N), "Leon": (N, N, N)}),
    ("Visit to Nan Carol and her grandchildren Mya, 6, and Leon, 9. Leon was sat on Carol's knee when I arrived "
     "and stayed there.", {"Leon": (T, F, N), "Mya": (N, N, N)}),
    # the knee says Ollie; "him" after Skye and Marcus are named is Marcus, out, not Ollie
    ("Visit to Gemma, her partner Dean and her children Ollie, 2, Skye, 10, and Marcus, 15. Ollie was on Dean's "
     "knee all the time. Skye was upstairs on her laptop, and Marcus was off out on his bike with his mates and "
     "never came back, so I have not seen him.", {"Ollie": (T, F, N), "Marcus": (F, N, N)}),
])
def test_too_wee_or_on_a_knee_is_not_alone(draft_text, text, expected):
    assert {k: v for k, v in _fields(draft_text, text).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    (TWO + "I'd Reece on his own out in the garden for a bit.", {"Reece": (T, T, N), "Esme": (N, N, N)}),
    (TWO + "I had twenty minutes on my own with Esme in the kitchen.", {"Reece": (N, N, N), "Esme": (T, T, N)}),
    (TWO + "We had Esme by herself at the table while mum made tea.", {"Reece": (N, N, N), "Esme": (T, T, N)}),
    (TWO + "Afterwards I was alone with Reece for ten minutes while Tanya took Esme to the shop.",
     {"Reece": (T, T, N)}),
    # said the other way round, or only hoped for: never seen alone
    (TWO + "I didn't get any time on my own with Reece today.", {"Reece": (T, F, N), "Esme": (N, N, N)}),
    (TWO + "I wanted to have Esme on her own but there wasn't time.", {"Reece": (N, N, N), "Esme": (N, N, N)}),
])
def test_the_worker_having_a_child_on_their_own_is_seen_alone(draft_text, text, expected):
    assert {k: v for k, v in _fields(draft_text, text).items() if k in expected} == expected


@pytest.mark.parametrize("text,teller,owner", [
    ("Visit to Gemma and her children Skye, 15, Marcus, 10 and Ollie, 2. The eldest said her brother keeps going "
     "missing. Police have brought Marcus home twice after he went missing.", "Skye", "Marcus"),
    ("Visit to Dawn and her children Amber, 14, Kieran, 9, and Rosie, 4. Amber says her brother has been running "
     "away from home at night. The police found Kieran at the park at 2am after he went missing.", "Amber", "Kieran"),
])
def test_a_child_who_only_tells_of_a_brother_is_not_given_his_factor(draft_text, text, teller, owner):
    codes = {s.code: s.children for s in draft_text(text).factor_suggestions}
    assert codes.get("10A") == [owner], teller


GRANTS = "Home visit to the Grant family: Maya, 12, her brother Ollie, 9, and baby Ruby, 7 months. Dad Kevin was in. "
SISTERS = "Home visit to the Grant family: Maya, 12, her sister Lily, 9, and her brother Ollie, 7. Dad Kevin was in. " \
          "I saw all three. "


@pytest.mark.parametrize("text,expected", [
    # "her" after "the eldest" is the eldest, not the child named last
    (GRANTS + "I saw the eldest on her own in her room.", {"Maya": (T, T, T), "Ruby": (N, N, N)}),
    (GRANTS + "Kevin took me up to see the eldest, who was on her own in her bedroom.",
     {"Maya": (T, T, T), "Ruby": (N, N, N)}),
])
def test_a_pronoun_after_the_eldest_is_the_eldest(draft_text, text, expected):
    assert {k: v for k, v in _fields(draft_text, text).items() if k in expected} == expected


@pytest.mark.parametrize("text,expected", [
    (SISTERS + "Seen alone? The girls yes, Ollie no.", {"Maya": (T, T, N), "Lily": (T, T, N), "Ollie": (T, F, N)}),
    (SISTERS + "Seen alone? The girls no, Ollie yes.", {"Maya": (T, F, N), "Lily": (T, F, N), "Ollie": (T, T, N)}),
    (SISTERS + "Alone? Only Maya.", {"Maya": (T, T, N), "Lily": (T, N, N), "Ollie": (T, N, N)}),
    (SISTERS + "Alone? Just Ollie, the girls were seen together in the lounge.",
     {"Maya": (T, F, N), "Lily": (T, F, N), "Ollie": (T, T, N)}),
    # "only" that names no child answers nothing
    (SISTERS + "Alone? Only briefly, with Kevin in the doorway.", {"Maya": (T, N, N), "Lily": (T, N, N),
                                                                   "Ollie": (T, N, N)}),
])
def test_a_group_or_only_some_children_answer_an_asked_field(draft_text, text, expected):
    assert _fields(draft_text, text) == expected


@pytest.mark.parametrize("text,expected", [
    (GRANTS + "I didn't go upstairs this time.", {"Maya": (N, N, F), "Ollie": (N, N, F), "Ruby": (N, N, F)}),
    (GRANTS + "I had a look round upstairs, all fine.", {"Maya": (N, N, T), "Ollie": (N, N, T), "Ruby": (N, N, T)}),
    # what is said of a child's own room, or a child away, beats it
    (GRANTS + "Ruby's cot is in the lounge and I saw it. We never got up the stairs today as Kevin was in a rush.",
     {"Maya": (N, N, F), "Ollie": (N, N, F), "Ruby": (N, N, T)}),
    (GRANTS.replace("Dad Kevin", "Maya was at her mum's. Dad Kevin") + "I couldn't go upstairs because Kevin said "
     "it was a mess.", {"Maya": (F, N, N), "Ollie": (N, N, F), "Ruby": (N, N, F)}),
    # hedged, or said of someone else: not said
    (GRANTS + "I think I had a look upstairs.", {"Maya": (N, N, N), "Ollie": (N, N, N), "Ruby": (N, N, N)}),
    (GRANTS + "Kevin said Ollie didn't go upstairs all evening.", {"Maya": (N, N, N), "Ollie": (N, N, N),
                                                                   "Ruby": (N, N, N)}),
])
def test_upstairs_is_where_the_bedrooms_are(draft_text, text, expected):
    assert _fields(draft_text, text) == expected


@pytest.mark.parametrize("text,expected", [
    (TWO + "I spoke to Esme in the kitchen with Tanya there the whole time.", {"Esme": (T, F, N)}),
    ("Visit to Siobhan and her wee boy Cian, 6. I talked to Cian in the front room with his mammy beside him.",
     {"Cian": (T, F, N)}),
    # a place with things in it, not people: nothing said of alone
    (TWO + "I spoke to Esme in her bedroom with the door open.", {"Esme": (T, N, N)}),
])
def test_seen_in_a_place_with_a_parent_is_not_alone(draft_text, text, expected):
    assert {k: v for k, v in _fields(draft_text, text).items() if k in expected} == expected


STACEY = "Visit to Stacey and her children Daisy, 4, and Finley, 9. "


@pytest.mark.parametrize("text,expected", [
    (STACEY + "Daisy was in the living room with Stacey the whole time.", {"Daisy": (T, F, N), "Finley": (N, N, N)}),
    (STACEY + "The children were with their dad in the garden throughout.", {"Daisy": (T, F, N), "Finley": (T, F, N)}),
    (STACEY + "Finley was at the table with his mum all the time I was there.", {"Daisy": (N, N, N),
                                                                                 "Finley": (T, F, N)}),
    # a child out the whole time was not seen at all
    (STACEY + "Finley was out with his friends the whole time.", {"Daisy": (N, N, N), "Finley": (F, N, N)}),
])
def test_with_a_parent_all_through_the_visit_is_seen_not_alone(draft_text, text, expected):
    assert _fields(draft_text, text) == expected
