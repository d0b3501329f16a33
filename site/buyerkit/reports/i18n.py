"""The language the report pages are read in, and numbers and dates written as it writes them.

Report users pick English or German with the switch on every report page; the choice is kept
in the reports' own signed session cookie (vendor staff behind a login; prospects never get
a cookie). Without a choice, `REPORTS_LANGUAGE` from the configuration, else the site's
default language. Labels go through gettext when a report is built, so a page built under
German reads German; CSV and JSON downloads and the terminal are built in English, so the
machines that read them always see the same column headers (docs/reports.md).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from flask import current_app, has_request_context, request, session
from flask_babel import force_locale, get_locale, gettext
from flask_wtf import FlaskForm
from wtforms import SelectField

from buyerkit.content.catalog import get_catalog
from buyerkit.content.numbers import LANGUAGES, number
from buyerkit.errors import BuyerkitError

SESSION_KEY = "lang"
CONFIG_KEY = "REPORTS_LANGUAGE"
ENGLISH = "en"
F = TypeVar("F", bound=Callable[..., Any])


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "marked, translated where shown"
    """Mark a string for the catalog; it is translated with gettext where it is shown."""
    return text


def check_config(config: Any) -> None:
    """A configured report language must be one buyerkit ships interface text for."""
    value = config.get(CONFIG_KEY)
    if value is not None and value not in LANGUAGES:
        raise BuyerkitError(f"{CONFIG_KEY}: {value!r} is not a language the reports can be "
                            f"read in (choose one of {', '.join(LANGUAGES)})")


def default_language() -> str:
    """`REPORTS_LANGUAGE`, else the site's default language, else English."""
    configured = current_app.config.get(CONFIG_KEY)
    if configured in LANGUAGES:
        return str(configured)
    try:
        site_default = get_catalog().site.default_language
    except (KeyError, AttributeError, RuntimeError):
        return ENGLISH
    return site_default if site_default in LANGUAGES else ENGLISH


def chosen_language() -> str:
    """The report user's pick from the switch (kept in the session), else the default."""
    picked = session.get(SESSION_KEY) if has_request_context() else None
    return picked if picked in LANGUAGES else default_language()


def in_chosen_language(view: F) -> F:
    """Run a report view, and build what it shows, in the report user's language."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with force_locale(chosen_language()):
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def in_english(view: F) -> F:
    """Run a view in English: CSV and JSON are read by machines (stable headers)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with force_locale(ENGLISH):
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def language() -> str:
    """The language being written now: the page's, or English outside a request."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else ENGLISH


def count_text(value: int, lang: str | None = None) -> str:
    """A whole number grouped as the language writes it (1,234 / 1.234)."""
    lang = lang or language()
    return f"{value:,}" if lang == ENGLISH else number(value, lang, 0)


def decimal_text(value: float, decimals: int, lang: str | None = None, sign: bool = False
                 ) -> str:
    """A number with exactly `decimals` decimals, grouped as the language writes it."""
    lang = lang or language()
    if lang == ENGLISH:
        return f"{value:{'+' if sign else ''},.{decimals}f}"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(Decimal(f"{value:.{decimals}f}"), format=pattern, locale=lang)


def percent_text(fraction: float, lang: str | None = None) -> str:
    """A share as a percentage with one decimal (12.5% / 12,5 %)."""
    lang = lang or language()
    if lang == ENGLISH:
        return f"{fraction * 100:.1f}%"
    return decimal_text(fraction * 100, 1, lang) + "\u00a0%"


def day_text(day: dt.date, lang: str | None = None) -> str:
    """A day in prose: ISO in English (as the reports always wrote it), the language's
    numeric form elsewhere (02.03.2026)."""
    lang = lang or language()
    return day.isoformat() if lang == ENGLISH else format_date(day, "dd.MM.yyyy", locale=lang)


def short_day(day: dt.date, lang: str | None = None) -> str:
    """A chart's day label: "2 Mar" in English, "2. März" in German."""
    lang = lang or language()
    if lang == ENGLISH:
        return f"{day.day} {day:%b}"
    return format_skeleton("MMMd", day, locale=lang)


class LanguageForm(FlaskForm):
    """The switch: one button per language (CSRF-protected, as every report form)."""

    lang = SelectField(choices=list(LANGUAGES))


def clear_session() -> None:
    """Forget the user (log in, log out), but not the language they read the reports in."""
    lang = session.get(SESSION_KEY)
    session.clear()
    if lang in LANGUAGES:
        session[SESSION_KEY] = lang


def template_context() -> dict[str, Any]:
    """What every report page's switch needs (the page's language, the others by their own
    names, the form, the page to return to), and `tr`: gettext for labels marked in Python
    (Jinja's `_` formats every string, so a marked "%" would need doubling)."""
    lang = language()
    return {"report_language": lang, "language_form": LanguageForm(), "tr": gettext,
            "switch_languages": [(code, name) for code, name in LANGUAGES.items()
                                if code != lang],
            "language_next": request.full_path.rstrip("?")}
