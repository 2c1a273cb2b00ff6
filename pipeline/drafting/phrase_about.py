"""Which children a seen / seen alone / bedroom phrase of one sentence is about: the
subject of a passive ("Tyler was not seen alone"), the object when the worker is the
subject ("I saw Jayden and Amelia alone"), the subject above an infinitive ("Ella did not
want to talk to me on her own"), a child named apart before the words for alone ("Ruby on
her own"), the owner of a room or who shares or sleeps in it, else the children named in
that part of the sentence."""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipeline.drafting.children import GROUP_WORDS, Children
from pipeline.drafting.groups import group_words
from pipeline.drafting.mention_words import named_after_of, possessor, relative_antecedent, several_rooms
from pipeline.drafting.people import People
from pipeline.drafting.room_owners import SLEEP, owners_of

_VERBS = {"see", "seen", "saw", "speak", "spoke", "spoken", "talk", "talked", "met", "meet", "spent", "spend",
          "chat", "had", "observed", "look", "looked", "shown", "showed", "went", "been",
          "stayed", "sat", "remained",  # "Leo stayed on mum's knee": Leo
          "viewed", "checked", "inspected", "get", "got"}  # "the bedroom was viewed", "didn't get him on his own"
# a child who is the subject of these saw or met someone else ("the twins saw it"), unless it was the worker
_WITNESSING = {"saw", "see", "sees", "met", "meet", "meets", "observed", "watched", "witnessed"}
# "seen in their beds"; where a baby sleeps: "the baby's Moses basket in the parents' bedroom"
SLEEPING_PLACES = {"cot", "cots", "crib", "cribs", "basket", "baskets", "bassinet", "bassinets"}
ROOMS = {"bedroom", "bedrooms", "room", "rooms", "bed", "beds"} | SLEEPING_PLACES
_WORKER_WORDS = {"i", "we", "sw", "worker", "colleague", "writer"}
_CHUNK_BREAKS = {",", ";", "and", "but", "so", "while", "whilst", "because", "as", "although"}
_ALONE_WORDS = {"alone", "own", "individually", "separately", "himself", "herself", "themselves", "privately"}
_HOUSEHOLD_VERBS = {"have", "has", "had", "share", "shares", "shared", "sleep", "sleeps", "slept", "live", "lives",
                    "lived", "stay", "stays", "stayed", "use", "uses", "used"}  # no lemmatizer in the pipeline
_EXCEPT = {"except", "apart", "other", "bar", "besides", "excluding"}  # "all the bedrooms except Liam's"
SLEEPING_ROOM_WORDS = {"bed", "box", "nursery", "sleeping", "baby", "babies", "kids", "children", "guest", "spare",
                       "attic", "loft", "bunk"}


