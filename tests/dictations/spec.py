"""The dictation files: one YAML per visit dictation, checked when loaded.

A file holds the sentences as the worker says them (spoken commands such as "full
stop" and "new paragraph" included) and the reference text, what the transcript
should say once the commands have become punctuation. The reference of each
sentence is derived from the spoken sentence with the pipeline's own command layout;
the file's ``reference`` must agree with it word for word (after Whisper's English
normaliser), so a file cannot say one thing and score another."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.transcription.dictation_commands import lay_out_words
from pipeline.transcription.evaluation import normalise
from tests.dictations.voices import check_voice

NOTES_DIR = Path(__file__).parent / "notes"
Split = Literal["dev", "heldout"]


class DictationSpec(BaseModel):
    """One dictation: who reads it, how, and what was said."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    split: Split
    voice: str = Field(description="family:name, e.g. piper:en_US-joe-medium, flite:awb, espeak:en-gb+m3")
    about: str = Field(description="one line on what the dictation holds")
    length_scale: float = Field(default=1.0, ge=0.7, le=1.5, description="> 1 is slower speech")
    room_noise_db: float | None = Field(default=None, le=-20,
                                        description="level of quiet room noise in dBFS (RMS); none = silence")
    level_changes: bool = Field(default=False, description="each sentence a little louder or quieter, "
                                                           "as a worker moving about the phone")
    format: Literal["wav", "flac", "ogg"] = "wav"
    sentences: list[str] = Field(min_length=5)
    reference: str

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, voice: str) -> str:
        check_voice(voice)
        return voice

    @field_validator("sentences")
    @classmethod
    def _non_empty(cls, sentences: list[str]) -> list[str]:
        if any(not sentence.strip() for sentence in sentences):
            raise ValueError("a sentence is empty")
        return sentences

    @model_validator(mode="after")
    def _reference_agrees(self) -> DictationSpec:
        derived = " ".join(self.reference_sentences())
        if normalise(derived) != normalise(self.reference):
            raise ValueError(f"{self.id}: the reference does not say what the sentences say once commands "
                             f"become punctuation:\n  derived:   {normalise(derived)}\n"
                             f"  reference: {normalise(self.reference)}")
        return self

    def reference_sentences(self) -> list[str]:
        """Each spoken sentence as the transcript should write it (commands laid out as
        punctuation and breaks). A sentence that is only a command (e.g. "New paragraph.")
        gives an empty string: it holds no words to find."""
        words: list[str] = []
        owner: list[int] = []
        for index, sentence in enumerate(self.sentences):
            for word in sentence.split():
                words.append(" " + word)
                owner.append(index)
        laid_out = lay_out_words(words, commands=True)
        spans: list[list[tuple[int, int]]] = [[] for _ in self.sentences]
        for sentence_index, span in zip(owner, laid_out.spans):
            if span is not None:
                spans[sentence_index].append(span)
        text = laid_out.text
        references = []
        for found in spans:
            if not found:
                references.append("")
                continue
            end = found[-1][1]
            while end < len(text) and text[end] in ".,?!":  # punctuation made by a command ending the sentence
                end += 1
            references.append(text[found[0][0]:end].strip())
        return references

    def word_count(self) -> int:
        return len(normalise(self.reference).split())


def load_spec(path: Path) -> DictationSpec:
    """One dictation file; ValueError naming the file when it is not a valid one."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = DictationSpec.model_validate(data)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    if spec.id != path.stem:
        raise ValueError(f"{path}: id {spec.id!r} is not the file's name")
    return spec


def load_specs(split: Split | Literal["all"] = "all", folder: Path = NOTES_DIR) -> list[DictationSpec]:
    """The dictations of one split (or all), in file-name order."""
    specs = [load_spec(path) for path in sorted(folder.glob("*.yaml"))]
    if not specs:
        raise ValueError(f"no dictation files in {folder}")
    return [spec for spec in specs if split == "all" or spec.split == split]
