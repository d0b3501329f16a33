"""content/targets.yaml: the target account list that sales and marketing agree on."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Strict

from buyerkit.content.schema import Model, ShortText

# A company's web domain as people write it in a browser: lower-case labels and dots.
DOMAIN_PATTERN = (r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
                  r"(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")


def _domain(value: str) -> str:
    if len(value) > 253 or not re.fullmatch(DOMAIN_PATTERN, value):
        raise ValueError(f"domain '{value[:80]}' must be a web domain like example.com "
                         "(lower case, without https:// or a path)")
    return value


Domain = Annotated[str, Strict(), AfterValidator(_domain)]


class Target(Model):
    name: ShortText
    domain: Domain


class Targets(Model):
    targets: tuple[Target, ...] = ()
