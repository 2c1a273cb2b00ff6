"""Per-child scores of the drafting stage on notes in the family-visit format: were the
children found, is each child's seen / seen alone / bedroom seen right, is each factor
on the right child's record, and the visit's date and time."""

from __future__ import annotations

from pydantic import BaseModel

from models.draft import CHILD_FIELDS, ChildVisit, DraftNote, VisitWhen
from pipeline.drafting.devset import WHEN_PARTS, GoldNote, GoldWhen


class ChildScores(BaseModel):
    notes: int
    children: int
    found_precision: float  # predicted children that are children of the visit
    found_recall: float
    field_accuracy: float  # seen, seen alone, bedroom seen of every gold child (a child not found: all wrong)
    field_accuracy_by_field: dict[str, float]
    age_accuracy: float
    code_precision: float  # (child, code) pairs
    code_recall: float
    code_f1: float
    when_accuracy: float  # the visit's date/time parts, exactly as said (none said: none found)


def ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 3) if p + r else 0.0


def child_key(name: str) -> str:
    """'The baby' and 'the baby' are one child; names compare without case."""
    low = name.strip().lower()
    return low[4:] if low.startswith("the ") else low


def gold_keys(found: list[str], wanted: set[str]) -> dict[str, str]:
    """Each found child's key as the gold's: the same name, or the same first name where
    one side has the surname too ("Daniel" for "Daniel Okonkwo") and no other child of
    the note has that first name on either side."""
    def first(key: str) -> str:
        return key.split()[0] if key else key
    keys = {}
    for key in found:
        if key in wanted:
            keys[key] = key
            continue
        alike = [w for w in wanted if first(w) == first(key)]
        same_first = [k for k in found if first(k) == first(key)]
        keys[key] = alike[0] if len(alike) == 1 and len(same_first) == 1 else key
    return keys


class ChildTally:
    """Counts over the notes that have per-child gold."""

    def __init__(self) -> None:
        self.notes = self.children = 0
        self.found = self.predicted = 0
        self.fields_right = dict.fromkeys(CHILD_FIELDS, 0)
        self.ages_right = 0
        self.tp = self.fp = self.fn = 0
        self.when_right = 0

    def add(self, gold: GoldNote, draft: DraftNote) -> list[tuple[str, str]]:
        """Score one note; returns its misses as (kind, detail)."""
        if gold.children is None:
            return []
        misses: list[tuple[str, str]] = []
        self.notes += 1
        wanted = {child_key(c.name) for c in gold.children}
        as_gold = gold_keys([child_key(c.name) for c in draft.visit.children], wanted)
        predicted = {as_gold[child_key(c.name)]: c for c in draft.visit.children}
        self.predicted += len(predicted)
        for key in sorted(set(predicted) - wanted):
            misses.append(("extra child", predicted[key].name))
        for child in gold.children:
            self.children += 1
            found: ChildVisit | None = predicted.get(child_key(child.name))
            if found is None:
                misses.append(("child not found", child.name))
            else:
                self.found += 1
                self.ages_right += found.age == child.age
                if found.age != child.age:
                    misses.append(("child age", f"{child.name} {found.age!r} (gold {child.age!r})"))
            for name in CHILD_FIELDS:
                want = getattr(child, name)
                got = getattr(found, name) if found is not None else "not found"
                self.fields_right[name] += got == want
                if found is not None and got != want:
                    misses.append(("child field", f"{child.name} {name} {got!r} (gold {want!r})"))
        gold_pairs = {(child_key(c.name), code) for c in gold.children for code in c.factors}
        got_pairs = {(as_gold.get(child_key(name), child_key(name)), s.code)
                     for s in draft.factor_suggestions for name in s.children}
        self.tp += len(gold_pairs & got_pairs)
        self.fp += len(got_pairs - gold_pairs)
        self.fn += len(gold_pairs - got_pairs)
        misses += [("child factor false positive", f"{name} {code}") for name, code in sorted(got_pairs - gold_pairs)]
        misses += [("child factor false negative", f"{name} {code}") for name, code in sorted(gold_pairs - got_pairs)]
        want_when, got_when = _when_parts(gold.when), _when_parts(draft.visit.when)
        self.when_right += want_when == got_when
        if want_when != got_when:
            said = f" from {draft.visit.when.said!r}" if draft.visit.when else ""
            misses.append(("visit when", f"{got_when}{said} (gold {want_when})"))
        return misses

    def scores(self) -> ChildScores | None:
        if not self.notes:
            return None
        precision, recall = ratio(self.tp, self.tp + self.fp), ratio(self.tp, self.tp + self.fn)
        return ChildScores(
            notes=self.notes, children=self.children,
            found_precision=ratio(self.found, self.predicted), found_recall=ratio(self.found, self.children),
            field_accuracy=ratio(sum(self.fields_right.values()), self.children * len(CHILD_FIELDS)),
            field_accuracy_by_field={k: ratio(v, self.children) for k, v in self.fields_right.items()},
            age_accuracy=ratio(self.ages_right, self.children),
            code_precision=precision, code_recall=recall, code_f1=f1(precision, recall),
            when_accuracy=ratio(self.when_right, self.notes))


def _when_parts(when: GoldWhen | VisitWhen | None) -> dict[str, str]:
    if when is None:
        return {}
    parts = {}
    for name in WHEN_PARTS:
        value = getattr(when, name)
        if value is not None:
            parts[name] = value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)
    return parts


def format_child_scores(scores: ChildScores) -> list[str]:
    return [
        f"children         {scores.children} in {scores.notes} notes: found precision {scores.found_precision:.3f}"
        f"  recall {scores.found_recall:.3f}, age {scores.age_accuracy:.2f}",
        f"per-child fields accuracy {scores.field_accuracy:.3f}  ("
        + ", ".join(f"{k} {v:.2f}" for k, v in scores.field_accuracy_by_field.items()) + ")",
        f"per-child codes  precision {scores.code_precision:.3f}  recall {scores.code_recall:.3f}  "
        f"F1 {scores.code_f1:.3f}",
        f"visit date/time  accuracy {scores.when_accuracy:.3f}",
    ]
