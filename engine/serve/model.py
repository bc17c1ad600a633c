"""The base of every model a page shows and the API returns: immutable, its fields the JSON keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)
