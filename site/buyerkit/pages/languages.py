"""One site in several languages: the language comes from the URL prefix (/de/…) and nowhere
else (never from Accept-Language, never a redirect), and Flask-Babel renders in it.

Each public page rule gets a twin under `/<lang>` with the same endpoint. Werkzeug builds the
rule with the most arguments first, so `url_for` gives the prefixed twin exactly when `lang`
is passed; `url_defaults` passes the current page's language, so every link on a German page
stays German without a template knowing. Assets, the API, reports and the sitemap have no
twin. Docs: docs/languages.md.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Flask, abort, current_app, g, has_request_context, request, url_for
from flask_babel import Babel, force_locale, gettext
from werkzeug.routing import Rule

from buyerkit.content.catalog import get_catalog
from buyerkit.content.numbers import LANGUAGES

# Blueprints whose pages a prospect reads (and so exist once per language).
PUBLIC = ("pages", "diagnostics", "calculators", "guides", "offering", "references", "handoff",
          "company")
NOT_TRANSLATED = {"references.media", "handoff.send_api"}  # files and the API: one address
# Pages of other blueprints that exist once per language too: the static host's 404 page
# (/de/404.html, which the freeze's server config shows for a miss under /de/).
ALSO_TWINNED = frozenset({"seo.not_found"})
TWINS = "buyerkit.language_twins"
ENVIRON = "buyerkit.lang"  # the request's language, kept with the request (not in g, which
# a freeze shares between pages): content.catalog.get_catalog reads it too


def languages() -> tuple[str, ...]:
    """The site's languages, default first."""
    site = get_catalog().site
    return (site.default_language,
            *(c for c in site.languages if c != site.default_language))


def default_language() -> str:
    return get_catalog().site.default_language


def request_language() -> str | None:
    """The URL prefix's language of the request being served, None for the default."""
    return request.environ.get(ENVIRON) if has_request_context() else None


def current_language() -> str:
    """The language of this request's page: its URL prefix, else the site's default."""
    return request_language() or default_language()


def select_locale() -> str:
    """Flask-Babel's locale selector: the URL decides; Accept-Language is never read."""
    try:
        return current_language()
    except (KeyError, RuntimeError):  # outside a request, or an app without content
        return "en"


def reset_locale() -> None:
    """Forget Flask-Babel's locale, cached in g: a freeze renders many pages in one app
    context."""
    g.pop("_flask_babel", None)


def pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Take `lang` out of the view arguments; 404 for a language the site does not have."""
    reset_locale()
    if request.url_rule is None:  # no page here (404, 405): the error speaks the prefix's
        code = request.path.split("/")[1] if request.path.count("/") > 1 else ""
        if code in languages()[1:]:  # language, as the page would have
            request.environ[ENVIRON] = code
        return
    if values is None or "lang" not in values:
        return
    lang = values.pop("lang")
    if lang not in languages()[1:]:  # unknown, or the default's own prefix: no such page
        abort(404)
    request.environ[ENVIRON] = lang


def _add_language(endpoint: str, values: dict[str, Any]) -> None:
    """Links from a page in a non-default language stay in that language."""
    lang = request_language()
    if lang and endpoint in twins() and "lang" not in values:
        values["lang"] = lang


def twins() -> frozenset[str]:
    """The endpoints that have a page per language."""
    return current_app.extensions[TWINS]


def language_url(lang: str) -> str:
    """This page in another language (its query string kept; the fragment is the browser's)."""
    endpoint = request.endpoint
    if endpoint not in twins():
        return url_for("pages.home", lang=None if lang == default_language() else lang)
    args = dict(request.view_args or {})
    args["lang"] = None if lang == default_language() else lang
    url = url_for(endpoint, **args)
    return url + ("?" + request.query_string.decode("latin-1") if request.query_string else "")


def alternates() -> list[tuple[str, str]]:
    """(code, URL) of this page in every site language: hreflang links and the switch."""
    if request.endpoint not in twins():
        return []
    return [(code, language_url(code)) for code in languages()]


# The source file each translatable page shows (None: a page of several files, such as an
# index); a page of any other endpoint always falls back.
SOURCES = {"pages.home": "site.yaml", "guides.guide": "guides/{role}.md",
           "calculators.show": "calculators/{slug}.yaml",
           "diagnostics.run": "diagnostics/{slug}.yaml",
           "diagnostics.result": "diagnostics/{slug}.yaml", "diagnostics.index": None,
           "handoff.send_form": "diagnostics/{slug}.yaml",
           "offering.pricing": "pricing.yaml", "offering.compare": "comparison.yaml",
           "references.story": "references/{slug}.md", "references.index": None,
           "calculators.index": None, "guides.index": None, "guides.kit": None,
           "company.pool": None, "seo.not_found": None}


def fallback() -> bool:
    """True when this page, under a language's prefix, shows the default language's text."""
    if request_language() is None or request.endpoint not in twins():
        return False
    if request.endpoint not in SOURCES:
        return True
    source = SOURCES[request.endpoint]
    if source is None:
        return False
    return source.format(**(request.view_args or {})) in get_catalog().fallbacks


def partly() -> bool:
    """True when this page, under a language's prefix, is translated but its translation
    leaves some texts out, so they show in the default language (`check` warns about each;
    a gap vouched for with `# allow untranslated: why` does not count)."""
    if request_language() is None or request.endpoint not in SOURCES:
        return False
    source = SOURCES[request.endpoint]
    return source is not None and \
        source.format(**(request.view_args or {})) in get_catalog().partly


def translated(lang: str) -> bool:
    """True when this page has its own text in `lang` (the default language always has)."""
    if lang == default_language():
        return True
    if request.endpoint not in SOURCES:  # a page whose content has no translations yet
        return False
    source = SOURCES[request.endpoint]
    if source is None:  # a page without content text of its own: only interface text
        return True
    views = current_app.extensions["buyerkit.catalog"].in_language(lang)
    return source.format(**(request.view_args or {})) not in views.fallbacks


def suggestions(links: list[tuple[str, str]], lang: str) -> list[dict[str, str]]:
    """This page in each other language it is translated into, with the words of the notice
    that offers it in that language (static/languages.js shows one when the browser prefers
    it; nothing on the server reads the visitor's languages)."""
    out = []
    for code, url in links:
        if code == lang or not translated(code):
            continue
        with force_locale(code):
            out.append({"code": code, "url": url, "close": gettext("No, thanks"),
                        "text": gettext("This page is also available in %(language)s.",
                                        language=LANGUAGES[code])})
    return out


def _context() -> dict[str, Any]:
    """What base.html needs: <html lang>, hreflang alternates, the switch, the fallback note."""
    try:
        lang = current_language()
        links = alternates()
        base = get_catalog().site.vendor.base_url.rstrip("/")
        default = default_language()
    except (KeyError, RuntimeError):
        return {"page_language": "en", "other_languages": [], "alternates": []}
    return {"page_language": lang, "default_language": default,
            "other_languages": [(code, LANGUAGES[code], url) for code, url in links
                                if code != lang],
            "alternates": [(code, base + url) for code, url in links],
            "language_fallback": fallback(), "language_partly": partly(),
            "language_names": LANGUAGES,
            "language_suggestions": suggestions(links, lang),
            # the default language named in the page's language ("Englisch" on a German page)
            "default_language_name": Locale.parse(lang).languages.get(default, default)}


def init_app(app: Flask) -> None:
    """Flask-Babel with the URL as the only source of the locale; the /<lang> twin rules."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=select_locale)
    found = set()
    for rule in list(app.url_map.iter_rules()):
        bp = rule.endpoint.partition(".")[0]
        if (bp not in PUBLIC and rule.endpoint not in ALSO_TWINNED) \
                or rule.endpoint in NOT_TRANSLATED:
            continue
        app.url_map.add(Rule("/<string(length=2):lang>" + rule.rule, endpoint=rule.endpoint,
                             methods=rule.methods, defaults=rule.defaults,
                             strict_slashes=rule.strict_slashes))
        found.add(rule.endpoint)
    app.extensions[TWINS] = frozenset(found)
    app.url_value_preprocessor(pull_language)
    app.url_defaults(_add_language)
    app.context_processor(_context)
