"""Realistic synthetic visit dictations for measuring transcription (see README.md):
``load_specs`` reads the dictation files, ``build_dictation`` makes (or finds in the
cache) each one's recording with the span of every sentence."""

from tests.dictations.build import SentenceSpan, SynthesizedDictation, build_dictation, cache_dir
from tests.dictations.spec import DictationSpec, load_spec, load_specs

__all__ = ["DictationSpec", "SentenceSpan", "SynthesizedDictation", "build_dictation", "cache_dir", "load_spec",
           "load_specs"]
