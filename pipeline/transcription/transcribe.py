"""Stage 1: audio file -> timed, checked ``Transcript``.

faster-whisper does the recognition. Around it: input checks, the options that
curb invented text (VAD, no conditioning on previous text, the silence-hallucination
guard), the social-care vocabulary, dictation commands, and flags on doubtful text."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import ctranslate2
import numpy as np

from models.settings import Settings
from models.errors import NoSpeech
from models.transcript import Timings, Transcript, TranscriptionOptions
from pipeline.transcription.asr_model import ModelSpec, load_model, loaded_spec, resolve_model
from pipeline.transcription.assemble import assemble
from pipeline.transcription.audio import SAMPLE_RATE, load_audio
from pipeline.transcription.coverage import CoverageOptions, guard_coverage
from pipeline.transcription.quality_flags import FlagThresholds
from pipeline.transcription.recognition import Piece, pieces_from, recognise_again
from pipeline.transcription.speech_activity import speech_map
from pipeline.transcription.term_correction import correct_terms, make_terms
from pipeline.transcription.vocabulary import build_hotwords, glossary_terms

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[float], None]  # called with the fraction of audio done, 0..1

RANDOM_SEED = 0
# A block's cut is put at the quietest tenth of a second of a 30 s stretch.
_CUT_SEARCH_S = 30.0
_CUT_FRAME_S = 0.1


def model_spec(settings: Settings) -> ModelSpec:
    return resolve_model(settings.asr_model, device=settings.asr_device, compute_type=settings.asr_compute_type,
                         cpu_threads=settings.cpu_threads, cache_dir=settings.asr_model_cache_dir,
                         parallel=settings.asr_parallel)


def transcription_options(settings: Settings, names: list[str] | None = None,
                          spec: ModelSpec | None = None) -> TranscriptionOptions:
    spec = spec or model_spec(settings)
    names = names or []
    glossary = glossary_terms(use_glossary=settings.asr_use_glossary, extra_glossary=settings.glossary_file)
    return TranscriptionOptions(
        model=spec.name,
        device=spec.device,
        compute_type=spec.compute_type,
        cpu_threads=spec.cpu_threads,
        beam_size=settings.asr_beam_size,
        vad_filter=settings.asr_vad_filter,
        condition_on_previous_text=False,  # stops one misheard window from derailing the next
        # Word timings are needed for more than the spans: with hot words, Whisper often
        # writes no timestamp inside a 30 s window, and faster-whisper then resumes after
        # the last word's end; without word timings it jumps to the window's end and the
        # speech in between is lost (measured: WER 0.57 instead of 0.013 on 35 s of speech).
        word_timestamps=True,
        hallucination_silence_threshold=settings.asr_hallucination_silence_threshold,
        # Off by default: on long dictations the prompt made Whisper skip whole passages
        # (issue 12); names and terms are put right afterwards instead (term_correction.py).
        hotwords=build_hotwords(names, use_glossary=settings.asr_use_glossary,
                                extra_glossary=settings.glossary_file) if settings.asr_vocabulary_prompt else None,
        dictation_commands=settings.dictation_commands,
        coverage_guard=settings.asr_coverage_guard,
        corrected_terms=list(dict.fromkeys(names + glossary)) if settings.asr_term_correction else [],
    )


def whisper_kwargs(options: TranscriptionOptions) -> dict:
    """The exact arguments given to ``WhisperModel.transcribe`` (the benchmark reuses them)."""
    return dict(
        language="en",
        beam_size=options.beam_size,
        vad_filter=options.vad_filter,
        condition_on_previous_text=options.condition_on_previous_text,
        word_timestamps=options.word_timestamps,
        hallucination_silence_threshold=options.hallucination_silence_threshold,
        hotwords=options.hotwords,
    )


def transcribe_file(
    path: Path,
    settings: Settings,
    *,
    names: list[str] | None = None,
    on_progress: ProgressCallback | None = None,
) -> Transcript:
    started = time.perf_counter()
    spec = model_spec(settings)
    options = transcription_options(settings, names, spec)  # bad settings fail before any work

    decode_started = time.perf_counter()
    audio = load_audio(Path(path), max_seconds=settings.max_audio_seconds)
    decode_s = time.perf_counter() - decode_started

    model, load_s = load_model(spec)
    used = loaded_spec(spec)  # CPU, when CUDA was chosen automatically but could not run
    options = options.model_copy(update={"device": used.device, "compute_type": used.compute_type})

    asr_started = time.perf_counter()
    # When a window fails Whisper's checks, faster-whisper retries it by sampling at a
    # higher temperature; a fixed seed makes that retry, and so the transcript,
    # reproducible from the recording and the settings kept with it.
    ctranslate2.set_random_seed(RANDOM_SEED)
    kwargs = whisper_kwargs(options)
    pieces: list[Piece] = []
    coverage_s = 0.0
    for block_start, block_end in block_bounds(audio.samples, settings.asr_block_seconds):
        start_s, end_s = block_start / SAMPLE_RATE, block_end / SAMPLE_RATE

        def report(piece: Piece) -> None:
            if on_progress and audio.duration_s:
                on_progress(min(1.0, piece.end / audio.duration_s))

        raw_segments, _ = model.transcribe(audio.samples[block_start:block_end], **kwargs)
        block = list(pieces_from(raw_segments, start_s, options.hotwords, on_piece=report))
        guard_started = time.perf_counter()
        pieces += check_block(block, audio.samples, model, kwargs, start_s=start_s, end_s=end_s,
                              guard=options.coverage_guard)
        coverage_s += time.perf_counter() - guard_started
    transcribe_s = time.perf_counter() - asr_started
    if on_progress:
        on_progress(1.0)

    names = names or []
    terms = options.corrected_terms
    pieces = correct_terms(pieces, make_terms([n for n in names if n in terms], [t for t in terms if t not in names]))
    if not any(piece.words for piece in pieces):
        raise NoSpeech(f"{path}: no speech was detected in the recording ({audio.duration_s:.1f} s of audio)")

    text, segments = assemble(pieces, commands=options.dictation_commands, thresholds=_thresholds(settings),
                              duration_s=audio.duration_s)
    timings = Timings(model_load_s=round(load_s, 3), decode_s=round(decode_s, 3),
                      transcribe_s=round(transcribe_s, 3), total_s=round(time.perf_counter() - started, 3),
                      coverage_s=round(coverage_s, 3))
    logger.info("transcribed %.1f s of audio in %.2f s (%d segments)", audio.duration_s, transcribe_s, len(segments))
    return Transcript(text=text, language="en", duration_s=round(audio.duration_s, 3),
                      model=options.model, options=options, timings=timings, segments=segments)


def check_block(pieces: list[Piece], samples: np.ndarray, model, kwargs: dict, *,
                start_s: float, end_s: float, guard: bool) -> list[Piece]:
    """One block's pieces, its holes recognised again or marked (``guard``), each
    piece with the share of its words' time the voice-activity detector heard as speech."""
    speech = speech_map(samples[int(start_s * SAMPLE_RATE):int(end_s * SAMPLE_RATE)], offset_s=start_s)
    if guard:
        pieces = guard_coverage(pieces, speech, lambda a, b: recognise_again(model, samples, a, b, kwargs),
                                start_s=start_s, end_s=end_s, options=CoverageOptions())
    for piece in pieces:
        # Over the words' own time, not the segment's: a segment of real words may span a
        # long pause (a dictated heading: "... gently. Actions"), invented words lie where
        # there was no voice.
        spans = [(w.start, w.end) for w in piece.words if w.end > w.start]
        piece.speech_share = speech.speech_share(spans or [(piece.start, piece.end)])
    return pieces


