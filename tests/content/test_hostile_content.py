"""Hostile content files against `buyerkit check`, `freeze` and `serve`, each run in a
subprocess bounded by resource.setrlimit (CPU seconds and address space): the answer is a clean
pass or located `path:line:col: message` lines, never a traceback, a hang or gigabytes.
(A long run: tools/fuzz.sh sets HYPOTHESIS_PROFILE=long.)"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buyerkit.content.formula import MAX_LENGTH, FormulaError, parse, walk
from buyerkit.content.loading import YAML_MAX_DEPTH, YAML_MAX_VALUES
from buyerkit.content.markup import render_markdown, safe_link
from tests.conftest import DEMO_CONTENT

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
CPU_SECONDS = 20  # the CPU a run may use before the kernel stops it (a hang is a failure)
MEMORY = 1024 * 1024 * 1024  # address space: Python with the app's libraries maps ~400 MB
LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: \S.*$")
SUITE = settings(deadline=None, derandomize=not LONG, database=None,
                 suppress_health_check=list(HealthCheck))


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    max_rss_mb: float


# A small launcher between the test and buyerkit. A child's peak memory (ru_maxrss) starts at
# the size of the process it was forked from, and late in a full run pytest is past 200 MB:
# forked from this launcher instead, buyerkit's figure is its own. The launcher sets the limits,
# passes SIGTERM on, and writes the child's peak (KB) to the file named by BK_RUSAGE.
LAUNCHER = """
import os, resource, signal, sys
cpu, memory, rusage = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    os.execv(sys.executable, [sys.executable, "-c",
             "import sys; from buyerkit.cli import main; sys.exit(main())", *sys.argv[4:]])
signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))
while True:
    try:
        _, status, usage = os.wait4(pid, 0)
        break
    except InterruptedError:
        continue
with open(rusage, "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_bounded(args: list[str], cwd: Path, *, until_port: int | None = None) -> Run:
    """Run buyerkit with CPU and memory limits; with `until_port`, stop it once it answers.
    Its own peak memory comes from wait4 (RUSAGE_CHILDREN would be the largest child yet)."""
    start = time.monotonic()
    out_path, err_path = cwd / f"out{start}", cwd / f"err{start}"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        rusage = cwd / f"rusage{start}"
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(CPU_SECONDS), str(MEMORY),
                                 str(rusage), *args], cwd=cwd, stdout=out, stderr=err,
                                start_new_session=True,
                                env={**os.environ, "BUYERKIT_INSTANCE_PATH": str(cwd / "i")})
    served, status, usage = False, None, None
    deadline = start + CPU_SECONDS * 3
    while status is None:
        pid, st_, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, usage = st_, ru
            break
        if until_port is not None and not served:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{until_port}/", timeout=5) as r:
                    served = r.status == 200
                proc.terminate()
            except OSError:
                pass
        if time.monotonic() > deadline:
            os.killpg(proc.pid, 9)  # the launcher and buyerkit both
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            pytest.fail(f"buyerkit {args[0]} did not finish in {CPU_SECONDS * 3} s")
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = 0 if served else proc.returncode
    peak = int(rusage.read_text()) if rusage.exists() else usage.ru_maxrss
    return Run(code, out_path.read_text(), err_path.read_text(), time.monotonic() - start,
               peak / 1024)


def assert_located_or_clean(run: Run, command: str) -> None:
    """A clean pass, or located lines and the count: no traceback, no kill by a limit."""
    assert "Traceback" not in run.err, run.err[-3000:]
    assert run.code in (0, 1), (run.code, run.err[-3000:])
    if run.code == 1:
        lines = run.err.strip().splitlines()
        assert lines[-1] == f"Aborted with {len(lines) - 1} content error" + \
            ("" if len(lines) == 2 else "s"), run.err[-3000:]
        bad = [line for line in lines[:-1] if not LOCATED.match(line)]
        assert not bad, bad


# --- hostile files --------------------------------------------------------------------------

def _bomb(levels: int, width: int, merge: bool) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        if merge:
            lines.append(f"l{i}: &l{i}\n" + "".join(f"  <<: *l{i - 1}\n" for _ in range(1))
                         + "".join(f"  k{j}: *l{i - 1}\n" for j in range(width)))
        else:
            lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


yaml_bombs = st.builds(_bomb, st.integers(2, 12), st.integers(2, 10), st.booleans())
deep_flow = st.builds(lambda n, o: "a: " + (o[0] * n) + (o[1] * n) + "\n",
                      st.integers(YAML_MAX_DEPTH - 2, 20000),
                      st.sampled_from([("[", "]"), ("{a: ", "}")]))
deep_block = st.integers(YAML_MAX_DEPTH - 2, 400).map(
    lambda n: "".join("  " * i + "a:\n" for i in range(n)) + "  " * n + "b\n")
