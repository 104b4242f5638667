"""The base every record shape shares: strict about unknown fields, JSON-friendly."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Shape"]


class Shape(BaseModel):
    # extra="forbid": a misspelt field from a device or the network is an error, never silently lost.
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)
