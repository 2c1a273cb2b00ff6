"""Names in a note and what the note says about each: role ("mum Sarah", "her partner
Craig", "Leanne, mum,"), age ("Kayden, 7", "Kayden who is 7") and gender (from the
pronouns used after it). No NER: proper nouns in person positions, minus places."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from pipeline.drafting.ages import age_after, age_before, list_ages
from pipeline.drafting.person_words import REPORTING_HEADS, Lexicon
from pipeline.drafting.doc_views import parser_sentences, token_table

RoleSpans = dict[int, tuple[dict, int, int]]  # role head word -> (role entry, start, end)
_POSSESSIVES = {"his", "her", "their", "my", "your", "our", "its"}
_NAMED_CONDITIONS = {(s, w) for s in ("'s", "’s") for w in ("disease", "syndrome", "palsy", "disorder", "law")}
_AGE_WORDS = {"who", "is", "aged", "age", "years", "year", "old", "months", "month", "weeks", ",", "("}


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
        self.t = token_table(doc)
        self.name_of: dict[int, str] = {}  # token index -> name key
        self.names: dict[str, NameInfo] = {}
        self.named_by_role: dict[int, str] = {}  # role word -> the name said with it ("mum Sarah")
        self.sentence_starts = {sent.start for sent in parser_sentences(doc)}
        self.role_words = {i for _, start, end in roles.values() for i in range(start, end)}
        # "her" in "her partner Darren": a possessive just before a role phrase
        self.roles_start = {start - 1 for _, start, _ in roles.values() if start > 0}
        self._find_names(known)
        self._name_roles_and_ages()
        self._known_people_everywhere()
        self._vote_genders()

    def _is_name_candidate(self, i: int, known: set[str]) -> bool:
        text, low = self.t.text[i], self.t.lower[i]
        if low in known:
            return True
        if not (text[:1].isupper() and text.isalpha()) or (len(text) > 1 and text.isupper()):
            return False
        if low in self.lex.not_names or low in self.lex.titles or i in self.roles or i in self.role_words:
            return False
        if i > 0 and self.t.lower[i - 1] in _POSSESSIVES:
            return False  # "his PlayStation", "her Snapchat": a thing someone has, not a person
        if tuple(self.t.lower[i + 1:i + 3]) in _NAMED_CONDITIONS:
            return False  # "Crohn's disease", "Down's syndrome": a condition named after someone
        if self._in_organisation_name(i):
            return False  # "the Freedom Programme"
        if i > 0 and self.t.lower[i - 1] in self.lex.animal_words:
            return False  # "their dog Max"
        if self.parsed:
            if self.t.tag[i] not in ("NNP", "NNPS") and \
                    not (i in self.sentence_starts and self._named_here(self.t.tokens[i])):
                return False
        elif i in self.sentence_starts:
            return False
        return self._listed_person(i) or not self._is_place(self.t.tokens[i])

    def _in_organisation_name(self, i: int) -> bool:
        """A run of capitalised words ending in an organisation word ('Freedom Programme')."""
        text, lower = self.t.text, self.t.lower
        if lower[i] in self.lex.organisation_words and i > 0 and text[i - 1][:1].isupper() and text[i - 1].isalpha():
            return True  # "Programme" in "Freedom Programme"
        j = i
        while j < len(text) and text[j][:1].isupper() and text[j].isalpha():
            if lower[j] in self.lex.organisation_words and j > i:
                return True
            j += 1
        return False

    def _listed_person(self, i: int) -> bool:
        """'to see Lily, 7, and Jack, 5, at home': a name said with an age, or listed after a
        name, is a person even where the parse takes it for a place."""
        if age_after(self.t, i + 1) is not None:
            return True
        j = i - 1
        if j < 1 or self.t.lower[j] not in (",", "and"):
            return False
        j -= 1
        while j >= 0 and (self.t.tokens[j].like_num or self.t.lower[j] in (",", "(", ")")):
            j -= 1
        return j in self.name_of

    def _named_here(self, token: Token) -> bool:
        """A capitalised first word the tagger took for a common noun, but said like a name:
        "Riley is 8.", "Riley, 8, said..."."""
        if token.tag_ not in ("NN", "NNS", "NNP", "NNPS") or token.lower_ in self.lex.pronouns:
            return False
        nxt = self.t.lower[token.i + 1] if token.i + 1 < len(self.t.lower) else ""
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
        text, lower, count = self.t.text, self.t.lower, len(self.t.tokens)
        i = 0
        while i < count:
            title = lower[i].rstrip(".") in self.lex.titles and text[i][:1].isupper()
            if title and i + 1 < count and text[i + 1][:1].isupper():
                key = f"{text[i].rstrip('.')} {text[i + 1]}"
                for j in (i, i + 1):
                    self.name_of[j] = key
                self.names.setdefault(key, NameInfo(text=key, title=lower[i].rstrip(".")))
                i += 2
                continue
            if self._is_name_candidate(i, known):
                end = self._hyphenated_end(i)  # "Ellie-Mae", "Tia-Lou": one name
                key = "".join(text[i:end])
                for j in range(i, end):
                    self.name_of[j] = key
                self.names.setdefault(key, NameInfo(text=key))
                i = end
                continue
            i += 1
        # a name found once is a name everywhere ("Grace was seen" tagged as a common noun)
        for i, word in enumerate(text):
            if word in self.names and i not in self.name_of and \
                    (i > 0 and lower[i - 1] == "at" or not self._is_place(self.t.tokens[i])):
                self.name_of[i] = word

    def _known_people_everywhere(self) -> None:
        """A name known to be a child or an adult of the family is that person wherever it is
        said, even where the parse hangs it on a noun ('the room Kyle shares', 'Ricky smokes
        weed' parsed as compounds)."""
        lower = self.t.lower
        for i, word in enumerate(self.t.text):
            name = self.names.get(word)
            if name is None or i in self.name_of or name.kind in (None, "unknown", "professional"):
                continue
            token = self.t.tokens[i]
            if token.tag_ in ("NNP", "NNPS") and not (token.dep_ == "pobj" and token.head.lower_ in self.lex.place_prepositions
                                                      and lower[i - 1] != "at"):
                self.name_of[i] = word

    def _hyphenated_end(self, i: int) -> int:
        """The end of a name joined by hyphens without spaces ('Ellie-Mae')."""
        tokens, text = self.t.tokens, self.t.text
        end = i + 1
        while end + 1 < len(text) and text[end] == "-" and not tokens[end - 1].whitespace_ \
                and not tokens[end].whitespace_ and text[end + 1][:1].isupper() and text[end + 1].isalpha():
            end += 2
        return end

    def _name_roles_and_ages(self) -> None:
        for i, key in sorted(self.name_of.items()):  # in order: a list inherits from its first name
            name = self.names[key]
            if name.age is None:
                name.age = self.age_after(i + 1) if self._last_of_name(i) else None
            if name.age is None and self._first_of_name(i):
                name.age = age_before(self.t, i)
            if name.role is None:
                role_i = self._role_next_to(i)
                if role_i is not None:
                    entry = self.roles[role_i][0]
                    name.role, name.kind, name.role_token = entry["role"], entry["kind"], role_i
                    if role_i < i:
                        self.named_by_role[role_i] = key
                    name.gender = name.gender or (None if entry.get("plural") else entry.get("gender"))
            if name.role is None and self._listed_child(i):
                name.role, name.kind = "child", "child"  # "the children Kayden, Lacey and Ruby"
            listed_parent = self._listed_parent(i) if name.role is None else None
            if listed_parent is not None:  # "their parents Claire and Dean"
                name.role, name.kind = listed_parent.role, listed_parent.kind
            if name.role is None and name.age is not None and name.age < self.lex.adult_age:
                name.role, name.kind = "child", "child"
            if name.role is None and self._lives_with(i):
                name.role, name.kind = "carer", "parent_carer"
        for i, key in sorted(self.name_of.items()):
            name = self.names[key]
            if name.kind in (None, "household_member") and name.age is None and self._cares_for_children(i):
                name.kind = "parent_carer"  # kinship carers are the children's carers
                name.role = name.role or "carer"
        self._ages_of_lists()
        for i, key in sorted(self.name_of.items()):
            name = self.names[key]
            if name.role is None and name.age is None and name.title in (None, "mr", "mrs", "ms", "miss"):
                parent = self._parent_of_children(i)
                if parent is not None:
                    name.role, name.kind = parent[:2]
                    name.gender = name.gender or parent[2]
        for name in self.names.values():
            if name.role == "sibling" and name.age is not None and name.age >= self.lex.adult_age:
                name.kind = "household_member"
            if name.role is None and name.title is None and self._visited(name.text):
                name.role, name.kind = "child", "child"
        self._parents_of_parents()

    def _ages_of_lists(self) -> None:
        """'Sophie and Ella, who are 12 and 9', 'the twins, Kai and Kobe, who are 15'."""
        plural = {i for entry, start, end in self.roles.values() if entry.get("plural") for i in range(start, end)}
        for key, value in list_ages(self.t, self.name_of, plural).items():
            name = self.names[key]
            if name.age is None:
                name.age = value
                if name.role is None and value < self.lex.adult_age:
                    name.role, name.kind = "child", "child"

    def _listed_parent(self, i: int) -> NameInfo | None:
        """'their parents Claire and Dean', 'maternal grandparents Pauline and Dave': a name
        listed after one that a plural adult role word named."""
        j = i - 1
        if j < 1 or self.t.lower[j] not in (",", "and"):
            return None
        before = self.names.get(self.name_of.get(j - 1, ""))
        if before is None or before.kind not in ("parent_carer", "household_member") or before.role_token is None:
            return None
        return before if self.roles[before.role_token][0].get("plural") else None

    def _cares_for_children(self, i: int) -> bool:
        """'Pauline and Dave, who care for Ellie-Mae, Ryan and Theo': the children's carers."""
        lower = self.t.lower
        j = i + 1
        while j < len(lower) and (lower[j] in (",", "and") or j in self.name_of):
            j += 1
        words = " ".join(lower[j:j + 4])
        return words.startswith(("who care for", "who cares for", "who look after", "who looks after",
                                 "who have cared for", "who has cared for"))

    def _listed_child(self, i: int) -> bool:
        """A name in a list after a child's name: 'the children Kayden, Lacey and Ruby'."""
        j = i - 1
        if j < 1 or self.t.lower[j] not in (",", "and"):
            return False
        j -= 1
        while j >= 0 and j not in self.name_of and (self.t.tokens[j].like_num or self.t.lower[j] in _AGE_WORDS):
            j -= 1
        before = self.names.get(self.name_of.get(j, ""))
        return before is not None and before.kind == "child" and before.role in ("child", "sibling") \
            and before.role_token is not None

    def _parent_of_children(self, i: int) -> tuple[str, str, str | None] | None:
        """'Courtney and her children', 'Mark and Jo about their children', 'Shane and the
        kids', 'Samira, who was at home with all four children': said before the children as
        theirs, a name with no age of its own is their parent (or grandparent) and carer."""
        end = self._sentence_end(i)
        for head in range(i + 1, end):
            entry = self.roles.get(head)
            if entry is None or entry[0]["kind"] != "child" or entry[0]["role"] != "child":
                continue
            role, start, _ = entry
            owner = self.t.lower[start - 1] if start > 0 else ""
            if owner == "," or owner == "the" and start > 1 and self.t.lower[start - 2] == ",":
                continue  # "Kai and Kobe, the twins,": the list named again, not its parent's children
            if not (role.get("plural") or owner in ("her", "his", "their")):
                continue
            if any(j in self.name_of and self.names[self.name_of[j]].age is not None for j in range(i + 1, start)):
                return None  # "Kayden, 7, and the other children": a child's name
            gender = {"her": "f", "his": "m"}.get(owner)
            if self.t.lower[head].startswith("grand"):
                return "grandparent", "parent_carer", gender
            return {"her": "mother", "his": "father"}.get(owner, "parent"), "parent_carer", gender
        return None

    def _parents_of_parents(self) -> None:
        """'Kirsty's mother Jean': the mother of a parent is a grandparent in the household."""
        for head, key in self.named_by_role.items():
            name = self.names[key]
            start = self.roles[head][1]
            if name.role in ("mother", "father") and start >= 2 and self.t.lower[start - 1] in ("'s", "’s"):
                owner = self.names.get(self.name_of.get(start - 2, ""))
                if owner is not None and owner.kind == "parent_carer":
                    name.role, name.kind = "grandparent", "household_member"

    def _sentence_end(self, i: int) -> int:
        for sent in parser_sentences(self.doc):
            if sent.start <= i < sent.end:
                return sent.end
        return len(self.t.tokens)

    def _lives_with(self, i: int) -> bool:
        """'living with Mrs Thompson', 'her placement with Janet': the child's carer."""
        j = i - 1
        while j >= 0 and self.name_of.get(j) == self.name_of[i]:
            j -= 1
        if j < 0 or self.t.lower[j] != "with":
            return False
        before = set(self.t.lower[max(0, j - 3):j])
        return bool(before & {"living", "lives", "live", "placement", "placed", "staying", "stays"})

    def _last_of_name(self, i: int) -> bool:
        return self.name_of.get(i + 1) != self.name_of[i]

    def _first_of_name(self, i: int) -> bool:
        return self.name_of.get(i - 1) != self.name_of[i]

    def _role_next_to(self, i: int) -> int | None:
        """'mum Sarah', 'Mum, Leanne', 'her partner Craig'; or 'Leanne, mum,'."""
        j = i - 1
        if j >= 0 and self.name_of.get(j) == self.name_of[i]:
            j -= 1  # skip a title
        if j >= 0 and self.t.text[j] == ",":
            j -= 1
        elif j >= 1 and self.t.lower[j] in ("called", "named"):
            j -= 1  # "a 24 year old man called Dean"
        if j >= 0 and j in self.roles and self.roles[j][0]["kind"] != "professional":
            return j
        k = i + 1
        lower, count = self.t.lower, len(self.t.lower)
        if k >= count or self.t.text[k] != ",":
            return None
        k += 1  # an apposition after a comma: "Leanne, mum," / "Craig, mum's partner"
        if k < count and lower[k] in ("his", "her", "their", "the"):
            k += 1
        elif k + 1 < count and lower[k + 1] in ("'s", "’s"):
            k += 2
        for head, (entry, start, end) in self.roles.items():
            if start == k and entry["kind"] != "professional":
                # "Leanne, her partner Darren": the partner is Darren, not Leanne;
                # "Kirsty, the twins, and Jean": one person is not a group
                return None if end in self.name_of or entry.get("plural") else head
        return None

    def age_after(self, k: int) -> int | None:
        return age_after(self.t, k)

    def _visited(self, text: str) -> bool:
        """The person the visit was to: 'visit to Kayden', 'visited Amelia'."""
        pattern = re.compile(r"\b(visit(ed)?|interview|saw)\b[^.]{0,40}?\b(to|with)?\s*" + re.escape(text) + r"\b",
                             re.IGNORECASE)
        first = parser_sentences(self.doc)[0] if len(self.doc) else None
        return bool(first is not None and pattern.search(first.text))

    def _vote_reported_speakers(self) -> None:
        """'Sophie told me her boyfriend Callum checks her phone': the first pronoun of what a
        named speaker reports, before anyone else is named, is the speaker."""
        for i, key in list(self.name_of.items()):
            token = self.t.tokens[i]
            if token.dep_ != "nsubj" or token.head.lower_ not in REPORTING_HEADS:
                continue
            said = next((c for c in token.head.children if c.dep_ == "ccomp"), None)
            if said is None:
                continue
            for j in range(said.left_edge.i, said.right_edge.i + 1):
                if j in self.name_of or j in self.roles:
                    break  # someone else is named first: the pronoun may be theirs
                gender = self.lex.pronouns.get(self.t.lower[j])
                if gender in ("f", "m") and self.t.tokens[j].dep_ in ("nsubj", "nsubjpass", "poss"):
                    votes = self.names[key].votes
                    votes[gender] = votes.get(gender, 0) + 1
                    break

    def _vote_genders(self) -> None:
        """'Kayden said he...' / 'Kayden showed me his room': a name's gender from its pronouns."""
        for sent in parser_sentences(self.doc):
            indices = range(sent.start, sent.end)
            named = [i for i in indices if i in self.name_of]
            persons = {self.name_of[i] for i in named}
            if len(persons) != 1:
                continue
            key = persons.pop()
            first = named[0]
            for i in indices:
                gender = self.lex.pronouns.get(self.t.lower[i])
                if i in self.roles and self.roles[i][0]["kind"] != "professional" and i > first:
                    break  # a person word before the pronoun: it may mean that one
                if i <= first or gender not in ("f", "m"):
                    continue
                subject_like = self.t.tokens[i].dep_ in ("nsubj", "nsubjpass", "poss") if self.parsed \
                    else self.t.lower[i] in ("he", "she", "his")
                if subject_like:
                    votes = self.names[key].votes
                    votes[gender] = votes.get(gender, 0) + 1
                    break
        if self.parsed:
            self._vote_reported_speakers()
        for i, key in self.name_of.items():  # "Leanne, her partner Darren": Leanne is a she
            j = i + 1
            if j + 1 < len(self.t.lower) and self.t.lower[j] == "," and j + 1 in self.roles_start:
                gender = self.lex.pronouns.get(self.t.lower[j + 1])
                if gender in ("f", "m"):
                    votes = self.names[key].votes
                    votes[gender] = votes.get(gender, 0) + 1
        for name in self.names.values():
            if name.gender is None and name.votes:
                name.gender = max(name.votes, key=name.votes.get)

