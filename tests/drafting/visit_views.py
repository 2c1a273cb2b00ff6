"""What the drafting tests compare of a draft (its children, their fields, a sentence's section), in one place."""

from __future__ import annotations

from models.draft import DraftNote


def children(note: DraftNote) -> list[tuple[str, int | None]]:
    """The children of the visit as (name, age), in the order the note first names them."""
    return [(c.name, c.age) for c in note.visit.children]


def fields(note: DraftNote) -> dict[str, tuple]:
    """Each child's (seen, seen alone, bedroom seen), by name."""
    return {c.name: (c.child_seen, c.child_seen_alone, c.bedroom_seen) for c in note.visit.children}


def section_of(note: DraftNote, sentence: str) -> str:
    """The key of the section a sentence of the note was put in."""
    for section in note.sections:
        if any(s.text == sentence for s in section.sentences):
            return section.key
    raise AssertionError(f"{sentence!r} is in no section")
