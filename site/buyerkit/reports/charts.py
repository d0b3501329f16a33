"""Charts drawn on the server as SVG markup: no script, no third-party request, and the
numbers are in the table next to each chart (the SVG has a text alternative too).

Drawn in a 360-unit-wide box so that on a 360 px phone one unit is about one pixel and the
13-unit labels stay 13 px; on a laptop the CSS caps the width, so text grows at most 2x."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

from buyerkit.reports.i18n import ENGLISH, count_text, language, short_day
from buyerkit.reports.suppress import is_shown
from buyerkit.reports.tables import Bar, fmt

WIDTH, ROW, LABEL_W, PAD = 360, 30, 164, 6


def _short(text: str, limit: int = 21) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _summary(bars: Sequence[Bar]) -> str:
    english = language() == ENGLISH
    return "; ".join(f"{b.label}: {b.value if english else fmt(b.value, 'count')}"
                     for b in bars)


def bar_chart(title: str, bars: Sequence[Bar]) -> Markup:
    """A horizontal bar chart; hidden values get no bar and say what they are."""
    bars = list(bars)
    if not bars:
        return Markup("")
    top = max([b.value for b in bars if is_shown(b.value)] or [1]) or 1
    height = ROW * len(bars) + PAD * 2
    plot = WIDTH - LABEL_W - 46
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}: {escape(_summary(bars))}" '
             f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, b in enumerate(bars):
        y = PAD + i * ROW
        parts.append(f'<text class="chart-label" x="{LABEL_W - 6}" y="{y + 19}" '
                     f'text-anchor="end">{escape(_short(b.label))}</text>')
        if is_shown(b.value):
            w = max(1, round(plot * b.value / top)) if b.value else 0
            parts.append(f'<rect class="bar bar-{escape(b.tone)}" x="{LABEL_W}" y="{y + 5}" '
                         f'width="{w}" height="{ROW - 10}" rx="2"/>')
            text, x = count_text(b.value), LABEL_W + w + 4
        else:
            text, x = fmt(b.value, "count"), LABEL_W + 4
        parts.append(f'<text class="chart-value" x="{x}" y="{y + 19}">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_chart(title: str, bars: Sequence[Bar]) -> Markup:
    """Vertical bars over weeks (oldest left), each with its value above it and every other
    week's date below; a hidden week draws no bar and shows its marker."""
    bars = list(bars)
    if not bars:
        return Markup("")
    top = max([b.value for b in bars if is_shown(b.value)] or [1]) or 1
    height, base, left = 190, 150, 4
    step = (WIDTH - left * 2) / len(bars)
    every = 1 if len(bars) <= 6 else 2 if len(bars) <= 14 else 4
    parts = [f'<svg class="chart trend" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}: {escape(_summary(bars))}" '
             f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<line class="axis" x1="{left}" y1="{base}" x2="{WIDTH - left}" y2="{base}"/>']
    for i, b in enumerate(bars):
        x = left + i * step
        mid = x + step / 2
        if is_shown(b.value):
            h = round(112 * b.value / top) if b.value else 0
            parts.append(f'<rect class="bar bar-{escape(b.tone)}" x="{x + step * 0.15:.1f}" '
                         f'y="{base - h}" width="{step * 0.7:.1f}" height="{h}" rx="2"/>')
            text, y = count_text(b.value), base - h - 5
        else:
            text, y = fmt(b.value, "count"), base - 5
        parts.append(f'<text class="chart-value" x="{mid:.1f}" y="{y}" '
                     f'text-anchor="middle">{escape(text)}</text>')
        if (len(bars) - 1 - i) % every == 0:
            at = min(max(mid, 24), WIDTH - 24)  # a label at the edge stays inside the box
            parts.append(f'<text class="chart-label" x="{at:.1f}" y="{base + 20}" '
                         f'text-anchor="middle">{escape(_day(b.label))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(label: str) -> str:
    """'2026-03-02…' as '2 Mar' (the week's first day)."""
    try:
        if language() != ENGLISH:
            return short_day(date.fromisoformat(label[:10]))
        return f"{int(label[8:10])} {MONTHS[int(label[5:7]) - 1]}"
    except (ValueError, IndexError):
        return _short(label, 8)
