"""Is a factor word in a note evidence of a current concern? Not when it is negated
("no concerns about alcohol"), denied ("she denied any drug use"), absent ("nobody
has asked her for pictures"), in the past and over ("used drugs in the past but has
been clean for three years"), hypothetical ("if he drinks again") or only talked
about ("the dangers of drugs").

With a dependency parse, single-word negation ("not", "no", "never", "nobody") counts
only inside its own clause: "mum does not drink but dad drinks heavily" negates the
first drinking only. Phrasal cues ("no evidence of", "drug use was denied") go through
negspacy's NegEx. Without a parse NegEx also does the single words (cruder)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from negspacy.negation import Negex
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.drafting.doc_views import clause_texts, doc_text, sentence_of

_DATA = Path(__file__).parent / "data" / "context.yaml"
SPAN_KEY = "casenote_factor_terms"
_EXTENSION = "casenote_negex"
_CLAUSE_BOUNDARIES = {"ccomp", "advcl", "relcl", "parataxis", "ROOT"}
_CAUSE_PREPOSITIONS = {"since", "after", "following", "because", "due", "from"}
_OPINION_VERBS = {"think", "believe", "feel", "suspect", "consider", "thinks", "believes", "feels"}


@dataclass(frozen=True)
class Context:
    negated: bool = False
    historical: bool = False
    hypothetical: bool = False
    discussion: bool = False
    unfounded: bool = False  # an allegation the note says was not substantiated

    @property
    def current(self) -> bool:
        return not (self.negated or self.historical or self.hypothetical or self.discussion or self.unfounded)

    @property
    def reason(self) -> str:
        for name in ("negated", "historical", "hypothetical", "discussion", "unfounded"):
            if getattr(self, name):
                return name
        return "current"


@dataclass(frozen=True)
class _Rules:
    negex_terms: dict[str, list[str]]
    syntactic: list[str]
    negating_determiners: frozenset[str]
    negating_subjects: frozenset[str]
    denial_verbs: frozenset[str]
    stopping_verbs: frozenset[str]
    historical: re.Pattern  # each list of the YAML file as one alternation: one search, not one per line
    past_after: re.Pattern
    current: re.Pattern
    hypothetical_marks: frozenset[str]
    hypothetical_modals: frozenset[str]
    concern_words: frozenset[str]
    discussion: re.Pattern
    allegation: re.Pattern
    refuted: re.Pattern
    came_to_nothing: re.Pattern
    cleared: re.Pattern
    contact_arrangement: re.Pattern
    outsider_victims: frozenset[str]
    outsider_determiners: frozenset[str]
    outsider_people: frozenset[str]
    indefinite_determiners: frozenset[str]
    not_household: re.Pattern


@lru_cache
def _rules() -> _Rules:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    negex = data["negex"]
    for name, words in list(negex.items()) + [(k, v) for k, v in data.items() if isinstance(v, list)]:
        if any(not isinstance(w, str) for w in words):
            raise ValueError(f"{_DATA.name}: {name} holds a non-word (quote yes/no in YAML)")
    compiled = lambda items: re.compile("|".join(f"(?:{p})" for p in items), re.I)  # noqa: E731
    return _Rules(
        negex_terms={k: list(negex[k]) for k in
                     ("pseudo_negations", "preceding_negations", "following_negations", "termination")},
        syntactic=list(negex["syntactic_preceding"]),
        negating_determiners=frozenset(data["negating_determiners"]) - {"any"},
        negating_subjects=frozenset(data["negating_subjects"]),
        denial_verbs=frozenset(data["denial_verbs"]),
        stopping_verbs=frozenset(data["stopping_verbs"]),
        historical=compiled(data["historical"]), past_after=compiled(data["past_after"]),
        current=compiled(data["current"]),
        hypothetical_marks=frozenset(data["hypothetical_marks"]),
        hypothetical_modals=frozenset(data["hypothetical_modals"]),
        concern_words=frozenset(data["concern_words"]), discussion=compiled(data["discussion"]),
        allegation=compiled(data["allegation"]), refuted=compiled(data["refuted"]),
        came_to_nothing=compiled(data["came_to_nothing"]),
        cleared=compiled(data["cleared"]),
        contact_arrangement=compiled(data["contact_arrangement"]),
        outsider_victims=frozenset(data["outsider_victims"]),
        outsider_determiners=frozenset(data["outsider_determiners"]),
        outsider_people=frozenset(data["outsider_people"]),
        indefinite_determiners=frozenset(data["indefinite_determiners"]),
        not_household=compiled(data["not_household"]),
    )


_negex_cache: dict[tuple[int, bool], Negex] = {}


def _negex(nlp: Language, parsed: bool) -> Negex:
    key = (id(nlp), parsed)
    if key not in _negex_cache:
        rules = _rules()
        terms = {k: list(v) for k, v in rules.negex_terms.items()}
        if not parsed:
            terms["preceding_negations"] += rules.syntactic
        _negex_cache[key] = Negex(nlp, "casenote_negex", neg_termset=terms, extension_name=_EXTENSION,
                                  span_keys=[SPAN_KEY])
    return _negex_cache[key]


def negex_marks(nlp: Language, doc: Doc, spans: list[Span], *, parsed: bool) -> set[tuple[int, int]]:
    """(start, end) token offsets of the spans NegEx finds negated.

    negspacy's own loop visits every span for every clause boundary (quadratic in a long
    note), so its steps are called here with each span looked up in its clause directly."""
    negex = _negex(nlp, parsed)
    preceding, following, terminating = negex.process_negations(doc)
    boundaries = negex.termination_boundaries(doc, terminating)
    starts = [start for start, _ in boundaries]
    negated = set()
    for span in spans:
        index = bisect_right(starts, span.start) - 1
        if index < 0:
            continue
        low, high = boundaries[index]
        if span.end > high:
            continue  # NegEx judges a span only inside one clause
        span._.set(_EXTENSION, False)
        negex._apply_negation(span, [p for p in preceding if low <= p[1] < high],
                              [f for f in following if low <= f[1] < high])
        if span._.get(_EXTENSION):
            negated.add((span.start, span.end))
    return negated


def said_no_concern(sentence: str) -> bool:
    """Does a sentence holding a negated factor word say the thing is no concern ("Lucy's
    deafness is not a concern"), rather than only that it is absent?"""
    return _rules().cleared.search(sentence) is not None


def allegations_refuted(text: str) -> bool:
    """Does the note say the allegations (of a referral, of someone) were not substantiated?"""
    return _rules().refuted.search(text) is not None


def context_of(span: Span, *, parsed: bool, negex_negated: bool, refuted: bool = False) -> Context:
    """``refuted``: the note says the allegations were not substantiated (``allegations_refuted``)."""
    rules = _rules()
    root = span.root
    if parsed:
        clause = _clause_text(root)
        negated = negex_negated or _negated_in_clause(root, rules, span)
        hypothetical = _hypothetical(root, rules)
    else:
        clause = _chunk_text(span)
        negated = negex_negated
        hypothetical = _hypothetical_by_words(span, rules)
    if parsed and _said_as_cause(span):
        clause = span.text  # "After her diagnosis of MS, Sarah can no longer drive": the MS is current
    historical = rules.historical.search(clause) is not None and rules.current.search(clause) is None
    historical = historical or parsed and _stopped_after(root, rules) or \
        rules.past_after.search(doc_text(span.doc)[span.end_char:sentence_of(span).end_char]) is not None
    before = doc_text(span.doc)[max(sentence_of(span).start_char, span.start_char - 60):span.start_char]
    # a question is not an answer: "Did mum drink today? She said no."
    discussion = rules.discussion.search(before) is not None or sentence_of(span).text.rstrip().endswith("?")
    sentence = sentence_of(span)
    unfounded = refuted and rules.allegation.search(doc_text(span.doc)[sentence.start_char:span.start_char]) \
        is not None and rules.refuted.search(sentence.text) is None  # not the sentence that refutes it
    # "the school asked about self-harm but it turned out there was nothing in it": looked into, not found
    unfounded = unfounded or rules.came_to_nothing.search(doc_text(span.doc)[span.end_char:sentence.end_char]) \
        is not None
    return Context(negated=negated, historical=historical, hypothetical=hypothetical, discussion=discussion,
                   unfounded=unfounded)


def _stopped_after(root: Token, rules: _Rules) -> bool:
    """'He smoked cannabis last year but he has stopped now': a past-tense verb of the factor
    joined to a clause that says it stopped (not 'has not stopped')."""
    verb = root
    for _ in range(4):
        if verb.tag_.startswith("VB") or verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.tag_ != "VBD":
        return False
    joined = list(verb.children) + (list(verb.head.children) if verb.dep_ == "ccomp" else [])  # "told me he smoked ..."
    return any(c.dep_ == "conj" and c.i > verb.i and c.lower_ in rules.stopping_verbs and
               not any(g.dep_ == "neg" for g in c.children) for c in joined)


def _said_as_cause(span: Span) -> bool:
    """'Since her stroke', 'after her diagnosis of MS': the factor said as the cause or the
    time of what the sentence goes on to say."""
    if span[0].lower_ in _CAUSE_PREPOSITIONS:
        return True
    for token in [span.root] + list(span.root.ancestors)[:3]:
        if token.dep_ == "pobj" and token.head.lower_ in _CAUSE_PREPOSITIONS and token.head.dep_ == "prep":
            return True
    return False


def _negated_in_clause(token: Token, rules: _Rules, span: Span) -> bool:
    """Climb from the factor word to the head of its clause, looking for negation. A
    negation inside the matched words is part of what is said ("nobody loves him")."""
    if _said_as_cause(span):
        return False  # "Since her stroke Sharon cannot walk": the cause, however the parse hangs it
    current = token
    for _ in range(40):  # a parse tree is never this deep; guards against cycles
        if _negated_here(current, rules, span):
            return True
        if current.head.i == current.i:
            return False
        dep = current.dep_
        if dep == "conj" and (has_subject(current) or _joined_by_but(current)):
            return False  # "mum does not drink but dad drinks": its own clause
        if dep in _CLAUSE_BOUNDARIES:
            head = current.head
            if head.lower_ in rules.denial_verbs:
                return True  # "she denied that she drinks"
            if dep == "relcl" and (head.lower_ in rules.negating_subjects or
                                   any(c.dep_ == "det" and c.lower_ == "no" for c in head.children)):
                return True  # "there is nobody who hurts her", "no one who drinks"
            return head.lower_ in _OPINION_VERBS and any(c.dep_ == "neg" for c in head.children)
        current = current.head
    return False


def _negated_here(token: Token, rules: _Rules, span: Span) -> bool:
    inside = range(span.start, span.end)
    if token.i not in inside and (token.lower_ in rules.denial_verbs or token.lower_ == "without"):
        return True
    for child in token.children:
        if child.i in inside:
            continue
        if child.dep_ == "neg":
            return True
        if child.dep_ == "det" and child.lower_ in rules.negating_determiners:
            return True
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in rules.negating_subjects:
                return True
            if any(g.dep_ == "det" and g.lower_ == "no" for g in child.children):  # "no one"
                return True
    return False


def has_subject(token: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in token.children)


def _joined_by_but(token: Token) -> bool:
    siblings = list(token.head.children)
    return any(c.dep_ == "cc" and c.lower_ in ("but", "yet") and c.i < token.i for c in siblings)


def clause_head(token: Token) -> Token:
    current = token
    for _ in range(40):
        if current.dep_ in _CLAUSE_BOUNDARIES or current.head.i == current.i:
            return current
        if current.dep_ == "conj" and has_subject(current):
            return current
        current = current.head
    return current


def _clause_text(token: Token) -> str:
    """The words of the factor word's own clause: its head's subtree without the clauses
    joined to it that hold other verbs ("Shannon has multiple sclerosis and ... can no
    longer manage the stairs": 'no longer' is about the stairs)."""
    head = clause_head(token)
    cache = clause_texts(token.doc)
    joined = [c for c in head.children if _own_clause(c)]
    holder = next((c.i for c in joined if c.left_edge.i <= token.i <= c.right_edge.i), -1)
    key = (head.i, holder)  # factor words in the same part of a clause share its text
    text = cache.get(key)
    if text is None:
        cut = {t.i for c in joined if c.i != holder for t in c.subtree}
        text = cache[key] = " ".join(t.text for t in head.subtree if t.i not in cut)
    return text


def _own_clause(token: Token) -> bool:
    """A verb joined on with 'and'/'but' (or none): another thing said. Not a 'when'/'since'
    clause, which says when the factor's own clause holds ("when he was younger")."""
    return token.dep_ in ("conj", "parataxis") and token.tag_.startswith("VB")


def _hypothetical(token: Token, rules: _Rules) -> bool:
    head = clause_head(token)
    current = token
    for _ in range(40):
        for child in current.children:
            if child.dep_ == "mark" and child.lower_ in rules.hypothetical_marks:
                return True
            if child.dep_ == "prep" and child.lower_ == "in" and any(g.lower_ == "case" for g in child.children):
                return True
        if current.head.i == current.i or current.dep_ in ("ccomp", "relcl", "parataxis"):
            break
        current = current.head
    modal = any(c.dep_ == "aux" and c.lower_ in rules.hypothetical_modals for c in head.children)
    if not modal:
        return False
    ancestors = [head] + list(head.ancestors)
    return not any(t.lower_ in rules.concern_words for t in ancestors)


def _chunk_text(span: Span) -> str:
    """Without a parse: the words between the nearest punctuation or 'but' on each side."""
    sent = sentence_of(span)
    stops = {",", ";", ":", "but", "however", "although", "though"}
    start = span.start
    while start > sent.start and span.doc[start - 1].lower_ not in stops:
        start -= 1
    end = span.end
    while end < sent.end and span.doc[end].lower_ not in stops:
        end += 1
    return span.doc[start:end].text


def _hypothetical_by_words(span: Span, rules: _Rules) -> bool:
    sent = sentence_of(span)
    window = [t.lower_ for t in span.doc[max(sent.start, span.start - 8):span.start]]
    return any(w in rules.hypothetical_marks for w in window) or \
        any(w in rules.hypothetical_modals for w in window[-3:])


def hurts_outsider(span: Span) -> bool:
    """With a parse: is the one the verb hurts someone outside the family ("for hitting
    other pupils", "punched another boy")?"""
    rules = _rules()
    verb = span.root
    if not verb.tag_.startswith("VB"):
        return False
    for child in verb.children:
        if child.dep_ not in ("dobj", "dative") or child.i in range(span.start, span.end):
            continue
        if child.lower_ in rules.outsider_victims or \
                any(g.dep_ in ("amod", "det") and g.lower_ in rules.outsider_determiners for g in child.children):
            return True
        if child.lower_ in rules.outsider_people and \
                any(g.dep_ == "det" and g.lower_ in rules.indefinite_determiners for g in child.children):
            return True  # "punching a boy": someone outside the family
    return False


def speaks_of_contact(sentence: Span) -> bool:
    """Does the sentence speak of contact arrangements (with a parent the children do not live with)?"""
    return _rules().contact_arrangement.search(sentence.text) is not None


def lives_elsewhere(sentence: Span, person_key: str, ref_of) -> bool:
    """Does the sentence say this person lives apart from the child ("dad lives in Cardiff",
    "has not seen them for a year")? ``ref_of`` maps a token to its person (People.ref)."""
    return any(ref is not None and ref.key == person_key for ref in map(ref_of, living_apart(sentence)))


def living_apart(sentence: Span) -> list[Token]:
    """The subjects the sentence says live apart ("Tyler lives with his dad in Rotherham")."""
    subjects = []
    text, offset = sentence.text, sentence.start_char
    for found in _rules().not_household.finditer(text):
        words = sentence.doc.char_span(offset + found.start(), offset + found.end(), alignment_mode="expand")
        if words is None:
            continue
        verb = words[0]
        for _ in range(4):  # the subject of the verb, or of the verb it is joined to
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None or verb.dep_ not in ("conj", "xcomp", "aux") or verb.head.i == verb.i:
                break
            verb = verb.head
        if subject is not None:
            subjects.append(subject)
    return subjects
