"""Benchmark of the drafting stage: milliseconds per 400-word note on one CPU core, after
the spaCy model is loaded. Prints figures; it is not a test.

    python -m benchmarks.drafting [--runs 30] [--words 400] [--set dev|family]

The notes are an annotated set's transcripts (default: the development set), joined and
cut into 400-word pieces at sentence ends. Reported: the whole stage (``draft_from_text``), and the spaCy pass alone."""

from __future__ import annotations

import os

# One core, one thread: set before numpy/thinc load their maths libraries.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

DEVSETS = Path(__file__).resolve().parents[1] / "tests" / "devset"


def notes_of(words: int, folder: str = "dev") -> list[str]:
    from pipeline.drafting.evaluation import load_gold

    sentences = [text for note in load_gold(DEVSETS / folder) for _, text in note.sentences]
    notes, current, count = [], [], 0
    for sentence in sentences:
        current.append(sentence)
        count += len(sentence.split())
        if count >= words:
            notes.append(" ".join(current))
            current, count = [], 0
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="passes over all the notes")
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--set", default="dev", help="annotated set under tests/devset (dev, family...)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from models.settings import Settings
    from pipeline.draft import draft_from_text
    from pipeline.drafting.nlp_model import load_pipeline

    settings = Settings()
    started = time.perf_counter()
    loaded = load_pipeline(settings.spacy_model)
    load_s = time.perf_counter() - started
    notes = notes_of(args.words, args.set)
    for note in notes[:3]:  # warm up caches and lazy rule compilation
        draft_from_text(note, settings)

    # CPU time of this thread: on a shared machine wall time also counts waiting for the core.
    whole, parse, whole_wall = [], [], []
    for _ in range(args.runs):
        for note in notes:
            scale = args.words / len(note.split())
            t0 = time.thread_time()
            loaded.parse_note(note)
            t1, w1 = time.thread_time(), time.perf_counter()
            draft_from_text(note, settings)
            t2, w2 = time.thread_time(), time.perf_counter()
            parse.append((t1 - t0) * 1000 * scale)
            whole.append((t2 - t1) * 1000 * scale)
            whole_wall.append((w2 - w1) * 1000 * scale)

    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else "?"
    print(f"drafting benchmark: {len(notes)} notes of ~{args.words} words from {args.set} x {args.runs} runs, "
          f"model {loaded.name} ({'parsed' if loaded.parsed else 'BLANK fallback'}), cores {sorted(cores)}")
    print(f"model load: {load_s * 1000:.0f} ms (once per process)")
    print(f"spaCy pass only : median {statistics.median(parse):.1f} ms CPU, p90 {_p90(parse):.1f} ms "
          f"per {args.words} words")
    print(f"whole NLP stage : median {statistics.median(whole):.1f} ms CPU, p90 {_p90(whole):.1f} ms "
          f"per {args.words} words (target <= 40 ms)")
    print(f"whole NLP stage : median {statistics.median(whole_wall):.1f} ms wall clock "
          f"(includes waiting for the core on a busy machine; load average {os.getloadavg()[0]:.1f})")


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))]


if __name__ == "__main__":
    main()
