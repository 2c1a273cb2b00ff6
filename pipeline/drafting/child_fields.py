"""Seen, seen alone and bedroom seen for each child of the visit, each decided only from
what the note says about that child.

Every phrase of ``data/visit.yaml`` found in a sentence is given to the children it is
about (``phrase_about.py``: the subject of a passive, the object when the worker is the
subject, the owner of a room...). What a statement says:

- strength 3, said outright: "was seen alone" (seen alone yes), "was not seen alone",
  "too young to be seen alone", "did not want to be seen on her own" (seen alone no),
  "neither child was seen", "I did not see her" (seen no), "I saw Zara" (seen yes), a room
  seen or not, fields dictated as a form (``form_answers.py``), and a child named again
  with the verb left out ("Ava was seen alone but Leo was not"). A 'seen' phrase whose
  verb the parse finds negated says no (``field_clauses.py``: "Neither Lily nor Jack was
  seen alone", "None of the children", "nor was either bedroom seen"); one about a later
  visit ("will see Tyler alone at school") says nothing.
- strength 2, follows from one: seen alone yes or no means the child was seen ("Tyler was
  not seen alone because he was asleep": seen yes), except "too young to be seen alone";
  seen with a parent ("Tyler was seen with his dad", "Daisy was in the living room with
  Stacey the whole time": ``with_adult.py``) means not seen alone; the worker not going
  upstairs, or looking round up there, says every child's bedroom (below their own room).
- strength 1.5, where the child was said to be: "at school", "at her dad's", "in hospital"
  means not seen; strength 1, the people present: a child at the visit was seen.

Not said: a statement about a child the sentence means only by a pronoun after naming
other children ("Lacey ... and Jayden was out, so I've not seen him"), a statement the
worker hedges ("I may have seen Daisy's room", "I think I saw him alone": ``field_hedges.py``), a seeing only tried or asked for ("I tried to see Harvey
on his own"), a question ("Were they seen alone?": its answer in the next sentence is read
as a form answer), a child's own account of where they were ("Tia says she was at a party").

The strongest statements decide; statements of the same strength that disagree leave the
field null for the worker to answer, and so does a child decided not seen but seen alone.
Nothing else is filled in: unsaid stays null."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from models.draft import CHILD_FIELDS, ChildVisit, Evidence, Person
from pipeline.drafting.children import Children
from pipeline.drafting.field_clauses import attempted, negated, seen_with_adult
from pipeline.drafting.with_adult import listed_then_seen_with_adult, named_with_adult, with_adult_all_visit
from pipeline.drafting.field_hedges import hedged
from pipeline.drafting.form_answers import asked_field, form_answers
from pipeline.drafting.self_corrections import corrections
from pipeline.drafting.people import People
from pipeline.drafting.phrase_about import ROOMS, PhraseAbout
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.spoken_words import spoken_words
from pipeline.drafting.visit_phrases import PhraseFinder, visit_rules

SAID, FOLLOWS, AWAY, WHERE = 3, 2, 1.5, 1  # where the child was, said of them, beats a list of who was there
_OTHER_TIMES = {"last", "weekend", "weekends", "night", "nights", "overnight", "yesterday", "holiday", "holidays",
                "week", "month", "christmas", "summer", "usually", "often", "sometimes", "always"}
_SAYING = {"says", "said", "say", "told", "tells", "explained", "explains", "described", "describes", "talked",
           "talks", "shared", "shares", "disclosed", "discloses", "mentioned", "mentions"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_PLANS = {"going", "plan", "plans", "planned", "arrange", "arranged", "hope", "aim", "need", "needs", "is", "are"}


@dataclass(frozen=True)
class _Said:
    child: int
    field: str
    value: bool
    strength: int
    sentence: int
    household: bool = False  # said of a room the whole household has: not of a child away from it
    described: bool = False  # "Her room was tidy": a room described, which says it was seen
    at: int = -1  # where the phrase that says it ends (a token of the doc); -1: not from one phrase


def child_statements(sentences: list[NoteSentence], people: People, children: Children) -> list[_Said]:
    """What the note says of each child's seen, seen alone and bedroom seen. Settles who the
    children are: a bare first name nobody gave a role is a child only when spoken of as
    seen or not, or seen alone or not (a room of theirs does not say so); the sections then
    know that the others are adults."""
    rules = visit_rules()
    finder = PhraseFinder(sentences)
    said: list[_Said] = []
    for index, sentence in enumerate(sentences):
        said += _Sentence(index, sentence, rules, finder, people, children).statements()
    spoken_of = {s.child for s in said if s.field != "bedroom_seen"}  # "the cot, in Gemma's room": not hers
    if any(c.tentative for c in children.children):
        kept = [i for i, c in enumerate(children.children) if i in spoken_of or not c.tentative]
        said = [replace(s, child=kept.index(s.child)) for s in said if s.child in kept]
        children.keep_only(set(kept))
    return said


def seen_at_visit(said: list[_Said]) -> dict[int, bool]:
    """The sentences that say of a child whether they were seen, seen alone or their room
    seen (not a room only described, nor where a child was), for the "present" section:
    sentence -> whether it says whether a child was seen alone or not seen, or a room not
    seen (True), or only that a child or a room was seen (False: the same words often
    describe what was seen, which is an observation)."""
    found: dict[int, bool] = {}
    for s in said:
        if s.strength >= FOLLOWS and not s.described and s.sentence >= 0:
            found[s.sentence] = found.get(s.sentence, False) or s.field == "child_seen_alone" or not s.value
    return found


def decide_child_fields(said: list[_Said], sentences: list[NoteSentence], children: Children,
                        present: list[Person]) -> list[ChildVisit]:
    """Each child's fields from the statements (``child_statements``) and the people present."""
    said = list(said)
    present_names = {p.name.lower() for p in present if p.name and p.role == "child"}
    for i, child in enumerate(children.children):
        if child.name.lower() in present_names:  # "the baby" listed stands for the unnamed baby
            said.append(_Said(i, "child_seen", True, WHERE, -1))
    away = {s.child for s in said if s.field == "child_seen" and not s.value and s.strength >= AWAY}
    said = [s for s in said if not (s.household and s.child in away)]  # the family's room is not theirs
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
        if values["child_seen"] is False and values["child_seen_alone"] is True:
            # The note cannot mean both: one of the two was heard or read wrongly ("both boys"
            # taken for the girls at a party). Neither is filled in: the worker answers both.
            values["child_seen"] = values["child_seen_alone"] = None
            for field in ("child_seen", "child_seen_alone"):
                evidence.pop(field, None)
        result.append(ChildVisit(name=child.name, named=child.named, age=child.age, evidence=evidence, **values))
    return result


