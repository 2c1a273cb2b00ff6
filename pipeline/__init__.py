"""casenote pipeline: audio -> transcript (transcribe.py) -> draft note (draft.py)."""
