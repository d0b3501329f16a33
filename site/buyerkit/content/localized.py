"""The content in each site language: the source's models with a translation's texts laid over
them, or the source itself (a fallback the page admits) where a translation is missing.

Ids, answer values, scoring and formulas always come from the source, so a verdict, a signal
and a calculator's numbers are the same in every language; only what a person reads changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from buyerkit.content.calculators import Compiled
from buyerkit.content.guides import load_guide
from buyerkit.content.loading import load_yaml, validate
from buyerkit.content.schema.calculator import Calculator
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.schema.guide import Guide
from buyerkit.content.schema.site import Site
from buyerkit.content.translations import overlay, translation_path
from buyerkit.errors import ContentProblem, ContentWarning, display_path

LOCAL_LINK = re.compile(r'href="/(?!static/|brand/|customers/files/)')


@dataclass(frozen=True)
class Texts:
    """One language's texts: the translated models, and which source files fell back."""

    site: Site
    diagnostics: Mapping[str, Diagnostic]
    calculators: Mapping[str, Compiled]
    guides: Mapping[str, Guide]
    fallbacks: frozenset[str] = field(default_factory=frozenset)  # "guides/it.md", …


def _guide(path: Path, source: Guide, lang: str, default: str,
           problems: list[ContentProblem]) -> Guide | None:
    """A whole translated guide whose role, tasks and settings equal the source's."""
    before = len(problems)
    g = load_guide(path, problems)
    if g is None:
        return None
    name = display_path(path)
    s, t = source.meta, g.meta
    if [x.id for x in t.before_decision] != [x.id for x in s.before_decision]:
        problems.append(ContentProblem(name, 1, 1, "before_decision ids differ from the source: "
                                       f"expected {', '.join(x.id for x in s.before_decision)}"))
    fixed = [("order", s.order, t.order), ("tag", s.tag, t.tag),
             ("kinds", [x.kind for x in s.before_decision], [x.kind for x in t.before_decision]),
             ("request", s.request and (s.request.url, s.request.signal),
              t.request and (t.request.url, t.request.signal))]
    for what, a, b in fixed:
        if a != b:
            problems.append(ContentProblem(name, 1, 1, f"{what} differs from the source: it is "
                                           "never translated"))
    if len(problems) > before:
        return None
    prefix = "" if lang == default else f"{lang}/"
    return Guide(meta=t, html=LOCAL_LINK.sub(f'href="/{prefix}', g.html))


def build(root: Path, site: Site, diagnostics: Mapping[str, Diagnostic],
          calculators: Mapping[str, Compiled], guides: Mapping[str, Guide],
          problems: list[ContentProblem]) -> tuple[dict[str, Texts], list[ContentWarning]]:
    """Every non-default language's texts, and a warning per missing translation (unless
    site.yaml's `untranslated` lists the file)."""
    views: dict[str, Texts] = {}
    warnings: list[ContentWarning] = []
    default = site.default_language
    for lang in site.languages:
        if lang == default:
            continue
        waived = set(site.untranslated.get(lang, ()))
        for rel in sorted(waived):  # a stale entry hides nothing, but should go
            if translation_path(root / rel, lang).is_file() or not (root / rel).is_file():
                warnings.append(ContentWarning(
                    display_path(root / "site.yaml"), 1, 1,
                    f"untranslated.{lang}: '{rel}' is not a source file without a translation"))
        fell: set[str] = set()

        def find(source: Path, rel: str, lang: str = lang, waived: set[str] = waived,
                 fell: set[str] = fell) -> Path | None:
            tr = translation_path(source, lang)
            if tr.is_file():
                return tr
            fell.add(rel)
            if rel not in waived:
                warnings.append(ContentWarning(
                    display_path(source), 1, 1,
                    f"no '{lang}' translation ({tr.name}): the page falls back to '{default}' "
                    f"and says so (list '{rel}' under untranslated: {lang}: in site.yaml if "
                    "that is intended)"))
            return None

        def texts(source: Path, model: type, kind: str, fallback: Any,
                  rel: str) -> Any:
            tr = find(source, rel)
            if tr is None:
                return fallback
            merged = overlay(load_yaml(source, problems), tr, kind, problems)
            if merged is None:
                return fallback
            return validate(merged, model, problems) or fallback

        site_path = root / "site.yaml"
        lsite = texts(site_path, Site, "site", site, "site.yaml")
        ldiag = {}
        for slug, d in diagnostics.items():
            t = texts(root / "diagnostics" / f"{slug}.yaml", Diagnostic, "diagnostic", None,
                      f"diagnostics/{slug}.yaml")
            ldiag[slug] = t.model_copy(update={"slug": slug}) if t is not None else d
        lcalc = {}
        for slug, c in calculators.items():
            t = texts(root / "calculators" / f"{slug}.yaml", Calculator, "calculator", None,
                      f"calculators/{slug}.yaml")
            lcalc[slug] = replace(c, model=t.model_copy(update={"slug": slug})) if t else c
        lguide = {}
        for role, g in guides.items():
            tr = find(root / "guides" / f"{role}.md", f"guides/{role}.md")
            lguide[role] = (tr and _guide(tr, g, lang, default, problems)) or g
        views[lang] = Texts(lsite, MappingProxyType(ldiag), MappingProxyType(lcalc),
                            MappingProxyType(lguide), frozenset(fell))
    return views, warnings

