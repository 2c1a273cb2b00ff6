"""What the review pages show, worked out from a draft: sentences with their audio
times and the words the recogniser was unsure of, suggestions with the sentence
each piece of evidence points at, decisions and census rule problems.

Pure functions of (draft, decisions, threshold) -> pydantic view objects, so the
templates only lay things out."""

from __future__ import annotations

from pydantic import BaseModel

from models.cin_codes import RETIRED_CODES, cin_factors
from models.draft import DraftNote, FactorSuggestion, Sentence, VisitFields
from models.record import Decision, FactorDecision, ReviewState
from models.transcript import FlagKind, Transcript

SUBJECT_WORDS = {
    "child": "the child",
    "parent_carer": "a parent or carer",
    "household_member": "another household member",
    "another_child": "another child",
    "adult": "an adult",
    "none": "nobody named",
}


class TextPart(BaseModel):
    text: str
    unsure: bool = False


class SentenceView(BaseModel):
    id: str
    parts: list[TextPart]
    start_s: float | None
    end_s: float | None
    checks: list[str] = []  # short reasons this passage must be checked (invented, looping...)
    unsure_reason: str | None = None


class SectionView(BaseModel):
    key: str
    title: str
    text: str
    sentences: list[SentenceView]


class EvidenceView(BaseModel):
    text: str
    sentence_id: str | None
    start_s: float | None


class DecisionView(BaseModel):
    child: str | None  # the child's key
    child_name: str
    decision: Decision


class FactorView(BaseModel):
    code: str
    label: str
    confidence: float | None = None
    confidence_words: str = ""
    subject: str = ""
    evidence: list[EvidenceView] = []
    decision: str = "undecided"  # accepted / rejected / undecided, or 'mixed' when the children's differ
    source: str = "suggested"
    decisions: list[DecisionView] = []  # a suggestion: one per child it is on
    child: str | None = None  # a code added by hand: the child whose record it is on
    child_name: str = ""


class CodeOption(BaseModel):
    code: str
    label: str
    description: str


def confidence_words(confidence: float) -> str:
    band = "high" if confidence >= 0.8 else "medium" if confidence >= 0.5 else "low"
    return f"{round(confidence * 100)}% ({band})"


def _unsure_spans(transcript: Transcript | None, threshold: float) -> list[tuple[int, int]]:
    if transcript is None:
        return []
    return [
        (w.start_char, w.end_char)
        for seg in transcript.segments
        for w in seg.words
        if w.probability < threshold and w.start_char is not None and w.end_char is not None
    ]


def _split_unsure(sentence: Sentence, spans: list[tuple[int, int]]) -> list[TextPart]:
    """The sentence text cut into plain and unsure pieces (offsets are transcript offsets)."""
    parts: list[TextPart] = []
    cursor = sentence.start_char
    for start, end in spans:
        start, end = max(start, sentence.start_char), min(end, sentence.end_char)
        if end <= start or start < cursor:
            continue
        if start > cursor:
            parts.append(TextPart(text=sentence.text[cursor - sentence.start_char : start - sentence.start_char]))
        parts.append(TextPart(text=sentence.text[start - sentence.start_char : end - sentence.start_char], unsure=True))
        cursor = end
    rest = sentence.text[cursor - sentence.start_char :]
    if rest:
        parts.append(TextPart(text=rest))
    # Offsets may not match the sentence text (e.g. a typed transcript): show it whole.
    if "".join(p.text for p in parts) != sentence.text:
        return [TextPart(text=sentence.text)]
    return parts


def _play_span(sentence: Sentence) -> tuple[float | None, float | None]:
    """Where the sentence's play button plays: its words, and any stretch of speech in
    it that could not be transcribed (a gap marker has no words of its own)."""
    starts = [sentence.start_s] + [f.start for f in sentence.flags if f.kind == FlagKind.untranscribed_speech]
    ends = [sentence.end_s] + [f.end for f in sentence.flags if f.kind == FlagKind.untranscribed_speech]
    starts, ends = [t for t in starts if t is not None], [t for t in ends if t is not None]
    return (min(starts) if starts else None), (max(ends) if ends else None)


def sentence_views(draft: DraftNote, unsure_threshold: float) -> list[list[SentenceView]]:
    spans = sorted(_unsure_spans(draft.transcript, unsure_threshold))
    views: list[list[SentenceView]] = []
    for s_index, section in enumerate(draft.sections):
        row = []
        for n, sentence in enumerate(section.sentences):
            checks = [f.reason for f in sentence.flags if f.kind != FlagKind.unsure_words]
            parts = _split_unsure(sentence, spans)
            marked = [p.text.strip() for p in parts if p.unsure]
            # Name the words marked in this sentence; a flag may cover its whole segment.
            unsure = "unsure of " + ", ".join(f"'{w}'" for w in marked) if marked else None
            if unsure is None and not spans:
                unsure = next((f.reason for f in sentence.flags if f.kind == FlagKind.unsure_words), None)
            start_s, end_s = _play_span(sentence)
            row.append(SentenceView(
                id=f"s{s_index}-{n}",
                parts=parts,
                start_s=start_s,
                end_s=end_s,
                checks=checks,
                unsure_reason=unsure,
            ))
        views.append(row)
    return views


