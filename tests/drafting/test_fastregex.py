"""The fast pattern search finds exactly what Python's own ``re`` finds, on every note of
the annotated sets, for every factor term, section cue and visit phrase."""

from __future__ import annotations

import re

import pytest
import yaml

from pipeline.drafting.evaluation import load_gold
from pipeline.drafting.factor_rules import load_factor_rules
from pipeline.drafting.fastregex import FastPattern, SearchText
from pipeline.drafting.nlp_model import load_pipeline
from pipeline.drafting.sentences import split_sentences
from pipeline.drafting.template import load_template
from pipeline.drafting.visit_phrases import PhraseFinder, visit_rules
from tests.drafting.conftest import DEVSET


@pytest.fixture(scope="module")
def note_texts():
    folders = ("dev", "heldout", "family", "family-seen", "phenomena", "phenomena-heldout", "family-seen2", "phenomena3",
               "family-seen3")
    return [note.text for folder in folders for note in load_gold(DEVSET / folder)]


def _word_start(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")


def _all_patterns() -> list[FastPattern]:
    patterns = []
    for family in load_factor_rules():
        patterns += family.exclude + family.exclude_sentence + [term.pattern for term in family.terms]
    for section in load_template().sections:
        # A cue phrase is matched as whole words, whatever the spacing; a pattern anchored
        # at the sentence start is run as it is, the others as fast patterns.
        patterns += [FastPattern(r"\b" + r"\s+".join(map(re.escape, cue.split())) + r"\b") for cue in section.cues]
        patterns += [FastPattern(p.regex) for p in section.patterns if not p.regex.startswith("^")]
    return patterns


def test_same_matches_as_re(note_texts):
    patterns = _all_patterns()
    assert len(patterns) > 250
    found = 0
    for text in note_texts:
        searched = SearchText(text)
        for pattern in patterns:
            got = list(pattern.finditer(searched))
            # re's own answer: every match at a word start (FastPattern's contract)
            expected = [m.span() for m in pattern.exact.finditer(text) if _word_start(text, m.start())]
            assert got == expected, (pattern.source, text[:80])
            found += len(got)
    assert found > 1000  # the notes do hold the phrases: this compared real matches


def test_possible_starts_cover_every_match(note_texts):
    for text in note_texts[:20]:
        searched = SearchText(text)
        for pattern in _all_patterns():
            starts = pattern.possible_starts(searched)
            if starts is None:
                continue
            assert starts == sorted(set(starts))
            assert {m.start() for m in pattern.exact.finditer(text)} <= set(starts), pattern.source


def test_word_bound_only_when_every_alternative_starts_at_a_word():
    assert FastPattern(r"\bfoo\b|\b(bar|baz)").word_bound
    assert not FastPattern(r"\bfoo|bar").word_bound
    assert not FastPattern(r"(?<!I )\b(was|were)").word_bound
    assert FastPattern(r"\bfoo|bar").possible_starts(SearchText("a foo bar")) is None


def test_visit_phrase_gate_never_skips_a_sentence_that_holds_the_phrase(settings, note_texts):
    loaded = load_pipeline(settings.spacy_model)
    rules = visit_rules()
    phrases = [p for group in ("seen_alone", "bedroom", "child_seen") for p in rules[group].values()]
    phrases += [rules["child_away"]]
    hits = skipped = 0
    for text in note_texts:
        sentences = split_sentences(loaded.parse_note(text))
        finder = PhraseFinder(sentences)
        for pattern in phrases:
            for i, sentence in enumerate(sentences):
                holds = pattern.search(sentence.text) is not None
                may = finder.may_occur(pattern, i)
                assert may or not holds, (pattern.pattern, sentence.text)
                hits += holds
                skipped += not may
    assert hits > 100 and skipped > 1000  # real phrases were compared, and the gate does skip


def test_lower_casing_that_changes_length_falls_back_to_re():
    text = "İ saw mum drinking"  # 'İ'.lower() is two characters: offsets would shift
    searched = SearchText(text)
    assert searched.lowered is None
    pattern = FastPattern(r"\bdrinking\b")
    assert list(pattern.finditer(searched)) == [m.span() for m in re.finditer(r"\bdrinking\b", text)]
