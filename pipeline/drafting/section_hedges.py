"""The worker's own judgement and its hedges as the main clause of a sentence, read from
spaCy's parse with the word classes of ``data/speech.yaml`` (``section_signals``): 'I think
...', 'SW believes ...', 'I'm not sure whether ...', 'It seemed to me that ...'. Said of
where a person was or whether they were alone ('I think Finley was upstairs, I heard
someone on the landing') it is who was present, hedged; said of anything else it is the
worker's analysis ('I'm not sure whether Lily counts as a young carer and I'll check')."""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.section_signals import BEING, SUBJECTS, person_ref, signal_words, subject_of

_NOBODY = PersonRef(role="", kind="")
_CLAUSE_MARKS = frozenset({"that", "whether", "if"})


def _is_worker(token: Token | None, people: People) -> bool:
    return (person_ref(token, people) or _NOBODY).kind == "worker"


def _worker_hedge(span: Span, people: People) -> Token | None:
    """The token that heads the worker's judging clause, when the sentence's main clause is
    one: 'I think' (think), "I'm not sure whether" (sure), 'It seemed to me' (seemed)."""
    words = signal_words()
    root = span.root
    if root.lower_ in words.judging_verbs and _is_worker(subject_of(root), people):
        return root
    if root.lower_ in BEING | {"'m", "am", "wasn't"} and _is_worker(subject_of(root), people):
        negated = any(c.dep_ == "neg" for c in root.children)
        unsure = next((c for c in root.children if c.dep_ == "acomp" and
                       (c.lower_ in words.unsure_words and negated or c.lower_ == "unsure")), None)
        if unsure is not None:
            return unsure
    if root.lower_ in words.seeming_verbs and any(
            c.dep_ == "prep" and c.lower_ == "to" and any(_is_worker(g, people) for g in c.children)
            for c in root.children):
        return root  # "It seemed to me that ...", "It feels to me like ..."
    return None


def _judged_clauses(hedge: Token) -> list[Token]:
    """The clauses the worker judges: 'I think [Tyler's anxiety is real]', "I'm not sure
    [whether it was him]" (the parser hangs a clause after 'if' as an adverbial one)."""
    heads = [hedge] + ([hedge.head] if hedge.dep_ == "acomp" else [])
    return [c for h in heads for c in h.children
            if c.dep_ == "ccomp" or c.dep_ == "advcl" and any(m.lower_ in _CLAUSE_MARKS for m in c.children)]


def worker_judges(span: Span, people: People) -> bool:
    """The worker's own judgement or hedge as the main clause: 'I think Tyler's anxiety is
    real', 'SW believes the children are safe', "I'm not sure whether Lily counts as a young
    carer", 'It seemed to me that Chris is coping' (not 'I thought he was out': the present
    tense only, for thinking; nor a hedge of where someone was: ``hedged_presence``)."""
    hedge = _worker_hedge(span, people)
    if hedge is None or not _judged_clauses(hedge):
        return False
    return hedged_presence(span, people) is None


def hedged_presence(span: Span, people: People) -> bool | None:
    """The worker's 'I think' around where a person was or whether they were alone: 'I think
    Jake was on his own with me for a few minutes' (True: alone), 'I think Finley was upstairs'
    (False: only where, 'I think Kacper was in his room'; also when the parser hangs it below
    a later clause: 'I think Finley, who is 9, was upstairs, I heard ...'); None for anything
    else. Who was present says it, hedged; the fields leave it unsaid (``child_fields.py``)."""
    words = signal_words()
    hedge = _worker_hedge(span, people)
    if hedge is None:
        return None
    clauses = [c for c in _judged_clauses(hedge) if c.lower_ in BEING]
    said_next = hedge.i + 1  # the subject said right after "I think", "not sure whether"
    if said_next < span.end and hedge.doc[said_next].lower_ in _CLAUSE_MARKS:
        said_next += 1
    clauses += [v for v in span if v.lower_ in BEING and v not in clauses and
                any(c.dep_ in SUBJECTS and c.i == said_next for c in v.children)]
    for clause in clauses:
        ref = person_ref(next((c for c in clause.children if c.dep_ in SUBJECTS), None), people)
        if ref is None or ref.kind == "worker":
            continue
        said = [t for c in clause.children if c.dep_ not in ("advcl", "ccomp", "conj", "relcl") for t in c.subtree]
        if any(t.lower_ in words.alone_words or t.lower_ in words.own_words and t.head.lower_ == "on" for t in said):
            return True
        if any(c.dep_ in ("acomp", "advmod") and c.lower_ in words.presence_words | {"upstairs", "downstairs", "in"} or
               c.dep_ == "prep" and c.lower_ in ("in", "at") and
               any(g.lower_ in words.room_words | words.away_places for g in c.subtree) for c in clause.children):
            return False  # "was upstairs", "was in his room", "was at school"
    return None
