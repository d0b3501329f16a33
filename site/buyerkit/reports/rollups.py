"""Keeping the roll-ups current: `apply` in the same transaction as each event insert, and
`rebuild` to recompute them from the events table (demo import, migrations, repairs).

One code path for SQLite and PostgreSQL: dialect upserts (`ON CONFLICT DO UPDATE`). On
PostgreSQL the state rows of the journeys and groups a batch touches are locked (placeholder
insert, then SELECT ... FOR UPDATE, in key order) so concurrent writers never count twice;
SQLite holds its write lock for the whole transaction already.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .schema import COUNT_TABLES, ROLLUP_TABLES, ru_group_state, ru_journeys
from .state import DIAGNOSTIC_KINDS, Group, Journey, journey_key, org_cell

Row = Mapping[str, Any]
CHUNK = 500
_JOURNEY_FIELDS = ("hour", "subject", "grp", "max_step", "abandoned_step", "done_key",
                   "verdict", "reasons", "bucket", "trigger", "persona", "size", "filtered")


def _insert(conn: sa.Connection, table: sa.Table) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _journey_row(j: Journey) -> dict[str, Any]:
    row = {k: getattr(j, k) for k in _JOURNEY_FIELDS}
    source, medium, campaign = j.channel or (None, None, None)
    row.update(journey=j.journey, source=source, medium=medium, campaign=campaign,
               examined=int(j.examined))
    return row


def _journey_from(row: Row) -> Journey:
    channel = (row["source"], row["medium"], row["campaign"])
    return Journey(journey=row["journey"], channel=None if channel[0] is None else channel,
                   examined=bool(row["examined"]),
                   **{k: row[k] for k in _JOURNEY_FIELDS})


def _group_row(g: Group) -> dict[str, Any]:
    return {"grp": g.grp, "hour": g.hour, "roles": ",".join(sorted(g.roles)),
            "verdict": g.verdict, "cfo": int(g.cfo), "security": int(g.security)}


def _group_from(row: Row) -> Group:
    return Group(grp=row["grp"], hour=row["hour"],
                 roles=frozenset(r for r in (row["roles"] or "").split(",") if r),
                 verdict=row["verdict"], cfo=bool(row["cfo"]), security=bool(row["security"]))


def _upsert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
            update: Any = None) -> None:
    """INSERT ... ON CONFLICT for many rows whose keys are unique within the call, sent as a
    few multi-row statements. `update(stmt)` gives the SET clause; None means DO NOTHING."""
    keys = [c.name for c in table.primary_key.columns]
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_nothing(index_elements=keys) if update is None else \
        stmt.on_conflict_do_update(index_elements=keys, set_=update(stmt))
    # RETURNING makes SQLAlchemy batch the rows into multi-row VALUES ("insertmanyvalues")
    # from one cached compilation, instead of the driver running the statement per row.
    stmt = stmt.returning(table.c[keys[0]])
    for i in range(0, len(rows), CHUNK):
        conn.execute(stmt, rows[i:i + CHUNK]).all()


def _locked_states(conn: sa.Connection, table: sa.Table, key: str,
                   ids: list[str]) -> dict[str, Row]:
    """Current state rows for `ids`. On PostgreSQL one upsert per chunk both creates blank
    rows for new ids and locks every row (in key order) until commit, returning its values;
    SQLite's write lock already serialises writers, so a plain SELECT does."""
    col = table.c[key]
    found: dict[str, Row] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        if conn.dialect.name == "postgresql":
            stmt = postgresql.insert(table)
            stmt = stmt.on_conflict_do_update(index_elements=[key],
                                              set_={key: stmt.excluded[key]}).returning(*table.c)
            result = conn.execute(stmt, [_blank(table, key, k) for k in chunk])
        else:
            result = conn.execute(sa.select(table).where(col.in_(chunk)))
        found.update((r._mapping[key], r._mapping) for r in result)
    return found


def _blank(table: sa.Table, key: str, value: str) -> dict[str, Any]:
    """A placeholder state row: every column given, so one multi-row VALUES fits all rows."""
    row = {c.name: (c.default.arg if c.default is not None else None) for c in table.c}
    row[key] = value
    return row


def _upsert_states(conn: sa.Connection, table: sa.Table, key: str,
                   rows: list[dict[str, Any]]) -> None:
    _upsert(conn, table, rows,
            lambda stmt: {c.name: stmt.excluded[c.name] for c in table.c if c.name != key})


def add_counts(conn: sa.Connection, deltas: Counter[tuple[str, tuple[Any, ...]]]) -> None:
    """Add each (table, key) delta to its roll-up cell, creating cells as needed."""
    by_table: dict[str, list[dict[str, Any]]] = {}
    for (name, key), n in sorted(deltas.items()):
        if n:
            table = COUNT_TABLES[name]
            names = [c.name for c in table.primary_key.columns]
            by_table.setdefault(name, []).append({**dict(zip(names, key, strict=True)), "n": n})
    for name, rows in by_table.items():
        table = COUNT_TABLES[name]
        _upsert(conn, table, rows, lambda stmt, t=table: {"n": t.c.n + stmt.excluded.n})


@dataclass
class Plan:
    """What folding a batch of events writes: new state rows and the count deltas."""

    journeys: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    deltas: Counter[tuple[str, tuple[Any, ...]]] = field(default_factory=Counter)


