"""Who a factor mention is about, read off the people of its sentence (helpers of ``factors.py``)."""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.subjects import doer_of, doer_token, person_of, teller_of

PARTNER_FROM_AGE = 13  # the youngest age at which a child's own partner's abuse (3A) is read
_OUTSIDERS = {"another_child", "adult"}  # a friend, a mate, a neighbour, a stranger: not of the household


def only_child_named(sentence: Span, people: People) -> PersonRef | None:
    """The one child a sentence names, when it names exactly one (by name)."""
    found = {ref.key: ref for t in sentence if t.i in people.name_of
             for ref in [people.ref(t)] if ref is not None and ref.is_child}
    return next(iter(found.values())) if len(found) == 1 else None


def fragment_topic(sentence: Span, people: People) -> PersonRef | None:
    """A dictated fragment that opens with a name and a comma is about that person
    ("Lucas, learning disability diagnosed in January, SALT involved"), when the name is
    the only person the fragment names."""
    if len(sentence) < 3 or sentence[0].i not in people.name_of or sentence[1].text != ",":
        return None
    topic = people.ref(sentence[0])
    others = {ref.key for t in sentence[2:] if t.i in people.name_of for ref in [people.ref(t)] if ref is not None}
    return topic if topic is not None and not others - {topic.key} else None


def named_inside(span: Span, people: People, *, parsed: bool) -> list[PersonRef | None]:
    """The people named inside a match ("reported Keira missing"); a pronoun there is not the
    verb's own subject ("she has reported her missing": her is not she)."""
    subject = next((c for c in span.root.children if c.dep_ == "nsubj"), None) if parsed else None
    subject_ref = people.ref(subject) if subject is not None else None
    found = []
    for token in span[1:]:
        ref = people.ref(token)
        if ref is not None and subject_ref is not None and ref.key == subject_ref.key:
            ref = people.ref_other_than(token, subject_ref)
        found.append(ref)
    return found


def victim_fits(rule: str | None, victim: PersonRef | None, perpetrator: PersonRef | None) -> bool:
    by_partner = perpetrator is not None and perpetrator.role == "partner" and perpetrator.kind != "household_member"
    if victim is not None and victim.age is not None and victim.age < PARTNER_FROM_AGE:
        by_partner = False  # a 6-year-old has no partner of their own: "partner" is a parent's
    if rule is None:
        return victim is None or victim.likely_child or victim.kind not in ("another_child",)
    if rule == "adult":
        return victim is not None and not victim.likely_child
    if rule == "child":
        return victim is None or victim.likely_child and victim.kind != "another_child"
    if rule == "child_by_partner":
        return victim is not None and victim.likely_child and by_partner
    return victim is not None and victim.likely_child and victim.kind != "another_child" and not by_partner


def doer(span: Span, people: People, codes: dict[str, str], *, parsed: bool) -> PersonRef | None:
    """Who does it; for a family only a child can have (7: "so she makes Jack's tea"), a
    pronoun's most likely child when its most likely person is an adult."""
    if not parsed:
        return doer_of(span, people, parsed=parsed)
    token = doer_token(span)
    owner = person_of(token, people)
    if owner is not None and not owner.is_child and set(codes) == {"child"} and token is not None:
        owner = next((r for r in people.alternatives(token) if r.is_child), owner)
    teller = teller_of(token, people)
    if teller is not None and owner is not None and teller.key != owner.key and \
            any(r is not None and r.key == teller.key for r in people.alternatives(token)):
        return teller  # "Alfie told me that he gets up to give Noah his bottle, and that he gets Poppy dressed"
    return owner


def outsider_subject(span: Span, people: People) -> bool:
    """The factor's verb has for subject someone outside the family, said by a role word
    ("Kacey's friend Ellie self-harms", "her best mate cuts herself", "the neighbour is
    depressed"): whatever the possessor, it is not the child's own nor a carer's. The small
    parse often hangs such a verb off the noun ("friend ... harms" as apposition), so the
    nouns the words hang from count as its subject too."""
    verb = span.root
    while verb.dep_ in ("dobj", "attr", "acomp", "compound") and verb.head.i != verb.i:
        verb = verb.head
    words = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    above = verb
    for _ in range(3):
        if above.dep_ not in ("appos", "pobj", "prep") or above.head.i == above.i:
            break
        above = above.head
        words.append(above)
    words += [c for w in list(words) for c in w.children if c.dep_ in ("compound", "appos")]
    return any(ref is not None and ref.kind in _OUTSIDERS for ref in map(people.role_at, words))
