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
from models.transcript import Segment, Timings, Transcript, TranscriptionOptions, Word
from pipeline.transcription.asr_model import ModelSpec, load_model, loaded_spec, resolve_model
from pipeline.transcription.audio import SAMPLE_RATE, load_audio
from pipeline.transcription.dictation_commands import lay_out_words
from models.errors import NoSpeech
from pipeline.transcription.quality_flags import FlagThresholds, segment_flags
from pipeline.transcription.vocabulary import build_hotwords, prompt_scaffolding

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[float], None]  # called with the fraction of audio done, 0..1

RANDOM_SEED = 0
# A block's cut is put at the quietest tenth of a second of a 30 s stretch.
_CUT_SEARCH_S = 30.0
_CUT_FRAME_S = 0.1


def model_spec(settings: Settings) -> ModelSpec:
    return resolve_model(settings.asr_model, device=settings.asr_device,
                         compute_type=settings.asr_compute_type, cpu_threads=settings.cpu_threads,
                         parallel=settings.asr_parallel)


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
        # Word timings are needed for more than the spans: with hot words, Whisper often
        # writes no timestamp inside a 30 s window, and faster-whisper then resumes after
        # the last word's end; without word timings it jumps to the window's end and the
        # speech in between is lost (measured: WER 0.57 instead of 0.013 on 35 s of speech).
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
    collected: list[tuple[float, object]] = []  # (offset of its block in s, faster-whisper segment)
    language = "en"
    for block_start, block_end in block_bounds(audio.samples, settings.asr_block_seconds):
        offset = block_start / SAMPLE_RATE
        raw_segments, info = model.transcribe(audio.samples[block_start:block_end], **whisper_kwargs(options))
        language = info.language if not collected else language
        for segment in raw_segments:  # a generator: recognition happens as we iterate
            collected.append((offset, segment))
            if on_progress and audio.duration_s:
                on_progress(min(1.0, (offset + segment.end) / audio.duration_s))
    transcribe_s = time.perf_counter() - asr_started
    if on_progress:
        on_progress(1.0)

    if not any(segment.text.strip() for _, segment in collected):
        raise NoSpeech(f"{path}: no speech was detected in the recording ({audio.duration_s:.1f} s of audio)")

    text, segments = _assemble(collected, options, _thresholds(settings), audio.duration_s)
    timings = Timings(model_load_s=round(load_s, 3), decode_s=round(decode_s, 3),
                      transcribe_s=round(transcribe_s, 3), total_s=round(time.perf_counter() - started, 3))
    logger.info("transcribed %.1f s of audio in %.2f s (%d segments)", audio.duration_s, transcribe_s, len(segments))
    return Transcript(text=text, language=language, duration_s=round(audio.duration_s, 3),
                      model=options.model, options=options, timings=timings, segments=segments)


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
    )


def _assemble(raw_segments: list, options: TranscriptionOptions,
              thresholds: FlagThresholds, duration_s: float) -> tuple[str, list[Segment]]:
    """Lay out all words as one text (commands can straddle segments), then cut it back
    into segments by their words' character spans."""
    raw_words = [(index, word) for index, (_, segment) in enumerate(raw_segments) for word in (segment.words or [])]
    offsets = [offset for offset, _ in raw_segments]
    laid_out = lay_out_words([word.word for _, word in raw_words], commands=options.dictation_commands)
    text = laid_out.text

    def clamp(seconds: float) -> float:  # word timings can overshoot the audio's end by a frame
        return round(min(max(float(seconds), 0.0), duration_s), 3)

    by_segment: dict[int, list[Word]] = {}
    for (index, raw), span in zip(raw_words, laid_out.spans):
        offset = offsets[index]
        by_segment.setdefault(index, []).append(Word(
            # As laid out (capitalised after a full stop, its own comma moved aside), so
            # that text[start_char:end_char] == word.text; a spoken command keeps its words.
            text=text[span[0]:span[1]] if span else raw.word.strip(),
            start=clamp(offset + raw.start), end=clamp(offset + raw.end), probability=round(float(raw.probability), 4),
            start_char=span[0] if span else None, end_char=span[1] if span else None,
        ))

    segments: list[Segment] = []
    previous_end_char = 0
    for index, (offset, raw) in enumerate(raw_segments):
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
            id=len(segments), start=clamp(offset + raw.start), end=clamp(offset + raw.end),
            text=segment_text, start_char=start_char, end_char=end_char,
            avg_logprob=round(float(raw.avg_logprob), 4), no_speech_prob=round(float(raw.no_speech_prob), 4),
            compression_ratio=round(float(raw.compression_ratio), 4), words=words,
            flags=segment_flags(text=segment_text, avg_logprob=raw.avg_logprob, no_speech_prob=raw.no_speech_prob,
                                compression_ratio=raw.compression_ratio, words=words, thresholds=thresholds,
                                prompt=options.hotwords, prompt_scaffolding=prompt_scaffolding()),
        ))
    return text, segments
