"""Fit and bounce reports for marketing: roll-ups folded from the stored events, report tables
built from them with small cells suppressed, pipeline math and channel spend.

`migration(conn)` is the store's schema step for the reports' tables (it creates them and fills
the roll-ups from the events already stored); `folding` folds each new event in after its
acknowledgement, and before any report reads.
"""

from __future__ import annotations

import sqlalchemy as sa

from buyerkit.reports import rollups
from buyerkit.reports.schema import metadata
from buyerkit.signals import migrations
from buyerkit.signals.store import events


def migration(conn: sa.Connection) -> None:
    """Create the reports' tables and fill the roll-ups from the events already stored."""
    inspector = sa.inspect(conn)
    missing = [t for t in metadata.sorted_tables if not inspector.has_table(t.name)]
    for table in missing:
        table.create(conn)
    if missing:
        rollups.rebuild(conn, events)


def language_migration(conn: sa.Connection) -> None:
    """Keep each journey's page language in its roll-up state and count it as a segment
    (store step 5): a store made before it gets the column and its roll-ups rebuilt, so past
    completions that said their language are split by it too."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns("ru_journeys")}
    if "lang" not in columns:
        conn.exec_driver_sql("ALTER TABLE ru_journeys ADD COLUMN lang VARCHAR(8)")
        rollups.rebuild(conn, events)


migrations.provide(3, migration)  # the store's step 3 makes the reports' tables
migrations.provide(5, language_migration)
