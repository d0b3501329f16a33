"""Keeping the roll-ups current: `apply` in the same transaction as each event insert, and
`rebuild` to recompute them from the events table (demo import, migrations, repairs).

One code path for SQLite and PostgreSQL: dialect upserts (`ON CONFLICT DO UPDATE`). On
PostgreSQL the state rows of the journeys and groups a batch touches are locked (placeholder
insert, then SELECT ... FOR UPDATE, in key order) so concurrent writers never count twice;
SQLite holds its write lock for the whole transaction already.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from buyerkit.reports.schema import COUNT_TABLES, ROLLUP_TABLES, ru_group_state, ru_journeys
from buyerkit.reports.state import (
    DIAGNOSTIC_KINDS,
    FOLD_COLUMNS,
    Group,
    Journey,
    journey_key,
    org_cell,
)
from buyerkit.signals.bulk import ROWS, insert_json

Row = Mapping[str, Any]
CHUNK = 500
YIELD_EVERY = 32  # journeys folded between yields to the requests of the same worker
# A yield is a short sleep, not sleep(0): under gevent sleep(0) runs ready greenlets without
# polling the sockets, so requests that arrived meanwhile would still wait for the fold.
YIELD_S = 0.0001
SCAN_CHUNK = 20_000  # rows fetched at a time by a rebuild
BATCH = 50_000  # state rows a rebuild writes at a time
_CURSORS = count()
_JOURNEY_FIELDS = ("hour", "subject", "grp", "max_step", "abandoned_step", "done_key",
                   "verdict", "reasons", "bucket", "trigger", "persona", "size", "filtered",
                   "lang")


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


_STATEMENTS: dict[tuple[str, str, str], Any] = {}


def _upsert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]],
            mode: str) -> None:
    """INSERT ... ON CONFLICT for many rows (every column) whose keys are unique within the
    call, sent as a few statements: `mode` "replace" overwrites a state row, "add" adds `n`."""
    pg = conn.dialect.name == "postgresql"
    key = (conn.dialect.name, table.name, mode)
    stmt = _STATEMENTS.get(key)
    if stmt is None:  # built once: constructing an upsert costs more than running it
        keys = [c.name for c in table.primary_key.columns]
        # PostgreSQL: the rows as one JSON document (bulk.py), one statement per chunk.
        stmt = insert_json(table) if pg else _insert(conn, table)
        update = {"n": table.c.n + stmt.excluded.n} if mode == "add" else \
            {c.name: stmt.excluded[c.name] for c in table.c if c.name not in keys}
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_=update)
        if not pg:
            # SQLite: the driver's executemany of one compiled statement, rows as tuples.
            # SQLAlchemy's own per-row parameter handling took as long as SQLite's writing,
            # and the fold holds the one write lock meanwhile (the tables are strings and
            # integers only, which need no conversion on the way in).
            compiled = stmt.compile(dialect=conn.dialect,
                                    column_keys=[c.name for c in table.columns])
            stmt = (str(compiled), tuple(compiled.positiontup or ()))
        _STATEMENTS[key] = stmt
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        if pg:
            conn.execute(stmt, {ROWS: chunk})
        else:
            sql, names = stmt
            conn.exec_driver_sql(sql, [tuple(r[n] for n in names) for r in chunk])


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
            result = conn.execute(_lock_statement(table, key), {"ids": chunk})
        else:
            result = conn.execute(sa.select(table).where(col.in_(chunk)))
        found.update((r._mapping[key], r._mapping) for r in result)
    return found


def _lock_statement(table: sa.Table, key: str) -> Any:
    """PostgreSQL: one statement, the ids as one array, that inserts blank rows for new ids
    and locks every row (in key order), returning its values. (Built once; a multi-row VALUES
    would have psycopg parse thousands of placeholders in Python on every call.)"""
    cached = _STATEMENTS.get(("postgresql", table.name, "lock"))
    if cached is not None:
        return cached
    blank = _blank(table, key, "")
    others = [c.name for c in table.c if c.name != key]
    ids = sa.func.unnest(sa.bindparam("ids", type_=postgresql.ARRAY(sa.String)))
    new = ids.table_valued("k").render_derived(name="new")
    rows = sa.select(new.c.k, *[sa.literal(blank[c], table.c[c].type) for c in others])
    stmt = postgresql.insert(table).from_select([key, *others], rows.order_by(new.c.k))
    stmt = stmt.on_conflict_do_update(index_elements=[key], set_={key: stmt.excluded[key]})
    stmt = _STATEMENTS["postgresql", table.name, "lock"] = stmt.returning(*table.c)
    return stmt


def _blank(table: sa.Table, key: str, value: str) -> dict[str, Any]:
    """A placeholder state row: every column at its default, the key set."""
    row = {c.name: (c.default.arg if c.default is not None else None) for c in table.c}
    row[key] = value
    return row


def _upsert_states(conn: sa.Connection, table: sa.Table, key: str,
                   rows: list[dict[str, Any]]) -> None:
    _upsert(conn, table, rows, "replace")


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
        _upsert(conn, table, rows, "add")


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
        for i, jid in enumerate(sorted(by_journey)):
            if i % YIELD_EVERY == YIELD_EVERY - 1:
                time.sleep(YIELD_S)  # let requests in (under gevent: a turn of the loop, I/O too)
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
        time.sleep(YIELD_S)
    if folded.groups:
        _upsert_states(conn, ru_group_state, "grp", folded.groups)
        time.sleep(YIELD_S)
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


def _scan(conn: sa.Connection, query: sa.Select) -> Iterator[tuple[Any, ...]]:
    """Rows of `query` as plain tuples, read in chunks straight from the driver (a server-side
    cursor on PostgreSQL) inside the caller's transaction: a rebuild reads every event, and
    making a SQLAlchemy Row or a dict of each would cost more than folding it."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        cursor = dbapi.cursor(name=f"buyerkit_rebuild_{next(_CURSORS)}")
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(SCAN_CHUNK):
            yield from rows
    finally:
        cursor.close()


