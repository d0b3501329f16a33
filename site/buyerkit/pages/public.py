"""Which routes are public pages, and the values each parameterised one is frozen for.

This is the one place that says what `buyerkit freeze` writes and what `sitemap.xml` lists:

- A route is public when its blueprint is named in `PUBLIC_BLUEPRINTS` (plus `static`).
  Everything else (api, reports, login, company...) is never frozen, even when a page links it.
- A public route without parameters is frozen as is.
- A public route with one parameter is frozen once per key of the catalog mapping named like
  its blueprint (blueprint `guides` + route `/guides/<role>/` -> every key of
  `catalog.guides`) or like the first part of its path (`/calculators/<slug>/` ->
  `catalog.calculators`). Nothing to register for such a route.
- Any other parameterised route declares its values once with `@generator("bp.endpoint")`
  below (a function of the Catalog yielding the url_for values of each page).
- Pages that some frozen page links to with `url_for` are frozen too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from buyerkit.content.catalog import Catalog
from buyerkit.pages.languages import TWINS

PUBLIC_BLUEPRINTS = frozenset({"pages", "diagnostics", "calculators", "guides", "offering",
                               "seo", "brand", "references"})
# Public files that are not pages: frozen, but not listed in sitemap.xml.
NOT_IN_SITEMAP = frozenset({"seo.not_found", "seo.robots", "seo.sitemap"})
# Pages of a public blueprint that only Flask serves: never frozen, never in the sitemap.
# The verdict's own address holds the prospect's answers; the static build shows its
# verdict on the diagnostic's page instead.
SERVED_ONLY = frozenset({"diagnostics.result"})

Values = dict[str, Any]
Generator = Callable[[Catalog], Iterable[Values]]
GENERATORS: dict[str, Generator] = {}


def generator(endpoint: str) -> Callable[[Generator], Generator]:
    """Declare the url_for values a parameterised public route is frozen for."""

    def register(fn: Generator) -> Generator:
        GENERATORS[endpoint] = fn
        return fn

    return register


def is_public(endpoint: str | None) -> bool:
    """True for an endpoint of a public blueprint (or the static files)."""
    if not endpoint or endpoint in SERVED_ONLY:
        return False
    blueprint, _, name = endpoint.rpartition(".")
    return endpoint == "static" or blueprint in PUBLIC_BLUEPRINTS


def _catalog_keys(catalog: Catalog, rule: Rule) -> list[Values] | None:
    """Values for a one-parameter route from the catalog mapping its blueprint is named after."""
    if len(rule.arguments) != 1:
        return None
    (arg,) = rule.arguments
    first = rule.rule.strip("/").split("/", 1)[0]
    for name in (rule.endpoint.rpartition(".")[0], first):
        mapping = getattr(catalog, name.replace("-", "_"), None) if name else None
        if isinstance(mapping, Mapping):
            return [{arg: key} for key in sorted(mapping)]
    return None


def public_routes(app: Flask) -> Iterator[tuple[str, Values]]:
    """(endpoint, values) of every public GET page the catalog knows, in a stable order.

    Parameterised routes nobody can enumerate are skipped here (see `unenumerable`).
    """
    catalog: Catalog = app.extensions["buyerkit.catalog"]
    site = catalog.site
    others = [code for code in site.languages if code != site.default_language]
    twins = app.extensions.get(TWINS, frozenset())
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" \
                or not is_public(rule.endpoint) or "lang" in rule.arguments:
            continue  # a language's twin of a page: yielded with the page below
        gen = GENERATORS.get(rule.endpoint)
        values = [{}] if not rule.arguments else \
            list(gen(catalog)) if gen else _catalog_keys(catalog, rule)
        for v in values or ():
            yield rule.endpoint, v
            if rule.endpoint in twins:  # the same page in every other site language
                for code in others:
                    yield rule.endpoint, {**v, "lang": code}


def unenumerable(app: Flask) -> list[str]:
    """Public parameterised routes with neither a generator nor a catalog mapping."""
    catalog: Catalog = app.extensions["buyerkit.catalog"]
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.arguments and "GET" in (rule.methods or ())
                  and rule.endpoint != "static" and is_public(rule.endpoint)
                  and "lang" not in rule.arguments
                  and rule.endpoint not in GENERATORS and _catalog_keys(catalog, rule) is None)


def sitemap_routes(app: Flask) -> list[tuple[str, Values]]:
    """The public HTML pages (paths ending in `/`) a search engine should know about."""
    out = []
    for endpoint, values in public_routes(app):
        if endpoint in NOT_IN_SITEMAP:
            continue
        rule = next(r for r in app.url_map.iter_rules(endpoint))
        if rule.rule.endswith("/"):
            out.append((endpoint, values))
    return out
