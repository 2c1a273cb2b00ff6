"""Seen, seen alone and bedroom seen for each child of the visit, each decided only from
what the note says about that child.

Every phrase of ``data/visit.yaml`` found in a sentence is given to the children it is
about: the subject of a passive ("Tyler was not seen alone"), the object when the worker
is the subject ("I saw Jayden and Amelia alone", "I spoke to Yusuf and Aisha on their
own"), the subject of the verb above an infinitive ("Ella did not want to talk to me on
her own"), the owner of a room ("I did not see his room", "the bedroom they share"), or
the child named in the same part of the sentence. What a statement says:

- strength 3, said outright: "was seen alone" (seen alone yes), "was not seen alone",
  "too young to be seen alone", "did not want to be seen on her own" (seen alone no),
  "neither child was seen", "I did not see her" (seen no), "I saw Zara" (seen yes), a room
  seen or not, and fields dictated as a form ("Max, seen, yes, seen alone, no").
- strength 2, follows from one: seen alone yes or no means the child was seen ("Tyler was
  not seen alone because he was asleep": seen yes), except "too young to be seen alone".
- strength 1, from where the child was: at the visit (people present) means seen; "at
  school", "at her dad's" means not seen.

The strongest statements decide; statements of the same strength that disagree leave the
field null for the worker to answer. Nothing else is filled in: unsaid stays null."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from models.draft import CHILD_FIELDS, ChildVisit, Evidence, Person
from pipeline.drafting.children import GROUP_WORDS, Children
from pipeline.drafting.field_clauses import negated, seen_with_adult
from pipeline.drafting.form_answers import form_answers
from pipeline.drafting.people import People
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.visit_phrases import PhraseFinder, visit_rules

SAID, FOLLOWS, AWAY, WHERE = 3, 2, 1.5, 1  # where the child was, said of them, beats a list of who was there
_VERBS = {"see", "seen", "saw", "speak", "spoke", "spoken", "talk", "talked", "met", "meet", "spent", "spend",
          "chat", "had", "observed", "look", "looked", "shown", "showed", "went", "been"}
_ROOMS = {"bedroom", "bedrooms", "room", "rooms", "cot", "cots"}
_WORKER_WORDS = {"i", "we", "sw", "worker", "colleague", "writer"}
_CHUNK_BREAKS = {",", ";", "and", "but", "so", "while", "whilst", "because", "as", "although"}
_ALONE_WORDS = {"alone", "own", "individually", "separately", "himself", "herself", "themselves"}
_SLEEP = {"sleep", "sleeps", "slept", "sleeping", "share", "shares", "shared", "sharing", "stay", "stays", "stayed",
          "staying"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_PLANS = {"going", "plan", "plans", "planned", "arrange", "arranged", "hope", "aim", "need", "needs", "is", "are"}


@dataclass(frozen=True)
class _Said:
    child: int
    field: str
    value: bool
    strength: int
    sentence: int


def decide_child_fields(sentences: list[NoteSentence], people: People, children: Children,
                        present: list[Person]) -> list[ChildVisit]:
    rules = visit_rules()
    finder = PhraseFinder(sentences)
    said: list[_Said] = []
    for index, sentence in enumerate(sentences):
        said += _Sentence(index, sentence, rules, finder, people, children).statements()
    spoken_of = {s.child for s in said}
    if any(c.tentative for c in children.children):
        kept = [i for i, c in enumerate(children.children) if i in spoken_of or not c.tentative]
        said = [replace(s, child=kept.index(s.child)) for s in said if s.child in kept]
        children.keep_only(set(kept))
    present_names = {p.name.lower() for p in present if p.name and p.role == "child"}
    for i, child in enumerate(children.children):
        if child.named and child.name.lower() in present_names:
            said.append(_Said(i, "child_seen", True, WHERE, -1))
    result = []
    for i, child in enumerate(children.children):
        values: dict[str, bool | None] = {}
        evidence: dict[str, Evidence] = {}
        for field in CHILD_FIELDS:
            mine = [s for s in said if s.child == i and s.field == field]
            if not mine:
                values[field] = None
                continue
            best = max(s.strength for s in mine)
            strongest = [s for s in mine if s.strength == best]
            agreed = {s.value for s in strongest}
            values[field] = agreed.pop() if len(agreed) == 1 else None
            first = next((s for s in strongest if s.sentence >= 0), None)
            if values[field] is not None and first is not None:
                model = sentences[first.sentence].model
                evidence[field] = Evidence(text=model.text, start_char=model.start_char, end_char=model.end_char,
                                           start_s=model.start_s, end_s=model.end_s)
        result.append(ChildVisit(name=child.name, named=child.named, age=child.age, evidence=evidence, **values))
    return result


class _Sentence:
    """The statements about children in one sentence."""

    def __init__(self, index: int, sentence: NoteSentence, rules: dict, finder: PhraseFinder, people: People,
                 children: Children) -> None:
        self.index, self.sentence, self.rules, self.finder = index, sentence, rules, finder
        self.people, self.children = people, children
        self.span = sentence.span
        self.found: list[_Said] = []
        self.said_at: list[tuple[int, str, bool]] = []  # (end of the phrase, field, value) in order

    def statements(self) -> list[_Said]:
        if not len(self.children):
            return []
        answers = form_answers(self.span, self.sentence.text, self.children)
        if answers is not None:  # a sentence dictated as a form says nothing else
            for child, field, value in answers:
                self._add(child, field, value, SAID)
            return self.found
        alone_not = self._each("seen_alone", "not", False, seen_follows=True)
        too_young = self._each("seen_alone", "too_young", False, seen_follows=False, skip=alone_not)
        alone = self._each("seen_alone", "seen", True, seen_follows=True, skip=alone_not + too_young)
        room_not = self._each("bedroom", "not", False, rooms=True)
        room_not += self._elided_rooms(room_not)
        room_seen = self._each("bedroom", "seen", True, rooms=True, skip=room_not)
        self._each("bedroom", "described", True, rooms=True, skip=room_not)
        # "nobody was seen alone" says nothing against being seen: a seen-alone phrase decides
        # that; "I did not see her bedroom" is about the room
        said = alone_not + too_young + alone + room_not + room_seen
        seen_not = self._each("child_seen", "not", False, skip=said)
        seen = self._each("child_seen", "seen", True, skip=seen_not + said)
        if alone or seen:  # "I saw Chloe on her own in her bedroom and Ellie with mum"
            for child in self._children_of(self._named_with_adult()):
                self._add(child, "child_seen_alone", False, FOLLOWS)
                self._add(child, "child_seen", True, FOLLOWS)
        self._elided()
        for match in self._matches(self.rules["child_away"]):
            for child in self._subject_of_was(match):
                self._add(child, "child_seen", False, AWAY)
        return self.found

    # -- phrases ---------------------------------------------------------------------------
    def _matches(self, pattern: re.Pattern) -> list[Span]:
        if not self.finder.may_occur(pattern, self.index):
            return []
        offset, doc = self.span.start_char, self.span.doc
        spans = []
        for m in pattern.finditer(self.sentence.text):
            span = doc.char_span(offset + m.start(), offset + m.end(), alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
        return spans

    def _each(self, group: str, name: str, value: bool, *, seen_follows: bool = False, rooms: bool = False,
              skip: list[Span] = ()) -> list[Span]:
        field = {"seen_alone": "child_seen_alone", "bedroom": "bedroom_seen", "child_seen": "child_seen"}[group]
        used = []
        for match in self._matches(self.rules[group][name]):
            if any(match.start < other.end and other.start < match.end for other in skip):
                continue
            said = value
            verb = self._verb_of(match)
            if name == "seen" and verb is not None and self.people.parsed and _later(verb):
                continue  # "Worker will see Tyler alone at school next week": not this visit
            if name == "seen" and verb is not None and negated(verb, self.span, parsed=self.people.parsed):
                said = False  # "Neither Lily nor Jack was seen alone", "nor was either bedroom seen"
            about = self._room_owners(match) if rooms else self._about(match)
            for child in about:
                self._add(child, field, said, SAID)
                if seen_follows:
                    self._add(child, "child_seen", True, FOLLOWS)
            if about:
                self.said_at.append((match.end, field, said))
            if group == "child_seen" and said and verb is not None and self.people.parsed:
                arguments = self._people_arguments(verb) or []
                for child in self._children_of(seen_with_adult(arguments, verb, self.people)):
                    self._add(child, "child_seen_alone", False, FOLLOWS)  # "Tyler was seen with his dad"
            used.append(match)
        return used

    def _elided_rooms(self, rooms: list[Span]) -> list[Span]:
        """'Worker did not see Kayla's bedroom, and did not see Jayden's or Summer's either':
        the owners named after a room was spoken of."""
        if not rooms and not any(t.lower_ in _ROOMS for t in self.span):
            return []
        used = []
        for match in self._matches(self.rules["bedroom"]["elided_not"]):
            owners = [t.nbor(-1) for t in match if t.lower_ in ("'s", "’s") and t.i > 0]
            for child in self._children_of(owners):
                self._add(child, "bedroom_seen", False, SAID)
            used.append(match)
        return used

    def _elided(self) -> None:
        """'Ava was seen alone but Leo was not': a child named again with the verb left out
        gets the field of the statement before it in the sentence ('not': no; 'same':
        as said)."""
        if not self.said_at:
            return
        for name, value in (("not", False), ("same", None), ("contrast", "other")):
            for match in self._matches(self.rules["elided"][name]):
                before = [s for s in self.said_at if s[0] <= match.start]
                if not before:
                    continue
                _, field, said = before[-1]
                who = [t for t in match if t.i in self.people.name_of or self.children.in_group(t)
                       or t.i in self.people.roles or t.lower_ in self.people.lex.pronouns]
                answer = said if value is None else (not said) if value == "other" else value
                for child in self._children_of(who[:1]):
                    self._add(child, field, answer, SAID)
                    if field == "child_seen_alone":
                        self._add(child, "child_seen", True, FOLLOWS)

    def _named_with_adult(self) -> list[Token]:
        """'I saw Chloe on her own and Ellie with mum': a child named just before 'with' an adult."""
        doc, found = self.span.doc, []
        for token in self.span[:-2]:
            if token.i in self.people.name_of and doc[token.i + 1].lower_ == "with":
                nxt = doc[token.i + 2]
                if nxt.lower_ in ("his", "her", "their") and token.i + 3 < self.span.end:
                    nxt = doc[token.i + 3]
                ref = self.people.ref(nxt)
                if ref is not None and ref.kind in ("parent_carer", "household_member", "adult") and not ref.is_child:
                    found.append(token)
        return found

    @staticmethod
    def _verb_of(match: Span) -> Token | None:
        """The verb of seeing nearest the end ("I saw the bedrooms and spoke to Lily alone": spoke)."""
        return next((t for t in reversed(match) if t.lower_ in _VERBS), None)

    def _add(self, child: int, field: str, value: bool, strength: int) -> None:
        self.found.append(_Said(child, field, value, strength, self.index))

    # -- who a phrase is about -------------------------------------------------------------
    def _about(self, match: Span) -> list[int]:
        verb = self._verb_of(match)
        arguments = self._people_arguments(verb) if self.people.parsed and verb is not None else None
        if arguments is not None:
            apart = self._named_before_alone(match, arguments)
            return self._children_of(apart or arguments)
        return self._in_chunk(match)

    def _people_arguments(self, verb: Token) -> list[Token] | None:
        """The verb's arguments that can be children: not "Jayden's" in "I did not see
        Jayden's or Summer's either" (something of theirs), not a room."""
        arguments = self._arguments(verb)
        if arguments is None:
            return None
        return [a for a in arguments if not _possessor(a) and a.lower_ not in _ROOMS]

    def _named_before_alone(self, match: Span, arguments: list[Token]) -> list[Token]:
        """'Both children were seen, Ruby on her own in her bedroom and Alfie with his mum':
        a child named just before the words for alone, apart from the verb's arguments, is
        the one seen alone."""
        alone = next((t for t in match if t.lower_ in _ALONE_WORDS), None)
        if alone is None:
            return []
        j = alone.i - 1
        while j > match.start and match.doc[j].lower_ in ("on", "his", "her", "their", "by"):
            j -= 1
        named = match.doc[j]
        if named.i not in self.people.name_of:
            return []
        joined = {a.i for a in arguments} | {c.i for a in arguments for c in a.conjuncts}
        return [] if named.i in joined else [named]

    def _arguments(self, verb: Token) -> list[Token] | None:
        """The people a verb of seeing or speaking is about; None when the parse gives none."""
        # a misparse can hang the subject on the auxiliary ("Kayden and Lacey were each spoken to")
        heads = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        found = [c for h in heads for c in h.children if c.dep_ == "nsubjpass"]
        subject = next((c for h in heads for c in h.children if c.dep_ == "nsubj"), None)
        if not found and subject is not None and not self._is_worker(subject):
            found = [subject]
        if not found:
            found = self._objects(verb)
        current = verb
        for _ in range(3):  # "Ella did not want to talk to me on her own": Ella; "... so was not seen"
            if found or current.dep_ not in ("xcomp", "acomp", "conj", "advcl") or current.head.i == current.i:
                break
            current = current.head
            found = [c for c in current.children if c.dep_ in ("nsubj", "nsubjpass") and not self._is_worker(c)]
        return found or None

    def _objects(self, verb: Token) -> list[Token]:
        found = []
        for child in verb.children:
            if child.dep_ in ("dobj", "dative"):
                if child.lower_ in ("chat", "time", "look", "word"):  # "had a chat with Jayden"
                    found += [g for p in child.children if p.dep_ == "prep" and p.lower_ in ("with", "at")
                              for g in p.children if g.dep_ == "pobj"]
                elif not self._is_worker(child):
                    found.append(child)
            elif child.dep_ == "prep" and child.lower_ in ("to", "with"):
                found += [g for g in child.children if g.dep_ == "pobj" and not self._is_worker(g)]
        return found

    def _is_worker(self, token: Token) -> bool:
        if token.lower_ in _WORKER_WORDS:
            return True
        ref = self.people.ref(token)
        return ref is not None and ref.kind in ("worker", "professional")

    def _children_of(self, tokens: list[Token]) -> list[int]:
        found: list[int] = []
        for token in tokens:
            # conjuncts, and a word the parser hung on them as a compound ("Skye and the baby sleep")
            words = [token] + list(token.conjuncts)
            words += [c for w in words for c in w.children if c.dep_ == "compound"]
            for t in words:
                antecedent = _relative_antecedent(t)
                if antecedent is not None:
                    meant = self._children_of([antecedent])  # "Mia and the baby, neither of whom was"
                elif self.children.in_group(t) or t.i in self.people.name_of:
                    meant = self.children.meant_by(t)
                elif any(c.lower_ in GROUP_WORDS for c in t.children) and t.lower_ not in ("them", "they"):
                    meant = self.children.group_before(t)  # "neither child", "each of them"
                elif t.lower_ in GROUP_WORDS:
                    meant = self.children.group_before(t)
                else:
                    meant = self.children.meant_by(t)
                found += [i for i in meant if i not in found]
        return found

    def _room_owners(self, match: Span) -> list[int]:
        """Whose room: its owner ('his room', "Lacey's room or Mason's"), who shares or sleeps
        in it ('the bedroom they share', 'sleep in nan's bedroom'), else the children the
        sentence says were in it."""
        rooms = self._rooms_of(match)
        owners: list[int] = []
        if rooms and self.people.parsed:
            for room in rooms:
                owners += self._owners_of(room)
            for t in self.span.doc[rooms[-1].i + 1:self.span.end]:
                if t.lower_ in ("'s", "’s") and t.i > 0:
                    owners += self.children.meant_by(t.nbor(-1))  # "Lacey's room or Mason's"
                if t.lower_ in (",", ";", "but", "which", "where"):
                    break
        elif rooms:
            owners = self._in_chunk(match, owners=True)
        owners = list(dict.fromkeys(owners))
        if owners:
            return owners
        about = self._about(match)
        if about:
            return about
        everyone = self.children.everyone
        plural = not rooms or any(r.lower_.endswith("s") or _several(r) for r in rooms)  # "neither bedroom"
        return everyone if plural or len(everyone) == 1 else []

    def _rooms_of(self, match: Span) -> list[Token]:
        """The rooms a phrase speaks of: the one its verb is about ("the twins' bedroom was
        seen but Reece's room..." is the twins'), with the rooms said together with it
        ("Macy's bedroom and the room Kyle shares")."""
        in_match = [t for t in match if t.lower_ in _ROOMS]
        verb = self._verb_of(match)
        chosen = in_match[:1]
        if self.people.parsed and verb is not None:
            arguments = [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj", "nsubj", "attr")]
            arguments += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
            if verb.dep_ in ("acl", "relcl"):
                arguments.append(verb.head)  # "either bedroom seen", "bedroom, which the worker was shown"
            found = [a for a in arguments if a.lower_ in _ROOMS]
            chosen = found[:1] or chosen
        if chosen and self.people.parsed:
            chosen += [c for c in chosen[0].conjuncts if c.lower_ in _ROOMS]
        if chosen:  # "Macy's bedroom and the room Kyle shares", however the parse joins them
            doc, first = match.doc, chosen[0]
            after = [t for t in doc[first.i + 1:min(self.span.end, first.i + 5)]]
            if after and after[0].lower_ == "and":
                chosen += [t for t in after[1:] if t.lower_ in _ROOMS and t not in chosen][:1]
        return chosen

    def _owners_of(self, room: Token) -> list[int]:
        owners: list[int] = []
        for child in room.children:
            if child.dep_ == "poss":
                owners += self._children_of([child])
            elif child.dep_ == "relcl":
                sharers = [g for g in child.children if g.dep_ in ("nsubj", "nsubjpass")]
                sharers += [g for p in child.children if p.dep_ == "prep" and p.lower_ == "with"
                            for g in p.children if g.dep_ == "pobj"]
                owners += self._children_of(sharers)
        if not owners and room.dep_ == "pobj" and room.head.lower_ in ("in", "on"):
            verb = room.head
            for _ in range(4):  # "The children sleep on a mattress in nan's bedroom"
                verb = verb.head
                if verb.tag_.startswith("VB") or verb.head.i == verb.i:
                    break
            if verb.lower_ in _SLEEP:
                owners += self._children_of([c for c in verb.children if c.dep_ == "nsubj"])
        if not owners and room.dep_ == "dobj" and room.head.lower_ in _SLEEP:  # "The children share a room"
            owners += self._children_of([c for c in room.head.children if c.dep_ == "nsubj"])
        doc = room.doc
        if not owners and room.i + 1 < len(doc) and doc[room.i + 1].i in self.people.name_of:
            owners += self.children.meant_by(doc[room.i + 1])  # "the room Kyle shares"
        return owners

    def _in_chunk(self, match: Span, *, owners: bool = False) -> list[int]:
        """The children named in the part of the sentence the phrase is in; the only child of
        the visit when none is named there."""
        start, end = match.start, match.end
        while start > self.span.start and self.span.doc[start - 1].lower_ not in _CHUNK_BREAKS:
            start -= 1
        while end < self.span.end and self.span.doc[end].lower_ not in _CHUNK_BREAKS:
            end += 1
        # "I did not see Jayden's or Summer's": not them (unless the room is what is asked about)
        found = [i for at, kids in self.children.mentions(self.span.doc[start:end])
                 if owners or not _possessor(self.span.doc[at]) for i in kids]
        if found:
            return list(dict.fromkeys(found))
        everyone = self.children.everyone
        return everyone if len(everyone) == 1 else []

    def _subject_of_was(self, match: Span) -> list[int]:
        verb = match[0]
        if self.people.parsed:
            subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects and verb.dep_ in ("aux", "auxpass"):  # "were staying with"
                subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                return self._children_of(subjects)
        return self._in_chunk(match)


def _possessor(token: Token) -> bool:
    return any(c.dep_ == "case" for c in token.children) or \
        token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ in ("'s", "’s")


def _relative_antecedent(token: Token) -> Token | None:
    """'Mia and the baby, neither of whom was seen alone': 'neither of whom' means Mia and the baby."""
    if token.lower_ not in GROUP_WORDS or token.head.dep_ != "relcl":
        return None
    relative = any(g.lower_ in ("whom", "which") for p in token.children if p.dep_ == "prep" for g in p.children)
    return token.head.head if relative else None


def _later(verb: Token) -> bool:
    """A plan, not this visit: 'will see Tyler alone', 'Harley to be seen at school tomorrow'."""
    for current in (verb, verb.head):
        aux = [c.lower_ for c in current.children if c.dep_ in ("aux", "auxpass")]
        if any(a in _FUTURE_AUX for a in aux):
            return True
        if "to" in aux and (current.dep_ == "ROOT" or current.head.lower_ in _PLANS):
            return True
        if current.dep_ not in ("xcomp", "conj"):
            break
    return False


def _several(room: Token) -> bool:
    doc = room.doc
    return room.i > 0 and doc[room.i - 1].lower_ in ("neither", "either", "both", "each", "all")
