"""The docs site and the README stay true: MkDocs builds with --strict (a broken link or anchor
fails), every shell command shown is run here (```console) or at least parses (```sh), every
content example passes `buyerkit check`, every configuration default is documented, and the
README stays a front door (size, links, the CLI table)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import click
import pytest
import yaml

from buyerkit import DEFAULTS
from buyerkit.cli import cli, main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
README_MAX_BYTES = 12_000
# Fences that may hold shell commands: run (console), example (sh, checked to parse), or a
# usage synopsis (text). A `$ ` prompt outside a console block is refused.
RUN, EXAMPLE = "console", "sh"
OTHER_FENCES = {"text", "yaml", "markdown", "json", "python", "toml", "csv", "html", "nginx", "xml"}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the opening fence
    lang: str
    lines: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file, in order."""
    found, current, start, lang = [], None, 0, ""
    for n, line in enumerate(path.read_text().splitlines(), 1):
        fence = re.fullmatch(r"\s*```(\S*)\s*", line)
        if current is None and fence:
            current, start, lang = [], n, fence.group(1)
        elif current is not None and re.fullmatch(r"\s*```\s*", line):
            found.append(Block(path, start, lang, tuple(current)))
            current = None
        elif current is not None:
            current.append(line)
    assert current is None, f"{path}:{start}: a code fence is never closed"
    return found


PAGES = sorted(DOCS.glob("*.md"))
ALL_BLOCKS = [b for page in PAGES for b in blocks(page)]


def _ids(items: list[Block]) -> list[str]:
    return [b.where for b in items]


# --- the site -------------------------------------------------------------------------------

def _build(config: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    """mkdocs build --strict (never with -q: mkdocs 1.6 then stops counting the warnings)."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-f", str(config), "-d", str(dest)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_the_docs_build_strictly_with_the_openapi_document(tmp_path: Path) -> None:
    done = _build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "architecture" / "index.html").is_file()
    spec = json.loads((tmp_path / "site" / "openapi.json").read_text())
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/score" in spec["paths"]


@pytest.mark.parametrize("link", ["[gone](no-such-page.md)", "[gone](content.md#no-such-field)"],
                         ids=["page", "anchor"])
def test_a_broken_link_fails_the_build(tmp_path: Path, link: str) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    (docs / "index.md").write_text((docs / "index.md").read_text() + f"\n{link}\n")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["docs_dir"] = str(docs)
    config["hooks"] = [str(ROOT / h) for h in config["hooks"]]
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    done = _build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0
    assert link.split("(")[1].rstrip(")").split("#")[-1] in done.stdout + done.stderr


def test_every_fence_is_a_known_kind() -> None:
    """Commands to run live in ```console blocks; ```sh holds examples (checked to parse) and
    ```text usage synopses; a fence of any other kind is refused."""
    wrong = [f"{b.where}: ```{b.lang or '(none)'}" for b in ALL_BLOCKS
             if b.lang not in {RUN, EXAMPLE} | OTHER_FENCES]
    hidden = [f"{b.where}: a `$ ` prompt in ```{b.lang}" for b in ALL_BLOCKS
              if b.lang != RUN and any(line.startswith("$ ") for line in b.lines)]
    assert wrong + hidden == []


# --- commands -------------------------------------------------------------------------------

def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUYERKIT_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               BUYERKIT_INSTANCE_PATH=str(tmp / "instance"))
    return env


def _steps(block: Block) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each `$ ` line of a console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.lines:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"{block.where}: output before any command"
            steps[-1][1].append(line)
    return steps


CONSOLE_PAGES = sorted({b.path for b in ALL_BLOCKS if b.lang == RUN})


@pytest.mark.parametrize("doc", CONSOLE_PAGES, ids=[p.name for p in CONSOLE_PAGES])
def test_console_blocks_run(tmp_path: Path, doc: Path) -> None:
    """Each page's ```console commands, in order, in a folder holding a copy of the demo
    content: every one exits 0 and prints the output shown (when any is shown)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    for block in (b for b in blocks(doc) if b.lang == RUN):
        for command, expected in _steps(block):
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=_env(tmp_path),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  timeout=300, stdin=subprocess.DEVNULL)
            assert done.returncode == 0, f"{block.where}: $ {command}\n{done.stdout}"
            if expected:
                assert done.stdout.splitlines() == expected, f"{block.where}: $ {command}"


def _commands(lines: tuple[str, ...]) -> list[list[str]]:
    """Simple commands of a shell example: continuation lines joined, comments dropped, split
    at ; && || | & and line ends (not inside quotes), leading VAR=value assignments removed."""
    text = "\n".join(re.sub(r"^\s*#.*$|\s{2,}#\s.*$", "", line) for line in lines)
    lexer = shlex.shlex(re.sub(r"\\\n", " ", text), posix=True, punctuation_chars=";&|\n")
    lexer.whitespace, lexer.whitespace_split, lexer.commenters = " \t\r", True, ""
    out, words = [], []
    for token in [*lexer, ";"]:
        if token and set(token) <= set(";&|\n"):
            while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
                words.pop(0)
            if words:
                out.append(words)
            words = []
        else:
            words.append(token)
    return out


def parse_buyerkit(args: list[str]) -> None:
    """Parse a `buyerkit …` command line as the CLI would, without running it: unknown
    commands or options, bad values and missing arguments raise click's errors."""
    ctx = cli.make_context("buyerkit", list(args))
    cmd: click.Command = cli
    while isinstance(cmd, click.Group):
        # click keeps the subcommand's name apart from its arguments until it invokes it
        name, sub, rest = cmd.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        assert sub is not None and name is not None
        ctx = sub.make_context(name, rest, parent=ctx)
        cmd = sub


