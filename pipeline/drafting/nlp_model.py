"""The spaCy pipeline of the drafting stage, loaded once per process.

Only the components the rules read are kept: tokeniser, tagger (PTB tags) and the
dependency parser (sentences, subjects, negation scope). NER, the attribute ruler
and the lemmatiser are left out: measured on one core they cost more than the
parse itself, and names/roles come from our own lexicon instead."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import spacy
from spacy.language import Language

logger = logging.getLogger("casenote.drafting.nlp")

KEEP_COMPONENTS = ("tok2vec", "tagger", "parser")
SKIP_COMPONENTS = ["ner", "attribute_ruler", "lemmatizer", "senter"]
_lock = threading.Lock()
_loaded: dict[str, "LoadedPipeline"] = {}


@dataclass(frozen=True)
class LoadedPipeline:
    nlp: Language
    name: str
    parsed: bool  # False: blank fallback, no tags or dependency parse
    warning: str | None = None


def load_pipeline(name: str) -> LoadedPipeline:
    """The pipeline for ``name``; a blank English one (with a warning) if it is not installed.

    Thread-safe: the service drafts from worker threads, and two first calls at once
    must not load the model twice."""
    cached = _loaded.get(name)
    if cached is not None:
        return cached
    with _lock:
        cached = _loaded.get(name)
        if cached is None:
            cached = _load(name)
            _loaded[name] = cached
        return cached


def _load(name: str) -> LoadedPipeline:
    try:
        full = spacy.load(name, exclude=SKIP_COMPONENTS)
    except (OSError, ImportError) as exc:
        warning = (f"spaCy model '{name}' is not installed: drafting with a blank English pipeline "
                   "(sentences from punctuation only, no parse; sections, subjects and negation "
                   "come from word patterns and are less reliable)")
        logger.warning("%s (%s)", warning, type(exc).__name__)
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return LoadedPipeline(nlp=nlp, name="blank:en", parsed=False, warning=warning)
    for component in list(full.component_names):
        if component not in KEEP_COMPONENTS:
            full.remove_pipe(component)
    if "parser" not in full.pipe_names:
        full.add_pipe("sentencizer")
        logger.warning("spaCy model '%s' has no parser: sentences from punctuation only", name)
        return LoadedPipeline(nlp=full, name=name, parsed=False,
                              warning=f"spaCy model '{name}' has no dependency parser (degraded drafting)")
    logger.info("loaded spaCy model %s (%s)", name, ", ".join(full.pipe_names))
    return LoadedPipeline(nlp=full, name=name, parsed=True)
