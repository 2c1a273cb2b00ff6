"""Whose room a bedroom phrase speaks of (``phrase_about.py``): its owner ("his room",
"Phoebe's and Harley's bedrooms", "his or Sam's room"), who shares or sleeps in it ("the room
Kyle shares", "the bedroom shared by Aaliyah and Kenzo", "The children sleep on a mattress in
nan's bedroom", "Alfie has the box room"), and where a baby's cot is ("Noor's cot is in
Jamal's room": that room is where Noor sleeps).

Who is named as sharing a room decides over a word for several children: "the children's
bedroom, which Amira and Idris share" and "the boys' room, Connor and Harvey share" are
theirs, not every child's nor every child who might be a boy."""

from __future__ import annotations

from typing import Protocol

from spacy.tokens import Span, Token

from pipeline.drafting.children import Children
from pipeline.drafting.people import People


class PhraseAbout(Protocol):
    """What of ``phrase_about.PhraseAbout`` the owners are read with (no import: it imports this)."""

    span: Span
    people: People
    children: Children

    def children_of(self, tokens: list[Token]) -> list[int]: ...

SLEEP = {"sleep", "sleeps", "slept", "sleeping", "share", "shares", "shared", "sharing", "stay", "stays", "stayed",
         "staying"}
_SHARE = {"share", "shares", "shared", "sharing", "sleep", "sleeps", "slept"}
_HAVING = {"has", "have", "had", "got"}  # "Alfie has the box room"
_BEING = {"is", "are", "was", "were", "'s", "’s"}  # "Noor's cot is in Jamal's room"
_SLEEPING_PLACES = {"cot", "cots", "crib", "cribs", "basket", "baskets", "bassinet", "bassinets"}
_POSSESSIVE_PRONOUNS = {"his", "her", "their"}


def owners_of(who: PhraseAbout, room: Token) -> list[int]:
    cot_owners = _cot_in(who, room)
    if cot_owners:  # "Noor's cot is in Jamal's room", "her cot's in their room": where she sleeps
        return cot_owners
    owners: list[int] = []
    group_owned = False
    for child in room.children:
        if child.dep_ == "poss":
            owners += who.children_of([child])
            group_owned = group_owned or child.i not in who.people.name_of and child.lower_ not in ("his", "her")
        elif child.dep_ == "relcl" or child.dep_ == "acl" and child.lower_ in SLEEP:
            # "the room Kyle shares with Bradley", "the bedroom shared by Aaliyah and Kenzo"
            sharers = [g for g in child.children if g.dep_ in ("nsubj", "nsubjpass")]
            sharers += [g for p in child.children if p.dep_ in ("prep", "agent") and p.lower_ in ("with", "by")
                        for g in p.children if g.dep_ == "pobj"]
            owners += who.children_of(sharers)
    named_sharers = _sharers_named_after(who, room)
    if named_sharers and (group_owned or not owners):
        return named_sharers  # "the boys' room, Connor and Harvey share": Connor's and Harvey's
    owners += listed_possessors(who, room)
    if not owners and room.dep_ == "pobj" and room.head.lower_ in ("in", "on"):
        verb = room.head
        for _ in range(4):  # "The children sleep on a mattress in nan's bedroom"
            verb = verb.head
            if verb.tag_.startswith("VB") or verb.head.i == verb.i:
                break
        if verb.lower_ in SLEEP:
            owners += who.children_of([c for c in verb.children if c.dep_ == "nsubj"])
    if not owners and room.dep_ == "dobj" and room.head.lower_ in SLEEP | _HAVING:
        # "The children share a room", "Alfie has the box room"
        owners += who.children_of([c for c in room.head.children if c.dep_ == "nsubj"])
    if not owners and any(c.dep_ == "det" and c.lower_ in ("that", "this") for c in room.children):
        owners += _sleeper_before(who, room)  # "Yusuf sleeps in with mum and that room was not seen"
    if owners:
        owners += _shared_with_after(who, room, owners)
    return list(dict.fromkeys(owners))


