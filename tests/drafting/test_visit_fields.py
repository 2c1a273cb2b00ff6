"""The statutory visit fields: seen, seen alone, bedroom seen (or null when not said),
who was present with their roles, the type of contact."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text,seen,alone,bedroom", [
    ("Home visit. Kayden, 7, was seen alone in his bedroom.", True, True, True),
    ("Home visit. Kayden, 7, was not seen alone because he was upset, and I did not see his bedroom.",
     True, False, False),
    # seen with a parent is not seen alone (tests/devset/README.md: "with mum" = false)
    ("Home visit. I did not see her bedroom. Mia, 4, was seen with mum in the lounge.", True, False, False),
    ("Home visit to mum. Kayden was at school so he was not seen today.", False, None, None),
    ("Home visit to mum to talk about the housing application.", None, None, None),
    ("I spoke to Ruby, 14, on her own in the kitchen; she did not want me to go up to her bedroom.",
     True, True, False),
])
def test_seen_alone_and_bedroom(draft_text, text, seen, alone, bedroom):
    visit = draft_text(text).visit
    assert (visit.child_seen, visit.child_seen_alone, visit.bedroom_seen) == (seen, alone, bedroom)


def test_a_parent_on_their_own_is_not_the_child_seen_alone(draft_text):
    visit = draft_text("Kayden was at school. Mum was on her own.").visit
    assert visit.child_seen_alone is None


@pytest.mark.parametrize("text,contact,announced", [
    ("Unannounced statutory child protection visit to Evie.", "child protection visit", False),
    ("Announced child in need visit to Lily and Alfie.", "child in need visit", True),
    ("Section 47 visit following a referral from school.", "section 47 visit", None),
    ("Return home interview with Jade after she went missing.", "return home interview", None),
    ("Home visit to see Kayden.", "home visit", None),
    ("Statutory visit to Harvey, 11.", "statutory visit", None),
    ("I visited Poppy, 8, at home.", "home visit", None),
    ("Kayden is doing well at school.", None, None),
])
def test_contact_type(draft_text, text, contact, announced):
    visit = draft_text(text).visit
    assert (visit.contact_type, visit.announced) == (contact, announced)


def test_people_present_with_roles(draft_text):
    text = ("Child in need visit to Lily, 9, and Alfie, 4. Present: mum Sarah, Lily and Alfie. "
            "Mum's partner Jason was not at home. Nan was also there.")
    people = {(p.name, p.role) for p in draft_text(text).visit.people_present}
    assert people == {("Sarah", "mother"), ("Lily", "child"), ("Alfie", "child"), (None, "grandparent")}


def test_the_children_are_the_named_children(draft_text):
    text = "Home visit to Riley, 8, and Skye, 6. Dad Wayne and both children were at home."
    people = {(p.name, p.role) for p in draft_text(text).visit.people_present}
    assert people == {("Wayne", "father"), ("Riley", "child"), ("Skye", "child")}


def test_professional_at_the_visit_but_not_one_on_the_phone(draft_text):
    text = ("I visited Kayden, 7, with PC Evans. Yonas, 16, was seen alone with an interpreter on the phone "
            "and a key worker was also there.")
    people = {(p.name, p.role) for p in draft_text(text).visit.people_present}
    assert ("PC Evans", "professional") in people
    assert (None, "professional") in people  # the key worker
    assert ("Yonas", "child") in people


@pytest.mark.parametrize("text,contact", [
    ("Home visit on Monday 12 May at 3.30 pm to see Lily (7) and Jack (5) at home with their mum Gemma, "
     "as part of the child in need plan.", "child in need visit"),
    ("Worker visited the family on 12 March to see Charlie, 11, and Freya, 9, as part of their child protection "
     "plan.", "child protection visit"),
    ("Home visit, Monday 17 March, 10.30 am, child protection, unannounced.", "child protection visit"),
    ("Joint visit with a police officer on Sunday at 7 pm. A return home interview will be offered to Demi, 14.",
     None),  # a plan for later is not this visit's type
])
def test_contact_type_said_in_other_ways(draft_text, text, contact):
    assert draft_text(text).visit.contact_type == contact


def test_who_was_present_in_harder_sentences(draft_text):
    note = draft_text("Joint visit with a police officer on Sunday at 7 pm to Demi, 14. "
                      "Ruby, Demi and their mum Hayley were present, and dad Jason has been bailed to his "
                      "brother's address. Also present, mum's partner Jamie and his mum, the children's nan Carol. "
                      "I saw Demi's bedroom and the room Ruby shares with her uncle Brad when he stays over.")
    present = {(p.name, p.role) for p in note.visit.people_present}
    assert (None, "professional") in present  # the officer the visit was made with
    assert not any(name in ("Jason", "Brad") for name, _ in present)  # bailed elsewhere; named in a room's words
    assert ("Carol", "grandparent") in present and (None, "mother") not in present
