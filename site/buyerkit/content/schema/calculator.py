"""content/calculators/<slug>.yaml: a calculator or simulator on the prospect's own numbers."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, Strict, model_validator

from buyerkit.content.schema import Model, Number, ShortText, Slug, StrictBool, StrictInt, Text

Format = Literal["currency", "percent", "months", "number"]
ScenarioName = Literal["conservative", "expected", "optimistic"]
SCENARIOS: tuple[ScenarioName, ...] = ("conservative", "expected", "optimistic")
LIMIT = 1e12  # no declared value may be larger than this: formatting stays exact below 2**53
Formula = Annotated[str, Strict(), Field(min_length=1, max_length=2000)]


class Cites(Model):
    """A customer story a number rests on, and what the story shows, in its own figures."""

    story: Slug
    says: ShortText  # "went from 14 to 2 hours a week building health reports"


class _Ranged(Model):
    id: Slug
    label: ShortText
    unit: ShortText | None = None
    min: Number
    max: Number
    step: Annotated[Number, Field(gt=0)] = 1
    help: Text | None = None
    cites: Cites | None = None  # checked against the story by content/citations.py

    def _check_range(self, value: float, what: str) -> None:
        for name, v in (("min", self.min), ("max", self.max), (what, value)):
            if not math.isfinite(v) or abs(v) > LIMIT:
                raise ValueError(f"'{name}' must be a number between -{LIMIT:,.0f} and "
                                 f"{LIMIT:,.0f}")
        if self.min >= self.max:
            raise ValueError(f"min ({self.min:g}) must be less than max ({self.max:g})")
        if not self.min <= value <= self.max:
            raise ValueError(f"{what} ({value:g}) must be between min ({self.min:g}) and "
                             f"max ({self.max:g})")


class Input(_Ranged):
    """A number the prospect types: their own figures."""

    default: Number

    @model_validator(mode="after")
    def _range(self) -> Input:
        self._check_range(self.default, "default")
        return self


class Assumption(_Ranged):
    """A value the vendor sets and the prospect sees beside the results and may change."""

    value: Number
    source: Text

    @model_validator(mode="after")
    def _range(self) -> Assumption:
        self._check_range(self.value, "value")
        return self


class Output(Model):
    """A result: one formula, a display format, and optionally when it applies."""

    id: Slug
    label: ShortText
    formula: Formula
    format: Format
    help: Text | None = None
    when: Formula | None = None
    otherwise: ShortText | None = None
    compare: StrictBool = False

    @model_validator(mode="after")
    def _otherwise(self) -> Output:
        if (self.when is None) != (self.otherwise is None):
            raise ValueError("'when' and 'otherwise' go together: give both or neither")
        return self


class Scenario(Model):
    """Factors that multiply named inputs or assumptions in this scenario."""

    label: ShortText | None = None
    note: Text | None = None
    factors: dict[Slug, Annotated[Number, Field(gt=0, le=100)]] = {}


class Scenarios(Model):
    conservative: Scenario
    expected: Scenario = Scenario()
    optimistic: Scenario


class Series(Model):
    """One line of the month-by-month projection; `prev(id)` is last month's value."""

    id: Slug
    label: ShortText
    formula: Formula
    format: Format = "currency"
    chart: StrictBool = True


class Projection(Model):
    """A simulator's projection: life after the product, month by month."""

    months: Annotated[StrictInt, Field(ge=2, le=120)]
    title: ShortText = "Month by month"
    summary: Text | None = None
    series: Annotated[tuple[Series, ...], Field(min_length=1, max_length=8)]
    breakeven: Slug | None = None
    breakeven_label: ShortText = "Cumulative net gain turns positive in"


class Calculator(Model):
    slug: Slug = Field(default="", exclude=True)
    kind: Literal["calculator", "simulator"] = "calculator"
    title: ShortText
    summary: Text
    intro: Text | None = None
    currency: Annotated[str, Strict(), Field(min_length=1, max_length=4)] = "$"
    payback: Slug | None = None
    inputs: Annotated[tuple[Input, ...], Field(min_length=1, max_length=20)]
    assumptions: Annotated[tuple[Assumption, ...], Field(max_length=20)] = ()
    outputs: Annotated[tuple[Output, ...], Field(min_length=1, max_length=30)]
    scenarios: Scenarios | None = None
    projection: Projection | None = None
