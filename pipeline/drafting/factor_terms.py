"""Where the terms of the factor families occur in a note: each term searched once over the
whole note, kept when it lies inside one sentence and no exclusion of its family covers it."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline.drafting.doc_views import search_text
from pipeline.drafting.factor_rules import CompiledFamily, CompiledTerm
from pipeline.drafting.sentences import NoteSentence


@dataclass
class TermMatch:
    family: CompiledFamily
    term: CompiledTerm
    sentence: int
    span: Span


def find_terms(doc: Doc, sentences: list[NoteSentence], families: tuple[CompiledFamily, ...], *,
               parsed: bool) -> list[TermMatch]:
    """Every term match that lies inside one sentence (each term searched once over the note)."""
    searched = search_text(doc)
    starts = [s.model.start_char for s in sentences]
    matches: list[TermMatch] = []
    seen: dict[str, list] = {}  # the same lexicon used by several families is searched once
    for family in families:
        skip = {bisect_right(starts, a) - 1 for p in family.exclude_sentence for a, _ in p.finditer(searched)}
        excluded = [span for pattern in family.exclude for span in pattern.finditer(searched)]
        for term in family.terms:
            key = term.pattern.source
            if key not in seen:
                seen[key] = list(term.pattern.finditer(searched))
            for start, end in seen[key]:
                index = bisect_right(starts, start) - 1
                if index < 0 or end > sentences[index].model.end_char or index in skip:
                    continue
                if excluded and any(a < end and start < b for a, b in excluded):
                    continue
                if term.unless is not None and term.unless.search(sentences[index].text):
                    continue  # a sign that means something else in a sentence like this
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None or len(span) == 0:
                    continue
                if term.verb and parsed and not any(t.tag_.startswith("VB") for t in span):
                    continue
                matches.append(TermMatch(family, term, index, span))
    matches.sort(key=lambda m: (m.sentence, m.span.start))
    return matches
