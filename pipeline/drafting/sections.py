"""Put each sentence of a note into one section of the template.

A spoken heading ("Observations.", "Heading, actions") decides for every sentence
until the next heading. Without headings a sentence is scored for each section by
the template's cue phrases, by who is speaking or being reported ("Kayden told me"
-> child's voice, "mum said" -> parents' views, "the school said" -> information
from others), by what its structure says (``section_signals.py``: a child signing or
pressing a picture on a tablet, a person arriving during the visit, who is whose in the
family, a room described, a record's findings, "the worry is ...", "SW to ...";
``section_hedges.py``: "I think ...", "I'm not sure whether ...") and by its neighbours (a
sentence with no cue stays with the one before, unless that one said who was present and
this one says nothing of who was there; the answer to a form's question, "Bedrooms? Jack's
yes, ...", goes with the question; "Says she's ..." with no subject goes on with who spoke)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pipeline.drafting.dictation_words import dictation_label_end, spoken_words
from pipeline.drafting.fastregex import FastPattern, SearchText
from pipeline.drafting.lead_labels import lead_label_speaker
from pipeline.drafting.people import People, PersonRef
from pipeline.drafting.person_words import lexicon
from pipeline.drafting.doc_views import search_text
from pipeline.drafting.section_hedges import hedged_presence, worker_judges
from pipeline.drafting.section_signals import (arrives_during_visit, describes_room, document_speaks, expressed_by,
                                               form_question_section, plan_without_will, says_family_ties,
                                               says_presence, says_where_someone_was, told_by_contact,
                                               worker_alone_with_child, worker_arrives_to_someone,
                                               worker_names_concern)
from pipeline.drafting.sentences import NoteSentence
from pipeline.drafting.speakers import described_first, described_fragment, says_without_subject, speaker_of
from pipeline.drafting.template import Template

if TYPE_CHECKING:
    from pipeline.drafting.children import Children

SPEAKER_WEIGHT = 3.0  # who is speaking outweighs any single cue phrase
SEEN_BY_WORKER = "seen_by_worker"  # the speaker kind of what the worker saw of a person (template.py)
SEEN_AT_VISIT = "seen_at_visit"  # a sentence that says a child was seen, seen alone or their room seen
WORKER_VIEW = "worker_view"  # the worker's own judgement ("I think ...")
WORKER_PLAN = "worker_plan"  # a plan said without "will" ("SW to discuss ...")
_A_CHILD = PersonRef(role="child", kind="child")  # who tells the worker without speech
_SOMEONE_ELSE = PersonRef(role="other source", kind="professional")  # a record, or words heard by phone
_SEEING = {"saw", "seen", "see", "watched", "observed", "noticed"}
_VOICES = frozenset({"child", "another_child", "parent_carer", "household_member", "professional"})  # whose words
ONLY_SEEN_WEIGHT = 1.0  # only a child or room seen: the same words often describe it (an observation)
CONTINUITY_WEIGHT = 0.6  # dictation keeps related sentences together
POSITION_WEIGHT = {"first": 2.0, "last": 1.0}
FIRST_SENTENCES = 2  # a "first" section's cues count fully in the note's opening sentences
LATE_FIRST_FACTOR = 0.4
_HEADING_PREFIX = re.compile(r"^(?:(?:next|new)\s+)?(?:heading|section|title|subheading)\b\s*[,:.\-]?\s*", re.I)
_HEADING_END = ".,:;-!?"
_SPEECH = Path(__file__).parent / "data" / "speech.yaml"
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


@lru_cache(maxsize=1)
def _fillers() -> re.Pattern:
    """The words said only to move dictation on, before a spoken heading (``data/speech.yaml``)."""
    data = yaml.safe_load(_SPEECH.read_text(encoding="utf-8"))
    words = data.get("fillers") if isinstance(data, dict) else None
    if not words or not all(isinstance(w, str) and re.fullmatch(r"[a-z]+", w) for w in words):
        raise ValueError(f"{_SPEECH.name}: fillers must be a list of lower-case words (quote yes/no in YAML)")
    return re.compile(r"^(?:(?:" + "|".join(map(re.escape, words)) + r")\b,?\s+)+")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").lower()).strip()


def heading_of(text: str, sections: tuple[_CompiledSection, ...]) -> tuple[str, bool] | None:
    """(section key, whether the heading is all the sentence says) when the sentence starts
    with a spoken heading."""
    normal = _normal(text[dictation_label_end(text):])  # "Point 3, analysis, ..."
    fillers = _fillers().match(normal)  # "Right, analysis, ...", "OK so actions, ..."
    normal = normal[fillers.end():] if fillers else normal
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
                    *, parsed: bool, children: Children | None = None,
                    seen_at_visit: dict[int, bool] | None = None) -> list[str]:
    """A heading said alone ("Observations.", "Heading, actions") decides for every sentence
    until the next heading or label. A label with its answer ("Present: mum Leanne, ...",
    "School, the DSL reported ...", "Mia's words, ...") decides its own sentence, and the
    sentences after it stay with it unless what they say points to a section no label of
    the note names: a worker who labels only some parts of a form ("Observations, ..."
    then "Jayden said ..." with no label for the children's words) leaves the rest to the
    cues. ``seen_at_visit``: the sentences that say whether a child was seen, seen alone or
    their room seen ("Jenson stayed with his mum", "I looked in on Riley in his room")."""
    sections = _compile(template.model_dump_json())
    default = template.default_key()
    cue_scores = _cue_scores(sentences, sections)
    keys: list[str] = []
    last = len(sentences) - 1
    kind_of = _SpeakerKinds(children if parsed else None)  # without a parse who the children are is rougher
    labels = [_label_of(sentence, sections, people, kind_of) for sentence in sentences]
    labelled = {label[0] for label in labels if label is not None}
    governing: tuple[str, bool] | None = None  # (section, said alone) of the heading or label in force
    known = {section.key for section in sections}
    asked: str | None = None  # the section of a form's question just dictated ("Bedrooms?")
    for index, sentence in enumerate(sentences):
        label = labels[index]
        if label is not None:
            keys.append(label[0])
            governing, asked = label, None
            continue
        if governing is not None and governing[1]:  # the worker's own structure wins
            keys.append(governing[0])
            continue
        if asked is not None:  # the answer goes with its question ("Alone? Only Jack, ...")
            keys.append(asked)
            asked = None
            continue
        asked = form_question_section(sentence.span)
        if asked is not None and asked in known:
            keys.append(asked)
            continue
        asked = None
        previous = keys[-1] if keys else None
        best = _best_section(sentence, sections, cue_scores[index], people, parsed, index, last, previous, default,
                             kind_of, (seen_at_visit or {}).get(index))
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


def _describes(span) -> bool:
    """'... and it was clean with two beds made up', 'the worker saw Sophie help her to the
    toilet': a clause that describes what was seen, or what someone was seen doing (not
    'was asleep': where someone was, nor 'who's 3 weeks old': who they are)."""
    presence = lexicon().presence_states
    return any(t.dep_ == "acomp" and t.tag_ == "JJ" and t.lower_ not in presence and not _who_clause(t.head) or
               t.dep_ in ("ccomp", "xcomp") and t.tag_.startswith("VB") and t.head.lower_ in _SEEING for t in span)


def _who_clause(verb) -> bool:
    """'Theo, who's 3 weeks old, ...': a clause on who a person is."""
    return verb.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ == "who" for c in verb.children)


