"""Who is who in a note: role words ("mum", "mum's partner"), names (``names.py``) and
which person each pronoun means.

Everything the factor, section and visit rules ask about a person goes through
``People.ref(token)``, which answers with a ``PersonRef`` (role, kind, gender)."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from pipeline.drafting.ages import age_before
from pipeline.drafting.names import NameInfo, Names
from pipeline.drafting.person_words import WORKER, PersonRef, lexicon
from pipeline.drafting.pronouns import PronounResolution
from pipeline.drafting.doc_views import parser_sentences, token_table



HOUSEHOLD_ADULTS = "household adults"  # the role of "both adults", "the adults" (data/people.yaml)
AGENCY = PersonRef(role="agency", kind="professional")  # "the youth offending service told me"


_DETERMINERS_OWNERS = {"the", "a", "an", "his", "her", "their", "my", "our", "your", "'s", "’s"}

class People(PronounResolution):
    """Person mentions of one parsed note."""

    def __init__(self, doc: Doc, *, parsed: bool, known_names: list[str] | None = None) -> None:
        self.doc, self.parsed, self.lex = doc, parsed, lexicon()
        self.t = token_table(doc)
        self.roles: dict[int, tuple[dict, int, int]] = {}  # token index -> (role entry, start, end)
        self.phrase_head: dict[int, int] = {}  # other words of a role phrase -> its head word
        self.resolved: dict[int, PersonRef | None] = {}
        self._alternatives: dict[int, list[PersonRef]] = {}  # pronoun -> who else it may mean
        self._sentence_starts = {sent.start for sent in parser_sentences(doc)}
        self._find_roles()
        found = Names(doc, parsed=parsed, lex=self.lex, roles=self.roles,
                      known={part.lower() for name in known_names or [] for part in name.split()})
        self._names = found
        self.name_of, self.names, self.named_by_role = found.name_of, found.names, found.named_by_role
        self._resolve_pronouns()

    # -- lookups ---------------------------------------------------------------------------------
    def ref(self, token: Token) -> PersonRef | None:
        """The person this token names or points to (None: not a person)."""
        i = token.i
        if i in self.resolved:
            return self.resolved[i]
        if i in self.name_of:
            return self._name_ref(self.name_of[i])
        head = i if i in self.roles else self.phrase_head.get(i)  # "mum" in "mum and dad"
        if head is not None:
            named = self.named_by_role.get(head)
            if named is not None:  # "her cousin Jayden, who is 14": the cousin is Jayden
                return self._name_ref(named)
            if self.parsed and self._compound_of_thing(self.doc[head]):
                return None  # "hospital bed", "school uniform"
            return self._role_ref(head)
        low = self.t.lower[i]
        if low in self.lex.worker_pronouns or (low == "we" and token.i in self._sentence_starts):
            return WORKER
        if low in ("who", "whom") and self.parsed and token.head.dep_ == "relcl":
            return self.ref(token.head.head)
        if low in self.lex.agency_words and self.parsed and self._agency_name(token):
            return AGENCY
        return None

    def _agency_name(self, token: Token) -> bool:
        """'the youth offending service', 'the community mental health team': an agency's
        name: the agency word with words of its own before it, and nobody's ('his football
        team' is a thing he has)."""
        if token.dep_ == "compound" or self.t.tag[token.i] not in ("NN", "NNS", "NNP", "NNPS"):
            return False
        modifiers = [c for c in token.children if c.i < token.i]
        return not any(c.dep_ == "poss" for c in modifiers) and \
            any(c.dep_ in ("compound", "amod") and c.i not in self.roles and c.i not in self.name_of for c in modifiers)

    def mentions(self, span: Span | Doc) -> list[tuple[Token, PersonRef]]:
        found = []
        for token in self.t.tokens if isinstance(span, Doc) else self.t.tokens[span.start:span.end]:
            ref = self.ref(token)
            if ref is not None and not self._inside_role_phrase(token):
                found.append((token, ref))
        return found

    def alternatives(self, token: Token) -> list[PersonRef]:
        """Whom a pronoun may mean, most likely first ([] for other words)."""
        return list(self._alternatives.get(token.i, []))

    def ref_other_than(self, token: Token, other: PersonRef) -> PersonRef | None:
        """A pronoun's next most likely person when the first cannot be right
        ('her cousin touched her': the one touched is not the cousin)."""
        if token.i not in self._alternatives:
            ref = self.ref(token)
            return ref if ref is not None and ref.key != other.key else None
        return next((r for r in self._alternatives[token.i] if r.key != other.key), None)

    def household_adult_kinds(self) -> list[str]:
        """The kinds of household adult the note names ("mum Stacey and her partner Ricky":
        parent_carer and household_member), for "both adults"."""
        kinds: list[str] = []
        refs = [self.named_ref(key) for key in self.names] + [self._role_ref(head) for head in self.roles]
        for ref in refs:
            if ref.kind in ("parent_carer", "household_member") and not ref.is_child and \
                    ref.role != HOUSEHOLD_ADULTS and ref.kind not in kinds:
                kinds.append(ref.kind)
        return kinds

    def role_at(self, token: Token) -> PersonRef | None:
        """The role word itself, even where it modifies a noun ("partner drinks")."""
        head = token.i if token.i in self.roles else self.phrase_head.get(token.i)
        return self._role_ref(head) if head is not None else None

    def named_ref(self, key: str) -> PersonRef:
        return self._name_ref(key)

    # -- roles -----------------------------------------------------------------------------------
    def _find_roles(self) -> None:
        words = self.t.lower
        i = 0
        while i < len(words):
            if words[i] not in self.lex.first_words:
                i += 1
                continue
            for size in range(min(self.lex.longest, len(words) - i), 0, -1):
                entry = self.lex.phrases.get(tuple(words[i:i + size]))
                if entry is not None:
                    head = i + size - 1  # the last word carries the role ("foster carer")
                    self.roles[head] = (entry, i, i + size)
                    self.phrase_head.update({j: head for j in range(i, head)})
                    i += size
                    break
            else:
                i += 1

    def modifies_a_thing(self, token: Token) -> bool:
        """A person word the parse hangs on a thing as its modifier, with no article or owner
        of its own ('two toddler beds'; not 'where Skye and the baby sleep', however parsed)."""
        before = self.t.lower[token.i - 1] if token.i > 0 else ""
        return self.parsed and before not in _DETERMINERS_OWNERS and \
            any(self._compound_of_thing(token, dep=dep) for dep in ("compound", "amod"))

    def _compound_of_thing(self, token: Token, *, dep: str = "compound") -> bool:
        head = token.head
        return token.dep_ == dep and head.i != token.i and head.i not in self.roles \
            and head.i not in self.name_of and head.tag_ in ("NN", "NNS")

    def _inside_role_phrase(self, token: Token) -> bool:
        return token.i in self.phrase_head

    def _role_ref(self, i: int) -> PersonRef:
        entry, start, _ = self.roles[i]
        role, kind = entry["role"], entry["kind"]
        gender = "plural" if entry.get("plural") else entry.get("gender")
        age = self._names.age_after(i + 1)
        if age is None:
            age = age_before(self.t, start)  # "her 15 year old cousin"
        if role == "partner":
            owner = self._owner_of(self.t.tokens[i], start)
            if owner is not None and owner.is_child:
                kind = "another_child" if age is not None and age < self.lex.adult_age else "adult"
        elif role in ("mother", "father") and (self._parent_of_parent_listed(i, start) or
                                               self._parent_of_named_parent(i, start)):
            role, kind = "grandparent", "household_member"  # "dad Jamie and his mum": the children's nan
        if age is not None and kind in ("child", "household_member") and age >= self.lex.adult_age:
            kind = "household_member"
        if role == "sibling" and self._has_word_before(start, {"adult"}):
            kind = "household_member"
        return PersonRef(role=role, kind=kind, gender=gender, age=age)

    def _owner_of(self, token: Token, start: int) -> PersonRef | None:
        """'her boyfriend' -> her; 'mum's partner' -> mum."""
        if self.parsed:
            holders = [token]
            if token.dep_ in ("compound", "appos"):
                holders.append(token.head)  # "her boyfriend Kai": "her" hangs on Kai
            named = next((t for t in token.doc[token.i + 1:token.i + 2] if t.i in self.name_of), None)
            if named is not None:
                holders.append(named)
            for holder in holders:
                owners = [c for c in holder.children if c.dep_ == "poss" and c.i != token.i]
                if owners:  # "her dad's girlfriend": the nearest one, dad
                    return self.ref(max(owners, key=lambda c: c.i))
            return None
        if start > 0:
            before = self.t.tokens[start - 1]
            if self.t.lower[start - 1] in ("'s", "’s") and start > 1:
                return self.ref(self.t.tokens[start - 2])
            return self.ref(before)
        return None

    def _parent_of_parent_listed(self, i: int, start: int) -> bool:
        """'dad Jamie and his mum': a mum listed with a parent, whose 'his' is that parent."""
        if not self.parsed or start == 0 or self.t.lower[start - 1] not in ("his", "her"):
            return False
        token = self.t.tokens[i]
        if token.dep_ not in ("conj", "appos") or token.head.i == token.i:
            return False
        listed = self.ref(token.head)
        return listed is not None and listed.kind == "parent_carer" and listed.role in ("mother", "father", "parent") \
            and self.lex.pronouns.get(self.t.lower[start - 1]) == listed.gender

    def _parent_of_named_parent(self, i: int, start: int) -> bool:
        """'Rachel's mother, who lives with the family', 'Rachel said ... her mum's dementia':
        the mother of a named parent."""
        if start >= 2 and self.t.lower[start - 1] in ("'s", "’s") and start - 2 in self.name_of:
            owner = self.names.get(self.name_of[start - 2])
        elif start >= 1 and self.t.lower[start - 1] in ("her", "his") and start - 1 in self.resolved:
            ref = self.resolved[start - 1]
            owner = self.names.get(ref.name) if ref is not None and ref.name else None
        else:
            return False
        return owner is not None and owner.kind == "parent_carer" and owner.role not in ("grandparent", "carer")

    def _has_word_before(self, start: int, words: set[str]) -> bool:
        return any(self.t.lower[j] in words for j in range(max(0, start - 2), start))

    def _name_ref(self, key: str) -> PersonRef:
        name = self.names[key]
        if name.role_token is not None and name.role == "partner":
            ref = self._role_ref(name.role_token)  # whose partner needs the pronouns resolved
            return replace(ref, name=name.text, gender=name.gender or ref.gender, age=name.age or ref.age)
        kind = name.kind or self._default_kind(name)
        if name.age is not None:
            if name.age < self.lex.adult_age and kind in ("unknown", "child"):
                kind = "child"
            elif name.age >= self.lex.adult_age and kind in ("unknown", "child"):
                kind = "household_member"
        return PersonRef(role=name.role or ("child" if kind == "child" else "unknown"), kind=kind,
                         gender=name.gender, name=name.text, age=name.age)

    def _default_kind(self, name: NameInfo) -> str:
        """A name nobody gave a role: police titles are professionals, other titles adults;
        a bare first name in a children's visit note is most often a child's."""
        if name.title in self.lex.professional_titles:
            return "professional"
        return "adult" if name.title else "unknown"
