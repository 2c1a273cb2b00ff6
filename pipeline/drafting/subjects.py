"""Who a factor word is about, from spaCy's dependency parse: whose drinking ("dad has
been drinking heavily" -> dad), who was hurt and by whom ("mum's partner hit Kayden"
-> Kayden, by mum's partner). Without a parse, the nearest person word stands in."""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.person_words import REPORTING_HEADS
from pipeline.drafting.doc_views import sentence_of

_NOT_SUBJECTS = ("worker", "professional")
_VICTIM_PREPS = {"at", "towards", "toward", "to", "against", "on", "with"}
_AGENT_PREPS = {"by", "from"}
_VICTIM_VERBS = {"experiencing", "experience", "experienced", "experiences", "suffering", "suffered", "suffers",
                 "subjected", "endured", "enduring"}  # not "living with"/"exposed to": witnesses
_REFLEXIVE = {"himself", "herself", "themselves"}
_ADVERBIAL_PREPS = {"after", "following", "since", "before", "regarding", "about", "concerning"}
_REPORTING = {"said", "says", "told", "tells", "explained", "reported", "disclosed", "stated", "shared"}


def _person(token: Token | None, people: People) -> PersonRef | None:
    if token is None:
        return None
    ref = people.ref(token)
    if ref is None or ref.kind in _NOT_SUBJECTS:
        return None
    return ref


def _subject(verb: Token) -> Token | None:
    current = verb
    for _ in range(6):
        for child in current.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if current.dep_ in ("conj", "xcomp", "acomp", "advcl", "pcomp") and current.head.i != current.i:
            current = current.head  # "drinks and falls asleep": the subject is shared
            continue
        return None
    return None


def _governing_verb(token: Token) -> Token | None:
    current = token
    for _ in range(12):
        if current.tag_.startswith("VB") or current.tag_ == "MD" or current.dep_ == "ROOT":
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def _noun_chain(token: Token) -> list[Token]:
    """The factor word and the nouns it hangs from, up to its verb ("concerns about mum's drinking")."""
    chain = [token]
    current = token
    for _ in range(8):
        if current.head.i == current.i or current.head.tag_.startswith("VB") and current.dep_ != "pcomp":
            break
        current = current.head
        chain.append(current)
    return chain


def owner_of(span: Span, people: People, *, parsed: bool) -> PersonRef | None:
    """Whose problem it is: the possessor ("dad's drinking", "her anxiety"), else the subject
    of its clause ("Kayden has epilepsy"); an agency's subject gives way to its object
    ("CAMHS have diagnosed Noah with anxiety")."""
    if not parsed:
        return _nearest_person(span, people)
    root = span.root
    if root.dep_ == "amod":  # "two intoxicated adults", "her drunk boyfriend": the person the word describes
        ref = people.ref(root.head)
        if ref is not None and ref.kind not in _NOT_SUBJECTS:
            return ref
    for token in [root] + [t for t in span if t.i != root.i]:
        for child in token.children:  # "mum's partner drinks", "Ryan drinks" misparsed as a compound
            ref = (people.role_at(child) or people.ref(child)) if child.dep_ == "compound" else None
            if ref is not None and ref.kind not in _NOT_SUBJECTS:
                return ref
    for token in [t for t in span if t.i != root.i] + _noun_chain(root):
        for child in token.children:
            if child.dep_ == "poss":
                ref = _person(child, people)
                if ref is not None:
                    return ref
    for token in _noun_chain(root):  # "fresh cuts on Ella's forearms": whose body they are on
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("on", "across", "to"):
                for place in prep.children:
                    owner = next((c for c in place.children if c.dep_ == "poss"), None) if place.dep_ == "pobj" else None
                    ref = _person(owner, people) if owner is not None else None
                    if ref is not None and ref.is_child:
                        return ref
    if not root.tag_.startswith("VB"):
        for token in _noun_chain(root):  # "daily cannabis use by both adults": the agent, not the clause's subject
            agent = _prep_object(token, {"by"}, people)
            if agent is not None:
                return agent
    verb = _governing_verb(root)
    if verb is None:
        return None
    if verb.lower_ in _REPORTING and not _is_object_of(root, verb):
        reported = _person_between(verb, span, people)
        if reported is not None:
            return reported  # "Kayla said Ricky smokes weed" parsed without its verb: Ricky, not Kayla
    subject = _subject(verb)
    if subject is not None:
        ref = people.ref(subject)
        if ref is not None and ref.kind not in _NOT_SUBJECTS:
            return ref
        if ref is not None:  # an agency or the worker did the verb: the person it is about is the object
            for child in verb.children:
                if child.dep_ in ("dobj", "dative"):
                    return _person(child, people)
    for token in _noun_chain(root):
        agent = _prep_object(token, _AGENT_PREPS, people)
        if agent is not None:
            return agent
    return None