def _cue_scores(sentences: list[NoteSentence], sections) -> list[dict[str, float]]:
    """Per sentence, the summed weight of each section's cues (each pattern runs once over the note),
    read in the sentence's words without a point label or fillers ("Point two, present were ...",
    "I'm, erm, worried": ``dictation_words.py``)."""
    scores: list[dict[str, float]] = [dict.fromkeys((s.key for s in sections), 0.0) for _ in sentences]
    if not sentences:
        return scores
    texts = [spoken_words(s.text) for s in sentences]
    if texts == [s.text for s in sentences]:
        searched = search_text(sentences[0].span.doc)
        starts = [s.model.start_char for s in sentences]
    else:
        starts = [sum(len(t) + 1 for t in texts[:i]) for i in range(len(texts))]
        searched = SearchText(" ".join(texts))
    for section in sections:
        for pattern, weight in section.cues:
            if isinstance(pattern, re.Pattern):
                hit = {i for i, text in enumerate(texts) if pattern.search(text)}
            else:
                hit = {bisect_right(starts, a) - 1 for a, b in pattern.finditer(searched)}
                hit = {i for i in hit if i >= 0}
            for i in hit:
                scores[i][section.key] += weight
    return scores


def _structure(span, people: People, speaker: PersonRef | None,
               seen_at_visit: bool | None) -> tuple[PersonRef | None, set[str], bool | None]:
    """The speaker, the signal kinds and whether a child was seen at the visit, as the
    sentence's structure says them (``section_signals.py``)."""
    signals: set[str] = set()
    if plan_without_will(span):
        return None, {WORKER_PLAN}, seen_at_visit  # "Family support worker to attend ...": a plan, not their words
    if told_by_contact(span, people):
        return _SOMEONE_ELSE, signals, seen_at_visit  # "rang me to say ...": heard from elsewhere
    if speaker is not None and not speaker.likely_child and seen_at_visit is True and \
            (_worker_opens(span, people) or _worker_sees_so(span, people)):
        # "I didn't see where she sleeps, Chloe said her cot's in their room": the worker's own
        # statement with an adult's aside (a child's words after the worker's clause stay hers); "She said Noah
        # had gone to his dad's, so I didn't see him": the worker's own conclusion of who was seen
        speaker = None
    if speaker is None and expressed_by(span, people) is not None:
        speaker = _A_CHILD  # "she signed sad", "he pushed his picture card towards me"
    if speaker is None and document_speaks(span):
        speaker = _SOMEONE_ELSE  # "His EHCP records autism ..."
    if worker_judges(span, people) or speaker is None and worker_names_concern(span, people):
        signals.add(WORKER_VIEW)
    if speaker is None and seen_at_visit is None:
        seen_at_visit = hedged_presence(span, people)  # "I think Jake was on his own with me ...": present, hedged
    if speaker is None and seen_at_visit is not True and \
            (arrives_during_visit(span, people) or worker_alone_with_child(span, people) or
             worker_arrives_to_someone(span, people)):
        # "Harrison arrived back ten minutes into the visit", "I sat with him on his own", "I knocked and Becky came
        # to the door"
        seen_at_visit = True
    if speaker is None and seen_at_visit is not True and \
            (seen_at_visit is False or not any(c.dep_ == "conj" for c in span.root.children)) and \
            says_where_someone_was(span, people, lexicon().presence_states):
        # "The baby was asleep in her cot and I saw her there": where a child was, and seen; "Theo was asleep
        # in his basket" (and nothing else): where someone was counts as "only seen"
        seen_at_visit = seen_at_visit is False
    if speaker is None and seen_at_visit is not True and _worker_sees_people(span, people):
        seen_at_visit = True  # "At home we saw mum Natalie, Esme, who is 7, and Noah": who was seen
    if speaker is None and seen_at_visit is not True and says_family_ties(span, people):
        seen_at_visit = True  # "Hannah is mum to Leo and stepmum to Sophie": who is who of those there
    if speaker is None and seen_at_visit is not True and describes_room(span, people):
        signals.add(SEEN_BY_WORKER)  # the room seen, described: an observation
        seen_at_visit = None
    return speaker, signals, seen_at_visit


