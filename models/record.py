"""Schema of the review and sign-off: the worker's decisions and the confirmed note."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from models.draft import ChildVisit, DraftNote, Evidence, VisitFields

# The schema version of notes signed now. 1.1 added the visit's children and time
# (``VisitFields.children``/``when``); 1.2 one note per child: ``child``, ``group``,
# ``visit_time_known``. Fields added after 1.0 are left out of the signed content while
# they hold their default (``added_in``), so a note signed before keeps its hash.
SCHEMA_VERSION = "1.2"
CHILD_KEY_PATTERN = r"^[a-z0-9-]{1,24}$"


class Decision(str, Enum):
    undecided = "undecided"
    accepted = "accepted"
    rejected = "rejected"


class FactorDecision(BaseModel):
    code: str
    decision: Decision = Decision.undecided
    source: str = Field("suggested", description="suggested (by casenote) or added (by the worker)")
    child: str | None = Field(None, pattern=CHILD_KEY_PATTERN, description=(
        "Key of the child (ReviewChild.key) whose record this decision is for. In an edit, leaving it out "
        "means every child of the visit; in a stored state it is set (null only in drafts stored before "
        "children were reviewed one by one)"))


class ConfirmedSection(BaseModel):
    key: str
    title: str
    text: str


class ConfirmedFactor(BaseModel):
    code: str
    label: str
    source: str
    evidence: list[Evidence] = []


class GroupChild(BaseModel):
    name: str
    case_reference: str


class VisitGroup(BaseModel):
    """The notes of one family visit: one signed note per child, all with this group."""

    id: str = Field(description="Shared by every note of the visit (Mosaic: a group case note)")
    family_reference: str = Field(description="The case reference the recording was uploaded under")
    children: list[GroupChild] = Field(description="Every child of the visit, each with the record their note goes on")


class ConfirmedNote(BaseModel):
    """The signed record. Immutable once made; only this is ever exported or uploaded.
    A family visit gives one per child: the shared sections, that child's fields (also
    as ``visit.child_seen``...) and factors, that child's case reference."""

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
    # Added in schema 1.2 (left out of the signed content while at their defaults).
    visit_time_known: bool = Field(True, description="False: only the day of the visit is known "
                                                     "(visit_date is then midnight where the visit was)",
                                   json_schema_extra={"added_in": "1.2"})
    child: ChildVisit | None = Field(None, description="The child whose record this note goes on, with their "
                                                       "seen / seen alone / bedroom seen",
                                     json_schema_extra={"added_in": "1.2"})
    group: VisitGroup | None = Field(None, description="The family visit this note is one of; null for a visit "
                                                       "about one child", json_schema_extra={"added_in": "1.2"})

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


class ReviewChild(BaseModel):
    """A child of the visit as the worker has them: the record one signed note goes on."""

    key: str = Field(pattern=CHILD_KEY_PATTERN, description="Stable within the draft ('c1'...; a child the "
                                                           "worker adds gets the key their client chose), so "
                                                           "decisions survive a rename")
    name: str
    named: bool = Field(True, description="False while `name` is the note's words for an unnamed child")
    age: int | None = Field(None, ge=0, le=25)
    case_reference: str | None = Field(None, description="The child's own; None: the recording's case "
                                                         "reference, which only a visit with one child may use")
    child_seen: bool | None = None
    child_seen_alone: bool | None = None
    bedroom_seen: bool | None = None
    drafted_name: str | None = Field(None, description="The name the drafting stage gave this child "
                                                       "(FactorSuggestion.children); None: added by the worker")
    removed: bool = Field(False, description="Taken off the visit by the worker (kept, so it can be put back)")


class ReviewState(BaseModel):
    """The worker's current version of a draft: edited texts, visit fields, decisions."""

    sections: list[ConfirmedSection] = Field(description="In template order; text as the worker left it")
    visit: VisitFields = Field(description="The visit's fields; child_seen, child_seen_alone and bedroom_seen "
                                           "are derived from `children` (the value every child shares)")
    visit_date: datetime | None = Field(None, description="Drafts stored before visit_day/visit_time only")
    factors: list[FactorDecision] = Field([], description="One per suggested code and child, plus codes added "
                                                          "by hand")
    children: list[ReviewChild] = Field([], description="The children of the visit: one signed note each")
    visit_day: date | None = Field(None, description="Day of the visit, where it took place "
                                                     "(CASENOTE_EXPORT_TIMEZONE)")
    visit_time: time | None = Field(None, description="Time of the visit there; None: not known")

    def active_children(self) -> list[ReviewChild]:
        return [c for c in self.children if not c.removed]


class ChildEdit(BaseModel):
    """A change to one child (only the fields sent change). A key the draft does not have
    adds a child (a name is then needed); ``removed: true`` takes a child off the visit."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=CHILD_KEY_PATTERN)
    name: str | None = Field(None, max_length=100)
    age: int | None = Field(None, ge=0, le=25)
    case_reference: str | None = Field(None, max_length=64, description="Control characters are refused "
                                                                         "(an identifier is never cleaned)")
    child_seen: bool | None = None
    child_seen_alone: bool | None = None
    bedroom_seen: bool | None = None
    removed: bool | None = None


class DraftEdits(BaseModel):
    """What an autosave (PATCH) sends: only what changed."""

    model_config = ConfigDict(extra="forbid")

    sections: dict[str, str] = Field({}, description="Section key -> its new text")
    visit: VisitFields | None = Field(
        None, description="Only the fields sent change; an explicit null means 'not recorded'")
    visit_date: datetime | None = Field(None, description="Sets visit_day and visit_time (a time without an "
                                                          "offset is where the visit took place); null clears both")
    visit_day: date | None = Field(None, description="Sent as null to clear it")
    visit_time: time | None = Field(None, description="Sent as null: the time is not known")
    children: list[ChildEdit] = Field([], description="Changes to the children, by key")
    factors: list[FactorDecision] = Field(
        [], description="Decision per code and child (no child: every child of the visit). A code that was not "
                        "suggested for that child is added by hand (accepted) or, when rejected, removed again; "
                        "'source' is set by the service")


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
    undecided: list[str] = Field(description="Suggested codes not yet accepted or rejected (for some child)")
    census_problems: list[str]
    confirm_problems: list[str] = Field(description="Why confirming now would be refused; empty = it can be confirmed")
    confirmed_note_id: int | None = Field(None, description="The first (or only) note signed from it")
    confirmed_note_ids: list[int] = Field([], description="Every note signed from it: one per child")
