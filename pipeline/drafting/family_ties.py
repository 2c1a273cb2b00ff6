"""Ties between the named people of a note that decide who is a child of the visit and who
is an adult of the family: a list named by a group word ("Ruby and Rose, the 11 year old
twins"), a parent's brother or sister ("Mum's brother, Lewis", "Kerry ... and her sister
Dawn"), a child from outside the family ("a boy called Kieran"), and adults at home with
the children ("Kayleigh and Josh were both in, with Tommy, who's 2"). ``NameRoles``
inherits these rules; ``Names`` sets the attributes."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.drafting.ages import age_before
from pipeline.drafting.doc_views import TokenTable, parser_sentences
from pipeline.drafting.person_words import Lexicon, number

_OWNERS = ("the", "her", "his", "their")
_ORDER_WORDS = {"eldest", "youngest", "oldest", "older", "younger", "middle", "little", "other"}
_AGE_PARTS = {"year", "years", "old", "-", "month", "months", "week", "weeks", "aged"}
_OUTSIDE_CHILD_WORDS = {"boy", "girl", "lad", "child", "kid", "teenager", "young person"}
# "Kayleigh and Josh were both in, with Tommy": the words between adults and "with" the children
_AT_HOME_WORDS = {"was", "were", "both", "in", "at", "home", "there", "present", "all", "sat", "sitting", ","}


class FamilyTies:
    doc: Doc
    lex: Lexicon
    roles: dict[int, tuple[dict, int, int]]
    t: TokenTable
    name_of: dict[int, str]
    names: dict
    named_by_role: dict[int, str]

    def _lists_named_by_group(self) -> None:
        """'Ruby and Rose, the 11 year old twins': a list of names said again as a group of
        children is children (with the group's age when said); 'Marcus and Shelley, the
        children's parents' are the parents (the children there only own the parents)."""
        lower = self.t.lower
        for entry, start, end in self.roles.values():
            if not entry.get("plural") or end < len(lower) and lower[end] in ("'s", "’s", "'"):
                continue
            adult = entry["kind"] in ("parent_carer", "household_member")
            if entry["kind"] != "child" and not adult:
                continue
            k = start - 1
            if adult and k >= 2 and lower[k] in ("'s", "’s", "'") and (k - 1) in self.roles:
                k = self.roles[k - 1][1] - 1  # "the children's parents": back over the owner
            while k >= 0 and (lower[k] in _AGE_PARTS or self.t.tokens[k].like_num):
                k -= 1
            if k >= 0 and lower[k] in _OWNERS and lower[start] not in _OWNERS:
                k -= 1
            if k < 1 or lower[k] != ",":
                continue
            listed, j = [], k - 1
            while j >= 0 and (j in self.name_of or lower[j] in ("and", ",")):
                if j in self.name_of and self.name_of[j] not in listed:
                    listed.append(self.name_of[j])
                j -= 1
            if len(listed) < 2:
                continue
            age = None if adult else age_before(self.t, start)
            for key in listed:
                name = self.names[key]
                if name.role is None and adult:
                    name.role, name.kind = ("parent" if entry["role"] == "parents" else entry["role"]), entry["kind"]
                elif name.role is None:
                    name.role, name.kind = "child", "child"
                    name.age = name.age if name.age is not None else age

    def _twins_named_after(self) -> None:
        """'The twins, Finley and Reuben, 4, were at nursery': twins share the age said once."""
        lower = self.t.lower
        for entry, start, end in self.roles.values():
            if entry["kind"] != "child" or "twin" not in " ".join(lower[start:end]) or \
                    end >= len(lower) or lower[end] != ",":
                continue
            listed, j = [], end + 1
            while j < len(lower) and (j in self.name_of or lower[j] in ("and", ",")):
                if j in self.name_of and self.name_of[j] not in listed:
                    listed.append(self.name_of[j])
                j += 1
            ages = {self.names[key].age for key in listed} - {None}
            if len(listed) == 2 and len(ages) == 1:
                for key in listed:
                    self.names[key].age = next(iter(ages))

    def _siblings_of_parents(self) -> None:
        """'Mum's brother, Lewis', 'Kerry was at home with the children, and her sister Dawn':
        a parent's brother or sister is an adult relative, not a child of the visit."""
        for head, key in self.named_by_role.items():
            name = self.names[key]
            if name.role != "sibling" or (name.age is not None and name.age < self.lex.adult_age):
                continue
            if self._owner_is_parent(self.roles[head][1]):
                name.role, name.kind = "relative", "household_member"

    def _owner_is_parent(self, start: int) -> bool:
        lower = self.t.lower
        if start >= 2 and lower[start - 1] in ("'s", "’s"):
            owner = start - 2
            if owner in self.name_of:
                return self.names[self.name_of[owner]].kind == "parent_carer"
            return owner in self.roles and self.roles[owner][0]["kind"] == "parent_carer" \
                and not self.roles[owner][0].get("plural")
        if start >= 1 and lower[start - 1] in ("her", "his"):
            sentence_start = next((sent.start for sent in parser_sentences(self.doc) if sent.start <= start < sent.end), 0)
            for j in range(sentence_start, start - 1):
                if j in self.name_of:  # the sentence's first person, its subject: whose brother or sister
                    return self.names[self.name_of[j]].kind == "parent_carer"
        return False

    def _owns_a_child(self, i: int) -> bool:
        """'Mark's daughter', 'Donna's youngest son', 'Gemma's two kids': a name that owns a
        child's role word is that child's parent."""
        lower = self.t.lower
        j = i + 1
        while j in self.name_of and self.name_of[j] == self.name_of[i]:
            j += 1  # the name's last word
        if j >= len(lower) or lower[j] not in ("'s", "’s"):
            return False
        j += 1
        while j < len(lower) and (lower[j] in _ORDER_WORDS or number(lower[j]) is not None):
            j += 1
        return any(start == j and entry["kind"] == "child" and entry["role"] == "child"
                   for entry, start, _ in self.roles.values())

    def _children_from_outside(self) -> None:
        """'a boy called Kieran, who is 12, at her after-school club': a child the note brings
        in as 'a boy' is not one of the family's."""
        for head, key in self.named_by_role.items():
            entry, start, end = self.roles[head]
            words = " ".join(self.t.lower[start:end])
            if start >= 1 and self.t.lower[start - 1] in ("a", "an") and words in _OUTSIDE_CHILD_WORDS:
                name = self.names[key]
                name.role, name.kind = "peer", "another_child"

    def _at_home_with_children(self, i: int) -> bool:
        """'Kayleigh and Josh were both in, with Tommy, who's 2, and baby Maya', 'Leanne was in
        with Skye, who is 8': the names at home with children of a said age are their adults."""
        lower, count = self.t.lower, len(self.t.lower)
        j = i + 1
        while j < count and (j in self.name_of or lower[j] in ("and", ",")) and j - i < 6:
            j += 1
        gap = 0
        while j < count and lower[j] in _AT_HOME_WORDS and gap < 5:
            j, gap = j + 1, gap + 1
        if not gap or j >= count or lower[j] != "with":
            return False
        j += 1
        while j < count and (lower[j] in ("the", "all", "both", "little", "baby", ",") or self.t.tokens[j].like_num):
            if j in self.name_of:
                break
            j += 1
        if j in self.name_of:
            child = self.names[self.name_of[j]]
            return child.age is not None and child.age < self.lex.adult_age
        return j in self.roles and self.roles[j][0]["kind"] == "child" and self.roles[j][0]["role"] == "child"

    def _couple(self, i: int) -> bool:
        """'Mr and Mrs Adeyemi': a couple of one surname named together, the children's parents."""
        lower = self.t.lower
        return i + 2 < len(lower) and lower[i + 1] == "and" and self.name_of.get(i + 2, "").lower().startswith("mrs ") \
            or i >= 2 and lower[i - 1] == "and" and self.name_of.get(i - 2, "").lower().startswith("mr ")
