"""Load role guides (Markdown with YAML front matter), pricing and the comparison from content/.

Each loader reports every mistake as `path:line:col: message` with lines counted in the whole
file, front matter included, and returns None for a file with any mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from buyerkit.content.loading import Source, load_yaml, read_front_matter, validate
from buyerkit.content.markup import render_markdown
from buyerkit.content.schema.guide import Guide, GuideMeta
from buyerkit.content.schema.offering import Comparison, Pricing
from buyerkit.content.translations import sources
from buyerkit.errors import ContentProblem


def load_guide(path: Path, problems: list[ContentProblem]) -> Guide | None:
    """Load one guide; its role is its file name, and the body must say something."""
    before = len(problems)
    parts = read_front_matter(path, problems, GuideMeta, "a guide",
                              "give at least role, name, title, summary, questions and "
                              "before_decision")
    if parts is None:
        return None
    src, meta, body, body_offset = parts
    if meta.role != path.name.split(".")[0]:  # cfo.md, and its translation cfo.de.md
        problems.append(src.problem(("role",), f"role '{meta.role}' must match the file name "
                                    f"'{path.name}'"))
    seen: set[str] = set()
    for i, task in enumerate(meta.before_decision):
        if task.id in seen:
            problems.append(src.problem(("before_decision", i, "id"),
                                        f"duplicate before_decision id '{task.id}'"))
        seen.add(task.id)
    if not body.strip():
        problems.append(ContentProblem(src.name, body_offset, 1,
                                       "the guide has no text after its front matter"))
        return None
    html, body_problems = render_markdown(body)
    for line, message in body_problems:
        problems.append(ContentProblem(src.name, line + body_offset, 1, message))
    return Guide(meta=meta, html=str(html)) if len(problems) == before else None


def load_guides(root: Path, problems: list[ContentProblem]) -> Mapping[str, Guide]:
    """Every guide under content/guides/, in the order the content gives, then by role."""
    guides = [g for path in sources(root / "guides", "*.md")
              if (g := load_guide(path, problems)) is not None]
    guides.sort(key=lambda g: (g.meta.order, g.role))
    return MappingProxyType({g.role: g for g in guides})


def _unique(src: Source, items: tuple, field: str, what: str,
            problems: list[ContentProblem]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(src.problem((field, i, "id"), f"duplicate {what} id '{item.id}'"))
        seen.add(item.id)


def load_pricing(root: Path, problems: list[ContentProblem]) -> Pricing | None:
    """content/pricing.yaml, or None when the vendor publishes no pricing page."""
    path = root / "pricing.yaml"
    if not path.is_file():
        return None
    before = len(problems)
    src = load_yaml(path, problems)
    pricing = validate(src, Pricing, problems)
    if pricing is None:
        return None
    _unique(src, pricing.tiers, "tiers", "tier", problems)
    return pricing if len(problems) == before else None


def load_comparison(root: Path, problems: list[ContentProblem]) -> Comparison | None:
    """content/comparison.yaml, or None; doing nothing must always be one of the alternatives."""
    path = root / "comparison.yaml"
    if not path.is_file():
        return None
    before = len(problems)
    src = load_yaml(path, problems)
    comparison = validate(src, Comparison, problems)
    if comparison is None:
        return None
    _unique(src, comparison.alternatives, "alternatives", "alternative", problems)
    if not any(a.kind == "do_nothing" for a in comparison.alternatives):
        problems.append(src.problem(("alternatives",), "alternatives: name doing nothing too "
                                    "(an alternative with kind: do_nothing); it is always one"))
    return comparison if len(problems) == before else None
