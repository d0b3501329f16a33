"""What a report needs besides the roll-ups: labels and rules from the diagnostic's content,
the target account list with the key that hashes its domains, and the spend per channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from buyerkit.content.schema import BUCKETS, TRIGGERS
from buyerkit.reports.names import Names

RULES = {
    "disqualifier": "A hard disqualifier",
    "problem": "The problem is not one we solve",
    "profile": "The company is outside the target profile",
    "urgency": "No reason to act this quarter",
    "other": "Another reason",
}
STAGES = {
    "identifying_problem": "While identifying the problem",
    "examining_solutions": "While examining solutions (after pricing, calculators or guides)",
}
VERDICTS = {"fit": "Fit", "not_now": "Not now", "not_a_fit": "Not a fit"}
DIMENSIONS = {"persona": "Persona", "size": "Segment (company size)",
              "bucket": "Problem bucket", "trigger": "Urgency trigger"}


@dataclass(frozen=True)
class Context:
    """Content-derived facts for one diagnostic (None when it has no content loaded)."""

    diagnostic: Any = None
    targets: tuple[tuple[str, str], ...] = ()  # (name, domain)
    org_key: str | None = None
    spend_cents: dict[tuple[str, str, str], float] = field(default_factory=dict)
    catalog: Any = None

    @property
    def names(self) -> Names:
        """Channel, reason and role names from this site's content."""
        return Names(self.catalog, self.diagnostic)

    def rule(self, verdict: str, code: str) -> str:
        """Which scoring rule a reason code comes from (the first code decided the verdict)."""
        if verdict == "not_now":
            return "urgency"
        if self.diagnostic is not None:
            for q in self.diagnostic.questions():
                for o in q.options:
                    if o.disqualifies == code:
                        return "disqualifier"
                    if o.reason == code and q.scores in ("problem", "profile", "urgency"):
                        return q.scores
        for rule in ("problem", "profile"):
            if code.startswith(rule):
                return rule
        return "other"

    def label(self, dim: str, value: str) -> str:
        """A band value as people read it: the option's label from the content."""
        if dim == "bucket":
            return BUCKETS.get(value, value)
        if dim == "trigger":
            return TRIGGERS.get(value, value)
        if value == "(unknown)":
            return "Not asked"
        if self.diagnostic is not None:
            for q in self.diagnostic.questions():
                if q.records == dim:
                    for o in q.options:
                        if o.value == value:
                            return o.label
        return value
