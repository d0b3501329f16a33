"""Content translations beside their source: `guides/cfo.de.md`, `diagnostics/x.de.yaml`.

A YAML translation holds only the source's texts, in the source's shape: lists of items with an
`id` (or an option's `value`) list the same ids in the same order, other lists the same number
of items. Formulas, scoring, numbers and switches are never translated: a translation that
states one is refused, so the same answers give the same verdict and signals in every
language. Pricing and the comparison are held to the source's figures too (a price may be
written the language's way, never changed). A guide's or a customer story's translation is a
whole file whose settings and facts equal the source's. docs/languages.md explains it all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel import Locale

from buyerkit.content.figures import figure_problem
from buyerkit.content.honesty import _allowed
from buyerkit.content.loading import Loc, Source, load_yaml, read_text
from buyerkit.content.numbers import LANGUAGES
from buyerkit.errors import ContentProblem, ContentWarning

# `name.xx.yaml` / `name.xx.md`: a translation of `name.yaml` / `name.md` into language xx.
TRANSLATION = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)"
                         r"\.(?P<ext>yaml|md)$")
ID_KEYS = ("id", "value")  # how list items are matched with the source's
# Keys that are never translated, per kind of file (what scores, computes or switches).
FIXED: dict[str, frozenset[str]] = {
    "site": frozenset({"base_url", "url", "number", "bucket", "diagnostic", "answers",
                       "we_solve", "channels", "brand", "embed", "languages", "untranslated",
                       "default_language", "source", "medium",
                       "campaign", "network", "handle", "file"}),
    "diagnostic": frozenset({"points", "bucket", "trigger", "reason", "disqualifies",
                             "exclusive", "kind", "required", "scores", "records", "thresholds",
                             "minutes", "for_reasons", "show_contact", "url", "show_if"}),
    "calculator": frozenset({"formula", "when", "format", "compare", "min", "max", "step",
                             "default", "value", "factors", "currency", "payback", "months",
                             "breakeven", "chart", "kind", "story"}),  # story: a slug
    "pricing": frozenset({"highlight"}),
    "comparison": frozenset({"kind", "url"}),
}
# Kinds whose every text keeps the source's figures (prices, limits, percentages, counts).
FIGURED = frozenset({"pricing", "comparison"})
WHY = {"diagnostic": "scoring is the same in every language",
       "calculator": "formulas and numbers are the same in every language",
       "site": "settings are the same in every language",
       "pricing": "plans and prices are the same in every language",
       "comparison": "the alternatives are the same in every language"}


def is_translation(path: Path) -> bool:
    """True for `name.xx.ext`: a file that translates `name.ext` rather than a source."""
    return TRANSLATION.match(path.name) is not None


def sources(folder: Path, pattern: str) -> list[Path]:
    """The source files of a folder (translations beside them left out), sorted."""
    return [p for p in sorted(folder.glob(pattern)) if not is_translation(p)]


def translation_path(source: Path, lang: str) -> Path:
    """Where `source`'s translation into `lang` sits: `name.lang.ext` beside it."""
    return source.with_name(f"{source.stem}.{lang}{source.suffix}")


def check_names(root: Path, languages: tuple[str, ...],
                problems: list[ContentProblem]) -> list[ContentWarning]:
    """A translation file in a language buyerkit does not know, or of no source: an error;
    in a language the site does not list (yet): a warning, and the file is not read."""
    warnings: list[ContentWarning] = []
    for path in sorted(root.rglob("*.*")):
        m = TRANSLATION.match(path.name)
        if not m or "theme" in path.relative_to(root).parts or "media" in path.parts:
            continue
        src = Source(path)
        lang = m.group("lang")
        if lang not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            problems.append(src.problem((), f"unknown language code '{lang}' in the file name "
                                        f"(buyerkit knows {known})"))
        elif lang not in languages:
            warnings.append(ContentWarning(src.name, 1, 1, f"'{lang}' is not one of site.yaml's "
                                           "languages: add it there, or remove this file"))
        elif not path.with_name(f"{m.group('stem')}.{m.group('ext')}").is_file():
            problems.append(src.problem((), f"translates '{m.group('stem')}.{m.group('ext')}', "
                                        "which does not exist"))
    return warnings


