"""A sentence's words as the worker meant them, for matching the seen / seen alone / bedroom
phrases: fillers taken out ("I didn't, erm, get in there", "her room, it's, like, lovely";
``data/spoken_fillers.yaml``) and a word said again after a false start said once ("the, you
know, the kitchen", "she's, erm, she's not"). Each character keeps where it came from, so a
phrase found in these words is a span of the note; the note's text and parse are unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_DATA = Path(__file__).parent / "data" / "spoken_fillers.yaml"
_KEYS = ("anywhere", "between_commas")
# a word said, then said again: "the the kitchen", "she's, she's not", "he's ... he's" (one word
# only: "spoken to one to one" says two words twice, and means it)
_REPEATED = re.compile(r"\b([a-z][a-z'’-]*)(?:,|\s*\.\.\.|\s*…)?\s+(?=\1\b)", re.I)


@dataclass(frozen=True)
class SpokenWords:
    text: str
    origin: tuple[int, ...]  # each character's offset in the sentence as said

    def said_span(self, start: int, end: int) -> tuple[int, int]:
        """The characters of the sentence as said that ``text[start:end]`` came from."""
        return self.origin[start], self.origin[end - 1] + 1


def is_filler(words: list[str]) -> bool:
    """Are these lower-case words (a part of a sentence between commas) only a filler ("erm",
    "you know")?"""
    data = _filler_words()
    return bool(words) and (all(w in data["anywhere"] for w in words) or " ".join(words) in data["between_commas"])


@lru_cache
def _filler_words() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(_KEYS) or not all(
            isinstance(words, list) and words and all(isinstance(w, str) and w == w.lower() and w.strip() == w
                                                      for w in words) for words in data.values()):
        raise ValueError(f"{_DATA.name}: needs {', '.join(_KEYS)}, each a list of lower-case words")
    return {k: frozenset(v) for k, v in data.items()}


@lru_cache
def _fillers() -> re.Pattern:
    data = _filler_words()
    anywhere = "|".join(re.escape(w) for w in data["anywhere"])
    between = "|".join(re.escape(w) for w in data["between_commas"])
    # before a new clause ("Rooms, erm, we saw ...") the comma stays: the label is not the clause's
    clause = r"(?=,\s*(?:i|we|he|she|they)\b)"
    return re.compile(rf",\s*(?:{anywhere}|{between})\b{clause}|(?:,\s*|\s)?\b(?:{anywhere})\b,?(?=\s|$)"
                      rf"|,\s*(?:{between}),(?=\s)", re.I)


@lru_cache(maxsize=256)
def spoken_words(text: str) -> SpokenWords:
    words, origin = text, tuple(range(len(text)))
    for pattern in (_fillers(), _REPEATED):
        kept_text, kept_origin, at = [], [], 0
        for m in pattern.finditer(words):
            kept_text.append(words[at:m.start()])
            kept_origin += origin[at:m.start()]
            at = m.end()
        kept_text.append(words[at:])
        kept_origin += origin[at:]
        words, origin = "".join(kept_text), tuple(kept_origin)
    return SpokenWords(words, origin)
