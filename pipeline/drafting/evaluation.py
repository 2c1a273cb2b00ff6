"""Score the drafting stage against hand-marked notes (``tests/devset/``, format in its
README): factor codes (precision/recall/F1), factor families (F1), the section of every
sentence (accuracy) and the visit fields (accuracy), with every miss listed. Notes in the
family-visit format are also scored per child (``child_scores.py``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from models.cin_codes import family_of
from models.draft import DraftNote
from models.settings import Settings
from pipeline.drafting.child_scores import ChildScores, ChildTally, f1, format_child_scores, ratio
from pipeline.drafting.devset import GoldNote, load_gold
from models.errors import TextFileError

VISIT_FIELDS = ("contact_type", "announced", "child_seen", "child_seen_alone", "bedroom_seen", "people_present")


class Miss(BaseModel):
    note: str
    kind: str  # false positive, false negative, wrong section, visit field
    detail: str
    sentence: str | None = None


class EvaluationReport(BaseModel):
    directory: str
    notes: int
    sentences: int
    code_precision: float
    code_recall: float
    code_f1: float
    family_f1: float
    section_accuracy: float
    visit_accuracy: float
    visit_field_accuracy: dict[str, float]
    people_precision: float
    people_recall: float
    children: ChildScores | None = None  # notes in the family-visit format only
    misses: list[Miss]


def evaluate(directory: Path, settings: Settings) -> EvaluationReport:
    from pipeline.draft import draft_from_text  # the stage under test

    notes = load_gold(directory)
    misses: list[Miss] = []
    tp = fp = fn = 0
    fam_tp = fam_fp = fam_fn = 0
    sections_right = sections_total = 0
    field_right = {name: 0 for name in VISIT_FIELDS}
    people_tp = people_fp = people_fn = 0
    per_child = ChildTally()
    for gold in notes:
        draft = draft_from_text(gold.text, settings)
        misses += [Miss(note=gold.id, kind=kind, detail=detail) for kind, detail in per_child.add(gold, draft)]
        predicted = {s.code for s in draft.factor_suggestions}
        wanted = {str(code) for code in gold.factors}
        tp += len(predicted & wanted)
        fp += len(predicted - wanted)
        fn += len(wanted - predicted)
        families_p, families_w = {family_of(c) for c in predicted}, {family_of(c) for c in wanted}
        fam_tp += len(families_p & families_w)
        fam_fp += len(families_p - families_w)
        fam_fn += len(families_w - families_p)
        misses += _factor_misses(gold, draft, predicted, wanted)
        right, total, wrong = _section_score(gold, draft)
        sections_right, sections_total = sections_right + right, sections_total + total
        misses += wrong
        for name in VISIT_FIELDS:
            ok, detail = _field(gold, draft, name)
            field_right[name] += ok
            if not ok:
                misses.append(Miss(note=gold.id, kind="visit field", detail=detail))
        gold_people = _people_keys(gold.visit.get("people_present") or [])
        found_people = {(p.name or p.role or "").lower() for p in draft.visit.people_present}
        people_tp += len(gold_people & found_people)
        people_fp += len(found_people - gold_people)
        people_fn += len(gold_people - found_people)
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    fam_precision, fam_recall = ratio(fam_tp, fam_tp + fam_fp), ratio(fam_tp, fam_tp + fam_fn)
    fields = {name: round(right / len(notes), 3) for name, right in field_right.items()}
    return EvaluationReport(
        directory=str(directory), notes=len(notes), sentences=sections_total,
        code_precision=precision, code_recall=recall, code_f1=f1(precision, recall),
        family_f1=f1(fam_precision, fam_recall),
        section_accuracy=ratio(sections_right, sections_total),
        visit_accuracy=round(sum(field_right.values()) / (len(notes) * len(VISIT_FIELDS)), 3),
        visit_field_accuracy=fields,
        people_precision=ratio(people_tp, people_tp + people_fp),
        people_recall=ratio(people_tp, people_tp + people_fn), children=per_child.scores(), misses=misses)


def _factor_misses(gold: GoldNote, draft: DraftNote, predicted: set[str], wanted: set[str]) -> list[Miss]:
    misses = []
    for suggestion in draft.factor_suggestions:
        if suggestion.code not in wanted:
            evidence = suggestion.evidence[0].text if suggestion.evidence else None
            misses.append(Miss(note=gold.id, kind="false positive",
                               detail=f"{suggestion.code} ({suggestion.confidence:.2f}, {suggestion.subject.value})",
                               sentence=evidence))
    for code in sorted(wanted - predicted):
        misses.append(Miss(note=gold.id, kind="false negative", detail=code))
    return misses


def _section_score(gold: GoldNote, draft: DraftNote) -> tuple[int, int, list[Miss]]:
    predicted = [(s.start_char, s.end_char, section.key) for section in draft.sections for s in section.sentences]
    right, wrong = 0, []
    for start, end, section, text in gold.spans():
        overlaps = [(min(end, e) - max(start, s), key) for s, e, key in predicted if s < end and e > start]
        key = max(overlaps)[1] if overlaps else None
        if key == section:
            right += 1
        else:
            wrong.append(Miss(note=gold.id, kind="wrong section", detail=f"{key} (gold {section})", sentence=text))
    return right, len(gold.sentences), wrong


def _people_keys(people: list[dict]) -> set[str]:
    return {str(p.get("name") or p.get("role") or "").lower() for p in people}


def _field(gold: GoldNote, draft: DraftNote, name: str) -> tuple[bool, str]:
    if name == "people_present":
        want = _people_keys(gold.visit.get(name) or [])
        got = {(p.name or p.role or "").lower() for p in draft.visit.people_present}
        return want == got, f"people_present {sorted(got)} (gold {sorted(want)})"
    want, got = gold.visit.get(name), getattr(draft.visit, name)
    return want == got, f"{name} {got!r} (gold {want!r})"


def format_report(report: EvaluationReport, *, misses: bool = True) -> str:
    lines = [
        f"{report.directory}: {report.notes} notes, {report.sentences} sentences",
        f"factor codes     precision {report.code_precision:.3f}  recall {report.code_recall:.3f}  "
        f"F1 {report.code_f1:.3f}",
        f"factor families  F1 {report.family_f1:.3f}",
        f"sections         accuracy {report.section_accuracy:.3f}",
        f"visit fields     accuracy {report.visit_accuracy:.3f}  ("
        + ", ".join(f"{k} {v:.2f}" for k, v in report.visit_field_accuracy.items()) + ")",
        f"people present   precision {report.people_precision:.3f}  recall {report.people_recall:.3f}",
    ]
    if report.children is not None:
        lines += format_child_scores(report.children)
    if misses and report.misses:
        lines.append("")
        lines.append(f"misses ({len(report.misses)}):")
        for miss in report.misses:
            where = f'  "{miss.sentence}"' if miss.sentence else ""
            lines.append(f"  {miss.note}  {miss.kind}: {miss.detail}{where}")
    return "\n".join(lines)
