"""Typed, immutable content models; each field is documented in docs/content.md."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Strict, StrictBool, StrictFloat, StrictInt
from pydantic import StringConstraints as Chars

__all__ = ["BUCKETS", "TRIGGERS", "Model", "Number", "ShortText", "Slug", "StrictBool",
           "StrictInt", "Text", "Url"]

Slug = Annotated[str, Strict(), Chars(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
Text = Annotated[str, Strict(), Chars(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, Strict(), Chars(strip_whitespace=True, min_length=1, max_length=200)]
Url = Annotated[str, Strict(), Chars(pattern=r"^(https://|mailto:|tel:|/)\S+$", max_length=500)]
Number = StrictInt | StrictFloat

BUCKETS = {
    "retain_expand": "Retain and expand customers",
    "acquire": "Acquire new customers",
    "efficiency": "Grow more efficiently",
}
TRIGGERS = {
    "authority_shift": "An authority shift",
    "mandate": "A mandate",
    "personal_drive": "Personal drive",
    "none": "No trigger yet",
}


class Model(BaseModel):
    """Base for content models: unknown keys are errors, and loaded content never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
