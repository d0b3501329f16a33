"""Bar charts drawn on the server as SVG markup: no script, no third-party request, and the
numbers are in the table next to each chart (the SVG has a text alternative too)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from buyerkit.reports.suppress import is_shown
from buyerkit.reports.tables import Bar

WIDTH, ROW, LABEL_W, PAD = 640, 28, 250, 8


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bar_chart(title: str, bars: Sequence[Bar]) -> Markup:
    """A horizontal bar chart; hidden (`<5`) values get no bar and say so."""
    bars = list(bars)
    if not bars:
        return Markup("")
    top = max([b.value for b in bars if is_shown(b.value)] or [1]) or 1
    height = ROW * len(bars) + PAD * 2
    plot = WIDTH - LABEL_W - 70
    summary = "; ".join(f"{b.label}: {b.value}" for b in bars)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}: {escape(summary)}" '
             f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, b in enumerate(bars):
        y = PAD + i * ROW
        parts.append(f'<text class="chart-label" x="{LABEL_W - 8}" y="{y + 18}" '
                     f'text-anchor="end">{escape(_short(b.label))}</text>')
        if is_shown(b.value):
            w = max(1, round(plot * b.value / top)) if b.value else 0
            parts.append(f'<rect class="bar bar-{escape(b.tone)}" x="{LABEL_W}" y="{y + 4}" '
                         f'width="{w}" height="{ROW - 8}" rx="2"/>')
            text = f"{b.value:,}"
            x = LABEL_W + w + 6
        else:
            text, x = f"{b.value} (hidden)", LABEL_W + 6
        parts.append(f'<text class="chart-value" x="{x}" y="{y + 18}">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
