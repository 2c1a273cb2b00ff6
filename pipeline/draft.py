"""Stage 2: transcript -> ``DraftNote``: sections of the template, the statutory visit
fields and suggested CiN census factors, each with the sentences that support it.

Nothing is invented: every sentence of the transcript lands, word for word, in exactly
one section. The worker reviews all of it before anything reaches the record."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from models.draft import DraftNote, Section, VisitFields
from models.settings import Settings
from models.transcript import FlagKind, Transcript
from pipeline.drafting.child_fields import child_statements, seen_at_visit
from pipeline.drafting.children import Children
from pipeline.drafting.factors import suggest_factors
from pipeline.drafting.nlp_model import load_pipeline
from pipeline.drafting.people import People
from pipeline.drafting.sections import assign_sections
from pipeline.drafting.sentences import NoteSentence, split_sentences
from pipeline.drafting.template import Template, load_template
from pipeline.drafting.visit_fields import extract_visit_fields
from models.errors import TextFileError

logger = logging.getLogger(__name__)

TemplateArg = Template | Path | str | None


def draft_note(transcript: Transcript, settings: Settings, *, template: TemplateArg = None,
               names: list[str] | None = None, recorded_on: dt.date | None = None) -> DraftNote:
    """Draft a note from a transcript of a recording (sentences keep their audio times).
    ``recorded_on``: the day of the recording, which turns a visit date said without a
    year ("Tuesday 3 March", "yesterday") into ``visit.when.date``."""
    return _draft(transcript.text, settings, transcript=transcript, template=template, names=names,
                  recorded_on=recorded_on)


def draft_from_text(text: str, settings: Settings, *, template: TemplateArg = None,
                    names: list[str] | None = None, recorded_on: dt.date | None = None) -> DraftNote:
    """Draft a note from plain transcript text (no audio times)."""
    return _draft(text, settings, transcript=None, template=template, names=names, recorded_on=recorded_on)


# The worker's sections are drafted again as one text, a blank line between two sections: a
# line break ends a sentence, so no sentence runs from one section into the next.
SECTION_BREAK = "\n\n"


def section_starts(texts: list[str]) -> list[int]:
    """Offset of each section's text in the sections joined with SECTION_BREAK."""
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(SECTION_BREAK)
    return starts


def draft_sections(sections: list[tuple[str, str, str]], settings: Settings, *, names: list[str] | None = None,
                   recorded_on: dt.date | None = None) -> DraftNote:
    """The drafting rules run again on the worker's own sections, (key, title, text) in
    order, as the review screen has them after an edit: each sentence stays in the section
    the worker put it in (no section is guessed), and the visit fields, children and factor
    suggestions are read from the text as it now is. Offsets are in the sections joined
    with SECTION_BREAK (``section_starts``); there are no audio times."""
    text = SECTION_BREAK.join(t for _, _, t in sections)
    if not text.strip():
        return DraftNote(template="sections", sections=[Section(key=k, title=t, text=x) for k, t, x in sections],
                         visit=VisitFields())
    loaded = load_pipeline(settings.spacy_model)
    started = time.perf_counter()
    doc = loaded.parse_note(text)
    sentences = split_sentences(doc, None)
    starts = section_starts([x for _, _, x in sections])
    owners = [max(i for i, at in enumerate(starts) if at <= s.model.start_char) for s in sentences]
    keys = [sections[i][0] for i in owners]
    people, children, statements = _who(doc, sentences, names, parsed=loaded.parsed)
    visit = _visit(sentences, keys, people, children, statements, recorded_on)
    note = DraftNote(
        template="sections",
        sections=[Section(key=k, title=t, text=x, sentences=[s.model for s, i in zip(sentences, owners) if i == n])
                  for n, (k, t, x) in enumerate(sections)],
        visit=visit,
        factor_suggestions=suggest_factors(doc, sentences, people, children, settings, parsed=loaded.parsed,
                                           nlp=loaded.nlp),
        warnings=[loaded.warning] if loaded.warning else [],
    )
    logger.info("drafted the edited sections again: %d sentences, %d factor suggestions in %.1f ms", len(sentences),
                len(note.factor_suggestions), (time.perf_counter() - started) * 1000)
    return note


def resolve_template(template: TemplateArg, settings: Settings) -> Template:
    if isinstance(template, Template):
        return template
    return load_template(template if template is not None else settings.template_file)


def _draft(text: str, settings: Settings, *, transcript: Transcript | None, template: TemplateArg,
           names: list[str] | None, recorded_on: dt.date | None) -> DraftNote:
    if not text.strip():
        raise TextFileError("the transcript has no text to draft a note from")
    chosen = resolve_template(template, settings)
    loaded = load_pipeline(settings.spacy_model)
    started = time.perf_counter()
    doc = loaded.parse_note(text)
    sentences = split_sentences(doc, transcript)
    people, children, statements = _who(doc, sentences, names, parsed=loaded.parsed)
    keys = assign_sections(sentences, people, chosen, parsed=loaded.parsed, children=children,
                           seen_at_visit=seen_at_visit(statements))
    visit = _visit(sentences, keys, people, children, statements, recorded_on)
    note = DraftNote(
        template=chosen.name,
        sections=_sections(chosen, sentences, keys),
        visit=visit,
        factor_suggestions=suggest_factors(doc, sentences, people, children, settings, parsed=loaded.parsed,
                                           nlp=loaded.nlp),
        transcript=transcript,
        warnings=([loaded.warning] if loaded.warning else []) + _transcript_warnings(transcript),
    )
    logger.info("drafted %d sentences into %d sections, %d factor suggestions in %.1f ms",
                len(sentences), sum(1 for s in note.sections if s.sentences), len(note.factor_suggestions),
                (time.perf_counter() - started) * 1000)
    return note


def _who(doc, sentences: list[NoteSentence], names: list[str] | None, *, parsed: bool):
    """The people of the note, its children and what it says of each child (which also
    settles who the children are), the same for a recording's draft and a redraft."""
    people = People(doc, parsed=parsed, known_names=names)
    children = Children(doc, people, parsed=parsed)
    return people, children, child_statements(sentences, people, children)


def _visit(sentences: list[NoteSentence], keys: list[str], people: People, children: Children,
           statements: list, recorded_on: dt.date | None) -> VisitFields:
    visit = extract_visit_fields(sentences, keys, people, children, statements)
    if visit.when is not None and recorded_on is not None:
        visit.when.date = visit.when.resolve(recorded_on)
    return visit


def _transcript_warnings(transcript: Transcript | None) -> list[str]:
    """Speech the recogniser could not turn into words (gap markers in the text)."""
    gaps = [flag for segment in (transcript.segments if transcript else []) for flag in segment.flags
            if flag.kind == FlagKind.untranscribed_speech]
    if not gaps:
        return []
    where = ", ".join(_clock(f.start) + "–" + _clock(f.end + 0.999) for f in gaps if f.start is not None)
    return [f"{len(gaps)} stretch{'es' if len(gaps) > 1 else ''} of speech could not be transcribed ({where}): "
            "listen to the recording there and type what was said"]


def _clock(seconds: float | None) -> str:
    minutes, secs = divmod(int(seconds or 0), 60)
    return f"{minutes}:{secs:02d}"


def _sections(template: Template, sentences: list[NoteSentence], keys: list[str]) -> list[Section]:
    sections = []
    for section in template.sections:
        members = [s.model for s, key in zip(sentences, keys) if key == section.key]
        sections.append(Section(key=section.key, title=section.title,
                                text=" ".join(s.text for s in members), sentences=members))
    return sections
