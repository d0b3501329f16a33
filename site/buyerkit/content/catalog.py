"""Assemble the whole content folder into one immutable Catalog, or every error found in it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from flask import Flask, current_app, has_request_context, request

from buyerkit.content.branching import check_branching
from buyerkit.content.brand import BrandFiles, load_brand
from buyerkit.content.calculators import Compiled, load_calculator
from buyerkit.content.citations import check_citations
from buyerkit.content.guides import load_comparison, load_guides, load_pricing
from buyerkit.content.honesty import catalog_warnings, check_profile
from buyerkit.content.links import LINK, target_problem
from buyerkit.content.loading import (
    CONTENT_ROOT,
    Source,
    check_slug_name,
    load_yaml,
    validate,
)
from buyerkit.content.localized import build as build_languages
from buyerkit.content.references import load_references
from buyerkit.content.schema.diagnostic import REQUIRED_REASONS, Diagnostic
from buyerkit.content.schema.guide import Guide
from buyerkit.content.schema.offering import Comparison, Pricing
from buyerkit.content.schema.reference import Reference
from buyerkit.content.schema.site import Site
from buyerkit.content.schema.targets import Target, Targets
from buyerkit.content.translations import check_names, sources
from buyerkit.errors import (
    ContentErrors,
    ContentProblem,
    ContentWarning,
    display_path,
    no_content_folder,
)

# buyerkit's own page templates, by name: what content/theme/templates may override.
TEMPLATES = frozenset(p.name for p in (Path(__file__).parents[1] / "pages" / "templates")
                      .glob("*.html"))


@dataclass(frozen=True)
class Catalog:
    """Everything the views need from content/, validated; built once per app."""

    root: Path
    site: Site
    diagnostics: Mapping[str, Diagnostic] = field(default_factory=dict)
    calculators: Mapping[str, Compiled] = field(default_factory=dict)
    guides: Mapping[str, Guide] = field(default_factory=dict)
    pricing: Pricing | None = None
    comparison: Comparison | None = None
    targets: tuple[Target, ...] = ()
    references: Mapping[str, Reference] = field(default_factory=dict)
    brand: BrandFiles = field(default_factory=BrandFiles)
    warnings: tuple[ContentWarning, ...] = ()  # printed by check and serve (--strict: errors)
    # Languages (docs/languages.md): this view's language, the source files it shows in the
    # default language for want of a translation, and the other languages' views.
    language: str = ""
    fallbacks: frozenset[str] = frozenset()
    partly: frozenset[str] = frozenset()  # translated, but some texts fell back (a warning)
    views: Mapping[str, Catalog] = field(default_factory=dict)

    def in_language(self, lang: str | None) -> Catalog:
        """The same content with its texts in `lang` (this view for an unknown language)."""
        return self.views.get(lang or "", self)

    def story_media(self) -> frozenset[str]:
        """Every customer story's media files, in every language (a story's translation may
        name captions of its own): what /customers/files/ serves and the freeze writes."""
        return frozenset(name for view in (self, *self.views.values())
                         for r in view.references.values() for name in r.media)


def _check_diagnostic(src: Source, d: Diagnostic, problems: list[ContentProblem]) -> None:
    """Cross-field rules a schema cannot say: unique ids, known reasons, options that fit."""
    reasons = set(d.scoring.reasons)
    for code in REQUIRED_REASONS:
        if code not in reasons:
            problems.append(src.problem(("scoring", "reasons"),
                                        f"scoring.reasons: missing reason '{code}'"))
    for verdict in ("fit", "not_now", "not_a_fit"):
        for ai, alt in enumerate(getattr(d.outcomes, verdict).alternatives):
            for ri, code in enumerate(alt.for_reasons):
                if code not in reasons:
                    problems.append(src.problem(
                        ("outcomes", verdict, "alternatives", ai, "for_reasons", ri),
                        f"unknown reason '{code}': add it to scoring.reasons"))
    seen_steps: set[str] = set()
    seen_q: set[str] = set()
    for si, step in enumerate(d.steps):
        if step.id in seen_steps:
            problems.append(src.problem(("steps", si, "id"), f"duplicate step id '{step.id}'"))
        seen_steps.add(step.id)
        for qi, q in enumerate(step.questions):
            qloc = ("steps", si, "questions", qi)
            if q.id in seen_q:
                problems.append(src.problem((*qloc, "id"), f"duplicate question id '{q.id}'"))
            seen_q.add(q.id)
            if q.records == "roles" and q.kind != "multi":
                problems.append(src.problem((*qloc, "records"),
                                            "records: roles needs a question of kind multi"))
            if q.records not in (None, "roles") and q.kind != "single":
                problems.append(src.problem(
                    (*qloc, "records"), f"records: {q.records} needs a question of kind single"))
            values: set[str] = set()
            for oi, o in enumerate(q.options):
                oloc = (*qloc, "options", oi)
                if o.value in values:
                    problems.append(src.problem((*oloc, "value"),
                                                f"duplicate option value '{o.value}'"))
                values.add(o.value)
                if o.points and q.scores not in ("problem", "profile"):
                    problems.append(src.problem((*oloc, "points"),
                                                "points count only in a question that scores "
                                                "problem or profile"))
                if o.bucket and q.scores != "problem":
                    problems.append(src.problem((*oloc, "bucket"),
                                                "bucket belongs in a question that scores problem"))
                if o.trigger and q.scores != "urgency":
                    problems.append(src.problem(
                        (*oloc, "trigger"), "trigger belongs in a question that scores urgency"))
                if o.exclusive and q.kind != "multi":
                    problems.append(src.problem((*oloc, "exclusive"),
                                                "exclusive applies only to a multi question"))
                for attr in ("reason", "disqualifies"):
                    code = getattr(o, attr)
                    if code and code not in reasons:
                        problems.append(src.problem((*oloc, attr),
                                                    f"unknown reason '{code}': add it to "
                                                    "scoring.reasons"))


def _check_links(path: Path, d: Diagnostic, guides: Mapping[str, Guide],
                 calculators: Mapping[str, Compiled], has: set[str],
                 problems: list[ContentProblem], diagnostics: Collection[str] = ()) -> None:
    """Every `[words](target)` in an outcome's steps leads to a page the content has."""
    src: Source | None = None
    for verdict in ("fit", "not_now", "not_a_fit"):
        o = getattr(d.outcomes, verdict)
        for field_name in ("steps", "watch_for"):
            for i, text in enumerate(getattr(o, field_name)):
                for m in LINK.finditer(text):
                    why = target_problem(m.group(2), guides, calculators, has, diagnostics)
                    if why:
                        src = src or load_yaml(path, [])
                        problems.append(src.problem(("outcomes", verdict, field_name, i), why))