@cache
def _tool_help(script: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / script), "--help"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, f"{script} --help: {done.stderr}"
    return done.stdout


def check_example(where: str, words: list[str]) -> None:
    """A `buyerkit` line parses; a tools/ script exists and knows every --option given."""
    program = words[0].rpartition("/")[2]
    for word in words:
        for script in re.findall(r"\btools/[\w.-]+", word):
            if not (ROOT / script).is_file():
                pytest.fail(f"{where}: {script} does not exist")
    if program == "buyerkit":
        try:
            parse_buyerkit(words[1:])
        except click.exceptions.Exit:
            pass
        except click.ClickException as e:
            pytest.fail(f"{where}: {shlex.join(words)}: {e.format_message()}")
    elif program.startswith("python") and len(words) > 1 and words[1].startswith("tools/"):
        helptext = _tool_help(words[1])
        for option in (w.split("=")[0] for w in words[2:] if w.startswith("--")):
            if option not in helptext:
                pytest.fail(f"{where}: {words[1]} has no option {option}")


EXAMPLES = [b for b in ALL_BLOCKS if b.lang == EXAMPLE] + \
    [b for b in blocks(README) if b.lang in (RUN, EXAMPLE)]


@pytest.mark.parametrize("block", EXAMPLES, ids=_ids(EXAMPLES))
def test_example_commands_parse(block: Block) -> None:
    lines = tuple(s[2:] if s.startswith("$ ") else s for s in block.lines)
    for words in _commands(lines):
        check_example(block.where, words)


def test_the_example_checker_catches_a_wrong_option() -> None:
    for words in (["buyerkit", "freeze", "--destination", "x"],
                  ["buyerkit", "report", "--format", "xml"],
                  [".venv/bin/python", "tools/bench_ingest.py", "--no-such-option"]):
        with pytest.raises(pytest.fail.Exception):
            check_example("here", words)
    assert _commands(("A=1 .venv/bin/buyerkit check && buyerkit --version  # ok",)) == \
        [[".venv/bin/buyerkit", "check"], ["buyerkit", "--version"]]


# --- content examples -----------------------------------------------------------------------

def _content_file(block: Block) -> str:
    """Where a content example goes: named by its first line (YAML) or its role (a guide)."""
    if block.lang == "yaml":
        first = block.lines[0] if block.lines else ""
        match = re.fullmatch(r"# content/([\w./-]+\.yaml)(, merged)?", first)
        assert match, f"{block.where}: a YAML example starts with `# content/<file>.yaml`"
        return match.group(1)
    front = "\n".join(block.lines).split("---\n")[1]
    story = re.match(r"# content/(references/[\w-]+\.md)\n", front)  # a customer story
    if story:
        return story.group(1)
    return f"guides/{yaml.safe_load(front)['role']}.md"


CONTENT = [b for b in ALL_BLOCKS if b.lang == "yaml" or
           (b.lang == "markdown" and b.lines and b.lines[0] == "---")]


@pytest.mark.parametrize("block", CONTENT, ids=_ids(CONTENT))
def test_content_examples_pass_check(tmp_path: Path, block: Block,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    target = content / _content_file(block)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(block.lines) + "\n"
    if block.lines[0].endswith(", merged"):  # a fragment: its top-level keys replace the demo's
        text = yaml.safe_dump({**yaml.safe_load(target.read_text()), **yaml.safe_load(text)},
                              allow_unicode=True, sort_keys=False)
    else:  # a whole file replaces the demo's: the demo's translations of it no longer fit
        for translation in target.parent.glob(f"{target.stem}.*{target.suffix}"):
            translation.unlink()
    target.write_text(text)
    code = main(["check", str(content)])
    assert code == 0, f"{block.where}: {capsys.readouterr().err}"


def test_content_examples_are_checked_for_real(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The same check refuses an example with an unknown field."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "targets.yaml").write_text("targets:\n  - name: Keelson\n    domian: keelson.io\n")
    assert main(["check", str(content)]) == 1
    assert "targets.yaml:3:5:" in capsys.readouterr().err


# --- facts the docs must keep ---------------------------------------------------------------

def test_every_configuration_default_is_documented() -> None:
    page = (DOCS / "configuration.md").read_text()
    missing = [key for key in DEFAULTS if f"`{key}`" not in page]
    assert missing == [], f"docs/configuration.md does not document {missing}"


def test_the_readme_is_a_front_door() -> None:
    text = README.read_text()
    assert len(text.encode()) <= README_MAX_BYTES
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert local, "the README links into the docs"
    missing = [link for link in local if not (ROOT / link).exists()]
    assert missing == [], f"README links to files that do not exist: {missing}"


def test_the_readme_lists_every_command() -> None:
    text = README.read_text()
    missing = [name for name in cli.commands if f"| `buyerkit {name}" not in text]
    assert missing == [], f"README's command table lacks {missing}"
