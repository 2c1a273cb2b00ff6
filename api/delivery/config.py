"""Delivery connectors of a deployment: where each confirmed note goes.

``Settings.delivery_connectors`` is either a JSON list or the path of a YAML file
holding the list. Secrets (an HTTP auth header's value) come from an environment
variable named in the configuration, so the file itself holds none."""

from __future__ import annotations

import json
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from api.exports.presets import preset_names
from api.exports.registry import FORMATS
from models.errors import ConnectorConfigError
from models.settings import Settings

logger = logging.getLogger(__name__)

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,47}$"
# An attempt's claim outlives its deadline by this much: the time to load and render the
# note before sending and to record the outcome after. Another worker may take the
# delivery up only after the claim has run out, never while its holder can still finish.
CLAIM_MARGIN_S = 10.0


class RetryPolicy(BaseModel):
    """When to try a delivery again. The defaults ride out a case system's maintenance
    window of hours: waits double from 2 s up to 15 minutes, and a note is marked failed
    (for a person to retry) only after three days of failed attempts, or at once for an
    error retrying cannot fix (e.g. 401). ``max_attempts`` caps the attempts instead."""

    model_config = ConfigDict(extra="forbid")

    max_attempts: int | None = Field(None, ge=1, description="Attempts before the delivery is marked failed; "
                                     "none = keep trying for retry_for_s")
    retry_for_s: float = Field(3 * 24 * 3600.0, gt=0, description="How long a round of attempts keeps trying")
    backoff_initial_s: float = Field(2.0, gt=0, description="Wait after the first failure; doubles each time")
    backoff_max_s: float = Field(900.0, gt=0, description="Longest wait between attempts")

    def delay_after(self, failures: int, retry_after_s: float | None = None) -> float:
        """Exponential backoff; a server's Retry-After is honoured up to the maximum."""
        delay = min(self.backoff_max_s, self.backoff_initial_s * 2 ** min(max(0, failures - 1), 60))
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, self.backoff_max_s))
        return delay

    def gives_up(self, attempts: int, round_age_s: float, next_delay_s: float) -> bool:
        """After ``attempts`` failed attempts in a round begun ``round_age_s`` ago, with the
        next one due in ``next_delay_s``: is this round over?"""
        if self.max_attempts is not None:
            return attempts >= self.max_attempts
        return round_age_s + next_delay_s > self.retry_for_s


class DropFolderConnector(RetryPolicy):
    kind: Literal["drop_folder"]
    name: str = Field(pattern=NAME_PATTERN)
    path: Path = Field(description="Folder the case system imports from (must exist)")
    formats: list[str] = Field(["json", "pdf"], min_length=1, description="One file per format per note")
    preset: str | None = None
    timeout_s: float = Field(20.0, gt=0, description="How long writing a note's files may take before another "
                             "attempt may start (the manifest's lock makes an overlapping one harmless)")

    @property
    def claim_s(self) -> float:
        return self.timeout_s + CLAIM_MARGIN_S

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, formats: list[str]) -> list[str]:
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
        if len(set(formats)) != len(formats):
            raise ValueError("a format is listed twice")
        return formats


class HttpConnector(RetryPolicy):
    kind: Literal["http"]
    name: str = Field(pattern=NAME_PATTERN)
    url: str = Field(pattern=r"^https?://", description="Endpoint the authority runs")
    body: Literal["json", "multipart"] = Field(
        "json", description="json: the JSON document; multipart: 'metadata' JSON part + 'document' file part"
    )
    document_format: Literal["pdf", "docx", "text", "cin-xml", "csv"] = "pdf"
    preset: str | None = None
    auth_header: str = Field("Authorization", description="Header that carries the credential")
    auth_value_env: str = Field("", description="Environment variable holding the header's value")
    timeout_s: float = Field(10.0, gt=0, description="Deadline of a whole attempt: connect, send, and the "
                             "full reply (a receiver that trickles its reply cannot stretch it)")
    headers: dict[str, str] = Field({}, description="Extra fixed headers")

    @model_validator(mode="after")
    def _secret_present(self) -> "HttpConnector":
        if self.auth_value_env and not os.environ.get(self.auth_value_env):
            raise ValueError(f"environment variable {self.auth_value_env} (auth_value_env) is not set")
        return self

    @property
    def claim_s(self) -> float:
        return self.timeout_s + CLAIM_MARGIN_S

    def auth_value(self) -> str:
        return os.environ.get(self.auth_value_env, "") if self.auth_value_env else ""


Connector = Annotated[Union[DropFolderConnector, HttpConnector], Field(discriminator="kind")]
_CONNECTORS = TypeAdapter(list[Connector])


def load_connectors(settings: Settings) -> list[DropFolderConnector | HttpConnector]:
    connectors = list(_parse(settings.delivery_connectors.strip()))
    known = preset_names(settings) if connectors else []
    for connector in connectors:
        if connector.preset and connector.preset not in known:
            raise ConnectorConfigError(f"delivery connector {connector.name}: unknown export preset "
                                       f"{connector.preset!r}; known: {', '.join(known)}")
    return connectors


@lru_cache(maxsize=8)
def _parse(text: str) -> tuple[DropFolderConnector | HttpConnector, ...]:
    if not text:
        return ()
    source = "CASENOTE_DELIVERY_CONNECTORS"
    try:
        if text.startswith("["):
            data = json.loads(text)
        else:
            source = text
            data = yaml.safe_load(Path(text).read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConnectorConfigError(f"delivery connectors ({source}): cannot read them: {exc}") from exc
    if isinstance(data, dict) and "connectors" in data:
        data = data["connectors"]
    try:
        connectors = _CONNECTORS.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConnectorConfigError(f"delivery connectors ({source}): {where}: {first['msg']}") from exc
    names = [c.name for c in connectors]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConnectorConfigError(f"delivery connectors ({source}): name used twice: {', '.join(twice)}")
    logger.info("delivery connectors: %s", ", ".join(f"{c.name} ({c.kind})" for c in connectors))
    return tuple(connectors)


def connector_named(name: str, settings: Settings) -> DropFolderConnector | HttpConnector | None:
    return next((c for c in load_connectors(settings) if c.name == name), None)
