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


migrations.provide(3, migration)  # the store's step 3 makes the reports' tables
