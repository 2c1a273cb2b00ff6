"""Names in a note and what the note says about each: role ("mum Sarah", "her partner
Craig", "Leanne, mum,"), age ("Kayden, 7", "Kayden who is 7") and gender (from the
pronouns used after it). No NER: proper nouns in person positions, minus places."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from pipeline.drafting.person_words import Lexicon, number
from pipeline.drafting.sentences import parser_sentences

RoleSpans = dict[int, tuple[dict, int, int]]  # role head word -> (role entry, start, end)


@dataclass
class NameInfo:
    text: str
    role: str | None = None
    kind: str | None = None
    gender: str | None = None
    age: int | None = None
    role_token: int | None = None  # the role word that named them ("her partner Craig")
    title: str | None = None
    votes: dict[str, int] = field(default_factory=dict)



class Names:
    def __init__(self, doc: Doc, *, parsed: bool, lex: Lexicon, roles: RoleSpans, known: set[str]) -> None:
        self.doc, self.parsed, self.lex, self.roles = doc, parsed, lex, roles
        self.name_of: dict[int, str] = {}  # token index -> name key
        self.names: dict[str, NameInfo] = {}
        self.named_by_role: dict[int, str] = {}  # role word -> the name said with it ("mum Sarah")
        self.sentence_starts = {sent.start for sent in parser_sentences(doc)}
        self.role_words = {i for _, start, end in roles.values() for i in range(start, end)}
        self._find_names(known)
        self._name_roles_and_ages()
        self._vote_genders()

    def _is_name_candidate(self, token: Token, known: set[str]) -> bool:
        text = token.text
        if token.lower_ in known:
            return True
        if not (text[:1].isupper() and text.isalpha()) or (len(text) > 1 and text.isupper()):
            return False
        low = token.lower_
        if low in self.lex.not_names or low in self.lex.titles or token.i in self.roles:
            return False
        if token.i in self.role_words:
            return False
        if self.parsed:
            if token.tag_ not in ("NNP", "NNPS") and not (token.i in self.sentence_starts and self._named_here(token)):
                return False
        elif token.i in self.sentence_starts:
            return False
        return not self._is_place(token)

    def _named_here(self, token: Token) -> bool:
        """A capitalised first word the tagger took for a common noun, but said like a name:
        "Riley is 8.", "Riley, 8, said..."."""
        if token.tag_ not in ("NN", "NNS", "NNP", "NNPS") or token.lower_ in self.lex.pronouns:
            return False
        nxt = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
        return self.age_after(token.i + 1) is not None or nxt in ("said", "told", "says", "tells")

    def _is_place(self, token: Token) -> bool:
        prev = token.nbor(-1).lower_ if token.i > 0 else ""
        if self.parsed:
            head = token.head
            if token.dep_ == "pobj" and head.lower_ in self.lex.place_prepositions:
                return True
            if token.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ in self.lex.travel_words:
                return True
            while token.dep_ == "compound" and head.dep_ == "compound" and head.head.i != head.i:
                token, head = head, head.head
            return token.dep_ == "compound" and head.tag_ in ("NN", "NNS") and head.i not in self.roles
        return prev in self.lex.place_prepositions

    def _find_names(self, known: set[str]) -> None:
        i = 0
        while i < len(self.doc):
            token = self.doc[i]
            title = token.lower_.rstrip(".") in self.lex.titles and token.text[:1].isupper()
            if title and i + 1 < len(self.doc) and self.doc[i + 1].text[:1].isupper():
                key = f"{token.text.rstrip('.')} {self.doc[i + 1].text}"
                for j in (i, i + 1):
                    self.name_of[j] = key
                self.names.setdefault(key, NameInfo(text=key, title=token.lower_.rstrip(".")))
                i += 2
                continue
            if self._is_name_candidate(token, known):
                key = token.text
                self.name_of[i] = key
                self.names.setdefault(key, NameInfo(text=key))
            i += 1
        # a name found once is a name everywhere ("Grace was seen" tagged as a common noun)
        for token in self.doc:
            if token.i not in self.name_of and token.text in self.names and not self._is_place(token):
                self.name_of[token.i] = token.text

    def _name_roles_and_ages(self) -> None:
        for i, key in self.name_of.items():
            name = self.names[key]
            if name.age is None:
                name.age = self.age_after(i + 1) if self._last_of_name(i) else None
            if name.age is None and i >= 1 and self.doc[i - 1].like_num and self._years_before(i - 1):
                name.age = number(self.doc[i - 1].text)
            if name.role is None:
                role_i = self._role_next_to(i)
                if role_i is not None:
                    entry = self.roles[role_i][0]
                    name.role, name.kind, name.role_token = entry["role"], entry["kind"], role_i
                    if role_i < i:
                        self.named_by_role[role_i] = key
                    name.gender = name.gender or (None if entry.get("plural") else entry.get("gender"))
            if name.role is None and name.age is not None and name.age < self.lex.adult_age:
                name.role, name.kind = "child", "child"
            if name.role is None and self._lives_with(i):
                name.role, name.kind = "carer", "parent_carer"
        for name in self.names.values():
            if name.role == "sibling" and name.age is not None and name.age >= self.lex.adult_age:
                name.kind = "household_member"
            if name.role is None and name.title is None and self._visited(name.text):
                name.role, name.kind = "child", "child"

    def _lives_with(self, i: int) -> bool:
        """'living with Mrs Thompson', 'her placement with Janet': the child's carer."""
        j = i - 1
        while j >= 0 and self.name_of.get(j) == self.name_of[i]:
            j -= 1
        if j < 0 or self.doc[j].lower_ != "with":
            return False
        before = {t.lower_ for t in self.doc[max(0, j - 3):j]}
        return bool(before & {"living", "lives", "live", "placement", "placed", "staying", "stays"})

    def _last_of_name(self, i: int) -> bool:
        return self.name_of.get(i + 1) != self.name_of[i]

    def _role_next_to(self, i: int) -> int | None:
        """'mum Sarah', 'Mum, Leanne', 'her partner Craig'; or 'Leanne, mum,'."""
        j = i - 1
        if j >= 0 and self.name_of.get(j) == self.name_of[i]:
            j -= 1  # skip a title
        if j >= 0 and self.doc[j].text == ",":
            j -= 1
        if j >= 0 and j in self.roles and self.roles[j][0]["kind"] != "professional":
            return j
        k = i + 1
        if k >= len(self.doc) or self.doc[k].text != ",":
            return None
        k += 1  # an apposition after a comma: "Leanne, mum," / "Craig, mum's partner"
        if k < len(self.doc) and self.doc[k].lower_ in ("his", "her", "their", "the"):
            k += 1
        elif k + 1 < len(self.doc) and self.doc[k + 1].lower_ in ("'s", "’s"):
            k += 2
        for head, (entry, start, _) in self.roles.items():
            if start == k and entry["kind"] != "professional":
                return head
        return None

    def age_after(self, k: int) -> int | None:
        words = self.doc
        j = k
        if j < len(words) and words[j].text in (",", "("):
            j += 1
        while j < len(words) and words[j].lower_ in ("who", "is", "was", "'s", "aged", "age", "now", "just"):
            j += 1
        if j < len(words) and words[j].like_num and j - k <= 4:
            value = number(words[j].text)
            nxt = words[j + 1].lower_ if j + 1 < len(words) else ""
            if nxt in ("months", "month", "weeks", "week", "days"):
                return 0
            if value is not None and value < 100 and nxt not in ("pounds", "percent", "%", "times", "o'clock", "am", "pm"):
                return value
        return None

    def _years_before(self, j: int) -> bool:
        return j + 2 < len(self.doc) and self.doc[j + 1].lower_ in ("year", "years") and \
            self.doc[j + 2].lower_.startswith("old")

    def _visited(self, text: str) -> bool:
        """The person the visit was to: 'visit to Kayden', 'visited Amelia'."""
        pattern = re.compile(r"\b(visit(ed)?|interview|saw)\b[^.]{0,40}?\b(to|with)?\s*" + re.escape(text) + r"\b",
                             re.IGNORECASE)
        first = parser_sentences(self.doc)[0] if len(self.doc) else None
        return bool(first is not None and pattern.search(first.text))

    def _vote_genders(self) -> None:
        """'Kayden said he...' / 'Kayden showed me his room': a name's gender from its pronouns."""
        for sent in parser_sentences(self.doc):
            name_tokens = [t for t in sent if t.i in self.name_of]
            persons = {self.name_of[t.i] for t in name_tokens}
            others = [t for t in sent if t.i in self.roles and self.roles[t.i][0]["kind"] != "professional"]
            if len(persons) != 1 or others:
                continue
            key = persons.pop()
            first = name_tokens[0].i
            for token in sent:
                gender = self.lex.pronouns.get(token.lower_)
                subject_like = token.dep_ in ("nsubj", "nsubjpass", "poss") if self.parsed \
                    else token.lower_ in ("he", "she", "his")
                if token.i > first and gender in ("f", "m") and subject_like:
                    votes = self.names[key].votes
                    votes[gender] = votes.get(gender, 0) + 1
                    break
        for name in self.names.values():
            if name.gender is None and name.votes:
                name.gender = max(name.votes, key=name.votes.get)