class PhraseAbout:
    """Whom the phrases of one sentence are about."""

    def __init__(self, span: Span, people: People, children: Children) -> None:
        self.span, self.people, self.children = span, people, children

    @staticmethod
    def verb_of(match: Span) -> Token | None:
        """The verb of seeing nearest the end ("I saw the bedrooms and spoke to Lily alone": spoke)."""
        return next((t for t in reversed(match) if t.lower_ in _VERBS), None)

    def about(self, match: Span) -> list[int]:
        verb = self.verb_of(match)
        arguments = self.people_arguments(verb) if self.people.parsed and verb is not None else None
        if arguments is not None:
            apart = self._named_before_alone(match, arguments)
            return self.children_of(apart or arguments, until=self._part_end(match))
        if verb is None:  # "(give me) some time with Mason on his own": the child named in the phrase
            named = [i for _, kids in self.children.mentions(match, named_only=True) for i in kids]
            if named:
                return list(dict.fromkeys(named))
        return self.in_chunk(match)

    def _part_end(self, match: Span) -> int:
        """Where the phrase's part of the sentence ends (", and the baby was too small ...":
        a child the parse joins on after it is not in the phrase's list)."""
        doc = self.span.doc
        for i in range(match.end, self.span.end - 1):
            if doc[i].lower_ == ";" or doc[i].lower_ == "," and doc[i + 1].lower_ in ("and", "but", "so", "while"):
                return i
        return self.span.end

    def people_arguments(self, verb: Token) -> list[Token] | None:
        """The verb's arguments that can be children: not "Jayden's" in "I did not see
        Jayden's or Summer's either" (something of theirs), not a room."""
        arguments = self.arguments(verb)
        if arguments is None:
            return None
        return [a for a in arguments if not possessor(a) and a.lower_ not in ROOMS]

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

    def arguments(self, verb: Token) -> list[Token] | None:
        """The people a verb of seeing or speaking is about; None when the parse gives none."""
        # a misparse can hang the subject on the auxiliary ("Kayden and Lacey were each spoken to")
        heads = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        found = [c for h in heads for c in h.children if c.dep_ == "nsubjpass"]
        subject = next((c for h in heads for c in h.children if c.dep_ == "nsubj"), None)
        if not found and self._someone_else_sees(verb, subject):
            return []  # "dad ... has not seen them for a year": not the worker's seeing
        if not found and subject is not None and verb.lower_ in _WITNESSING and not self._is_worker(subject) and \
                not any(self._is_worker(o) for o in self._objects(verb, workers=True)):
            return []  # "the twins saw it", "a man she met online": what they saw, not who the worker saw
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

    def _objects(self, verb: Token, *, workers: bool = False) -> list[Token]:
        found = []
        for child in verb.children:
            if child.dep_ in ("dobj", "dative"):
                if child.lower_ in ("chat", "time", "look", "word"):  # "had a chat with Jayden"
                    found += [g for p in child.children if p.dep_ == "prep" and p.lower_ in ("with", "at")
                              for g in p.children if g.dep_ == "pobj"]
                elif workers or not self._is_worker(child):
                    found.append(child)
            elif child.dep_ == "prep" and child.lower_ in ("to", "with"):
                found += [g for g in child.children if g.dep_ == "pobj" and (workers or not self._is_worker(g))]
        return found

    def _someone_else_sees(self, verb: Token, subject: Token | None) -> bool:
        """An adult other than the worker is the one seeing (the subject, or a conjoined
        verb's subject)."""
        current = verb
        while subject is None and current.dep_ == "conj" and current.head.i != current.i:
            current = current.head
            subject = next((c for c in current.children if c.dep_ == "nsubj"), None)
        return subject is not None and not self._is_worker(subject) and self._is_adult(subject)

    def _is_adult(self, token: Token) -> bool:
        ref = self.people.ref(token)
        return ref is not None and ref.kind in ("parent_carer", "household_member", "adult") and not ref.is_child

    def _is_worker(self, token: Token) -> bool:
        if token.lower_ in _WORKER_WORDS:
            return True
        ref = self.people.ref(token)
        return ref is not None and ref.kind in ("worker", "professional")

    def children_of(self, tokens: list[Token], *, until: int | None = None) -> list[int]:
        found: list[int] = []
        for token in tokens:
            # conjuncts, and a word the parser hung on them as a compound ("Skye and the baby sleep")
            # or an apposition ("her son Leo stayed on mum's knee")
            words = [token] + [c for c in token.conjuncts if until is None or c.i < until or c.i < token.i]
            words += [c for w in words for c in w.children if c.dep_ in ("compound", "appos")]
            for t in words:
                antecedent = relative_antecedent(t)
                group_named = named_after_of(t, self.children, self.people)
                if antecedent is not None:
                    meant = self.children_of([antecedent])  # "Mia and the baby, neither of whom was"
                elif group_named is not None:
                    meant = self.children.meant_by(group_named)  # "neither of the twins": the twins
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

    def room_owners(self, match: Span) -> list[int]:
        """Whose room: its owner ('his room', "Lacey's room or Mason's"), who shares or sleeps
        in it ('the bedroom they share', 'sleep in nan's bedroom'), else the children the
        sentence says were in it."""
        rooms = self._rooms_of(match)
        owners: list[int] = []
        if rooms and self.people.parsed:
            excepted = self.excepted_owners(match)
            if excepted:  # "I saw all the bedrooms except Liam's": everyone else's
                return [i for i in self.children.everyone if i not in excepted]
            for room in rooms:
                owners += owners_of(self, room)
            for t in self.span.doc[rooms[-1].i + 1:self.span.end]:
                if t.lower_ in ("'s", "’s") and t.i > 0:
                    owners += self.children.meant_by(t.nbor(-1))  # "Lacey's room or Mason's"
                if t.lower_ in (",", ";", "but", "which", "where"):
                    break
        elif rooms:
            owners = self.in_chunk(match, owners=True)
        sleeps = [t for t in match if t.lower_ in ("sleep", "sleeps", "slept") and t.i > 0 and
                  any(w.lower_ == "where" for w in match.doc[max(0, t.i - 3):t.i])]
        if not rooms and sleeps:  # "I was shown where Leo sleeps": Leo's room, or nobody's the worker can tell
            sleepers = self.children_of([c for t in sleeps for c in t.children if c.dep_ == "nsubj"])
            wheres = [w for t in sleeps for w in match.doc[max(0, t.i - 3):t.i] if w.lower_ == "where"]
            return sleepers or self.children.mentioned_in(match.doc[wheres[-1].i + 1:sleeps[-1].i])
        owners = list(dict.fromkeys(owners))
        if owners:
            return owners
        about = self.about(match)
        if about:
            return about
        everyone = self.children.everyone
        plural = not rooms or any(r.lower_.endswith("s") or several_rooms(r) for r in rooms)  # "neither bedroom"
        return everyone if plural or len(everyone) == 1 else []

    def excepted_owners(self, match: Span) -> list[int]:
        """'all the bedrooms except Liam's', 'every room apart from the girls'': the children
        whose room the words after 'except' leave out (the rooms said of all of them)."""
        rooms = self._rooms_of(match)
        if not rooms or not self.people.parsed or \
                not any(t.lower_ in ("all", "every", "each", "both") for t in self.span.doc[rooms[0].i - 3:rooms[0].i]):
            return []
        doc, found = self.span.doc, []
        for t in doc[rooms[-1].i + 1:min(self.span.end, rooms[-1].i + 3)]:
            if t.lower_ in _EXCEPT and t.i + 1 < self.span.end:
                rest = doc[t.i + 1:self.span.end]
                if t.lower_ in ("apart", "other") and len(rest) and rest[0].lower_ in ("from", "than"):
                    rest = rest[1:]
                for w in rest:
                    if w.lower_ in (",", ";", "which", "where", "who", "because", "as"):
                        break
                    if w.lower_ in ("'s", "’s", "'") and w.i > 0:
                        found += [i for i in self.children.meant_by(w.nbor(-1)) if i not in found]
                break
        return found

    def household_room(self, match: Span) -> bool:
        """'The family have one room between them, which I saw': a room of the whole household."""
        rooms = self._rooms_of(match)
        said = rooms + [t for t in match if t.lower_ in ROOMS and t not in rooms]
        return self.people.parsed and any(self._household_room(r) for r in said)

    def some_other_room(self, match: Span, other_rooms: frozenset[str]) -> bool:
        """'I saw them both on their own in a quiet room': a room the phrase does not make
        anyone's ('a', 'another') is not where the child sleeps; nor is a room named for
        what it is used for ('the medical room', 'the breakfast room': ``other_rooms`` of
        ``data/visit.yaml``)."""
        rooms = self._rooms_of(match)
        if rooms and all(r.lower_ in ("room", "rooms") and any(
                c.dep_ in ("compound", "amod") and c.lower_ in other_rooms or self._named_for_a_use(c)
                for c in r.children) for r in rooms):
            return True
        return bool(rooms) and all(r.lower_ in ("room", "rooms") and r.dep_ == "pobj" and not owners_of(self, r) and
                                   any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in r.children)
                                   for r in rooms)  # not "the children share a room, which I saw"

    def _named_for_a_use(self, word: Token) -> bool:
        """'the nurture room', 'the family room': a noun before 'room' that names neither a
        person nor where one sleeps ("box room", "the boys room")."""
        return word.dep_ == "compound" and word.tag_ in ("NN", "NNS") and word.lower_ not in SLEEPING_ROOM_WORDS and \
            self.people.ref(word) is None and not self.children.in_group(word)

    def _rooms_of(self, match: Span) -> list[Token]:
        """The rooms a phrase speaks of: the one its verb is about ("the twins' bedroom was
        seen but Reece's room..." is the twins'), with the rooms said together with it
        ("Macy's bedroom and the room Kyle shares")."""
        in_match = [t for t in match if t.lower_ in ROOMS]
        verb = self.verb_of(match)
        chosen = in_match[:1]
        if self.people.parsed and verb is not None:
            arguments = [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj", "nsubj", "attr")]
            arguments += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
            if verb.dep_ in ("acl", "relcl"):
                arguments.append(verb.head)  # "either bedroom seen", "bedroom, which the worker was shown"
            # a room the subject of 'saw' is a label said first ("Rooms, um, we saw the boys' room")
            found = sorted((a for a in arguments if a.lower_ in ROOMS), key=lambda a: a.dep_ == "nsubj")
            chosen = found[:1] or chosen
            if chosen and chosen[0].lower_ in SLEEPING_PLACES:  # "Leo's cot, in Ava's room, was seen"
                chosen += [a for a in found[1:] if a.head.lower_ == "in" and a.lower_ not in SLEEPING_PLACES]
        if chosen and self.people.parsed:
            chosen += [c for c in chosen[0].conjuncts if c.lower_ in ROOMS]
            # "Harry's cot, in Finn's room, was seen": the room the cot is in was seen too
            chosen += [g for r in list(chosen) if r.lower_ in SLEEPING_PLACES for p in r.children
                       if p.dep_ == "prep" and p.lower_ == "in" for g in p.children if g.lower_ in ROOMS]
        if chosen:  # "Macy's bedroom and the room Kyle shares", however the parse joins them
            doc, first = match.doc, chosen[0]
            after = [t for t in doc[first.i + 1:min(self.span.end, first.i + 5)]]
            if after and after[0].lower_ == "and":
                chosen += [t for t in after[1:] if t.lower_ in ROOMS and t not in chosen][:1]
        return chosen

    def _household_room(self, room: Token) -> bool:
        """A room the whole household has, shares or sleeps in: its verb's subject is the
        family ("The family have one room between them", "the household share a bedroom"),
        everyone ("all five of them sleep in the bedroom", "the four of them share the one
        room"), or the room is "between them"."""
        if any(p.lower_ == "between" and any(g.lower_ in ("them", "us") for g in p.children)
               for p in room.children if p.dep_ == "prep"):
            return True
        verb = room
        for _ in range(5):  # "one large room with two sets of bunk beds": up to the verb
            if verb.tag_.startswith("VB") or verb.head.i == verb.i:
                break
            verb = verb.head
        if verb.lower_ not in _HOUSEHOLD_VERBS:
            return False
        if any(p.lower_ == "between" for p in verb.children if p.dep_ == "prep"):
            return True  # "they have one room between them"
        words = group_words()
        for subject in (c for c in verb.children if c.dep_ == "nsubj"):
            if subject.lower_ in words.household:
                return True
            if any(p.lower_ == "of" and any(g.lower_ in ("them", "us") for g in p.children)
                   for p in subject.children if p.dep_ == "prep"):
                return True  # "the four of them", "all five of them": the adults with the children
        return False

    def in_chunk(self, match: Span, *, owners: bool = False) -> list[int]:
        """The children named in the part of the sentence the phrase is in; the only child of
        the visit when none is named there."""
        start, end = match.start, match.end
        while start > self.span.start and self.span.doc[start - 1].lower_ not in _CHUNK_BREAKS:
            start -= 1
        while end < self.span.end and self.span.doc[end].lower_ not in _CHUNK_BREAKS:
            end += 1
        # "I did not see Jayden's or Summer's": not them (unless the room is what is asked about)
        found = [i for at, kids in self.children.mentions(self.span.doc[start:end])
                 if owners or not possessor(self.span.doc[at]) for i in kids]
        if found:
            return list(dict.fromkeys(found))
        opening = self._clipped_subject()
        if opening:
            return opening
        everyone = self.children.everyone
        return everyone if len(everyone) == 1 else []

    def _clipped_subject(self) -> list[int]:
        """'Maisie, 6, at school, not seen.': a clipped sentence that opens with one child and
        names no other is about that child."""
        mentions = self.children.mentions(self.span, named_only=True)
        if len(mentions) != 1 or mentions[0][0] != self.span.start or len(mentions[0][1]) != 1:
            return []
        if possessor(self.span.doc[mentions[0][0]]) or any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in self.span):
            return []  # a sentence with a verb of its own says whom it is about
        return mentions[0][1]

    def subject_of_was(self, match: Span) -> list[int]:
        verb = match[0]
        if self.people.parsed:
            subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects and verb.dep_ in ("aux", "auxpass"):  # "were staying with"
                subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                return self.children_of(subjects)
        return self.in_chunk(match)
