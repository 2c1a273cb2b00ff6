"""The words the recogniser should expect: the social-care glossary and the names of
the people in this recording."""

from __future__ import annotations

import re
from pathlib import Path

from models.errors import TextFileError

PROMPT_PREFACE = "Social care visit note."
_GLOSSARY = Path(__file__).parent / "data" / "glossary.txt"


def read_terms(path: Path) -> list[str]:
    """One term a line; blank lines and '#' comments skipped."""
    try:
        content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise TextFileError(f"glossary file '{path}' (CASENOTE_GLOSSARY_FILE) cannot be read: {reason}") from None
    lines = (line.strip() for line in content.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def parse_names(names: str | None) -> list[str]:
    """'Kayden Price, Leanne' -> ['Kayden Price', 'Leanne']."""
    return [name.strip() for name in (names or "").split(",") if name.strip()]


def glossary_terms(*, use_glossary: bool, extra_glossary: Path | None) -> list[str]:
    """The social-care glossary and the authority's own terms, each once, in order."""
    terms: list[str] = []
    if use_glossary:
        terms += read_terms(_GLOSSARY)
        if extra_glossary:
            terms += read_terms(extra_glossary)
    return list(dict.fromkeys(terms))


def build_hotwords(names: list[str], *, use_glossary: bool, extra_glossary: Path | None) -> str | None:
    """A short, punctuated sentence of hot words.

    Measured on tiny.en: a bare comma list of terms makes Whisper drop punctuation
    (which sentence splitting needs), and the same text as ``initial_prompt`` makes it
    invent closing phrases ("Thank you very much."), so this goes in as hot words."""
    terms = glossary_terms(use_glossary=use_glossary, extra_glossary=extra_glossary)
    parts = []
    if names:
        parts.append("People: " + ", ".join(dict.fromkeys(names)) + ".")
    if terms:
        parts.append("Terms: " + ", ".join(dict.fromkeys(terms)) + ".")
    return " ".join([PROMPT_PREFACE] + parts) if parts else None


def prompt_scaffolding() -> frozenset[str]:
    """The words of the hot-words sentence that are not terms or names: heard back in a
    transcript next to each other, they are the prompt echoed, not speech."""
    return frozenset(re.findall(r"[\w']+", f"{PROMPT_PREFACE} People: Terms:".lower()))
