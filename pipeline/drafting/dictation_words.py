"""What a worker says only to dictate, not as part of what they report: a number or order
word leading a sentence as a point of a list ("Point two, present were ...", "Number 4:
...", "Lastly, ..."), hesitations ("erm", "um") and the words said between commas only to
keep talking ("it's, like, lovely", "he's got a, you know, a bruise"). The section cues read
a sentence without them (``sections.py``): "I'm, erm, worried" is "I'm worried". The word
lists are ``dictation`` in ``data/speech.yaml``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_SPEECH = Path(__file__).parent / "data" / "speech.yaml"
_KEYS = ("point_words", "order_words", "hesitations", "set_off_fillers")
_NUMBERS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
            "seventeen eighteen nineteen twenty first second third fourth fifth sixth seventh eighth ninth tenth")
_LABEL_END = r"\s*(?:[,:\-–—]|\.(?!\d))\s*"  # "Point 3," "Item 2 -" "Number four:" "Point two."


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    data = yaml.safe_load(_SPEECH.read_text(encoding="utf-8"))
    words = data.get("dictation") if isinstance(data, dict) else None
    if not isinstance(words, dict) or set(words) != set(_KEYS) or not all(
            isinstance(v, list) and v and all(isinstance(w, str) and re.fullmatch(r"[a-z' ]+", w) for w in v)
            for v in words.values()):
        raise ValueError(f"{_SPEECH.name}: dictation needs {', '.join(_KEYS)}, each a list of lower-case words "
                         "(quote yes/no in YAML)")

    def alternatives(key: str) -> str:
        return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words[key], key=len, reverse=True))

    number = r"(?:\d{1,2}|" + "|".join(_NUMBERS.split()) + ")"
    label = re.compile(rf"^\s*(?:(?:{alternatives('point_words')})\.?\s+(?:number\s+)?{number}|"
                       rf"{alternatives('order_words')}){_LABEL_END}", re.I)
    hesitation = rf"\b(?:{alternatives('hesitations')})\b"
    set_off = rf"(?:{alternatives('set_off_fillers')})"
    # a filler between commas, or a hesitation with the commas around it: the commas go with it
    filler = re.compile(rf"(?:^|,)\s*(?:{hesitation}|{set_off})\s*(?:,|$)|,?\s*{hesitation}\s*,?", re.I)
    return label, filler


def dictation_label_end(text: str) -> int:
    """Where a sentence's words start after a leading point label ("Point 3, ..."); 0 when none."""
    label = _patterns()[0].match(text)
    return label.end() if label else 0


def spoken_words(text: str) -> str:
    """The sentence as the worker meant it: without a leading point label or fillers."""
    filler = _patterns()[1]
    text = text[dictation_label_end(text):]
    if not filler.search(text):
        return text
    said = filler.sub(" ", text)
    return re.sub(r"\s{2,}", " ", said).strip()
