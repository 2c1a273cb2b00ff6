"""Case-insensitive word patterns, matched fast on lower-cased text.

The rules are a few hundred regular expressions run over every note; written as
``\\b(word|word)...`` with ``re.I`` they cost more than the spaCy parse. Here each
pattern is lower-cased and loses its leading ``\\b`` (Python's ``re`` can then jump to
candidate first letters; the word boundary is checked afterwards), and a pattern whose
possible first words occur nowhere in the text is not run at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import AT, BRANCH, LITERAL, SUBPATTERN  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import AT, BRANCH, LITERAL, SUBPATTERN  # type: ignore[no-redef]

_MAX_PREFIXES = 400


class FastPattern:
    """One case-insensitive pattern; ``(?-i:...)`` parts keep their case (run as written)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.case_sensitive = "(?-i" in source
        self.exact = re.compile(source, re.I)
        lowered = re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), source)
        stripped = _strip_leading_boundary(lowered)
        self.fast = re.compile(stripped)
        self.prefixes = None if self.case_sensitive else _leading_literals(stripped)
        self.required = None if self.case_sensitive else _required_words(stripped)

    def finditer(self, text: str, lowered: str | None) -> Iterator[tuple[int, int]]:
        """(start, end) of each match; ``lowered`` is ``text.lower()`` when it has the same length."""
        if self.case_sensitive or lowered is None:
            for found in self.exact.finditer(text):
                yield found.span()
            return
        if self.prefixes is not None and not any(p in lowered for p in self.prefixes):
            return
        if self.required is not None and not any(w in lowered for w in self.required):
            return
        for found in self.fast.finditer(lowered):
            start = found.start()
            if start == 0 or not (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
                yield found.span()

    def search(self, text: str, lowered: str | None = None) -> bool:
        return next(self.finditer(text, lowered if lowered is not None else _same_length_lower(text)), None) \
            is not None


def _same_length_lower(text: str) -> str | None:
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None


def _strip_leading_boundary(pattern: str) -> str:
    """Drop ``\\b`` at the start of each top-level alternative (``finditer`` checks it)."""
    out, depth, at_start, i = [], 0, True, 0
    while i < len(pattern):
        if at_start and pattern.startswith("\\b", i):
            i += 2
            at_start = False
            continue
        ch = pattern[i]
        at_start = False
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            at_start = True
        out.append(ch)
        i += 1
    return "".join(out)


def _leading_literals(pattern: str) -> tuple[str, ...] | None:
    """The literal text every match must start with, one string per alternative
    (None when some alternative can start with anything)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    prefixes, _ = _walk(list(parsed))
    if not prefixes or any(len(p) < 2 for p in prefixes) or len(prefixes) > _MAX_PREFIXES:
        return None
    return tuple(sorted(set(prefixes)))


def _required_words(pattern: str) -> tuple[str, ...] | None:
    """For each top-level alternative, its longest run of literal text (4+ letters): a
    match must contain one of them ("went missing" / "missing episode" -> "missing")."""
    try:
        parsed = list(sre_parse.parse(pattern))
    except re.error:
        return None
    branches = [list(b) for b in parsed[0][1][1]] if len(parsed) == 1 and parsed[0][0] is BRANCH else [parsed]
    required = []
    for branch in branches:
        best, run = "", ""
        for op, value in branch:
            if op is LITERAL:
                run += chr(value)
                best = max(best, run, key=len)
            else:
                run = ""
        if len(best.strip()) < 4:
            return None
        required.append(best)
    return tuple(sorted(set(required)))


def _walk(items: list) -> tuple[list[str], bool]:
    """(possible literal starts, whether they cover the whole of ``items``)."""
    prefixes = [""]
    for op, value in items:
        if op is AT:
            continue
        if op is LITERAL:
            prefixes = [p + chr(value) for p in prefixes]
            continue
        if op is SUBPATTERN:
            options, complete = _walk(list(value[-1]))
        elif op is BRANCH:
            options, complete = [], True
            for branch in value[1]:
                inner, inner_complete = _walk(list(branch))
                options += inner
                complete = complete and inner_complete
        else:
            return prefixes, False
        prefixes = [p + q for p in prefixes for q in options]
        if not complete or len(prefixes) > _MAX_PREFIXES:
            return prefixes, False
    return prefixes, True