huge_scalar = st.integers(1000, 300_000).map(lambda n: "title: " + "x" * n + "\n")
recursive = st.sampled_from(["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a\n  <<: *a\n",
                             "*unknown\n", "a: &a 1\nb: &a 2\nc: *a\n"])
many_keys = st.integers(100, 20000).map(lambda n: "".join(f"k{i}: {i}\n" for i in range(n)))
yaml_text = st.one_of(yaml_bombs, deep_flow, deep_block, huge_scalar, recursive, many_keys,
                      st.text(max_size=300))
formula = st.one_of(
    st.integers(2, MAX_LENGTH // 2 + 10).map(lambda n: "+".join(["arr"] * n)),
    st.integers(2, 1200).map(lambda n: "(" * n + "1" + ")" * n),
    st.integers(2, 1200).map(lambda n: "-" * n + "1"),
    st.integers(2, 600).map(lambda n: "min(" * n + "1" + ", 2)" * n),
    st.text(alphabet="()+-*/,<=>!minaxroudfp1.0 e", max_size=400),
)


@st.composite
def encoded(draw, text: st.SearchStrategy[str]) -> bytes:
    t = draw(text)
    how = draw(st.sampled_from(["utf-8", "bom", "utf-16", "latin-1", "nul", "binary", "cr"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + t.encode("utf-8", "replace")
    if how == "utf-16":
        return t.encode("utf-16")
    if how == "latin-1":
        return t.encode("latin-1", "replace") + "café\n".encode("latin-1")
    if how == "nul":
        return t.encode("utf-8", "replace") + b"title: a\x00b\n"
    if how == "binary":
        return draw(st.binary(max_size=2000))
    if how == "cr":
        return t.replace("\n", "\r").encode("utf-8", "replace")
    return t.encode("utf-8", "replace")


markdown_body = st.one_of(
    st.integers(10, 5000).map(lambda n: ">" * n + " deep\n"),
    st.integers(10, 3000).map(lambda n: "".join("  " * i + "- x\n" for i in range(n))),
    st.integers(10, 50000).map(lambda n: "[" * n + "a" + "](x)" * (n // 10)),
    st.integers(10, 50000).map(lambda n: "*a" * n + "\n"),
    st.integers(10, 20000).map(lambda n: "| a |\n|---|\n" + "| b |\n" * n),
    st.text(alphabet="[]()<>*_`#>-|!\\\n javascript:&#;", max_size=3000),
)


def _guide(front: str, body: str) -> str:
    return f"---\n{front}---\n{body}"


def _calculator_with(expr: str) -> str:
    text = (DEMO_CONTENT / "calculators/renewal-roi.yaml").read_text()
    return re.sub(r"formula: .*", lambda _: "formula: " + expr.replace("\n", " "), text,
                  count=1)


KINDS = {  # where a hostile file goes, and what it is
    "site.yaml": encoded(yaml_text),
    "diagnostics/renewal-risk-check.yaml": encoded(yaml_text),
    "diagnostics/extra.yaml": encoded(yaml_text),
    "calculators/renewal-roi.yaml": st.one_of(encoded(yaml_text),
                                              formula.map(_calculator_with).map(str.encode)),
    "guides/cfo.md": st.one_of(
        encoded(yaml_text.map(lambda y: _guide(y, "Body.\n"))),
        markdown_body.map(lambda b: _guide(
            (DEMO_CONTENT / "guides/cfo.md").read_text().split("---\n")[1], b).encode()),
    ),
    "pricing.yaml": encoded(yaml_text),
    "comparison.yaml": encoded(yaml_text),
    "targets.yaml": encoded(yaml_text),
}


@st.composite
def hostile_folder(draw) -> dict[str, bytes]:
    names = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=4, unique=True))
    return {name: draw(KINDS[name]) for name in names}


def _write(tmp: Path, files: dict[str, bytes]) -> Path:
    work = tmp / f"w{time.monotonic_ns()}"
    shutil.copytree(DEMO_CONTENT, work / "content")
    for name, data in files.items():
        (work / "content" / name).write_bytes(data)
    return work


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_command(command: str, work: Path) -> Run:
    if command == "check":
        return run_bounded(["check", "content"], work)
    if command == "freeze":
        return run_bounded(["freeze", "--content", "content", "--dest", str(work / "build")],
                           work)
    port = _free_port()
    return run_bounded(["serve", "--content", "content", "--port", str(port)], work,
                       until_port=port)


# --- the suite -----------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "examples"), [("check", 4), ("freeze", 1), ("serve", 1)])
def test_generated_hostile_content_is_located_or_clean(tmp_path, command, examples):
    @settings(SUITE, max_examples=examples * (15 if LONG else 1))
    @given(files=hostile_folder())
    def attempt(files):
        assert_located_or_clean(run_command(command, _write(tmp_path, files)), command)

    attempt()


BOMB = _bomb(9, 9, merge=False)  # 9^9 values when expanded: 387 million


REPORTED = [
    (BOMB, f"content/pricing.yaml:6:10: invalid YAML: more than {YAML_MAX_VALUES} values once "
           "aliases are expanded (each *alias repeats all its &anchor holds)"),
    ("a: " + "[" * 8000 + "]" * 8000 + "\n",
     f"content/pricing.yaml:1:{3 + YAML_MAX_DEPTH}: invalid YAML: nested deeper than "
     f"{YAML_MAX_DEPTH} levels"),
    ("a: &a [*a]\n", "content/pricing.yaml:1:8: invalid YAML: alias *a is inside its own "
                     "anchor (a value cannot contain itself)"),
]


@pytest.mark.parametrize(("command", "text", "message"), [
    ("check", *REPORTED[0]), ("check", *REPORTED[1]), ("check", *REPORTED[2]),
    ("freeze", *REPORTED[0]), ("serve", *REPORTED[0]),
], ids=["check-alias-bomb", "check-deep", "check-recursive", "freeze-alias-bomb",
        "serve-alias-bomb"])
def test_the_reported_file_is_one_located_line_in_bounded_time_and_memory(
        tmp_path, command, text, message):
    """Issue 22: a small file made `check` run past a minute and 7 GB. Now one line, fast."""
    assert len(text) < 17_000
    run = run_command(command, _write(tmp_path, {"pricing.yaml": text.encode()}))
    assert run.err.splitlines() == [message, "Aborted with 1 content error"]
    assert run.code == 1
    assert run.max_rss_mb < 200, run.max_rss_mb


def test_files_past_their_size_fifos_and_links_out_of_the_folder_are_refused(tmp_path):
    work = _write(tmp_path, {"diagnostics/big.yaml": b"title: " + b"x" * 300_000 + b"\n"})
    content = work / "content"
    secret = tmp_path / "secret.yaml"
    secret.write_text("root: x\n")
    (content / "diagnostics" / "outside.yaml").symlink_to(secret)
    os.mkfifo(content / "diagnostics" / "pipe.yaml")  # nobody writes it: a read would wait
    (content / "diagnostics" / "inside.yaml").symlink_to(
        content / "diagnostics" / "renewal-risk-check.yaml")
    run = run_bounded(["check", "content"], work)
    assert run.err.splitlines() == [
        "content/diagnostics/big.yaml:1:1: file is larger than 256 KiB",
        "content/diagnostics/outside.yaml:1:1: links to a file outside the content folder: "
        "copy the file in instead",
        "content/diagnostics/pipe.yaml:1:1: not a regular file",
        "Aborted with 3 content errors",
    ]  # the link inside the folder is a second diagnostic, valid as its target


@SUITE
@given(expr=formula)
def test_formulas_parse_to_trees_the_evaluators_can_walk_or_are_refused(expr):
    try:
        walk(parse(expr).ast)
    except FormulaError as e:
        assert 0 <= e.offset <= len(expr)


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "h2",
                "h3", "h4", "h5", "h6", "h1", "hr", "br", "table", "thead", "tbody", "tr", "th",
                "td", "div"}
raw_html = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:x'>a</a>",
    "[a](javascript:alert(1))", "[a](JAVASCRIPT:alert(1))", "[a](java\tscript:x)",
    "[a](&#106;avascript:x)", "<javascript:alert(1)>", "[a]: javascript:x\n\n[a]",
    "[a](data:text/html,x)", "[a](vbscript:x)", "[a](//evil.example)", "![i](https://e.x/i.png)",
    "<iframe src=//e.x>", "<style>*{}</style>", "[a](https://ok.example)", "[a](/guides/)",
    "<svg onload=alert(1)>", "`<b>`", "<!-- c -->", "<?php ?>", "\\<b>", "&lt;b&gt;",
    "[a](\\\\evil)", "[a](<javascript:x>)", "[a]( javascript:x)",
])


@SUITE
@given(parts=st.lists(st.one_of(raw_html, st.text(max_size=20)), max_size=12))
def test_markdown_never_renders_raw_html_or_an_unsafe_link(parts):
    out, _ = render_markdown("\n".join(parts))
    tags = _Tags()
    tags.feed(str(out))
    for tag, attrs in tags.tags:
        assert tag in ALLOWED_TAGS, (tag, out)
        assert not [a for a in attrs if a.startswith("on") or a in ("src", "style")], out
        if "href" in attrs:
            assert safe_link(attrs["href"] or ""), out
            assert not (attrs["href"] or "").lower().lstrip().startswith("javascript"), out