def load_diagnostic(path: Path, problems: list[ContentProblem]) -> Diagnostic | None:
    """Load one diagnostic; its slug is its file name."""
    src = load_yaml(path, problems)
    before = len(problems)
    d = validate(src, Diagnostic, problems)
    if d is None:
        return None
    check_slug_name(src, problems)
    d = d.model_copy(update={"slug": path.stem})
    _check_diagnostic(src, d, problems)
    check_branching(src, d, problems)
    return d if len(problems) == before else None


def load_targets(path: Path, problems: list[ContentProblem]) -> tuple[Target, ...]:
    """The target account list (optional file); each domain may appear once."""
    if not path.is_file():
        return ()
    src = load_yaml(path, problems)
    parsed = validate(src, Targets, problems)
    if parsed is None:
        return ()
    seen: dict[str, int] = {}
    for i, t in enumerate(parsed.targets):
        if t.domain in seen:
            problems.append(src.problem(("targets", i, "domain"),
                                        f"duplicate domain '{t.domain}' (also target "
                                        f"{seen[t.domain] + 1})"))
        seen.setdefault(t.domain, i)
    return parsed.targets


def load_catalog(root: Path, *, analyse: bool = True) -> Catalog:
    """Load and validate content/; raise ContentErrors listing every problem found.

    `analyse` runs the exact analysis of the diagnostics (Catalog.warnings); off only to
    measure what it costs (tools/bench_check.py)."""
    root = Path(root)
    if not root.is_dir():
        raise no_content_folder(root)
    token = CONTENT_ROOT.set(root.resolve())  # read_text refuses links out of it
    try:
        catalog = _load_catalog(root)
        if analyse:
            catalog = replace(catalog, warnings=catalog.warnings + catalog_warnings(
                root, catalog.site, catalog.diagnostics))
        return catalog
    finally:
        CONTENT_ROOT.reset(token)


