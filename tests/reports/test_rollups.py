"""Roll-ups kept current on ingest agree with a rebuild from the events, however the events
arrive (any order, any batches); a retried event is counted once."""

from __future__ import annotations

import random
import uuid

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buyerkit.reports import demo as demo_data
from buyerkit.reports import folding as backlog
from buyerkit.reports import rollups
from buyerkit.reports.schema import COUNT_TABLES, ru_group_state, ru_journeys, ru_outcomes
from buyerkit.reports.state import Journey
from buyerkit.signals.events import Channel, DiagnosticCompleted, StepReached
from buyerkit.signals.migrations import MIGRATIONS
from buyerkit.signals.store import Store, events
from tests.reports.conftest import H0, ev, hand_built, ingest


def snapshot(conn: sa.Connection) -> dict[str, list[tuple]]:
    """Every roll-up cell that counts (n != 0) and every state row, in key order."""
    out = {}
    for name, table in COUNT_TABLES.items():
        keys = list(table.primary_key.columns)
        out[name] = [tuple(r) for r in conn.execute(
            sa.select(table).where(table.c.n != 0).order_by(*keys))]
    for table, key in ((ru_journeys, "journey"), (ru_group_state, "grp")):
        out[table.name] = [tuple(r) for r in conn.execute(
            sa.select(table).where(table.c.hour.is_not(None)).order_by(table.c[key]))]
    return out


def test_incremental_equals_rebuild_on_both_engines(rapp):
    engine = rapp.extensions["buyerkit.store"].engine
    rows = hand_built(org="0" * 32 if "org" in events.c else None)  # org: signals branch
    random.Random(3).shuffle(rows)
    ingest(engine, rows, batch=13)
    with engine.begin() as conn:
        incremental = snapshot(conn)
        rollups.rebuild(conn, events)
        rebuilt = snapshot(conn)
    assert incremental == rebuilt
    assert sum(n for *_, n in incremental["ru_outcomes"]) == 36


def test_rebuild_equals_apply_on_the_demo_signals(rapp):
    """Demo signals (channels and referrals, bots, abandonments, buying groups, companies,
    a diagnostic event without a journey) folded by `apply` in shuffled batches, then rebuilt
    from the events: the same state rows and the same cells, on both engines."""
    engine = rapp.extensions["buyerkit.store"].engine
    rows = list(demo_data.generate(3000, 20, 7, "renewal-risk-check", end_hour=H0 + 24,
                                   orgs=["a" * 32, "b" * 32]))
    rows += [ev("diagnostic_completed", None, verdict="not_now", reasons="no_trigger",
                props='{"bands":{"persona":"revops","size":"50_199"}}')]
    ids = [r[k] for r in rows for k in ("id", "journey", "grp") if r[k]]
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 4 for i in ids)
    random.Random(11).shuffle(rows)
    ingest(engine, rows, batch=37)
    with engine.begin() as conn:
        incremental = snapshot(conn)
        rollups.rebuild(conn, events)
        rebuilt = snapshot(conn)
    assert incremental == rebuilt
    statuses = {cell[2] for cell in rebuilt["ru_outcomes"]}
    assert statuses >= {"fit", "not_now", "not_a_fit", "abandoned", "filtered"}
    assert rebuilt["ru_groups"] and rebuilt["ru_orgs"] and len(rebuilt["ru_journeys"]) > 500


JOURNEYS = [str(uuid.UUID(int=i + 1, version=4)) for i in range(4)]
GROUPS = [str(uuid.UUID(int=i + 100, version=4)) for i in range(2)]
LANGS = ("", ',"lang":"de"', ',"lang":"en"')  # the page language, or none said
CHANNELS = [(None, None, None, None), ("google", "cpc", None, None),
            ("linkedin", "paid-social", "q1", None), (None, None, None, "g2.com")]
