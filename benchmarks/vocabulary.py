"""What the vocabulary costs and buys on the visit dictations (tests/dictations), per
way of using it, in one run: the hot-words prompt against recognition without it
followed by near-miss correction to the names and glossary.

    python -m benchmarks.vocabulary [--split dev|heldout] [--model base|tiny.en|PATH]
                                    [--ways prompt,correct,...] [--threads 2] [--only d01,d05]

Ways (each on top of the coverage guard; ``none`` is the same recognition with no
vocabulary at all):
  none     no prompt, no correction
  prompt   names and glossary as hot words (casenote before issue 12)
  correct  no prompt; near-miss words corrected afterwards (pipeline/transcription/term_correction.py)
  both     the prompt and the correction

The names given for a dictation are the PERSON names spaCy finds in its reference
(as a worker would type the family's names). Term accuracy: of the glossary terms and
name words in the reference, how many the transcript has (counted per occurrence,
after Whisper's normaliser). Also WER, runs of more than 5 reference words missing
and how many carry an untranscribed_speech flag, corrections made (and how many of
them put in a term the reference has at that count), and CPU seconds. A benchmark:
it asserts nothing."""

from __future__ import annotations

import argparse
import time
from collections import Counter

from models.settings import get_settings
from pipeline.transcription.evaluation import normalise, score_transcript, summarise
from pipeline.transcription.transcribe import transcribe_file
from pipeline.transcription.vocabulary import glossary_terms
from tests.dictations import build_dictation, load_specs

WAYS = {
    "none": dict(asr_vocabulary_prompt=False, asr_term_correction=False),
    "prompt": dict(asr_vocabulary_prompt=True, asr_term_correction=False),
    "correct": dict(asr_vocabulary_prompt=False, asr_term_correction=True),
    "both": dict(asr_vocabulary_prompt=True, asr_term_correction=True),
}


def names_in(reference: str) -> list[str]:
    from pipeline.drafting.nlp_model import load_pipeline

    nlp = load_pipeline(get_settings().spacy_model).nlp
    return sorted({ent.text for ent in nlp(reference).ents if ent.label_ == "PERSON"})


def term_hits(reference: str, transcript: str, terms: list[str]) -> tuple[int, int]:
    """(occurrences of ``terms`` in the reference that the transcript has, occurrences)."""
    said, written = f" {normalise(reference)} ", f" {normalise(transcript)} "
    hits = total = 0
    for term in dict.fromkeys(terms):
        needle = f" {normalise(term)} "
        if needle.strip():
            count = said.count(needle)
            total += count
            hits += min(count, written.count(needle))
    return hits, total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vocabulary", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "heldout"], default="dev")
    parser.add_argument("--model", default=None)
    parser.add_argument("--ways", default="none,prompt,correct,both")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only")
    args = parser.parse_args(argv)
    specs = [s for s in load_specs(args.split) if not args.only or s.id in args.only.split(",")]
    base = get_settings().model_copy(update={"asr_cpu_threads": args.threads}
                                     | ({"asr_model": args.model} if args.model else {}))
    glossary = glossary_terms(use_glossary=True, extra_glossary=base.glossary_file)
    dictations = [build_dictation(spec) for spec in specs]
    references = [" ".join(s.text for s in d.reference()) for d in dictations]
    names = [names_in(reference) for reference in references]
    print(f"set    {len(specs)} dictations ({args.split}), {sum(d.duration_s for d in dictations) / 60:.1f} min; "
          f"model {base.asr_model or 'default'}")
    for way in args.ways.split(","):
        settings = base.model_copy(update=WAYS[way])
        scores, hits, total, cpu, corrections = [], 0, 0, 0.0, Counter()
        for dictation, reference, people in zip(dictations, references, names):
            started = time.process_time()
            transcript = transcribe_file(dictation.path, settings, names=people)
            cpu += time.process_time() - started
            scores.append(score_transcript(dictation.reference(), transcript))
            terms = glossary + [part for name in people for part in name.split()]
            got, count = term_hits(reference, transcript.text, terms)
            hits, total = hits + got, total + count
            for word in (w for s in transcript.segments for w in s.words if w.heard):
                right = normalise(word.text) in normalise(reference)
                corrections["to a term said" if right else "to a term not said there"] += 1
        s = summarise(scores)
        precision = "-" if s.invented_flag_precision is None else f"{s.invented_flag_precision:.2f}"
        print(f"{way:8s} WER {s.wer:.4f}  terms {hits}/{total} ({hits / max(total, 1):.3f})  "
              f"runs>5 {s.long_runs} (flagged {s.long_runs_flagged})  longest {s.longest_missing_run}  "
              f"invented flags {s.invented_flags} (on said words {s.invented_false_alarms}, precision {precision})  "
              f"corrections {dict(corrections)}  CPU {cpu:.1f} s", flush=True)


if __name__ == "__main__":
    main()
