"""The drafting stage scored on the annotated notes (tests/devset). Thresholds sit a little
below the figures measured when they were set (README, "Evaluation"): a drop below them is
a regression. The held-out notes (heldout/, phenomena-heldout/) were never used to tune the
rules; family-seen/ was held out in issue 14's first round and is tuned on since; family-seen2/
(another author's notes) was held out until round 2's first run and is tuned on in round 3, as
is phenomena3/ (round 3's own notes); family-seen3/ (a third author's notes) was held out until
round 3's first run (as family-heldout3/) and is tuned on in round 4; family-seen4/ (a fourth author's
notes) was held out until round 4's first run (as family-heldout4/) and is tuned on in round 5;
family-seen5/ (a fifth author's notes) was held out until round 5's first run (as family-heldout5/) and is
tuned on in round 6, as family-seen6/ (a sixth author's, held out as family-heldout6/ until round 6's
first run) is in rounds 7 and 8, and family-seen7/ (a seventh author's, held out as family-heldout7/ until
round 8's first run) in round 9. A ratio of nothing counts as 1.0, so the tests also check
that there was something to compare."""

from __future__ import annotations

import pytest

from models.errors import TextFileError
from models.settings import Settings
from pipeline.drafting.evaluation import evaluate, format_report, load_gold
from tests.drafting.conftest import DEVSET

