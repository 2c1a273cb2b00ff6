"""Stage 2: transcript -> ``DraftNote``: sections of the template, the statutory visit
fields and suggested CiN census factors, each with the sentences that support it.

Nothing is invented: every sentence of the transcript lands, word for word, in exactly
one section. The worker reviews all of it before anything reaches the record."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from models.draft import DraftNote, Section
from models.settings import Settings
from models.transcript import FlagKind, Transcript
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
    people = People(doc, parsed=loaded.parsed, known_names=names)
    children = Children(doc, people, parsed=loaded.parsed)
    keys = assign_sections(sentences, people, chosen, parsed=loaded.parsed)
    visit = extract_visit_fields(sentences, keys, people, children)  # settles who the children are
    if visit.when is not None and recorded_on is not None:
        visit.when.date = visit.when.resolve(recorded_on)
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
