"""The JSON document of a confirmed note, and its JSON Schema (generated from
``NoteDocument``; under a preset the top-level names are the case system's)."""

from __future__ import annotations

import copy
import json

from api.exports.context import RenderContext
from api.exports.presets import Preset
from api.exports.record import DOCUMENT_VERSION, build_document, document_schema
from models.record import ConfirmedNote

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def document_dict(note: ConfirmedNote, preset: Preset, zone) -> dict:
    canonical = build_document(note, preset, zone).model_dump(mode="json")
    renamed = {preset.field_name(key): value for key, value in canonical.items()}
    renamed.update(preset.fixed_values)
    return renamed


def render(note: ConfirmedNote, ctx: RenderContext) -> bytes:
    return (json.dumps(document_dict(note, ctx.preset, ctx.zone), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def schema_for(preset: Preset, schema_id: str | None = None) -> dict:
    """The JSON Schema of the document this preset produces."""
    schema = copy.deepcopy(document_schema())
    schema["properties"] = {preset.field_name(k): v for k, v in schema["properties"].items()}
    schema["required"] = [preset.field_name(k) for k in schema.get("required", [])]
    for name, value in preset.fixed_values.items():
        schema["properties"][name] = {"const": value, "description": "Fixed by the export preset"}
        schema["required"].append(name)
    schema["additionalProperties"] = False
    schema["$schema"] = SCHEMA_DIALECT
    if schema_id:
        schema["$id"] = schema_id
    schema["title"] = f"casenote confirmed case note ({preset.title}), version {DOCUMENT_VERSION}"
    schema["description"] = (
        "One confirmed (signed) social-care visit note exported by casenote. "
        f"Field names follow the '{preset.name}' preset ({preset.title})."
    )
    return schema
