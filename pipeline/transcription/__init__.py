"""Stage 1: audio -> ``Transcript`` (faster-whisper on this machine, checked input, flagged doubtful text)."""
