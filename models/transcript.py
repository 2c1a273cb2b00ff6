"""Schema of the transcription stage's output."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field


class FlagKind(str, Enum):
    likely_no_speech = "likely_no_speech"
    low_logprob = "low_logprob"
    high_compression = "high_compression"
    repeated_ngram = "repeated_ngram"
    unsure_words = "unsure_words"
    prompt_echo = "prompt_echo"  # text that repeats the vocabulary prompt given to the recogniser
    # The voice-activity detector heard speech here but no words could be recognised:
    # the transcript holds a visible gap marker instead (never a silent hole).
    untranscribed_speech = "untranscribed_speech"


class Flag(BaseModel):
    """Why the worker must check a piece of text. The text itself is always kept."""

    kind: FlagKind
    reason: str = Field(description="Short, plain-English reason shown to the worker")
    # Where in the recording the flagged stretch lies, when it is not simply the segment's
    # own span (untranscribed_speech: the speech that could not be recognised).
    start: float | None = None
    end: float | None = None


class Word(BaseModel):
    text: str
    start: float
    end: float
    probability: float
    # Span of this word in Transcript.text (None for a spoken command that became punctuation).
    start_char: int | None = None
    end_char: int | None = None
    # What the recogniser wrote, when a correction against the glossary or the case's
    # names replaced it with ``text`` (never changed silently).
    heard: str | None = None


class Segment(BaseModel):
    id: int
    start: float
    end: float
    text: str
    start_char: int = Field(description="Offset of this segment's text in Transcript.text")
    end_char: int
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    words: list[Word] = []
    flags: list[Flag] = []


class TranscriptionOptions(BaseModel):
    """The settings a transcript was made with (kept with it so it can be reproduced)."""

    model: str
    device: str
    compute_type: str
    cpu_threads: int
    beam_size: int
    vad_filter: bool
    condition_on_previous_text: bool
    word_timestamps: bool
    hallucination_silence_threshold: float | None
    hotwords: str | None
    dictation_commands: bool
    # Speech the recogniser skipped was recognised again, or marked as a gap (older transcripts: False).
    coverage_guard: bool = False
    # Names and glossary terms that near-miss words were corrected to after recognition
    # (each correction keeps what was heard on its word).
    corrected_terms: list[str] = []


class Timings(BaseModel):
    model_load_s: float
    decode_s: float
    transcribe_s: float  # recognition, the coverage guard's included
    total_s: float
    coverage_s: float = 0.0  # of transcribe_s: the voice-activity map and recognising skipped speech again


class Transcript(BaseModel):
    text: str
    language: str
    duration_s: float
    model: str
    options: TranscriptionOptions
    timings: Timings
    segments: list[Segment]
