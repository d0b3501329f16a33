"""The diagnostic as server-rendered steps: works without JavaScript, keeps answers both ways.

No cookie and no server state: answers from other steps travel in hidden fields of the form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext
from werkzeug.exceptions import default_exceptions

from buyerkit.content.branching import asked, planned, steps_asked
from buyerkit.content.catalog import get_catalog
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.scoring import Answers, Result, check_answers, score
from buyerkit.pages import verdict
from buyerkit.pages.forms import step_form
from buyerkit.pages.guides import absolute_url, guide_email, mailto
from buyerkit.pages.languages import current_language
from buyerkit.signals.events import (
    Channel,
    DiagnosticCompleted,
    DiagnosticStarted,
    StepReached,
    derived_id,
    is_uuid,
    new_id,
    referrer_host,
)
from buyerkit.signals.record import record_page

bp = Blueprint("diagnostics", __name__, url_prefix="/diagnostics")

# `_group` and `_homepage` start with "_", which no question id (a slug) can: no collisions.
CARRIED = ("journey", "event", "_group", "utm_source", "utm_medium", "utm_campaign", "ref")
HONEYPOT = "_homepage"  # a field no person sees or fills (hidden from sight, AT and Tab)


def _diagnostic(slug: str) -> Diagnostic:
    d = get_catalog().diagnostics.get(slug)
    if d is None:
        abort(404)
    return d


def _raw_answers(d: Diagnostic) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in d.questions():
        values = request.form.getlist(q.id)
        if values:
            raw[q.id] = values if q.kind == "multi" else values[0] if len(values) == 1 else values
    return raw


def _carried() -> dict[str, str]:
    """Journey, event id and channel: made on the first step, then carried in hidden fields."""
    src = request.form if request.method == "POST" else request.args
    ctx = {k: (src.get(k) or "")[:200] for k in CARRIED}
    if request.method == "GET":
        # Embedded (embed.js), the frame's referrer is the host page: it passes the visitor's.
        referrer = request.args.get("bk_referrer", request.referrer)
        ctx["ref"] = referrer_host(referrer, request.host) or ""
        ctx["journey"] = new_id()
    for k in ("journey", "event"):
        if not is_uuid(ctx[k]):
            ctx[k] = new_id()
    if not is_uuid(ctx["_group"]):
        ctx["_group"] = ""  # filled in by diagnostic.js from a shared link's fragment
    return ctx


def _channel(ctx: dict[str, str]) -> Channel:
    return Channel.from_values(ctx["utm_source"], ctx["utm_medium"], ctx["utm_campaign"],
                               ctx["ref"])


def _signal(cls: type, d: Diagnostic, ctx: dict[str, str], what: str, **props: Any) -> None:
    """Record a journey event with an id derived from the journey, so a re-post counts once."""
    record_page(cls(id=derived_id(ctx["journey"], what), subject=d.slug,
                    journey=ctx["journey"], group=ctx["_group"] or None,
                    channel=_channel(ctx), **props),
                honeypot=bool(request.form.get(HONEYPOT)))


def _render_step(d: Diagnostic, index: int, answers: Answers, ctx: dict[str, str],
                 formdata: Any = None, validate: bool = False, status: int = 200,
                 focus: str = "") -> Response:
    """One step; `focus` ("heading" after a step, "errors" after a mistake) is where the
    browser puts focus on arrival (autofocus), as GOV.UK does, so nobody tabs from the top."""
    step = d.steps[index]
    form = step_form(d, step, formdata, answers)
    if validate:
        form.validate()
    on_step = {q.id for q in step.questions}
    hidden = [(qid, v) for qid, values in answers.items() if qid not in on_step for v in values]
    plan = planned(d, answers, index)  # the steps these answers lead to
    pos = plan.index(index)
    nxt = plan[pos + 1] if pos + 1 < len(plan) else None
    if nxt is None:
        ctx = {**ctx, "event": new_id()}
    html = render_template("diagnostic_step.html", d=d, step=step, index=index, form=form,
                           plan=plan, pos=pos, nxt=nxt, prev=plan[pos - 1] if pos else None,
                           hidden=hidden, ctx=ctx, site=get_catalog().site, honeypot=HONEYPOT,
                           abandon_id=derived_id(ctx["journey"], f"abandoned:{index + 1}"),
                           focus="errors" if form.errors else focus)
    return Response(html, status=status)


def _finish(d: Diagnostic, answers: Answers, ctx: dict[str, str]) -> Response:
    """Record the completion, then send the browser to the verdict's own address
    (post/redirect/get): a reload or a bookmark shows the verdict again and records nothing."""
    result: Result = score(d, answers)
    event = DiagnosticCompleted(
        id=ctx["event"], subject=d.slug, verdict=result.verdict, reasons=result.codes,
        bucket=result.bucket, trigger=result.trigger, bands=dict(result.bands),
        journey=ctx["journey"], group=ctx["_group"] or None, channel=_channel(ctx),
        lang=current_language(),
    )
    record_page(event, honeypot=bool(request.form.get(HONEYPOT)))
    query = verdict.verdict_query(d, answers, ctx["journey"], ctx["_group"])
    return redirect(url_for("diagnostics.result", slug=d.slug) + "?"
                    + urlencode(list(query.items(multi=True))), code=303)


def _render_result(d: Diagnostic, answers: Answers | None, ctx: dict[str, str],
                   dropped: bool) -> Response:
    catalog = get_catalog()
    if answers is None:
        return Response(render_template("diagnostic_result.html", d=d, result=None,
                                        site=catalog.site, stale=True), status=400)
    result = score(d, answers)
    ticked = verdict.ticked_roles(d, answers)
    return Response(render_template(
        "diagnostic_result.html", d=d, result=result,
        outcome=getattr(d.outcomes, result.verdict), site=catalog.site, answers=answers,
        calculators=catalog.calculators, ctx=ctx, stale=dropped, ticked=ticked,
        share_guides=verdict.share_order(catalog.guides.values(), ticked),
        frag=verdict.result_fragment(d, result, ctx["journey"]),
        share_frag=verdict.result_fragment(d, result)))


def _preset(d: Diagnostic) -> Answers:
    """Answers a problem card's link chooses in advance (`?symptom=...`): the well-formed ones
    are kept, the rest ignored, so a stale link starts blank and never fails."""
    raw = {q.id: (request.args.getlist(q.id) if q.kind == "multi" else request.args[q.id])
           for q in d.questions() if request.args.get(q.id)}
    good = {k: v for k, v in raw.items() if not check_answers(d, raw, only={k})[1]}
    return check_answers(d, good)[0]


def _render_static(d: Diagnostic) -> Response:
    """Static build (`buyerkit freeze`): every step and every outcome in one page, no random
    ids baked in; static/diagnostic-static.js asks the endpoint for the verdict."""
    forms = [step_form(d, step, None) for step in d.steps]
    return Response(render_template("diagnostic_static.html", d=d, forms=forms,
                                    site=get_catalog().site))


@bp.app_template_global()
def step_parts(text: str) -> list[tuple[str, str | None, bool]]:
    """A next step's words and links, for templates/_verdict.html."""
    return verdict.step_parts(text)


