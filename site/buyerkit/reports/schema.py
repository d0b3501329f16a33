"""The reports' own tables: roll-ups kept current with every event insert, and the state
(one row per journey, one per buying group) that lets them be updated incrementally.

Roll-up cells count distinct journeys (or groups) per day and dimensions, so a report for any
range sums a few thousand small rows instead of scanning millions of events.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

S = sa.String


def _counts(name: str, *keys: sa.Column) -> sa.Table:
    """A roll-up table: its key columns form the primary key, `n` is the count."""
    return sa.Table(name, metadata, *keys, sa.Column("n", sa.Integer, nullable=False))


def _key(name: str, type_: sa.types.TypeEngine) -> sa.Column:
    return sa.Column(name, type_, primary_key=True, autoincrement=False)


ru_outcomes = _counts("ru_outcomes", _key("subject", S(64)), _key("day", sa.Integer),
                      _key("status", S(16)), _key("step", sa.Integer))
ru_channels = _counts("ru_channels", _key("subject", S(64)), _key("day", sa.Integer),
                      _key("source", S(64)), _key("medium", S(64)), _key("campaign", S(64)),
                      _key("status", S(16)))
ru_segments = _counts("ru_segments", _key("subject", S(64)), _key("day", sa.Integer),
                      _key("dim", S(16)), _key("value", S(64)), _key("status", S(16)))
ru_decided = _counts("ru_decided", _key("subject", S(64)), _key("day", sa.Integer),
                     _key("verdict", S(16)), _key("code", S(64)), _key("stage", S(24)))
ru_reasons = _counts("ru_reasons", _key("subject", S(64)), _key("day", sa.Integer),
                     _key("verdict", S(16)), _key("code", S(64)))
ru_groups = _counts("ru_groups", _key("day", sa.Integer), _key("roles", sa.Integer),
                    _key("verdict", S(16)), _key("cfo", sa.Integer), _key("security", sa.Integer))
ru_orgs = _counts("ru_orgs", _key("org", S(32)), _key("day", sa.Integer))

COUNT_TABLES: dict[str, sa.Table] = {t.name: t for t in (
    ru_outcomes, ru_channels, ru_segments, ru_decided, ru_reasons, ru_groups, ru_orgs)}

ru_journeys = sa.Table(
    "ru_journeys", metadata,
    sa.Column("journey", S(36), primary_key=True),
    sa.Column("hour", sa.Integer),
    sa.Column("subject", S(64)),
    sa.Column("grp", S(36)),
    sa.Column("source", S(64)),
    sa.Column("medium", S(64)),
    sa.Column("campaign", S(64)),
    sa.Column("max_step", sa.Integer, nullable=False, default=0),
    sa.Column("abandoned_step", sa.Integer, nullable=False, default=0),
    sa.Column("done_key", S(48)),
    sa.Column("verdict", S(16)),
    sa.Column("reasons", S(400)),
    sa.Column("bucket", S(16)),
    sa.Column("trigger", S(16)),
    sa.Column("persona", S(64)),
    sa.Column("size", S(64)),
    sa.Column("examined", sa.Integer, nullable=False, default=0),
    sa.Column("filtered", S(16)),
    sa.Column("lang", S(8)),  # the deciding completion's page language (store step 5)
)

ru_group_state = sa.Table(
    "ru_group_state", metadata,
    sa.Column("grp", S(36), primary_key=True),
    sa.Column("hour", sa.Integer),
    sa.Column("roles", S(800), nullable=False, default=""),
    sa.Column("verdict", S(16)),
    sa.Column("cfo", sa.Integer, nullable=False, default=0),
    sa.Column("security", sa.Integer, nullable=False, default=0),
)

ROLLUP_TABLES = (*COUNT_TABLES.values(), ru_journeys, ru_group_state)

# People who may read the reports (marketing, sales): made by `buyerkit users add`, never by
# default. `session_version` is bumped on logout, which revokes every copy of a session cookie.
report_users = sa.Table(
    "report_users", metadata,
    sa.Column("username", S(64), primary_key=True),
    sa.Column("password_hash", S(256), nullable=False),
    sa.Column("session_version", sa.Integer, nullable=False, default=1),
    sa.Column("created_hour", sa.Integer, nullable=False),
)

# What each channel cost, per calendar month (imported from CSV or typed into a form), in cents.
report_spend = sa.Table(
    "report_spend", metadata,
    sa.Column("month", S(7), primary_key=True),
    sa.Column("source", S(64), primary_key=True),
    sa.Column("medium", S(64), primary_key=True),
    sa.Column("campaign", S(64), primary_key=True),
    sa.Column("cents", sa.BigInteger, nullable=False),
)
