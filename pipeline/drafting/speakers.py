"""Whose words or views a sentence reports (``speaker_of``), and whether it opens with what
the worker saw of a person (``described_first``): the speaker signals of the section rules
(``sections.py``) and of the people present (``visit_fields.py``)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipeline.drafting.groups import group_at
from pipeline.drafting.people import People, PersonRef

# Verbs that report what someone said, whatever follows them.
SAYING_VERBS = {
    "said", "says", "say", "told", "tells", "tell", "explained", "explains", "reported", "reports", "stated",
    "states", "shared", "shares", "disclosed", "discloses", "described", "describes", "admitted", "admits",
    "denied", "denies", "confirmed", "confirms", "mentioned", "added", "replied", "answered", "complained",
    "alleged", "claimed", "insisted", "acknowledged",
}
# Verbs that report a view or feeling only when a clause follows ("she feels that...",
# "he wants to go home"), not "she loves Bella" or "mum accepts help".
VIEW_VERBS = {
    "accepted", "accepts", "feels", "felt", "wants", "wanted", "wishes", "wished", "likes", "liked", "loves",
    "hates", "worries", "thinks", "thought", "believes", "believed", "knows", "recognised", "expressed",
    "misses", "hopes", "finds", "agreed", "agrees",
}
REPORTING_VERBS = SAYING_VERBS | VIEW_VERBS
CLAUSE_VERBS = VIEW_VERBS | {"answered", "replied"}  # report words only with a clause after them
_CHILDREN = PersonRef(role="child", kind="child", gender="plural")
_WORKER = PersonRef(role="worker", kind="worker")
_PHONE = {"phone", "telephone", "call", "text", "email"}
_SOMEONE_ELSE = PersonRef(role="other source", kind="professional")  # what reached the worker from elsewhere
_REFUSALS = {"refused", "declined"}
_SEEING_VERBS = {"talk", "speak", "see", "seen", "meet", "spoken", "chat"}
_BE = {"was", "is", "were", "are", "'s", "’s"}
_SURE = {"clear", "adamant", "certain", "sure", "firm", "positive", "insistent"}
_MAIN_CLAUSE_DEPS = {"ROOT", "conj", "xcomp"}


def speaker_of(span: Span, people: People, *, parsed: bool) -> PersonRef | None:
    """Whose words or views a sentence reports: the subject of its highest reporting verb
    ('When I asked her, Ruby said...' -> Ruby), or an agency that is the main subject."""
    if not parsed:
        return _speaker_by_words(span, people)
    candidates: list[tuple[int, int, PersonRef]] = []
    described = described_first(span, people)
    for token in span:
        if (token.lower_ in REPORTING_VERBS or _sure_that(token)) and token.tag_.startswith("VB") and \
                _in_main_clause(token, span, people):
            if described is not None and token.i > described.i:
                continue  # "Mum was pacing ..., she said the neighbours ...": what the worker saw first
            if token.lower_ in CLAUSE_VERBS and not any(c.dep_ in ("ccomp", "xcomp") for c in token.children):
                continue  # "she loves Bella", "Kerry answered the door": no words or view reported
            if _in_front_of_worker(token, people):
                continue  # "Gary told Chloe in front of me that she was useless": what the worker saw
            if token.lower_ in VIEW_VERBS and _agreed_to_be_seen(token, people):
                continue  # "Callum agreed to talk to the worker alone": how he was seen, not a view
            subject = _speaker_subject(token)
            ref = people.ref(subject) if subject is not None else None
            if ref is None and subject is not None and children_said(subject):
                ref = _CHILDREN  # "The older two both said..."
            if ref is not None and ref.kind != "worker" and (ref.kind != "unknown" or ref.name):
                said_by = subject.i if subject is not None and subject.lower_ not in people.lex.pronouns else None
                candidates.append((_depth(token), said_by if said_by is not None else len(span.doc),
                                   _as_told(token, ref, people)))
    if candidates:
        chosen = min(candidates, key=lambda c: c[0])
        named = min(candidates, key=lambda c: c[1])
        if chosen[1] == len(span.doc) and named[1] < len(span.doc) and \
                (named[2].gender is None or named[2].gender == chosen[2].gender):
            chosen = named  # "Summer said Kai punches her, she said it hurts": she is Summer
        return chosen[2]
    root = span.root
    subject = _subject(root)
    ref = people.ref(subject) if subject is not None else None
    if ref is not None and ref.kind == "worker":
        return None  # "I did not see the bedrooms because Gemma said...": the worker's own sentence
    by_words = _speaker_by_words(span, people, verbs=SAYING_VERBS - CLAUSE_VERBS)  # a misparse can lose the subject
    if by_words is not None and described is None:
        return by_words
    return ref if ref is not None and ref.kind == "professional" else None


def says_without_subject(span: Span) -> bool:
    """A sentence dictated as 'Says she's not his girlfriend, ...' or 'Told me he sleeps in
    the car': it opens with a verb of saying that has no subject, so whoever spoke in the
    sentence before goes on speaking."""
    first = next((t for t in span if not t.is_punct), None)
    return first is not None and first.lower_ in SAYING_VERBS and first.tag_ in ("VBZ", "VBD") and \
        not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in first.children)


def _agreed_to_be_seen(verb: Token, people: People) -> bool:
    """'agreed to talk to the worker alone', 'wanted to be seen with her sister': the view is
    about seeing the worker."""
    for xcomp in verb.children:
        if xcomp.dep_ != "xcomp" or xcomp.lower_ not in _SEEING_VERBS:
            continue
        if xcomp.lower_ in ("seen", "spoken") or any(c.dep_ == "auxpass" for c in xcomp.children):
            return True  # "to be seen", "to be spoken to"
        objects = [c for c in xcomp.children if c.dep_ == "dobj"]
        objects += [g for c in xcomp.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        if any((people.ref(o) or _CHILDREN).kind == "worker" for o in objects):
            return True
    return False


def _in_front_of_worker(verb: Token, people: People) -> bool:
    """Words said to someone else in the worker's presence ('in front of me')."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "in":
            front = next((g for g in prep.children if g.lower_ == "front"), None)
            of = next((g for g in front.children if g.lower_ == "of"), None) if front is not None else None
            whom = [g for g in of.children if g.dep_ == "pobj"] if of is not None else []
            if any((people.ref(w) or _CHILDREN).kind == "worker" or w.lower_ == "us" for w in whom):
                return True
    return False


