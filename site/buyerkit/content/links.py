"""Links inside an outcome's step text: `[the CFO guide](guide:cfo)` names where a step leads.

A step stays one sentence a writer can read; the link says which guide, calculator or contact
option it means, so the verdict page can make the step something to act on. Targets:
`guide:<role>`, `calculator:<slug>`, `diagnostic:<slug>` (another check of the site, in the
page's language), `kit`, `contact`, `pricing`, `compare`, or an address starting with `/` or
`https://`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]+)\)")
PLAIN_TARGETS = ("kit", "contact", "pricing", "compare")


def parts(text: str) -> list[tuple[str, str | None]]:
    """The text cut into (words, target) pieces; target is None for plain words."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in LINK.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def plain(text: str) -> str:
    """The text without link markup, as a reader (or a report) sees it."""
    return "".join(words for words, _ in parts(text))


def target_problem(target: str, guides: Collection[str], calculators: Collection[str],
                   has: Collection[str], diagnostics: Collection[str] = ()) -> str | None:
    """Why a link target cannot be followed, or None when it can.

    A target whose whole kind of page is absent (no guides, no calculators, no pricing or
    comparison) is not a mistake: its words are shown without a link, so removing a section
    of the content does not break the diagnostics. A name the content does not have is.
    """
    kind, _, key = target.partition(":")
    if target.startswith(("/", "https://")) or target in ("kit", "contact", "pricing",
                                                           "compare"):
        return None
    if kind == "guide" and key:
        return None if not guides or key in guides else \
            f"unknown guide '{key}' in link target '{target}'"
    if kind == "calculator" and key:
        return None if not calculators or key in calculators else \
            f"unknown calculator '{key}' in link target '{target}'"
    if kind == "diagnostic" and key:  # every diagnostic file's slug, broken ones included
        return None if key in diagnostics else \
            f"unknown diagnostic '{key}' in link target '{target}'"
    return (f"unknown link target '{target}': use guide:<role>, calculator:<slug>, "
            "diagnostic:<slug>, kit, contact, pricing, compare, or an address starting with / "
            "or https://")


def followable(target: str, guides: Collection[str], calculators: Collection[str],
               has: Collection[str], diagnostics: Collection[str] = ()) -> bool:
    """Whether the content has the page a (valid) target names; if not, no link is made."""
    kind, _, key = target.partition(":")
    if kind == "guide":
        return key in guides
    if kind == "calculator":
        return key in calculators
    if kind == "diagnostic":
        return key in diagnostics
    if target == "kit":
        return bool(guides)
    if target in ("pricing", "compare"):
        return target in has
    return True
