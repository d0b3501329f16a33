"""What the signals say, in sentences at the top of the overview: the channel that brings the
most fit prospects (and at what cost), where and why prospects bounce, and the buying groups
forming. Every number is a cell the other reports show; nothing hidden is used."""

from __future__ import annotations

from typing import Any

from buyerkit.reports.state import DIRECT, NONE
from buyerkit.reports.suppress import is_shown, total, value
from buyerkit.reports.tables import Column, Report, Table, fmt


def _best(rows: list[tuple[Any, ...]], index: int) -> tuple[Any, ...] | None:
    shown = [r for r in rows if is_shown(r[index]) and r[index] > 0]
    return max(shown, key=lambda r: r[index]) if shown else None


def _named(row: tuple[Any, ...]) -> str:
    """A channel as a sentence names it: "Direct visits", else its source / medium / campaign
    without the "(none)" placeholders the Channels table keeps for its columns."""
    if tuple(row[:3]) == DIRECT:
        return "Direct visits (no campaign tag, no referrer)"
    return " / ".join(part for part in row[:3] if part != NONE)


def _said(cell: Any) -> str:
    """A total in a sentence: exact when every cell behind it is shown, else what is known
    ("at least 8"; "a few" when every contributing cell is a small or hidden one)."""
    if is_shown(cell):
        return f"{cell:,}"
    return f"at least {value(cell):,}" if value(cell) else "a few"


def highlights(steps: Table, channels: Report, bounces: Report, groups: Report) -> Table:
    rows: list[tuple[str, str]] = []
    ch = list(channels.tables[0].rows[:-1])
    best = _best(ch, 5)
    if best:
        cost = f", at {fmt(best[8], 'money')} per fit prospect" if best[8] is not None else ""
        rate = f" ({fmt(best[6], 'rate')} of its completed journeys)" if best[6] is not None \
            else ""
        rows.append(("Which channel brings fit prospects?",
                     f"{_named(best)}: {best[5]:,} fit prospects{rate}{cost}."))
    priced = [r for r in ch if r[8] is not None]
    if priced:
        cheap = min(priced, key=lambda r: r[8])
        rows.append(("Where does a fit prospect cost least?",
                     f"{_named(cheap)}: {fmt(cheap[8], 'money')} per fit prospect."))
    rules = list(bounces.tables[0].rows)
    top = _best(rules, 1) or _best(rules, 2)
    if top:
        stage = "identifying the problem" if is_shown(top[1]) and (
            not is_shown(top[2]) or top[1] >= top[2]) else "examining solutions"
        rows.append(("Why do prospects bounce?",
                     f"Most often: {top[0].lower()} — mostly while {stage}. Each one found "
                     "out early, before costing anyone's time."))
    step = _best(list(steps.rows), 1)
    if step:
        rows.append(("Where do prospects leave mid-way?",
                     f"{step[0]}: {step[1]:,} journeys left there."))
    grp = groups.tables[0].rows
    forming = total([r[1] for r in grp])
    if forming != 0:
        wide = _said(total([r[1] for r in grp if r[0] not in ("0", "1", "2")]))
        cfo, security = (_said(total([r[i] for r in grp])) for i in (6, 7))
        rows.append(("Which buying groups are forming?",
                     f"{_said(forming).capitalize()} groups shared material; {wide} have 3 "
                     f"or more roles engaged, {cfo} read the CFO guide, {security} asked for "
                     "the security review."))
    if not rows:
        rows.append(("What do the signals say?", "Too few signals in this range to say yet."))
    return Table("highlights", "What the signals say",
                 (Column("question", "Question", "text"), Column("answer", "Answer", "text")),
                 tuple(rows), note="Built only from cells the other reports show.")
