"""/reports/…: fit and bounce reports for marketing, behind a login.

Every route but the login form needs a session whose user still exists and whose session
version matches the one stored (logout bumps it, so a copied cookie dies with the session).
Without one, pages redirect to the login form and CSV/JSON answer 401. Every answer of this
blueprint carries `Cache-Control: no-store`; the session cookie is HttpOnly, SameSite=Lax,
limited to /reports, and Secure whenever the request came over https.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from buyerkit.content.catalog import get_catalog
from buyerkit.handoff import counts as handoff_counts
from buyerkit.reports import accounts
from buyerkit.reports import settings as report_settings
from buyerkit.reports import spend as spend_store
from buyerkit.reports.charts import bar_chart, trend_chart
from buyerkit.reports.checks import for_page
from buyerkit.reports.folding import catch_up
from buyerkit.reports.i18n import (
    N_,
    SESSION_KEY,
    LanguageForm,
    check_config,
    clear_session,
    in_chosen_language,
    in_english,
    language,
    template_context,
)
from buyerkit.reports.links import describe, link, row_links
from buyerkit.reports.period import PRESETS, Period, PeriodError, parse_period
from buyerkit.reports.pipeline import FIELDS as PLAN_FIELDS
from buyerkit.reports.pipeline import parse_plan
from buyerkit.reports.service import NAMES, build, fit_observed
from buyerkit.reports.suppress import NOTE
from buyerkit.reports.tables import fmt, to_csv, to_json
from buyerkit.reports.throttle import FailureThrottle
from buyerkit.signals.store import get_store
from buyerkit.web import api_error

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

SESSION_HOURS = 12
PUBLIC = frozenset({"reports.login", "reports.switch_language"})
TITLES = {"overview": N_("Overview"), "bounces": N_("Bounce reasons"),
          "channels": N_("Channels"), "segments": N_("Personas and segments"),
          "groups": N_("Buying groups"), "weekly": N_("Weekly scorecard"),
          "pipeline": N_("Pipeline math"), "evidence": N_("Customer evidence")}


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[InputRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])


class LogoutForm(FlaskForm):
    pass




class SpendForm(FlaskForm):
    month = StringField(_l("Month (YYYY-MM)"), validators=[InputRequired()])
    channel = SelectField(_l("Channel"), choices=[], validate_choice=False)
    source = StringField(_l("Source (utm_source)"), validators=[Length(max=200)])
    medium = StringField(_l("Medium (utm_medium)"), validators=[Length(max=200)])
    campaign = StringField(_l("Campaign (utm_campaign)"), validators=[Length(max=200)])
    amount = StringField(_l("Amount spent"), validators=[InputRequired(), Length(max=40)])


class SpendImportForm(FlaskForm):
    file = FileField(_l("Spend CSV file"))


class ReportSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure on any request that came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _throttle() -> FailureThrottle:
    return current_app.extensions["buyerkit.login_throttle"]


def _client() -> str:
    return request.remote_addr or "-"


def current_user() -> accounts.User | None:
    """The logged-in report user, or None (unknown user, old session version, expired)."""
    name, version, started = session.get("u"), session.get("v"), session.get("t")
    if not isinstance(name, str) or not isinstance(version, int) or \
            not isinstance(started, int | float) or time.time() - started > SESSION_HOURS * 3600:
        return None
    user = accounts.get(get_store().engine, name)
    return user if user is not None and user.session_version == version else None


def _wants_data() -> bool:
    return request.path.endswith((".csv", ".json"))


@bp.before_request
def _require_login() -> Any:
    if request.endpoint in PUBLIC:
        return None
    g.user = current_user()
    if g.user is None:
        if _wants_data():
            resp = api_error(401, "Log in at /reports/login to read reports.")
            resp.headers["WWW-Authenticate"] = 'FormLogin realm="buyerkit reports"'
            return resp
        return redirect(url_for("reports.login", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    resp.vary.add("Cookie")
    return resp


def _safe_next(target: str | None) -> str:
    """Only a path inside /reports/ (never another site) is followed after logging in."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/reports/") or \
            "\\" in (target or ""):
        return url_for("reports.overview")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.route("/login", methods=["GET", "POST"])
@in_chosen_language
def login() -> Any:
    form = LoginForm()
    error, status = None, 200
    wait = _throttle().retry_after(_client())
    if request.method == "POST" and wait:
        error = _("Too many failed attempts from this connection. Wait %(wait)s seconds, then "
                  "try again.", wait=wait)
        resp = Response(render_template("reports/login.html", form=form, error=error,
                                        next=request.args.get("next", "")), status=429)
        resp.headers["Retry-After"] = str(wait)
        return resp
    if form.validate_on_submit():
        user = accounts.authenticate(get_store().engine, form.username.data.strip().lower(),
                                     form.password.data)
        if user is not None:
            _throttle().succeeded(_client())
            clear_session()
            session.permanent = True
            session.update(u=user.username, v=user.session_version, t=int(time.time()))
            return redirect(_safe_next(request.args.get("next")))
        _throttle().failed(_client())
        error, status = _("That user name and password do not match a report user."), 401
    elif request.method == "POST":
        status = 400
        error = _("The form expired or was sent from elsewhere: log in again.") \
            if form.csrf_token.errors else _("Enter your user name and password.")
    return Response(render_template("reports/login.html", form=form, error=error,
                                    next=request.args.get("next", "")), status=status)


