"""content/targets.yaml: the target account list that sales and marketing agree on."""

from __future__ import annotations

from typing import Annotated

from pydantic import Strict
from pydantic import StringConstraints as Chars

from . import Model, ShortText

# A company's web domain as people write it in a browser: lower-case labels and dots.
DOMAIN_PATTERN = (r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
                  r"(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")
Domain = Annotated[str, Strict(), Chars(pattern=DOMAIN_PATTERN, max_length=253)]


class Target(Model):
    name: ShortText
    domain: Domain


class Targets(Model):
    targets: tuple[Target, ...] = ()
