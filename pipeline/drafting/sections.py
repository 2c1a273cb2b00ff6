"""Put each sentence of a note into one section of the template.

A spoken heading ("Observations.", "Heading, actions") decides for every sentence
until the next heading. Without headings a sentence is scored for each section by
the template's cue phrases, by who is speaking or being reported ("Kayden told me"
-> child's voice, "mum said" -> parents' views, "the school said" -> information
from others) and by its neighbours (a sentence with no cue stays with the one before)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from pipeline.drafting.fastregex import FastPattern
from pipeline.drafting.groups import group_at
from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.doc_views import search_text
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.template import Template

SPEAKER_WEIGHT = 3.0  # who is speaking outweighs any single cue phrase
CONTINUITY_WEIGHT = 0.6  # dictation keeps related sentences together
POSITION_WEIGHT = {"first": 2.0, "last": 1.0}
FIRST_SENTENCES = 2  # a "first" section's cues count fully in the note's opening sentences
LATE_FIRST_FACTOR = 0.4
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
_PHONE = {"phone", "telephone", "call", "text", "email"}
_SOMEONE_ELSE = PersonRef(role="other source", kind="professional")  # what reached the worker from elsewhere
_MAIN_CLAUSE_DEPS = {"ROOT", "conj", "xcomp"}
_HEADING_PREFIX = re.compile(r"^(?:(?:next|new)\s+)?(?:heading|section|title|subheading)\b\s*[,:.\-]?\s*", re.I)
_HEADING_END = ".,:;-!?"
_FIRST_WORD = re.compile(r"[^\s.,:;\-!?]*")  # a heading is accepted only if followed by one of _HEADING_END


@dataclass(frozen=True)
class _CompiledSection:
    key: str
    headings: tuple[str, ...]
    heading_first_words: frozenset[str]
    cues: tuple[tuple[FastPattern | re.Pattern, float], ...]  # re.Pattern: anchored at the sentence start
    speakers: frozenset[str]
    position: str | None


@lru_cache(maxsize=16)
def _compile(template_json: str) -> tuple[_CompiledSection, ...]:
    template = Template.model_validate_json(template_json)
    compiled = []
    for section in template.sections:
        cues = [(FastPattern(r"\b" + r"\s+".join(map(re.escape, cue.split())) + r"\b"), 1.0)
                for cue in section.cues]
        cues += [(re.compile(p.regex, re.I) if p.regex.startswith("^") else FastPattern(p.regex), p.weight)
                 for p in section.patterns]
        headings = tuple(sorted({_normal(h) for h in section.headings}, key=len, reverse=True))
        first_words = frozenset(_FIRST_WORD.match(h).group() for h in headings)
        compiled.append(_CompiledSection(section.key, headings, first_words, tuple(cues),
                                         frozenset(section.speakers), section.position))
    return tuple(compiled)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").lower()).strip()


def heading_of(text: str, sections: tuple[_CompiledSection, ...]) -> tuple[str, bool] | None:
    """(section key, whether the heading is all the sentence says) when the sentence starts
    with a spoken heading."""
    normal = _normal(text)
    prefix = _HEADING_PREFIX.match(normal)
    body = normal[prefix.end():] if prefix else normal
    first = _FIRST_WORD.match(body).group()
    best: tuple[str, int] | None = None
    for section in sections:
        if first not in section.heading_first_words:
            continue  # most sentences: no heading starts with their first word
        for heading in section.headings:
            if body.startswith(heading):
                rest = body[len(heading):]
                if (not rest or rest[0] in _HEADING_END) and (best is None or len(heading) > best[1]):
                    best = (section.key, len(heading))
    if best is None:
        return None
    return best[0], body[best[1]:].strip(" " + _HEADING_END) == ""


def assign_sections(sentences: list[NoteSentence], people: People, template: Template,
                    *, parsed: bool) -> list[str]:
    sections = _compile(template.model_dump_json())
    default = template.default_key()
    cue_scores = _cue_scores(sentences, sections)
    keys: list[str] = []
    headed_key: str | None = None
    last = len(sentences) - 1
    headings = [heading_of(sentence.text, sections) for sentence in sentences]
    structured = sum(h is not None for h in headings) >= 2
    for index, sentence in enumerate(sentences):
        heading = headings[index]
        if heading is not None:
            keys.append(heading[0])
            # a heading alone, or one of several: the worker's structure from here on; a single
            # label with its answer ("Present: mum Leanne, ...") is that sentence's only
            if structured or heading[1]:
                headed_key = heading[0]
            continue
        if headed_key is not None:  # the worker's own structure wins
            keys.append(headed_key)
            continue
        previous = keys[-1] if keys else None
        keys.append(_best_section(sentence, sections, cue_scores[index], people, parsed, index, last, previous,
                                  default))
    return keys


def _cue_scores(sentences: list[NoteSentence], sections) -> list[dict[str, float]]:
    """Per sentence, the summed weight of each section's cues (each pattern runs once over the note)."""
    scores: list[dict[str, float]] = [dict.fromkeys((s.key for s in sections), 0.0) for _ in sentences]
    if not sentences:
        return scores
    searched = search_text(sentences[0].span.doc)
    starts = [s.model.start_char for s in sentences]
    for section in sections:
        for pattern, weight in section.cues:
            if isinstance(pattern, re.Pattern):
                hit = {i for i, s in enumerate(sentences) if pattern.search(s.text)}
            else:
                hit = {bisect_right(starts, a) - 1 for a, b in pattern.finditer(searched)}
                hit = {i for i in hit if i >= 0}
            for i in hit:
                scores[i][section.key] += weight
    return scores


