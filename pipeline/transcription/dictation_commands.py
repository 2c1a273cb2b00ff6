"""Lay out recognised words as text, turning spoken dictation commands ("full stop",
"new paragraph"...) into punctuation and breaks, and remember where every word
landed so each sentence of the note can point back to its audio.

The commands themselves are data: ``pipeline/transcription/data/dictation_commands.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

_COMMANDS_FILE = Path(__file__).parent / "data" / "dictation_commands.yaml"
_TRAILING_PUNCT = re.compile(r"[.,;:!?]+$")
_ENDS_SENTENCE = (".", "?", "!", "\n")
_PUNCTUATION = frozenset(".,;:!?")


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # normalised spoken words, e.g. ("full", "stop")
    symbol: str  # what it becomes: "." or "\n\n"

    @property
    def is_break(self) -> bool:
        return not self.symbol.strip()


@lru_cache
def load_commands(path: Path = _COMMANDS_FILE) -> tuple[Command, ...]:
    """The commands, longest first so "new paragraph" wins over any shorter match."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    commands = [Command(tuple(entry["say"].lower().split()), entry["becomes"]) for entry in entries]
    return tuple(sorted(commands, key=lambda command: -len(command.words)))


def _normal(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


@dataclass
class LaidOutText:
    text: str = ""
    # For each input word: (start_char, end_char) in text, or None when it was a command.
    spans: list[tuple[int, int] | None] = field(default_factory=list)


def lay_out_words(words: list[str], *, commands: bool) -> LaidOutText:
    """Join Whisper's word pieces (which carry their own leading spaces) into text.

    A punctuation command replaces whatever punctuation Whisper put on the word before
    it; a break command removes the spaces before it; with commands on, the first word
    and the word after a sentence end are capitalised. A command with no text before
    it to punctuate is dropped. With commands off the text is Whisper's, as it is."""
    out = LaidOutText()
    parts: list[str] = []
    length = 0
    capitalise_next = commands
    at_line_start = True
    i = 0
    while i < len(words):
        match = _match_command(words, i) if commands else None
        if match:
            size, command = match
            out.spans.extend([None] * size)
            i += size
            if not parts or (not command.is_break and parts[-1].endswith("\n")):
                continue  # nothing to punctuate
            pattern = r"[ \t]+$" if command.is_break else _TRAILING_PUNCT.pattern
            length = _trim_last_part(parts, out, length, pattern)
            parts.append(command.symbol)
            length += len(command.symbol)
            capitalise_next = command.symbol.endswith(_ENDS_SENTENCE)
            at_line_start = command.symbol.endswith("\n")
            continue
        piece = words[i]
        if at_line_start:
            piece = piece.lstrip()
        if capitalise_next and piece.strip():
            lead = len(piece) - len(piece.lstrip())
            piece = piece[:lead] + piece[lead:lead + 1].upper() + piece[lead + 1:]
        if _needs_space(parts, piece):
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


def _needs_space(parts: list[str], piece: str) -> bool:
    """Whisper words begin with a space; after punctuation made by a command keep one."""
    return bool(parts) and parts[-1][-1:] in _PUNCTUATION and piece[:1].isalnum()


def _trim_last_part(parts: list[str], out: LaidOutText, length: int, pattern: str) -> int:
    """Remove ``pattern`` from the end of the text so far; the last word's span shrinks
    with it. Returns the new length."""
    while parts:
        trimmed = re.sub(pattern, "", parts[-1])
        length -= len(parts[-1]) - len(trimmed)
        parts[-1] = trimmed
        if trimmed:
            break
        parts.pop()  # an emptied command symbol: look at what came before it
    for k in range(len(out.spans) - 1, -1, -1):
        if out.spans[k] is not None:
            start, end = out.spans[k]
            out.spans[k] = (start, min(end, max(start, length)))
            break
    return length


def _match_command(words: list[str], i: int) -> tuple[int, Command] | None:
    for command in load_commands():
        n = len(command.words)
        if tuple(_normal(w) for w in words[i:i + n]) == command.words:
            return n, command
    joined = _normal(words[i].replace("-", ""))  # "full-stop", "newline"
    for command in load_commands():
        if len(command.words) > 1 and joined == "".join(command.words):
            return 1, command
    return None
