"""A worker correcting themselves mid-sentence: "Freddie was seen alone in the kitchen, no
actually, Rachel was in the doorway", "I did not see Tyler's room, sorry, I did see it".

A correction is a part of the sentence between commas made only of correcting words ("no
actually", "sorry", "no, sorry", "I mean"; ``corrections`` in ``data/visit.yaml``). It
withdraws what the part just before it said. When the part just after it says the same
seeing again with "it" or "them" ("I did see it", "I didn't see them"), that is what the
worker meant; anything else leaves the answer to the worker."""

from __future__ import annotations

import re

from spacy.tokens import Span

_BREAKS = {",", ";", "—", "–", "-"}
_RESTATED = re.compile(
    r"^(i|we|sw|he|she|they|it) (did|do|have|had|was|were|could)( not|n't)? (actually |in fact |then )?"
    r"(see|seen|saw|look at|looked at|look in|looked in|go in|gone in|view|viewed|check|checked) (it|them)\b")


def corrections(span: Span, words: dict) -> list[tuple[int, int, bool | None]]:
    """(start, end, restated) for each correction of the sentence: statements whose phrase ends
    after token ``start`` and at or before ``end`` (the part just before the correction) are
    withdrawn; ``restated`` is the value the part after it says instead, or None."""
    parts: list[list] = [[]]
    for token in span:
        if token.text in _BREAKS:
            parts.append([])
        else:
            parts[-1].append(token)
    found = []
    for k in range(1, len(parts) - 1):
        part = [t.lower_ for t in parts[k]]
        if not part or not _correcting(part, words) or not parts[k - 1] or _correcting(
                [t.lower_ for t in parts[k - 1]], words):
            continue
        before = parts[k - 1]
        start, end = before[0].i - 1, before[-1].i + 1
        after = " ".join(t.lower_ for t in parts[k + 1]).replace(" n't", "n't")
        said = _RESTATED.match(after)
        restated = None if said is None else not bool(said.group(3))
        found.append((start, end, restated))
    return found


def _correcting(part: list[str], words: dict) -> bool:
    """A part made only of correcting words, with one that says so ("no" alone also does:
    "Thursday, no, Friday")."""
    return all(w in words["any"] for w in part) and (any(w in words["signal"] for w in part) or part == ["no"])