@bp.app_template_global()
def local_href(url: str) -> str:
    """A site address from content in the page's language (templates/_verdict.html)."""
    return verdict.local_href(url)


@bp.app_template_global()
def share_words(site: Any) -> dict[str, str]:
    """verdict.js's words, in the page's language (templates/_verdict.html)."""
    return verdict.share_words(site.vendor.name)


@bp.app_template_global()
def diagnostic_words() -> dict[str, str]:
    """diagnostic-static.js's words, in the page's language (templates/diagnostic_static.html)."""
    return verdict.diagnostic_words()


@bp.app_template_global()
def handoff_words() -> dict[str, str]:
    """handoff.js's words, in the page's language (templates/_handoff.html)."""
    return verdict.handoff_words()


# Werkzeug's names and descriptions of the errors a page can answer with, in buyerkit's words
# and the page's language (templates/error.html); any other description is shown as given.
_ERRORS = {
    400: (lazy_gettext("Bad request"),
          lazy_gettext("Something in this address or form could not be read. Go back and try "
                       "again, or start from the home page.")),
    405: (lazy_gettext("Not possible here"),
          lazy_gettext("This page cannot be used that way. Open it with a normal link instead.")),
    413: (lazy_gettext("Too much at once"),
          lazy_gettext("What was sent to this page is larger than it accepts.")),
    500: (lazy_gettext("Something went wrong on our side"),
          lazy_gettext("This page could not be shown because of a mistake on our side. Nothing "
                       "you entered was stored. Please try again in a moment.")),
}


