"""Report users: created by `buyerkit users add` (no default account, no default password),
passwords hashed with scrypt, and a per-user session version that logout bumps so that every
copy of a session cookie stops working at once."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from buyerkit.errors import BuyerkitError
from buyerkit.reports.schema import report_users
from buyerkit.signals.events import hour_now

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY = generate_password_hash("not-a-real-password-for-timing-only", method="scrypt")


@dataclass(frozen=True)
class User:
    username: str
    session_version: int
    created_hour: int


def check_username(name: str) -> str:
    if not USERNAME.match(name or ""):
        raise BuyerkitError(f"'{(name or '')[:64]}' is not a valid user name: use 2 to 64 "
                            "lower-case letters, digits, dots, dashes or underscores.")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise BuyerkitError(f"The password is too short: use at least {MIN_PASSWORD} "
                            "characters (a passphrase of a few words is easiest).")
    if len(password) > MAX_PASSWORD:
        raise BuyerkitError(f"The password is longer than {MAX_PASSWORD} characters.")
    return password


def add(engine: sa.Engine, name: str, password: str) -> None:
    """Create a report user; BuyerkitError if the name is taken or either value is invalid."""
    check_username(name)
    check_password(password)
    with engine.begin() as conn:
        if conn.execute(sa.select(report_users.c.username)
                        .where(report_users.c.username == name)).first():
            raise BuyerkitError(f"There is already a report user '{name}'.")
        conn.execute(report_users.insert().values(
            username=name, password_hash=generate_password_hash(password, method="scrypt"),
            session_version=1, created_hour=hour_now()))


def remove(engine: sa.Engine, name: str) -> None:
    with engine.begin() as conn:
        if not conn.execute(report_users.delete()
                            .where(report_users.c.username == name)).rowcount:
            raise BuyerkitError(f"There is no report user '{name[:64]}'.")


def all_users(engine: sa.Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(report_users).order_by(report_users.c.username))
        return [User(r.username, r.session_version, r.created_hour) for r in rows]


def get(engine: sa.Engine, name: str) -> User | None:
    with engine.connect() as conn:
        r = conn.execute(sa.select(report_users)
                         .where(report_users.c.username == name)).first()
    return User(r.username, r.session_version, r.created_hour) if r else None


def authenticate(engine: sa.Engine, name: str, password: str) -> User | None:
    """The user when name and password match, else None (in about the same time)."""
    password = password[:MAX_PASSWORD]
    with engine.connect() as conn:
        r = conn.execute(sa.select(report_users)
                         .where(report_users.c.username == name[:64])).first()
    if r is None:
        check_password_hash(_DUMMY, password)
        return None
    if not check_password_hash(r.password_hash, password):
        return None
    return User(r.username, r.session_version, r.created_hour)


def revoke_sessions(engine: sa.Engine, name: str) -> None:
    """End every session of this user, including copies of the cookie kept elsewhere."""
    with engine.begin() as conn:
        conn.execute(report_users.update().where(report_users.c.username == name)
                     .values(session_version=report_users.c.session_version + 1))
