"""Export presets: how one case system names the fields of a note.

A preset is a YAML file (built-in ones in ``presets/``; an authority adds its own
in ``Settings.export_presets_dir``, where a file of the same name replaces the
built-in one). It renames the fields of the JSON document and the CSV columns,
gives the headings of the text/Word/PDF documents, maps casenote's visit types to
the system's codes and says how yes/no and dates are written."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models.errors import PresetInvalid, UnknownPreset
from models.settings import Settings


BUILT_IN_DIR = Path(__file__).parent / "presets"
DEFAULT_PRESET = "casenote"

# Every field a preset may rename, with the heading casenote uses for it.
FIELD_LABELS: dict[str, str] = {
    "document_type": "Document type",
    "document_version": "Document version",
    "note_id": "casenote note id",
    "case_reference": "Case reference",
    "child_name": "Child",
    "child_age": "Child's age",
    "title": "Title",
    "visit_date": "Visit date",
    "visit_time": "Visit time",
    "visit_time_known": "Visit time recorded",
    "visit_type": "Visit type",
    "announced": "Announced visit",
    "child_seen": "Child seen",
    "child_seen_alone": "Child seen alone",
    "bedroom_seen": "Child's bedroom seen",
    "people_present": "People present",
    "visit_group_id": "Family visit id",
    "family_reference": "Family case reference",
    "visit_children": "Children of the visit",
    "worker": "Worker",
    "confirmed_by": "Confirmed by",
    "confirmed_at": "Confirmed at",
    "recorded_at": "Recorded at",
    "sections": "Sections",
    "factors": "CiN factors confirmed",
    "factor_codes": "CiN factor codes",
    "note_text": "Note",
    "content_sha256": "Content SHA-256",
    "record_schema_version": "Record schema version",
}


class Preset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="File stem; what ?preset= and --preset take")
    title: str = Field(description="The case system, as people name it")
    description: str = ""
    date_format: str = "%d/%m/%Y"
    time_format: str = "%H:%M"
    true_value: str = "Yes"
    false_value: str = "No"
    unknown_value: str = Field("", description="How a yes/no nobody recorded is written")
    list_separator: str = "; "
    fields: dict[str, str] = Field({}, description="casenote field -> the system's field name")
    csv_columns: list[str] = Field(description="casenote fields, in column order, of the CSV row")
    csv_encoding: Literal["utf-8", "utf-8-sig"] = Field("utf-8", description="utf-8-sig adds a byte-order mark")
    labels: dict[str, str] = Field({}, description="casenote field -> heading in documents")
    section_titles: dict[str, str] = Field({}, description="section key -> heading; default the note's own")
    visit_types: dict[str, str] = Field({}, description="casenote visit type (lower case) -> the system's code")
    fixed_values: dict[str, str | bool | int] = Field(
        {}, description="Extra fields with one value for every note (e.g. a form design id)"
    )

    @model_validator(mode="after")
    def _known_and_unique(self) -> "Preset":
        unknown = [k for k in [*self.fields, *self.csv_columns, *self.labels] if k not in FIELD_LABELS]
        if unknown:
            raise ValueError(f"unknown casenote field(s): {', '.join(sorted(set(unknown)))}")
        names = [self.field_name(k) for k in FIELD_LABELS] + list(self.fixed_values)
        clashes = sorted({n for n in names if names.count(n) > 1})
        if clashes:
            raise ValueError(f"field name(s) used twice: {', '.join(clashes)}")
        self.visit_types = {k.lower(): v for k, v in self.visit_types.items()}
        return self

    def field_name(self, key: str) -> str:
        return self.fields.get(key, key)

    def label(self, key: str) -> str:
        return self.labels.get(key, FIELD_LABELS[key])

    def yes_no(self, value: bool | None) -> str:
        if value is None:
            return self.unknown_value
        return self.true_value if value else self.false_value

    def visit_type_code(self, visit_type: str | None) -> str | None:
        """The system's code for a visit type; unmapped types go through as they are."""
        if visit_type is None:
            return None
        return self.visit_types.get(visit_type.strip().lower(), visit_type)


def _preset_dirs(settings: Settings) -> list[Path]:
    dirs = [BUILT_IN_DIR]
    if settings.export_presets_dir:
        dirs.append(Path(settings.export_presets_dir))  # later folders win
    return dirs


def _files(settings: Settings) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in _preset_dirs(settings):
        if not folder.is_dir():
            raise PresetInvalid(f"export presets folder {folder} does not exist")
        for path in sorted(folder.glob("*.yaml")):
            found[path.stem] = path
    return found


def preset_names(settings: Settings) -> list[str]:
    return sorted(_files(settings))


def load_preset(name: str | None, settings: Settings) -> Preset:
    name = name or DEFAULT_PRESET
    files = _files(settings)
    if name not in files:
        raise UnknownPreset(f"unknown export preset {name!r}; known: {', '.join(sorted(files))}")
    return _parse(files[name], files[name].stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _parse(path: Path, _mtime_ns: int) -> Preset:
    """Parsed once per file version (the mtime is part of the cache key)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PresetInvalid(f"export preset {path}: cannot read it ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise PresetInvalid(f"export preset {path}: expected a mapping of settings")
    try:
        return Preset(**{**data, "name": path.stem})
    except (ValidationError, TypeError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else {"msg": str(exc), "loc": ()}
        where = ".".join(str(p) for p in first["loc"])
        raise PresetInvalid(f"export preset {path}: {where + ': ' if where else ''}{first['msg']}") from exc