@bp.app_template_global()
def error_words(status: int, title: str, description: str) -> tuple[str, str]:
    """An error page's heading and sentence: buyerkit's own, translated, for Werkzeug's
    generic ones; a description a view gave itself stays as it is."""
    known = _ERRORS.get(status)
    exc = default_exceptions.get(status)
    if known is None or exc is None:
        return title, description
    generic = description in ("", exc.description)
    return str(known[0]), str(known[1]) if generic else description


@bp.app_template_global()
def share_mailto(guide: Any, path: str) -> str:
    """An e-mail draft sharing a guide (or the kit when None) at this site path."""
    return mailto(*guide_email(get_catalog().site, guide, absolute_url(get_catalog().site, path)))


@bp.get("/<slug>/result/")
def result(slug: str) -> Response:
    """The verdict for the answers in the address: computed again, nothing recorded."""
    d = _diagnostic(slug)
    answers, dropped = verdict.read_verdict_args(d, request.args)
    journey, group = verdict.carried_ids(request.args)
    ctx = {"journey": journey or new_id(), "_group": group}
    return _render_result(d, answers, ctx, dropped)


@bp.get("/")
def index() -> str:
    return render_template("diagnostics_index.html", diagnostics=get_catalog().diagnostics,
                           site=get_catalog().site)


@bp.route("/<slug>/", methods=["GET", "POST"])
def run(slug: str) -> Response:
    d = _diagnostic(slug)
    if current_app.config["STATIC_BUILD"] and request.method == "GET":
        return _render_static(d)
    ctx = _carried()
    if request.method == "GET":
        _signal(DiagnosticStarted, d, ctx, "started")
        return _render_step(d, 0, _preset(d), ctx)

    try:
        index = int(request.form.get("step", "0"))
    except ValueError:
        index = 0
    index = min(max(index, 0), len(d.steps) - 1)
    raw = _raw_answers(d)
    # Keep every well-formed answer, whatever step it belongs to; drop only tampered ones.
    # An answer to a question the other answers now hide is dropped too (it is not asked).
    answers, _ = check_answers(d, {k: v for k, v in raw.items()
                                   if not check_answers(d, raw, only={k})[1]})
    plan = steps_asked(d, answers)  # skipped steps are never shown, nor recorded as reached
    shown = asked(d, answers)
    raw = {k: v for k, v in raw.items() if k in shown}  # a stale hidden answer is not asked

    if request.form.get("go") == "back":
        earlier = [i for i in plan if i < index]
        return _render_step(d, earlier[-1] if earlier else 0, answers, ctx, request.form,
                            focus="heading")

    on_step = {q.id for q in d.steps[index].questions}
    _, errors = check_answers(d, raw, only=on_step)
    if errors:
        return _render_step(d, index, answers, ctx, request.form, validate=True, status=400)
    later = [i for i in plan if i > index]
    if later:
        _signal(StepReached, d, ctx, f"step:{later[0] + 1}", step=later[0] + 1)
        return _render_step(d, later[0], answers, ctx, request.form, focus="heading")

    for i, step in enumerate(d.steps):
        _, errors = check_answers(d, raw, only={q.id for q in step.questions})
        if errors:
            current_app.logger.info("diagnostic %s: answers missing on step %d", slug, i + 1)
            return _render_step(d, i, answers, ctx, request.form, validate=True, status=400)
    return _finish(d, answers, ctx)
