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
from buyerkit.content.figures import figure_problem
from buyerkit.content.guides import load_guide
from buyerkit.content.loading import Loc, Source, load_yaml, read_front_matter, validate
from buyerkit.content.markup import render_markdown
from buyerkit.content.references import FOLDER, load_captions
from buyerkit.content.schema.calculator import Calculator
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.schema.guide import Guide
from buyerkit.content.schema.offering import Comparison, Pricing
from buyerkit.content.schema.reference import Reference, ReferenceMeta
from buyerkit.content.schema.site import Site
from buyerkit.content.translations import field_name, overlay, sources, translation_path
from buyerkit.errors import ContentProblem, ContentWarning, display_path

LOCAL_LINK = re.compile(r'href="/(?!static/|brand/|customers/files/)')
# A customer story's facts: the same in every language (docs/customer-stories.md). Every
# other text may be translated, but must state the source's figures; a named customer's name
# is a fact too, an anonymised one's description is translated.
FACTS = frozenset({"anonymised", "consent.by", "consent.date", "consent.covers", "diagnostic",
                   "size", "bucket", "trigger", "order", "time_to_value.date", "numbers.date",
                   "video.file", "video.poster", "video.language", "video.demo", "video.width",
                   "video.height", "office_hours.url"})


@dataclass(frozen=True)
class Texts:
    """One language's texts: the translated models, and which source files fell back."""

    site: Site
    diagnostics: Mapping[str, Diagnostic]
    calculators: Mapping[str, Compiled]
    guides: Mapping[str, Guide]
    fallbacks: frozenset[str] = field(default_factory=frozenset)  # "guides/it.md", …
    pricing: Pricing | None = None
    comparison: Comparison | None = None
    references: Mapping[str, Reference] = field(default_factory=dict)
    partly: frozenset[str] = field(default_factory=frozenset)  # some texts fell back


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
    return Guide(meta=t, html=_local_links(g.html, lang, default))


def _show(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value)) or "none"
    return "none" if value is None else f"'{value}'"


def _same_story(s: Any, t: Any, loc: Loc, tr: Source, langs: tuple[str, str], named: bool,
                problems: list[ContentProblem]) -> None:
    """Every fact of the translated story's front matter equals the source's, every text
    states the source's figures, and lists have the source's length."""
    key = ".".join(str(p) for p in loc if not isinstance(p, int))
    where = field_name(loc)
    if key in FACTS or (key == "customer" and named):
        if s != t:
            problems.append(tr.problem(loc, f"{where} differs from the source: expected "
                                       f"{_show(s)}; found {_show(t)} (a story's facts are "
                                       "the same in every language)"))
    elif key == "video.captions":
        return  # captions in the translation's language may be named (checked as WebVTT)
    elif (s is None) != (t is None):
        problems.append(tr.problem(loc, f"{where}: the source has {'none' if s is None else 'one'}"
                                   "; a translation tells the same story"))
    elif isinstance(s, Mapping) and isinstance(t, Mapping):
        for k in s:
            _same_story(s[k], t.get(k), (*loc, k), tr, langs, named, problems)
    elif isinstance(s, tuple | list) and isinstance(t, tuple | list):
        if len(s) != len(t):
            problems.append(tr.problem(loc, f"{where}: {len(t)} items here, {len(s)} in the "
                                       "source: translate each one, in order"))
            return
        for i, (a, b) in enumerate(zip(s, t, strict=True)):
            _same_story(a, b, (*loc, i), tr, langs, named, problems)
    elif isinstance(s, str) and isinstance(t, str):
        why = figure_problem(s, langs[0], t, langs[1])
        if why:
            problems.append(tr.problem(loc, f"{where}: {why}"))