def doer_of(span: Span, people: People, *, parsed: bool) -> PersonRef | None:
    """Who does it: the subject of the verb the words hang from, never a possessor or an
    object ('Amy was helping mum to give Leo his medication' -> Amy, not Leo); for a noun,
    who the clause on it says has it ('the caring role Ellie-Mae is taking on')."""
    if not parsed:
        return _nearest_person(span, people, before_only=True)
    return _person(doer_token(span), people)


def doer_token(span: Span) -> Token | None:
    """The word for who does it (parsed notes only): see ``doer_of``."""
    for clause in (c for c in span.root.children if c.dep_ in ("relcl", "acl")):
        subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return subject
    verb = _governing_verb(span.root)
    return _subject(verb) if verb is not None else None


def person_of(token: Token | None, people: People) -> PersonRef | None:
    """The person a word means, when it is one a factor can be about (not the worker or a
    professional)."""
    return _person(token, people)


def person_of_phrase(span: Span, people: People) -> PersonRef | None:
    """'the neglect of all four children', 'no food for the children': the person the
    factor's words are of or for."""
    for token in [span.root] + _noun_chain(span.root)[1:]:
        found = _prep_object(token, {"of", "for"}, people)
        if found is not None:
            return found
    return None


def victim_and_perpetrator(span: Span, people: People, *, parsed: bool) -> tuple[PersonRef | None, PersonRef | None]:
    """(who was hurt or controlled, who did it)."""
    if not parsed:
        return _next_person(span, people), _nearest_person(span, people, before_only=True)
    root = span.root
    verb = root if root.tag_.startswith("VB") else _governing_verb(root)
    if verb is not None and _through_adverbial(root, verb):
        verb = None  # "visit to see Lily after a domestic incident": Lily is not the one hurt
    victim: Token | None = None
    perpetrator: Token | None = None
    for token in [t for t in span] + _noun_chain(root):
        victim = victim or _prep_object_token(token, _VICTIM_PREPS, people)
        perpetrator = perpetrator or _prep_object_token(token, _AGENT_PREPS, people)
        for child in token.children:
            if child.dep_ == "poss" and victim is None and token.tag_.startswith("NN") and _person(child, people):
                victim = child  # "mum's experience of domestic abuse", "touched her private parts"
    if verb is not None:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        subject = _subject(verb)
        subject = subject if _person(subject, people) else None
        if passive:
            victim = victim or subject
            perpetrator = perpetrator or _prep_object_token(verb, _AGENT_PREPS, people)
        elif verb.lower_ in _VICTIM_VERBS or _is_victim_phrase(root):
            victim = victim or subject
        else:
            if root.tag_.startswith("VB") or root.dep_ in ("acomp", "amod"):
                perpetrator = perpetrator or subject
            for child in verb.children:
                if child.dep_ in ("dobj", "dative") and _person(child, people) and (victim is None or victim.dep_ == "poss"):
                    victim = child
            victim = victim or _prep_object_token(verb, _VICTIM_PREPS, people)
    if perpetrator is None and verb is not None and root.tag_.startswith("VB") and _subject(verb) is None:
        perpetrator = _person_before(verb, people)  # a misparse lost the subject of "punches"
    victim_ref, perpetrator_ref = _person(victim, people), _person(perpetrator, people)
    if victim_ref is not None and perpetrator_ref is not None and victim_ref.key == perpetrator_ref.key \
            and victim.lower_ not in _REFLEXIVE:
        victim_ref = people.ref_other_than(victim, perpetrator_ref)  # "her cousin touched her"
    return victim_ref, perpetrator_ref


