"""The verdict page's pieces: its own address (answers in the query, nothing stored), the share
list in the order of the roles the prospect ticked, and the links inside each next step.

Served and frozen verdicts render the same blocks from templates/_verdict.html; the frozen one
fills in the result fragment and the order in the browser (static/verdict.js). The scripts'
own words come with the page as data (`data-words`), in its language (docs/languages.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from flask import current_app, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from buyerkit.content.catalog import get_catalog
from buyerkit.content.links import followable, parts
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.schema.guide import Guide
from buyerkit.content.scoring import Answers, Result, check_answers
from buyerkit.pages.languages import request_language, twins
from buyerkit.signals.events import is_uuid

JOURNEY, GROUP = "_j", "_g"  # "_" starts no question id (a slug): no collisions


def verdict_query(d: Diagnostic, answers: Answers, journey: str, group: str) -> MultiDict:
    """The verdict's address: every answer in question order, the journey and group token."""
    q: MultiDict = MultiDict()
    for question in d.questions():
        for v in answers.get(question.id, ()):
            q.add(question.id, v)
    q[JOURNEY] = journey
    if group:
        q[GROUP] = group
    return q


def read_verdict_args(d: Diagnostic, args: MultiDict) -> tuple[Answers | None, bool]:
    """Answers from a verdict address: (answers or None when incomplete, whether any were
    dropped). Well-formed answers are kept one by one, so a stale role or option from an
    older version of the content drops only itself."""
    raw: dict[str, Any] = {}
    dropped = False
    for q in d.questions():
        values = [v for v in args.getlist(q.id) if v]
        if not values:
            continue
        if q.kind == "multi":
            known = [v for v in values if v in {o.value for o in q.options}]
            dropped |= len(known) != len(values)
            if known:
                raw[q.id] = known
        else:
            raw[q.id] = values[0]
            dropped |= len(values) > 1
    good = {k: v for k, v in raw.items() if not check_answers(d, raw, only={k})[1]}
    dropped |= len(good) != len(raw)
    dropped |= any(k not in {q.id for q in d.questions()} and not k.startswith("_")
                   for k in args)
    answers, errors = check_answers(d, good)
    return (None if errors else answers), dropped


def carried_ids(args: Mapping[str, str]) -> tuple[str, str]:
    """The journey and group token a verdict address carries, when they are well formed."""
    j, g = args.get(JOURNEY, ""), args.get(GROUP, "")
    return (j if is_uuid(j) else ""), (g if is_uuid(g) else "")


def ticked_roles(d: Diagnostic, answers: Answers) -> list[str]:
    """The roles the prospect said must agree (answers to `records: roles` questions)."""
    return [v for q in d.questions() if q.records == "roles" for v in answers.get(q.id, ())]


def share_order(guides: Iterable[Guide], ticked: list[str]) -> list[Guide]:
    """Guides for the roles ticked first, in the order ticked; then the rest as written."""
    guides = list(guides)
    first = [g for r in ticked for g in guides if g.role == r]
    return first + [g for g in guides if g not in first]


def result_fragment(d: Diagnostic, result: Result, journey: str = "") -> str:
    """The result as a guide or calculator link carries it after `#` (never sent to us)."""
    frag = f"d={d.slug}&v={result.verdict}"
    if result.bucket:
        frag += f"&b={result.bucket}"
    if result.bands.get("size"):  # an option value of the size question: stories match on it
        frag += f"&sz={quote(result.bands['size'], safe='')}"
    frag += f"&t={result.trigger}"
    return frag + (f"&j={journey}" if journey else "")


def step_href(target: str) -> tuple[str, bool]:
    """Where a step's link goes, and whether it carries the result fragment."""
    kind, _, key = target.partition(":")
    if kind == "guide":
        return url_for("guides.guide", role=key), True
    if kind == "calculator":
        return url_for("calculators.show", slug=key), True
    if kind == "diagnostic":
        return url_for("diagnostics.run", slug=key), False
    if target == "kit":
        return url_for("guides.kit"), True
    if target == "contact":
        return "#contact-h", False
    if target == "pricing":
        return url_for("offering.pricing"), False
    if target == "compare":
        return url_for("offering.compare"), False
    return local_href(target), False