def _shared_with_after(who: PhraseAbout, room: Token, owners: list[int]) -> list[int]:
    """'Mia's room, she shares it with Ella', 'his bedroom, new bunk beds he shares with Osian':
    the child the owner is then said to share with (named, never by a pronoun)."""
    doc = room.doc
    for t in doc[room.i + 1:min(room.sent.end, room.i + 14)]:
        if t.lower_ in (";", "but", "although", "whereas"):
            return []
        subjects = [c for c in t.children if c.dep_ == "nsubj"]
        if t.lower_ in ("share", "shares", "shared") and subjects and all(
                s.lower_ in ("he", "she", "they") or set(who.children_of([s])) <= set(owners) for s in subjects):
            named = [g for p in t.children if p.dep_ == "prep" and p.lower_ == "with" for g in p.children
                     if g.dep_ == "pobj" and g.i in who.people.name_of]
            return [i for i in who.children_of(named) if i not in owners]
    return []


def _cot_in(who: PhraseAbout, room: Token) -> list[int]:
    """The owner of the cot said to be in this room ('Noor's cot is in Jamal's room')."""
    if room.dep_ != "pobj" or room.head.lower_ != "in" or room.head.head.lower_ not in _BEING:
        return []
    cots = [c for c in room.head.head.children if c.dep_ == "nsubj" and c.lower_ in _SLEEPING_PLACES]
    return who.children_of([c for cot in cots for c in cot.children if c.dep_ == "poss"])


def _sharers_named_after(who: PhraseAbout, room: Token) -> list[int]:
    """'the children's bedroom, which Amira and Idris share', 'the boys' room downstairs,
    Connor and Harvey share', 'the room Maya and Ollie share', 'the bedroom River shares with
    Summer': the children named just after the room, before a verb of sharing ("his room, and
    Mollie stayed with mum" names no sharer)."""
    doc = room.doc
    end = min(len(doc), room.i + 9)
    at = room.i + 1
    while at < end and doc[at].lower_ in (",", "which", "that", "downstairs", "upstairs", "too", "also"):
        at += 1
    verb = next((t for t in doc[at:end] if t.lower_ in _SHARE), None)
    if verb is None or at >= verb.i or not all(t.i in who.people.name_of or t.lower_ in ("and", ",")
                                               for t in doc[at:verb.i]):
        return []  # "the bedroom she shares with Isla": not only Isla's; "the girls sharing": as the group says
    until = verb.i + 3 if verb.i + 2 < len(doc) and verb.nbor(1).lower_ == "with" else verb.i
    named = who.children.mentions(doc[at:until], named_only=True)
    return list(dict.fromkeys(i for _, kids in named for i in kids))


def _sleeper_before(who: PhraseAbout, room: Token) -> list[int]:
    """The child said to sleep somewhere earlier in the sentence ('Yusuf sleeps in with mum and
    that room was not seen'), when there is one."""
    sentence = room.sent
    sleepers = [c for t in room.doc[sentence.start:room.i] if t.lower_ in SLEEP and t.tag_.startswith("VB")
                for c in t.children if c.dep_ == "nsubj"]
    found = who.children_of(sleepers)
    return found if len(found) == 1 else []


def listed_possessors(who: PhraseAbout, room: Token) -> list[int]:
    """'Phoebe's and Harley's bedrooms', 'his or Sam's room': every owner listed before the
    room, however the parse joins them (it may make the first the subject)."""
    doc, owners, j, start = room.doc, [], room.i - 1, who.span.start
    while j > start and doc[j].tag_ in ("JJ", "VBN") and doc[j].lower_ not in ("'s", "’s", "'"):
        j -= 1  # "the girls' shared bedroom"
    while j - 1 >= start and doc[j].lower_ in ("'s", "’s", "'"):
        owners += [i for i in who.children.meant_by(doc[j - 1]) if i not in owners]
        j -= 2
        if j - 1 >= start and doc[j].lower_ in ("and", "or", ","):
            j -= 1
            if doc[j].lower_ in _POSSESSIVE_PRONOUNS:  # "his or Sam's room"
                owners += [i for i in who.children_of([doc[j]]) if i not in owners]
                break
        else:
            break
    return owners
