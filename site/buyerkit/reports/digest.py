"""The weekly scorecard in the inbox: the overview's headline figures with their change, the
top channels and bounce reasons, and a link, as one plain-text e-mail to each report user who
opted in (`buyerkit users digest NAME --email ADDRESS`); one section per check on a site with
several. Built from the same report as the page (same suppression), composed once and sent
through the hand-off's SMTP mailer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from buyerkit.errors import BuyerkitError
from buyerkit.reports import settings
from buyerkit.reports.i18n import count_text, decimal_text
from buyerkit.reports.period import Period
from buyerkit.reports.service import build
from buyerkit.reports.suppress import NOTE
from buyerkit.reports.tables import fmt

SMTP_KEY = "REPORTS_SMTP"
URL_KEY = "REPORTS_BASE_URL"


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str


def _change(row: tuple[Any, ...]) -> str:
    _label, now, before, diff, kind = row
    if before is None:
        return ""
    if diff is None:
        return " " + _("(before: %(was)s)", was=fmt(before, kind))
    if kind == "rate":
        return " " + _("(%(change)s points on %(was)s)",
                       change=decimal_text(diff, 1, sign=True), was=fmt(before, kind))
    return " " + _("(%(change)s on %(was)s)", change=fmt(diff, "change"), was=fmt(before, kind))


def _figure(row: tuple[Any, ...]) -> str:
    return f"{row[0]}: {fmt(row[1], row[4])}{_change(row)}"


def _section(report: Any, period: Period, base_url: str, skip_rows: int = 0) -> list[str]:
    """One check's part of the digest: its headline figures with their change (but the last
    `skip_rows`), top channels and reasons, any note of its own, and its overview's link.
    A check with no journey in either period gets one sentence instead of a page of zeros."""
    query = "&".join(f"{k}={v}" for k, v in period.args().items())
    link = _("The overview: %(url)s", url=f"{base_url.rstrip('/')}/reports/?{query}")
    rows = report.table("headline").rows
    rows = rows[:len(rows) - skip_rows]
    if skip_rows and all(r[1] == 0 and r[2] in (0, None) for r in rows if r[4] == "count"):
        return [_("No one started this check in this period or the one before."), link]
    lines = [_figure(row) for row in rows]
    for key in ("top_channels", "top_reasons"):
        table = report.table(key)
        lines += ["", f"{table.title}:"]
        col = 1 if key == "top_channels" else 2
        lines += [f"  {r[0]}: {fmt(r[col], 'count')}" for r in table.rows] or \
            ["  " + _("(none in this period)")]
    skip = {_(NOTE), period.future_note()}
    lines += [""] + [n for n in report.notes if n not in skip]
    return [*lines, link]


def _subject(catalog: Any, period: Period, fits: list[Any]) -> str:
    """The subject, "N fit prospects, period": N adds up the checks' figures only when every
    one is shown (beside a check shown as <5, the sum would give that check's count away)."""
    site = getattr(getattr(catalog, "site", None), "vendor", None)
    prefix = _("%(vendor)s reports: ", vendor=site.name) if site is not None else ""
    if len(fits) > 1 and not all(isinstance(f, int) for f in fits):
        return prefix + _("fit prospects per check, %(period)s", period=period.label)
    fit = sum(fits) if len(fits) > 1 else fits[0]
    count = fit if isinstance(fit, int) else 2  # "<5 fit prospects": a plural
    return prefix + ngettext("%(fit)s fit prospect, %(period)s",
                             "%(fit)s fit prospects, %(period)s", count,
                             fit=count_text(fit) if isinstance(fit, int) else fit,
                             period=period.label)


def compose(engine: sa.Engine, period: Period, catalog: Any, config: Mapping[str, Any],
            base_url: str, diagnostics: Sequence[str] | None = None) -> Mail:
    """The digest for a period: each check's overview written out as plain text, one short
    section per check (`diagnostics`, default the period's one), each with its own
    suppression, in the language being written (`report digest` writes REPORTS_LANGUAGE)."""
    slugs = list(diagnostics) if diagnostics else [period.diagnostic]
    lines = [_("%(period)s, against %(before)s:", period=period.label,
               before=period.previous().label)]
    if period.future_note():
        lines.append(period.future_note())
    fits = []
    several = len(slugs) > 1
    for i, slug in enumerate(slugs):
        p = replace(period, diagnostic=slug)
        [report] = build(engine, p, catalog, config, ["overview"])
        head = report.table("headline").rows
        fits.append(head[0][1])
        if several:  # buying groups are the site's, not a check's: said once, up front
            if not i:
                groups = head[-1]
                lines += ["", _figure((_("%(label)s (across every check)", label=groups[0]),
                                       *groups[1:]))]
            title = catalog.diagnostics[slug].title  # a plain-text heading, underlined
            lines += ["", "", title, "=" * len(title)]
        lines += [""] + _section(report, p, base_url, 1 if several else 0)
    lines += ["", _(NOTE), "", _("You get this because a report user opted you in; "
                                 "`buyerkit users digest NAME --off` stops it.")]
    return Mail(_subject(catalog, period, fits), "\n".join(lines) + "\n")


def subscribers(engine: sa.Engine) -> dict[str, str]:
    """User name -> address of every report user who gets the digest."""
    return settings.get_all(engine, settings.DIGEST)


def send(engine: sa.Engine, mail: Mail, config: Mapping[str, Any]) -> list[str]:
    """Send the digest to every subscriber; return the user names it went to. Raises
    BuyerkitError naming the setting when SMTP is not configured, or the first failure."""
    from buyerkit.handoff.mailer import MailError, SmtpSettings, message
    from buyerkit.handoff.mailer import send as smtp_send

    raw = config.get(SMTP_KEY)
    if not isinstance(raw, Mapping):
        raise BuyerkitError(f"{SMTP_KEY} is not configured: set it to the SMTP server's host, "
                            "port, security, username, password and from (see docs/reports.md)")
    try:
        smtp = SmtpSettings.from_mapping(raw)
    except ValueError as e:
        raise BuyerkitError(f"{SMTP_KEY}: {e}") from None
    users = subscribers(engine)
    if not users:
        return []
    # One message, one connection: every subscriber in Bcc (the digest is the same for all,
    # and no one sees the others' addresses); opening a connection per user cost ~0.3 s each.
    msg = message(smtp, [], mail.subject, mail.text)
    del msg["To"]  # no To: every subscriber is a Bcc, which the SMTP client does not send
    msg["Bcc"] = ", ".join(users[u] for u in sorted(users))
    try:
        smtp_send(smtp, msg)
    except MailError as e:
        raise BuyerkitError(f"the digest was not sent: {e.reason}") from None
    return sorted(users)
