"""A report as data: tables of typed columns, rendered the same way for the page, CSV, JSON
and the terminal, so every export says exactly what the page says."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "count", "rate", "money", "number", "change"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "count"


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a label and a shown count (hidden cells are drawn as no bar)."""

    label: str
    value: Any
    tone: str = "neutral"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""
    chart: tuple[Bar, ...] = ()
    chart_title: str = ""

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip((c.key for c in self.columns), r, strict=True)) for r in self.rows]


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    summary: str
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def fmt(value: Any, kind: Kind) -> str:
    """A cell as text in the language being written (reports/i18n.py): `<5` and `hidden` as
    they are (translated), rates as percentages, money to cents."""
    from buyerkit.reports.i18n import ENGLISH, count_text, decimal_text, language, percent_text

    lang = language()
    if value is None:
        return "–"
    if isinstance(value, str):
        if value.endswith("+") and value[:-1].isdigit():
            return f"{count_text(int(value[:-1]), lang)}+"
        return marker(value) if lang != ENGLISH else value
    if kind == "rate":
        return percent_text(value, lang)
    if kind == "money":
        return decimal_text(value, 2, lang)
    if kind == "change":
        if isinstance(value, int):
            return f"{value:+,}" if lang == ENGLISH else decimal_text(value, 0, lang, sign=True)
        return decimal_text(round(value, 1) + 0.0, 1, lang, sign=True)
    if kind == "number":
        return decimal_text(value, 1, lang) if isinstance(value, float) else count_text(value, lang)
    return count_text(value, lang) if isinstance(value, int) else str(value)


def marker(value: str) -> str:
    """The suppression markers in the page's language ("<5" stays; "hidden" is a word)."""
    from flask_babel import gettext

    return gettext("hidden") if value == "hidden" else value


def _raw(value: Any, kind: Kind) -> str:
    """A CSV cell: plain numbers (rates as fractions to 4 places), `<5` and `hidden` as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}" if kind == "rate" else f"{value:.2f}"
    return str(value)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_raw(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return out.getvalue()


def to_json(reports: Sequence[Report], meta: dict[str, Any]) -> str:
    data = {**meta, "reports": [
        {"key": r.key, "title": r.title, "notes": list(r.notes), "tables": [
            {"key": t.key, "title": t.title, "note": t.note,
             "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
             "rows": t.records()} for t in r.tables]} for r in reports]}
    return json.dumps(data, indent=2, sort_keys=False) + "\n"


def as_read(table: Table) -> Table:
    """A table as a person reads it: where its rows say their own kind (the headline's
    `kind` column: a count or a rate), each row's figures are written in that kind, as the
    page writes them, and the column itself is left out (CSV and JSON keep it)."""
    keys = [c.key for c in table.columns]
    if "kind" not in keys:
        return table
    from flask_babel import gettext

    at = keys.index("kind")
    columns = tuple(c for c in table.columns if c.key != "kind")

    def cell(v: Any, c: Column, kind: Kind) -> Any:
        if c.kind == "text":
            return v
        if c.kind == "change" and kind == "rate" and v is not None:  # as the page says it
            return gettext("%(change)s points", change=fmt(v, "change"))
        return fmt(v, kind if c.kind == "count" else c.kind)

    rows = [tuple(cell(v, c, row[at]) for i, (v, c) in
                  enumerate(zip(row, table.columns, strict=True)) if i != at)
            for row in table.rows]
    return Table(table.key, table.title, columns, tuple(rows), table.note)  # fmt keeps text


def to_text(reports: Sequence[Report]) -> str:
    """Aligned plain-text tables for the terminal, every cell as the page writes it."""
    lines: list[str] = []
    for r in reports:
        lines += [r.title, "=" * len(r.title)]
        for t in map(as_read, r.tables):
            lines += ["", t.title, "-" * len(t.title)]
            cells = [[c.label for c in t.columns]] + [
                [fmt(v, c.kind) for v, c in zip(row, t.columns, strict=True)] for row in t.rows]
            widths = [max(len(row[i]) for row in cells) for i in range(len(t.columns))]
            for n, row in enumerate(cells):
                lines.append("  ".join(
                    v.ljust(w) if c.kind == "text" else v.rjust(w)
                    for v, w, c in zip(row, widths, t.columns, strict=True)).rstrip())
                if n == 0:
                    lines.append("  ".join("-" * w for w in widths))
            if not t.rows:
                lines.append("(no signals in this range)")
            if t.note:
                lines.append(t.note)
        for note in r.notes:
            lines += ["", note]
        lines.append("")
    return "\n".join(lines) + "\n"
