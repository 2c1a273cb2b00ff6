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
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from pipeline.drafting.fastregex import FastPattern
from pipeline.drafting.groups import group_at
from pipeline.drafting.lead_labels import lead_label_speaker
from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.doc_views import search_text
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.template import Template

if TYPE_CHECKING:
    from pipeline.drafting.children import Children

SPEAKER_WEIGHT = 3.0  # who is speaking outweighs any single cue phrase
SEEN_BY_WORKER = "seen_by_worker"  # the speaker kind of what the worker saw of a person (template.py)
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
_REFUSALS = {"refused", "declined"}
_SEEING_VERBS = {"talk", "speak", "see", "seen", "meet", "spoken", "chat"}
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
                    *, parsed: bool, children: Children | None = None) -> list[str]:
    """A heading said alone ("Observations.", "Heading, actions") decides for every sentence
    until the next heading or label. A label with its answer ("Present: mum Leanne, ...",
    "School, the DSL reported ...", "Mia's words, ...") decides its own sentence, and the
    sentences after it stay with it unless what they say points to a section no label of
    the note names: a worker who labels only some parts of a form ("Observations, ..."
    then "Jayden said ..." with no label for the children's words) leaves the rest to the
    cues."""
    sections = _compile(template.model_dump_json())
    default = template.default_key()
    cue_scores = _cue_scores(sentences, sections)
    keys: list[str] = []
    last = len(sentences) - 1
    kind_of = _SpeakerKinds(children if parsed else None)  # without a parse who the children are is rougher
    labels = [_label_of(sentence, sections, people, kind_of) for sentence in sentences]
    labelled = {label[0] for label in labels if label is not None}
    governing: tuple[str, bool] | None = None  # (section, said alone) of the heading or label in force
    for index, sentence in enumerate(sentences):
        label = labels[index]
        if label is not None:
            keys.append(label[0])
            governing = label
            continue
        if governing is not None and governing[1]:  # the worker's own structure wins
            keys.append(governing[0])
            continue
        previous = keys[-1] if keys else None
        best = _best_section(sentence, sections, cue_scores[index], people, parsed, index, last, previous, default,
                             kind_of)
        keys.append(governing[0] if governing is not None and best in labelled else best)
    return keys


def _label_of(sentence: NoteSentence, sections: tuple[_CompiledSection, ...], people: People,
              kind_of: _SpeakerKinds) -> tuple[str, bool] | None:
    """(section, whether the label is all the sentence says) for a spoken heading or a lead label."""
    heading = heading_of(sentence.text, sections)
    if heading is not None:
        return heading
    speaker = lead_label_speaker(sentence.span, people)
    if speaker is None:
        return None
    kind = kind_of(speaker)
    key = next((section.key for section in sections if kind in section.speakers), None)
    return (key, False) if key is not None else None


class _SpeakerKinds:
    """Whose words a speaker's are: a name nobody gave a role is a child's when the note
    speaks of them as a child of the visit (or when the children are not known), else an
    adult of the household's ("Gemma said ..." in a note about Daisy, Theo and Archie)."""

    def __init__(self, children: Children | None) -> None:
        self.children = children

    def __call__(self, speaker: PersonRef) -> str:
        if speaker.kind != "unknown":
            return speaker.kind
        if self.children is None or speaker.age is not None or self.children.of_ref(speaker):
            return "child"
        return "household_member"


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
                  index: int, last: int, previous: str | None, default: str, kind_of: _SpeakerKinds) -> str:
    speaker = speaker_of(sentence.span, people, parsed=parsed)
    seen = parsed and described_first(sentence.span, people) is not None
    scores: dict[str, float] = {}
    for section in sections:
        score = cue_score[section.key]
        if seen and SEEN_BY_WORKER in section.speakers:
            score += SPEAKER_WEIGHT
        if section.position == "first" and index > FIRST_SENTENCES:
            score *= LATE_FIRST_FACTOR  # "interview with police" late in a note is not its purpose
        if speaker is not None and kind_of(speaker) in section.speakers:
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
    candidates: list[tuple[int, int, PersonRef]] = []
    described = described_first(span, people)
    for token in span:
        if token.lower_ in REPORTING_VERBS and token.tag_.startswith("VB") and _in_main_clause(token, span, people):
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
    past_be = root.lower_ in ("was", "were") or any(c.dep_ == "aux" and c.lower_ in ("was", "were")
                                                     for c in root.children)
    if not past_be or root.lower_ in REPORTING_VERBS:
        return None
    if root.tag_ == "VBG" and not any(c.dep_ in ("dobj", "prep") for c in root.children):
        return root  # "Mum was pacing, talking very fast", not "was doing homework in the lounge"
    states = [c for c in root.children if c.dep_ == "acomp"]
    if not states or any(c.lower_ in people.lex.presence_states or
                         any(g.dep_ in ("ccomp", "xcomp", "prep") for g in c.children) for c in states):
        return None  # "was asleep upstairs" says who was there; "was worried that" is a view
    shared = any(c.dep_ == "conj" and c.lower_ in SAYING_VERBS and not any(g.dep_ == "nsubj" for g in c.children)
                 for c in root.children)
    return None if shared else root  # "was very drunk", not "were shocked and upset and said they .."


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
        if people.parsed and (_in_front_of_worker(token, people) or token.dep_ == "advcl"):
            continue  # "..., as Carla said it was a mess": a reason given inside the worker's own sentence
        for j in range(i - 1, max(-1, i - 4), -1):
            ref = people.ref(tokens[j])
            if ref is not None:
                if ref.kind != "worker" and (ref.kind != "unknown" or ref.name):
                    return ref
                break
    return None