def _worker_opens(span, people: People) -> bool:
    """The sentence's first subject is the worker ('I didn't see ..., Chloe said ...'), or it
    opens with a verb of seeing said without one ("Didn't see Cerys's room, Rhian said ...")."""
    opening = next((t for t in span if t.dep_ not in ("aux", "neg", "punct", "intj")), None)
    if opening is not None and opening.lower_ in _SEEING | {"get", "got", "go", "went"} and \
            opening.tag_.startswith("VB") and not any(c.dep_ in ("nsubj", "nsubjpass") for c in opening.children):
        return True
    subject = next((t for t in span if t.dep_ in ("nsubj", "nsubjpass")), None)
    return subject is not None and (people.ref(subject) or _A_CHILD).kind == "worker"


def _worker_sees_people(span, people: People) -> bool:
    """The sentence says only that the worker saw or met people: 'At home we saw mum Natalie,
    Esme, who is 7, and Noah', 'I met Kai and his nan in the kitchen' (not what they were doing
    or how they were: 'I saw Kai playing', nor a second clause: 'I saw Kai and he was upset')."""
    root = span.root
    if root.lower_ not in _SEEING | {"met", "meet"} or not root.tag_.startswith("VB") or \
            not any(c.dep_ == "nsubj" and (c.lower_ == "we" or (people.ref(c) or _A_CHILD).kind == "worker")
                    for c in root.children):
        return False
    if any(c.dep_ in ("ccomp", "xcomp", "advcl", "conj", "acomp", "oprd", "parataxis") for c in root.children):
        return False
    objects = [c for c in root.children if c.dep_ == "dobj"]
    return bool(objects) and all(people.ref(o) is not None for o in objects) and not any(
        t.tag_.startswith("VB") and not (t.dep_ == "relcl" and t.lower_ in ("is", "'s", "was", "are", "were"))
        for o in objects for t in o.subtree)


