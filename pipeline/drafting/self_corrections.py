"""A worker correcting themselves mid-sentence: "Freddie was seen alone in the kitchen, no
actually, Rachel was in the doorway", "I did not see Tyler's room, sorry, I did see it",
"I saw Leah on her own, sorry, I mean Tia".

A correction is a part of the sentence between commas made only of correcting words ("no
actually", "sorry", "no, sorry", "I mean"; ``corrections`` in ``data/visit.yaml``). It
withdraws what the part just before it said (past a filler: "with, erm, no, on his own"
withdraws 'with'). When the part just after it says the same seeing again with "it" or
"them" ("I did see it", "I didn't see them"), that is what the worker meant. When it only
names someone else ("I mean Tia", "Tyler not Kai"), what was said is of them
(``Correction.instead``), and the whole clause before is withdrawn with the parts that have no
verb of their own ("I saw Kai on his own in the, you know, the kitchen, sorry, I mean
Tyler"). Anything else leaves the answer to the worker."""

from __future__ import annotations

import re
from typing import NamedTuple

from spacy.tokens import Span, Token

from pipeline.drafting.spoken_words import is_filler

_BREAKS = {",", ";", "—", "–", "-"}
_RESTATED = re.compile(
    r"^(i|we|sw|he|she|they|it) (did|do|have|had|was|were|could)( not|n't)? (actually |in fact |then )?"
    r"(see|seen|saw|look at|looked at|look in|looked in|go in|gone in|view|viewed|check|checked) (it|them)\b")
# "I mean Tia", "it was Tyler not Kai", "Tia": a part that only names who was meant
_NAMING_WORDS = {"i", "mean", "meant", "it", "was", "not", "rather", "instead", "that", "'s"}


class Correction(NamedTuple):
    start: int  # statements whose phrase ends after this token ...
    end: int  # ... and at or before this one are withdrawn
    restated: bool | None  # the value the part after says instead ("I did see it"), or None
    instead: Span | None  # the part after, when it only names who was meant ("I mean Tyler not Kai")


def corrections(span: Span, words: dict) -> list[Correction]:
    """The corrections of the sentence, each with the clause it withdraws."""
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
        after = " ".join(t.lower_ for t in parts[k + 1]).replace(" n't", "n't")
        said = _RESTATED.match(after)
        restated = None if said is None else not bool(said.group(3))
        naming = all(t.lower_ in _NAMING_WORDS or t.text[:1].isupper() or t.is_punct for t in parts[k + 1])
        instead = span.doc[parts[k + 1][0].i:parts[k + 1][-1].i + 1] if naming and said is None else None
        last = k - 1
        while last > 0 and is_filler([t.lower_ for t in parts[last]]) and parts[last - 1]:
            last -= 1  # "on his own, well, with, erm, no, on his own": 'with' is withdrawn
        first = last
        while instead is not None and first > 0 and _continues(parts[first]) and parts[first - 1]:
            first -= 1  # "I saw Kai on his own in the, you know, the kitchen, sorry, I mean Tyler": the clause
        found.append(Correction(parts[first][0].i - 1, parts[last][-1].i + 1, restated, instead))
    return found


def _continues(part: list[Token]) -> bool:
    """A part of a sentence that goes on with the clause before it: no verb of its own ("the
    kitchen"), or a filler ("you know")."""
    return is_filler([t.lower_ for t in part]) or not any(t.tag_.startswith(("VB", "MD")) for t in part)


def _correcting(part: list[str], words: dict) -> bool:
    """A part made only of correcting words, with one that says so ("no" alone also does:
    "Thursday, no, Friday")."""
    return all(w in words["any"] for w in part) and (any(w in words["signal"] for w in part) or part == ["no"])
