"""Case-note templates: which sections a note has, in what order, what they are called,
and the spoken headings and cue phrases that put a sentence into each. A template is a
YAML file, so an authority can rename, reorder, add or drop sections without code.

```yaml
name: my-authority
sections:
- key: purpose                 # stable id (letters, digits, _)
  title: Purpose of visit      # heading shown in the note
  headings: [purpose of visit] # what a worker says to start this section
  cues: [the purpose was]      # phrases that suggest this section (whole words, any case)
  patterns:                    # optional regular expressions with a weight
  - {regex: '\\bI will\\b', weight: 3}
  speakers: [child]            # whose reported words belong here (see people.yaml kinds)
  position: first              # optional: first / last sentence leans here
  default: true                # optional: where a sentence with no cue at all goes
  required: false              # optional: may be empty when the note is signed
```
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from models.errors import TemplateError

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "data" / "templates" / "default.yaml"
# whose words a sentence reports; "seen_by_worker": the sentence opens with what the worker saw of a
# person ("Jodie was very drunk", "Mum was pacing", "Chloe refused to come out of her room");
# "seen_at_visit": the sentence says of a child whether they were seen, seen alone or their room
# seen (what ``child_fields.py`` finds), not only describes the room; "worker_view": the worker's own
# judgement ("I think ..."); "worker_plan": a plan said without "will" ("SW to discuss ...")
SPEAKER_KINDS = {"child", "parent_carer", "household_member", "adult", "another_child", "professional",
                 "seen_by_worker", "seen_at_visit", "worker_view", "worker_plan"}


class CuePattern(BaseModel):
    regex: str
    weight: float = 1.0

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"bad regular expression {value!r}: {exc}") from exc
        return value


class TemplateSection(BaseModel):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    headings: list[str] = []
    cues: list[str] = []
    patterns: list[CuePattern] = []
    speakers: list[str] = []
    position: str | None = Field(None, pattern=r"^(first|last)$")
    default: bool = False
    required: bool = True  # the review screen will not sign off a note while this section is empty

    @field_validator("speakers")
    @classmethod
    def _known_speakers(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - SPEAKER_KINDS)
        if unknown:
            raise ValueError(f"unknown speaker kind {', '.join(unknown)} (use {', '.join(sorted(SPEAKER_KINDS))})")
        return value


class Template(BaseModel):
    name: str = "custom"
    sections: list[TemplateSection] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> "Template":
        keys = [s.key for s in self.sections]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"section key {', '.join(duplicates)} is used twice")
        return self

    def keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def default_key(self) -> str:
        marked = [s.key for s in self.sections if s.default]
        return marked[0] if marked else self.sections[0].key


def load_template(path: Path | str | None = None) -> Template:
    """The template in ``path`` (None: the default). Bad files raise ``TemplateError``."""
    if path is None:
        return _default_template()
    return _read(Path(path))


@lru_cache
def _default_template() -> Template:
    return _read(DEFAULT_TEMPLATE)


def _read(path: Path) -> Template:
    if not path.is_file():
        raise TemplateError(f"{path}: template file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: template is not a UTF-8 text file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise TemplateError(f"{path}: template is not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: template must be a YAML mapping with a 'sections' list")
    data.setdefault("name", path.stem)
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise TemplateError(f"{path}: template {where}: {first['msg']}") from None