def field_name(loc: Loc) -> str:
    """`tiers[2].price` for ("tiers", 1, "price"): list items counted from 1, as people do."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def has_text(value: Any, kind: str) -> bool:
    """True when `value` holds something a person reads: a non-empty string anywhere in it,
    outside the fields that are never translated (FIXED) and the ids. A name or an address
    that stays the same is still restated: the translation shows every text it means."""
    if isinstance(value, str):  # one without a letter ("%", "—") reads alike everywhere
        return any(c.isalpha() for c in value)
    if isinstance(value, Mapping):
        return any(has_text(v, kind) for k, v in value.items()
                   if k not in FIXED[kind] and k not in ID_KEYS)
    if isinstance(value, list):
        return any(has_text(v, kind) for v in value)
    return False


def _merge(source: Any, text: Any, loc: Loc, tr: Source, kind: str,
           problems: list[ContentProblem], langs: tuple[str, str] | None = None,
           gaps: list[Loc] | None = None) -> Any:
    """The source with the translation's texts laid over it; every difference in shape, id or
    fixed value is a located problem in the translation, every text of the source the
    translation leaves out goes to `gaps`. With `langs` (the source's and the translation's
    language) every text must also state the source's figures."""
    if isinstance(source, Mapping):
        if not isinstance(text, Mapping):
            problems.append(tr.problem(loc, "expected the same fields as the source here"))
            return source
        if gaps is not None:
            gaps.extend((*loc, key) for key, value in source.items()
                        if key not in text and key not in FIXED[kind] and key not in ID_KEYS
                        and has_text(value, kind))
        out = dict(source)
        for key, value in text.items():
            here = (*loc, key)
            if key in FIXED[kind] and key not in ID_KEYS:
                problems.append(tr.problem(here, f"'{key}' is never translated ({WHY[kind]}): "
                                           "remove it", key=True))
            elif key not in source:
                problems.append(tr.problem(here, f"'{key}' is not in the source: a translation "
                                           "holds only the source's texts", key=True))
            elif key in ID_KEYS:
                if value != source[key]:
                    problems.append(tr.problem(here, f"{key} '{value}' differs from the "
                                               f"source's '{source[key]}'"))
            else:
                out[key] = _merge(source[key], value, here, tr, kind, problems, langs, gaps)
        return out
    if isinstance(source, list):
        if not isinstance(text, list):
            problems.append(tr.problem(loc, "expected a list, like the source"))
            return source
        keyed = [next((k for k in ID_KEYS if isinstance(i, Mapping) and k in i), None)
                 for i in source]
        if source and all(keyed) and all(isinstance(i, Mapping) for i in text):
            want = [i[k] for i, k in zip(source, keyed, strict=True)]
            got = [i.get(k) for i, k in zip(text, keyed, strict=False)]
            got += [i.get(keyed[-1]) for i in text[len(source):]]  # items the source lacks
            if got != want:
                name = "answer values" if keyed[0] == "value" else "ids"
                problems.append(tr.problem(loc, f"{name} differ from the source: expected "
                                           f"{', '.join(map(str, want))}; found "
                                           f"{', '.join(map(str, got))}"))
                return source
        elif source and all(isinstance(i, Mapping) for i in source) and len(text) != len(source):
            problems.append(tr.problem(loc, f"{len(text)} items here, {len(source)} in the "
                                       "source: translate each one, in order"))
            return source
        elif not source or not isinstance(source[0], Mapping):  # a list of texts: translated
            _figures(source, text, loc, tr, problems, langs)  # as a whole
            return list(text)
        return [_merge(s, t, (*loc, i), tr, kind, problems, langs, gaps)
                for i, (s, t) in enumerate(zip(source, text, strict=True))]
    if isinstance(text, Mapping | list):
        problems.append(tr.problem(loc, "expected a text here, like the source"))
        return source
    _figures(source, text, loc, tr, problems, langs)
    return text


def _figures(source: Any, text: Any, loc: Loc, tr: Source, problems: list[ContentProblem],
             langs: tuple[str, str] | None) -> None:
    """A located problem when a translated text (or list of texts) changes a figure."""
    if langs is None:
        return
    if isinstance(source, list) and isinstance(text, list):
        if not all(isinstance(x, str) for x in (*source, *text)):
            return
    elif not (isinstance(source, str) and isinstance(text, str)):
        return
    why = figure_problem(source, langs[0], text, langs[1])
    if why:
        problems.append(tr.problem(loc, f"{field_name(loc)}: {why}"))


def overlay(source: Source, path: Path, kind: str, problems: list[ContentProblem],
            source_lang: str = "en", warnings: list[ContentWarning] | None = None,
            ) -> Source | None:
    """The source's data with the translation at `path` laid over it, located in the
    translation (None when the translation has a problem). Kinds in FIGURED also keep the
    source's figures (`source_lang` says how the source writes numbers). Each text of the
    source the translation leaves out is a warning in `warnings` (see untranslated())."""
    before = len(problems)
    tr = load_yaml(path, problems)
    if len(problems) > before:
        return None
    if tr.data is None:
        problems.append(tr.problem((), "the translation is empty"))
        return None
    m = TRANSLATION.match(path.name)
    langs = (source_lang, m.group("lang")) if kind in FIGURED and m else None
    gaps: list[Loc] = []
    merged = _merge(source.data, tr.data, (), tr, kind, problems, langs, gaps)
    if len(problems) > before:
        return None
    if warnings is not None and m:
        warnings += untranslated(tr, gaps, source_lang, m.group("lang"))
    return Source(path, merged, tr.values, tr.keys, tr.line_offset)


def untranslated(tr: Source, gaps: list[Loc], source_lang: str,
                 lang: str) -> list[ContentWarning]:
    """A warning per text the translation leaves out, at the item that lacks it (kind
    `untranslated`: silenced by `# allow untranslated: why` on that line or the one above)."""
    names = Locale.parse("en").languages
    lines = (read_text(tr.path, []) or "").splitlines()
    out = []
    for loc in gaps:
        line, col = tr.where(loc[:-1])
        allowed = _allowed(lines, line, "untranslated")
        if allowed:
            continue
        hint = " (an allow comment must say why: '# allow untranslated: …')" \
            if allowed is None else ""
        out.append(ContentWarning(
            tr.name, line, col,
            f"'{field_name(loc)}' is not translated: /{lang}/ pages show the "
            f"{names.get(source_lang, source_lang)} text [untranslated]{hint}"))
    return out
