"""Benchmark of the transcription stage against raw faster-whisper, in one run.

    python -m benchmarks.transcription [AUDIO] [--minutes 10] [--threads 2] [--repeat 1] [--model base|tiny.en|PATH]
                                       [--explore]

With no AUDIO it builds a dictation of about ``--minutes`` by joining the shared test
recordings (``../shared/audio``) with short pauses, written to a temporary WAV.
Both sides use the same loaded model object and the same ``whisper_kwargs``; "raw"
is faster-whisper given the file path (its own decoding included) with the segment
generator consumed, "casenote" is ``transcribe_file`` (checks, decoding, recognition,
the coverage guard, term correction, layout, flags) and then ``draft_note`` (dictation
-> draft). Prints wall and CPU times, their ratio, the real-time factor, what the
coverage guard took and added, and peak resident memory. A benchmark, not a test: it
asserts nothing."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import ctranslate2
import numpy as np

from models.transcript import FlagKind
from models.settings import get_settings
from pipeline.transcription.asr_model import load_model, loaded_spec
from pipeline.transcription.audio import SAMPLE_RATE, load_audio
from pipeline.transcription.vocabulary import build_hotwords
from pipeline.transcription.transcribe import RANDOM_SEED, model_spec, transcribe_file, transcription_options, whisper_kwargs

SHARED_AUDIO = Path(__file__).resolve().parents[2] / "shared" / "audio"
_PAUSE_S = 0.8  # between clips, like a speaker pausing between sentences


def build_dictation(minutes: float, out: Path, audio_dir: Path = SHARED_AUDIO) -> str:
    """Join the shared recordings (in transcripts.tsv order, repeated as needed) into
    one 16 kHz mono WAV of at least ``minutes``; returns its reference transcript."""
    import soundfile

    listing = audio_dir / "transcripts.tsv"
    if not listing.is_file():
        sys.exit(f"bench: no shared audio at {audio_dir}; pass an AUDIO file")
    rows = [line.split("\t", 1) for line in listing.read_text(encoding="utf-8").splitlines() if line.strip()]
    clips = [(load_audio(audio_dir / name, max_seconds=3600).samples, text) for name, text in rows]
    pause = np.zeros(int(_PAUSE_S * SAMPLE_RATE), dtype=np.float32)
    pieces, said, total, target = [], [], 0, int(minutes * 60 * SAMPLE_RATE)
    while total < target:
        for clip, text in clips:
            pieces += [clip, pause]
            said.append(text)
            total += len(clip) + len(pause)
            if total >= target:
                break
    soundfile.write(str(out), np.concatenate(pieces), SAMPLE_RATE, subtype="PCM_16")
    return " ".join(said)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """jiwer's WER after Whisper's English normaliser (parentheses kept as words)."""
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    normalise = EnglishTextNormalizer()
    clean = [normalise(text.replace("(", " ").replace(")", " ")) for text in (reference, hypothesis)]
    return jiwer.wer(clean[0], clean[1])


def _reset_peak_rss() -> bool:
    """Linux lets a process reset its own high-water mark, so each phase gets its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(run) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (user + system, all threads) and the result."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = run()
    return time.perf_counter() - wall0, time.process_time() - cpu0, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.transcription", description=__doc__.split("\n\n")[0])
    parser.add_argument("audio", nargs="?", type=Path, help="recording to time; default: a built dictation")
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the built dictation")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for the model")
    parser.add_argument("--repeat", type=int, default=1, help="alternate raw/casenote runs; the best of each")
    parser.add_argument("--model", help="base, tiny.en or a model folder (default: the configured model)")
    parser.add_argument("--explore", action="store_true",
                        help="also time raw faster-whisper with cheaper settings (beam 1, no word timestamps, "
                             "no VAD, no hot words, 1 thread) and print their accuracy")
    args = parser.parse_args(argv)

    settings = get_settings().model_copy(update={"asr_cpu_threads": args.threads}
                                         | ({"asr_model": args.model} if args.model else {}))
    with tempfile.TemporaryDirectory(prefix="casenote-bench-") as tmp:
        audio, reference = args.audio, None
        if audio is None:
            audio = Path(tmp) / "dictation.wav"
            reference = build_dictation(args.minutes, audio)
        _run(audio, settings, args.repeat, reference, args.explore)