def plan(conn: sa.Connection, rows: Sequence[Row]) -> Plan:
    """Read the states the rows touch and fold the rows into them (on PostgreSQL the state
    rows stay locked until the caller's transaction ends); nothing is written but locks."""
    out = Plan()
    deltas = out.deltas
    by_journey: dict[str, list[Row]] = {}
    by_group: dict[str, list[Row]] = {}
    for row in rows:
        key = journey_key(row)
        if key:
            by_journey.setdefault(key, []).append(row)
        if row.get("grp") and not row.get("filtered"):
            by_group.setdefault(row["grp"], []).append(row)
        cell = org_cell(row)
        if cell:
            deltas[cell] += 1
    if by_journey:
        old = _locked_states(conn, ru_journeys, "journey", sorted(by_journey))
        for jid in sorted(by_journey):
            state = _journey_from(old[jid]) if jid in old else Journey(jid)
            deltas.subtract(Counter(state.cells()))
            for row in by_journey[jid]:
                state.fold(row)
            deltas.update(state.cells())
            out.journeys.append(_journey_row(state))
    if by_group:
        old = _locked_states(conn, ru_group_state, "grp", sorted(by_group))
        for gid in sorted(by_group):
            before = _group_from(old[gid]) if gid in old else Group(gid)
            after = before
            for row in by_group[gid]:
                after = after.fold(row)
            deltas.subtract(Counter(before.cells()))
            deltas.update(after.cells())
            out.groups.append(_group_row(after))
    return out


def write(conn: sa.Connection, folded: Plan) -> None:
    """Write a plan's state rows and count deltas, in the caller's transaction."""
    if folded.journeys:
        _upsert_states(conn, ru_journeys, "journey", folded.journeys)
    if folded.groups:
        _upsert_states(conn, ru_group_state, "grp", folded.groups)
    add_counts(conn, folded.deltas)


def apply(conn: sa.Connection, rows: Sequence[Row]) -> None:
    """Fold newly inserted event rows (never duplicates) into the roll-ups, inside the caller's
    transaction, so the rows and their counts commit together or not at all."""
    if rows:
        write(conn, plan(conn, rows))


def create(conn: sa.Connection) -> bool:
    """Create the roll-up tables that are missing; True when any was created."""
    inspector = sa.inspect(conn)
    missing = [t for t in ROLLUP_TABLES if not inspector.has_table(t.name)]
    for table in missing:
        table.create(conn)
    return bool(missing)


def _stream(conn: sa.Connection, events: sa.Table, where: Any, order: Any) -> Iterable[Row]:
    """Matching events as plain dicts, in `order` then id, read in chunks."""
    query = (sa.select(events).where(where).order_by(order, events.c.id)
             .execution_options(stream_results=True, yield_per=20_000))
    result = conn.execute(query)
    names = list(result.keys())
    for row in result:
        yield dict(zip(names, row, strict=True))


def rebuild(conn: sa.Connection, events: sa.Table) -> None:
    """Recompute every roll-up from the events table, in the caller's transaction."""
    from ..store import unfolded

    for table in ROLLUP_TABLES:
        conn.execute(table.delete())
    if sa.inspect(conn).has_table(unfolded.name):  # folded now: nothing is left to fold
        conn.execute(unfolded.delete())
    counts: Counter[tuple[str, tuple[Any, ...]]] = Counter()
    insert_journeys = ru_journeys.insert()
    batch: list[dict[str, Any]] = []
    state: Journey | None = None
    for row in _stream(conn, events, events.c.journey.is_not(None), events.c.journey):
        if state is None or state.journey != row["journey"]:
            if state is not None:
                counts.update(state.cells())
                batch.append(_journey_row(state))
            if len(batch) >= 20_000:
                conn.execute(insert_journeys, batch)
                batch = []
            state = Journey(row["journey"])
        state.fold(row)
    if state is not None:
        counts.update(state.cells())
        batch.append(_journey_row(state))
    for row in _stream(conn, events, sa.and_(events.c.journey.is_(None),
                                             events.c.kind.in_(sorted(DIAGNOSTIC_KINDS))),
                       events.c.hour):
        alone = Journey(row["id"]).fold(row)
        counts.update(alone.cells())
        batch.append(_journey_row(alone))
        if len(batch) >= 20_000:
            conn.execute(insert_journeys, batch)
            batch = []
    if batch:
        conn.execute(insert_journeys, batch)
    insert_groups, batch, group = ru_group_state.insert(), [], None
    for row in _stream(conn, events, events.c.grp.is_not(None), events.c.grp):
        if row.get("filtered"):
            continue
        if group is None or group.grp != row["grp"]:
            if group is not None:
                counts.update(group.cells())
                batch.append(_group_row(group))
            if len(batch) >= 20_000:
                conn.execute(insert_groups, batch)
                batch = []
            group = Group(row["grp"])
        group = group.fold(row)
    if group is not None:
        counts.update(group.cells())
        batch.append(_group_row(group))
    if batch:
        conn.execute(insert_groups, batch)
    for row in _stream(conn, events, events.c.kind == "company_given", events.c.hour):
        cell = org_cell(row)
        if cell:
            counts[cell] += 1
    add_counts(conn, counts)
