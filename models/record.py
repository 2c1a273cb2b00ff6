"""Schema of the review and sign-off: the worker's decisions and the confirmed note."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field

from models.draft import Evidence, VisitFields


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
