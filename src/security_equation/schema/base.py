"""The base of every model of a file the user writes (scenarios and treaty frameworks)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo is reported, never silently defaulted), values are
    not coerced between types, and objects are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
