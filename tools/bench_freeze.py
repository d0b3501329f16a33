"""Benchmark `buyerkit freeze` against plain Jinja2 rendering the same pages to files.

    .venv/bin/python tools/bench_freeze.py [--pages 1000] [--big 4000] [--repeat 3]

Generates a synthetic site in a temporary folder: the demo content plus N generated pages and
20 role guides, every page linking (url_for) to every guide, all extending the real base.html.
The generated pages are declared the documented way (public.PUBLIC_BLUEPRINTS + a generator).
Prints, best of --repeat runs each:
  - cold freeze vs the plain-Jinja2 floor (same templates, same context, written to files);
  - a rebuild with nothing changed, as a share of the cold freeze;
  - per-page cost at --big pages vs at --pages (catches URL work that grows with n^2);
  - wall time of freezing --pages pages.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from flask import Blueprint, render_template  # noqa: E402
from jinja2 import Environment, FileSystemLoader  # noqa: E402

from buyerkit import create_app, public  # noqa: E402
from buyerkit.freeze import freeze_site  # noqa: E402
from buyerkit.schema import BUCKETS, TRIGGERS  # noqa: E402

GUIDES = [f"role-{i:02d}" for i in range(20)]
PARAGRAPH = ("Renewal risk shows up months before a cancellation: usage falls, the champion "
             "leaves, support tickets change tone. This page is generated for the benchmark. ")
TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ title }} — {{ site.vendor.name }}{% endblock %}
{% block main %}
<h1>{{ title }}</h1>
{% for p in paragraphs %}<p>{{ p }}</p>
{% endfor %}
<nav aria-label="Guides"><ul>
{% for g in guides %}<li><a href="{{ url_for('bench.guide', role=g) }}">Guide for {{ g }}</a></li>
{% endfor %}</ul></nav>
{% if n is not none %}<p><a href="{{ url_for('bench.page', n=n + 1) }}">Next page</a></p>{% endif %}
{% endblock %}
"""


def bench_blueprint(templates: Path, pages: int) -> Blueprint:
    """Generated pages and guides, declared the way a real page kind declares itself."""
    bp = Blueprint("bench", __name__, template_folder=str(templates), url_prefix="/bench")

    def context(title: str, n: int | None) -> dict[str, Any]:
        return {"title": title, "paragraphs": [PARAGRAPH * 3] * 6, "guides": GUIDES,
                "n": n if n is not None and n + 1 < pages else None}

    @bp.get("/<int:n>/")
    def page(n: int) -> str:
        from buyerkit.catalog import get_catalog
        return render_template("bench_page.html", site=get_catalog().site,
                               **context(f"Generated page {n}", n))

    @bp.get("/guides/<role>/")
    def guide(role: str) -> str:
        from buyerkit.catalog import get_catalog
        return render_template("bench_page.html", site=get_catalog().site,
                               **context(f"Guide for {role}", None))

    public.GENERATORS["bench.page"] = lambda catalog: ({"n": n} for n in range(pages))
    public.GENERATORS["bench.guide"] = lambda catalog: ({"role": g} for g in GUIDES)
    return bp


def make_app(work: Path, pages: int, tag: str):
    templates = work / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "bench_page.html").write_text(TEMPLATE)
    public.PUBLIC_BLUEPRINTS = public.PUBLIC_BLUEPRINTS | {"bench"}
    app = create_app({"INSTANCE_PATH": str(work / f"instance-{tag}"),
                      "CONTENT_DIR": str(work / "content"), "SECRET_KEY": "bench"})
    app.register_blueprint(bench_blueprint(templates, pages))
    return app


class Request:
    blueprint = "bench"


