"""Accuracy benchmark on the synthetic visit dictations (tests/dictations): raw
faster-whisper against casenote's ``transcribe_file``, file by file, in one run.

    python -m benchmarks.dictations [--split dev|heldout|all] [--model PATH] [--threads 2]
                                    [--only d01,d05] [--json OUT.json]

Builds (or finds in the cache) the recordings, then for every file runs
- raw: faster-whisper on the same loaded model, ``language="en"``, beam 5, VAD on,
  word timestamps, no prompt and no hot words, ``condition_on_previous_text=False``;
  its words are laid out with the same spoken-command rules as casenote's, so
  "full stop" said as a command is not counted as two inserted words;
- casenote: ``transcribe_file`` with the current settings (``CASENOTE_*`` variables
  and ``.env`` apply, e.g. ``CASENOTE_ASR_USE_GLOSSARY=false``).
Prints per voice, per voice family and overall: WER, the longest run of reference
words missing, the runs of more than 5 words (how many flagged ``untranscribed_speech``),
the "possibly invented" flags and how many sit on words that were said, and the wall
and CPU time ratio casenote / raw. Held-out files are for measuring only: never tune
on them. A benchmark: it asserts nothing."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import ctranslate2

from models.settings import get_settings
from pipeline.transcription.asr_model import load_model
from pipeline.transcription.dictation_commands import lay_out_words
from pipeline.transcription.evaluation import RecordingScore, score_text, score_transcript, summarise
from pipeline.transcription.transcribe import RANDOM_SEED, model_spec, transcribe_file
from tests.dictations import build_dictation, cache_dir, load_specs

RAW_KWARGS = dict(language="en", beam_size=5, vad_filter=True, word_timestamps=True,
                  condition_on_previous_text=False, hotwords=None, initial_prompt=None)


@dataclass
class FileResult:
    id: str
    split: str
    voice: str
    minutes: float
    raw: RecordingScore
    casenote: RecordingScore
    raw_wall: float
    raw_cpu: float
    casenote_wall: float
    casenote_cpu: float


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dictations", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--model", help="local CTranslate2 Whisper model folder (default: the configured model)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for the model")
    parser.add_argument("--only", help="comma-separated dictation ids")
    parser.add_argument("--json", type=Path, help="also write every file's scores here")
    args = parser.parse_args(argv)

    specs = load_specs(args.split)
    if args.only:
        wanted = set(args.only.split(","))
        specs = [spec for spec in specs if spec.id in wanted]
    if not specs:
        sys.exit("bench: no dictation matches")
    update = {"asr_cpu_threads": args.threads} | ({"asr_model": args.model} if args.model else {})
    settings = get_settings().model_copy(update=update)

    wall0, cpu0 = time.perf_counter(), time.process_time()
    dictations = [build_dictation(spec) for spec in specs]
    print(f"set        {len(dictations)} dictations ({args.split}), "
          f"{sum(d.duration_s for d in dictations) / 60:.1f} min of audio, built or found in "
          f"{time.perf_counter() - wall0:.1f} s wall / {time.process_time() - cpu0:.1f} s CPU of this process "
          f"(synthesiser subprocesses not counted) in {cache_dir()}")

    model, load_s = load_model(model_spec(settings))
    probe = transcribe_file(dictations[0].path, settings)  # warm-up; also says what casenote runs with
    print(f"model      {probe.options.model} ({probe.options.compute_type}, {probe.options.cpu_threads} threads), "
          f"loaded in {load_s:.2f} s; casenote hot words: {probe.options.hotwords!r}")
    print(f"raw        {RAW_KWARGS}")
    print(f"machine    {os.cpu_count()} CPUs visible; load average before {os.getloadavg()[0]:.2f}")

    results = []
    for index, dictation in enumerate(dictations):
        def raw():
            ctranslate2.set_random_seed(RANDOM_SEED)
            segments, _ = model.transcribe(str(dictation.path), **RAW_KWARGS)
            words = [word.word for segment in segments for word in (segment.words or [])]
            return lay_out_words(words, commands=True).text

        def casenote():
            return transcribe_file(dictation.path, settings)

        # Alternate which side goes first, so neither always finds the caches warm.
        if index % 2:
            casenote_run, raw_run = _timed(casenote), _timed(raw)
        else:
            raw_run, casenote_run = _timed(raw), _timed(casenote)
        reference = dictation.reference()
        result = FileResult(id=dictation.spec.id, split=dictation.spec.split, voice=dictation.spec.voice,
                            minutes=dictation.duration_s / 60, raw=score_text(reference, raw_run[2]),
                            casenote=score_transcript(reference, casenote_run[2]),
                            raw_wall=raw_run[0], raw_cpu=raw_run[1], casenote_wall=casenote_run[0],
                            casenote_cpu=casenote_run[1])
        results.append(result)
        print(f"file       {result.id} {result.voice:32s} {dictation.duration_s:5.1f} s  WER raw {result.raw.wer:.3f} "
              f"casenote {result.casenote.wer:.3f}  longest missing {result.raw.longest_missing_run:3d} / "
              f"{result.casenote.longest_missing_run:3d}", flush=True)

    _report(results)
    print(f"machine    load average after {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps([_as_json(r) for r in results], indent=1), encoding="utf-8")


def _timed(run) -> tuple[float, float, object]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = run()
    return time.perf_counter() - wall0, time.process_time() - cpu0, result


def _report(results: list[FileResult]) -> None:
    groups: dict[str, list[FileResult]] = defaultdict(list)
    for result in results:
        groups[f"voice  {result.voice}"].append(result)
    for result in results:
        groups[f"family {result.voice.split(':')[0]}"].append(result)
    for result in results:
        groups[f"split  {result.split}"].append(result)
    groups["all"] = results

    print("\n                                          files   min |   WER  longest runs>5 flagged files>5 | "
          "invented on-said precision")
    for name, members in groups.items():
        for side in ("raw", "casenote"):
            s = summarise([getattr(m, side) for m in members])
            precision = "—" if s.invented_flag_precision is None else f"{s.invented_flag_precision:.2f}"
            print(f"{name:33s} {side:8s} {len(members):3d} {sum(m.minutes for m in members):5.1f} | "
                  f"{s.wer:.3f} {s.longest_missing_run:5d} {s.long_runs:6d} {s.long_runs_flagged:7d} "
                  f"{s.recordings_with_long_runs:7d} | {s.invented_flags:8d} {s.invented_false_alarms:7d} {precision:>9s}")

    mostly_said = [check for r in results for check in r.casenote.invented_flags
                   if check.said_words >= 0.8 * check.words]
    print(f"\ninvented   casenote 'possibly invented' flags on segments with >= 80 % of their words said: "
          f"{len(mostly_said)} of {sum(len(r.casenote.invented_flags) for r in results)}")
    print("\nlost passages (runs of more than 5 reference words missing from casenote's transcript):")
    for result in results:
        for run in result.casenote.long_runs:
            print(f"  {result.id} {result.voice:32s} {run.length:3d} words {_clock(run.start)}–{_clock(run.end)} "
                  f"{'FLAGGED  ' if run.flagged else 'unflagged'} \"{' '.join(run.words[:14])}"
                  f"{' …' if run.length > 14 else ''}\"")

    raw_wall, raw_cpu = sum(r.raw_wall for r in results), sum(r.raw_cpu for r in results)
    pipe_wall, pipe_cpu = sum(r.casenote_wall for r in results), sum(r.casenote_cpu for r in results)
    minutes = sum(r.minutes for r in results)
    print(f"\ntime       raw {raw_wall:.1f} s wall / {raw_cpu:.1f} s CPU (RTF {raw_wall / minutes / 60:.4f}); "
          f"casenote {pipe_wall:.1f} s wall / {pipe_cpu:.1f} s CPU (RTF {pipe_wall / minutes / 60:.4f})")
    print(f"ratio      casenote / raw: {pipe_wall / raw_wall:.3f} wall, {pipe_cpu / raw_cpu:.3f} CPU")


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _as_json(result: FileResult) -> dict:
    out = {key: value for key, value in vars(result).items() if key not in ("raw", "casenote")}
    for side in ("raw", "casenote"):
        score: RecordingScore = getattr(result, side)
        out[side] = score.model_dump() | {"wer": score.wer, "longest_missing_run": score.longest_missing_run}
    return out


if __name__ == "__main__":
    main()
