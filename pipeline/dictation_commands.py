"""Lay out recognised words as text, turning spoken dictation commands ("full stop",
"new paragraph"...) into punctuation and breaks, and remember where every word
landed so each sentence of the note can point back to its audio."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Longest first so "question mark" wins over any shorter command.
COMMANDS: list[tuple[tuple[str, ...], str]] = [
    (("new", "paragraph"), "\n\n"),
    (("question", "mark"), "?"),
    (("exclamation", "mark"), "!"),
    (("full", "stop"), "."),
    (("new", "line"), "\n"),
    (("comma",), ","),
    (("colon",), ":"),
]
_TRAILING_PUNCT = re.compile(r"[.,;:!?]+$")
_ENDS_SENTENCE = (".", "?", "!", "\n")


def _normal(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


@dataclass
class LaidOutText:
    text: str = ""
    # For each input word: (start_char, end_char) in text, or None when it was a command.
    spans: list[tuple[int, int] | None] = field(default_factory=list)


def lay_out_words(words: list[str], *, commands: bool) -> LaidOutText:
    """Join Whisper's word pieces (which carry their own leading spaces) into text."""
    out = LaidOutText()
    parts: list[str] = []
    length = 0
    capitalise_next = False
    at_line_start = True
    i = 0
    while i < len(words):
        match = _match_command(words, i) if commands else None
        if match:
            size, symbol = match
            if symbol.strip():  # punctuation replaces whatever Whisper put there
                if parts:
                    stripped = _TRAILING_PUNCT.sub("", parts[-1])
                    length -= len(parts[-1]) - len(stripped)
                    parts[-1] = stripped
                    _fix_last_span(out, length)
            else:  # a break: tidy trailing spaces before it
                if parts:
                    stripped = parts[-1].rstrip()
                    length -= len(parts[-1]) - len(stripped)
                    parts[-1] = stripped
                    _fix_last_span(out, length)
            parts.append(symbol)
            length += len(symbol)
            out.spans.extend([None] * size)
            capitalise_next = symbol.endswith(_ENDS_SENTENCE)
            at_line_start = symbol.endswith("\n")
            i += size
            continue
        piece = words[i]
        if at_line_start:
            piece = piece.lstrip()
        if capitalise_next and piece.strip():
            lead = len(piece) - len(piece.lstrip())
            piece = piece[:lead] + piece[lead:lead + 1].upper() + piece[lead + 1:]
        if symbol_needs_space(parts, piece):
            piece = " " + piece
        lead = len(piece) - len(piece.lstrip())
        start = length + lead
        parts.append(piece)
        length += len(piece)
        out.spans.append((start, length))
        capitalise_next = False
        at_line_start = False
        i += 1
    out.text = "".join(parts)
    return out


def symbol_needs_space(parts: list[str], piece: str) -> bool:
    """Whisper words begin with a space; after punctuation made by a command keep one."""
    return bool(parts) and not piece.startswith((" ", "\n")) and parts[-1][-1:] in {".", ",", "?", "!", ":"} \
        and piece[:1].isalnum()


def _fix_last_span(out: LaidOutText, length: int) -> None:
    for k in range(len(out.spans) - 1, -1, -1):
        if out.spans[k] is not None:
            start, _ = out.spans[k]
            out.spans[k] = (start, max(start, length))
            return


def _match_command(words: list[str], i: int) -> tuple[int, str] | None:
    for phrase, symbol in COMMANDS:
        n = len(phrase)
        if tuple(_normal(w) for w in words[i:i + n]) == phrase:
            return n, symbol
    return None
