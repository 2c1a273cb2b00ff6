"""Dictation capture on the worker's machine: microphone -> crash-safe WAV on disk ->
local transcription and draft, or upload to the review service through an outbox."""