def local_href(url: str) -> str:
    """A site address written in content (`/compare/#alt-x`) in the page's language: under its
    prefix when it is a buyerkit page that has one per language; any other address as written
    (the vendor's own pages beside buyerkit have no German twin we know of)."""
    if not url.startswith("/") or url.startswith("//") or request_language() is None:
        return url
    path, hash_, fragment = url.partition("#")
    path, ask, query = path.partition("?")
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:  # not a page here, or one reached by a redirect
        return url
    if endpoint not in twins():
        return url
    return url_for(endpoint, **args) + ask + query + hash_ + fragment


def step_parts(text: str) -> list[tuple[str, str | None, bool]]:
    """A step's (words, href, carries result) pieces for the template; a target whose page
    the content does not have stays plain words."""
    c = get_catalog()
    has = {name for name, v in (("pricing", c.pricing), ("compare", c.comparison)) if v}
    out: list[tuple[str, str | None, bool]] = []
    for words, target in parts(text):
        if target is None or not followable(target, c.guides, c.calculators, has,
                                            c.diagnostics):
            out.append((words, None, False))
        else:
            out.append((words, *step_href(target)))
    return out


def share_words(vendor: str) -> dict[str, str]:
    """verdict.js's words in the page's language: the e-mail drafts and the copy messages.
    `{role}`, `{title}`, `{name}` and `{url}` are filled in by the script."""
    return {
        "kit_subject": gettext("Our decision kit for %(vendor)s", vendor=vendor),
        "kit_body": gettext("Hi,\n\nHere is one page with every role's guide to %(vendor)s and "
                            "a checklist of what each of us has to do before we decide:\n\n"
                            "%(url)s\n\nThere is nothing to sign up for.",
                            vendor=vendor, url="{url}"),
        "subject": gettext("For our %(role)s: %(title)s", role="{role}", title="{title}"),
        "body": gettext("Hi,\n\nI am looking at %(vendor)s. This guide answers the questions our "
                        "%(role)s will ask, and it opens with my result:\n\n%(url)s\n\nThere "
                        "is nothing to sign up for.", vendor=vendor, role="{role}", url="{url}"),
        "copied": gettext("Link copied: %(name)s. Paste it into an e-mail or a chat.",
                          name="{name}"),
        "copy_prompt": gettext("Copy this link:"),
    }


def diagnostic_words() -> dict[str, str]:
    """diagnostic-static.js's words in the page's language: the same sentences the served
    steps say (scoring.py, diagnostic_step.html), and the scoring service's troubles."""
    return {
        "one": gettext("Choose one answer."),
        "some": gettext("Choose at least one answer."),
        "alone": gettext("'%(label)s' cannot be combined with other answers.", label="{label}"),
        "unanswered": gettext("(not answered)"),
        "step": gettext("Step %(n)s of %(total)s", n="{n}", total="{total}"),
        "step_title": gettext("step %(n)s of %(total)s", n="{n}", total="{total}"),
        "see": gettext("See my result"),
        "next": gettext("Next: %(step)s", step="{step}"),
        "back": gettext("Back: %(step)s", step="{step}"),
        "error": gettext("Error:"),
        "check_one": gettext("Please check this answer"),
        "check_all": gettext("Please check these answers"),
        "down": gettext("We could not reach our scoring service, so we cannot show your result "
                        "yet."),
        "down403": gettext("This page is not allowed to ask our scoring service for a result (a "
                           "set-up mistake on our side)."),
        "down429": gettext("Our scoring service is busy right now."),
        "kept": gettext("Your answers are still here on this page, and nothing is lost. Try "
                        "again in a moment."),
        "result": gettext("Your result: %(verdict)s", verdict="{verdict}"),
    }


def handoff_words() -> dict[str, str]:
    """handoff.js's words in the page's language (the endpoint words each field's problem)."""
    return {
        "unreachable": gettext("We could not reach our team's inbox, so nothing was sent. "
                               "Try again."),
        "failed": gettext("Something went wrong, so nothing was sent."),
    }
