"""Plain-text e-mail through SMTP (stdlib smtplib), for the hand-off and any other sender.

One settings object, one `send` function: STARTTLS or implicit TLS, optional login, a timeout,
and a caller-chosen Message-ID so a resent message can be recognised as the same one. Errors
come out as MailError with a short reason that never includes the message's addresses.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

SECURITY = ("starttls", "tls", "none")


class MailError(Exception):
    """A message the SMTP server did not take; `temporary` when a retry may succeed."""

    def __init__(self, reason: str, temporary: bool = True) -> None:
        super().__init__(reason)
        self.reason, self.temporary = reason, temporary


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: host, port, security (starttls | tls | none), login, sender."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> SmtpSettings:
        """Settings from a config mapping (keys: host, port, security, username, password,
        from, timeout); raises ValueError naming the bad key."""
        if not isinstance(m.get("host"), str) or not m["host"]:
            raise ValueError("'host' is required (the SMTP server's name)")
        if not isinstance(m.get("from"), str) or "@" not in m["from"]:
            raise ValueError("'from' is required (the sender's address)")
        security = m.get("security", "starttls")
        if security not in SECURITY:
            raise ValueError(f"'security' must be one of {', '.join(SECURITY)}")
        port = m.get("port", {"starttls": 587, "tls": 465, "none": 25}[security])
        if not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError("'port' must be a port number")
        return cls(host=m["host"], sender=m["from"], port=port, security=security,
                   username=m.get("username"), password=m.get("password"),
                   timeout=float(m.get("timeout", 10.0)))


def message(settings: SmtpSettings, to: Sequence[str], subject: str, text: str,
            message_id: str | None = None, reply_to: str | None = None) -> EmailMessage:
    """A plain-text message; `message_id` is kept as given (the same on every resend)."""
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    if message_id:
        msg["Message-ID"] = message_id
    if reply_to:
        msg["Reply-To"] = reply_to
    msg.set_content(text)
    return msg


def send(settings: SmtpSettings, msg: EmailMessage) -> None:
    """Hand `msg` to the SMTP server; MailError (temporary or not) when it is not taken."""
    context = ssl.create_default_context()
    try:
        if settings.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                                  timeout=settings.timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=context)
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as e:
        codes = sorted({code for code, _ in e.recipients.values()})
        raise MailError(f"SMTP refused the recipients ({', '.join(map(str, codes))})",
                        temporary=all(400 <= c < 500 for c in codes)) from e
    except smtplib.SMTPResponseException as e:
        raise MailError(f"SMTP answered {e.smtp_code}",
                        temporary=not 500 <= e.smtp_code < 600) from e
    except (smtplib.SMTPException, OSError) as e:
        raise MailError(f"SMTP server not reachable: {type(e).__name__}") from e