@bp.post("/logout")
@in_chosen_language
def logout() -> Any:
    if not LogoutForm().validate_on_submit():
        return Response(render_template("reports/message.html", title=_("Log out failed"),
                                        message=_("The form expired: log out again."),
                                        logout=LogoutForm()), status=400)
    accounts.revoke_sessions(get_store().engine, g.user.username)
    clear_session()
    return redirect(url_for("reports.login"))


@bp.post("/language")
@in_chosen_language
def switch_language() -> Any:
    """The language switch: remember the pick in the reports' session, back to the page."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return Response(render_template("reports/message.html", title=_("Language not changed"),
                                        message=_("The form expired: choose the language "
                                                  "again."), logout=LogoutForm()), status=400)
    session[SESSION_KEY] = form.lang.data
    return redirect(_safe_next(request.form.get("next")))


def _period() -> Period:
    return parse_period(request.args, sorted(get_catalog().diagnostics))


def _page(name: str) -> Response:
    catalog = get_catalog().in_language(language())  # option labels in the page's language
    errors: dict[str, str] = {}
    reports, period, plan_errors, observed = [], None, {}, None
    try:
        period = _period()
    except PeriodError as e:
        errors[e.field] = e.message
    args = request.args
    if period is not None:
        plan = None
        if name == "pipeline":
            args = report_settings.prefilled(get_store().engine, catalog, request.args)
            if not args.get("_prefill_only"):
                plan, plan_errors = parse_plan(args)
            with get_store().engine.connect() as conn:
                observed = fit_observed(conn, period)
        catch_up(get_store())  # fold events still queued, so the report is never behind
        reports = build(get_store().engine, period, catalog, current_app.config, [name], plan)
    html = render_template(
        "reports/page.html", name=name, titles=TITLES, reports=reports, period=period,
        errors=errors, plan_errors=plan_errors, plan_fields=PLAN_FIELDS,
        diagnostics=catalog.diagnostics, args=args, fmt=fmt, bar_chart=bar_chart,
        trend_chart=trend_chart, presets=PRESETS, link=link, note=_(NOTE), describe=describe,
        price_note=report_settings.price_source(catalog), close_form=CloseRateForm(),
        observed=observed, handoffs=handoff_counts() if name == "overview" else None,
        logout=LogoutForm(), checks=for_page(name, period, catalog), **row_links(period))
    return Response(html, status=400 if errors or plan_errors else 200)


def _data(name: str, kind: str) -> Response:
    try:
        period = _period()
    except PeriodError as e:
        return api_error(400, e.message, [{"field": e.field, "message": e.message}])
    plan = None
    if name == "pipeline":
        plan, plan_errors = parse_plan(request.args)
        if plan is None:
            errs = [{"field": k, "message": v} for k, v in plan_errors.items()] or [
                {"field": "revenue", "message": "Give revenue, price and close_rate."}]
            return api_error(400, "The plan is not complete.", errs)
    catch_up(get_store())
    reports = build(get_store().engine, period, get_catalog(), current_app.config, [name], plan)
    meta = {"diagnostic": period.diagnostic, "since": period.since.isoformat(),
            "until": period.until.isoformat()}
    if kind == "json":
        return Response(to_json(reports, meta), mimetype="application/json")
    key = request.args.get("table") or reports[0].tables[0].key
    table = reports[0].table(key)
    if table is None:
        known = ", ".join(t.key for t in reports[0].tables)
        return api_error(400, f"Unknown table '{key[:64]}': choose one of {known}.",
                         [{"field": "table", "message": "No such table in this report."}])
    filename = f"{name}-{key}-{meta['since']}-{meta['until']}.csv"
    return Response(to_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _register(name: str) -> None:
    path = "/" if name == "overview" else f"/{name}"
    bp.add_url_rule(path, name, in_chosen_language(lambda: _page(name)))
    bp.add_url_rule(f"/{name}.csv", f"{name}_csv", in_english(lambda: _data(name, "csv")))
    bp.add_url_rule(f"/{name}.json", f"{name}_json", in_english(lambda: _data(name, "json")))


for _name in NAMES:
    _register(_name)
bp.context_processor(template_context)  # the language switch on every report page


class CloseRateForm(FlaskForm):
    close_rate = StringField(_l("Close rate, in %"), validators=[InputRequired(),
                                                                 Length(max=12)])


@bp.post("/pipeline/close-rate")
@in_chosen_language
def save_close_rate() -> Any:
    """Remember the close rate the pipeline math starts from, for every report user."""
    form = CloseRateForm()
    text = (form.close_rate.data or "").strip().rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not form.validate_on_submit() or not 0 < number <= 100:
        message = _("The form expired: save the close rate again.") if form.csrf_token.errors \
            else _("'%(text)s' is not a close rate: enter a number above 0 and at most 100.",
                   text=text[:12])
        return Response(render_template("reports/message.html", title=_("Close rate not saved"),
                                        message=message, logout=LogoutForm()), status=400)
    report_settings.put(get_store().engine, report_settings.CLOSE_RATE, f"{number:g}")
    return redirect(url_for("reports.pipeline", close_rate=f"{number:g}"))


def _channels_seen() -> list[tuple[str, str]]:
    """(value, name) of every channel journeys came from in the last 13 months."""
    from buyerkit.reports.names import Names
    from buyerkit.reports.period import day_of, today
    from buyerkit.reports.schema import ru_channels

    query = (sa.select(ru_channels.c.source, ru_channels.c.medium, ru_channels.c.campaign)
             .where(ru_channels.c.day >= day_of(today()) - 400).distinct())
    names = Names(get_catalog())
    with get_store().engine.connect() as conn:
        seen = sorted({tuple(r) for r in conn.execute(query)})
    return [("|".join(ch), f"{names.channel(*ch)} ({' / '.join(ch)})") for ch in seen]


@bp.route("/spend", methods=["GET", "POST"])
@in_chosen_language
def spend() -> Any:
    """Spend per channel and month, typed in one at a time or imported from a CSV file."""
    # A CSV may be up to spend.MAX_BYTES: this view alone reads more than MAX_CONTENT_LENGTH
    # (the form's own fields and multipart framing on top); a larger file is still a 413.
    request.max_content_length = spend_store.MAX_BYTES + 16 * 1024
    form, upload = SpendForm(), SpendImportForm()
    seen = _channels_seen()
    form.channel.choices = [("", _("Another channel: type its tags below")), *seen]
    errors: dict[str, str] = {}
    done, warning = None, ""
    status = 200
    if request.method == "POST":
        status = 400
        which = request.form.get("form")
        chosen = upload if which == "import" else form
        if not chosen.validate_on_submit():
            errors["csrf" if chosen.csrf_token.errors else "form"] = (
                _("The form expired: send it again.") if chosen.csrf_token.errors
                else _("Fill in the month, the source and the amount."))
        else:
            try:
                if which == "import":
                    data = upload.file.data.read(spend_store.MAX_BYTES + 1) \
                        if upload.file.data else b""
                    rows = spend_store.parse_csv(data)
                else:
                    picked = (form.channel.data or "").split("|")
                    tags = picked if len(picked) == 3 else \
                        [form.source.data or "", form.medium.data or "", form.campaign.data or ""]
                    key = spend_store.channel_key(*tags, _("Source"))
                    rows = [spend_store.Spend(
                        spend_store.parse_month(form.month.data, _("Month")), *key,
                        spend_store.parse_amount(form.amount.data, _("Amount")))]
                    if "|".join(key) not in {v for v, _ in seen}:
                        warning = _("Stored, but no journey has come from %(tags)s yet: check "
                                    "the spelling against the channel list if you expected "
                                    "one.", tags=" / ".join(key))
                with get_store().engine.begin() as conn:
                    spend_store.save(conn, rows)
                done, status = len(rows), 200
            except spend_store.SpendError as e:
                errors[e.field if which != "import" else "csv"] = e.message
    with get_store().engine.connect() as conn:
        stored = conn.execute(spend_store.report_spend.select().order_by(
            spend_store.report_spend.c.month.desc(), spend_store.report_spend.c.source)
            .limit(200)).all()
    html = render_template("reports/spend.html", form=form, upload=upload, errors=errors,
                           done=done, warning=warning, stored=stored, titles=TITLES,
                           name="spend", fmt=fmt,
                           logout=LogoutForm(), args=request.args)
    return Response(html, status=status)


def init_app(app: Flask) -> None:
    """Register the reports: blueprint, session cookie settings and the login throttle."""
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_PATH"] = app.config.get("SESSION_COOKIE_PATH") or "/reports"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=SESSION_HOURS)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = ReportSessionInterface()
    app.extensions["buyerkit.login_throttle"] = FailureThrottle(
        int(app.config.get("LOGIN_FAILURES_LIMIT", 10)),
        float(app.config.get("LOGIN_FAILURES_WINDOW", 600)))
    check_config(app.config)
    app.register_blueprint(bp)
