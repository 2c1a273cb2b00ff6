"""The fast pattern search finds exactly what Python's own ``re`` finds, on every note of
the annotated sets, for every factor term, section cue and visit phrase."""

from __future__ import annotations

import re

import pytest
import yaml

from pipeline.drafting.evaluation import load_gold
from pipeline.drafting.factor_rules import load_factor_rules
from pipeline.drafting.fastregex import FastPattern, SearchText
from pipeline.drafting.template import load_template
from tests.conftest import REPO
from tests.drafting.conftest import DEVSET

VISIT_PHRASES = REPO / "pipeline" / "drafting" / "data" / "visit.yaml"


@pytest.fixture(scope="module")
def note_texts():
    return [note.text for folder in ("dev", "heldout") for note in load_gold(DEVSET / folder)]


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


def test_visit_phrases_can_begin_only_where_the_fast_search_looks():
    """The visit phrases are searched only in the sentences where ``possible_starts`` says
    one can begin: every match a plain search of a sentence finds must begin there."""
    rules = yaml.safe_load(VISIT_PHRASES.read_text(encoding="utf-8"))
    phrases = [source for group in ("seen_alone", "bedroom", "child_seen") for source in rules[group].values()]
    hits = 0
    for folder in ("dev", "heldout"):
        for note in load_gold(DEVSET / folder):
            searched = SearchText(note.text)
            for source in phrases:
                starts = FastPattern(source).possible_starts(searched)
                for sentence_start, _, _, sentence in note.spans():
                    found = re.search(source, sentence, re.I)
                    if found is None or starts is None:  # None: every sentence is searched
                        continue
                    assert sentence_start + found.start() in starts, (source, sentence)
                    hits += 1
    assert hits > 40  # the notes do hold the phrases: real matches were checked


def test_lower_casing_that_changes_length_falls_back_to_re():
    text = "İ saw mum drinking"  # 'İ'.lower() is two characters: offsets would shift
    searched = SearchText(text)
    assert searched.lowered is None
    pattern = FastPattern(r"\bdrinking\b")
    assert list(pattern.finditer(searched)) == [m.span() for m in re.finditer(r"\bdrinking\b", text)]
