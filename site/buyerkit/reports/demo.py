"""Synthetic but honest-looking signals for a fresh install and for the benchmark: channels
that bring different personas, abandonment by step, buying groups that share guides, target
accounts, and some bots. Verdicts are never made up: each finished journey answers the
diagnostic's real questions and is scored by the one scoring function (content/scoring.py),
so the synthetic reports say what the rules say (a 20-person company is "too small" only
if the diagnostic says so).

Rows are generated straight in the events table's shape and inserted with executemany in big
transactions; the roll-ups are then rebuilt once (far faster than folding row by row).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from buyerkit.content.catalog import load_catalog
from buyerkit.content.schema.diagnostic import Diagnostic, Option, Question
from buyerkit.content.scoring import check_answers, score
from buyerkit.reports import rollups
from buyerkit.signals.company import org_hash
from buyerkit.signals.events import DiagnosticCompleted, hour_now

# (source, medium, campaign, share of journeys, how much likelier a fit than average): a
# B2B mix with campaign names that say no vendor's topic. A content folder's site.yaml
# `channels:` takes these places over (channels_of), so its reports show its own channels.
CHANNELS = (
    ("linkedin", "paid-social", "awareness", 0.20, 1.3),
    ("google", "cpc", "brand-search", 0.22, 0.9),
    ("newsletter", "email", "monthly-update", 0.09, 1.5),
    ("g2.com", "referral", "(none)", 0.08, 1.2),
    ("hubspot", "partner", "app-marketplace", 0.07, 1.4),
    ("capterra", "cpc", "category-listing", 0.10, 0.6),
    (None, None, None, 0.24, 1.0),
)


def channels_of(named: Any) -> tuple[tuple, ...]:
    """The demo's channels for a site whose site.yaml names channels: each named channel
    takes the place of the built-in one of the same source (else the next one left, direct
    apart) with its share and lean, so the mix of journeys stays the same, and with its own
    medium and campaign where it names them (else the place's)."""
    out = list(CHANNELS)
    taken: set[int] = set()
    for c in named or ():
        source, medium = c.source, (c.medium or "").lower()
        free = [i for i, ch in enumerate(out) if ch[0] is not None and i not in taken]
        same = [i for i in free if out[i][0] == source.lower()
                and (not medium or out[i][1] == medium)]
        at = (same or [i for i in free if out[i][1] == medium] or free or [None])[0]
        if at is None:
            break  # more named channels than places: the first ones are shown
        taken.add(at)
        _, medium0, campaign, share, lean = out[at]
        out[at] = (source, c.medium or medium0, c.campaign or campaign, share, lean)
    return tuple(out)
# How often each answer is given, by the band a question records or by its trigger; answers
# not named here are equally likely. (persona, share, how much likelier a fit than average)
PERSONAS = (("cs_leader", 0.36, 1.4), ("revops", 0.24, 1.2), ("founder", 0.18, 0.6),
            ("finance", 0.10, 0.9), ("other", 0.12, 0.5))
SHARES: dict[str, dict[str, float]] = {
    "symptom": {"surprise_churn": 0.3, "flat_expansion": 0.2, "manual_reporting": 0.2,
                "thin_pipeline": 0.18, "slow_deals": 0.12},
    "size": {"under_50": 0.18, "50_199": 0.36, "200_999": 0.31, "1000_plus": 0.15},
    "billing": {"annual": 0.6, "monthly": 0.32, "one_off": 0.08},
    "hosting": {"cloud_ok": 0.95, "on_prem_only": 0.05},
    "tools": {"salesforce": 0.4, "hubspot": 0.35, "other_crm": 0.15, "spreadsheets": 0.1},
    "trigger": {"authority_shift": 0.2, "mandate": 0.22, "personal_drive": 0.25, "none": 0.33},
}
ROLES = ("champion", "cfo", "security", "it", "procurement", "legal", "executive")


@dataclass(frozen=True)
class Cast:
    """The content's own names for the demo: the role that shares (the champion), the roles
    shared with, which of them asks for the security review, the calculators a prospect may
    use, and the channels journeys come from."""

    champion: str | None = "champion"  # None: shared from the verdict page, as pages do
    roles: tuple[str, ...] = ROLES[1:]
    security: str | None = "security"
    calculators: tuple[str, ...] = ("roi",)
    channels: tuple[tuple, ...] = CHANNELS

    @classmethod
    def of(cls, catalog: Any) -> Cast:
        """The cast of a content folder: its guides (by tag), calculators and channels."""
        guides = dict(catalog.guides)
        tag = {role: getattr(g.meta, "tag", None) for role, g in guides.items()}
        champion = next((r for r, t in tag.items() if t == "champion"), None)
        return cls(champion=champion,
                   roles=tuple(r for r in guides if r != champion) or ROLES[1:],
                   security=next((r for r, t in tag.items() if t == "security"), None),
                   calculators=tuple(catalog.calculators) or ("roi",),
                   channels=channels_of(getattr(catalog.site, "channels", ())))
TRIGGERS = ("authority_shift", "mandate", "personal_drive")
PICK_SHARE = 0.35  # chance each answer of a multiple-choice question is ticked


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


def _favourable(q: Question, o: Option) -> int:
    """+1 for an answer that moves toward "fit", -1 for one that moves away, 0 otherwise."""
    if o.disqualifies or (o.reason and o.points <= 0):
        return -1
    if (q.scores == "urgency" and o.trigger not in (None, "none")) or o.points > 0:
        return 1
    return 0


def _weight(q: Question, o: Option, lean: float) -> float:
    """How likely an answer is: its usual share, tilted by how well the visitor fits."""
    table = SHARES.get("trigger" if q.scores == "urgency" else q.records or q.id, {})
    key = o.trigger if q.scores == "urgency" and o.trigger else o.value
    return table.get(key, 1.0) * lean ** _favourable(q, o)


def _plan(d: Diagnostic, lean: float, persona: str | None) -> list[tuple]:
    """Per question, what `answer` draws from: (id, "fixed", value) for the persona,
    (id, "single", values, cumulative weights), (id, "multi", [(value, chance)], lone, need)."""
    plan: list[tuple] = []
    for q in d.questions():
        values = [o.value for o in q.options]
        if q.records == "persona" and persona in values:
            plan.append((q.id, "fixed", (persona,)))
        elif q.kind == "single":
            plan.append((q.id, "single", values,
                         list(accumulate(_weight(q, o, lean) for o in q.options))))
        else:
            plain = [(o.value, min(0.9, PICK_SHARE * lean ** _favourable(q, o)))
                     for o in q.options if not o.exclusive]
            lone = [o.value for o in q.options if o.exclusive]
            fallback = (lone[0],) if lone else (plain[0][0],) if q.required else ()
            plan.append((q.id, "multi", plain, fallback))
    return plan


_PLANS: dict[tuple[int, float, str | None], tuple[Diagnostic, list[tuple]]] = {}


def answer(rng: random.Random, d: Diagnostic, lean: float,
           persona: str | None = None) -> dict[str, tuple[str, ...]]:
    """One visitor's answers to every question (valid for check_answers): singles by share,
    multiples ticked one by one; `lean` > 1 makes answers that fit likelier."""
    key = (id(d), lean, persona)
    if key not in _PLANS:
        _PLANS[key] = (d, _plan(d, lean, persona))
    answers: dict[str, tuple[str, ...]] = {}
    for qid, kind, *how in _PLANS[key][1]:
        if kind == "fixed":
            answers[qid] = how[0]
        elif kind == "single":
            answers[qid] = (rng.choices(how[0], cum_weights=how[1])[0],)
        else:
            ticked = tuple(v for v, chance in how[0] if rng.random() < chance) or how[1]
            if ticked:
                answers[qid] = ticked
    return _asked_only(d, answers) if _branches(d) else answers


def _branches(d: Diagnostic) -> bool:
    """Whether some step or question is asked only after certain answers (`show_if`)."""
    return any(getattr(x, "show_if", None) for step in d.steps for x in (step, *step.questions))


def _asked_only(d: Diagnostic, answers: dict[str, tuple[str, ...]]
                ) -> dict[str, tuple[str, ...]]:
    """Drop answers to questions the other answers do not ask, as the real form would (the
    one validator says which), until nothing changes."""
    for _ in range(len(answers) + 1):
        _, errors = check_answers(d, {k: list(v) for k, v in answers.items()})
        hidden = {e.field for e in errors if "is not asked" in e.message}
        if not hidden:
            break
        answers = {k: v for k, v in answers.items() if k not in hidden}
    return answers


def _scored(d: Diagnostic, answers: dict[str, tuple[str, ...]], lang: str | None
            ) -> dict[str, Any]:
    """The completed event's columns for one answer set, from the real scorer."""
    result = score(d, answers)
    props = DiagnosticCompleted(id="-", subject=d.slug, verdict=result.verdict,
                                reasons=result.codes, bucket=result.bucket,
                                trigger=result.trigger, bands=dict(result.bands),
                                lang=lang).properties()
    return {"verdict": result.verdict, "reasons": props["reasons"], "bucket": result.bucket,
            "trigger": result.trigger,
            "props": _props(**{k: props[k] for k in ("bands", "lang") if k in props})}


# id(diagnostic) -> (the diagnostic, kept alive so its id stays its own; answers -> columns):
# the benchmark scores millions of journeys over a few thousand distinct answer sets.
_SCORED: dict[int, tuple[Diagnostic, dict[tuple, dict[str, Any]]]] = {}


def completed(d: Diagnostic, answers: dict[str, tuple[str, ...]], lang: str | None = None
              ) -> dict[str, Any]:
    """verdict, reasons, bucket, trigger and props of the diagnostic_completed event (made
    on a page in `lang`)."""
    cache = _SCORED.setdefault(id(d), (d, {}))[1]
    key = (tuple(sorted(answers.items())), lang)
    if key not in cache:
        cache[key] = _scored(d, answers, lang)
    return cache[key]


GERMAN_SHARE = 56  # of 256: about 22% of demo completions are made on German pages


def _language(journey: str) -> str:
    """The page language of a demo journey, from its random id (so no extra random draw
    changes the rest of a seeded demo)."""
    return "de" if int(journey[:2], 16) < GERMAN_SHARE else "en"


@lru_cache(maxsize=64)
def _step(s: int) -> str:
    return _props(step=s)


@lru_cache(maxsize=64)
def _abandon_weights(steps: int) -> tuple[list[int], list[int]]:
    """Earlier steps lose more visitors: step s of n is left with weight n - s + 1
    (steps and cumulative weights, for rng.choices)."""
    return list(range(1, steps + 1)), list(accumulate(range(steps, 0, -1)))


def journeys(rng: random.Random, subject: str, hour: int, orgs: list[str],
             d: Diagnostic | None = None, cast: Cast = Cast()) -> list[dict]:
    """The events of one diagnostic journey (and the buying group it may start)."""
    d = d or demo_diagnostic(subject)
    steps = len(d.steps)
    source, medium, campaign, _, channel_fit = _pick(rng, cast.channels, 3)
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
        step_numbers, cumulative = _abandon_weights(steps)
        step = rng.choices(step_numbers, cum_weights=cumulative)[0]
        for s in range(2, step + 1):
            add("step_reached", hour, props=_step(s))
        add("diagnostic_abandoned", hour, props=_step(step))
        return rows
    for s in range(2, steps + 1):
        add("step_reached", hour, props=_step(s))
    persona, _, persona_fit = _pick(rng, PERSONAS)
    outcome = completed(d, answer(rng, d, channel_fit * persona_fit, persona),
                        _language(base["journey"]))
    verdict = outcome["verdict"]
    examined = rng.random() < (0.55 if verdict == "fit" else 0.25)
    if examined:
        add("calculator_used", hour, subject=rng.choice(cast.calculators),
            props=_props(payback_band=rng.choice(("3_6", "6_12", "12_24")),
                         scenario="expected"))
    grp = _uuid(rng) if verdict == "fit" and rng.random() < 0.45 else None
    base["grp"] = grp
    add("diagnostic_completed", hour, **outcome)
    if grp:
        later = hour + rng.randint(1, 24 * 6)
        many = rng.choices((1, 2, 3, 4, 5), (0.3, 0.3, 0.2, 0.13, 0.07))[0]
        roles = rng.sample(cast.roles, min(many, len(cast.roles)))
        add("guide_shared", hour, subject=roles[0], journey=None, props=_props(
            from_role=cast.champion, means=rng.choice(("copy", "email", "share_sheet"))))
        for role in roles:
            add("guide_viewed", later, subject=role, journey=None,
                props=_props(personalised=True))
        if cast.security in roles and rng.random() < 0.6:
            add("security_review_requested", later, subject=cast.security, journey=None)
        if orgs and rng.random() < 0.3:
            add("company_given", hour, org=rng.choice(orgs))
    return rows


@lru_cache(maxsize=8)
def demo_diagnostic(subject: str) -> Diagnostic:
    """The diagnostic `subject` from BUYERKIT_CONTENT_DIR, ./content or this checkout's
    content/ (the demo), for callers that name a diagnostic without passing it."""
    for folder in (os.environ.get("BUYERKIT_CONTENT_DIR"), "content",
                   Path(__file__).resolve().parents[3] / "content"):
        if folder and (Path(folder) / "diagnostics" / f"{subject}.yaml").is_file():
            return load_catalog(Path(folder)).diagnostics[subject]
    raise LookupError(f"no diagnostic '{subject}' to score demo answers with")


def generate(events: int, days: int, seed: int, subject: str, end_hour: int | None = None,
             orgs: list[str] | None = None, diagnostic: Diagnostic | None = None,
             cast: Cast = Cast()) -> Iterator[dict]:
    """About `events` rows spread over the last `days` days, with a weekly rhythm; verdicts
    from scoring generated answers to `diagnostic` (default: `subject` in the content)."""
    d = diagnostic or demo_diagnostic(subject)
    rng = random.Random(seed)
    end = hour_now() if end_hour is None else end_hour
    start = end - days * 24
    made = 0
    while made < events:
        hour = rng.randint(start, end - 1)
        if (hour // 24 + 3) % 7 >= 5 and rng.random() < 0.6:
            continue  # fewer visits at weekends
        for row in journeys(rng, subject, hour, orgs or [], d, cast):
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
