"""Seen / seen alone / bedroom seen dictated as a form ("Ella, seen, yes, seen alone, no",
"Seen alone: yes for Mia, no for Tyler and Harvey", "Seen alone, Harley yes, Brooke no,
Kenzie no, too young", "Bedrooms seen: yes, all three"). Labels and answers are in
``data/visit.yaml`` (``form``).

Each label's answers run to the next label. Children named there get the answer said
with them: the answer before them when the part starts with an answer ("yes for Mia, no
for Tyler and Harvey": Tyler no), else the answer after them ("Harley yes, Brooke no").
A part that names no child answers for the children named before the first label."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span

from pipeline.drafting.children import Children
from pipeline.drafting.visit_phrases import visit_rules


@lru_cache
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    form = visit_rules()["form"]
    labels = "|".join(f"(?P<{field}>{pattern.pattern})" for field, pattern in form["labels"].items())
    label = re.compile(rf"(?:^|(?<=[,:;]))\s*(?:{labels})\s*[,:]", re.I)
    return label, re.compile(rf"\b({form['answers'].pattern})\b", re.I)


def form_answers(span: Span, text: str, children: Children) -> list[tuple[int, str, bool]] | None:
    """(child, field, value) for each answer of a sentence dictated as a form; None when
    the sentence is not one."""
    low = text.lower()
    if "seen" not in low and "room" not in low and "alone" not in low:
        return None  # every label speaks of seeing or a room; most sentences do neither
    label, answer = _patterns()
    labels = list(label.finditer(text))
    if not labels:
        return None
    offset, doc = span.start_char, span.doc
    found: list[tuple[int, str, bool]] = []
    before = _span(doc, offset, offset + labels[0].start())
    prefix = [i for _, kids in children.mentions(before, named_only=True) for i in kids] if before is not None else []
    if not prefix and not children.mentions(span, named_only=True):
        prefix = children.group_before(span[0])  # "Seen alone: no." for the children just spoken of
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        part = _span(doc, offset + m.end(), offset + end)
        if part is None:
            continue
        field = m.lastgroup
        values = [(doc.char_span(offset + a.start(), offset + a.end(), alignment_mode="expand").start,
                   a.group(1).lower() == "yes") for a in answer.finditer(text, m.end(), end)]
        if not values:
            continue
        named = children.mentions(part, named_only=True)
        if not named:
            found += [(child, field, values[0][1]) for child in prefix]
            continue
        answer_first = values[0][0] < named[0][0]
        for position, kids in named:
            if answer_first:
                value = next((v for at, v in reversed(values) if at < position), None)
            else:
                value = next((v for at, v in values if at > position), None)
            if value is not None:
                found += [(child, field, value) for child in kids]
    return found if found else None


def _span(doc, start: int, end: int) -> Span | None:
    if end <= start:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None and len(span) else None
