"""Whether a sentence says a child was with an adult during the visit, which says they
were seen and not seen alone: "I saw Chloe on her own and Ellie with mum", "Jenson stayed
with his mum", "Hamza and Amina stayed with their mum", "Archie, 2, and the baby seen with
Mum", "Daisy was in the living room with Stacey the whole time" (``child_fields.py`` adds
the statements)."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from pipeline.drafting.children import Children
from pipeline.drafting.people import People

_STAYED = {"stayed", "stays", "remained", "sat", "was", "were", "stuck"}
_STAYED_DURING = {"stayed", "remained", "sat", "stuck"}  # said of the visit itself, not "was with dad"
_ADULT_KINDS = ("parent_carer", "household_member", "adult")


def named_with_adult(span: Span, people: People, children: Children, *, stayed_only: bool = False) -> list[Token]:
    """'I saw Chloe on her own and Ellie with mum': a child named just before 'with' an adult
    (``stayed_only``: 'Jenson stayed with his mum', 'Kai stayed downstairs with his mum')."""
    doc, found = span.doc, []
    for token in span[:-2]:
        at = token.i + 1
        if at < span.end - 1 and doc[at].lower_ in (_STAYED_DURING if stayed_only else _STAYED):
            at += 1  # "and Mollie stayed with mum"
            while stayed_only and at < span.end - 1 and at - token.i <= 3 and doc[at].tag_.startswith("RB"):
                at += 1  # "stayed downstairs with", "stayed close by with"
        elif stayed_only:
            continue
        named = token.i in people.name_of or children.in_group(token) and not children.in_group(doc[at])
        if named and doc[at].lower_ == "with" and at + 1 < span.end:  # "... and the youngest stayed with mum"
            nxt = doc[at + 1]
            if nxt.lower_ in ("his", "her", "their") and at + 2 < span.end:
                nxt = doc[at + 2]
            ref = people.ref(nxt)
            adult = ref is not None and (ref.kind in _ADULT_KINDS and not ref.is_child
                                         or ref.kind == "unknown" and ref.name and ref.age is None)
            if adult:  # "Maisie stayed with Stacey": a bare name with no age beside a child's is an adult's
                found.append(token)
                found += _listed_before(span, people, children, token)
    return found


def _listed_before(span: Span, people: People, children: Children, token: Token) -> list[Token]:
    """'Hamza and Amina stayed with their mum': the names listed just before, however the
    parse joins them."""
    doc, found, j = span.doc, [], token.i - 1
    while j - 1 >= span.start and doc[j].lower_ in (",", "and") and \
            (j - 1 in people.name_of or children.in_group(doc[j - 1])):
        found.append(doc[j - 1])
        j -= 2
    return found


def listed_then_seen_with_adult(span: Span, people: People, children: Children) -> list[int]:
    """'Archie, 2, and the baby, 3 weeks, seen with Mum', 'Both little ones seen with Mum':
    a clipped sentence that names the children first, then 'seen with' an adult."""
    doc, found = span.doc, []
    for token in span[:-2]:
        if token.lower_ != "seen" or doc[token.i + 1].lower_ != "with" or \
                any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in token.children):
            continue
        nxt = doc[token.i + 2]
        if nxt.lower_ in ("his", "her", "their") and token.i + 3 < span.end:
            nxt = doc[token.i + 3]
        ref = people.ref(nxt)
        if ref is not None and ref.kind in _ADULT_KINDS and not ref.is_child:
            found += children.mentioned_in(doc[span.start:token.i], named_only=True)
    return list(dict.fromkeys(found))


def with_adult_all_visit(span: Span, people: People, children: Children, whole_visit: re.Pattern,
                         away: re.Pattern) -> list[Token]:
    """'Daisy was in the living room with Stacey the whole time', 'the twins were with their
    dad throughout', 'Kai stayed in the lounge with his mum the whole time': a child the
    subject of 'was' or 'stayed' with a parent or carer all through the
    visit (``whole_visit``; without it, 'was with dad' may be any time). Not a child away
    ("was out with his dad the whole time": ``away``)."""
    if not people.parsed or not whole_visit.search(span.text) or away.search(span.text):
        return []
    found = []
    for verb in span:
        if verb.lower_ not in ("was", "were") and verb.lower_ not in _STAYED_DURING or verb.dep_ == "aux":
            continue
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and (
            c.i in people.name_of or children.in_group(c) or c.i in people.roles)]
        places = [verb] + [g for p in verb.children if p.dep_ == "prep" for g in p.children if g.dep_ == "pobj"]
        company = [g for holder in places for p in holder.children if p.dep_ == "prep" and p.lower_ == "with"
                   for g in p.children if g.dep_ == "pobj"]
        if subjects and any(_adult(g, people) for g in company):
            found += subjects
    return found


def _adult(token: Token, people: People) -> bool:
    ref = people.ref(token)
    return ref is not None and ref.kind in _ADULT_KINDS and not ref.is_child
