"""What one delivery attempt came to."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AttemptOutcome(BaseModel):
    delivered: bool
    retryable: bool = Field(True, description="False: trying again will not help until someone acts")
    detail: str = Field("", description="Short reason for the worker and the log; never note text")
    retry_after_s: float | None = Field(None, description="The receiver asked to wait this long")
    receipt: dict = Field({}, description="What the receiver or folder recorded (status, file names)")
