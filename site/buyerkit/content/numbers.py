"""Numbers as a reader of a site language writes them: money, percentages, counts and dates.

The server formats with Babel (CLDR patterns); static/formula.js formats with
Intl.NumberFormat and the same options, and tests/content/vectors/locales.json holds the
strings both must produce. Rounding is done before either library sees the number (half away
from zero, as content/calculation.py always did), so the libraries only place separators,
signs and symbols, which is where the locales differ.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import NumberPattern, parse_pattern

# The language codes buyerkit ships interface text for (translations/<code>/), by the name a
# reader of that language gives it. site.yaml may list only these.
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"

# Content gives a calculator's currency as a symbol or an ISO 4217 code; the locale decides
# where the symbol goes, so it needs the code.
CURRENCY_CODES: dict[str, str] = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
                                  "CHF": "CHF"}
ISO_CODE = re.compile(r"[A-Z]{3}")

_patterns: dict[tuple[str, str, int], NumberPattern] = {}


def currency_code(currency: str) -> str | None:
    """The ISO 4217 code for a calculator's currency, or None for a symbol we cannot place."""
    if ISO_CODE.fullmatch(currency):
        return currency
    return CURRENCY_CODES.get(currency)


def _pattern(locale: str, kind: str, decimals: int) -> NumberPattern:
    """The locale's CLDR pattern of a kind, showing up to `decimals` decimals (none forced)."""
    key = (locale, kind, decimals)
    if key not in _patterns:
        loc = Locale.parse(locale)
        source = {"decimal": loc.decimal_formats[None], "percent": loc.percent_formats[None],
                  "currency": loc.currency_formats["standard"]}[kind]
        # A new pattern from its text: Babel's own NumberPattern is shared by every caller,
        # and setting its decimals in place changed every other kind's (order-dependent).
        p = parse_pattern(source.pattern)
        p.frac_prec = (0, decimals)
        _patterns[key] = p
    return _patterns[key]


def _decimal(x: float) -> Decimal:
    """The shortest decimal that reads back as x, as Intl.NumberFormat sees a double; no -0."""
    return Decimal(repr(x + 0.0)) if x != 0 else Decimal(0)


def number(x: float, locale: str, decimals: int) -> str:
    """An already rounded number, grouped, with up to `decimals` decimals (zeros cut)."""
    return _pattern(locale, "decimal", decimals).apply(_decimal(x), Locale.parse(locale))


def percent(hundredths: float, locale: str) -> str:
    """A percentage given in hundreds (247.1 for 2.471), already rounded to one decimal."""
    value = _decimal(hundredths) / 100
    return _pattern(locale, "percent", 1).apply(value, Locale.parse(locale))


def money(units: float, currency: str, locale: str) -> str:
    """Whole currency units (already rounded) with the symbol where the locale puts it."""
    code = currency_code(currency)
    if code is None:  # an unknown symbol: in front, as content wrote it
        text = number(abs(units), locale, 0)
        return ("-" if units < 0 else "") + currency + text
    p = _pattern(locale, "currency", 0)
    return p.apply(_decimal(units), Locale.parse(locale), currency=code, currency_digits=False)


def date(day: dt.date, locale: str) -> str:
    """A day in the locale's medium form (Dec 6, 2026 / 06.12.2026); Intl's dateStyle medium."""
    return babel_format_date(day, format="medium", locale=locale)


# --- Typed numbers (docs/languages.md#typed-numbers) -----------------------------------------
# One rule, written the same in static/formula.js (parseNumber, localize): a number in the
# page locale's own symbols (CLDR: Babel here, Intl there). Spaces (plain, no-break, narrow
# no-break) group as well as the locale's group symbol; a percentage field may end in `%`.
SPACES = " \u00a0\u202f"
# What JavaScript's String.prototype.trim() removes (WhiteSpace and LineTerminator), exactly.
TRIMMED = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_TRIM = re.compile(f"^[{TRIMMED}]+|[{TRIMMED}]+\\Z")
_rules: dict[tuple[str, bool], re.Pattern[str]] = {}


@functools.cache
def symbols(locale: str) -> tuple[str, str]:
    """The locale's decimal and group symbols (`.` and `,` in English, `,` and `.` in German)."""
    loc = Locale.parse(locale)
    return loc.number_symbols["latn"]["decimal"], loc.number_symbols["latn"]["group"]


def _rule(locale: str, percent: bool) -> re.Pattern[str]:
    """Sign, whole part (plain digits, or groups of three after a first group not starting
    with 0, one separator throughout), an optional decimal part, `%` for a percentage."""
    key = (locale, percent)
    if key not in _rules:
        decimal, grp = (re.escape(s) for s in symbols(locale))
        suffix = f"(?:[{SPACES}]?%)?" if percent else ""
        _rules[key] = re.compile(
            f"(-?)([1-9][0-9]{{0,2}}([{grp}{SPACES}])[0-9]{{3}}(?:\\3[0-9]{{3}})*|[0-9]+)"
            f"(?:{decimal}([0-9]+))?{suffix}")
    return _rules[key]


def trim(text: str) -> str:
    """`text` without the white space around it, as JavaScript's trim() removes it."""
    return _TRIM.sub("", text)


def parse(text: str, locale: str, percent: bool = False) -> str | None:
    """What a person typed on a page in `locale`, as the machine form (`-1200.50`: no grouping,
    `.` before the decimals, the typed digits kept), or None when it is not such a number."""
    m = _rule(locale, percent).fullmatch(trim(text))
    if m is None:
        return None
    sign, whole, sep, frac = m.groups()
    digits = whole.replace(sep, "") if sep else whole
    return sign + digits + ("." + frac if frac else "")


def localize(machine: str, locale: str) -> str:
    """A machine-form number (`1200.5`) as a reader of `locale` types it (`1.200,5`): the
    whole part grouped by threes, the locale's decimal symbol."""
    decimal, grp = symbols(locale)
    sign = "-" if machine.startswith("-") else ""
    whole, _, frac = machine.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = grp.join([whole, *groups])
    return sign + text + (decimal + frac if frac else "")