def _load_catalog(root: Path) -> Catalog:
    problems: list[ContentProblem] = []
    site_path = root / "site.yaml"
    site = None
    if not site_path.is_file():
        problems.append(ContentProblem(display_path(site_path), 1, 1, "file is missing"))
    else:
        site_src = load_yaml(site_path, problems)
        site = validate(site_src, Site, problems)

    diagnostics: dict[str, Diagnostic] = {}
    for path in sources(root / "diagnostics", "*.yaml"):
        d = load_diagnostic(path, problems)
        if d is not None:
            diagnostics[d.slug] = d

    calculators: dict[str, Compiled] = {}
    for path in sources(root / "calculators", "*.yaml"):
        c = load_calculator(path, problems)
        if c is not None:
            calculators[c.slug] = c
    guides = load_guides(root, problems)
    pricing = load_pricing(root, problems)
    comparison = load_comparison(root, problems)

    if site is not None:
        for i, p in enumerate(site.problems):
            if p.diagnostic and not (root / "diagnostics" / f"{p.diagnostic}.yaml").is_file():
                problems.append(site_src.problem(("problems", i, "diagnostic"),
                                                 f"unknown diagnostic '{p.diagnostic}'"))
            d = diagnostics.get(p.diagnostic or "")
            for qid, value in p.answers.items():
                q = d.question(qid) if d else None
                if d and (q is None or value not in {o.value for o in q.options}):
                    problems.append(site_src.problem(
                        ("problems", i, "answers", qid),
                        f"'{qid}: {value}' is not a question and answer of '{d.slug}'"))
    has = {name for name, v in (("pricing", pricing), ("compare", comparison)) if v}
    files = {p.stem for p in sources(root / "diagnostics", "*.yaml")}  # broken ones too
    for slug, d in diagnostics.items():
        _check_links(root / "diagnostics" / f"{slug}.yaml", d, guides, calculators, has,
                     problems, files)
    if site is not None:
        check_profile(site_src, site, diagnostics, problems)
    targets = load_targets(root / "targets.yaml", problems)
    references = load_references(root, diagnostics, problems)
    if site is not None:
        check_citations(root, calculators, references, problems, site.default_language,
                        site.languages)
    brand = load_brand(root, site_src, site.brand, TEMPLATES, problems) if site else BrandFiles()
    texts, missing = {}, []
    if site is not None:
        unlisted = check_names(root, site.languages, problems)
        # translations are checked even when a source is broken: every error in one run
        texts, missing = build_languages(root, site, diagnostics, calculators, guides,
                                         problems, pricing, comparison, references)
        missing = unlisted + missing
    if problems:
        raise ContentErrors(problems)
    assert site is not None
    base = Catalog(root=root.resolve(), site=site,
                   diagnostics=MappingProxyType(diagnostics),
                   calculators=MappingProxyType(calculators), guides=guides,
                   pricing=pricing, comparison=comparison, targets=targets,
                   references=references, brand=brand, warnings=tuple(missing),
                   language=site.default_language)
    views = {lang: replace(base, site=t.site, diagnostics=t.diagnostics,
                           calculators=t.calculators, guides=t.guides, language=lang,
                           pricing=t.pricing, comparison=t.comparison, references=t.references,
                           fallbacks=t.fallbacks, partly=t.partly, warnings=())
             for lang, t in texts.items()}
    return replace(base, views=MappingProxyType(views))


def init_app(app: Flask) -> None:
    """Load content once at start-up; a broken content folder stops the app with its errors."""
    app.extensions["buyerkit.catalog"] = load_catalog(Path(app.config["CONTENT_DIR"]))


def get_catalog() -> Catalog:
    """The content in the language of the page being served (its URL prefix, which
    pages/languages.py keeps in the request's environ)."""
    catalog = current_app.extensions["buyerkit.catalog"]
    if has_request_context() and catalog.views:
        return catalog.in_language(request.environ.get("buyerkit.lang"))
    return catalog