def children_said(subject: Token) -> bool:
    """A group phrase for children ("the older two", "all three") as the subject."""
    return subject.i in group_at(subject.doc)


def _sure_that(token: Token) -> bool:
    """'Aisha was clear there's no domestic abuse', 'he is adamant that he has stopped': a view."""
    sure = next((c for c in token.children if c.dep_ == "acomp" and c.lower_ in _SURE), None) \
        if token.lower_ in _BE else None
    return sure is not None and any(c.dep_ in ("ccomp", "advcl") for c in list(token.children) + list(sure.children))


def _speaker_subject(verb: Token) -> Token | None:
    """Who says it: the subject, or for a passive the agent ('She was reported missing by her
    foster carer': the foster carer, not she)."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
    return _subject(verb)


def _as_told(verb: Token, speaker: PersonRef, people: People) -> PersonRef:
    """Words that reached the worker through someone else are information from others:
    'Amelia told her teacher that...', 'mum told me on the phone that...' (not a view:
    'he likes his new school')."""
    if verb.lower_ not in SAYING_VERBS:
        return speaker
    for child in verb.children:
        heard_by = [child] if child.dep_ in ("dobj", "dative") else \
            [g for g in child.children if g.dep_ == "pobj"] if child.dep_ == "prep" and child.lower_ == "to" else []
        for token in heard_by:
            ref = people.ref(token)
            if ref is not None and ref.kind == "professional":
                return ref
        if child.dep_ == "prep" and child.lower_ in ("on", "over", "by") and \
                any(g.lower_ in _PHONE for g in child.children):
            return _SOMEONE_ELSE
    words = [t.lower_ for t in verb.doc[verb.sent.start:verb.i]]
    if any(words[k] in ("on", "over", "by") and (words[k + 1] in _PHONE or words[k + 1] == "the" and
                                                 k + 2 < len(words) and words[k + 2] in _PHONE)
           for k in range(len(words) - 1)):
        return _SOMEONE_ELSE  # "Dad, Paul, on the phone after the visit, confirmed ..."
    return speaker


def _in_main_clause(token: Token, span: Span, people: People) -> bool:
    """Not inside an adverbial or relative clause ('...as mum asked us to leave'), nor words
    the worker passed on ('this worker told her what Skye had said')."""
    current = token
    for _ in range(12):
        reported = current.dep_ == "ccomp" and current.head.lower_ in REPORTING_VERBS  # "mum said Kayden told her"
        if reported and _said_by_worker(current.head, people):
            return False
        if current.dep_ not in _MAIN_CLAUSE_DEPS and not reported:
            return False
        if current.head.i == current.i or current.dep_ == "ROOT" or not (span.start <= current.head.i < span.end):
            return True
        current = current.head
    return True


def _said_by_worker(verb: Token, people: People) -> bool:
    subject = _subject(verb)
    ref = people.ref(subject) if subject is not None else None
    return ref is not None and ref.kind == "worker"


def described_first(span: Span, people: People) -> Token | None:
    """The sentence opens with what the worker saw of a person: how they were ('Jodie was
    very drunk', 'Freddie was wheezy'), what they were doing ('Mum was pacing') or a refusal
    ('Chloe refused to come out of her room'); words said after it ('..., she said ...')
    do not make it their view. The first clause's verb, or None."""
    subject = next((t for t in span if t.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return None
    root = subject.head  # the sentence's first clause
    ref = people.ref(subject)
    if ref is None or ref.kind in ("worker", "professional") or subject.i > root.i:
        return None
    if root.lower_ in _REFUSALS:
        return root
    if root.lower_ in ("want", "wants", "wanted") and any(c.dep_ == "neg" for c in root.children) and \
            any(c.dep_ == "xcomp" and c.lower_ in _SEEING_VERBS for c in root.children):
        return root  # "Linda does not want to talk to me": a refusal, what the worker saw
    past_be = root.lower_ in ("was", "were") or any(c.dep_ == "aux" and c.lower_ in ("was", "were")
                                                     for c in root.children)
    if not past_be or root.lower_ in REPORTING_VERBS:
        return None
    if root.tag_ == "VBG" and not any(c.dep_ in ("dobj", "prep") for c in root.children):
        return root  # "Mum was pacing, talking very fast", not "was doing homework in the lounge"
    states = [c for c in root.children if c.dep_ == "acomp"]
    if not states or any(c.lower_ in people.lex.presence_states or
                         any(g.dep_ in ("ccomp", "xcomp") or g.dep_ == "prep" and not _towards_someone(g, people)
                             for g in c.children) for c in states):
        return None  # "was asleep upstairs" says who was there; "was worried that" is a view
    shared = any(c.dep_ == "conj" and c.lower_ in SAYING_VERBS and not any(g.dep_ == "nsubj" for g in c.children)
                 for c in root.children)
    return None if shared else root  # "was very drunk", not "were shocked and upset and said they .."


def _towards_someone(prep: Token, people: People) -> bool:
    """'gentle with the twins', 'patient with Kai': how a person was with someone, as the worker saw it."""
    return prep.lower_ == "with" and any(g.dep_ == "pobj" and (people.ref(g) or _WORKER).kind != "worker"
                                         for g in prep.children)  # not "open with me": how they engaged


def described_fragment(span: Span, people: People) -> bool:
    """A fragment dictated as how a person was: 'Tia tired, phone constantly buzzing', 'Lee
    drowsy, pinned pupils' (a person, then a word of how they were, no verb of theirs between;
    not where they were, 'Kai asleep upstairs', nor words reported in it)."""
    words = [t for t in span if not t.is_punct]
    if len(words) < 2 or any(t.lower_ in SAYING_VERBS and t.tag_.startswith("VB") for t in span):
        return False
    person, state = words[0], words[1]
    ref = people.ref(person) or people.role_at(person)  # "Mum jittery": a role word the parser hung on the next
    if ref is None or ref.kind in ("worker", "professional") or ref.gender == "plural" or \
            person.tag_ not in ("NNP", "NN"):
        return False  # "Her foster carer ...", "Children safe tonight ..." (the worker's judgement)
    after = span.doc[state.i + 1] if state.i + 1 < span.end else None
    # the tagger often takes the word for a noun the name is a compound of ("Kacper pale, ...")
    said_as_noun = state.tag_ == "NN" and person.dep_ == "compound" and person.head.i == state.i and \
        (after is None or after.is_punct or after.lower_ == "and")
    return state.i == person.i + 1 and person.dep_ not in ("nsubj", "nsubjpass") and \
        (state.tag_ == "JJ" or said_as_noun) and state.lower_ not in people.lex.presence_states


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            # "Mum and dad said": the first conjunct speaks for both
            return child
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    return None


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


def _speaker_by_words(span: Span, people: People, *, verbs: set[str] = REPORTING_VERBS) -> PersonRef | None:
    """Without a parse: a person word followed closely by a reporting verb. (With one, only
    a verb of saying: 'Shane loves the kids' reports no view; the parse tells.)"""
    tokens = list(span)
    for i, token in enumerate(tokens):
        if token.lower_ not in verbs or token.dep_ == "amod":  # "their shared bedroom"
            continue
        if token.dep_ == "relcl" and people.ref(token.head) is None:
            continue  # "new trainers that mum said she had not bought": about the trainers
        if any(c.dep_ == "dobj" and c.tag_ in ("WP", "WDT") and c.i < token.i for c in token.children):
            continue  # "what she said at school is a worry", "the marks fit what he said": a thing said
        if people.parsed and (_in_front_of_worker(token, people) or token.dep_ == "advcl"):
            continue  # "..., as Carla said it was a mess": a reason given inside the worker's own sentence
        for j in range(i - 1, max(-1, i - 4), -1):
            ref = people.ref(tokens[j])
            if ref is not None:
                if ref.kind != "worker" and (ref.kind != "unknown" or ref.name):
                    return ref
                break
    return None