def _bulk_insert(conn: sa.Connection, table: sa.Table, rows: Iterable[tuple[Any, ...]]) -> None:
    """Plain INSERT of rows given as tuples in the table's column order, in the caller's
    transaction: COPY on PostgreSQL, executemany on SQLite. Only for rows whose keys are not
    in the table yet (a rebuild fills tables it has just emptied)."""
    names = ", ".join(f'"{c.name}"' for c in table.c)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(table.c))
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)
    finally:
        cursor.close()


def _journey_values(j: Journey) -> tuple[Any, ...]:
    """A journey's ru_journeys row as a tuple in the table's column order."""
    source, medium, campaign = j.channel or (None, None, None)
    return (j.journey, j.hour, j.subject, j.grp, source, medium, campaign, j.max_step,
            j.abandoned_step, j.done_key, j.verdict, j.reasons, j.bucket, j.trigger, j.persona,
            j.size, int(j.examined), j.filtered, j.lang)


def _fold_journeys(conn: sa.Connection, events: sa.Table,
                   counts: Counter[tuple[str, tuple[Any, ...]]]) -> None:
    """Fold every journey's events into its state, write the ru_journeys rows and add the
    cells they count in. Events are read in journey order, so one state is held at a time;
    journeys are counted by signature (`Journey.signature`) and each distinct signature's
    cells are added once, times the journeys that have it."""
    fold_cols = [events.c[c] for c in FOLD_COLUMNS]
    by_signature: dict[tuple[Any, ...], list[Any]] = {}
    batch: list[tuple[Any, ...]] = []

    def finish(state: Journey) -> None:
        seen = by_signature.get(sig := state.signature())
        if seen is None:
            by_signature[sig] = [state, 1]
        else:
            seen[1] += 1
        batch.append(_journey_values(state))
        if len(batch) >= BATCH:
            _bulk_insert(conn, ru_journeys, batch)
            batch.clear()

    state: Journey | None = None
    current = None
    query = (sa.select(events.c.journey, *fold_cols).where(events.c.journey.is_not(None))
             .order_by(events.c.journey))
    for row in _scan(conn, query):
        if row[0] != current:
            if state is not None:
                finish(state)
            current = row[0]
            state = Journey(current)
        state.fold_values(row[1:])
    if state is not None:
        finish(state)
    # A diagnostic event sent without a journey is a journey of its own (`journey_key`).
    query = sa.select(*fold_cols).where(events.c.journey.is_(None),
                                        events.c.kind.in_(sorted(DIAGNOSTIC_KINDS)))
    for row in _scan(conn, query):
        finish(Journey(row[0]).fold_values(row))
    if batch:
        _bulk_insert(conn, ru_journeys, batch)
    for state, n in by_signature.values():
        for cell in state.cells():
            counts[cell] += n


def _group_values(g: Group) -> tuple[Any, ...]:
    row = _group_row(g)
    return tuple(row[c.name] for c in ru_group_state.c)


def _fold_groups(conn: sa.Connection, events: sa.Table,
                 counts: Counter[tuple[str, tuple[Any, ...]]]) -> None:
    """Fold every buying group's events (bots never form one), write ru_group_state rows and
    add their cells; read in group order, one state at a time."""
    names = [c.name for c in events.c]
    rows: list[tuple[Any, ...]] = []
    group: Group | None = None
    for values in _scan(conn, sa.select(events).where(events.c.grp.is_not(None))
                        .order_by(events.c.grp)):
        row = dict(zip(names, values, strict=True))
        if row["filtered"]:
            continue
        if group is None or group.grp != row["grp"]:
            if group is not None:
                counts.update(group.cells())
                rows.append(_group_values(group))
            group = Group(row["grp"])
        group = group.fold(row)
    if group is not None:
        counts.update(group.cells())
        rows.append(_group_values(group))
    _bulk_insert(conn, ru_group_state, rows)


def rebuild(conn: sa.Connection, events: sa.Table) -> None:
    """Recompute every roll-up from the events table, in the caller's transaction: the same
    state and cells as folding the events with `apply` in any batches, computed in a few
    ordered scans (a test holds the two to agreement)."""
    from buyerkit.signals.store import unfolded

    for table in ROLLUP_TABLES:
        conn.execute(table.delete())
    if sa.inspect(conn).has_table(unfolded.name):  # folded now: nothing is left to fold
        conn.execute(unfolded.delete())
    counts: Counter[tuple[str, tuple[Any, ...]]] = Counter()
    _fold_journeys(conn, events, counts)
    _fold_groups(conn, events, counts)
    names = [c.name for c in events.c]
    for values in _scan(conn, sa.select(events).where(events.c.kind == "company_given")):
        cell = org_cell(dict(zip(names, values, strict=True)))
        if cell:
            counts[cell] += 1
    by_table: dict[str, list[tuple[Any, ...]]] = {}
    for (name, key), n in counts.items():
        if n:
            by_table.setdefault(name, []).append((*key, n))
    for name, rows in by_table.items():
        _bulk_insert(conn, COUNT_TABLES[name], rows)
