"""The spaCy pipeline of the drafting stage, loaded once per process, and the parse of a note.

Only the components the rules read are kept: tokeniser, tagger (PTB tags) and the
dependency parser (sentences, subjects, negation scope). NER, the attribute ruler
and the lemmatiser are left out: measured on one core they cost more than the
parse itself, and names/roles come from our own lexicon instead.

A note is parsed sentence by sentence, all sentences in one batch (``parse_note``): the
parser then advances every sentence one step per matrix product instead of one token
at a time, which measured 15-18 ms -> 10 ms per 400-word note on one core. Sentences are
cut where the worker ended one (``sentences.ends_a_sentence``: the same cut the sentence
splitter makes afterwards), so no sentence boundary is lost; the parser may still split a
piece further.

Each piece is parsed on its own, so its parse depends only on its own words: parses are
kept per piece (``PieceCache``), and drafting a note again after the worker changed one
sentence (the review screen's suggestions that follow the text) parses only that sentence."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy
import spacy
from spacy.attrs import DEP, HEAD, TAG
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.drafting.matmul import use_numpy_blas
from pipeline.drafting.sentences import ends_a_sentence

logger = logging.getLogger(__name__)

KEEP_COMPONENTS = ("tok2vec", "tagger", "parser")
SKIP_COMPONENTS = ["ner", "attribute_ruler", "lemmatizer", "senter"]
_lock = threading.Lock()
_loaded: dict[str, "LoadedPipeline"] = {}


PARSE_ATTRS = [TAG, DEP, HEAD]  # heads are relative to the token, so a piece's tree is valid in any note


class PieceCache:
    """Parses of pieces (their words and spaces -> the PARSE_ATTRS array), the most recently
    used kept. Thread-safe: the service drafts from several threads."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[tuple, numpy.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> numpy.ndarray | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, parse: numpy.ndarray) -> None:
        with self._lock:
            self._items[key] = parse
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass(frozen=True)
class LoadedPipeline:
    nlp: Language
    name: str
    parsed: bool  # False: blank fallback, no tags or dependency parse
    warning: str | None = None
    parses: PieceCache = field(default_factory=PieceCache, compare=False, repr=False)

    def parse_note(self, text: str) -> Doc:
        """The tagged and parsed note (see the module docstring for why piece by piece);
        pieces parsed before are taken from the cache."""
        doc = self.nlp.make_doc(text)
        if not self.parsed or len(doc) == 0:
            return self.nlp(doc)
        words, spaces = [t.text for t in doc], [bool(t.whitespace_) for t in doc]
        keys = [(tuple(words[start:end]), tuple(spaces[start:end])) for start, end in _pieces(doc)]
        parses = [self.parses.get(key) for key in keys]
        missing = [i for i, parse in enumerate(parses) if parse is None]
        if missing:
            pieces = [Doc(self.nlp.vocab, words=list(keys[i][0]), spaces=list(keys[i][1])) for i in missing]
            for _, component in self.nlp.pipeline:
                pieces = list(component.pipe(pieces, batch_size=len(pieces)))
            for i, piece in zip(missing, pieces):
                parses[i] = piece.to_array(PARSE_ATTRS)
                self.parses.put(keys[i], parses[i])
        doc.from_array(PARSE_ATTRS, numpy.concatenate(parses))
        return doc


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


def _pieces(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token offsets of the sentences the worker ended."""
    cuts = [0] + [token.i + 1 for token in doc[:-1] if ends_a_sentence(token)] + [len(doc)]
    return [(start, end) for start, end in zip(cuts, cuts[1:]) if end > start]


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
    use_numpy_blas(full)
    logger.info("loaded spaCy model %s (%s)", name, ", ".join(full.pipe_names))
    return LoadedPipeline(nlp=full, name=name, parsed=True)
