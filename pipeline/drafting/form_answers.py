"""Seen / seen alone / bedroom seen dictated as a form ("Ella, seen, yes, seen alone, no",
"Seen alone: yes for Mia, no for Tyler and Harvey", "Seen alone, Harley yes, Brooke no,
Kenzie no, too young", "Bedrooms seen: yes, all three"), or asked and answered ("Alone?"
"Tia yes, Kai yes, in the garden."; "Bedrooms?" "Tia's seen, Kai's not."; "Alone?" "Only Jack."). Labels and
answers are in ``data/visit.yaml`` (``form``).

Each label's answers run to the next label (a label said as the answer of the one before,
"Bedrooms, seen, all three", is an answer). Children named there get the answer said with
them: the answer before them when the part starts with an answer ("yes for Mia, no for
Tyler and Harvey": Tyler no), else the answer after them ("Harley yes, Brooke no"). A part
that names no child answers for every child when it says so ("all three", "both"), else
for the children named before the first label."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span

from pipeline.drafting.children import Children
from pipeline.drafting.visit_phrases import visit_rules

_NO = ("no", "not")  # "no", "not seen", "none seen", "not"
_EVERY = ("all", "both")
_WORKER = ("i", "we")  # the worker as the subject of a clause


@lru_cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    form = visit_rules()["form"]
    labels = "|".join(f"(?P<{field}>{pattern.pattern})" for field, pattern in form["labels"].items())
    label = re.compile(rf"(?:^|(?<=[,:;]))\s*(?:{labels})\s*[,:]", re.I)
    asked = re.compile(rf"\b(?:{labels})\b", re.I)
    return label, re.compile(rf"\b({form['answers'].pattern})\b", re.I), asked


def asked_field(text: str) -> str | None:
    """The field a sentence asks on its own ("Alone?", "Were the children seen?",
    "Bedrooms?"), or None."""
    text = text.strip()
    if not text.endswith("?") or len(text.split()) > visit_rules()["form"]["question_words"]:
        return None
    found = _patterns()[2].search(text)
    return found.lastgroup if found else None


def form_answers(span: Span, text: str, children: Children, *,
                 asked: str | None = None) -> list[tuple[int, str, bool]] | None:
    """(child, field, value) for each answer of a sentence dictated as a form, or answering
    the field ``asked`` by the sentence before; None when the sentence is not one."""
    label, answer, _ = _patterns()
    offset, doc = span.start_char, span.doc
    if asked is not None:
        only = visit_rules()["form"]["only"].match(text)
        if only is not None:  # "Only Jack, the girls were seen together": Jack yes
            part = _span(doc, offset + only.end(), offset + len(text.split(",")[0].split(";")[0]))
            named = children.mentioned_in(part, named_only=True) if part is not None else []
            return [(child, asked, True) for child in named] or None
        if not answer.match(text.lstrip()) and not children.mentions(span[:1], named_only=True):
            return None  # the answer starts with an answer or a child ("Jack's yes"), else it moved on
        found = _answers(doc, offset, text, 0, len(text), asked, answer, children, children.everyone)
        return found or None
    low = text.lower()
    if "seen" not in low and "room" not in low and "alone" not in low:
        return None  # every label speaks of seeing or a room; most sentences do neither
    labels = list(label.finditer(text))
    labels = [m for k, m in enumerate(labels)  # "Bedrooms, seen, all three": the second is an answer
              if not (k and m.lastgroup == "child_seen" and m.start() == labels[k - 1].end())]
    if not labels or _worker_says_after(span, offset + labels[0].end()):
        return None
    found: list[tuple[int, str, bool]] = []
    before = _span(doc, offset, offset + labels[0].start())
    prefix = [i for _, kids in children.mentions(before, named_only=True) for i in kids] if before is not None else []
    if not prefix and not children.mentions(span, named_only=True):
        prefix = children.group_before(span[0])  # "Seen alone: no." for the children just spoken of
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        found += _answers(doc, offset, text, m.end(), end, m.lastgroup, answer, children, prefix)
    return found if found else None


def _answers(doc, offset: int, text: str, start: int, end: int, field: str, answer: re.Pattern,
             children: Children, prefix: list[int]) -> list[tuple[int, str, bool]]:
    """The answers of one label's part of the sentence (characters ``start``-``end``)."""
    part = _span(doc, offset + start, offset + end)
    if part is None:
        return []
    answers = list(answer.finditer(text, start, end))
    values = [(doc.char_span(offset + a.start(), offset + a.end(), alignment_mode="expand").start,
               not a.group(1).lower().startswith(_NO)) for a in answers]
    if not values:
        return []
    named = children.mentions(part, named_only=True)
    every = [v for (at, v), a in zip(values, answers) if a.group(1).lower().startswith(_EVERY)]
    if every and (not named or values[0][0] < named[0][0]):
        return [(child, field, values[0][1]) for child in children.everyone]  # "Bedrooms, all seen"
    if not named:
        return [(child, field, values[0][1]) for child in prefix]
    found = []
    answer_first = values[0][0] < named[0][0]
    for position, kids in named:
        if answer_first:
            value = next((v for at, v in reversed(values) if at < position), None)
        else:
            value = next((v for at, v in values if at > position), None)
        if value is not None:
            found += [(child, field, value) for child in kids]
    return found


def _worker_says_after(span: Span, start_char: int) -> bool:
    """'Bedrooms, erm, I saw the girls' room, but not Logan's': after the label the worker
    tells what they did in a clause of their own, which the seen / bedroom phrases read; its
    'not' answers for nobody."""
    return any(t.idx >= start_char and t.dep_ == "nsubj" and t.lower_ in _WORKER and t.head.tag_.startswith("VB")
               for t in span)


def _span(doc, start: int, end: int) -> Span | None:
    if end <= start:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None
