"""content/guides/<role>.md: the front matter of a role guide, and the guide once rendered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from buyerkit.content.schema import Model, ShortText, Slug, StrictInt, Text, Url

# What a checklist item is, so the kit can group the buyer's plan by the kind of work.
TaskKind = Literal["security_review", "legal_review", "budget_approval", "technical_check",
                   "other"]
TASK_KINDS = {
    "security_review": "Security review",
    "legal_review": "Legal review",
    "budget_approval": "Budget approval",
    "technical_check": "Technical check",
    "other": "Other",
}


class Task(Model):
    """One thing this role must do before the team decides: an item on the kit's checklist."""

    id: Slug
    text: ShortText
    kind: TaskKind = "other"


class Request(Model):
    """A document this role can ask for (the SOC 2 report, a DPA) and how to ask."""

    label: ShortText
    url: Url
    note: Text | None = None
    signal: Literal["security_review_requested"] | None = None


class GuideMeta(Model):
    """The YAML front matter between the two `---` lines at the top of a guide."""

    role: Slug
    name: ShortText
    title: ShortText
    summary: Annotated[str, Field(min_length=1, max_length=300)]
    order: Annotated[StrictInt, Field(ge=0, le=1000)] = 100
    questions: Annotated[tuple[ShortText, ...], Field(min_length=1, max_length=20)]
    before_decision: Annotated[tuple[Task, ...], Field(min_length=1, max_length=12)]
    request: Request | None = None
    # Which part of the buying group this role is, for the reports' finance/security columns.
    tag: Literal["finance", "security", "technical", "legal", "procurement", "champion",
                 "executive"] | None = None


@dataclass(frozen=True)
class Guide:
    """A validated guide: its front matter and its Markdown body rendered to safe HTML."""

    meta: GuideMeta
    html: str

    @property
    def role(self) -> str:
        return self.meta.role
