"""Round 4 of the factor rules (factors.py, subjects.py, factor_children.py, data/factors):
whose concern a word is when a parent is named beside his own mother, a word that
describes a person ('two intoxicated adults'), drinking and drug words of clipped
dictation ('a few cans to cope', 'ket'), 'joint' work that is not a joint, and a child's
factor said of children joined as one subject."""

from __future__ import annotations


def by_code(note) -> dict[str, list[str]]:
    return {s.code: s.children for s in note.factor_suggestions}


def test_a_parents_mother_named_after_him_is_a_grandparent(draft_text):
    note = draft_text("Mark was home with Jake, 13, Lily, 11, and Nan, Mark's mum, who has lived with them since "
                      "her stroke and is in a wheelchair now. Mark said he only has a few cans to cope with "
                      "looking after his mum and the kids on his own.")
    got = by_code(note)
    assert got.get("6C") == ["Jake", "Lily"] and "6B" not in got
    assert got.get("1B") == ["Jake", "Lily"]
    assert "7A" not in got


def test_a_word_that_describes_adults_is_theirs_and_children_joined_are_both(draft_text):
    note = draft_text("Out of hours visit to Bella, 2, and the baby, 4 months, at home with mum Jodie and her "
                      "boyfriend Scott, who lives there. Scott said he'd had some ket earlier. "
                      "Bella and the baby were being neglected tonight by two intoxicated adults.")
    got = by_code(note)
    assert "1A" not in got
    assert got.get("16A") == ["Bella", "the baby"]
    assert got.get("2C") == ["Bella", "the baby"]


def test_joint_work_is_not_a_joint(draft_text):
    note = draft_text("Joint child in need visit with the health visitor to see Alfie, who is 2. Mum Jade was "
                      "at home. The flat was clean and Alfie was playing happily.")
    assert not any(code.startswith("2") for code in by_code(note))