def _best_section(sentence: NoteSentence, sections, cue_score: dict[str, float], people: People, parsed: bool,
                  index: int, last: int, previous: str | None, default: str) -> str:
    speaker = speaker_of(sentence.span, people, parsed=parsed)
    scores: dict[str, float] = {}
    for section in sections:
        score = cue_score[section.key]
        if section.position == "first" and index > FIRST_SENTENCES:
            score *= LATE_FIRST_FACTOR  # "interview with police" late in a note is not its purpose
        if speaker is not None and ("child" if speaker.kind == "unknown" else speaker.kind) in section.speakers:
            score += SPEAKER_WEIGHT
        if section.position == "first" and index == 0 or section.position == "last" and index == last:
            score += POSITION_WEIGHT[section.position]
        scores[section.key] = score
    if max(scores.values()) <= 0:
        return previous or default  # nothing points anywhere: it continues the sentence before
    if previous is not None:
        scores[previous] += CONTINUITY_WEIGHT
    return max(scores, key=lambda key: scores[key])


def speaker_of(span: Span, people: People, *, parsed: bool) -> PersonRef | None:
    """Whose words or views a sentence reports: the subject of its highest reporting verb
    ('When I asked her, Ruby said...' -> Ruby), or an agency that is the main subject."""
    if not parsed:
        return _speaker_by_words(span, people)
    candidates: list[tuple[int, PersonRef]] = []
    for token in span:
        if token.lower_ in REPORTING_VERBS and token.tag_.startswith("VB") and _in_main_clause(token, span):
            if token.lower_ in CLAUSE_VERBS and not any(c.dep_ in ("ccomp", "xcomp") for c in token.children):
                continue  # "she loves Bella", "Kerry answered the door": no words or view reported
            subject = _speaker_subject(token)
            ref = people.ref(subject) if subject is not None else None
            if ref is None and subject is not None and children_said(subject):
                ref = _CHILDREN  # "The older two both said..."
            if ref is not None and ref.kind != "worker" and (ref.kind != "unknown" or ref.name):
                candidates.append((_depth(token), _as_told(token, ref, people)))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    root = span.root
    subject = _subject(root)
    ref = people.ref(subject) if subject is not None else None
    if ref is not None and ref.kind == "worker":
        return None  # "I did not see the bedrooms because Gemma said...": the worker's own sentence
    by_words = _speaker_by_words(span, people, verbs=SAYING_VERBS - CLAUSE_VERBS)  # a misparse can lose the subject
    if by_words is not None:
        return by_words
    return ref if ref is not None and ref.kind == "professional" else None


def children_said(subject: Token) -> bool:
    """A group phrase for children ("the older two", "all three") as the subject."""
    return subject.i in group_at(subject.doc)


def _speaker_subject(verb: Token) -> Token | None:
    """Who says it: the subject, or for a passive the agent ('She was reported missing by her
    foster carer': the foster carer, not she)."""
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
    return _subject(verb)


def _as_told(verb: Token, speaker: PersonRef, people: People) -> PersonRef:
    """Words that reached the worker through someone else are information from others:
    'Amelia told her teacher that...', 'mum told me on the phone that...'."""
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
    return speaker


def _in_main_clause(token: Token, span: Span) -> bool:
    """Not inside an adverbial or relative clause ('...as mum asked us to leave')."""
    current = token
    for _ in range(12):
        reported = current.dep_ == "ccomp" and current.head.lower_ in REPORTING_VERBS  # "mum said Kayden told her"
        if current.dep_ not in _MAIN_CLAUSE_DEPS and not reported:
            return False
        if current.head.i == current.i or current.dep_ == "ROOT" or not (span.start <= current.head.i < span.end):
            return True
        current = current.head
    return True


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
        for j in range(i - 1, max(-1, i - 4), -1):
            ref = people.ref(tokens[j])
            if ref is not None:
                if ref.kind != "worker" and (ref.kind != "unknown" or ref.name):
                    return ref
                break
    return None