# measured (issue 14 round 2, README "Evaluation"):
#   dev code F1 0.984, family F1 0.984, sections 0.992, visit fields 0.986, per-child fields 0.978,
#       per-child code F1 0.973;
#   held-out code F1 0.927, family F1 0.974, sections 0.944, visit fields 0.974, per-child fields 0.980,
#       per-child code F1 0.939;
#   family code F1 1.000, sections 0.991, visit fields 0.985, per-child fields 1.000, per-child code F1 0.993;
#   family-seen code F1 1.000, sections 0.992, visit fields 0.987, per-child fields 1.000, per-child code F1 1.000;
#   phenomena code F1 1.000, sections 0.991, visit fields 0.986, per-child fields 1.000, per-child code F1 1.000;
#   phenomena-heldout (never tuned on) code P 0.958 R 0.958 F1 0.958, family F1 1.000, sections 0.962,
#       visit fields 0.931, per-child fields 0.967, per-child code P 0.900 R 0.878 F1 0.889
# measured (issue 14 round 3, README "Evaluation"; the others unchanged):
#   held-out sections 0.960; phenomena-heldout visit fields 0.958, per-child fields 0.978;
#   family-seen2 (another author; first run 0.885 per-child fields, 0.865 per-child code F1, 0.864 sections)
#       code F1 1.000, sections 1.000, visit fields 0.986, per-child fields 1.000, per-child code F1 1.000,
#       date/time 1.000;
#   phenomena3 (round 3's notes; first run 0.853 per-child fields, 0.775 per-child code F1, 0.934 sections)
#       code F1 1.000, sections 1.000, visit fields 0.983, per-child fields 1.000, per-child code F1 1.000,
#       date/time 1.000
# measured (issue 14 round 4; the others unchanged or higher):
#   family-seen3 (a third author; first run after round 3: 0.810 per-child fields, 0.747 per-child code F1,
#       0.817 code precision, 0.885 sections, 0.833 date/time) code P 0.986 R 0.986 F1 0.986, family F1 0.993,
#       sections 0.982, visit fields 0.938, per-child fields 0.979, per-child code F1 0.992, date/time 1.000;
#   held-out sections 0.968; family-seen sections 1.000; phenomena-heldout (never tuned on) code F1 1.000,
#       sections 0.981, visit fields 0.972, per-child fields 0.989, per-child code F1 0.988
# measured (issue 14 round 5; the others unchanged or higher: held-out code P 0.905 F1 0.950, per-child code
#   F1 0.958; family-seen3 code P 1.000 F1 0.993, per-child code F1 0.996):
#   family-seen4 (a fourth author; first run after round 4: 0.753 per-child fields, 0.695 per-child code F1,
#       0.753 code precision, 0.822 sections, 0.792 date/time) code P 0.929 R 0.929 F1 0.929, family F1 0.969,
#       sections 0.911, visit fields 0.944, per-child fields 0.960, per-child code P 0.893 R 0.907 F1 0.900,
#       date/time 1.000
#   family-seen5 (a fifth author, held out as family-heldout5 until its first run after round 5: code P 0.773 R 0.823 F1 0.797,
#       family F1 0.859, sections 0.901, visit fields 0.826, per-child fields 0.791, per-child code F1 0.746,
#       date/time 0.958; after the two guards of test_field_guards.py: visit fields 0.847, per-child fields 0.822)
# measured (issue 14 round 6; the others unchanged or higher, but held-out per-child fields 0.980 -> 0.961:
#   two children's "seen" now unanswered, because the sentence that showed them is now an observation):
#   family-seen5 code P 0.934 R 0.919 F1 0.926, family F1 0.965, sections 0.988, visit fields 0.931,
#       per-child fields 0.960, per-child code P 0.901 R 0.937 F1 0.919, date/time 0.958
#   family-seen6 (a sixth author, held out as family-heldout6 until its first run after round 6): code P 0.761
#       R 0.795 F1 0.778, family F1 0.850, sections 0.817, visit fields 0.868, per-child fields 0.761,
#       per-child code P 0.709 R 0.793 F1 0.749, date/time 0.708
# measured (issue 14 round 7, tuned on family-seen6; the others unchanged or higher: family-seen3 per-child
#   fields 0.984, family-seen4 sections 0.939):
#   family-seen6 code P 0.955 R 0.955 F1 0.955, family F1 0.988, sections 0.914, visit fields 0.951,
#       per-child fields 0.883, per-child code P 0.897 R 0.946 F1 0.921, date/time 0.708
# measured (issue 14 round 8, tuned on family-seen6; the others unchanged or higher: family-seen4 sections 0.945):
#   family-seen6 code P 0.977 R 0.955 F1 0.966, family F1 1.000, sections 0.956, visit fields 0.951,
#       per-child fields 0.925, per-child code P 0.926 R 0.946 F1 0.936, date/time 1.000
# measured (issue 14 round 9, tuned on family-seen7; the others unchanged or higher: family-seen4 code F1 0.936,
#   per-child fields 0.965, per-child code F1 0.908; family-seen5 code F1 0.935, per-child code F1 0.926,
#   date/time 1.000):
#   family-seen7 (a seventh author, held out as family-heldout7 until its first run after round 8: code P 0.810
#       R 0.694 F1 0.748, sections 0.922, visit fields 0.847, per-child fields 0.802, per-child code P 0.633
#       R 0.713 F1 0.671, date/time 0.833) code P 0.844 R 0.776 F1 0.809, family F1 0.927, sections 0.981,
#       visit fields 0.917, per-child fields 0.932, per-child code P 0.714 R 0.805 F1 0.757, date/time 1.000
THRESHOLDS = {
    "dev": {"code_f1": 0.95, "code_precision": 0.93, "code_recall": 0.95, "family_f1": 0.95,
            "section_accuracy": 0.96, "visit_accuracy": 0.95,
            "children.field_accuracy": 0.95, "children.code_f1": 0.94},
    "heldout": {"code_f1": 0.90, "code_precision": 0.83, "code_recall": 0.95, "family_f1": 0.94,
                "section_accuracy": 0.95, "visit_accuracy": 0.95,
                "children.field_accuracy": 0.96, "children.code_f1": 0.90},
    "family": {"code_f1": 0.96, "code_precision": 0.96, "code_recall": 0.96, "family_f1": 0.96,
               "section_accuracy": 0.96, "visit_accuracy": 0.96,
               "children.field_accuracy": 0.98, "children.code_f1": 0.96, "children.when_accuracy": 0.95},
    "family-seen": {"code_f1": 0.96, "code_precision": 0.96, "code_recall": 0.96, "family_f1": 0.96,
                    "section_accuracy": 0.96, "visit_accuracy": 0.95,
                    "children.field_accuracy": 0.97, "children.code_f1": 0.96, "children.when_accuracy": 0.95},
    "phenomena": {"code_f1": 0.96, "code_precision": 0.96, "code_recall": 0.96, "family_f1": 0.96,
                  "section_accuracy": 0.96, "visit_accuracy": 0.95,
                  "children.field_accuracy": 0.97, "children.code_f1": 0.96, "children.when_accuracy": 0.95},
    "phenomena-heldout": {"code_f1": 0.93, "code_precision": 0.93, "code_recall": 0.93, "family_f1": 0.97,
                          "section_accuracy": 0.94, "visit_accuracy": 0.94,
                          "children.field_accuracy": 0.96, "children.code_f1": 0.86,
                          "children.when_accuracy": 0.95},
    "family-seen2": {"code_f1": 0.97, "code_precision": 0.97, "code_recall": 0.97, "family_f1": 0.97,
                     "section_accuracy": 0.98, "visit_accuracy": 0.96,
                     "children.field_accuracy": 0.98, "children.code_f1": 0.97, "children.when_accuracy": 0.95},
    "phenomena3": {"code_f1": 0.97, "code_precision": 0.97, "code_recall": 0.97, "family_f1": 0.97,
                   "section_accuracy": 0.98, "visit_accuracy": 0.95,
                   "children.field_accuracy": 0.98, "children.code_f1": 0.97, "children.when_accuracy": 0.95},
    "family-seen3": {"code_f1": 0.97, "code_precision": 0.96, "code_recall": 0.96, "family_f1": 0.97,
                     "section_accuracy": 0.96, "visit_accuracy": 0.92,
                     "children.field_accuracy": 0.96, "children.code_f1": 0.97, "children.when_accuracy": 0.95},
    "family-seen4": {"code_f1": 0.91, "code_precision": 0.91, "code_recall": 0.91, "family_f1": 0.95,
                     "section_accuracy": 0.89, "visit_accuracy": 0.93,
                     "children.field_accuracy": 0.95, "children.code_f1": 0.88, "children.when_accuracy": 0.97},
    # a regression floor under a never-tuned set's figures, not a target (issue 14's are 0.95 / 0.90)
    "family-seen5": {"code_f1": 0.92, "code_precision": 0.92, "code_recall": 0.91, "family_f1": 0.96,
                     "section_accuracy": 0.98, "visit_accuracy": 0.92,
                     "children.field_accuracy": 0.95, "children.code_f1": 0.91, "children.when_accuracy": 0.95},
    "family-seen6": {"code_f1": 0.96, "code_precision": 0.97, "code_recall": 0.95, "family_f1": 0.98,
                     "section_accuracy": 0.95, "visit_accuracy": 0.94,
                     "children.field_accuracy": 0.92, "children.code_f1": 0.93, "children.when_accuracy": 0.98},
    "family-seen7": {"code_f1": 0.80, "code_precision": 0.83, "code_recall": 0.76, "family_f1": 0.92,
                     "section_accuracy": 0.97, "visit_accuracy": 0.91,
                     "children.field_accuracy": 0.92, "children.code_f1": 0.74, "children.when_accuracy": 0.98},
}
MINIMUM_NOTES = {"family-seen6": 24, "dev": 30, "heldout": 10, "family": 20, "family-seen": 12, "phenomena": 22,
                 "phenomena-heldout": 12, "family-seen2": 24, "phenomena3": 10,
                 "family-seen3": 24, "family-seen4": 24, "family-seen5": 24, "family-seen7": 24}


