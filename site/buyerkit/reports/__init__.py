"""Fit and bounce reports for marketing: roll-ups folded from the stored events, report tables
built from them with small cells suppressed, pipeline math and channel spend.

`migration(conn)` is the store's schema step for the reports' tables (it creates them and fills
the roll-ups from the events already stored); `backlog` folds each new event in after its
acknowledgement, and before any report reads.
"""

from __future__ import annotations

import sqlalchemy as sa

from . import rollups
from .schema import metadata


def migration(conn: sa.Connection) -> None:
    """Create the reports' tables and fill the roll-ups from the events already stored."""
    from ..store import events

    inspector = sa.inspect(conn)
    missing = [t for t in metadata.sorted_tables if not inspector.has_table(t.name)]
    for table in missing:
        table.create(conn)
    if missing:
        rollups.rebuild(conn, events)
