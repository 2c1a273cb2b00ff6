"""The statutory visit fields: the children of the visit with each one's seen, seen alone
and bedroom seen (``child_fields.py``; the visit-level fields are the value every child
shares, ``models.draft.shared_value``), the people present with their roles, the type of
contact, whether it was announced and when it took place (``visit_when.py``). Phrases
live in ``data/visit.yaml``."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from models.draft import CHILD_FIELDS, ChildVisit, Person, VisitFields, shared_value
from pipeline.drafting.child_fields import decide_child_fields
from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.section_hedges import hedged_presence
from pipeline.drafting.section_signals import says_family_ties
from pipeline.drafting.speakers import SAYING_VERBS, speaker_of
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.visit_phrases import visit_rules
from pipeline.drafting.visit_when import visit_when

if TYPE_CHECKING:
    from pipeline.drafting.children import Children

_CHUNK_BREAKS = {",", ";", "and", "but", "so", "while", "whilst", ".", "as", "because", "since"}
_SOFT_BREAKS = {"with"}  # "I met Jade at home with her mum": the next part shares its presence
# The rest of a list of people. Each item is an atomic group: the same lists match, but a long
# sentence full of 'and' no longer backtracks through every way of cutting it (47 ms -> 0.02 ms
# for one 60-word sentence; drafting an edited note again runs this on every sentence).
_LIST = r"^[\s,]*(?>[A-Za-z' ]{0,40}?(?:,|and)\s*)*[A-Za-z' ]{0,40}?\b"
_PLANNED = re.compile(r"\s*(will|is to|are to|to be|should|needs to|would)\b", re.I)
_SHARING = {"share", "shares", "shared", "sharing", "sleep", "sleeps", "slept", "sleeping"}
_HAVING = {"has", "have", "had"}
_THINGS = {"room", "rooms", "bedroom", "bedrooms", "cot", "bed"}
_ASLEEP = re.compile(r"\b(was|were|is|are) (still |also )?asleep\b", re.I)  # a child asleep at home is there
# "..., Ethan, who's 15, wasn't in": a name, its aside, then that they were not there
_NOT_THERE_AFTER_ASIDE = re.compile(r"^\s*(?:,\s*who(?:'s| is| was)[^,]{1,30})?,\s*(?:was|were|is|are)(?: not|n't)\s+"
                                    r"(?:at home|home|there|in|present)\b", re.I)
_ARRANGED = re.compile(r"\b(arranged|agreed|booked|arrangement)\b", re.I)
_PARENT_ROLES = {"mother", "father", "stepfather", "stepmother", "parent", "parents", "carer"}
_OPEN_PARENT_ROLES = {"parent", "unknown", "carer"}  # a named adult who may be the "mum" or "dad" said
_PARENT_WORDS = {"mother", "father", "parent", "parents"}
_OPENING_SENTENCES = 3
# a professional who came to the visit (with "me", "us", "along"); the pipeline has no lemmas
_COMING = {"came", "come", "joined", "accompanied", "attended"}
_BEING = {"was", "were", "is", "are"}
_PLAN = re.compile(r"\b(will|going to|next (week|time|visit|month))\b|'ll\b", re.I)  # "I'll visit as agreed"
_OUTPUT_ROLE = {"sibling": "child", "peer": "other", "unknown": "other", "parents": "parent"}


def extract_visit_fields(sentences: list[NoteSentence], section_keys: list[str], people: People,
                         children: Children, statements: list) -> VisitFields:
    """``statements``: what the note says of each child (``child_fields.child_statements``)."""
    rules = visit_rules()
    purpose = [s.text for s, key in zip(sentences, section_keys) if key == "purpose"]
    # not the plans: "A return home interview will be offered" is not this visit's type
    everything = [s.text for s, key in zip(sentences, section_keys) if key != "actions"]
    present = people_present(sentences, section_keys, people, children)
    per_child = decide_child_fields(statements, sentences, children, present)
    shared = {name: shared_value([getattr(child, name) for child in per_child]) for name in CHILD_FIELDS}
    return VisitFields(
        **shared,
        people_present=_with_children_seen(present, per_child),
        contact_type=_first_match(rules["contact_types"], purpose) or _first_match(rules["contact_types"], everything),
        announced=_announced(_visit_opening(sentences, section_keys), rules["announced"], people),
        children=per_child,
        when=visit_when(sentences, section_keys),
    )


def _with_children_seen(present: list[Person], children: list[ChildVisit]) -> list[Person]:
    """The children at the visit are the children seen: a child the note says was not seen
    ('Lacey was at her dad's', 'neither child was seen') is not listed, one seen is."""
    not_seen = {c.name.lower() for c in children if c.child_seen is False}
    seen = [c for c in children if c.child_seen]
    kept = [p for p in present if not (p.role == "child" and (p.name or "").lower() in not_seen)]
    if children and not seen:
        kept = [p for p in kept if not (p.role == "child" and p.name is None)]
    listed = {(p.name or "").lower() for p in kept}
    for child in seen:
        if child.name.lower() not in listed:
            if not child.named:  # "the baby" stands for the unnamed child the note calls "baby"
                kept = [p for p in kept if not (p.role == "child" and p.name is None)]
            kept.append(Person(name=child.name, role="child"))
    return kept


def _visit_opening(sentences: list[NoteSentence], section_keys: list[str]) -> list[NoteSentence]:
    """Where a note says whether the visit was announced: its purpose, and its first sentences
    ("Home visit to Priya, 6. Her dad didn't know I was coming ..."), not a plan among them."""
    return [s for index, (s, key) in enumerate(zip(sentences, section_keys))
            if key == "purpose" or index < _OPENING_SENTENCES and not _PLAN.search(s.text)]


def _first_match(types: list[tuple[str, re.Pattern]], texts: list[str]) -> str | None:
    for contact_type, pattern in types:
        for text in texts:
            found = pattern.search(text)
            if found is not None and not _PLANNED.match(text, found.end()):
                return contact_type  # not "a return home interview will be offered": a plan for later
    return None


def _announced(sentences: list[NoteSentence], patterns: dict, people: People) -> bool | None:
    if any(patterns["unannounced"].search(s.text) for s in sentences):
        return False
    for sentence in sentences:
        for found in patterns["announced"].finditer(sentence.text):
            if not _arranged_with_professional(sentence, found.end(), people) and \
                    not _known_to_someone_else(sentence, found, people):
                return True
    return None


def _known_to_someone_else(sentence: NoteSentence, found: re.Match, people: People) -> bool:
    """'a referral which the school knew about' says nothing of the visit: only a visit the
    family (a person of the note who is not a professional) knew about was announced."""
    if not re.search(r"\b(knew|aware|told)\b", found.group(0), re.I):
        return False
    start, end = sentence.model.start_char + found.start(), sentence.model.start_char + found.end()
    words = [t for t in sentence.span if start <= t.idx < end]
    knowing = next((k for k, t in enumerate(words) if t.lower_ in ("knew", "aware", "told")), len(words))
    # "a visit which the school knew about"; not "I had told her dad ... that I would be visiting"
    after = next((k for k, t in enumerate(words[:knowing]) if t.lower_ in ("which", "that")), None)
    if after is None:
        return False  # "Sarah knew about the visit": the parent named before
    knower = next((t for t in words[after + 1:] if t.lower_ not in ("the", "his", "her", "their")), None)
    ref = people.ref(knower) if knower is not None else None
    if ref is not None:
        return ref.kind in ("professional", "worker")
    return knower is None or knower.i not in people.name_of and not knower.text[:1].isupper()  # "Kelly": a name


def _arranged_with_professional(sentence: NoteSentence, end: int, people: People) -> bool:
    """'arranged with school' tells the family nothing: a visit arranged with the family is announced."""
    if not sentence.text[:end].lower().endswith((" with", " by")):
        return False
    after = [t for t in sentence.span if t.idx >= sentence.model.start_char + end][:3]
    after = [t for t in after if t.lower_ not in ("the", "a", "his", "her", "their")]
    ref = people.ref(after[0]) if after else None
    return ref is not None and ref.kind == "professional"


def people_present(sentences: list[NoteSentence], section_keys: list[str], people: People,
                   children: Children | None = None) -> list[Person]:
    rules = visit_rules()
    found: dict[str, PersonRef] = {}
    gone: set[str] = set()
    for sentence, key in zip(sentences, section_keys):
        if key != "present" and not rules["presence"].search(sentence.text):
            continue
        # what others told the worker ("Tia was seen in A and E") is not who was at the visit; only a
        # professional the sentence says came to it ("The OT was there too") is
        told = key == "other_information"
        earlier = False  # a part of this sentence already said who was there
        # "Hannah is mum to Leo", "I think Finley was upstairs": filed with who was present, yet not
        # saying who was there (only its own words of presence do)
        lists_people = key == "present" and not (people.parsed and (
            says_family_ties(sentence.span, people) or hedged_presence(sentence.span, people) is not None))
        before, away_before = "", False
        for chunk, soft in _chunks(sentence.span):
            chunk_text = chunk.text
            # "Shanice was home with her partner Dwayne, ... and her two little ones were at nursery":
            # a part that says its own people were there (or continues one: "with her partner") is not in
            # the list of those away
            absent = bool(rules["absence"].search(chunk_text)) or \
                not (rules["presence"].search(chunk_text) or soft and earlier and not away_before) and \
                _listed_away(chunk, sentence.span, rules["absence"])
            away_after_aside = _NOT_THERE_AFTER_ASIDE.match(sentence.span.doc[chunk.end:sentence.span.end].text)
            absent = absent or away_after_aside is not None
            if absent and _ARRANGED.search(sentence.text):
                absent = False  # "arranged with Kelly by phone": how the visit was arranged, not who was away
            # "Joint visit with a police officer": who the visit was made with was there
            with_visit = soft and key in ("purpose", "present") and re.search(r"\bvisit$", before, re.I) is not None
            # "visit completed jointly with PC Okafor": a named professional ("jointly with police" names nobody)
            jointly = soft and key in ("purpose", "present") and re.search(r"\bjointly$", before, re.I) is not None
            said_seen = rules["seen_alone"]["too_young"].sub("", chunk_text) if "too " in chunk_text \
                else chunk_text  # "too young to be seen alone": not seen
            # a part that only says "too young to be seen alone" does not say the child was there
            listed_here = lists_people and said_seen == chunk_text
            present = listed_here or bool(rules["presence"].search(said_seen)) or \
                _listed(chunk, sentence.span) or (soft and earlier) or with_visit
            earlier = earlier or present
            before, away_before = chunk_text, absent
            for token, ref in people.mentions(chunk):
                if ref.kind in ("worker", "another_child", "adult") or token.lower_ in people.lex.pronouns:
                    continue
                if told and not (ref.kind == "professional" and people.parsed and _came_to_the_visit(token)):
                    continue
                if token.dep_ == "poss" or token.nbor(1).lower_ in ("'s", "’s") if token.i + 1 < len(token.doc) else False:
                    continue  # "mum's partner was not present" is about the partner
                together = ref.kind == "professional" and (_with_the_worker(token, people) or
                                                           jointly and ref.name is not None or
                                                           people.parsed and _came_to_the_visit(token))
                if ref.kind == "professional" and not together and \
                        not _came_along(token, chunk_text, people, listed=key == "present"):
                    continue
                if people.parsed and _in_a_thing(token):
                    continue
                if people.parsed and ref.name is None and token.dep_ == "attr":
                    continue  # "Reece, who is not the father of any of the children": what someone is, not a person
                reporting = token.dep_ == "nsubj" and token.head.lower_ in SAYING_VERBS
                ref = _unnamed_child(token, ref, children)
                asleep = absent and ref.likely_child and away_after_aside is None and \
                    not rules["absence"].search(_ASLEEP.sub("", chunk_text))
                for person in _expand(ref, people):
                    if absent and not reporting and not asleep:  # "DC Harris said Lee has been bailed": away
                        gone.add(person.key)
                    elif present or together:  # "my colleague and I", "SW and PC Shah called"
                        found.setdefault(person.key, person)
    for sentence, key in zip(sentences, section_keys):  # a parent or carer whose views were heard
        if key == "parent_views":
            for speaker in _speakers(sentence.span, people):
                for person in _expand(speaker, people):
                    if person.name:  # "Denise said...": named; a bare "dad" is listed where the note says so
                        found.setdefault(person.key, person)
    for key in gone:
        found.pop(key, None)
    return _as_people(found, children)


def _unnamed_child(token: Token, ref: PersonRef, children: Children | None) -> PersonRef:
    """'the baby' in the list of who was there is the unnamed child of the visit the note calls so."""
    if children is None or ref.name is not None or ref.kind != "child":
        return ref
    meant = children.meant_by(token)
    if len(meant) == 1 and not children.children[meant[0]].named:
        return replace(ref, name=children.children[meant[0]].name)
    return ref


def _speakers(span: Span, people: People) -> list[PersonRef]:
    """The parents and carers whose words a sentence reports ("Pauline said ..., and Dave said ...")."""
    speakers = []
    first = speaker_of(span, people, parsed=people.parsed)
    if first is not None:
        speakers.append(first)
    if people.parsed:
        for token in span:
            if token.lower_ in SAYING_VERBS and token.tag_.startswith("VB"):
                subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
                ref = people.ref(subject) if subject is not None else None
                if ref is not None and ref.name and ref not in speakers:
                    speakers.append(ref)
    # a name nobody gave a role whose views the note files as a parent's is an adult of the household
    return [s for s in speakers if s.kind in ("parent_carer", "household_member") or s.kind == "unknown" and s.name]


def _in_a_thing(token: Token) -> bool:
    """'the room Kyle shares with his uncle Bradley', 'The children share a room, which I saw':
    a person in the words for a room, or who shares or sleeps in it, is not said to be there
    (on the parse, or just after the room with no verb between)."""
    if any(a.lower_ in _THINGS for a in list(token.ancestors)[:6]):
        return True
    verb = token.head
    if token.dep_ == "nsubj" and verb.lower_ in _SHARING | _HAVING and any(t.lower_ in _THINGS for t in verb.subtree):
        return True  # "Ollie has the little room, which I did not see"
    if token.dep_ in ("nsubj", "compound") and verb.lower_ in _SHARING and \
            any(c.lower_ == "where" for c in verb.children):
        return True  # "refused to show me where Maya sleeps"
    doc = token.doc
    for j in range(token.i - 1, max(-1, token.i - 7), -1):
        if doc[j].lower_ in _THINGS:
            return True
        if doc[j].tag_.startswith("VB") or doc[j].text in (",", ";", "."):
            return False
    return False


def _expand(ref: PersonRef, people: People) -> list[PersonRef]:
    """'the children' -> each named child; 'mum' -> the one named mother, when the note names one."""
    if ref.name is not None:
        return [ref]
    if ref.role == "child" and ref.gender == "plural" or ref.role in ("child",) and ref.kind == "child":
        named = [people.named_ref(key) for key in people.names]
        children = [ref for ref in named if ref.likely_child and ref.kind != "another_child"]
        if ref.gender == "plural" and children:
            return children
    if ref.role == "parents":  # "with their parents", "both parents were home": the parents the note names
        named = [people.named_ref(key) for key, name in people.names.items()
                 if name.kind == "parent_carer" and name.role in _PARENT_ROLES]
        if named:
            return named
    same_role = [key for key, name in people.names.items() if name.role == ref.role]
    if len(same_role) == 1 and ref.role not in ("child", "professional", "other"):
        return [people.named_ref(same_role[0])]
    if ref.role in ("mother", "father") and not same_role:  # "his dad" when the note names only "Shane"
        parents = [key for key, name in people.names.items() if name.role == "parent"
                   and name.gender in (None, "f" if ref.role == "mother" else "m")]
        if len(parents) == 1:
            return [people.named_ref(parents[0])]
    return [ref]


def _chunks(span: Span) -> list[tuple[Span, bool]]:
    """Parts of a sentence between commas and 'and'; True when a part continues the one before."""
    chunks, start, soft = [], span.start, False
    for token in span:
        if token.lower_ in _CHUNK_BREAKS or token.lower_ in _SOFT_BREAKS:
            if token.i > start:
                chunks.append((span.doc[start:token.i], soft))
            start, soft = token.i + 1, token.lower_ in _SOFT_BREAKS
    if start < span.end:
        chunks.append((span.doc[start:span.end], soft))
    return chunks


def _listed(chunk: Span, sentence: Span) -> bool:
    """'Mum Dawn, Millie and her brother Ben were at home': the list shares one verb."""
    rest = sentence.doc[chunk.end:sentence.end].text
    return bool(re.match(_LIST + r"(were|was) (all |both |also )?(at home|home|present|there|in)\b", rest))


def _listed_away(chunk: Span, sentence: Span, absence: re.Pattern) -> bool:
    """'Brooke and Tyler were at school': the list shares being away."""
    rest = sentence.doc[chunk.end:sentence.end].text
    listed = re.match(_LIST + r"(?=were )", rest)  # a list shares "were", not "his sister was"
    return listed is not None and absence.match(rest, listed.end()) is not None


def _with_the_worker(token: Token, people: People) -> bool:
    """Named together with the worker as the ones who visited: 'The duty social worker and DC
    Patel visited', 'my colleague from the family support team and I'."""
    if not people.parsed:
        return False
    if token.dep_ == "conj" and token.head.dep_ == "nsubj" and _is_worker(token.head, people):
        return True
    if token.dep_ == "nsubj" and any(c.dep_ == "nsubj" and c.i != token.i and _is_worker(c, people)
                                     for c in token.head.children):
        return True  # the parse gives each its own subject
    return any(c.dep_ == "conj" and _is_worker(c, people) for c in token.children)


def _is_worker(token: Token, people: People) -> bool:
    ref = people.ref(token)
    return ref is not None and ref.kind == "worker"


def _came_along(token: Token, chunk_text: str, people: People, *, listed: bool) -> bool:
    """A professional at the visit ('with PC Evans', 'a key worker was also there', a named
    one in the list of who was present: 'Mrs Khan, the Urdu interpreter'), not on the phone."""
    if re.search(r"\bphone\b", chunk_text, re.I):
        return False
    if listed and token.i in people.name_of:
        return True
    if people.parsed and _came_to_the_visit(token):
        return True
    before = token.doc[max(0, token.i - 4):token.i].text.lower()
    return "with" in before.split() or bool(re.search(r"\b(also|was|were) (at|there|present)\b", chunk_text, re.I))


def _came_to_the_visit(token: Token) -> bool:
    """On the parse, the one who came: "The OT was there too", "An advocate from Mind joined us",
    "the family support worker came with me" (not "the health visitor came last week")."""
    while token.dep_ == "conj":
        token = token.head
    if token.dep_ != "nsubj":
        return False
    verb = token.head
    if verb.lower_ in _BEING:
        return any(c.lower_ in ("there", "present") for c in verb.children)
    return verb.lower_ in _COMING and any(t.lower_ in ("me", "us", "along", "visit") for t in verb.subtree)


def _as_people(found: dict[str, PersonRef], children: Children | None = None) -> list[Person]:
    named_roles = {ref.role for ref in found.values() if ref.name}
    has_named_child = any(ref.name and ref.likely_child for ref in found.values())
    # "Kai stayed with his mum" when the mother is named only as "Shona": a named adult of the
    # family whose role the note leaves open (not a child of the visit) may be that parent
    visit_children = {c.name for c in children.children} if children is not None else set()
    open_roles = {ref.role for ref in found.values() if ref.name and ref.name not in visit_children
                  and ref.kind in ("parent_carer", "unknown") and ref.role in _OPEN_PARENT_ROLES}
    if open_roles:
        named_roles |= _PARENT_WORDS
    people: list[Person] = []
    for ref in found.values():
        role = "child" if ref.likely_child and ref.kind != "another_child" else _OUTPUT_ROLE.get(ref.role, ref.role)
        if ref.kind == "professional":
            role = "professional"
        if ref.name is None and role != "professional" and (ref.role in named_roles or
                                                            (role == "child" and has_named_child)):
            continue  # 'mum' when 'mum Sarah' is already listed (an interpreter named is not 'my colleague')
        people.append(Person(name=ref.name, role=role))
    return people
