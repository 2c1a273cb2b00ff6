"""Which person each pronoun of a note means: the previous sentence's subject, the speaker of
a reporting verb ('Mum said she...'), gender and number (a name once called 'she' is not
'he' later), a named speaker going on ('She said ...'), an opening phrase about the main
clause's subject ('Since her stroke, Sharon ...'), the same words said twice ('her mum ...
her mum's'), the one an agency's report is about ('Noah's school said he ...'). ``People``
(``people.py``) inherits these rules and runs them once per note."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from pipeline.drafting.doc_views import TokenTable, parser_sentences
from pipeline.drafting.person_words import REPORTING_HEADS, WORKER, Lexicon, PersonRef

_LONGEST_VOICE_LABEL = 5  # "In mum's own words ,"
_PARENT_NAMES = {"Mum", "Mummy", "Dad", "Daddy", "Mam", "Mom", "Nan", "Nanny", "Nanna", "Grandad"}  # said like a name
_OPENING_WORDS = {"since", "after", "following", "before", "despite"}  # an opening phrase about the subject


class PronounResolution:
    """Resolves the pronouns of a note (``People`` sets these attributes and ``ref``)."""

    doc: Doc
    parsed: bool
    lex: Lexicon
    t: TokenTable
    roles: dict[int, tuple[dict, int, int]]
    name_of: dict[int, str]
    names: dict
    resolved: dict[int, PersonRef | None]
    _alternatives: dict[int, list[PersonRef]]
    # and People's ref(token) and _inside_role_phrase(token)

    def _resolve_pronouns(self) -> None:
        # a name of unknown gender once called 'she' is not 'he' later ("Denise ... she ... he")
        self._said_gender: dict[str, str] = {}
        history: list[tuple[Token, PersonRef]] = []  # mentions so far, in order
        topic: PersonRef | None = None  # who the sentence before was about
        speaker_before: PersonRef | None = None  # who last said something in the sentence before
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
                    ahead = self._named_after_opening(token, sent, gender) if not seen_person else None
                    if ahead is not None:  # "Since her stroke in October Sharon cannot walk": Sharon
                        ranked = [ahead] + [r for r in ranked if r != ahead]
                    parallel = self._parallel_subject(token, gender) if self.parsed else None
                    if parallel is not None:  # "Tasha doesn't know Kyle hit Demi, but she said ...": Tasha
                        ranked = [parallel] + [r for r in ranked if r != parallel]
                    same = self._said_before_in(token, sent)
                    if same is not None:  # "looking after her mum ..., and her mum's dementia": one owner
                        ranked = [same] + [r for r in ranked if r != same]
                    if opens:  # "She smelled of cannabis ..., that Lisa said she had not paid for": not Lisa
                        ranked = self._not_reporting_after(i, sent, ranked)
                    if opens and speaker_before is not None and token.head.lower_ in REPORTING_HEADS and \
                            self._fits(self._gendered(speaker_before), gender):
                        # "... and she said she knows she's drinking too much. She said ...": who spoke goes on
                        ranked = [speaker_before] + [r for r in ranked if r != speaker_before]
                    if opens and token.head.lower_ in REPORTING_HEADS and self._calls_a_parent_by_name(i, sent):
                        # "She said Mum went out at teatime": who calls her "Mum" is her child
                        ranked = [r for r in ranked if r.is_child] + [r for r in ranked if not r.is_child]
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
            speaker_before = self._last_speaker(sent)

    def _last_speaker(self, sent: Span) -> PersonRef | None:
        """Who says something in a sentence's main clause ('... I spoke with Becky and she said
        ...' -> Becky; not someone in their reported words), not the worker; None without a parse."""
        if not self.parsed:
            return None
        for i in range(sent.start, sent.end):
            token = self.t.tokens[i]
            verb = token.head
            if token.dep_ == "nsubj" and verb.lower_ in REPORTING_HEADS and \
                    (verb.dep_ == "ROOT" or verb.dep_ == "conj" and verb.head.dep_ == "ROOT"):
                ref = self.resolved.get(i) if i in self.resolved else self.ref(token)
                return ref if ref is not None and ref.kind != "worker" else None
        return None

    def _parallel_subject(self, pronoun: Token, gender: str) -> PersonRef | None:
        """A subject pronoun of a clause joined to one with a named subject means that subject
        when it fits: 'Tasha doesn't know Kyle slapped Demi, but she said ...' (Tasha, not Demi)."""
        verb = pronoun.head
        if pronoun.dep_ != "nsubj" or verb.dep_ != "conj" or verb.head.i == verb.i or \
                verb.head.lower_ in REPORTING_HEADS or verb.head.dep_ != "ROOT":
            return None  # "Sian said Kacey is ... and she has been ...": her words may go on
        subject = next((c for c in verb.head.children if c.dep_ == "nsubj" and c.i < pronoun.i), None)
        if subject is None or subject.lower_ in self.lex.pronouns:
            return None
        ref = self.ref(subject)
        if ref is None or ref.kind in ("worker", "professional") or not self._fits(self._gendered(ref), gender):
            return None
        return ref

    def _not_reporting_after(self, i: int, sent: Span, ranked: list[PersonRef]) -> list[PersonRef]:
        """A subject pronoun opening its sentence is not the person named later in it as the
        one who says something there, when someone else fits."""
        later = {self.names[self.name_of[j]].text for j in range(i + 1, sent.end)
                 if j in self.name_of and self.t.tokens[j].dep_ == "nsubj"
                 and self.t.tokens[j].head.lower_ in REPORTING_HEADS}
        kept = [r for r in ranked if not (r.name and r.name in later)]
        return kept or ranked

    def _calls_a_parent_by_name(self, i: int, sent: Span) -> bool:
        """'Mum', 'Daddy' said like a name after the pronoun: not 'her mum', 'his dad's'."""
        text, lower = self.t.text, self.t.lower
        return any(text[j] in _PARENT_NAMES and lower[j - 1] not in ("her", "his", "their", "my", "your", "the", "a")
                   for j in range(i + 1, sent.end))

    def _said_before_in(self, pronoun: Token, sent: Span) -> PersonRef | None:
        """The owner of the same words said earlier in the sentence ('her mum ... her mum's')."""
        nxt = pronoun.i + 1
        if nxt >= sent.end or nxt not in self.roles:
            return None
        words = (self.t.lower[pronoun.i], self.t.lower[nxt])
        for i in range(nxt - 2, sent.start - 1, -1):
            if (self.t.lower[i], self.t.lower[i + 1]) == words and i in self.resolved:
                return self.resolved[i]
        return None

    def _named_after_opening(self, pronoun: Token, sent: Span, gender: str) -> PersonRef | None:
        """A pronoun in an opening 'since'/'after'/'when' phrase means the person the main
        clause then names, when they fit ('After his arrest, Dean moved out')."""
        if gender not in ("f", "m") or self.t.lower[sent.start] not in _OPENING_WORDS:
            return None
        for i in range(pronoun.i + 1, min(sent.end, pronoun.i + 8)):
            if self.t.tag[i].startswith("VB") or self.t.lower[i] in self.lex.pronouns:
                return None  # the opening phrase has a verb or person of its own
            ref = self.ref(self.t.tokens[i])
            if ref is not None and ref.kind not in ("worker", "professional"):
                return ref if self._fits(self._gendered(ref), gender, exact=True) else None
        return None

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

    def voice_label_owner(self, sent: Span) -> PersonRef | None:
        """'Mia's words, ...', 'In dad's view, ...', 'Kyle's account, ...': whose words a
        sentence's lead label says it holds (the label words are ``voice_labels``)."""
        words = self.t.lower
        comma = next((i for i in range(sent.start, min(sent.end, sent.start + _LONGEST_VOICE_LABEL + 1))
                      if words[i] == ","), None)
        if comma is None or comma - sent.start < 3 or words[comma - 1] not in self.lex.voice_labels:
            return None
        owner_at = comma - 3  # "<name> 's <words>"
        if words[owner_at + 1] not in ("'s", "’s") or \
                any(self.t.tag[i].startswith("VB") for i in range(sent.start, comma)):
            return None
        if owner_at > sent.start and words[sent.start] not in ("in", "from"):
            return None  # "Duty SW believes Kai's account, ...": not a label
        return self.ref(self.t.tokens[owner_at])

    def _topic(self, sent: Span) -> PersonRef | None:
        """The subject of a sentence's main verb: 'Kacey said she ran away' -> Kacey; the owner
        of a lead label: 'Kyle's account, his stepdad punched mum' -> Kyle."""
        labelled = self.voice_label_owner(sent)
        if labelled is not None:
            return labelled
        if self.parsed:
            root = sent.root
            for child in root.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    ref = self.ref(child)
                    if ref is not None and ref.kind == "worker":
                        return self._met_by_worker(root)  # "I saw Demi on her own. She told me ...": Demi
                    if ref is not None and ref.kind not in ("worker", "professional"):
                        return ref
                    if ref is not None and ref.name is not None and root.lower_ in REPORTING_HEADS:
                        return ref  # "Mrs Holt said ... She said ...": a named professional goes on speaking
            return None
        for token in sent:
            ref = self.ref(token)
            if ref is not None and ref.kind not in ("worker", "professional"):
                return ref
        return None

    def _met_by_worker(self, verb: Token) -> PersonRef | None:
        """The one person the worker saw or spoke to in the main clause ('I saw Demi on her
        own', 'I spoke with Kai in his room'): whom the next sentence goes on about."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        objects += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("to", "with")
                    for g in c.children if g.dep_ == "pobj"]
        refs = [self.ref(o) for o in objects]
        people = [r for r in refs if r is not None and r.kind not in ("worker", "professional")]
        if len(people) != 1 or any(c.dep_ == "conj" for o in objects for c in o.children):
            return None  # nobody, or several ("I saw Mia and Tyler")
        last = max(o.i for o in objects)
        for token in verb.sent[last + 1 - verb.sent.start:]:
            ref = self.ref(token)
            if ref is not None and ref.kind not in ("worker", "professional") and ref.key != people[0].key:
                return None  # "..., and little Isla was in her playpen": someone else came after
        return people[0]

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
                if ref.kind == "professional" and self._institution(child):
                    owner = self._person_owning(child, token)
                    if owner is not None:
                        return owner  # "Noah's school said he has...": a school is not a he or she
                if token.dep_ in ("dobj", "pobj", "dative"):
                    subject = next((c for c in own_verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if subject is None or (self.ref(subject) or WORKER).key == ref.key:
                        return None
                    if self._object_between(child.i, token, subject):
                        return None  # "Lily told me Jason shouted at mummy and pushed her": mummy
                return ref
        return None

    def _person_owning(self, agency: Token, pronoun: Token) -> PersonRef | None:
        """The person an agency's report is about, when the pronoun fits them: whose agency it
        is ('Noah's school said he'), else the one named in the report before the pronoun
        ('The school said Mia's attendance is low and she has told staff')."""
        gender = self.lex.pronouns.get(pronoun.lower_) or ""
        owners = [c for c in agency.children if c.dep_ == "poss"]
        named = [self.t.tokens[i] for i in range(agency.i + 1, pronoun.i) if i in self.name_of]
        for token in owners + named[::-1]:
            ref = self.ref(token)
            if ref is not None and ref.kind not in ("worker", "professional") and \
                    self._fits(self._gendered(ref), gender):
                return ref
        return None

    def _institution(self, token: Token) -> bool:
        """An agency, not a person ('the school', 'police', 'the youth offending service')."""
        low = token.lower_
        return low in self.lex.organisation_words or low in self.lex.agency_words or low in self.lex.institution_words

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
