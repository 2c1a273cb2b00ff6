"""The spaCy model loads once per process (thread-safe); without it drafting still works,
degraded, with a clear warning."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from models.settings import Settings
from pipeline.draft import draft_from_text
from pipeline.drafting.nlp_model import load_pipeline

NOTE = ("Home visit to Kayden, 7. Kayden was seen alone in his bedroom. Mum said dad has been drinking "
        "heavily. Mum said she has no concerns about drugs. I will visit again next week.")


def test_loaded_once_even_from_many_threads(settings):
    with ThreadPoolExecutor(max_workers=8) as pool:
        loaded = list(pool.map(lambda _: load_pipeline(settings.spacy_model), range(16)))
    assert len({id(item.nlp) for item in loaded}) == 1
    assert loaded[0].parsed and loaded[0].warning is None


def test_drafts_in_parallel_threads_agree(settings):
    with ThreadPoolExecutor(max_workers=4) as pool:
        notes = list(pool.map(lambda _: draft_from_text(NOTE, settings), range(8)))
    assert len({n.model_dump_json() for n in notes}) == 1


def test_missing_model_falls_back_to_blank_english_with_a_warning(caplog):
    settings = Settings(spacy_model="no_such_spacy_model_for_the_loading_test")
    with caplog.at_level(logging.WARNING, logger="casenote.drafting.nlp"):
        note = draft_from_text(NOTE, settings)
    assert any("blank English pipeline" in r.message for r in caplog.records)
    assert note.warnings and "no_such_spacy_model_for_the_loading_test" in note.warnings[0]
    # degraded, but still a real draft
    assert [s.code for s in note.factor_suggestions] == ["1B"]
    assert note.visit.child_seen_alone is True and note.visit.bedroom_seen is True
    keys = {s.key: [x.text for x in s.sentences] for s in note.sections}
    assert keys["actions"] == ["I will visit again next week."]
    assert sum(len(v) for v in keys.values()) == 5
