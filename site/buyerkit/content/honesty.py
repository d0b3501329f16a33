"""Tie site.yaml's target profile to the diagnostics and turn the analysis into warnings.

`target_profile.answers` declares, per diagnostic, which answers are inside the profile; this
module checks that declaration (errors), then runs the exact analysis of every diagnostic and
reports its findings as `path:line:col: warning: …` (silenced one by one with an
`# allow <kind>: why` comment on the warning's line or the line above it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from buyerkit.content.findings import findings
from buyerkit.content.loading import Source, load_yaml, read_text
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.schema.site import Site
from buyerkit.errors import ContentProblem, ContentWarning

ALLOW = re.compile(r"#\s*allow\s+([a-z-]+)\s*(?::\s*(.*\S))?\s*$")


def check_profile(src: Source, site: Site, diagnostics: Mapping[str, Diagnostic],
                  problems: list[ContentProblem]) -> None:
    """Every diagnostic, question and answer named in target_profile.answers exists."""
    base = ("target_profile", "answers")
    for slug, questions in site.target_profile.answers.items():
        d = diagnostics.get(slug)
        if d is None:
            if not (src.path.parent / "diagnostics" / f"{slug}.yaml").is_file():
                problems.append(src.problem((*base, slug), f"unknown diagnostic '{slug}'",
                                            key=True))
            continue  # a diagnostic that failed to load has its own errors
        for qid, values in questions.items():
            q = d.question(qid)
            if q is None:
                problems.append(src.problem((*base, slug, qid),
                                            f"unknown question '{qid}' in {slug}", key=True))
                continue
            known = [o.value for o in q.options]
            for i, v in enumerate(values):
                if v not in known:
                    problems.append(src.problem(
                        (*base, slug, qid, i),
                        f"'{v}' is not an answer of '{qid}' (one of: {', '.join(known)})"))


def _allowed(lines: list[str], line: int, kind: str) -> bool | None:
    """True if line (or the one above) says `# allow kind: why`; None if it lacks the why."""
    for n in (line, line - 1):
        if 1 <= n <= len(lines):
            m = ALLOW.search(lines[n - 1])
            if m and m.group(1) == kind:
                return True if m.group(2) else None
    return False


def diagnostic_warnings(path: Path, d: Diagnostic,
                        profile: Mapping[str, tuple[str, ...]] | None) -> list[ContentWarning]:
    """The analysis' findings about one diagnostic as located warnings, minus allowed ones."""
    found = findings(d, profile)
    if not found:
        return []
    src = load_yaml(path, [])
    lines = (read_text(path, []) or "").splitlines()
    out = []
    for f in found:
        line, col = src.where(f.loc, key=f.key)
        allowed = _allowed(lines, line, f.kind)
        if allowed:
            continue
        hint = f" (an allow comment must say why: '# allow {f.kind}: …')" \
            if allowed is None else ""
        out.append(ContentWarning(src.name, line, col, f"{f.message} [{f.kind}]{hint}"))
    return out


def catalog_warnings(root: Path, site: Site,
                     diagnostics: Mapping[str, Diagnostic]) -> tuple[ContentWarning, ...]:
    """Warnings for every diagnostic of a content folder that loaded without errors."""
    out: list[ContentWarning] = []
    for slug, d in diagnostics.items():
        profile = site.target_profile.answers.get(slug)
        out += diagnostic_warnings(root / "diagnostics" / f"{slug}.yaml", d, profile)
    return tuple(sorted(set(out)))
