"""The figures in a text (prices, percentages, counts), so a translation can be held to the
source's: `$2,000 a month` may read `2.000 $ im Monat`, never `1.800 $` or `2.000 €`.

A figure is a number with its sign, currency and percent sign, read the way its language
writes numbers (Babel's group and decimal symbols: `1,500.5` in English is `1.500,5` in
German). Figures are compared as a multiset, so a translation may reorder a sentence; numbers
written as words ("three") are prose and not checked. docs/languages.md explains the rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale

_CODES = {"USD": "$", "EUR": "€", "GBP": "£"}  # a code stands for its symbol
FIGURE = re.compile(
    r"(?P<sign>(?<![\w)])[-−+±])?"
    r"(?:(?P<pre>[$€£]|\b(?:USD|EUR|GBP)\b)[ \u00a0]?)?"
    r"(?P<num>\d(?:[\d.,]*\d)?)"
    r"(?:[ \u00a0\u202f]?(?P<post>[$€£%]|\b(?:USD|EUR|GBP)\b))?")

Figure = tuple[str, str, Decimal | str]  # (sign, unit, value)


@cache
def _symbols(lang: str) -> tuple[str, str]:
    """The language's group and decimal symbols (`,` and `.` in English)."""
    symbols = Locale.parse(lang).number_symbols["latn"]
    return symbols["group"], symbols["decimal"]


def _value(num: str, lang: str) -> Decimal | str:
    group, decimal = _symbols(lang)
    plain = num.replace(group, "").replace(decimal, ".")
    try:
        return Decimal(plain)
    except InvalidOperation:  # "1.2.3": not a number the language writes; compare the digits
        return re.sub(r"\D", "", num)


def figures(text: str, lang: str) -> list[tuple[Figure, str]]:
    """Each figure in `text` with how it is written there, in order."""
    out = []
    for m in FIGURE.finditer(text):
        unit = m.group("pre") or m.group("post") or ""
        sign = (m.group("sign") or "").replace("−", "-")
        out.append(((sign, _CODES.get(unit, unit), _value(m.group("num"), lang)),
                    m.group(0).strip()))
    return out


def figure_problem(source: str | Iterable[str], source_lang: str, text: str | Iterable[str],
                   lang: str) -> str | None:
    """Why `text` (in `lang`) does not state the figures of `source`, or None when it does."""
    src = figures(source if isinstance(source, str) else "\n".join(source), source_lang)
    got = figures(text if isinstance(text, str) else "\n".join(text), lang)
    if Counter(f for f, _ in src) == Counter(f for f, _ in got):
        return None

    def listed(found: list[tuple[Figure, str]]) -> str:
        return ", ".join(f"'{w}'" for _, w in found) or "none"

    return (f"figures differ from the source: expected {listed(src)}; found {listed(got)} "
            "(numbers and prices are the same in every language, written the language's way)")
