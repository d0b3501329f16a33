"""content/pricing.yaml and content/comparison.yaml: what it costs, and the honest alternatives."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from buyerkit.content.schema import Model, ShortText, Slug, StrictBool, Text, Url

Items = Annotated[tuple[Text, ...], Field(max_length=30)]


class Tier(Model):
    id: Slug
    name: ShortText
    price: ShortText
    billing: ShortText
    for_whom: Text
    includes: Annotated[tuple[Text, ...], Field(min_length=1, max_length=30)]
    limits: Items = ()
    highlight: StrictBool = False


class Step(Model):
    title: ShortText
    body: Text


class Phase(Model):
    when: ShortText
    what: Text
    who: ShortText


class Implementation(Model):
    summary: Text
    phases: Annotated[tuple[Phase, ...], Field(min_length=1, max_length=20)]
    your_effort: Items = ()


class Pricing(Model):
    title: ShortText
    intro: Text
    model: Text
    tiers: Annotated[tuple[Tier, ...], Field(min_length=1, max_length=8)]
    how_to_start: Annotated[tuple[Step, ...], Field(min_length=1, max_length=10)]
    implementation: Implementation
    terms: Items = ()
    not_included: Items = ()


class Alternative(Model):
    id: Slug
    name: ShortText
    kind: Literal["do_nothing", "build", "competitor", "adjacent"]
    examples: ShortText | None = None
    summary: Text
    better_when: Annotated[tuple[Text, ...], Field(min_length=1, max_length=10)]
    trade_offs: Items = ()
    cost: Text | None = None
    url: Url | None = None


class Ours(Model):
    better_when: Annotated[tuple[Text, ...], Field(min_length=1, max_length=10)]
    not_for: Annotated[tuple[Text, ...], Field(min_length=1, max_length=10)]


class Comparison(Model):
    title: ShortText
    intro: Text
    ours: Ours
    alternatives: Annotated[tuple[Alternative, ...], Field(min_length=1, max_length=20)]
    how_to_choose: Items = ()