def load_translation(path: Path, source: Reference, lang: str, default: str,
                     problems: list[ContentProblem]) -> Reference | None:
    """A whole translated story whose facts equal the source's; a translated quote keeps the
    customer's own words beside it, and captions in `lang` may replace the source's."""
    before = len(problems)
    parts = read_front_matter(path, problems, ReferenceMeta, "a customer story",
                              "see docs/customer-stories.md for the fields a story needs")
    if parts is None:
        return None
    tr, meta, body, offset = parts
    s = source.meta
    _same_story(s.model_dump(), meta.model_dump(), (), tr, (default, lang), not s.anonymised,
                problems)
    cues, media, captions_lang = source.cues, source.media, ""
    if meta.video and s.video and meta.video.captions and \
            meta.video.captions != s.video.captions:
        cues = load_captions(tr, meta.video.captions, path.parent, problems)
        media, captions_lang = (*media, meta.video.captions), lang
    if not body.strip():
        problems.append(ContentProblem(tr.name, offset, 1,
                                       "the story has no text after its front matter"))
        return None
    rendered, body_problems = render_markdown(body)
    problems.extend(ContentProblem(tr.name, line + offset, 1, message)
                    for line, message in body_problems)
    if len(problems) > before:
        return None
    same_quote = meta.quote.text == s.quote.text
    return Reference(slug=source.slug, meta=meta, html=_local_links(str(rendered), lang, default),
                     cues=cues, media=media, translated_from=default,
                     quote_original=None if same_quote else s.quote,
                     quote_lang=default if same_quote else "", captions_lang=captions_lang)


def _local_links(html: str, lang: str, default: str) -> str:
    """Site links in a translation's Markdown, moved under the language's prefix."""
    prefix = "" if lang == default else f"{lang}/"
    return LOCAL_LINK.sub(f'href="/{prefix}', html)


def build(root: Path, site: Site, diagnostics: Mapping[str, Diagnostic],
          calculators: Mapping[str, Compiled], guides: Mapping[str, Guide],
          problems: list[ContentProblem], pricing: Pricing | None = None,
          comparison: Comparison | None = None,
          references: Mapping[str, Reference] | None = None,
          ) -> tuple[dict[str, Texts], list[ContentWarning]]:
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
        partly: set[str] = set()  # translated, but some texts still in the default language

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
                  rel: str, partly: set[str] = partly) -> Any:
            tr = find(source, rel)
            if tr is None:
                return fallback
            gaps: list[ContentWarning] = []
            merged = overlay(load_yaml(source, problems), tr, kind, problems, default, gaps)
            if merged is None:
                return fallback
            warnings.extend(gaps)
            if gaps:
                partly.add(rel)
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
        lpricing = pricing and texts(root / "pricing.yaml", Pricing, "pricing", pricing,
                                     "pricing.yaml")
        lcomparison = comparison and texts(root / "comparison.yaml", Comparison, "comparison",
                                           comparison, "comparison.yaml")
        lrefs = {}
        for slug, ref in (references or {}).items():
            tr = find(root / FOLDER / f"{slug}.md", f"{FOLDER}/{slug}.md")
            lrefs[slug] = (tr and load_translation(tr, ref, lang, default, problems)) or ref
        _broken(root, lang, default, diagnostics, calculators, guides, pricing, comparison,
                problems)
        views[lang] = Texts(lsite, MappingProxyType(ldiag), MappingProxyType(lcalc),
                            MappingProxyType(lguide), frozenset(fell), lpricing, lcomparison,
                            MappingProxyType(lrefs), frozenset(partly))
    return views, warnings



def _broken(root: Path, lang: str, default: str, diagnostics: Mapping[str, Diagnostic],
            calculators: Mapping[str, Compiled], guides: Mapping[str, Guide],
            pricing: Pricing | None, comparison: Comparison | None,
            problems: list[ContentProblem]) -> None:
    """The `lang` translations of source files that did not load, checked as far as they can
    be on their own, so one `check` run reports their errors too: a YAML translation against
    the source's shape and ids (when the source at least parses), a guide's translation as a
    guide. A customer story's translation needs its loaded source and waits for it."""
    kinds = [(p, "diagnostic") for p in sources(root / "diagnostics", "*.yaml")
             if p.stem not in diagnostics]
    kinds += [(p, "calculator") for p in sources(root / "calculators", "*.yaml")
              if p.stem not in calculators]
    kinds += [(root / name, kind) for name, kind, loaded in
              (("pricing.yaml", "pricing", pricing), ("comparison.yaml", "comparison",
                                                     comparison)) if loaded is None]
    for source, kind in kinds:
        tr = translation_path(source, lang)
        if not (source.is_file() and tr.is_file()):
            continue
        own: list[ContentProblem] = []
        src = load_yaml(source, own)
        if own or src.data is None:  # nothing to hold it to: its own YAML, at least
            load_yaml(tr, problems)
        else:
            overlay(src, tr, kind, problems, default)
    for source in sources(root / "guides", "*.md"):
        tr = translation_path(source, lang)
        if source.stem not in guides and tr.is_file():
            load_guide(tr, problems)
