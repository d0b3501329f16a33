"""What a marketer sets once for the reports: the close rate the pipeline math starts from, and
who gets the weekly digest by e-mail. Kept in one small key/value table of the store (made on
first use, so stores made before it need no migration step)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

settings_md = sa.MetaData()
report_settings = sa.Table(
    "report_settings", settings_md,
    sa.Column("key", sa.String(96), primary_key=True),
    sa.Column("value", sa.String(400), nullable=False),
)
CLOSE_RATE = "pipeline.close_rate"
DIGEST = "digest.to."  # + user name: that user's digest address
YEARLY = re.compile(r"\$\s?([\d,]+(?:\.\d+)?)\s*a year")
MONTHLY = re.compile(r"\$\s?([\d,]+(?:\.\d+)?)\s*a month")


def _ensure(conn: sa.Connection) -> None:
    report_settings.create(conn, checkfirst=True)


def get_all(engine: sa.Engine, prefix: str) -> dict[str, str]:
    """Every setting whose key starts with `prefix` (key without the prefix -> value)."""
    with engine.begin() as conn:
        _ensure(conn)
        rows = conn.execute(sa.select(report_settings).where(
            report_settings.c.key.startswith(prefix, autoescape=True))).all()
    return {r.key[len(prefix):]: r.value for r in rows}


def put(engine: sa.Engine, key: str, value: str | None) -> None:
    """Store a setting (None deletes it)."""
    with engine.begin() as conn:
        _ensure(conn)
        conn.execute(report_settings.delete().where(report_settings.c.key == key))
        if value is not None:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            conn.execute(dialect.insert(report_settings).values(key=key, value=value))


def site_price(catalog: Any) -> tuple[float, str] | None:
    """A yearly price from the pricing page (the highlighted tier, else the first one that
    states one): "$50,400 a year", else 12 x "$4,200 a month"; with the tier's name."""
    pricing = getattr(catalog, "pricing", None)
    tiers = list(getattr(pricing, "tiers", ()) or ())
    tiers.sort(key=lambda t: not getattr(t, "highlight", False))
    for tier in tiers:
        text = f"{tier.billing or ''} {tier.price}" if hasattr(tier, "billing") else tier.price
        if m := YEARLY.search(text):
            return float(m.group(1).replace(",", "")), tier.name
        if m := MONTHLY.search(text):
            return float(m.group(1).replace(",", "")) * 12, tier.name
    return None


def price_source(catalog: Any) -> str:
    found = site_price(catalog)
    return f"the {found[1]} tier on your pricing page, a year" if found else ""


def prefilled(engine: sa.Engine, catalog: Any, args: Mapping[str, str]) -> dict[str, str]:
    """The pipeline form's values: what was typed, else the site's price and the saved close
    rate. A form with no revenue typed is shown prefilled but not worked out."""
    out = {k: v for k, v in args.items()}
    found = site_price(catalog)
    if not (out.get("price") or "").strip() and found:
        out["price"] = f"{found[0]:.0f}"
    if not (out.get("close_rate") or "").strip():
        saved = get_all(engine, CLOSE_RATE).get("")
        if saved:
            out["close_rate"] = saved
    if not (args.get("revenue") or "").strip():
        out["_prefill_only"] = "1"
    return out