def _figure(report, metric: str) -> float:
    value = report
    for part in metric.split("."):
        value = getattr(value, part)
    return value


@pytest.fixture(scope="module", params=list(THRESHOLDS))
def report(request, settings):
    return request.param, evaluate(DEVSET / request.param, settings)


def test_scores_hold(report):
    name, result = report
    for metric, floor in THRESHOLDS[name].items():
        assert _figure(result, metric) >= floor, f"{name} {metric} {_figure(result, metric)} < {floor}\n" \
            + format_report(result)


def test_sets_are_big_enough(report):
    name, result = report
    assert result.notes >= MINIMUM_NOTES[name]


def test_a_third_of_the_round_two_notes_are_held_out():
    from pipeline.drafting.evaluation import load_gold

    tuned, held = len(load_gold(DEVSET / "phenomena")), len(load_gold(DEVSET / "phenomena-heldout"))
    assert held >= 8 and held * 3 >= tuned + held


def test_family_sets_have_several_children_per_note():
    from pipeline.drafting.evaluation import load_gold

    for folder in ("family", "family-seen", "phenomena", "phenomena-heldout", "family-seen2", "phenomena3",
                   "family-seen3", "family-seen4", "family-seen5", "family-seen6", "family-seen7"):
        notes = load_gold(DEVSET / folder)
        several = [n for n in notes if len(n.children) >= 2]
        assert len(several) * 4 >= len(notes) * 3, folder  # most notes are about 2-4 children
        assert any(len(n.children) >= 3 for n in notes)
        assert any(c.child_seen is False for n in notes for c in n.children)  # a child not seen
        assert any(c.factors == ["21"] for n in notes for c in n.children if len(n.children) > 1)


