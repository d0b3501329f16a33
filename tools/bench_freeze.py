"""Benchmark `buyerkit freeze` against plain Jinja2 rendering the same pages to files.

    .venv/bin/python tools/bench_freeze.py [--pages 1000] [--big 4000] [--repeat 3]

Generates a synthetic site in a temporary folder: the demo content plus N generated pages and
20 role guides, every page linking (url_for) to every guide, all extending the real base.html.
The generated pages are declared the documented way (public.PUBLIC_BLUEPRINTS + a generator).
The floor renders every page the freeze writes (the generated ones and the demo content's, from
the context their views hand to Jinja, recorded untimed) with a bare Jinja2 Environment that
compiles the templates anew, writes them to the same files and copies the static files; its
output is checked byte for byte against the freeze's. Each timed part starts after os.sync(),
so neither waits on the disk for what came before it, and the two take turns going first.
Prints, best of --repeat runs each:
  - cold freeze vs the plain-Jinja2 floor, wall and CPU time (new instance folder: templates
    compiled, no earlier build);
  - a rebuild with nothing changed, as a share of the cold freeze;
  - per-page cost at --big pages vs at --pages (catches URL work that grows with n^2);
  - wall time of freezing --pages pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from flask import Blueprint, before_render_template, render_template  # noqa: E402
from flask import url_for as flask_url_for  # noqa: E402
from jinja2 import Environment, FileSystemLoader  # noqa: E402

from buyerkit import create_app  # noqa: E402
from buyerkit.content.schema import BUCKETS, TRIGGERS  # noqa: E402
from buyerkit.freeze.build import freeze_site  # noqa: E402
from buyerkit.pages import public  # noqa: E402

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
    bp = Blueprint("bench", __name__, template_folder=str(templates), url_prefix="/bench",
                   root_path=str(templates.parent))  # its own folder, which the freeze hashes

    def context(title: str, n: int | None) -> dict[str, Any]:
        return {"title": title, "paragraphs": [PARAGRAPH * 3] * 6, "guides": GUIDES,
                "n": n if n is not None and n + 1 < pages else None}

    @bp.get("/<int:n>/")
    def page(n: int) -> str:
        from buyerkit.content.catalog import get_catalog
        return render_template("bench_page.html", site=get_catalog().site,
                               **context(f"Generated page {n}", n))

    @bp.get("/guides/<role>/")
    def guide(role: str) -> str:
        from buyerkit.content.catalog import get_catalog
        return render_template("bench_page.html", site=get_catalog().site,
                               **context(f"Guide for {role}", None))

    public.GENERATORS["bench.page"] = lambda catalog: ({"n": n} for n in range(pages))
    public.GENERATORS["bench.guide"] = lambda catalog: ({"role": g} for g in GUIDES)
    return bp


def make_app(work: Path, pages: int, tag: str):
    templates = work / "bench" / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "bench_page.html").write_text(TEMPLATE)
    public.PUBLIC_BLUEPRINTS = public.PUBLIC_BLUEPRINTS | {"bench"}
    app = create_app({"INSTANCE_PATH": str(work / f"instance-{tag}"),
                      "CONTENT_DIR": str(work / "content"), "SECRET_KEY": "bench"})
    app.register_blueprint(bench_blueprint(templates, pages))
    return app


@dataclass
class Page:
    """One page of the demo content as its view hands it to Jinja (or its bytes, for the
    sitemap and robots.txt, which no template makes), with what its templates read of the
    request."""

    path: str
    template: str | None
    context: dict[str, Any]
    body: bytes = b""


def capture(app: Any, files: list[str]) -> list[Page]:
    """The demo content's pages (everything frozen that is not a generated page or a static
    file) as their views render them: template and context, recorded once, untimed."""
    pages: list[Page] = []
    seen: list[tuple[str, dict[str, Any]]] = []

    def grab(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        req = context.get("request")
        ns = SimpleNamespace(blueprint=req.blueprint, endpoint=req.endpoint,
                             args=dict(req.args), path=req.path)
        seen.append((template.name, {**context, "request": ns}))

    client = app.test_client()
    with before_render_template.connected_to(grab, app):
        for name in files:
            if name.startswith(("bench/", "static/", "_", ".")) or name == "nginx.conf":
                continue
            url = "/" + (name[: -len("index.html")] if name.endswith("index.html") else name)
            seen.clear()
            resp = client.get(url)
            assert resp.status_code in (200, 404), (url, resp.status_code)  # 404.html is 404
            if seen:
                template, context = seen[-1]
                for key in ("g", "session"):
                    context.pop(key, None)
                pages.append(Page(name, template, context))
            else:
                pages.append(Page(name, None, {}, resp.get_data()))
    return pages


def plain_jinja(app: Any, work: Path, pages: int, out: Path, demo: list[Page]) -> float:
    """The floor: the same pages rendered by a bare Jinja2 Environment from the same
    templates and context, written to the same files, plus the same static files copied.

    It compiles every template anew, like a cold freeze. Its url_for is two f-strings for the
    generated pages and static files, a dict of the app's parameterless paths, and plain
    Werkzeug routing for the rest: the cheapest honest link building, without a cache.
    """
    catalog = app.extensions["buyerkit.catalog"]
    site = catalog.site
    paths = {r.endpoint: r.rule for r in app.url_map.iter_rules() if not r.arguments}
    adapter = app.url_map.bind("localhost", "/")
    static = Path(app.static_folder or "")
    start = time.perf_counter()
    env = Environment(loader=FileSystemLoader([str(work / "bench" / "templates"),
                                               str(ROOT / "site/buyerkit/pages/templates")]),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_function"] = app.json.dumps  # the same tojson as the app

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint == "static":
            return "/static/" + values["filename"]
        if endpoint == "bench.guide":
            return f"/bench/guides/{values['role']}/"
        if endpoint == "bench.page":
            return f"/bench/{values['n']}/"
        if not values:
            return paths[endpoint]
        return adapter.build(endpoint, values)

    # The app's own template globals (labels, messages), not Flask's request-bound ones.
    env.globals.update({k: v for k, v in app.jinja_env.globals.items()
                        if k not in {"url_for", "get_flashed_messages", "request", "session",
                                     "g", "config"}})
    env.globals.update(url_for=url_for, config=app.config, BUCKETS=BUCKETS,
                       TRIGGERS=TRIGGERS)
    nav = {"all_guides": list(catalog.guides.values()),
           "has_pricing": catalog.pricing is not None,
           "has_comparison": catalog.comparison is not None,
           "has_stories": bool(catalog.references), "brand": catalog.brand}
    template = env.get_template("bench_page.html")
    request = SimpleNamespace(blueprint="bench", endpoint="bench.page", args={})
    items = [(f"bench/{n}", f"Generated page {n}", n) for n in range(pages)]
    items += [(f"bench/guides/{g}", f"Guide for {g}", None) for g in GUIDES]
    for path, title, n in items:
        html = template.render(site=site, title=title, paragraphs=[PARAGRAPH * 3] * 6,
                               guides=GUIDES, n=n if n is not None and n + 1 < pages else None,
                               request=request, **nav)
        target = out / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html)
    env.globals["url_for"] = flask_url_for  # demo pages: Flask's, under each page's request
    for page in demo:
        target = out / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.template is None:
            target.write_bytes(page.body)
            continue
        # Under the page's own URL: the templates' app globals (matched customer stories, the
        # language from the URL prefix) read the app and the request, as in the freeze.
        url = "/" + (page.path[: -len("index.html")] if page.path.endswith("index.html")
                     else page.path)
        with app.test_request_context(url):
            app.preprocess_request()  # the URL's language, as the freeze's request has it
            target.write_text(env.get_template(page.template).render(page.context))
    for src in static.rglob("*"):
        if src.is_file():
            target = out / "static" / src.relative_to(static)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    return time.perf_counter() - start


def same_pages(build: Path, floor: Path) -> None:
    """The floor must write what the freeze writes, page for page, or it is no floor."""
    pages = sorted(p.relative_to(floor).as_posix() for p in floor.rglob("*")
                   if p.is_file() and p.parts[len(floor.parts)] != "static")
    frozen = sorted(p.relative_to(build).as_posix() for p in build.rglob("*")
                    if p.is_file() and p.parts[len(build.parts)] != "static"
                    and not p.name.startswith((".", "_")) and p.name != "nginx.conf")
    assert pages == frozen, set(pages) ^ set(frozen)
    for page in pages:
        assert (build / page).read_bytes() == (floor / page).read_bytes(), page


def settle() -> None:
    """Start a timed part with nothing left for the disk to write from before it (the last
    run's deleted trees, the new app's SQLite database, written with fsync): on a disk, the
    part that came next used to wait for them. Done before both sides alike."""
    os.sync()


def timed_freeze(work: Path, pages: int, app: Any, dest: Path,
                 tag: str) -> tuple[float, float, float, list[str]]:
    """A cold freeze (wall and CPU seconds), then a rebuild of it with nothing changed (wall
    seconds), and the files written."""
    settle()
    cpu = time.process_time()
    result = freeze_site(app, dest, "https://score.example.com")
    cpu = time.process_time() - cpu
    assert not result.skipped and result.pages >= pages, result
    again = make_app(work, pages, tag)  # a new process would build a new app
    skip = freeze_site(again, dest, "https://score.example.com")
    assert skip.skipped
    again.extensions["buyerkit.store"].dispose()
    return result.seconds, cpu, skip.seconds, result.files


def timed_floor(app: Any, work: Path, pages: int, out: Path,
                demo: list[Page]) -> tuple[float, float]:
    """The floor, wall and CPU seconds."""
    settle()
    cpu = time.process_time()
    wall = plain_jinja(app, work, pages, out, demo)
    return wall, time.process_time() - cpu


def run(work: Path, pages: int, repeat: int) -> dict[str, Any]:
    """`repeat` runs of a cold freeze, a no-change rebuild and the floor, best of each. The
    side that goes first alternates (the freeze in runs 1 and 3, the floor in run 2): on this
    VM the first of the two to write a build after the last one was deleted spent up to 2 s
    more system time at 4,000 pages, whichever side it was (docs/benchmarks.md, "Freeze"),
    so a fixed order would charge that to one side only."""
    cold, floor, rebuild, cold_cpu, floor_cpu = [], [], [], [], []
    demo: list[Page] = []
    first: Any = None  # the first run's app, frozen: the floor reads the config a freeze sets
    for i in range(repeat):
        tag = f"{pages}-{i}"
        app = make_app(work, pages, tag)
        dest, out = work / f"build-{tag}", work / f"floor-{tag}"
        if first is None or i % 2 == 0:
            seconds, cpu, again, files = timed_freeze(work, pages, app, dest, tag)
            first = first or app
            demo = demo or capture(app, files)  # the same in every run (same_pages checks)
            floor_s, floor_c = timed_floor(first, work, pages, out, demo)
        else:
            floor_s, floor_c = timed_floor(first, work, pages, out, demo)
            seconds, cpu, again, _ = timed_freeze(work, pages, app, dest, tag)
        cold.append(seconds)
        cold_cpu.append(cpu)
        rebuild.append(again)
        floor.append(floor_s)
        floor_cpu.append(floor_c)
        same_pages(dest, out)
        if app is not first:
            app.extensions["buyerkit.store"].dispose()
        shutil.rmtree(dest)
        shutil.rmtree(out)
    first.extensions["buyerkit.store"].dispose()
    return {"cold": min(cold), "floor": min(floor), "rebuild": min(rebuild),
            "cold_cpu": min(cold_cpu), "floor_cpu": min(floor_cpu),
            "pages": pages + len(GUIDES),
            "paired": [c / f for c, f in zip(cold, floor, strict=True)],
            "paired_cpu": [c / f for c, f in zip(cold_cpu, floor_cpu, strict=True)]}


def phase(name: str, pages: int) -> None:
    """One part alone, for an instruction count (tools/bench_freeze_instructions.sh): the
    set-up every part shares, then nothing, a cold freeze or the floor."""
    with tempfile.TemporaryDirectory(prefix="bench-freeze-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "content", work / "content")
        warm = make_app(work, 1, "warm")  # imports, and the demo pages the floor renders
        demo = capture(warm, freeze_site(warm, work / "warm", "https://s.example.com").files)
        app = make_app(work, pages, "cold")
        if name == "freeze":
            freeze_site(app, work / "build", "https://score.example.com")
        elif name == "floor":
            plain_jinja(app, work, pages, work / "floor", demo)
        for a in (warm, app):
            a.extensions["buyerkit.store"].dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--big", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phase", choices=("setup", "freeze", "floor"),
                        help="run one part only (for tools/bench_freeze_instructions.sh)")
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.pages)
        return 0
    load_before = os.getloadavg()
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
    for label, res in ((args.pages, small), (args.big, big)):
        print(f"cold / floor of each run at {label} pages, wall: "
              + " ".join(f"{r:.2f}" for r in res["paired"])
              + "; CPU: " + " ".join(f"{r:.2f}" for r in res["paired_cpu"]))
    # The floor's own growth from one size to the other, on the same disk in the same run: when
    # the file system, not the freeze, makes large builds dearer, both sides show it.
    floor_growth = (big["floor"] / big["pages"]) / (small["floor"] / small["pages"])
    print(f"floor per page at {args.big} / at {args.pages}, for comparison: {floor_growth:.2f}")
    print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*load_before)
          + ", after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
