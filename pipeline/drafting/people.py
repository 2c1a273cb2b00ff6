"""Who is who in a note: role words ("mum", "mum's partner"), names (``names.py``) and
which person each pronoun means.

Everything the factor, section and visit rules ask about a person goes through
``People.ref(token)``, which answers with a ``PersonRef`` (role, kind, gender)."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from pipeline.drafting.ages import age_before
from pipeline.drafting.names import NameInfo, Names
from pipeline.drafting.person_words import REPORTING_HEADS, WORKER, PersonRef, lexicon
from pipeline.drafting.doc_views import parser_sentences, token_table



HOUSEHOLD_ADULTS = "household adults"  # the role of "both adults", "the adults" (data/people.yaml)


class People:
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
        return None

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

    def _compound_of_thing(self, token: Token) -> bool:
        head = token.head
        return token.dep_ == "compound" and head.i != token.i and head.i not in self.roles \
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
        elif role in ("mother", "father") and self._parent_of_parent_listed(i, start):
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
        if name.title in ("pc", "dc", "ps", "sgt"):
            return "professional"
        return "adult" if name.title else "unknown"

    # -- pronouns --------------------------------------------------------------------------------
    def _resolve_pronouns(self) -> None:
        # a name of unknown gender once called 'she' is not 'he' later ("Denise ... she ... he")
        self._said_gender: dict[str, str] = {}
        history: list[tuple[Token, PersonRef]] = []  # mentions so far, in order
        topic: PersonRef | None = None  # who the sentence before was about
        tokens, lower, tag = self.t.tokens, self.t.lower, self.t.tag
        for sent in parser_sentences(self.doc):
            seen_person = False
            for i in range(sent.start, sent.end):
                token = tokens[i]
                gender = self.lex.pronouns.get(lower[i])
                if gender is not None and tag[i] != "NNP":
                    opens = not seen_person and token.dep_ in ("nsubj", "nsubjpass") if self.parsed \
                        else not seen_person
                    ranked = self._antecedents(token, gender, history, sent)
                    if opens and topic is not None and (self._fits(self._gendered(topic), gender, exact=True) or
                                                        self._speaker_goes_on(topic, token, sent, gender)):
                        ranked = [topic] + [r for r in ranked if r != topic]
                    ref = ranked[0] if ranked else None
                    self.resolved[token.i] = ref
                    self._alternatives[token.i] = ranked
                    if ref is not None and ref.gender is None and ref.name and gender in ("f", "m"):
                        self._said_gender.setdefault(ref.key, gender)
                    if ref is not None:
                        history.append((token, ref))
                        seen_person = True
                    continue
                ref = self.ref(token)
                if ref is not None and ref.kind not in ("worker", "professional") \
                        and not self._inside_role_phrase(token):
                    history.append((token, ref))
                    seen_person = True
            topic = self._topic(sent) or topic

    def _speaker_goes_on(self, topic: PersonRef, pronoun: Token, sent: Span, gender: str) -> bool:
        """'Kayla said Ricky smokes weed ... She said she has to get Jayden and Summer their tea':
        a named speaker of unknown gender goes on speaking when the next sentence opens with
        a pronoun saying something."""
        if not self.parsed or topic.name is None or self._gendered(topic).gender is not None:
            return False
        if gender not in ("f", "m") or pronoun.head.lower_ not in REPORTING_HEADS:
            return False
        before = parser_sentences(self.doc)
        k = next((n for n, s in enumerate(before) if s.start == sent.start), 0)
        return k > 0 and before[k - 1].root.lower_ in REPORTING_HEADS

    def _topic(self, sent: Span) -> PersonRef | None:
        """The subject of a sentence's main verb: 'Kacey said she ran away' -> Kacey."""
        if self.parsed:
            root = sent.root
            for child in root.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    ref = self.ref(child)
                    if ref is not None and ref.kind not in ("worker", "professional"):
                        return ref
            return None
        for token in sent:
            ref = self.ref(token)
            if ref is not None and ref.kind not in ("worker", "professional"):
                return ref
        return None

    def _gendered(self, ref: PersonRef) -> PersonRef:
        said = self._said_gender.get(ref.key) if ref.gender is None else None
        return replace(ref, gender=said) if said else ref

    @staticmethod
    def _fits(ref: PersonRef, gender: str, *, exact: bool = False) -> bool:
        if gender == "plural":
            return ref.gender == "plural" or ref.role in ("child", "parents") and ref.name is None
        if exact:
            return ref.gender == gender
        return ref.gender in (None, gender) and ref.gender != "plural"

    def _antecedents(self, token: Token, gender: str, history, sent: Span) -> list[PersonRef]:
        """Who a pronoun may mean, most likely first."""
        def fits(ref: PersonRef) -> bool:
            return self._fits(self._gendered(ref), gender)

        first: list[PersonRef] = []
        if self.parsed:
            speaker = self._governing_subject(token)
            if speaker is not None and fits(speaker):
                first = [speaker]
        same_verb_subject = self._same_clause_subject(token) if self.parsed else None
        subject_ref = self.ref(same_verb_subject) if same_verb_subject is not None else None
        subject_key = subject_ref.key if subject_ref is not None else None  # "boyfriend Steve hits him": not Steve
        window_start = sent.start
        candidates = []
        for back, (mention, ref) in enumerate(reversed(history)):
            if mention.i < window_start and back > 12:
                break
            if not fits(ref):
                continue
            if same_verb_subject is not None and (mention.i == same_verb_subject.i or ref.key == subject_key):
                continue  # 'Dean hit him': him is not Dean
            candidates.append(ref)
        # someone known to be 'she' beats a role word of unknown gender mentioned later
        # ("an adult family member"); a first name of unknown gender still competes on recency
        exact = [ref for ref in candidates if ref.gender == gender or ref.name is not None]
        ranked: list[PersonRef] = []
        for ref in first + exact + candidates:
            if ref not in ranked:
                ranked.append(ref)
        return ranked

    def _governing_subject(self, token: Token) -> PersonRef | None:
        """'Mum said she...': the subject of the reporting verb above the pronoun's clause.
        Also an object there: 'Logan said ... Steve hits him' (him: Logan), unless the
        speaker is the subject of that clause."""
        if token.dep_ not in ("nsubj", "nsubjpass", "poss", "dobj", "pobj", "dative"):
            return None
        verb = token.head if token.dep_ not in ("poss", "pobj") else token.head.head
        if token.dep_ == "poss" and self._own_subject_fits(verb, token):
            return None  # "Maryam said Aisha has been cutting her arms": Aisha's arms
        own_verb = verb
        while verb.dep_ in ("conj", "xcomp") and verb.head != verb:
            verb = verb.head
        if verb.dep_ not in ("ccomp",) or verb.head.lower_ not in REPORTING_HEADS:
            return None
        for child in verb.head.children:
            if child.dep_ == "nsubj" and child.i < token.i:
                ref = self.ref(child)
                if ref is None or ref.kind in ("worker",):
                    return None
                if token.dep_ in ("dobj", "pobj", "dative"):
                    subject = next((c for c in own_verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if subject is None or (self.ref(subject) or WORKER).key == ref.key:
                        return None
                    if self._object_between(child.i, token, subject):
                        return None  # "Lily told me Jason shouted at mummy and pushed her": mummy
                return ref
        return None

    def _own_subject_fits(self, verb: Token, pronoun: Token) -> bool:
        gender = self.lex.pronouns.get(pronoun.lower_) or ""
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.i == pronoun.i or subject.lower_ in self.lex.pronouns:
            return False
        ref = self.ref(subject)
        if ref is None or ref.kind in ("worker", "professional"):
            return False
        ref = self._gendered(ref)
        return ref.gender == gender or ref.gender is None and ref.name is not None and gender in ("f", "m")

    def _object_between(self, start: int, pronoun: Token, subject: Token) -> bool:
        """Someone the pronoun could mean, named as an object between the speaker and it
        (not inside the subject of the pronoun's own clause)."""
        gender = self.lex.pronouns.get(pronoun.lower_)
        inside_subject = range(subject.left_edge.i, subject.right_edge.i + 1)
        for i in range(start + 1, pronoun.i):
            other = self.t.tokens[i]
            if other.dep_ not in ("dobj", "pobj", "dative", "conj", "appos") or i in inside_subject:
                continue
            ref = self.ref(other)
            if ref is not None and ref.key == (self.ref(subject) or WORKER).key:
                continue  # "mum's boyfriend Steve hits him": the boyfriend is Steve, the subject
            if ref is not None and ref.kind not in ("worker", "professional") and \
                    self._fits(self._gendered(ref), gender or ""):
                return True
        return False

    def _same_clause_subject(self, token: Token) -> Token | None:
        if token.dep_ not in ("dobj", "pobj", "iobj"):
            return None
        verb = token.head if token.dep_ != "pobj" else token.head.head
        return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)

