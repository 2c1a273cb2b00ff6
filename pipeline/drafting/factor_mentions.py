"""The mentions of factor terms that ``factors.py`` finds, and the passes that read them against
each other and the people of the note before they are combined into codes: a supporting term
joins its family's mention, one named adult's term stands for each kind of household adult,
the one someone does it with does it too, a named person of no said role is most likely the
parent, and an unnamed kind gives way to a named one of the same person."""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Span

from models.draft import Subject
from pipeline.drafting.children import Children
from pipeline.drafting.factor_rules import CompiledFamily
from pipeline.drafting.people import HOUSEHOLD_ADULTS, People, PersonRef

UNRESOLVED_FACTOR = 0.75  # the note does not say whose concern it is: the letter is a guess

SUBJECT_OF_KIND = {"child": Subject.child, "parent_carer": Subject.parent_carer,
                    "household_member": Subject.household_member, "another_child": Subject.another_child,
                    "adult": Subject.adult}

@dataclass
class Mention:
    family: CompiledFamily
    code: str | None  # None: the letter is not known yet
    weight: float
    sentence: int
    term: int
    subject: Subject
    span: Span | None = None
    about: PersonRef | None = None  # whose record it concerns: the owner, or the one hurt
    support: bool = False  # a supporting term not yet given its family's mention (resolve_support)

def companion(mention: Mention, people: People) -> list[Mention]:
    """'He smokes weed with Reece most evenings': the adult someone does it with does it too
    (an adult's letter only: 'Dad smokes with the kids' is not the children's own use)."""
    if mention.family.rules.letter_by != "owner" or mention.span is None or mention.about is None:
        return []
    verb = mention.span.root
    verb = verb.head if verb.dep_ == "dobj" else verb  # "smokes weed with Reece"
    if not verb.tag_.startswith("VB"):
        return []
    preps = [c for t in {verb, mention.span.root} for c in t.children if c.dep_ == "prep" and c.lower_ == "with"]
    for prep in preps:
        objects = [c for c in prep.children if c.dep_ == "pobj"]
        # "with Reece most evenings" parsed as one noun phrase: Reece hangs off 'evenings'
        for obj in objects + [g for o in objects for g in o.children if g.dep_ in ("nmod", "compound")]:
            ref = people.ref(obj)
            if ref is None or ref.likely_child or ref.key == mention.about.key:
                continue
            code = mention.family.rules.codes.get(ref.kind)
            if code is not None:
                return [replace(mention, code=code, about=ref, subject=SUBJECT_OF_KIND.get(ref.kind, Subject.none))]
    return []


def without_yielded(mentions: list[Mention]) -> list[Mention]:
    """A word that names no kind ("his disability") is not another factor of a person the
    note gives a factor of a kind it may mean (a learning disability): that one is meant."""
    owners = {(m.family.rules.family, m.about.key) for m in mentions if m.about is not None}
    return [m for m in mentions if m.about is None or
            not any((family, m.about.key) in owners for family in m.family.terms[m.term].yields_to)]


def adults_of_unsaid_role(mentions: list[Mention], children: Children) -> list[Mention]:
    """A named person the note gives no role and does not speak of as a child of the visit
    ("Gemma said she has been having panic attacks"): in a home visit most often the parent
    the visit is to, so the parent's letter, weighted as a guess."""
    for mention in mentions:
        about = mention.about
        if mention.code is not None or about is None or about.kind != "unknown" or not about.name:
            continue
        code = mention.family.rules.codes.get("parent_carer")
        if code is not None and not children.of_ref(about):
            mention.code, mention.subject = code, Subject.parent_carer
            mention.weight *= UNRESOLVED_FACTOR
    return mentions


def resolve_support(mentions: list[Mention]) -> list[Mention]:
    """A supporting term ('because her mum cannot') counts as the mention of its family in
    the same sentence, for the same person; alone it is not evidence."""
    found = []
    for mention in mentions:
        if not mention.support:
            found.append(mention)
            continue
        main = next((m for m in mentions if not m.support and m.sentence == mention.sentence and
                     m.family is mention.family and m.code is not None), None)
        if main is not None:
            found.append(replace(mention, code=main.code, subject=main.subject, about=main.about, support=False))
    return found


def each_household_adult(mention: Mention, people: People) -> list[Mention]:
    """'cannabis use by both adults': one mention for each kind of household adult the note
    names (the parents and carers: B; a parent's partner, grandparent...: C)."""
    about = mention.about
    if about is None or about.role != HOUSEHOLD_ADULTS or mention.family.rules.letter_by != "owner":
        return [mention]
    codes = mention.family.rules.codes
    found = []
    for kind in people.household_adult_kinds() or ["parent_carer"]:
        if kind in codes:
            found.append(replace(mention, code=codes[kind], subject=SUBJECT_OF_KIND[kind]))
    return found
