"""The pydantic schema every stage of casenote shares."""