def _run(audio: Path, settings, repeat: int, reference: str | None, explore: bool) -> None:
    spec = model_spec(settings)
    model, load_s = load_model(spec)
    options = transcription_options(settings, None, loaded_spec(spec))
    kwargs = whisper_kwargs(options)
    duration = load_audio(audio, max_seconds=settings.max_audio_seconds).duration_s
    load_before = os.getloadavg()
    print(f"audio      {audio.name}: {duration:.1f} s ({duration / 60:.1f} min)")
    print(f"model      {options.model} on {options.device}/{options.compute_type}, "
          f"{options.cpu_threads} threads, beam {options.beam_size}, loaded in {load_s:.2f} s")
    print(f"machine    {os.cpu_count()} CPUs visible; load average before {load_before[0]:.2f}")

    # A short warm-up so neither side pays for first-call allocations.
    list(model.transcribe(load_audio(audio, max_seconds=3600).samples[: 5 * SAMPLE_RATE], **kwargs)[0])

    def raw():
        ctranslate2.set_random_seed(RANDOM_SEED)  # as transcribe_file does (temperature fallback)
        segments, _ = model.transcribe(str(audio), **kwargs)
        return [segment for segment in segments]  # the generator does the work

    def pipeline():
        return transcribe_file(audio, settings)

    raw_runs, pipe_runs = [], []
    raw_peak = pipe_peak = 0.0
    for _ in range(max(1, repeat)):
        resettable = _reset_peak_rss()
        raw_runs.append(_timed(raw))
        raw_peak = max(raw_peak, _peak_rss_mb())
        if resettable:
            _reset_peak_rss()
        pipe_runs.append(_timed(pipeline))
        pipe_peak = max(pipe_peak, _peak_rss_mb())
    raw_wall, raw_cpu, raw_segments = min(raw_runs, key=lambda run: run[0])
    pipe_wall, pipe_cpu, transcript = min(pipe_runs, key=lambda run: run[0])

    raw_words = [w.word.strip().lower() for s in raw_segments for w in (s.words or [])]
    pipe_words = [w.text.lower() for s in transcript.segments for w in s.words]
    corrected = sum(1 for s in transcript.segments for w in s.words if w.heard)
    gaps = [f for s in transcript.segments for f in s.flags if f.kind == FlagKind.untranscribed_speech]
    from pipeline.draft import draft_note

    draft_wall, draft_cpu, _ = _timed(lambda: draft_note(transcript, settings))
    print(f"raw        faster-whisper: {raw_wall:7.2f} s wall, {raw_cpu:7.2f} s CPU, peak RSS {raw_peak:.0f} MB")
    print(f"casenote   transcribe_file: {pipe_wall:7.2f} s wall, {pipe_cpu:7.2f} s CPU, peak RSS {pipe_peak:.0f} MB "
          f"(decode {transcript.timings.decode_s:.2f} s, recognition {transcript.timings.transcribe_s:.2f} s)")
    print(f"ratio      casenote / raw: {pipe_wall / raw_wall:.3f} wall, {pipe_cpu / raw_cpu:.3f} CPU  (target <= 1.25)")
    own = pipe_wall - transcript.timings.transcribe_s - transcript.timings.model_load_s
    print(f"overhead   casenote's own work (checks, decoding, layout, flags): {own:.2f} s wall "
          f"= {own / raw_wall:.1%} of raw; coverage guard (VAD map, recognising skipped speech again) "
          f"{transcript.timings.coverage_s:.2f} s = {transcript.timings.coverage_s / raw_wall:.1%} of raw")
    print(f"RTF        casenote: {pipe_wall / duration:.4f}  raw: {raw_wall / duration:.4f}")
    print(f"draft      draft_note: {draft_wall:.2f} s wall, {draft_cpu:.2f} s CPU; dictation -> draft "
          f"{pipe_wall + draft_wall:.1f} s for {duration / 60:.1f} min (targets for 10 min: base <= 60 s, "
          f"tiny.en <= 35 s)")
    print(f"words      {len(pipe_words)} in the transcript, {len(raw_words)} from raw; words equal to raw's: "
          f"{'yes' if _bare(raw_words) == _bare(pipe_words) else 'no'}; corrected to a term {corrected}; "
          f"gaps marked {len(gaps)}")
    if reference:
        print(f"WER        casenote {word_error_rate(reference, transcript.text):.4f} "
              f"(against the joined reference transcripts)")
    if explore:
        _explore(model, audio, kwargs, duration, reference, settings)
    print(f"machine    load average after {os.getloadavg()[0]:.2f}; peak RSS of the process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _explore(model, audio: Path, kwargs: dict, duration: float, reference: str | None, settings) -> None:
    """What each accuracy setting costs: raw faster-whisper with one thing changed."""
    variants = {
        "beam size 1 (greedy)": {"beam_size": 1},
        "no word timestamps": {"word_timestamps": False, "hallucination_silence_threshold": None},
        "no VAD filter": {"vad_filter": False},
        "with the hot-words prompt": {"hotwords": build_hotwords([], use_glossary=True,
                                                                  extra_glossary=settings.glossary_file)},
        "beam 1 + no word timestamps": {"beam_size": 1, "word_timestamps": False,
                                        "hallucination_silence_threshold": None},
    }
    for name, change in variants.items():
        ctranslate2.set_random_seed(RANDOM_SEED)
        wall, cpu, segments = _timed(lambda: list(model.transcribe(str(audio), **{**kwargs, **change})[0]))
        accuracy = f", WER {word_error_rate(reference, ''.join(s.text for s in segments)):.4f}" if reference else ""
        print(f"explore    {name:28s} {wall:7.2f} s wall, {cpu:7.2f} s CPU, RTF {wall / duration:.4f}{accuracy}")
    if settings.cpu_threads != 1:
        from pipeline.transcription.asr_model import load_model as load
        from pipeline.transcription.transcribe import model_spec as spec_of

        one_thread, _ = load(spec_of(settings.model_copy(update={"asr_cpu_threads": 1})))
        wall, cpu, _ = _timed(lambda: list(one_thread.transcribe(str(audio), **kwargs)[0]))
        print(f"explore    {'1 thread (same settings)':28s} {wall:7.2f} s wall, {cpu:7.2f} s CPU, "
              f"RTF {wall / duration:.4f}")


def _bare(words: list[str]) -> list[str]:
    """Words without punctuation, so dictation commands laid out as marks still compare."""
    return [w for w in ("".join(ch for ch in word if ch.isalnum()) for word in words) if w]


if __name__ == "__main__":
    main()
