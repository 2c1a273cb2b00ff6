"""Seen / seen alone / bedroom seen per child, round 9, each on phrasings of my own: the guards
first (a form's label followed by the worker's own clause, a room named as a group's but said
to be shared by some of them, a cot in a parent's room, a self-correction that moves an answer
to another child), then fillers the phrases read past, rooms said in other orders ("Jake's room
I didn't see", "..., I had a look at it", "wouldn't let me in his", "that room" after where a
child sleeps) and not being alone said in other ways ("would only speak to me with her dad
there", "wouldn't leave his gran's side", "didn't want to come anywhere with me")."""

from __future__ import annotations

import pytest

from tests.drafting.visit_views import fields

T, F, N = True, False, None
BOYS = "Home visit to Karen and her sons Jake, 10, and Ollie, 8, and her daughter Ellie, 6. "
GIRLS = "Visit to dad Mark and his daughters Poppy, 12, and Ellie, 7, and his son Kian, 4. "


def _fields(draft_text, text: str) -> dict[str, tuple]:
    return fields(draft_text(text))


def _some(draft_text, text: str, expected: dict, *, field: int) -> dict:
    """One field (0 seen, 1 seen alone, 2 bedroom seen) of the children in ``expected``."""
    return {k: v[field] for k, v in _fields(draft_text, text).items() if k in expected}


@pytest.mark.parametrize("text,expected", [
    # a form's label, then the worker says what they saw: the clause decides, its 'not' is Ellie's
    (BOYS + "Rooms, um, we saw the boys' room, Jake and Ollie share, but not, um, Ellie's.",
     {"Jake": T, "Ollie": T, "Ellie": F}),
    # the kids' room is said to be Jake's and Ollie's: not Ellie's
    (BOYS + "I saw the kids' bedroom, which Jake and Ollie share, but Ellie's bed is in her mum's room.",
     {"Jake": T, "Ollie": T, "Ellie": N}),
    # a cot in a parent's room that was not seen: the baby's bedroom not seen
    ("Visit to Tanya, her son Reuben, 9, and baby Mila, 4 months. I was shown Reuben's room, but Mila's cot is "
     "in Tanya's room, which I did not go into.", {"Reuben": T, "Mila": F}),
])
def test_rooms_said_as_some_childrens_only(draft_text, text, expected):
    assert _some(draft_text, text, expected, field=2) == expected


@pytest.mark.parametrize("text,expected", [
    (GIRLS + "I spoke to Poppy on her own, sorry, I mean Ellie.", {"Poppy": N, "Ellie": T}),
    (BOYS + "We had Jake by himself in the, erm, the garden, no sorry, I mean Ollie not Jake, Jake sat in the "
     "kitchen with his mum the whole time.", {"Jake": F, "Ollie": T}),
    # a correction that names two children says nothing of either
    (BOYS + "I saw Jake on his own, sorry, I mean Ollie and Ellie.",
     {"Jake": N, "Ollie": N, "Ellie": N}),
    # a filler before the correction: only the word before it is taken back
    (BOYS + "I saw Ollie, um, on his own, with, erm, no, on his own in the garden.", {"Ollie": T}),
])
def test_a_self_correction_moves_the_answer_to_the_child_meant(draft_text, text, expected):
    assert _some(draft_text, text, expected, field=1) == expected


@pytest.mark.parametrize("text,expected", [
    (BOYS + "We didn't, um, see Ollie's room.", {"Ollie": F, "Jake": N}),
    (GIRLS + "Poppy's room, well, she shares it with her nan, I didn't, erm, get in there.",
     {"Poppy": F, "Ellie": N}),
    (BOYS + "Jake's bedroom I didn't see, he'd locked it.", {"Jake": F, "Ollie": N}),
    (GIRLS + "Poppy and Ellie share the back bedroom, I had a look at it.",
     {"Poppy": T, "Ellie": T, "Kian": N}),
    (BOYS + "Ollie's bedroom was seen, Jake wouldn't let me in his.", {"Ollie": T, "Jake": F}),
    (GIRLS + "Poppy was in her room, which she showed me proudly.", {"Poppy": T, "Ellie": N}),
    (GIRLS + "Kian sleeps in with his dad and that room wasn't seen.", {"Kian": F, "Poppy": N}),
    (BOYS + "I chatted with Ellie in the garden, just me and her, and then she showed me her room.", {"Ellie": T}),
    # a room seen, then who its owner shares it with: theirs too (named only)
    (GIRLS + "I saw Poppy's room, she shares it with Ellie.", {"Poppy": T, "Ellie": T, "Kian": N}),
    (BOYS + "Jake showed me his bedroom, which has bunk beds he shares with Ollie.", {"Jake": T, "Ollie": T, "Ellie": N}),
    (BOYS + "I saw Jake's room, he shares it with his cousin sometimes, but not Ollie's.", {"Jake": T, "Ollie": F}),
    (BOYS + "Jake was seen on his own at the park, and we didn't see his or Ellie's room.",
     {"Jake": F, "Ellie": F}),
])
def test_rooms_in_other_orders_and_with_fillers(draft_text, text, expected):
    assert _some(draft_text, text, expected, field=2) == expected


@pytest.mark.parametrize("text,expected", [
    (GIRLS + "Number 3, Ellie would only speak to me with her dad there.", {"Ellie": F}),
    (GIRLS + "Kian wouldn't leave his dad's side all afternoon.", {"Kian": F}),
    (GIRLS + "I saw Poppy alone in the garden, and Ellie was watching telly in the lounge and didn't want to come "
     "anywhere with me.", {"Poppy": T, "Ellie": F}),
    (BOYS + "Ollie wouldn't go anywhere without Karen, so that was that.", {"Ollie": F}),
    (BOYS + "Jake said he'd rather stay with his mum, which was fine.", {"Jake": F}),
    # said but then undone: not said
    (BOYS + "Jake said he'd rather stay with his mum, but then he came out to the car with me.", {"Jake": N}),
    (BOYS + "Ollie stayed in the dining room with Karen the whole time.", {"Ollie": F}),
    (GIRLS + "I talked to Poppy in the kitchen, just the two of us.", {"Poppy": T}),
    (BOYS + "Had a quick chat with Ellie out the back, just me and her.", {"Ellie": T}),
    # "just me and her mum" is not alone with the child
    (BOYS + "I had a chat with Ellie in the kitchen, just me and her mum.", {"Ellie": N}),
])
def test_not_alone_and_alone_said_in_other_ways(draft_text, text, expected):
    assert _some(draft_text, text, expected, field=1) == expected
