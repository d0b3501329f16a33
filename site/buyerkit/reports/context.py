"""What a report needs besides the roll-ups: labels and rules from the diagnostic's content,
the target account list with the key that hashes its domains, and the spend per channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from buyerkit.content.schema import BUCKETS, TRIGGERS
from buyerkit.reports.i18n import N_
from buyerkit.reports.names import Names

# Labels are marked here and translated where a report shows them (gettext at build time).
RULES = {
    "disqualifier": N_("A hard disqualifier"),
    "problem": N_("The problem is not one we solve"),
    "profile": N_("The company is outside the target profile"),
    "urgency": N_("No reason to act this quarter"),
    "other": N_("Another reason"),
}
STAGES = {
    "identifying_problem": N_("While identifying the problem"),
    "examining_solutions": N_("While examining solutions (after pricing, calculators or "
                              "guides)"),
}
VERDICTS = {"fit": N_("Fit"), "not_now": N_("Not now"), "not_a_fit": N_("Not a fit")}
DIMENSIONS = {"persona": N_("Persona"), "size": N_("Segment (company size)"),
              "bucket": N_("Problem bucket"), "trigger": N_("Urgency trigger")}


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
            return _(BUCKETS[value]) if value in BUCKETS else value
        if dim == "trigger":
            return _(TRIGGERS[value]) if value in TRIGGERS else value
        if value == "(unknown)":
            return _("Not asked")
        if self.diagnostic is not None:
            for q in self.diagnostic.questions():
                if q.records == dim:
                    for o in q.options:
                        if o.value == value:
                            return o.label
        return value
