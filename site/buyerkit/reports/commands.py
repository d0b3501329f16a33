"""The `buyerkit report`, `buyerkit users …` and `buyerkit demo-signals` commands (registered
on the CLI group in cli.py)."""

from __future__ import annotations

import sys
from itertools import chain
from typing import Any

import click
import sqlalchemy as sa

from buyerkit.content.folder import app_for, content_option
from buyerkit.errors import BuyerkitError
from buyerkit.reports.folding import catch_up


def _app() -> Any:
    """The app for one command (from the factory the CLI group hands down, reading the
    folder given with --content); its store is closed when the command ends."""
    ctx = click.get_current_context()
    app = app_for(ctx)
    ctx.call_on_close(app.extensions["buyerkit.store"].dispose)
    return app


@click.command("report")
@click.argument("names", nargs=-1, metavar="[REPORT]...")
@click.option("--since", help="First day, YYYY-MM-DD (default: 30 days before --until).")
@click.option("--until", help="Last day, YYYY-MM-DD, inclusive (default: today, UTC).")
@click.option("--diagnostic", help="Diagnostic slug (default: the first one).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.option("--table", "table_key", help="Only this table (its key, as in the CSV links).")
@click.option("--revenue", help="Pipeline math: desired new revenue this year.")
@click.option("--price", help="Pipeline math: average sale price.")
@click.option("--close-rate", help="Pipeline math: close rate in %.")
@click.option("--market", help="Pipeline math: companies in the target market.")
@click.option("--preset", help="A period by name: 7d, this-week, last-week, 30d, 90d, "
                               "this-quarter (the digest's default: last-week).")
@click.option("--send", "send_mail", is_flag=True,
              help="digest: e-mail it to every report user who opted in.")
@click.option("--print", "print_mail", is_flag=True, help="digest: print it instead.")
@content_option()
def report(names: tuple[str, ...], since: str | None, until: str | None,
           diagnostic: str | None, fmt: str, table_key: str | None, preset: str | None,
           send_mail: bool, print_mail: bool, **plan_args: str | None) -> None:
    """Print reports (overview bounces channels segments groups weekly pipeline; default all)
    with the same suppressed cells as the pages; `report digest --print|--send` for cron."""
    from buyerkit.reports.period import PeriodError, parse_period
    from buyerkit.reports.pipeline import parse_plan
    from buyerkit.reports.service import NAMES, build
    from buyerkit.reports.tables import to_csv, to_json, to_text

    if names == ("digest",):
        _digest(since, until, diagnostic, preset, send_mail, print_mail)
        return
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise click.UsageError(f"unknown report '{unknown[0]}': choose from {', '.join(NAMES)}")
    app = _app()
    catalog = app.extensions["buyerkit.catalog"]
    args = {"since": since or "", "until": until or "", "diagnostic": diagnostic or "",
            "preset": preset or ""}
    try:
        period = parse_period(args, sorted(catalog.diagnostics))
    except PeriodError as e:
        raise BuyerkitError(f"--{e.field}: {e.message}") from None
    plan, errors = parse_plan({k.replace("close_rate", "close_rate"): v or ""
                               for k, v in plan_args.items()})
    if errors:
        raise BuyerkitError("; ".join(errors.values()))
    chosen = list(names) or [n for n in NAMES if n != "pipeline" or plan is not None]
    if "pipeline" in chosen and plan is None:
        raise BuyerkitError("pipeline needs --revenue, --price and --close-rate")
    store = app.extensions["buyerkit.store"]
    catch_up(store)  # fold events still queued, so the tables are never behind
    reports = build(store.engine, period, catalog, app.config, chosen, plan)
    if table_key:
        reports = [r.__class__(r.key, r.title, r.summary,
                               tuple(t for t in r.tables if t.key == table_key), r.notes)
                   for r in reports]
        if not any(r.tables for r in reports):
            raise BuyerkitError(f"no table '{table_key}' in {', '.join(chosen)}")
    meta = {"diagnostic": period.diagnostic, "since": period.since.isoformat(),
            "until": period.until.isoformat()}
    if fmt == "json":
        click.echo(to_json(reports, meta), nl=False)
    elif fmt == "csv":
        tables = [(r, t) for r in reports for t in r.tables]
        for i, (r, t) in enumerate(tables):
            if len(tables) > 1:
                click.echo(("\n" if i else "") + f"# {r.key}.{t.key}: {t.title}")
            click.echo(to_csv(t), nl=False)
    else:
        click.echo(f"{period.diagnostic}, {meta['since']} to {meta['until']}\n")
        click.echo(to_text(reports), nl=False)
    if not diagnostic and len(catalog.diagnostics) > 1:  # last, where a long output ends
        _which_check(store.engine, period, catalog, app.config)


def _which_check(engine: sa.Engine, period: Any, catalog: Any, config: Any) -> None:
    """On a site with several checks and no --diagnostic: say on standard error (standard
    output stays one check's tables, for scripts) which check is shown, every check's line,
    and the option that shows another."""
    from buyerkit.reports.checks import every_check

    lines = every_check(engine, period, catalog, config)
    click.echo(f"\nThis site has {len(lines)} checks; these reports are for "
               f"{period.diagnostic}. Every check, {period.label}:", err=True)
    for c in lines:
        mark = "* " if c.slug == period.diagnostic else "  "
        click.echo(f"{mark}{c.slug}: {c.text()}", err=True)
    others = " or ".join(c.slug for c in lines if c.slug != period.diagnostic)
    click.echo(f"Another check: buyerkit report --diagnostic {others}", err=True)


def _digest(since: str | None, until: str | None, diagnostic: str | None,
            preset: str | None, send_mail: bool, print_mail: bool) -> None:
    """`report digest`: compose the weekly digest once; print it or send it."""
    from flask_babel import force_locale

    from buyerkit.reports import digest
    from buyerkit.reports.i18n import default_language
    from buyerkit.reports.period import PeriodError, parse_period

    if send_mail == print_mail:
        raise BuyerkitError("digest needs exactly one of --print and --send")
    app = _app()
    catalog = app.extensions["buyerkit.catalog"]
    args = {"since": since or "", "until": until or "", "diagnostic": diagnostic or "",
            "preset": preset or ("" if since or until else "last-week")}
    try:
        period = parse_period(args, sorted(catalog.diagnostics))
    except PeriodError as e:
        raise BuyerkitError(f"--{e.field}: {e.message}") from None
    store = app.extensions["buyerkit.store"]
    catch_up(store)
    base = app.config.get(digest.URL_KEY) or "http://localhost:5000"
    with app.app_context():  # written in the reports' language (REPORTS_LANGUAGE)
        lang = default_language()
        with force_locale(lang):
            # Every check has its section unless --diagnostic narrows the digest to one.
            checks = [period.diagnostic] if diagnostic else sorted(catalog.diagnostics)
            mail = digest.compose(store.engine, period, catalog.in_language(lang), app.config,
                                  base, checks)
    if print_mail:
        click.echo(f"Subject: {mail.subject}\n\n{mail.text}", nl=False)
        return
    sent = digest.send(store.engine, mail, app.config)
    click.echo(f"Sent the digest to {len(sent)} report user{'s' if len(sent) != 1 else ''}"
               f"{': ' + ', '.join(sent) if sent else ' (none opted in)'}.", err=True)


@click.group("users")
@content_option()
def users() -> None:
    """Report users: add, remove, list (no account exists until you add one)."""


@users.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (for scripts) instead of a prompt.")
@content_option()
def users_add(name: str, password_stdin: bool) -> None:
    """Create report user NAME; asks for the password twice."""
    from buyerkit.reports import accounts

    accounts.check_username(name)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts.add(_app().extensions["buyerkit.store"].engine, name, password)
    click.echo(f"Added report user '{name}'. Log in at /reports/login.", err=True)


@users.command("remove")
@click.argument("name")
@content_option()
def users_remove(name: str) -> None:
    """Delete report user NAME (their sessions end at once)."""
    from buyerkit.reports import accounts

    accounts.remove(_app().extensions["buyerkit.store"].engine, name)
    click.echo(f"Removed report user '{name}'.", err=True)


@users.command("digest")
@click.argument("name")
@click.option("--email", help="The address the weekly digest goes to.")
@click.option("--off", is_flag=True, help="Stop the digest for NAME.")
@content_option()
def users_digest(name: str, email: str | None, off: bool) -> None:
    """Opt report user NAME in to the weekly digest e-mail (or out, with --off)."""
    from buyerkit.reports import accounts, settings

    engine = _app().extensions["buyerkit.store"].engine
    if accounts.get(engine, name) is None:
        raise BuyerkitError(f"There is no report user '{name}'.")
    if off == bool(email):
        raise BuyerkitError("give --email ADDRESS to start the digest, or --off to stop it")
    if email is not None and (len(email) > 254 or email.count("@") != 1 or " " in email
                              or "." not in email.split("@")[1]):
        raise BuyerkitError(f"'{email[:64]}' is not an e-mail address")
    settings.put(engine, settings.DIGEST + name, None if off else email)
    click.echo(f"The weekly digest for '{name}' is {'off' if off else 'on, to ' + str(email)}.",
               err=True)


@users.command("list")
@content_option()
def users_list() -> None:
    """List report user names."""
    from buyerkit.reports import accounts

    for user in accounts.all_users(_app().extensions["buyerkit.store"].engine):
        click.echo(user.username)


@click.command("demo-signals")
@click.option("--events", "count", default=20_000, show_default=True,
              type=click.IntRange(1, 50_000_000), help="About how many events to make.")
@click.option("--days", default=180, show_default=True, type=click.IntRange(7, 1000),
              help="Spread them over this many days up to now.")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed.")
@click.option("--replace", is_flag=True, help="Delete every stored event first.")
@content_option("Content folder whose diagnostics, roles, calculators and channels the "
                "signals use (default ./content or BUYERKIT_CONTENT_DIR).")
def demo_signals(count: int, days: int, seed: int, replace: bool) -> None:
    """Fill the store with synthetic demo signals, so the reports have something to show."""
    from buyerkit.reports import demo as demo_data
    from buyerkit.signals.store import events

    app = _app()
    engine = app.extensions["buyerkit.store"].engine
    catalog = app.extensions["buyerkit.catalog"]
    with engine.begin() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
        if stored and not replace:
            raise BuyerkitError(f"the store already holds {stored:,} events; pass --replace to "
                                "delete them and load demo signals instead")
        if stored:
            conn.execute(events.delete())
    orgs = demo_data.target_orgs(app.config.get("DOMAIN_HMAC_KEY"),
                                 getattr(catalog, "targets", ()))
    cast = demo_data.Cast.of(catalog)
    # Every diagnostic of the content gets journeys: the first by name most of them, as a
    # site's main check would, the others an equal share of the rest.
    slugs = sorted(catalog.diagnostics)
    shares = [count] if len(slugs) == 1 else \
        [count * 7 // 10] + [count * 3 // 10 // (len(slugs) - 1)] * (len(slugs) - 1)
    rows = chain.from_iterable(
        demo_data.generate(n, days, seed + i, slug, orgs=orgs,
                           diagnostic=catalog.diagnostics[slug], cast=cast)
        for i, (slug, n) in enumerate(zip(slugs, shares, strict=True)) if n)
    n = demo_data.load(engine, events, rows)
    click.echo(f"Stored {n:,} demo events over {days} days for "
               f"{', '.join(repr(s) for s in slugs)} and rebuilt the report roll-ups.",
               err=True)
