"""What a note says of each named person: role ("mum Sarah", "her partner Craig", "Leanne,
mum,", "their parents Claire and Dean", "Courtney and her children", "as arranged with
Angela"), kind and age ("Kayden, 7", "Sophie and Ella, who are 12 and 9"). ``Names``
(``names.py``) finds the names and inherits these rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from pipeline.drafting.ages import age_after, age_before, list_ages
from pipeline.drafting.doc_views import TokenTable, parser_sentences
from pipeline.drafting.family_ties import _ORDER_WORDS, FamilyTies
from pipeline.drafting.person_words import Lexicon, number

RoleSpans = dict[int, tuple[dict, int, int]]  # role head word -> (role entry, start, end)
_ARRANGING = {"arranged", "agreed", "arrangement", "booked", "planned", "organised", "organized"}
# professional words that name a place or a service, not one person ("the school Maisie goes to")
_PLACES = {"school", "nursery", "college", "hospital", "ward", "police", "camhs", "housing", "probation", "yot",
           "centre", "service", "team", "ambulance"}
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
    adult_nickname: bool = False  # "Big Dave", "Old Tom": an adult, never a child of the visit
    votes: dict[str, int] = field(default_factory=dict)


class NameRoles(FamilyTies):
    """Roles, kinds and ages of the names found (``Names`` sets these attributes)."""

    doc: Doc
    parsed: bool
    lex: Lexicon
    roles: RoleSpans
    t: TokenTable
    name_of: dict[int, str]
    names: dict[str, NameInfo]
    named_by_role: dict[int, str]

    def _name_roles_and_ages(self) -> None:
        for i, key in sorted(self.name_of.items()):  # in order: a list inherits from its first name
            name = self.names[key]
            if name.age is None:
                name.age = self.age_after(i + 1) if self._last_of_name(i) else None
            if name.age is None and self._first_of_name(i):
                name.age = age_before(self.t, i)
            if name.role is None:
                role_i = self._role_next_to(i)
                if role_i is not None and name.age is not None and name.age < self.lex.adult_age and \
                        self.roles[role_i][0]["kind"] == "parent_carer":
                    role_i = None  # "Kai, 10, mum's son": a child's age outweighs a parent's word beside it
                if role_i is not None:
                    entry = self.roles[role_i][0]
                    name.role, name.kind, name.role_token = entry["role"], entry["kind"], role_i
                    if role_i < i:
                        self.named_by_role[role_i] = key
                    elif name.age is None:  # "Kane, Jodie's son, who is 16": the age after the role
                        name.age = self.age_after(self.roles[role_i][2])
                    name.gender = name.gender or (None if entry.get("plural") else entry.get("gender"))
                if name.gender is None and role_i is not None and role_i < i:  # "the children, Sophie, 8, who
                    after = self._role_after(i)                                 # is Mark's daughter": a girl
                    if after is not None and self.roles[after][0]["kind"] == name.kind:
                        name.gender = self.roles[after][0].get("gender")
            if name.role is None and self._listed_child(i):
                name.role, name.kind = "child", "child"  # "the children Kayden, Lacey and Ruby"
            listed_parent = self._listed_parent(i) if name.role is None else None
            if listed_parent is not None:  # "their parents Claire and Dean"
                name.role, name.kind = listed_parent.role, listed_parent.kind
            if name.role is None and name.age is not None and name.age < self.lex.adult_age:
                name.role, name.kind = "child", "child"
            if name.role is None and self._lives_with(i):
                name.role, name.kind = "carer", "parent_carer"
            if name.role is None and self._lodges(i):
                name.role, name.kind = "relative", "household_member"  # a lodger of the household
            if name.role is None and name.age is None and (self._arranged_with(i) or self._with_partner(i)):
                name.role, name.kind = "parent", "parent_carer"
        self._lists_named_by_group()
        self._twins_named_after()
        self._children_from_outside()
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
                elif self._owns_a_child(i):  # "Sophie, 8, Mark's daughter": Mark is her parent
                    name.role, name.kind = "parent", "parent_carer"
                elif self._at_home_with_children(i):
                    name.role, name.kind = "parent", "parent_carer"
                elif name.title in ("mr", "mrs") and self._couple(i):  # "Present: Mr and Mrs Adeyemi, Esther, 14"
                    name.role, name.gender = ("father", "m") if name.title == "mr" else ("mother", "f")
                    name.kind = "parent_carer"
        self._siblings_of_parents()
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
        kids', 'Samira, who was at home with all four children', 'Sharon and her three
        children', 'Rob and his two, Reece and Grace', 'after his eldest, Jessica, ...': said
        before the children as theirs, a name with no age of its own is their parent (or
        grandparent) and carer."""
        end = self._sentence_end(i)
        for head in range(i + 1, end):
            entry = self.roles.get(head)
            if entry is not None and entry[0]["kind"] == "child" and entry[0]["role"] == "child":
                role, start, _ = entry
                plural = bool(role.get("plural"))
            elif self._brood_without_role(head):  # "his two," / "her eldest, Jessica"
                start, plural = head + 1, True
            else:
                continue
            j = start - 1
            while j > i and (self.t.lower[j] in _ORDER_WORDS or number(self.t.lower[j]) is not None):
                j -= 1  # "her three children", "his eldest son"
            owner = self.t.lower[j] if j >= 0 else ""
            if owner == "," or owner == "the" and j > 0 and self.t.lower[j - 1] == ",":
                continue  # "Kai and Kobe, the twins,": the list named again, not its parent's children
            if not (plural or owner in ("her", "his", "their")):
                continue
            if owner not in ("her", "his", "their") and self._in_relative_clause(start):
                continue  # "Ruby ... in the bedroom the twins share": not her children
            if any(k in self.name_of and self.names[self.name_of[k]].age is not None for k in range(i + 1, j)):
                return None  # "Kayden, 7, and the other children": a child's name
            gender = {"her": "f", "his": "m"}.get(owner)
            if self.t.lower[head].startswith("grand"):
                return "grandparent", "parent_carer", gender
            return {"her": "mother", "his": "father"}.get(owner, "parent"), "parent_carer", gender
        return None

    def _brood_without_role(self, k: int) -> bool:
        """'her two, Lily and Jack', 'his eldest, Jessica': a parent's children said by their
        number or order alone."""
        lower = self.t.lower
        if k + 2 >= len(lower) or lower[k] not in ("his", "her", "their"):
            return False
        word = lower[k + 1]
        if word not in _ORDER_WORDS and (number(word) is None or not self.t.tokens[k + 1].is_alpha):
            return False  # "her 15 year old cousin" is an age
        return lower[k + 2] in (",", ".", "and") or k + 2 in self.name_of

    def _in_relative_clause(self, start: int) -> bool:
        """'the bedroom the twins share': the children's words start a clause about a thing
        just before them."""
        j = start - 1
        while j >= 0 and (self.t.lower[j] in ("the", "all", "both") or self.t.tokens[j].like_num):
            j -= 1
        return j >= 0 and self.t.tag[j] in ("NN", "NNS")

    def _parents_of_parents(self) -> None:
        """'Kirsty's mother Jean', 'Mr Reid ... and his mother, Mrs Reid': the mother of a
        parent is a grandparent in the household."""
        for head, key in list(self.named_by_role.items()) + self._named_after_role():
            name = self.names[key]
            start = self.roles[head][1]
            if name.role not in ("mother", "father") or start < 2:
                continue
            if self.t.lower[start - 1] in ("'s", "’s"):
                owner = self.names.get(self.name_of.get(start - 2, ""))
            elif self.t.lower[start - 1] in ("his", "her"):
                owner = self._named_before(start - 1, "m" if self.t.lower[start - 1] == "his" else "f")
            else:
                continue
            if owner is not None and owner.kind == "parent_carer" and owner.age is None:
                name.role, name.kind = "grandparent", "household_member"

    def _named_after_role(self) -> list[tuple[int, str]]:
        """'his mother, Mrs Reid': a name said just after a role word and a comma."""
        return [(head, self.name_of[end + 1]) for head, (_, _, end) in self.roles.items()
                if end + 1 in self.name_of and self.t.text[end] == "," and head not in self.named_by_role
                and self.names[self.name_of[end + 1]].role_token == head]

    def _named_before(self, i: int, gender: str) -> NameInfo | None:
        """The nearest person named before a possessive pronoun in its sentence said to be of
        its gender (by a title or a role word), else the nearest whose gender is not said."""
        start = next((s.start for s in parser_sentences(self.doc) if s.start <= i < s.end), 0)
        unsaid = None
        for j in range(i - 1, start - 1, -1):
            if j in self.name_of:
                name = self.names[self.name_of[j]]
                said = name.gender or {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}.get(name.title or "")
                if said == gender:
                    return name
                if said is None and unsaid is None:
                    unsaid = name
        return unsaid

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

    def _lodges(self, i: int) -> bool:
        """'Wayne, who rents the box room off her': a lodger."""
        lower = self.t.lower
        return lower[i + 1:i + 3] == [",", "who"] and i + 3 < len(lower) and lower[i + 3] in self.lex.lodging_verbs

    def _arranged_with(self, i: int) -> bool:
        """'as arranged with Angela', 'agreed with Sarah', 'by arrangement with Kelly': the
        visit is arranged with a parent or carer (a child's age would say otherwise)."""
        j = i - 1
        if j < 1 or self.t.lower[j] != "with":
            return False
        return self.t.lower[j - 1] in _ARRANGING

    def _with_partner(self, i: int) -> bool:
        """'Kirsty and her partner Jay', 'Mark, his wife Hannah': a couple of the household, of whom the one named
        first with no age is a parent (the partner is named by the role word)."""
        lower = self.t.lower
        words = lower[i + 1:i + 4]
        return len(words) == 3 and words[0] in ("and", ",") and words[1] in ("her", "his") and \
            words[2] in ("partner", "boyfriend", "girlfriend", "husband", "wife", "fiance", "fiancee")

    def _last_of_name(self, i: int) -> bool:
        return self.name_of.get(i + 1) != self.name_of[i]

    def _first_of_name(self, i: int) -> bool:
        return self.name_of.get(i - 1) != self.name_of[i]

    def _role_next_to(self, i: int) -> int | None:
        """'mum Sarah', 'Mum, Leanne', 'her partner Craig'; or 'Leanne, mum,'."""
        j = i - 1
        if j >= 0 and self.name_of.get(j) == self.name_of[i]:
            j -= 1  # skip a title
        after_comma = j >= 0 and self.t.text[j] == ","
        if after_comma:
            j -= 1
        elif j >= 1 and self.t.lower[j] in ("called", "named"):
            j -= 1  # "a 24 year old man called Dean"
            if j >= 1 and self.t.lower[j] in ("is", "was", "'s", "’s"):
                j -= 1  # "her best friend is called Maisie"
        elif j >= 1 and self.t.lower[j] in ("is", "was") and j - 1 in self.roles and \
                {"her", "his", "their", "my"} & set(self.t.lower[max(self.roles[j - 1][1] - 2, 0):j - 1]):
            j -= 1  # "her best friend is Hana": whose friend says she is one
        owner = i + 1 < len(self.t.lower) and self.t.lower[i + 1] in ("'s", "’s")  # "Nan, Mark's mum": Mark owns
        if j >= 0 and j in self.roles and self.roles[j][0]["kind"] != "professional" and not owner and \
                not (after_comma and self._apposition_of_name_before(j)):
            return j
        if j >= 0 and j in self.roles and self.roles[j][0]["kind"] == "professional" and not after_comma and \
                self.parsed and self.t.tokens[j].dep_ == "compound" and \
                self.name_of.get(self.t.tokens[j].head.i) == self.name_of[i]:
            return j  # "with health visitor Jo Fenwick": the parse makes the role part of the name
        if j >= 1 and not after_comma and j in self.roles and self.roles[j][0]["kind"] == "professional" and \
                self.t.lower[self.roles[j][1] - 1] in ("'s", "’s", "her", "his", "their") and \
                not self.roles[j][0].get("plural"):
            return j  # "Sharon's advocate Pauline", "his support worker Dee": whose professional
        if j >= 1 and not after_comma and j in self.roles and self.roles[j][0]["kind"] == "professional" and \
                {self.t.lower[self.roles[j][1] - 1], self.t.lower[self.roles[j][1]]} & {"the", "a", "an", "our", "my"} and \
                not self.roles[j][0].get("plural") and self.t.lower[j] not in _PLACES and self._full_name(i):
            return j  # "The midwife Anna Price", "the OT Mrs Lamb" (not "the school Maisie goes to")
        return self._role_after(i)

    def _full_name(self, i: int) -> bool:
        """A first name and surname, or a title: 'Anna Price', 'Mrs Lamb'."""
        key = self.name_of[i]
        return self.names[key].title is not None or len([k for k in self.name_of.values() if k == key]) >= 2 or \
            self.name_of.get(i + 1) == key or self.name_of.get(i - 1) == key

    def _role_after(self, i: int) -> int | None:
        """'Leanne, mum,', 'Craig, mum's partner', 'Sophie, 8, who is Mark's daughter'; 'Hannah is
        mum to Leo' (not "Nadia is mum's friend")."""
        k = i + 1
        lower, count = self.t.lower, len(self.t.lower)
        if k + 1 < count and lower[k] in ("is", "was"):
            for head, (entry, start, end) in self.roles.items():
                if start == k + 1 and entry["kind"] == "parent_carer" and not entry.get("plural") and \
                        end < count and lower[end] in ("to", "of"):
                    return head
        if k >= count or self.t.text[k] != ",":
            return None
        k += 1  # an apposition after a comma: "Leanne, mum," / "Craig, mum's partner"
        if k + 2 < count and self.t.tokens[k].like_num and lower[k + 1] == "," and lower[k + 2] == "who":
            k += 2  # "Sophie, 8, who is Mark's daughter": past the age said first
        if lower[k:k + 2] == ["who", "is"] or lower[k:k + 2] == ["who", "'s"]:
            k += 2  # "Jordan, who is Mason's dad"
        the = k < count and lower[k] == "the"
        if k < count and lower[k] in ("his", "her", "their", "the"):
            k += 1
        elif k + 1 < count and lower[k + 1] in ("'s", "’s"):
            k += 2
        titled = self.names[self.name_of[i]].title is not None
        for head, (entry, start, end) in self.roles.items():
            if start == k and entry["kind"] != "professional":
                # "Leanne, her partner Darren": the partner is Darren, not Leanne;
                # "Kirsty, the twins, and Jean": one person is not a group
                return None if end in self.name_of or entry.get("plural") else head
            if (titled or the) and entry["kind"] == "professional" and k - the <= start <= k + 1 and \
                    not entry.get("plural"):
                return head  # "Mrs Khan, the Urdu interpreter", "a joint visit with Sam, the health visitor"
        return None

    def _apposition_of_name_before(self, j: int) -> bool:
        """'Sarah, Mum, Paul, stepdad, Ella, 14': a role between commas after another name is
        that name's ("Sarah, Mum,"), not the next one's; unless the list puts each role first
        ("Mum, Sam, Dad, Dean": Sam took the role before him, so Dean takes Dad)."""
        start, text = self.roles[j][1], self.t.text
        if start >= 2 and self.t.lower[start - 1] in ("'s", "’s"):
            start -= 2  # "Kai, 10, Lee's son, Summer, 6": the owner's name starts the role
        if start < 2 or text[start - 1] != ",":
            return False
        if start - 2 in self.name_of:
            earlier = start - 2
        elif start >= 4 and self.t.tokens[start - 2].like_num and text[start - 3] == "," and start - 4 in self.name_of:
            earlier = start - 4
        else:
            return False
        role_of_earlier = self.names[self.name_of[earlier]].role_token
        return role_of_earlier is None or role_of_earlier > earlier

    def _visited(self, text: str) -> bool:
        """The person the visit was to: 'visit to Kayden', 'visited Amelia'."""
        pattern = re.compile(r"\b(visit(ed)?|interview|saw)\b[^.]{0,40}?\b(to|with)?\s*" + re.escape(text) + r"\b",
                             re.IGNORECASE)
        first = parser_sentences(self.doc)[0] if len(self.doc) else None
        return bool(first is not None and pattern.search(first.text))

    def age_after(self, k: int) -> int | None:
        return age_after(self.t, k)