def plain_jinja(work: Path, pages: int, out: Path, site: Any) -> float:
    """The floor: the same templates and context rendered by a bare Jinja2 Environment."""
    start = time.perf_counter()
    env = Environment(loader=FileSystemLoader([str(work / "templates"),
                                               str(ROOT / "site/buyerkit/templates")]),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    paths = {"pages.home": "/", "diagnostics.index": "/diagnostics/"}

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint == "static":
            return "/static/" + values["filename"]
        if endpoint == "bench.guide":
            return f"/bench/guides/{values['role']}/"
        if endpoint == "bench.page":
            return f"/bench/{values['n']}/"
        return paths[endpoint]

    env.globals.update(url_for=url_for, request=Request(), config={}, BUCKETS=BUCKETS,
                       TRIGGERS=TRIGGERS)
    template = env.get_template("bench_page.html")
    items = [(f"bench/{n}", f"Generated page {n}", n) for n in range(pages)]
    items += [(f"bench/guides/{g}", f"Guide for {g}", None) for g in GUIDES]
    for path, title, n in items:
        html = template.render(site=site, title=title, paragraphs=[PARAGRAPH * 3] * 6,
                               guides=GUIDES, n=n if n is not None and n + 1 < pages else None)
        target = out / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html)
    return time.perf_counter() - start


def run(work: Path, pages: int, repeat: int) -> dict[str, float]:
    cold, floor, rebuild, cold_cpu, floor_cpu = [], [], [], [], []
    for i in range(repeat):
        app = make_app(work, pages, f"{pages}-{i}")
        dest = work / f"build-{pages}-{i}"
        cpu = time.process_time()
        result = freeze_site(app, dest, "https://score.example.com")
        cold_cpu.append(time.process_time() - cpu)
        assert not result.skipped and result.pages >= pages, result
        cold.append(result.seconds)
        again = make_app(work, pages, f"{pages}-{i}")  # a new process would build a new app
        skip = freeze_site(again, dest, "https://score.example.com")
        assert skip.skipped
        rebuild.append(skip.seconds)
        site = app.extensions["buyerkit.catalog"].site
        cpu = time.process_time()
        floor.append(plain_jinja(work, pages, work / f"floor-{pages}-{i}", site))
        floor_cpu.append(time.process_time() - cpu)
        for a in (app, again):
            a.extensions["buyerkit.store"].dispose()
        shutil.rmtree(dest)
        shutil.rmtree(work / f"floor-{pages}-{i}")
    return {"cold": min(cold), "floor": min(floor), "rebuild": min(rebuild),
            "cold_cpu": min(cold_cpu), "floor_cpu": min(floor_cpu),
            "pages": pages + len(GUIDES)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--big", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-freeze-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "content", work / "content")
        small = run(work, args.pages, args.repeat)
        big = run(work, args.big, max(1, args.repeat - 1))
    per_small = small["cold"] / small["pages"]
    per_big = big["cold"] / big["pages"]
    rows = [
        ("cold freeze / plain Jinja2 floor", small["cold"] / small["floor"], 1.5,
         f"{small['cold']:.3f} s vs {small['floor']:.3f} s, {args.pages} pages"),
        ("  same, CPU seconds (less noise on a busy box)",
         small["cold_cpu"] / small["floor_cpu"], 1.5,
         f"{small['cold_cpu']:.3f} s vs {small['floor_cpu']:.3f} s"),
        ("no-change rebuild / cold freeze", small["rebuild"] / small["cold"], 0.05,
         f"{small['rebuild'] * 1000:.1f} ms vs {small['cold']:.3f} s"),
        (f"per page at {args.big} / at {args.pages}", per_big / per_small, 1.2,
         f"{per_big * 1000:.3f} ms vs {per_small * 1000:.3f} ms"),
        (f"freeze of {args.pages} pages, seconds", small["cold"], 2.0, "wall, in-process"),
    ]
    print(f"{'measure':42} {'value':>8} {'target':>7}  detail")
    ok = True
    for name, value, target, detail in rows:
        ok &= value <= target
        print(f"{name:42} {value:8.3f} {target:7.2f}  {detail}"
              f"{'' if value <= target else '  MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
