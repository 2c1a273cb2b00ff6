"""The children of the visit, and which of them a word of the note means.

A child of the visit is every child of the family the note speaks of: a name the note
gives a child's role or an age under 18 ("Mia, 9", "her brother Tyler, aged four",
"the children Kayden, Lacey and Ruby"), and a baby it does not name ("the baby, who is
6 weeks old"). Not children of the visit: a child's friend or boyfriend, a cousin, an
adult son or daughter ("Ryan, who is 19"). A child the note does not name is called by
the note's words for them ("the baby"); when the note names no child at all but speaks
of "the child" or "the young person", that is the one child of the visit.

``Children.meant_by(token)`` answers which children a word means: a name, a role
("the baby", "both boys", "the twins", "her brother"), a pronoun (resolved by
``People``; "they" means the children named together most recently), or a group
("each of them", "neither child", "both")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from pipeline.drafting.ages import age_after
from pipeline.drafting.doc_views import parser_sentences, sentence_of
from pipeline.drafting.group_members import PLURAL_PRONOUNS, GROUP_WORDS, GroupMembers
from pipeline.drafting.groups import GroupPhrase, group_at
from pipeline.drafting.people import People, PersonRef

_ROOM_WORDS = {"bedroom", "room", "cot", "bed"}  # a child's own place to sleep
BABY_WORDS = {"baby", "newborn", "infant", "toddler"}
_BABY_AGES = {"baby": (0,), "newborn": (0,), "infant": (0,), "toddler": (1, 2, 3)}  # in years
GENERIC_CHILD_WORDS = {"child", "young person", "yp", "teenager", "son", "daughter", "boy", "girl"}
_BOYS = {"boys", "sons", "brothers", "twin boys", "twin sons", "both boys", "the boys"}
_GIRLS = {"girls", "daughters", "sisters", "twin girls", "twin daughters", "both girls", "the girls"}
_NOT_BORN = re.compile(r"\b(pregnan\w*|unborn|expecting|due (in|on|to be born)|antenatal|pre-?birth)\b", re.I)


@dataclass
class VisitChild:
    key: str  # the PersonRef key of a named child; "unnamed:<words>" for a child the note does not name
    name: str
    named: bool
    age: int | None
    gender: str | None  # f, m or None
    tentative: bool = False  # a bare first name nobody gave a role: a child only if seen as one


class Children(GroupMembers):
    """The children of one note's visit (which of them a group phrase means: ``GroupMembers``)."""

    def __init__(self, doc: Doc, people: People, *, parsed: bool) -> None:
        self.doc, self.people, self.parsed = doc, people, parsed
        self.children: list[VisitChild] = []
        self._index: dict[str, int] = {}
        self._unnamed_heads: dict[int, int] = {}  # role word -> the unnamed child it names
        self._group_at: dict[int, GroupPhrase] = group_at(doc)  # every word of a group phrase -> the phrase
        self._find_named()
        self._find_unnamed()
        self._ages_of_groups()

    def __len__(self) -> int:
        return len(self.children)

    @property
    def everyone(self) -> list[int]:
        """Every child of the visit ("the children", "both"), not a name only guessed to be one."""
        return [i for i, c in enumerate(self.children) if not c.tentative]

    def names(self, indices: list[int] | set[int]) -> list[str]:
        return [self.children[i].name for i in sorted(set(indices))]

    # -- finding the children ----------------------------------------------------------------
    def _find_named(self) -> None:
        first_seen: dict[str, int] = {}
        for i, key in self.people.name_of.items():
            first_seen[key] = min(first_seen.get(key, i), i)
        for key in sorted(first_seen, key=first_seen.get):
            ref = self.people.named_ref(key)
            if ref.kind == "child" or ref.kind == "unknown":  # a titled name is an adult's, not unknown
                self._add(VisitChild(key=ref.key, name=ref.name or key, named=True, age=ref.age,
                                     gender=ref.gender if ref.gender in ("f", "m") else None,
                                     tentative=ref.kind == "unknown"))

    def keep_only(self, indices: set[int]) -> None:
        """Drop the tentative children the note never spoke of as seen or not seen."""
        kept = [c for i, c in enumerate(self.children) if i in indices or not c.tentative]
        for child in kept:
            child.tentative = False  # spoken of as seen or not: a child of the visit
        old_index = {c.key: i for i, c in enumerate(self.children)}
        self.children = kept
        self._index = {c.key: i for i, c in enumerate(kept)}
        renumber = {old_index[c.key]: self._index[c.key] for c in kept}
        self._unnamed_heads = {h: renumber[i] for h, i in self._unnamed_heads.items() if i in renumber}

    def _find_unnamed(self) -> None:
        generic: list[int] = []
        for head, (entry, start, end) in sorted(self.people.roles.items()):
            if entry["kind"] != "child" or entry.get("plural") or head in self.people.named_by_role:
                continue
            words = " ".join(self.people.t.lower[start:end]).removeprefix("the ").removeprefix("a ")
            word = self.people.t.lower[head]
            if self.people.modifies_a_thing(self.doc[head]):
                continue  # "two toddler beds": a thing, not a child
            if word in BABY_WORDS:
                if _NOT_BORN.search(sentence_of(self.doc[head]).text):
                    continue  # "mum is pregnant and the baby is due in May": not a child of this visit
                if self._said_of_someone(start):
                    continue  # "when Skye was a baby": what someone was, not another child
                # "the baby" is the one baby of the visit, named or not; "a toddler" the one
                # child of a toddler's age ("Reign, 16 months ... a house with a toddler")
                babies = [i for i, c in enumerate(self.children) if c.age in _BABY_AGES[word] and not c.tentative]
                called = self._named_by_word(word)
                if len(called) == 1:  # "the baby, Archie, who is 1 ... alone with the baby": Archie
                    babies = called
                unnamed = [i for i, c in enumerate(self.children) if not c.named and c.age is None
                           and set(_BABY_AGES.get(c.name.removeprefix("the "), ())) & set(_BABY_AGES[word])]
                if len(babies) == 1:
                    self._unnamed_heads[head] = babies[0]
                elif not babies and len(unnamed) == 1:  # "the baby's father ... the newborn, 5 weeks old"
                    self._unnamed_heads[head] = unnamed[0]
                    ref = self.people.role_at(self.doc[head])
                    self.children[unnamed[0]].age = ref.age if ref else None
                elif not babies:
                    self._unnamed_heads[head] = self._unnamed(word, head)
            elif words in GENERIC_CHILD_WORDS or word in GENERIC_CHILD_WORDS:
                generic.append(head)
        if not self.children and generic:  # "the child was seen alone": the one child of the visit
            for head in generic:
                self._unnamed_heads[head] = self._unnamed("young person" if "young" in self.people.t.lower[head - 1:head + 1]
                                                          else "child", generic[0])

    def _named_by_word(self, word: str) -> list[int]:
        """The children a role word of this kind named ('baby Amelia', 'the baby, Archie')."""
        found = {self._index.get(self.people.named_ref(key).key) for head, key in self.people.named_by_role.items()
                 if self.people.t.lower[head] == word}
        return sorted(i for i in found if i is not None)

    def _said_of_someone(self, start: int) -> bool:
        """'was a baby', 'were babies': a role word after a verb 'be' says what someone was."""
        lower = self.people.t.lower
        k = start - 1 if start >= 1 and lower[start - 1] in ("a", "an") else start
        return k >= 1 and lower[k - 1] in ("was", "were", "is", "are", "been")

    def _ages_of_groups(self) -> None:
        """'the twins are 14', 'both boys are 9': an age said of a group goes to each child it
        means whose own age was not said."""
        t = self.people.t
        ends = {g.end: g for g in self._group_at.values()}
        ends |= {end: None for head, (entry, _, end) in self.people.roles.items()
                 if entry["kind"] == "child" and entry.get("plural") and end not in ends}
        for end, group in ends.items():
            if end + 1 >= len(t.lower) or t.lower[end] not in ("are", "were"):
                continue
            k = end + 1 + (t.lower[end + 1] in ("both", "aged", "now"))
            age = age_after(t, k) if k < len(t.lower) and t.tokens[k].like_num else None
            if age is None:
                continue
            meant = self._in_group(group, self.doc[group.start]) if group is not None else \
                self._by_role(end - 1)
            if len(meant) >= 2:
                for i in meant:
                    if self.children[i].age is None:
                        self.children[i].age = age

    def _unnamed(self, word: str, head: int) -> int:
        key = f"unnamed:{word}"
        if key not in self._index:
            ref = self.people.role_at(self.doc[head])
            self._add(VisitChild(key=key, name=f"the {word}", named=False, age=ref.age if ref else None,
                                 gender=ref.gender if ref and ref.gender in ("f", "m") else None))
        return self._index[key]

    def _add(self, child: VisitChild) -> None:
        self._index[child.key] = len(self.children)
        self.children.append(child)

    # -- which children a word means ---------------------------------------------------------
    def of_ref(self, ref: PersonRef | None) -> list[int]:
        if ref is None:
            return []
        if ref.name is not None:
            index = self._index.get(ref.key)
            return [index] if index is not None else []
        if ref.role == "child" and ref.gender == "plural":
            return self.everyone
        return []

    def meant_by(self, token: Token) -> list[int]:
        """The children this word means ([] when none, or when it cannot be told)."""
        people = self.people
        i = token.i
        if i in people.name_of:
            index = self._index.get(people.named_ref(people.name_of[i]).key)
            return [index] if index is not None else []
        group = self._group_at.get(i)
        if group is not None:
            return self._in_group(group, token)
        head = i if i in people.roles else people.phrase_head.get(i)
        if head is not None:
            return self._by_role(head)
        low = token.lower_
        if self.parsed and token.dep_ == "poss" and low in people.lex.pronouns:
            bound = self._bound_to_subject(token, people.lex.pronouns[low])
            if bound:
                return bound  # "The eldest was seen alone in her bedroom": her is the eldest
        if low in ("who", "whom"):  # "Daniel, who was seen alone": the parse's noun, else the word before
            before = i - 2 if i >= 2 and self.doc[i - 1].text == "," else i - 1
            heads = [token.head.head.i] if self.parsed and token.head.dep_ == "relcl" else []
            for j in heads + [before]:
                if j != i and 0 <= j and (j in people.name_of or j in people.roles):
                    found = self.meant_by(self.doc[j])
                    if found:
                        return found
            return []
        if low in PLURAL_PRONOUNS:
            return self.group_before(token)
        if low in GROUP_WORDS:
            if self.parsed and token.dep_ in ("det", "predet", "preconj", "cc", "advmod") and \
                    not self._names_people(token.head):
                return []  # "either bedroom", "all day": not children
            return self.group_before(token)
        if low in people.lex.pronouns:
            gender = people.lex.pronouns[low]
            found = self.of_ref(people.ref(token))
            if any(self.children[k].gender not in (gender, None) for k in found if gender in ("f", "m")):
                # resolved before the note said the child's gender ("The boy ... he" taken for the
                # baby later called "her"): not this child; a wrong child is worse than none
                found = []
            grouped = self._group_just_before(token, gender)
            if grouped is not None and not set(found) & set(self.mentioned_in(sentence_of(token), named_only=True)):
                return grouped  # "I saw the eldest on her own in her room": her is the eldest
            return found or self._nearest_child(token, gender) or self._child_alternative(token)
        return []

    def _group_just_before(self, token: Token, gender: str) -> list[int] | None:
        """The one child a group phrase earlier in the pronoun's sentence means ("the eldest",
        "the middle one"), when it is the nearest mention of a child before the pronoun and
        their gender fits (People resolves pronouns to names and roles, not to group phrases)."""
        for i in range(token.i - 1, sentence_of(token).start - 1, -1):
            group = self._group_at.get(i)
            if group is not None:
                meant = self._in_group(group, self.doc[group.start])
                fits = len(meant) == 1 and self.children[meant[0]].gender in (gender, None)
                return meant if fits and group.singular else None
            if i in self.people.name_of or i in self.people.roles:
                return None
        return None

    def _bound_to_subject(self, token: Token, gender: str) -> list[int]:
        """A possessive in a clause whose subject is a child of the visit (named or by a
        group phrase) means that subject when number and gender fit."""
        verb = token.head
        for _ in range(6):
            if verb.tag_.startswith("VB") or verb.head.i == verb.i:
                break
            verb = verb.head
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.i == token.i or subject.lower_ in self.people.lex.pronouns:
            return []
        if not (subject.i in self.people.name_of or subject.i in self._group_at or subject.i in self.people.roles):
            return []
        meant = self.meant_by(subject)
        if gender == "plural":
            return meant if len(meant) >= 2 else []
        fits = len(meant) == 1 and self.children[meant[0]].gender in (gender, None)
        return meant if fits else []

    def _names_people(self, token: Token) -> bool:
        i = token.i
        return i in self.people.name_of or i in self.people.roles or i in self._group_at \
            or token.lower_ in PLURAL_PRONOUNS

    def _by_role(self, head: int) -> list[int]:
        if head in self._unnamed_heads:
            return [self._unnamed_heads[head]]
        named = self.people.named_by_role.get(head)
        if named is not None:
            index = self._index.get(self.people.named_ref(named).key)
            return [index] if index is not None else []
        entry, start, end = self.people.roles[head]
        if entry["kind"] != "child":
            return []
        words = " ".join(self.people.t.lower[start:end])
        if entry.get("plural"):
            if words in _BOYS or words in _GIRLS:
                gender = "m" if words in _BOYS else "f"
                chosen = [i for i in self.everyone if self.children[i].gender in (gender, None)]
                return chosen or self.everyone
            if "twin" in words:
                return self._twins()
            if entry["role"] == "sibling" or "both" in words:  # "her brother and sisters", "both children"
                return self.group_before(self.doc[head])
            return self.everyone
        if entry["role"] == "sibling":  # "her brother": the one child of that gender, if only one
            gender = entry.get("gender")
            chosen = [i for i in self.everyone if self.children[i].gender == gender]
            return chosen if len(chosen) == 1 else []
        gender = entry.get("gender")
        if gender is not None and start > 0 and self.people.t.lower[start - 1] == "the" or \
                gender is not None and self.people.t.lower[start] == "the":
            # "the boy", "the girl": the one child who can be of that gender (every other child's
            # gender said otherwise); with two who could be, nobody ("a boy in his class": not ours)
            chosen = [i for i in self.everyone if self.children[i].gender in (gender, None)]
            return chosen if len(chosen) == 1 else []
        return self.everyone if len(self.everyone) == 1 else []

    def in_group(self, token: Token) -> bool:
        return token.i in self._group_at

    def _child_alternative(self, token: Token) -> list[int]:
        """'Obviously her bedroom was not seen' after a sentence about her brother and mum: the
        most likely child of those the pronoun may mean, when the person it most likely means
        is not a child of the visit."""
        if token.lower_ not in ("her", "his") or token.dep_ != "poss" or token.head.lower_ not in _ROOM_WORDS:
            return []
        for ref in self.people.alternatives(token):
            found = self.of_ref(ref)
            if found:
                return found
        return []

    def _nearest_child(self, token: Token, gender: str) -> list[int]:
        """A pronoun People did not tie to a child of the visit (in statements about seeing a
        child it nearly always means one): the nearest child named before it in the sentence,
        else in the sentence before, whose gender fits."""
        sentences = parser_sentences(self.doc)
        sent = sentence_of(token)
        position = next(k for k, s in enumerate(sentences) if s.start == sent.start)
        start = sentences[position - 1].start if position > 0 else sent.start
        for i in range(token.i - 1, start - 1, -1):
            if i in self.people.name_of or i in self.people.roles:
                found = self.meant_by(self.doc[i])
                if len(found) == 1 and self.children[found[0]].gender in (gender, None):
                    return found
                if not found and i in self.people.roles and self.people.roles[i][0]["kind"] == "child" and \
                        self.people.roles[i][0].get("gender") in (gender, None):
                    return []  # "The boy ..., he": the nearest child is one we cannot tell, not one further back
        return []

    def mentioned_in(self, span: Span, *, named_only: bool = False, skip_groups: bool = False) -> list[int]:
        """Every child a word of the span means, in order (named_only: by name, role word or
        group phrase, not by a pronoun; skip_groups: not by a group phrase either)."""
        found: list[int] = []
        for _, indices in self.mentions(span, named_only=named_only, skip_groups=skip_groups):
            found += [i for i in indices if i not in found]
        return found

    def mentions(self, span: Span, *, named_only: bool = False,
                 skip_groups: bool = False) -> list[tuple[int, list[int]]]:
        """(word, the children it means) for each mention of children in the span, in order."""
        found: list[tuple[int, list[int]]] = []
        for token in span:
            group = self._group_at.get(token.i)
            if group is not None and (skip_groups or group.start != token.i):
                continue  # one group phrase is one mention
            if group is None and token.i in self.people.phrase_head:
                continue  # one role phrase is one mention
            if named_only and group is None and token.i not in self.people.name_of and token.i not in self.people.roles:
                continue
            indices = self.meant_by(token)
            if indices:
                found.append((token.i, indices))
        return found