def _through_adverbial(token: Token, verb: Token) -> bool:
    """The factor word hangs from the verb through 'after', 'following'...: the verb is about
    something else."""
    current = token
    for _ in range(8):
        if current.i == verb.i or current.head.i == current.i:
            return False
        if current.dep_ == "prep" and current.lower_ in _ADVERBIAL_PREPS:
            return True
        current = current.head
    return False


def _is_object_of(token: Token, verb: Token) -> bool:
    return token.head.i == verb.i and token.dep_ in ("dobj", "nsubj", "nsubjpass")


def _person_between(verb: Token, span: Span, people: People) -> PersonRef | None:
    """The person named between a reporting verb and the words it reports, nearest first."""
    for i in range(span.start - 1, verb.i, -1):
        ref = _person(span.doc[i], people)
        if ref is not None:
            return ref
    return None


def _person_before(verb: Token, people: People) -> Token | None:
    """The nearest person named before a verb in its sentence, after any reporting verb."""
    sent = sentence_of(verb)
    for i in range(verb.i - 1, sent.start - 1, -1):
        token = verb.doc[i]
        if token.lower_ in _REPORTING:
            return None
        if _person(token, people) is not None:
            return token
    return None


def _is_victim_phrase(root: Token) -> bool:
    """'mum is a victim of domestic abuse': the subject of 'is' is the victim."""
    return any(t.lower_ in ("victim", "survivor") for t in [root] + list(root.ancestors)[:3])


def _prep_object(token: Token, preps: set[str], people: People) -> PersonRef | None:
    return _person(_prep_object_token(token, preps, people), people)


def _prep_object_token(token: Token, preps: set[str], people: People) -> Token | None:
    for child in token.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in preps:
            for grandchild in child.children:
                if grandchild.dep_ == "pobj" and _person(grandchild, people) is not None:
                    return grandchild
    return None


def _nearest_person(span: Span, people: People, *, before_only: bool = False) -> PersonRef | None:
    sent = sentence_of(span)
    for i in range(span.start - 1, sent.start - 1, -1):
        ref = _person(span.doc[i], people)
        if ref is not None:
            return ref
    return None if before_only else _next_person(span, people)


def _next_person(span: Span, people: People) -> PersonRef | None:
    sent = sentence_of(span)
    for i in range(span.end, sent.end):
        ref = _person(span.doc[i], people)
        if ref is not None:
            return ref
    return None


def teller_of(token: Token | None, people: People) -> PersonRef | None:
    """For a pronoun that is the subject of what a child told ('Alfie told me that he ...'),
    the child who told it: doing for the others is what the teller says of himself."""
    if token is None or token.lower_ not in people.lex.pronouns or token.dep_ != "nsubj":
        return None
    root, clause = token.sent.root, token.head
    for _ in range(8):  # up to the clause the root reports: "... that he gets up ..., and that he gets Poppy dressed"
        if clause.head.i == root.i or clause.head.i == clause.i:
            break
        clause = clause.head
    if root.lower_ not in REPORTING_HEADS or clause.dep_ not in ("ccomp", "conj") or clause.head.i != root.i:
        return None
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    ref = people.ref(subject) if subject is not None else None
    gender = people.lex.pronouns[token.lower_]
    return ref if ref is not None and ref.is_child and ref.gender in (gender, None) else None


def adult_meant(span: Span, child: PersonRef, people: People) -> PersonRef | None:
    """The household adult a subject pronoun may also mean, when its most likely person is a
    child too young for the concern."""
    subject = next((c for c in span.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.lower_ not in people.lex.pronouns:
        return None
    ref = people.ref(subject)
    if ref is None or ref.key != child.key:
        return None
    return next((r for r in people.alternatives(subject)
                 if r.kind in ("parent_carer", "household_member") and not r.likely_child), None)
