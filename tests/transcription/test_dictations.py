"""Issue 12's bar on long visit dictations (tests/dictations, dev split only): with the
settings of a fresh install, casenote never loses a passage of what was said without
saying so, and its word error rate stays low.

- No run of more than 5 consecutive reference words may be missing from the transcript
  unless a segment flagged ``untranscribed_speech`` covers that place (1 s tolerance,
  pipeline/transcription/evaluation.py).
- Corpus WER over the files below ``WER_LIMIT``.

Four dev files, one per voice family (Piper's neural voice, festival's HTS voice,
flite's Scottish awb, espeak-ng's RP), about 6 minutes of speech: three of them lost
whole passages (40 to 81 words) with tiny.en and the glossary prompt. The per-voice figures are
printed (``pytest -s`` shows them; a failure shows them anyway)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from pipeline.transcription.evaluation import RecordingScore, score_transcript, summarise
from tests.dictations import SynthesizedDictation, build_dictation, load_specs

pytestmark = pytest.mark.slow

# Dev files only, one per voice family, in voices a recogniser can follow (raw tiny.en
# WER 0.03-0.13), so that a missing run is speech dropped rather than speech misheard.
SUBSET = ("d03", "d05", "d10", "d15")
# Raw faster-whisper without any prompt on these files, tiny.en: WER 0.068 / 0.076 / 0.078
# under ONEDNN_MAX_CPU_ISA=DEFAULT (AVX-512) / AVX2 / SSE41 with CT2_FORCE_CPU_ISA=GENERIC;
# the worst + 0.01 (issue 12 allows casenote that much over raw) + 0.012 headroom.
WER_LIMIT = 0.10


@pytest.fixture(scope="module")
def scored(transcribe) -> list[tuple[SynthesizedDictation, RecordingScore]]:
    specs = [spec for spec in load_specs("dev") if spec.id in SUBSET]
    assert [spec.id for spec in specs] == list(SUBSET), "a dictation of the subset is missing or not in dev"
    results = []
    for spec in specs:
        dictation = build_dictation(spec)
        results.append((dictation, score_transcript(dictation.reference(), transcribe(dictation.path))))
    _print_figures(results)
    return results


def _print_figures(results: list[tuple[SynthesizedDictation, RecordingScore]]) -> None:
    by_voice: dict[str, list[RecordingScore]] = defaultdict(list)
    for dictation, score in results:
        by_voice[dictation.spec.voice].append(score)
    print()
    for voice, scores in [*by_voice.items(), ("all", [score for _, score in results])]:
        s = summarise(scores)
        precision = "-" if s.invented_flag_precision is None else f"{s.invented_flag_precision:.2f}"
        print(f"{voice:32s} WER {s.wer:.3f}  longest missing run {s.longest_missing_run:3d}  "
              f"runs > 5 words {s.long_runs} (flagged {s.long_runs_flagged})  "
              f"invented flags {s.invented_flags} (on said words {s.invented_false_alarms}, precision {precision})")


def test_no_passage_is_lost_without_a_flag(scored):
    lost = [f"{dictation.spec.id} ({dictation.spec.voice}) {run.start:.1f}-{run.end:.1f} s, {run.length} words: "
            f"\"{' '.join(run.words)}\""
            for dictation, score in scored for run in score.unflagged_long_runs]
    assert not lost, "passages missing from the transcript with no untranscribed_speech flag there:\n" + "\n".join(lost)


def test_word_error_rate_is_low(scored):
    summary = summarise([score for _, score in scored])
    per_file = ", ".join(f"{dictation.spec.id} {score.wer:.3f}" for dictation, score in scored)
    assert summary.wer < WER_LIMIT, f"WER {summary.wer:.3f} (limit {WER_LIMIT}); per file: {per_file}"


def test_the_subset_is_long_dictation_in_several_voices(scored):
    """What the two tests above rest on: minutes of speech, not a few sentences, and
    more than one kind of voice, the neural one among them."""
    assert sum(dictation.duration_s for dictation, _ in scored) > 5 * 60
    families = {dictation.spec.voice.split(":")[0] for dictation, _ in scored}
    assert "piper" in families and len(families) >= 3
    spans = [span for dictation, _ in scored for span in dictation.sentence_spans]
    assert all(span.start < span.end for span in spans)
