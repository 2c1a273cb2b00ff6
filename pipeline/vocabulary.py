"""The words the recogniser should expect: the social-care glossary and the names of
the people in this recording."""

from __future__ import annotations

from pathlib import Path

_GLOSSARY = Path(__file__).parent / "data" / "glossary.txt"


def read_terms(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def parse_names(names: str | None) -> list[str]:
    """'Kayden Price, Leanne' -> ['Kayden Price', 'Leanne']."""
    return [name.strip() for name in (names or "").split(",") if name.strip()]


def build_hotwords(names: list[str], *, use_glossary: bool, extra_glossary: Path | None) -> str | None:
    """A short, punctuated sentence of hot words.

    Measured on tiny.en: a bare comma list of terms makes Whisper drop punctuation
    (which sentence splitting needs), and the same text as ``initial_prompt`` makes it
    invent closing phrases ("Thank you very much."), so this goes in as hot words."""
    terms: list[str] = []
    if use_glossary:
        terms += read_terms(_GLOSSARY)
        if extra_glossary:
            terms += read_terms(extra_glossary)
    parts = []
    if names:
        parts.append("People: " + ", ".join(dict.fromkeys(names)) + ".")
    if terms:
        parts.append("Terms: " + ", ".join(dict.fromkeys(terms)) + ".")
    return " ".join(["Social care visit note."] + parts) if parts else None