def block_bounds(samples: np.ndarray, block_seconds: float) -> list[tuple[int, int]]:
    """[start, end) sample ranges that cover ``samples``, none over ``block_seconds`` + 30 s.

    faster-whisper computes features (and VAD) for all the audio it is given at once:
    about 1 GB per 10 minutes, so a 3-hour recording would need over 10 GB. In blocks,
    memory stays that of one block. The recording is split into equal blocks, each
    cut at the quietest tenth of a second within 15 s of its even share, so no word is
    split; recognition restarts there as it does at every 30-second window anyway
    (no conditioning on previous text)."""
    total, block = len(samples), int(block_seconds * SAMPLE_RATE)
    if block <= 0 or total <= block:
        return [(0, total)]
    count = -(-total // block)  # ceiling
    frame, reach = int(_CUT_FRAME_S * SAMPLE_RATE), int(_CUT_SEARCH_S / 2 * SAMPLE_RATE)
    bounds, start = [], 0
    for k in range(1, count):
        target = k * total // count
        search_from = max(start + frame, target - reach)
        region = samples[search_from:min(total - frame, target + reach)]
        frames = len(region) // frame
        if frames == 0:
            continue
        energy = np.square(region[:frames * frame].reshape(frames, frame)).mean(axis=1)
        cut = search_from + int(np.argmin(energy)) * frame + frame // 2
        bounds.append((start, cut))
        start = cut
    bounds.append((start, total))
    return bounds


def _thresholds(settings: Settings) -> FlagThresholds:
    return FlagThresholds(
        no_speech_prob=settings.flag_no_speech_prob,
        avg_logprob=settings.flag_avg_logprob,
        compression_ratio=settings.flag_compression_ratio,
        word_probability=settings.flag_word_probability,
        repeated_ngram=settings.flag_repeated_ngram,
        min_speech_share=settings.flag_min_speech_share,
    )
