"""Text that every export and connector can carry.

Word, PDF, XML, CSV and JSON each refuse some characters that a person can still
paste: Word's Shift+Enter puts a vertical tab (U+000B) into the clipboard, other
programs leave NUL or escape characters, and a broken client can send half of a
surrogate pair. Two rules, applied by the service:

- **Prose** (a note's sections, people's names) is cleaned on save, never refused:
  line-break characters (vertical tab, form feed, the Unicode line and paragraph
  separators, NEL, CR) become a newline; other control characters are removed; the
  text is put in Unicode NFC. These characters are invisible, so removing them loses
  nothing the worker could see, while refusing an autosave for them would leave the
  worker with a save that fails for a reason they cannot see.
- **Identifiers** (a case reference) are refused with a 422 naming the character:
  dropping a character from an identifier could silently make it another one.

``printable`` applies the prose rule for export to text already stored (notes signed
before these rules existed), and replaces lone surrogates with U+FFFD."""

from __future__ import annotations

import re
import unicodedata

from models.errors import InvalidText

# Characters that end a line in some program: all become "\n".
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Every other C0/C1 control character (but tab and newline), and the two noncharacters
# no XML document may hold.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMES = {"\x00": "NUL", "\x0b": "vertical tab", "\x0c": "form feed", "\x1b": "escape", "\x7f": "delete",
          "\r": "carriage return", "\n": "newline", "\t": "tab"}


def describe(char: str) -> str:
    """'U+000B (vertical tab)'."""
    name = _NAMES.get(char) or unicodedata.name(char, "") or unicodedata.category(char)
    return f"U+{ord(char):04X} ({name.lower()})"


def clean_prose(text: str) -> str:
    """A section's or a name's text as it is saved: line breaks as newlines, no other
    control characters, NFC. Raises InvalidText for a lone surrogate (no person can
    type one: it is a broken client)."""
    lone = _SURROGATE.search(text)
    if lone:
        raise InvalidText(f"the text holds {describe(lone.group())}, half of a character: the client sent "
                          "broken text")
    return unicodedata.normalize("NFC", _CONTROL.sub("", _LINE_BREAKS.sub("\n", text)))


def check_identifier(text: str, what: str) -> str:
    """``text`` stripped and in NFC, or InvalidText naming the first character that an
    identifier may not hold (a control character, a line break, a lone surrogate)."""
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in "\u2028\u2029\ufffe\uffff":
            raise InvalidText(f"the {what} holds {describe(char)}; it may hold no control characters")
    return unicodedata.normalize("NFC", text.strip())


def printable(text: str) -> str:
    """Any stored text made safe for every export format: as ``clean_prose`` (without
    NFC, so signed text changes no more than it must), lone surrogates replaced by
    U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", _LINE_BREAKS.sub("\n", text)))


def without_lone_surrogates(value):
    """``value`` (a str, or lists and dicts of them) with each lone surrogate as U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: without_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    return value
