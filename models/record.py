"""Schema of the review and sign-off: the worker's decisions and the confirmed note."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from models.draft import DraftNote, Evidence, VisitFields


class Decision(str, Enum):
    undecided = "undecided"
    accepted = "accepted"
    rejected = "rejected"


class FactorDecision(BaseModel):
    code: str
    decision: Decision = Decision.undecided
    source: str = Field("suggested", description="suggested (by casenote) or added (by the worker)")


class ConfirmedSection(BaseModel):
    key: str
    title: str
    text: str


class ConfirmedFactor(BaseModel):
    code: str
    label: str
    source: str
    evidence: list[Evidence] = []


class ConfirmedNote(BaseModel):
    """The signed record. Immutable once made; only this is ever exported or uploaded."""

    schema_version: str = "1.0"
    id: int
    draft_id: int
    case_reference: str
    recorded_at: datetime
    visit_date: datetime | None = None
    worker: str
    confirmed_by: str
    confirmed_at: datetime
    sections: list[ConfirmedSection]
    visit: VisitFields
    factors: list[ConfirmedFactor]
    content_sha256: str = Field(description="SHA-256 of the canonical JSON of the content")

    def content(self) -> dict:
        """What is signed: every field except the storage id and the hash itself. A field
        added in a later schema version (``added_in`` in its definition) is left out while it
        holds its default, so a note signed under an earlier schema still hashes to the value
        it was signed with when it is read back into this model."""
        return _without_later_defaults(self, self.model_dump(mode="json", exclude={"id", "content_sha256"}))

    def compute_sha256(self) -> str:
        return hashlib.sha256(canonical_json(self.content())).hexdigest()


def _without_later_defaults(model: BaseModel, data: dict) -> dict:
    for name, field in type(model).model_fields.items():
        if name not in data:
            continue
        value = getattr(model, name)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if extra.get("added_in") and value == field.get_default(call_default_factory=True):
            del data[name]
        elif isinstance(value, BaseModel):
            _without_later_defaults(value, data[name])
        elif isinstance(value, list):
            for item, dumped in zip(value, data[name]):
                if isinstance(item, BaseModel):
                    _without_later_defaults(item, dumped)
    return data


def canonical_json(data: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same content always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- review state (what the service stores between autosaves) ----------------------


class DraftStatus(str, Enum):
    draft = "draft"
    confirmed = "confirmed"


class ReviewState(BaseModel):
    """The worker's current version of a draft: edited texts, visit fields, decisions."""

    sections: list[ConfirmedSection] = Field(description="In template order; text as the worker left it")
    visit: VisitFields
    visit_date: datetime | None = None
    factors: list[FactorDecision] = Field([], description="One per suggested code, plus codes added by hand")


class DraftEdits(BaseModel):
    """What an autosave (PATCH) sends: only what changed."""

    model_config = ConfigDict(extra="forbid")

    sections: dict[str, str] = Field({}, description="Section key -> its new text")
    visit: VisitFields | None = Field(
        None, description="Only the fields sent change; an explicit null means 'not recorded'")
    visit_date: datetime | None = Field(None, description="Sent as null to clear it")
    factors: list[FactorDecision] = Field(
        [], description="Decision per code. A code that was not suggested is added by hand "
                        "(accepted) or, when rejected, removed again; 'source' is set by the service")


class DraftView(BaseModel):
    """What GET /api/drafts/{id} returns: the machine's draft plus the review state."""

    id: int
    recording_id: int
    case_reference: str
    worker: str
    status: DraftStatus
    version: int
    recorded_at: datetime
    created_at: datetime
    updated_at: datetime
    updated_by: str | None = None
    note: DraftNote = Field(description="The draft as casenote made it (sentence timings, evidence, transcript)")
    review: ReviewState
    required_sections: list[str]
    undecided: list[str] = Field(description="Suggested codes not yet accepted or rejected")
    census_problems: list[str]
    confirm_problems: list[str] = Field(description="Why confirming now would be refused; empty = it can be confirmed")
    confirmed_note_id: int | None = None