class _Sentence:
    """The statements about children in one sentence."""

    def __init__(self, index: int, sentence: NoteSentence, rules: dict, finder: PhraseFinder, people: People,
                 children: Children) -> None:
        self.index, self.sentence, self.rules, self.finder = index, sentence, rules, finder
        self.people, self.children = people, children
        self.span = sentence.span
        self.who = PhraseAbout(sentence.span, people, children)
        self.found: list[_Said] = []
        self.said_at: list[tuple[int, str, bool]] = []  # (end of the phrase, field, value) in order
        self.phrase_end = -1  # the end of the phrase whose statements are being added

    def statements(self) -> list[_Said]:
        if not len(self.children) or self.sentence.text.rstrip().endswith("?"):
            return []  # "Were they seen alone?" asks; the answer says
        answers = form_answers(self.span, self.sentence.text, self.children)
        if answers is not None:  # a sentence dictated as a form says nothing else
            for child, field, value in answers:
                self._add(child, field, value, SAID)
            return self.found
        before = self.finder.sentences[self.index - 1].text if self.index else ""
        asked = asked_field(before)
        if asked is not None:  # "Alone?" "Tia yes, Kai no.": said as well as what the sentence says
            for child, field, value in form_answers(self.span, self.sentence.text, self.children, asked=asked) or []:
                self._add(child, field, value, SAID)
        alone_not = self._each("seen_alone", "not", False, seen_follows=True)
        too_young = self._each("seen_alone", "too_young", False, seen_follows=False, skip=alone_not)
        alone = self._each("seen_alone", "seen", True, seen_follows=True, skip=alone_not + too_young)
        room_not = self._each("bedroom", "not", False, rooms=True)
        room_not += self._elided_rooms(room_not)
        room_seen = self._each("bedroom", "seen", True, rooms=True, skip=room_not)
        self._each("bedroom", "described", True, rooms=True, skip=room_not, described=True)
        if not room_not and not room_seen:
            self._upstairs()
        # "nobody was seen alone" says nothing against being seen: a seen-alone phrase decides
        # that; "I did not see her bedroom" is about the room
        said = alone_not + too_young + alone + room_not + room_seen
        seen_not = self._each("child_seen", "not", False, skip=said)
        seen = self._each("child_seen", "seen", True, skip=seen_not + said)
        self.phrase_end = -1
        with_adult: list[int] = []
        if alone or seen:  # "I saw Chloe on her own in her bedroom and Ellie with mum"
            with_adult = self.who.children_of(named_with_adult(self.span, self.people, self.children)) + \
                listed_then_seen_with_adult(self.span, self.people, self.children)
        if not any(t.lower_ in _OTHER_TIMES for t in self.span):
            # "Jenson stayed with his mum", "Kai stayed downstairs with his mum the whole time":
            # during the visit, so seen, and not alone (not "stayed with his dad last weekend")
            stayed = with_adult_all_visit(self.span, self.people, self.children, self.rules["whole_visit"],
                                          self.rules["child_away"])
            if not (alone or seen):
                stayed += named_with_adult(self.span, self.people, self.children, stayed_only=True)
            with_adult += self.who.children_of(stayed)
        for child in dict.fromkeys(with_adult):
            self._add(child, "child_seen_alone", False, FOLLOWS)
            self._add(child, "child_seen", True, FOLLOWS)
        self._elided()
        self.phrase_end = -1
        for match in self._matches(self.rules["child_away"]):
            telling = self._told_by(match[0])
            for child in self.who.subject_of_was(match):
                if child not in telling:  # "Tia says she was at a party": Tia told me, so was there
                    self._add(child, "child_seen", False, AWAY)
        return self._self_corrected()

    def _self_corrected(self) -> list[_Said]:
        """'Freddie was seen alone in the kitchen, no actually, mum was in the doorway': what
        the part just before a correction said is withdrawn (the worker is asked, unless the
        note says it again); 'I did not see Tyler's room, sorry, I did see it': said again
        the other way."""
        found = self.found
        for correction in corrections(self.span, self.rules["corrections"]):
            withdrawn = [s for s in found if correction.start < s.at <= correction.end]
            found = [s for s in found if s not in withdrawn]
            if correction.restated is not None:
                found += [replace(s, value=correction.restated, at=-1) for s in withdrawn if s.strength == SAID]
            elif correction.instead is not None:
                found += self._said_of_another(withdrawn, correction.instead)
        return found

    def _said_of_another(self, withdrawn: list[_Said], instead: Span) -> list[_Said]:
        """'I saw Leah on her own, sorry, I mean Tia', 'sorry, I mean Tyler not Kai': what was
        said of one child is of the one child named instead (never of several, nor guessed)."""
        meant = [(at, kids) for at, kids in self.children.mentions(instead, named_only=True)]
        nots = [t.i for t in instead if t.lower_ == "not"]
        meant = [kids for at, kids in meant if not nots or at < nots[0]]
        about = {s.child for s in withdrawn}
        if len(meant) != 1 or len(meant[0]) != 1 or len(about) != 1 or meant[0][0] in about:
            return []
        return [replace(s, child=meant[0][0], at=-1) for s in withdrawn]

    # -- phrases ---------------------------------------------------------------------------
    def _matches(self, pattern: re.Pattern) -> list[Span]:
        if not self.finder.may_occur(pattern, self.index):
            return []
        offset, doc = self.span.start_char, self.span.doc
        words = spoken_words(self.sentence.text)  # "I didn't, erm, get in there": read past the filler
        spans = []
        for m in pattern.finditer(words.text):
            start, end = words.said_span(m.start(), m.end())
            span = doc.char_span(offset + start, offset + end, alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
        return spans

    def _each(self, group: str, name: str, value: bool, *, seen_follows: bool = False, rooms: bool = False,
              skip: list[Span] = (), described: bool = False) -> list[Span]:
        field = {"seen_alone": "child_seen_alone", "bedroom": "bedroom_seen", "child_seen": "child_seen"}[group]
        used = []
        for match in self._matches(self.rules[group][name]):
            if any(match.start < other.end and other.start < match.end for other in skip):
                continue
            self.phrase_end = match.end
            said = value
            verb = PhraseAbout.verb_of(match)
            if name == "seen" and verb is not None and self.people.parsed and (_later(verb) or _before(verb)):
                continue  # "Worker will see Tyler alone at school next week", "since I last saw him": not this visit
            if hedged(verb, match, self.span, parsed=self.people.parsed):
                continue  # "I may have seen Daisy's room", "I think he was seen alone": not said
            if value and verb is not None and attempted(verb, parsed=self.people.parsed):
                continue  # "I tried to see Harvey on his own but he wouldn't come away": not said it happened
            if name == "seen" and verb is not None and negated(verb, self.span, parsed=self.people.parsed):
                said = False  # "Neither Lily nor Jack was seen alone", "nor was either bedroom seen"
            if rooms and self.people.parsed and self.who.some_other_room(match, self.rules["other_rooms"]):
                continue
            about = self.who.room_owners(match) if rooms else self.who.about(match)
            if not about and group == "seen_alone":  # not "Ava saw the fight": what she saw
                about = self._named_subject(match)
            if not rooms and self.people.parsed and match[0].lower_ in ("was", "were") and \
                    any(t.lower_ == "together" for t in match[1:4]):
                # "Mia and Kai were together ..., and I spoke with them": them is who was together
                together = self.who.children_of([c for c in match[0].children if c.dep_ == "nsubj"])
                about = [i for i in about if i in together]
            household = rooms and not about and self.who.household_room(match)
            if household:  # "The family have one room between them, which I saw"
                about = self.children.everyone
            about = [child for child in about if not self._pronoun_after_another(child)]
            for child in about:
                self._add(child, field, said, SAID, household=household, described=described)
                if seen_follows:
                    self._add(child, "child_seen", True, FOLLOWS)
            for child in self.who.excepted_owners(match) if rooms and about else []:
                self._add(child, field, not said, SAID)  # "all the bedrooms except Liam's": not Liam's
            if about:
                self.said_at.append((match.end, field, said))
            if group == "child_seen" and said and verb is not None and self.people.parsed:
                arguments = self.who.people_arguments(verb) or []
                for child in self.who.children_of(seen_with_adult(arguments, verb, self.people)):
                    self._add(child, "child_seen_alone", False, FOLLOWS)  # "Tyler was seen with his dad"
            used.append(match)
        return used

    def _named_subject(self, match: Span) -> list[int]:
        """'Ellie was watching telly and didn't want to come anywhere with me': the named subject."""
        if not self.people.parsed:
            return []
        current = next((t for t in match if t.tag_.startswith("VB")), None)
        for _ in range(4):
            if current is None:
                return []
            subjects = [c for c in current.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects or current.dep_ not in ("xcomp", "conj", "aux", "neg") or current.head.i == current.i:
                return self.who.children_of([s for s in subjects if s.i in self.people.name_of])  # never a pronoun
            current = current.head
        return []

    def _upstairs(self) -> None:
        """'I didn't go upstairs', 'I had a look round upstairs': every child's bedroom not
        seen, or seen, below what is said of a child's own room."""
        for name, value in (("not", False), ("seen", True)):
            for match in self._matches(self.rules["upstairs"][name]):
                if hedged(PhraseAbout.verb_of(match), match, self.span, parsed=self.people.parsed):
                    continue  # "I think I had a look upstairs"
                self.phrase_end = match.end
                for child in self.children.everyone:
                    self._add(child, "bedroom_seen", value, FOLLOWS, household=True)

    def _pronoun_after_another(self, child: int) -> bool:
        """'Lacey was in her room, and Jayden was out with his pals, so I've not seen him':
        a child the sentence means only by a pronoun, after naming other children, may be one
        of them whatever the pronoun was resolved to (a gender the note got wrong): not said."""
        mentions = self.children.mentions(self.span)
        named = [(at, kids) for at, kids in mentions if self.span.doc[at].lower_ not in self.people.lex.pronouns]
        if any(child in kids for _, kids in named):
            return False
        by_pronoun = [at for at, kids in mentions if kids == [child] and (at, kids) not in named]
        return bool(by_pronoun) and any(at < by_pronoun[0] and child not in kids for at, kids in named)

    def _told_by(self, token: Token) -> list[int]:
        """The children who tell what the words of ``token`` say ("Tia says she was at a
        party"): the subject of a verb of saying above it."""
        if not self.people.parsed:
            return []
        tellers = [c for a in token.ancestors if a.lower_ in _SAYING for c in a.children if c.dep_ == "nsubj"]
        return self.who.children_of(tellers)

    def _elided_rooms(self, rooms: list[Span]) -> list[Span]:
        """'Worker did not see Kayla's bedroom, and did not see Jayden's or Summer's either',
        "Grace's bedroom seen, Ellis wouldn't let me in his": the owners named after a room was
        spoken of."""
        if not rooms and not any(t.lower_ in ROOMS for t in self.span):
            return []
        used = []
        for match in self._matches(self.rules["bedroom"]["elided_not"]):
            self.phrase_end = match.end
            owners = [t.nbor(-1) for t in match if t.lower_ in ("'s", "’s") and t.i > 0]
            if not owners and self.people.parsed:  # "Ellis wouldn't let me in his": the one who would not
                owners = [c for t in match if t.lower_ in ("let", "allow") for c in t.children if c.dep_ == "nsubj"]
            for child in self.who.children_of(owners):
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
                self.phrase_end = match.end
                _, field, said = before[-1]
                who = [t for t in match if t.i in self.people.name_of or self.children.in_group(t)
                       or t.i in self.people.roles or t.lower_ in self.people.lex.pronouns]
                answer = said if value is None else (not said) if value == "other" else value
                for child in self.who.children_of(who[:1]):
                    self._add(child, field, answer, SAID)
                    if field == "child_seen_alone":
                        self._add(child, "child_seen", True, FOLLOWS)

    def _add(self, child: int, field: str, value: bool, strength: int, *, household: bool = False,
             described: bool = False) -> None:
        self.found.append(_Said(child, field, value, strength, self.index, household, described, self.phrase_end))


def _before(verb: Token) -> bool:
    """An earlier visit, not this one: 'since I last saw him', 'when I saw her last time'."""
    return any(c.lower_ in ("last", "previously") and c.dep_ in ("advmod", "amod", "npadvmod") for c in verb.children)


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
