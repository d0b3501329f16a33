"""Customer stories: /customers/, one page per story, its self-hosted media, and the one or two
stories matched to a prospect on the verdict, calculator and guide pages (_stories.html).

A story page loads nothing of its clip until the prospect presses play (`preload="none"`, the
file served from this site, no cookies); the transcript is on the page. The match is
content/matching.py's pure function: the verdict page renders it on the server, and pages
whose prospect only the browser knows (the fragment of a forwarded guide) get its table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_skeleton
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale, gettext, lazy_gettext
from markupsafe import Markup, escape

from buyerkit.content.catalog import Catalog, get_catalog
from buyerkit.content.matching import SAID, Match, match, match_table
from buyerkit.content.numbers import date as day_text
from buyerkit.content.references import FOLDER, defined_values
from buyerkit.content.schema import BUCKETS, TRIGGERS
from buyerkit.content.schema.calculator import Cites
from buyerkit.content.schema.reference import Cue, Reference, TimeToValue
from buyerkit.content.scoring import Result
from buyerkit.pages.public import generator

bp = Blueprint("references", __name__, url_prefix="/customers")
PARAGRAPH_GAP = 0.3  # seconds of silence between cues that start a new transcript paragraph


@dataclass(frozen=True)
class Paragraph:
    start: str  # m:ss
    text: str


def transcript(cues: tuple[Cue, ...]) -> list[Paragraph]:
    """The captions as readable paragraphs: cues joined, a new paragraph after each pause."""
    out: list[Paragraph] = []
    words: list[str] = []
    start = 0.0
    for i, cue in enumerate(cues):
        if words and cue.start - cues[i - 1].end > PARAGRAPH_GAP:
            out.append(Paragraph(f"{int(start) // 60}:{int(start) % 60:02d}", " ".join(words)))
            words = []
        if not words:
            start = cue.start
        words.append(cue.text)
    if words:
        out.append(Paragraph(f"{int(start) // 60}:{int(start) % 60:02d}", " ".join(words)))
    return out


def size_labels(catalog: Catalog) -> dict[str, str]:
    """Each size band as the diagnostic's option words it ("200 to 999")."""
    return {o.value: o.label for d in catalog.diagnostics.values() for q in d.questions()
            if q.records == "size" for o in q.options}


def _table(catalog: Catalog) -> dict[str, str]:
    """match_table for this catalog, worked out once per loaded catalog."""
    cache = current_app.extensions.setdefault("buyerkit.evidence", {})
    if cache.get("catalog") is not catalog:
        values = defined_values(catalog.diagnostics, None)
        cache.update(catalog=catalog, table=match_table(
            catalog.references, values["bucket"], values["size"], values["trigger"]))
    return cache["table"]


def story_fragment(verdict: str, bucket: str | None, journey: str = "") -> str:
    """What a story link carries after `#`: the verdict and bucket its signal may keep."""
    frag = f"v={verdict}" + (f"&b={bucket}" if bucket else "")
    return frag + (f"&j={journey}" if journey else "")


def evidence(result: Any = None, journey: str = "") -> dict[str, Any] | None:
    """What _stories.html shows: the matched stories for a scored result, or (no result on
    the server) every story and the match table for static/stories.js; None when none."""
    catalog = get_catalog()
    refs = catalog.references
    if not refs:
        return None
    if isinstance(result, Result):
        found: tuple[Match, ...] = match(refs, result.verdict, result.bucket,
                                         result.bands.get("size"), result.trigger)
        if not found:
            return None
        return {"matches": [(refs[m.slug], m) for m in found],
                "frag": story_fragment(result.verdict, result.bucket, journey)}
    table = _table(catalog)
    shown = {slug.split(":")[0] for v in table.values() for slug in v.split()}
    if not shown:
        return None
    return {"matches": None, "table": table,
            "said": {code: gettext(text) for code, text in SAID_CODES.items()},
            "stories": [r for r in refs.values() if r.slug in shown]}