def section_views(draft: DraftNote, texts: dict[str, str], unsure_threshold: float) -> list[SectionView]:
    """Sections in template order; ``texts`` holds the worker's current text by key."""
    sentences = sentence_views(draft, unsure_threshold)
    return [
        SectionView(key=s.key, title=s.title, text=texts.get(s.key, s.text), sentences=sentences[i])
        for i, s in enumerate(draft.sections)
    ]


def _sentence_for(draft: DraftNote, start_char: int) -> tuple[str, float | None] | None:
    for s_index, section in enumerate(draft.sections):
        for n, sentence in enumerate(section.sentences):
            if sentence.start_char <= start_char < max(sentence.end_char, sentence.start_char + 1):
                return f"s{s_index}-{n}", sentence.start_s
    return None


def _suggestion_view(draft: DraftNote, s: FactorSuggestion, decisions: list[DecisionView]) -> FactorView:
    evidence = []
    for ev in s.evidence:
        found = _sentence_for(draft, ev.start_char)
        evidence.append(EvidenceView(
            text=ev.text,
            sentence_id=found[0] if found else None,
            start_s=ev.start_s if ev.start_s is not None else (found[1] if found else None),
        ))
    values = {d.decision.value for d in decisions}
    return FactorView(
        code=s.code, label=s.label, confidence=s.confidence, confidence_words=confidence_words(s.confidence),
        subject=SUBJECT_WORDS.get(s.subject.value, s.subject.value), evidence=evidence,
        decision=values.pop() if len(values) == 1 else "undecided" if "undecided" in values else "mixed",
        source="suggested", decisions=decisions,
    )


def factor_views(draft: DraftNote, state: ReviewState) -> tuple[list[FactorView], list[FactorView]]:
    """(suggested factors with each child's decision, factors the worker added by hand,
    one per code and child), for the children still on the visit."""
    names = {c.key: c.name for c in state.active_children()}
    on_visit = [d for d in state.factors if d.child in names or d.child is None]
    suggested, seen = [], set()
    for s in draft.factor_suggestions:
        decisions = [DecisionView(child=d.child, child_name=names.get(d.child, ""), decision=d.decision)
                     for d in on_visit if d.code == s.code and d.source == "suggested"]
        if decisions and s.code not in seen:
            seen.add(s.code)
            suggested.append(_suggestion_view(draft, s, decisions))
    known = cin_factors()
    added = [
        FactorView(code=d.code, label=known[d.code].label if d.code in known else d.code, decision="accepted",
                   source="added", child=d.child, child_name=names.get(d.child, ""))
        for d in on_visit if d.source == "added" and d.decision == Decision.accepted
    ]
    return suggested, added


def code_options() -> list[CodeOption]:
    """Every census code a worker may add by hand (retired codes are not offered)."""
    return [
        CodeOption(code=f.code, label=f.label, description=f.description)
        for f in cin_factors().values()
        if f.code not in RETIRED_CODES
    ]


class VisitFieldView(BaseModel):
    key: str
    question: str
    hint: str
    value: str  # yes, no, unknown
    words: str


VISIT_QUESTIONS = [
    ("child_seen", "Was the child seen?"),
    ("child_seen_alone", "Was the child seen alone?"),
    ("bedroom_seen", "Was the child's bedroom seen?"),
]
VALUE_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not recorded"}


def visit_field_views(visit: VisitFields, drafted: VisitFields | None = None,
                      child: str | None = None) -> list[VisitFieldView]:
    fields = []
    for key, question in VISIT_QUESTIONS:
        value = getattr(visit, key)
        code = "yes" if value is True else "no" if value is False else "unknown"
        said = getattr(drafted, key) if drafted is not None else None
        hint = ("Filled in from the recording: check it" if said is not None
                else "Not said in the recording: choose if you know")
        if child:
            question = question.replace("the child's", f"{child}'s").replace("the child", child)
        fields.append(VisitFieldView(key=key, question=question, hint=hint, value=code, words=VALUE_WORDS[code]))
    return fields


def textarea_rows(text: str) -> int:
    """Enough rows to show the text without scrolling (before the script sizes it)."""
    lines = sum(max(1, len(line) // 70 + 1) for line in text.splitlines()) if text else 0
    return max(4, min(lines + 1, 25))