def test_every_annotated_sentence_and_factor_was_compared(report):
    name, result = report
    gold = load_gold(DEVSET / name)
    assert result.notes == len(gold) and result.sentences == sum(len(note.sentences) for note in gold)
    assert result.sentences >= 5 * result.notes
    assert sum(len(note.factors) for note in gold) >= result.notes  # factors to find, not only to avoid


def test_nothing_to_compare_is_an_error_not_a_perfect_score(tmp_path):
    with pytest.raises(TextFileError, match="no annotated notes"):
        evaluate(tmp_path, Settings())


def test_report_lists_the_misses(report):
    _, result = report
    text = format_report(result)
    for miss in result.misses:
        assert f"{miss.note}  {miss.kind}: {miss.detail}" in text
    false_positives = [m for m in result.misses if m.kind == "false positive"]
    assert all(m.sentence for m in false_positives)  # the sentence that misled the rules


def test_devset_covers_every_factor_family_twice():
    from collections import Counter

    from models.cin_codes import family_of

    notes = load_gold(DEVSET / "dev")
    families = Counter(family_of(str(code)) for note in notes for code in note.factors)
    assert all(families[str(f)] >= 2 for f in range(1, 25)), families


def test_blank_fallback_is_degraded_but_useful():
    result = evaluate(DEVSET / "dev", Settings(spacy_model="no_such_spacy_model_for_tests"))
    assert result.code_f1 >= 0.85 and result.section_accuracy >= 0.9, format_report(result, misses=False)
    # measured: family per-child fields 0.960 (0.927 before round 2), per-child code F1 0.896
    family = evaluate(DEVSET / "family", Settings(spacy_model="no_such_spacy_model_for_tests"))
    assert family.children.field_accuracy >= 0.94 and family.children.code_f1 >= 0.86, \
        format_report(family, misses=False)


def test_a_child_said_with_and_without_a_surname_is_one_child():
    from pipeline.drafting.child_scores import gold_keys
    assert gold_keys(["daniel", "grace okonkwo"], {"daniel okonkwo", "grace okonkwo"}) == \
        {"daniel": "daniel okonkwo", "grace okonkwo": "grace okonkwo"}
    # Not when the first name does not settle which child it is.
    assert gold_keys(["jay"], {"jay smith", "jay brown"}) == {"jay": "jay"}
    assert gold_keys(["jay", "jay brown"], {"jay smith", "jay brown"})["jay"] == "jay"