SAID_CODES = {Match("", s, t).code: text for (s, t), text in SAID.items()}
# content.matching's sentences, marked for extraction: pages show them through gettext.
_SAID = (lazy_gettext("A company of your size with the same problem and the same reason to act"),
         lazy_gettext("A company of your size with the same problem"),
         lazy_gettext("The same problem and the same reason to act, at a company of another "
                      "size"),
         lazy_gettext("The same problem, at a company of another size"),
         lazy_gettext("The same problem and the same reason to act (matched without your "
                      "company's size)"),
         lazy_gettext("The same problem (matched without your company's size)"))


def _locale() -> str:
    return str(get_locale() or "en")


def story_date(when: str) -> str:
    """A story's date as written (2026-06 or 2026-06-14) in the page's language: June 2026,
    Jun 14, 2026 / Juni 2026, 14.06.2026."""
    parts = [int(p) for p in when.split("-")]
    if len(parts) == 2:
        return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=_locale())
    return day_text(dt.date(*parts), _locale())


def source_line(source: str, when: str | None) -> str:
    """Where a figure comes from, and when it was measured when the story says so."""
    if when:
        return gettext("Source: %(source)s, %(date)s.", source=source, date=story_date(when))
    return gettext("Source: %(source)s.", source=source)


def time_to_value(ttv: TimeToValue) -> Markup:
    """"5 weeks to the first expansion deal", the time set off for the story cards."""
    value = Markup('<span class="story-value">%s</span>') % ttv.value
    # gettext without arguments leaves the %(…)s slots; Markup's % escapes what fills them
    return escape(gettext("%(time)s to %(goal)s")) % {"time": value, "goal": ttv.to}


@bp.app_template_global()
def story_cite(cites: Cites) -> Markup:
    """A calculator number's citation (content/citations.py checked it): the customer, linked
    to their story, and what the story shows; nothing when the story is gone. A template
    global, because _calc_field.html's macro is imported without the page's context."""
    ref = get_catalog().references.get(cites.story)
    if ref is None:
        return Markup("")
    link = Markup('<a href="%s">%s</a>') % (url_for("references.story", slug=ref.slug),
                                             ref.meta.customer)
    return escape(gettext("Customer evidence: %(customer)s %(says)s.")) % {
        "customer": link, "says": cites.says.rstrip(".")}


def language_name(code: str) -> str:
    """A language code (a clip's captions) named in the page's language."""
    return Locale.parse(_locale()).languages.get(code, code)


@bp.app_context_processor
def _evidence() -> dict[str, Any]:
    return {"customer_evidence": evidence, "has_stories": bool(get_catalog().references),
            "time_to_value": time_to_value, "source_line": source_line,
            "story_date": story_date, "language_name": language_name}


def _reference(slug: str) -> Reference:
    ref = get_catalog().references.get(slug)
    if ref is None:
        abort(404)
    return ref


@bp.get("/")
def index() -> str:
    catalog = get_catalog()
    return render_template("customers_index.html", site=catalog.site,
                           references=list(catalog.references.values()),
                           sizes=size_labels(catalog), BUCKETS=BUCKETS)


@bp.get("/<slug>/")
def story(slug: str) -> str:
    catalog = get_catalog()
    ref = _reference(slug)
    return render_template("customer.html", site=catalog.site, ref=ref, m=ref.meta,
                           sizes=size_labels(catalog), BUCKETS=BUCKETS, TRIGGERS=TRIGGERS,
                           paragraphs=transcript(ref.cues))


@bp.get("/files/<path:name>")
def media(name: str) -> Response:
    """A story's clip, poster or captions: only files a loaded story names are served."""
    catalog = get_catalog()
    if name not in catalog.story_media():
        abort(404)
    resp = send_from_directory(Path(catalog.root) / FOLDER, name, max_age=86400)
    resp.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return resp


@generator("references.media")
def _media_files(catalog: Catalog) -> list[dict[str, str]]:
    """The freeze writes every story's media files (every language's) beside the pages."""
    return [{"name": name} for name in sorted(catalog.story_media())]
