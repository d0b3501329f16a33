"""Synthetic but honest-looking signals for a fresh install and for the benchmark: channels
that bring different personas, verdict mixes that follow the demo diagnostic's rules,
abandonment by step, buying groups that share guides, target accounts, and some bots.

Rows are generated straight in the events table's shape and inserted with executemany in big
transactions; the roll-ups are then rebuilt once (far faster than folding row by row).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from buyerkit.reports import rollups
from buyerkit.signals.company import org_hash
from buyerkit.signals.events import hour_now

# (source, medium, campaign, share of journeys, how much likelier a fit than average)
CHANNELS = (
    ("linkedin", "paid-social", "renewal-forecasting", 0.20, 1.3),
    ("google", "cpc", "churn-prediction", 0.22, 0.9),
    ("newsletter", "email", "cs-weekly", 0.09, 1.5),
    ("g2.com", "referral", "(none)", 0.08, 1.2),
    ("hubspot", "partner", "app-marketplace", 0.07, 1.4),
    ("capterra", "cpc", "cs-software", 0.10, 0.6),
    (None, None, None, 0.24, 1.0),
)
PERSONAS = (("cs_leader", 0.36, 1.4), ("revops", 0.24, 1.2), ("founder", 0.18, 0.6),
            ("finance", 0.10, 0.9), ("other", 0.12, 0.5))
SIZES = (("under_50", 0.18), ("50_199", 0.36), ("200_999", 0.31), ("1000_plus", 0.15))
ABANDON_STEP = ((1, 0.40), (2, 0.28), (3, 0.20), (4, 0.12))
ROLES = ("champion", "cfo", "security", "it", "procurement", "legal", "executive")
TRIGGERS = ("authority_shift", "mandate", "personal_drive")
STEPS = 4


def _pick(rng: random.Random, options: tuple, weight_at: int = 1) -> Any:
    return rng.choices(options, weights=[o[weight_at] for o in options])[0]


_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def _uuid(rng: random.Random) -> str:
    """str(uuid.UUID(int=rng.getrandbits(128), version=4)), without the UUID object (the
    benchmark makes tens of millions)."""
    h = f"{rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _props(**kw: Any) -> str:
    return json.dumps(kw, sort_keys=True, separators=(",", ":"))


_STEP_PROPS = {s: _props(step=s) for s in range(1, STEPS + 1)}


def journeys(rng: random.Random, subject: str, hour: int, orgs: list[str]) -> list[dict]:
    """The events of one diagnostic journey (and the buying group it may start)."""
    source, medium, campaign, _, channel_fit = _pick(rng, CHANNELS, 3)
    referrer = source if medium == "referral" else None
    base = {"subject": subject, "journey": _uuid(rng), "grp": None,
            "source": None if referrer else source, "medium": None if referrer else medium,
            "campaign": None if campaign in (None, "(none)") else campaign,
            "referrer": referrer, "verdict": None, "reasons": None, "bucket": None,
            "trigger": None, "props": None, "org": None, "filtered": None}
    if rng.random() < 0.03:
        base["filtered"] = "bot" if rng.random() < 0.8 else "honeypot"
    rows: list[dict] = []

    def add(kind: str, at: int, **fields: Any) -> None:
        rows.append({**base, "id": _uuid(rng), "kind": kind, "hour": at, **fields})

    add("diagnostic_started", hour)
    if rng.random() < 0.30:
        step = _pick(rng, ABANDON_STEP)[0]
        for s in range(2, step + 1):
            add("step_reached", hour, props=_STEP_PROPS[s])
        add("diagnostic_abandoned", hour, props=_STEP_PROPS[step])
        return rows
    for s in range(2, STEPS + 1):
        add("step_reached", hour, props=_STEP_PROPS[s])
    persona, _, persona_fit = _pick(rng, PERSONAS)
    size = _pick(rng, SIZES)[0]
    billing = rng.choices(("annual", "monthly", "one_off"), weights=(0.6, 0.32, 0.08))[0]
    hosting = "on_prem_only" if rng.random() < 0.05 else "cloud_ok"
    problem_ok = rng.random() < min(0.95, 0.62 * channel_fit * persona_fit)
    bucket = rng.choice(("retain_expand", "retain_expand", "efficiency")) if problem_ok \
        else "acquire"
    trigger = rng.choices((*TRIGGERS, "none"), weights=(0.2, 0.22, 0.25, 0.33))[0]
    if billing == "one_off":
        verdict, reasons = "not_a_fit", ["no_recurring_revenue"]
    elif hosting == "on_prem_only":
        verdict, reasons = "not_a_fit", ["on_premises_only"]
    elif not problem_ok or size == "under_50":
        verdict = "not_a_fit"
        reasons = (["problem_is_acquisition" if rng.random() < 0.7 else "problem_misses"]
                   if not problem_ok else []) + (["too_small_yet"] if size == "under_50" else [])
    elif trigger == "none":
        verdict = "not_now"
        reasons = ["researching_for_later" if rng.random() < 0.6 else "no_trigger",
                   "problem_fits", "profile_fits"]
    else:
        verdict, reasons = "fit", ["problem_fits", f"trigger_{trigger}", "profile_fits"]
    examined = rng.random() < (0.55 if verdict == "fit" else 0.25)
    if examined:
        add("calculator_used", hour, subject="roi",
            props=_props(payback_band=rng.choice(("3_6", "6_12", "12_24")),
                         scenario="expected"))
    grp = _uuid(rng) if verdict == "fit" and rng.random() < 0.45 else None
    base["grp"] = grp
    bands = {"persona": persona, "size": size, "billing": billing, "hosting": hosting}
    add("diagnostic_completed", hour, verdict=verdict, reasons=",".join(reasons),
        bucket=bucket, trigger=trigger, props=_props(bands=bands))
    if grp:
        later = hour + rng.randint(1, 24 * 6)
        roles = rng.sample(ROLES[1:], rng.choices((1, 2, 3, 4, 5), (0.3, 0.3, 0.2, 0.13, 0.07))[0])
        add("guide_shared", hour, subject=roles[0], journey=None, props=_props(
            from_role="champion", means=rng.choice(("copy", "email", "share_sheet"))))
        for role in roles:
            add("guide_viewed", later, subject=role, journey=None,
                props=_props(personalised=True))
        if "security" in roles and rng.random() < 0.6:
            add("security_review_requested", later, subject="security", journey=None)
        if orgs and rng.random() < 0.3:
            add("company_given", hour, org=rng.choice(orgs))
    return rows


def generate(events: int, days: int, seed: int, subject: str, end_hour: int | None = None,
             orgs: list[str] | None = None) -> Iterator[dict]:
    """About `events` rows spread over the last `days` days, with a weekly rhythm."""
    rng = random.Random(seed)
    end = hour_now() if end_hour is None else end_hour
    start = end - days * 24
    made = 0
    while made < events:
        hour = rng.randint(start, end - 1)
        if (hour // 24 + 3) % 7 >= 5 and rng.random() < 0.6:
            continue  # fewer visits at weekends
        for row in journeys(rng, subject, hour, orgs or []):
            if made >= events:
                return
            made += 1
            yield row


def target_orgs(key: str | None, targets: tuple) -> list[str]:
    """Hashes of the target accounts' domains (only when the store has the column)."""
    return [org_hash(key, t.domain) for t in targets] if key else []


def load(engine: sa.Engine, table: sa.Table, rows: Iterator[dict],
         batch: int = 50_000, per_transaction: int = 500_000) -> int:
    """Insert rows in big transactions, then rebuild the roll-ups; return the rows inserted."""
    columns = set(table.c.keys())
    insert = table.insert()
    done = 0
    buf: list[dict] = []
    conn = engine.connect()
    trans = conn.begin()
    try:
        for row in rows:
            buf.append({k: v for k, v in row.items() if k in columns})
            if len(buf) >= batch:
                conn.execute(insert, buf)
                done += len(buf)
                buf = []
                if done % per_transaction == 0:
                    trans.commit()
                    trans = conn.begin()
        if buf:
            conn.execute(insert, buf)
            done += len(buf)
        trans.commit()
        with conn.begin():
            rollups.rebuild(conn, table)
    finally:
        conn.close()
    return done
