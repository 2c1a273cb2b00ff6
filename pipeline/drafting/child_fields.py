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
from pipeline.drafting.people import People
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.visit_phrases import PhraseFinder, visit_rules

SAID, FOLLOWS, WHERE = 3, 2, 1
_VERBS = {"see", "seen", "saw", "speak", "spoke", "spoken", "talk", "talked", "met", "meet", "spent", "spend",
          "chat", "had", "observed", "look", "looked", "shown", "showed", "went", "been"}
_ROOMS = {"bedroom", "bedrooms", "room", "rooms", "cot", "cots"}
_WORKER_WORDS = {"i", "we", "sw", "worker", "colleague", "writer"}
_CHUNK_BREAKS = {",", ";", "and", "but", "so", "while", "whilst", "because", "as", "although"}


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

    def statements(self) -> list[_Said]:
        if not len(self.children):
            return []
        if self._form_answers():
            return self.found  # a sentence dictated as a form says nothing else
        alone_not = self._each("seen_alone", "not", False, seen_follows=True)
        too_young = self._each("seen_alone", "too_young", False, seen_follows=False, skip=alone_not)
        self._each("seen_alone", "seen", True, seen_follows=True, skip=alone_not + too_young)
        room_not = self._each("bedroom", "not", False, rooms=True)
        self._each("bedroom", "seen", True, rooms=True, skip=room_not)
        self._each("bedroom", "described", True, rooms=True, skip=room_not)
        seen_not = self._each("child_seen", "not", False)
        self._each("child_seen", "seen", True, skip=seen_not)
        for match in self._matches(self.rules["child_away"]):
            for child in self._subject_of_was(match):
                self._add(child, "child_seen", False, WHERE)
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
            about = self._room_owners(match) if rooms else self._about(match)
            for child in about:
                self._add(child, field, value, SAID)
                if seen_follows:
                    self._add(child, "child_seen", True, FOLLOWS)
            used.append(match)
        return used

    def _form_answers(self) -> bool:
        answers = [(field, m) for field, pattern in self.rules["form"].items()
                   for m in pattern.finditer(self.sentence.text)]
        if not answers:
            return False
        mentioned = self.children.mentioned_in(self.span)
        about = mentioned[:1] if len(mentioned) <= 1 or not self._starts_with_group() else mentioned
        for field, m in answers:
            for child in about:
                self._add(child, field, m.group(m.lastindex).lower() == "yes", SAID)
        return True

    def _starts_with_group(self) -> bool:
        return self.span[0].lower_ in GROUP_WORDS

    def _add(self, child: int, field: str, value: bool, strength: int) -> None:
        self.found.append(_Said(child, field, value, strength, self.index))

    # -- who a phrase is about -------------------------------------------------------------
    def _about(self, match: Span) -> list[int]:
        # the verb nearest the end ("I saw the bedrooms and spoke to Lily alone": spoke)
        verb = next((t for t in reversed(match) if t.lower_ in _VERBS), None)
        arguments = self._arguments(verb) if self.people.parsed and verb is not None else None
        if arguments is not None:
            return self._children_of(arguments)
        return self._in_chunk(match)

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
        for _ in range(3):  # "Ella did not want to talk to me on her own": Ella
            if found or current.dep_ not in ("xcomp", "acomp", "conj") or current.head.i == current.i:
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
                if any(c.lower_ in GROUP_WORDS for c in t.children) and t.lower_ not in ("them", "they"):
                    meant = self.children.group_before(t)  # "neither child", "each of them"
                elif t.lower_ in GROUP_WORDS:
                    meant = self.children.group_before(t)
                else:
                    meant = self.children.meant_by(t)
                found += [i for i in meant if i not in found]
        return found

    def _room_owners(self, match: Span) -> list[int]:
        """Whose room: its owner ('his room', "Lacey's room or Mason's"), who shares or sleeps
        in it ('the bedroom they share'), else the children the sentence says were in it."""
        room = next((t for t in match if t.lower_ in _ROOMS), None)
        owners: list[int] = []
        if room is not None and self.people.parsed:
            for child in room.children:
                if child.dep_ == "poss":
                    owners += self._children_of([child])
                elif child.dep_ == "relcl":
                    sharers = [g for g in child.children if g.dep_ in ("nsubj", "nsubjpass")]
                    sharers += [g for p in child.children if p.dep_ == "prep" and p.lower_ == "with"
                                for g in p.children if g.dep_ == "pobj"]
                    owners += self._children_of(sharers)
            for t in self.span.doc[room.i + 1:self.span.end]:
                if t.lower_ in ("'s", "’s") and t.i > 0:
                    owners += self.children.meant_by(t.nbor(-1))  # "Lacey's room or Mason's"
                if t.lower_ in (",", ";", "but", "which", "where"):
                    break
        elif room is not None:
            owners = self._in_chunk(match)
        owners = list(dict.fromkeys(owners))
        if owners:
            return owners
        about = self._about(match)
        if about:
            return about
        everyone = self.children.everyone
        return everyone if room is None or room.lower_.endswith("s") or len(everyone) == 1 else []

    def _in_chunk(self, match: Span) -> list[int]:
        """The children named in the part of the sentence the phrase is in; the only child of
        the visit when none is named there."""
        start, end = match.start, match.end
        while start > self.span.start and self.span.doc[start - 1].lower_ not in _CHUNK_BREAKS:
            start -= 1
        while end < self.span.end and self.span.doc[end].lower_ not in _CHUNK_BREAKS:
            end += 1
        found = self.children.mentioned_in(self.span.doc[start:end])
        if found:
            return found
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
