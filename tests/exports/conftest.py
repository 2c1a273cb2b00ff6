"""Fixtures of the export and delivery tests: a realistic confirmed note, settings."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from models.draft import Evidence, Person, VisitFields
from models.record import ConfirmedFactor, ConfirmedNote, ConfirmedSection
from models.settings import Settings

SECTIONS = [
    ("purpose", "Purpose of visit", "Statutory visit under the child in need plan, unannounced."),
    ("present", "Who was present and seen",
     "Kayden Price (8) and his mother Leanne Price. Zoë Ó Súilleabháin, family support worker, joined later."),
    ("observations", "Observations",
     "The flat was cold; the kitchen had little food. Kayden’s bedroom was tidy with a new duvet.\n\n"
     "Empty cans were in the recycling bag by the door."),
    ("child_voice", "Child's voice: wishes and feelings",
     "Kayden said “I like it when Nan picks me up from school” and that he feels safe at home."),
    ("parent_views", "Parents' and carers' views", "Leanne said she has cut down her drinking since March."),
    ("other_information", "Information from others", "School (Mrs Ahmed) reports attendance of 91% this term."),
    ("analysis", "Analysis: risks and strengths",
     "Mother’s alcohol use remains the main risk; the bond between Kayden and his mother is a strength."),
    ("actions", "Actions and next steps", "Social worker to refer Leanne to the alcohol service by 21/03/2025."),
]


def make_note(note_id: int = 17, factors: list[str] | None = None, **changes) -> ConfirmedNote:
    codes = ["1B", "16A"] if factors is None else factors
    labels = {"1B": "Alcohol misuse by parent/carer", "16A": "Neglect", "21": "No factors identified",
              "2B": "Drug misuse by parent/carer", "4B": "Mental health of parent/carer"}
    note = ConfirmedNote(
        id=note_id,
        draft_id=note_id + 100,
        case_reference="CN-204871",
        recorded_at=datetime(2025, 3, 12, 15, 5, tzinfo=timezone.utc),
        visit_date=datetime(2025, 3, 12, 14, 0, tzinfo=timezone.utc),
        worker="Amara Okafor",
        confirmed_by="Amara Okafor",
        confirmed_at=datetime(2025, 3, 12, 17, 42, tzinfo=timezone.utc),
        sections=[ConfirmedSection(key=k, title=t, text=x) for k, t, x in SECTIONS],
        visit=VisitFields(
            child_seen=True, child_seen_alone=False, bedroom_seen=True,
            people_present=[Person(name="Kayden Price", role="child"), Person(name="Leanne Price", role="mother"),
                            Person(name="Zoë Ó Súilleabháin", role="professional")],
            contact_type="statutory visit", announced=False,
        ),
        factors=[
            ConfirmedFactor(code=c, label=labels.get(c, c), source="added" if c == "16A" else "suggested",
                            evidence=[Evidence(text="Empty cans were in the recycling bag by the door.",
                                               start_char=0, end_char=49)] if c == "1B" else [])
            for c in codes
        ],
        content_sha256="0" * 64,
    )
    note = note.model_copy(update=changes)
    return note.model_copy(update={"content_sha256": note.compute_sha256()})


@pytest.fixture
def note() -> ConfirmedNote:
    return make_note()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)