event_rows = st.builds(
    lambda kind, j, g, hour, step, verdict, role, channel, filtered, reasons: ev(
        kind, j, H0 + hour, grp=g,
        subject=role if kind == "guide_viewed" else "renewal-risk-check",
        props=(f'{{"step":{step}}}' if kind in ("step_reached", "diagnostic_abandoned")
               else '{"bands":{"persona":"revops","size":"50_199"}' + LANGS[step % 3] + '}'
               if kind == "diagnostic_completed" else None),
        verdict=verdict if kind == "diagnostic_completed" else None,
        reasons=reasons if kind == "diagnostic_completed" else None,
        channel=channel, filtered=filtered),
    st.sampled_from(["diagnostic_started", "step_reached", "diagnostic_abandoned",
                     "diagnostic_completed", "calculator_used", "guide_viewed",
                     "security_review_requested"]),
    st.sampled_from([*JOURNEYS, None]), st.sampled_from([*GROUPS, None]),
    st.integers(0, 24 * 3), st.integers(1, 4), st.sampled_from(["fit", "not_now", "not_a_fit"]),
    st.sampled_from(["cfo", "security", "it"]), st.sampled_from(CHANNELS),
    st.sampled_from([None, None, None, "bot"]),
    st.sampled_from(["no_trigger,problem_fits", "too_small_yet", "", None]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(event_rows, max_size=25), batch=st.integers(1, 6), seed=st.integers())
def test_any_order_and_batching_gives_the_rebuilt_rollups(tmp_path_factory, rows, batch, seed):
    engine = sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('h') / 'h.sqlite3'}")
    try:
        events.metadata.create_all(engine)
        with engine.begin() as conn:
            rollups.create(conn)
        random.Random(seed).shuffle(rows)
        ingest(engine, rows, batch=batch)
        with engine.begin() as conn:
            incremental = snapshot(conn)
            rollups.rebuild(conn, events)
            assert snapshot(conn) == incremental
    finally:
        engine.dispose()


def test_a_retried_event_is_counted_once(store_url):
    store = Store(store_url)
    try:
        journey = str(uuid.uuid4())
        done = DiagnosticCompleted(id=str(uuid.uuid4()), subject="renewal-risk-check",
                                   verdict="fit", reasons=("problem_fits",), bucket=None,
                                   trigger="mandate", journey=journey,
                                   channel=Channel("linkedin"))
        step = StepReached(id=str(uuid.uuid4()), subject="renewal-risk-check", journey=journey,
                           step=2)
        for event in (step, done, done, step):
            store.record(event)
        assert backlog.backlog(store) == 2
        assert backlog.catch_up(store) == 2
        store.record(done)  # retried after it was folded: neither stored nor queued again
        assert backlog.catch_up(store) == 0
        with store.engine.connect() as conn:
            cells = conn.execute(sa.select(ru_outcomes.c.status, ru_outcomes.c.n)
                                 .where(ru_outcomes.c.n != 0)).all()
        assert cells == [("fit", 1)]
    finally:
        store.dispose()


def test_filtered_journeys_count_apart_and_nowhere_else():
    j = Journey("j").fold(ev("diagnostic_completed", "j", verdict="fit", filtered="bot"))
    assert list(j.cells()) == [("ru_outcomes", ("renewal-risk-check", H0 // 24, "filtered", 0))]


def test_a_store_made_before_the_reports_gets_its_rollups_filled(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # the foundation's store: the events table, unversioned
        MIGRATIONS[0].apply(conn)
        v1 = sa.Table("events", sa.MetaData(), autoload_with=conn)
        conn.execute(v1.insert(), hand_built()[:40])
    engine.dispose()
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            # the first 40 rows: six fit journeys of five events, and ten guide events
            assert conn.execute(sa.select(sa.func.sum(ru_outcomes.c.n))).scalar() == 6
    finally:
        store.dispose()


def test_concurrent_writers_count_each_journey_once(rapp):
    """Four writers (as several endpoint processes would) fold events of the same journeys
    at once; the roll-ups still equal a rebuild."""
    import threading

    engine = rapp.extensions["buyerkit.store"].engine
    rows = [r for r in hand_built() if r["journey"]]
    random.Random(5).shuffle(rows)
    errors: list[BaseException] = []

    def writer(part: list[dict]) -> None:
        try:
            for i in range(0, len(part), 3):
                for attempt in range(20):  # a deadlock or busy database is retried, as the
                    try:                    # group-commit writer does
                        ingest(engine, part[i:i + 3], batch=3)
                        break
                    except sa.exc.OperationalError:
                        if attempt == 19:
                            raise
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(rows[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.begin() as conn:
        incremental = snapshot(conn)
        rollups.rebuild(conn, events)
        assert snapshot(conn) == incremental
    assert sum(n for *_, n in incremental["ru_outcomes"]) == 36
