"""The weekly scorecard in the inbox: the overview's headline figures with their change, the
top channels and bounce reasons, and a link, as one plain-text e-mail to each report user who
opted in (`buyerkit users digest NAME --email ADDRESS`). Built from the same report as the
page (same suppression), composed once and sent through the hand-off's SMTP mailer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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


def compose(engine: sa.Engine, period: Period, catalog: Any, config: Mapping[str, Any],
            base_url: str) -> Mail:
    """The digest for a period: the overview report, written out as plain text (in the
    language being written: `report digest` writes it in REPORTS_LANGUAGE)."""
    [report] = build(engine, period, catalog, config, ["overview"])
    head = report.table("headline")
    lines = [_("%(period)s, against %(before)s:", period=period.label,
               before=period.previous().label), ""]
    for row in head.rows:
        lines.append(f"{row[0]}: {fmt(row[1], row[4])}{_change(row)}")
    for key in ("top_channels", "top_reasons"):
        table = report.table(key)
        lines += ["", f"{table.title}:"]
        col = 1 if key == "top_channels" else 2
        lines += [f"  {r[0]}: {fmt(r[col], 'count')}" for r in table.rows] or \
            ["  " + _("(none in this period)")]
    note = _(NOTE)
    lines += [""] + [n for n in report.notes if n != note]
    query = "&".join(f"{k}={v}" for k, v in period.args().items())
    lines += [_("The overview: %(url)s", url=f"{base_url.rstrip('/')}/reports/?{query}"), "",
              note, "", _("You get this because a report user opted you in; `buyerkit users "
                          "digest NAME --off` stops it.")]
    fit = head.rows[0][1]
    site = getattr(getattr(catalog, "site", None), "vendor", None)
    prefix = _("%(vendor)s reports: ", vendor=site.name) if site is not None else ""
    count = fit if isinstance(fit, int) else 2  # "<5 fit prospects": a plural
    subject = prefix + ngettext("%(fit)s fit prospect, %(period)s",
                                "%(fit)s fit prospects, %(period)s", count,
                                fit=count_text(fit) if isinstance(fit, int) else fit,
                                period=period.label)
    return Mail(subject, "\n".join(line for line in lines if line is not None) + "\n")


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
