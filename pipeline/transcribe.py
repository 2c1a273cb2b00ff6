"""Stage 1: audio file -> timed, checked ``Transcript``.

faster-whisper does the recognition. Around it: input checks, the options that
curb invented text (VAD, no conditioning on previous text, the silence-hallucination
guard), the social-care vocabulary, dictation commands, and flags on doubtful text."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from models.settings import Settings
from models.transcript import Segment, Timings, Transcript, TranscriptionOptions, Word
from pipeline.asr_model import ModelSpec, load_model, resolve_model
from pipeline.audio import load_audio
from pipeline.dictation_commands import lay_out_words
from pipeline.errors import NoSpeech
from pipeline.quality_flags import FlagThresholds, segment_flags
from pipeline.vocabulary import build_hotwords

logger = logging.getLogger("casenote.transcribe")

ProgressCallback = Callable[[float], None]  # called with the fraction of audio done, 0..1


def model_spec(settings: Settings) -> ModelSpec:
    return resolve_model(settings.asr_model, device=settings.asr_device,
                         compute_type=settings.asr_compute_type, cpu_threads=settings.cpu_threads)


def transcription_options(settings: Settings, names: list[str] | None = None,
                          spec: ModelSpec | None = None) -> TranscriptionOptions:
    spec = spec or model_spec(settings)
    return TranscriptionOptions(
        model=spec.name,
        device=spec.device,
        compute_type=spec.compute_type,
        cpu_threads=spec.cpu_threads,
        beam_size=settings.asr_beam_size,
        vad_filter=settings.asr_vad_filter,
        condition_on_previous_text=False,  # stops one misheard window from derailing the next
        word_timestamps=True,
        hallucination_silence_threshold=settings.asr_hallucination_silence_threshold,
        hotwords=build_hotwords(names or [], use_glossary=settings.asr_use_glossary,
                                extra_glossary=settings.glossary_file),
        dictation_commands=settings.dictation_commands,
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
    options = transcription_options(settings, names, spec)
    model, load_s = load_model(spec)

    decode_started = time.perf_counter()
    audio = load_audio(Path(path), max_seconds=settings.max_audio_seconds)
    decode_s = time.perf_counter() - decode_started

    asr_started = time.perf_counter()
    raw_segments, info = model.transcribe(audio.samples, **whisper_kwargs(options))
    collected = []
    for segment in raw_segments:  # a generator: recognition happens as we iterate
        collected.append(segment)
        if on_progress and audio.duration_s:
            on_progress(min(1.0, segment.end / audio.duration_s))
    transcribe_s = time.perf_counter() - asr_started
    if on_progress:
        on_progress(1.0)

    if not any(segment.text.strip() for segment in collected):
        raise NoSpeech(f"{path}: no speech was detected in {audio.duration_s:.0f} s of audio")

    text, segments = _assemble(collected, options, _thresholds(settings))
    timings = Timings(model_load_s=round(load_s, 3), decode_s=round(decode_s, 3),
                      transcribe_s=round(transcribe_s, 3), total_s=round(time.perf_counter() - started, 3))
    logger.info("transcribed %.1f s of audio in %.2f s (%d segments)", audio.duration_s, transcribe_s, len(segments))
    return Transcript(text=text, language=info.language, duration_s=round(audio.duration_s, 3),
                      model=options.model, options=options, timings=timings, segments=segments)


def _thresholds(settings: Settings) -> FlagThresholds:
    return FlagThresholds(
        no_speech_prob=settings.flag_no_speech_prob,
        avg_logprob=settings.flag_avg_logprob,
        compression_ratio=settings.flag_compression_ratio,
        word_probability=settings.flag_word_probability,
        repeated_ngram=settings.flag_repeated_ngram,
    )


def _assemble(raw_segments: list, options: TranscriptionOptions,
              thresholds: FlagThresholds) -> tuple[str, list[Segment]]:
    """Lay out all words as one text (commands can straddle segments), then cut it back
    into segments by their words' character spans."""
    raw_words = [(index, word) for index, segment in enumerate(raw_segments) for word in (segment.words or [])]
    laid_out = lay_out_words([word.word for _, word in raw_words], commands=options.dictation_commands)
    text = laid_out.text

    by_segment: dict[int, list[Word]] = {}
    for (index, raw), span in zip(raw_words, laid_out.spans):
        by_segment.setdefault(index, []).append(Word(
            text=raw.word.strip(), start=round(float(raw.start), 3), end=round(float(raw.end), 3),
            probability=round(float(raw.probability), 4),
            start_char=span[0] if span else None, end_char=span[1] if span else None,
        ))

    segments: list[Segment] = []
    previous_end_char = 0
    for index, raw in enumerate(raw_segments):
        words = by_segment.get(index, [])
        spans = [(w.start_char, w.end_char) for w in words if w.start_char is not None]
        if spans:
            start_char, end_char = spans[0][0], spans[-1][1]
            # Punctuation made by a trailing command belongs to this segment.
            while end_char < len(text) and text[end_char] in ".,?!:":
                end_char += 1
        else:  # a segment that was nothing but a command
            start_char = end_char = previous_end_char
        previous_end_char = end_char
        segment_text = text[start_char:end_char]
        segments.append(Segment(
            id=len(segments), start=round(float(raw.start), 3), end=round(float(raw.end), 3),
            text=segment_text, start_char=start_char, end_char=end_char,
            avg_logprob=round(float(raw.avg_logprob), 4), no_speech_prob=round(float(raw.no_speech_prob), 4),
            compression_ratio=round(float(raw.compression_ratio), 4), words=words,
            flags=segment_flags(text=segment_text, avg_logprob=raw.avg_logprob, no_speech_prob=raw.no_speech_prob,
                                compression_ratio=raw.compression_ratio, words=words, thresholds=thresholds),
        ))
    return text, segments
