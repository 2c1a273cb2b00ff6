"""Which children of the visit a group phrase means ("the two girls", "both boys, Noah ...
and Leo ...", "the older two", "the twins", "both of them", "neither child"), from what the
note says of them: gender, age, how many, and who was named together just before.

``GroupMembers`` is a part of ``children.Children`` kept apart for its size: it reads the
note (``doc``), its ``people``, the ``children`` found and their group phrases (``_group_at``),
and calls back ``meant_by`` and ``mentioned_in``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from pipeline.drafting.doc_views import parser_sentences, sentence_of
from pipeline.drafting.groups import GroupPhrase

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from pipeline.drafting.people import People

GROUP_WORDS = {"both", "each", "all", "neither", "none", "either"}
PLURAL_PRONOUNS = {"they", "them", "their", "themselves", "theirs"}


class GroupMembers:
    doc: Doc
    people: People
    children: list  # children.VisitChild: not imported, children.py imports this module
    _group_at: dict[int, GroupPhrase]
    everyone: list[int]
    # and Children's meant_by(token) and mentioned_in(span, ...)

    def _in_group(self, group: GroupPhrase, token: Token) -> list[int]:
        """Which children a group phrase means, from what the note says of them: 'the two
        girls' (the girls, or the girls and a child of unknown gender when that makes two),
        'the older two' (by age), 'both of them' (the children named together just before).
        [] when it cannot be told: the worker answers."""
        pool = self.group_before(self.doc[group.start]) if group.recent else self.everyone
        spelled = self._spelled_out(group)
        fitting = all(self.children[i].gender in (group.gender, None) for i in spelled) if group.gender else True
        if len(spelled) >= 2 and len(spelled) == (group.count or len(spelled)) and not group.singular and fitting:
            return spelled  # "I saw both boys alone, Noah in his room and Leo in the garden"
        if group.twins:
            pool = [i for i in self._twins() if i in pool]
        by_age = group.order is not None and all(self.children[i].age is not None for i in pool)
        if group.count is not None and len(pool) > group.count and not group.singular and not by_age:
            # "Archie and the twins stayed with mum, so none of the three younger ones was seen alone":
            # 'none of' the group sums up the children the sentence has just named, as many as it says
            before = self.mentioned_in(self.doc[sentence_of(token).start:group.start])
            if group.start > 0 and self.doc[group.start - 1].lower_ == "of" and len(before) == group.count and \
                    all(i in pool and self.children[i].gender in (group.gender, None) for i in before):
                return sorted(before)
            named_apart = set(self.mentioned_in(sentence_of(token), named_only=True, skip_groups=True))
            # "both boys ..., and Reece was seen with dad" (the ages, when said, tell "the older three")
            rest = [i for i in pool if i not in named_apart]
            pool = rest if len(rest) >= group.count else pool
        if group.gender is not None:
            known = [i for i in pool if self.children[i].gender == group.gender]
            unknown = [i for i in pool if self.children[i].gender is None]
            wanted = group.count or (1 if group.singular else 2)  # a plural is at least two
            other = any(self.children[i].gender not in (None, group.gender) for i in pool)
            if len(known) >= wanted:
                pool = known
            elif known or other or group.count == len(unknown):
                pool = known + unknown  # the girls whose gender the note does not say
            else:
                return []  # nobody's gender is said: "the girls" cannot be told apart
        if group.order is not None:
            if any(self.children[i].age is None for i in pool):
                return pool if len(pool) == (group.count or 0) else []
            pool = sorted(pool, key=lambda i: self.children[i].age, reverse=group.order == "old")
            if group.order == "middle":  # "the middle one": of three children of different ages
                ages = [self.children[i].age for i in pool]
                return [pool[1]] if len(pool) == 3 and len(set(ages)) == 3 and group.count in (None, 1) else []
            size = group.count or (len(pool) - 1 if len(pool) >= 2 else len(pool))  # "the little ones"
            return sorted(pool[:size])
        return pool if group.count is None or len(pool) == group.count else []

    def _spelled_out(self, group: GroupPhrase) -> list[int]:
        """The children a group phrase's own sentence names straight after it, after a comma
        or colon and at most three words ("both boys alone, Noah ... and Leo ..."): the group
        is them, not the children the sentence leaves out (when they are several, and of the
        group's gender: "The girls yes, Ollie no" names the next answer's child)."""
        sent = sentence_of(self.doc[group.start])
        for i in range(group.end, min(group.end + 4, sent.end)):
            if self.doc[i].text in (",", ":", "-", "\u2013"):
                rest = self.doc[i + 1:sent.end]
                first = next((t for t in rest if not t.is_punct), None)
                if first is None or first.i not in self.people.name_of:
                    return []
                return self.mentioned_in(rest, named_only=True, skip_groups=True)
            if self.doc[i].is_punct:
                return []
        return []

    def _twins(self) -> list[int]:
        ages: dict[int | None, list[int]] = {}
        for i in self.everyone:
            ages.setdefault(self.children[i].age, []).append(i)
        pairs = [group for age, group in ages.items() if age is not None and len(group) == 2]
        return pairs[0] if len(pairs) == 1 else self.everyone

    def group_before(self, token: Token) -> list[int]:
        """'They', 'each of them', 'neither child': the children named together most recently
        (in this sentence, else the one before), else every child of the visit."""
        sentences = parser_sentences(self.doc)
        sent = sentence_of(token)
        position = next(k for k, s in enumerate(sentences) if s.start == sent.start)
        spans: list[Span] = [self.doc[sent.start:token.i]]
        last = self._last_group_mention(spans[0])
        if last:
            return last  # "... and both twins were seen with their dad, as they are too young": the twins
        if position > 0:
            spans.append(sentences[position - 1])
        for span in spans:
            found: list[int] = []
            for t in span:
                if t.lower_ in PLURAL_PRONOUNS or t.lower_ in GROUP_WORDS:
                    continue
                group = self._group_at.get(t.i)
                named = t.i in self.people.name_of or t.i in self.people.roles
                if group is not None and (group.recent or group.start != t.i):
                    continue  # a group said again, or one word of a group: its first word speaks for it
                for index in self.meant_by(t) if named or group is not None else []:
                    if index not in found:
                        found.append(index)
            if len(found) >= 2:
                return sorted(found)
        return self.everyone

    def _last_group_mention(self, span: Span) -> list[int]:
        """The children of the last mention in the span when it names several at once."""
        for t in reversed(span):
            if t.lower_ in PLURAL_PRONOUNS or t.lower_ in GROUP_WORDS and t.i not in self._group_at:
                continue
            group = self._group_at.get(t.i)
            if group is not None and group.start != t.i:
                continue
            if group is None and t.i not in self.people.name_of and t.i not in self.people.roles:
                continue
            if t.i in self.people.phrase_head:
                continue  # one role phrase is one mention: its head word speaks for it
            meant = self.meant_by(t)
            if group is None and t.i in self.people.roles and not meant:
                continue  # "with their dad": not a child
            return sorted(meant) if len(meant) >= 2 and (group is not None or t.i in self.people.roles) else []
        return []
