"""content/diagnostics/<slug>.yaml: a symptom-based self-diagnostic and its scoring rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from buyerkit.content.schema import Model, ShortText, Slug, StrictBool, StrictInt, Text

Bucket = Literal["retain_expand", "acquire", "efficiency"]
Trigger = Literal["authority_shift", "mandate", "personal_drive", "none"]
Dimension = Literal["problem", "profile", "urgency", "none"]
Band = Literal["persona", "size", "industry", "tools", "roles", "billing", "hosting"]
Verdict = Literal["fit", "not_now", "not_a_fit"]
# `show_if: {question_id: [value, ...]}`: asked only when every named earlier answer is one of
# its values (content/branching.py; docs/diagnostics.md, "Branching").
Condition = dict[Slug, Annotated[tuple[Slug, ...], Field(min_length=1)]]

# Reason codes every diagnostic must explain, because the scorer can always emit them.
REQUIRED_REASONS = (
    "problem_fits", "problem_misses", "profile_fits", "profile_misses", "no_trigger",
    "trigger_authority_shift", "trigger_mandate", "trigger_personal_drive",
)


class Option(Model):
    value: Slug
    label: ShortText
    points: Annotated[StrictInt, Field(ge=-100, le=100)] = 0
    bucket: Bucket | None = None
    trigger: Trigger | None = None
    reason: Slug | None = None
    disqualifies: Slug | None = None
    exclusive: StrictBool = False


class Question(Model):
    id: Slug
    text: ShortText
    help: Text | None = None
    kind: Literal["single", "multi"] = "single"
    required: StrictBool = True
    scores: Dimension = "none"
    records: Band | None = None
    show_if: Annotated[Condition, Field(min_length=1)] | None = None
    options: Annotated[tuple[Option, ...], Field(min_length=2, max_length=20)]


class Step(Model):
    id: Slug
    title: ShortText
    intro: Text | None = None
    show_if: Annotated[Condition, Field(min_length=1)] | None = None
    questions: Annotated[tuple[Question, ...], Field(min_length=1, max_length=10)]


class Thresholds(Model):
    problem: StrictInt = 0
    profile: StrictInt = 0


class Scoring(Model):
    thresholds: Thresholds = Thresholds()
    reasons: dict[Slug, Text]
    labels: dict[Slug, ShortText] = {}  # short names for the reports (else first sentence)


class Alternative(Model):
    name: ShortText
    when: Text
    url: Annotated[str, Field(pattern=r"^(https://|/)\S+$")] | None = None
    for_reasons: tuple[Slug, ...] = ()


class Outcome(Model):
    title: ShortText
    summary: Text
    steps: tuple[Text, ...] = ()
    watch_for: tuple[Text, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    show_contact: StrictBool = False

    def alternatives_for(self, codes: tuple[str, ...]) -> tuple[Alternative, ...]:
        """The alternatives that answer these reasons; all of them when none is specific."""
        matching = tuple(a for a in self.alternatives if set(a.for_reasons) & set(codes))
        return matching or tuple(a for a in self.alternatives if not a.for_reasons) \
            or self.alternatives


class Outcomes(Model):
    fit: Outcome
    not_now: Outcome
    not_a_fit: Outcome


class Diagnostic(Model):
    slug: Slug = Field(default="", exclude=True)
    title: ShortText
    summary: Text
    intro: Text | None = None
    minutes: Annotated[StrictInt, Field(ge=1, le=60)] = 3
    steps: Annotated[tuple[Step, ...], Field(min_length=1, max_length=12)]
    scoring: Scoring
    outcomes: Outcomes

    def questions(self) -> list[Question]:
        """Every question in step order."""
        return [q for step in self.steps for q in step.questions]

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions() if q.id == qid), None)