def _worker_sees_so(span, people: People) -> bool:
    """The worker's clause of seeing someone, or not, after 'so' ('..., so I didn't see him')."""
    return any(verb.lower_ in _SEEING | {"meet", "met"} and verb.tag_.startswith("VB") and
               any(c.lower_ == "so" for c in verb.children) and
               any(c.dep_ == "nsubj" and (people.ref(c) or _A_CHILD).kind == "worker" for c in verb.children)
               for verb in span)


def _best_section(sentence: NoteSentence, sections, cue_score: dict[str, float], people: People, parsed: bool,
                  index: int, last: int, previous: str | None, default: str, kind_of: _SpeakerKinds,
                  seen_at_visit: bool | None = None) -> str:
    if parsed and previous is not None and says_without_subject(sentence.span) and \
            any(s.key == previous and _VOICES & s.speakers for s in sections):
        return previous  # "Tia says she stayed at his flat. Says she's not his girlfriend": Tia goes on
    speaker = speaker_of(sentence.span, people, parsed=parsed)
    signals: set[str] = set()
    if parsed:
        speaker, signals, seen_at_visit = _structure(sentence.span, people, speaker, seen_at_visit)
    seen = parsed and (described_first(sentence.span, people) is not None or described_fragment(sentence.span, people))
    scores: dict[str, float] = {}
    for section in sections:
        score = cue_score[section.key]
        if (seen or SEEN_BY_WORKER in signals) and SEEN_BY_WORKER in section.speakers:
            score += SPEAKER_WEIGHT
        if signals & section.speakers - {SEEN_BY_WORKER}:
            score += SPEAKER_WEIGHT
        if seen_at_visit is not None and speaker is None and SEEN_AT_VISIT in section.speakers:
            # not in someone's reported words; only "seen" counts less, and nothing when described
            score += SPEAKER_WEIGHT if seen_at_visit else 0.0 if _describes(sentence.span) else ONLY_SEEN_WEIGHT
        if section.position == "first" and index > FIRST_SENTENCES:
            score *= LATE_FIRST_FACTOR  # "interview with police" late in a note is not its purpose
        if speaker is not None and kind_of(speaker) in section.speakers:
            score += SPEAKER_WEIGHT
        if section.position == "first" and index == 0 or section.position == "last" and index == last:
            score += POSITION_WEIGHT[section.position]
        scores[section.key] = score
    if max(scores.values()) <= 0:
        # nothing points anywhere: it continues the sentence before, except who was present and
        # seen, which each such sentence says for itself ("He has a room to himself, ...")
        each_its_own = any(s.key == previous and SEEN_AT_VISIT in s.speakers for s in sections)
        if previous is not None and (not each_its_own or not parsed or says_presence(sentence.span)):
            return previous
        return default
    if previous is not None:
        scores[previous] += CONTINUITY_WEIGHT
    return max(scores, key=lambda key: scores[key])
