"""Role guides and the decision kit: server-rendered pages a buyer forwards to their team.

The pages are complete without JavaScript. `static/guide.js` adds the team's numbers from the
link's fragment, the share controls and the kit's checklist; the server never sees either.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext, lazy_gettext

from buyerkit.content.catalog import Catalog, get_catalog
from buyerkit.content.schema import BUCKETS, TRIGGERS
from buyerkit.content.schema.guide import TASK_KINDS, Guide
from buyerkit.content.schema.site import Site

bp = Blueprint("guides", __name__)


def absolute_url(site: Site, path: str) -> str:
    """The page's public address, for link previews and for links shared without JavaScript."""
    return site.vendor.base_url.rstrip("/") + path


# content.schema's bucket and trigger names, marked for extraction (tools/i18n.sh): the page
# shows them through gettext(name) below.
_NAMES = (lazy_gettext("Retain and expand customers"), lazy_gettext("Acquire new customers"),
          lazy_gettext("Grow more efficiently"), lazy_gettext("An authority shift"),
          lazy_gettext("A mandate"), lazy_gettext("Personal drive"),
          lazy_gettext("No trigger yet"),
          # content.schema.guide's task kinds, shown as tags in the guides and the kit
          lazy_gettext("Security review"), lazy_gettext("Legal review"),
          lazy_gettext("Budget approval"), lazy_gettext("Technical check"), lazy_gettext("Other"))


def numbers_labels(catalog: Catalog) -> dict[str, Any]:
    """What the page script needs to turn fragment codes into words: only known codes show."""
    return {
        "diagnostics": {
            slug: {"title": d.title,
                   "verdicts": {v: getattr(d.outcomes, v).title
                                for v in ("fit", "not_now", "not_a_fit")}}
            for slug, d in catalog.diagnostics.items()
        },
        "buckets": {k: gettext(v) for k, v in BUCKETS.items()},
        "triggers": {k: gettext(v) for k, v in TRIGGERS.items()},
        "roles": {role: g.meta.name for role, g in catalog.guides.items()},
        # the script's own words, in the page's language (no second translation system)
        "messages": {
            "check_taken": gettext("Check taken"), "result": gettext("Result"),
            "problem_area": gettext("Problem area"),
            "urgency": gettext("What makes it urgent"),
            "shared_from": gettext("Shared with you from the guide for {name}."),
            "some_unread": gettext("Some of the numbers in this link could not be read, so "
                                   "they are left out."),
            "none_read": gettext("The numbers in this link could not be read, so this is the "
                                 "general guide."),
            **share_words(catalog.site),
        },
    }


def share_words(site: Site) -> dict[str, str]:
    """The share panel's and the checklist's words for guide.js; {name}, {title}, {url}, {n}
    and {total} are filled in by the script."""
    vendor = site.vendor.name
    kit_subject, kit_body = guide_email(site, None, "{url}")
    return {
        "kit_subject": kit_subject, "kit_body": kit_body,
        "guide_subject": gettext("For our %(role)s: %(title)s", role="{name}", title="{title}"),
        "guide_body": gettext("Hi,\n\nI am looking at %(vendor)s. This guide answers the "
                              "questions our %(role)s will ask, and it opens with our numbers:"
                              "\n\n%(url)s\n\nThere is nothing to sign up for.",
                              vendor=vendor, role="{name}", url="{url}"),
        "copied": gettext("Link copied. Paste it into an e-mail or a chat."),
        "copy_by_hand": gettext("Copying is not available here: the link is selected, press "
                                "Ctrl+C (or Command+C) to copy it."),
        "done": gettext("{n} of {total} done."),
        "done_kept": gettext("{n} of {total} done. The link in your address bar now keeps "
                             "these ticks."),
    }


def contact_kinds(site: Site) -> dict[str, str]:
    """Each contact link's address mapped to its kind, so a click can say which was chosen."""
    c = site.contact
    kinds: dict[str, str] = {}
    if c.schedule:
        kinds[c.schedule.url] = "schedule"
    if c.phone:
        kinds["tel:" + c.phone.number.replace(" ", "")] = "phone"
    if c.chat:
        kinds[c.chat.url] = "chat"
    if c.email:
        kinds[c.email.url] = "email"
    for dm in c.dms:
        kinds[dm.url] = "dm"
    return kinds


def mailto(subject: str, body: str) -> str:
    """An e-mail draft link; the buyer picks the recipients in their own mail program."""
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


def guide_email(site: Site, guide: Guide | None, url: str) -> tuple[str, str]:
    """Subject and body of the e-mail draft that shares a guide (or the kit when None)."""
    vendor = site.vendor.name
    if guide is None:
        return (gettext("Our decision kit for %(vendor)s", vendor=vendor),
                gettext("Hi,\n\nHere is one page with every role's guide to %(vendor)s and a "
                        "checklist of what each of us has to do before we decide:\n\n%(url)s"
                        "\n\nThere is nothing to sign up for.", vendor=vendor, url=url))
    return (gettext("For our %(role)s: %(title)s", role=guide.meta.name, title=guide.meta.title),
            gettext("Hi,\n\nI am looking at %(vendor)s. This guide answers the questions our "
                    "%(role)s will ask:\n\n%(url)s\n\nThere is nothing to sign up for.",
                    vendor=vendor, role=guide.meta.name, url=url))


def _page_context(catalog: Catalog, guide: Guide | None) -> dict[str, Any]:
    site = catalog.site
    url = absolute_url(site, request.path)
    subject, body = guide_email(site, guide, url)
    return {"site": site, "guides": list(catalog.guides.values()), "page_url": url,
            "email_href": mailto(subject, body), "labels": numbers_labels(catalog),
            "contact_kinds": contact_kinds(site), "TASK_KINDS": TASK_KINDS}


_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")


def contents(html: str) -> list[tuple[str, str]]:
    """The guide's own sections (anchor, title) for an "On this page" list: shown when there
    are four or more, or 1,500 words, so a long page on a phone has a way through."""
    sections = [(a, _TAG.sub("", t).strip()) for a, t in _H2.findall(html)]
    long = len(_TAG.sub(" ", html).split()) >= 1500
    return sections if len(sections) >= 4 or long else []


@bp.app_context_processor
def _guides_nav() -> dict[str, Any]:
    """Lets shared templates (the nav, the diagnostic result) link to the guides that exist."""
    return {"all_guides": list(get_catalog().guides.values())}


@bp.get("/guides/")
def index() -> str:
    catalog = get_catalog()
    return render_template("guides_index.html", **_page_context(catalog, None))


@bp.get("/guides/<role>/")
def guide(role: str) -> str:
    catalog = get_catalog()
    g = catalog.guides.get(role)
    if g is None:
        abort(404)
    return render_template("guide.html", guide=g, contents=contents(str(g.html)),
                           **_page_context(catalog, g))


@bp.get("/kit/")
def kit() -> str:
    catalog = get_catalog()
    return render_template("kit.html", **_page_context(catalog, None))
