"""Content as files: the demo loads cleanly, and every mistake is one located line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.errors import ContentErrors
from tests.conftest import DEMO_CONTENT, FIXTURES

BROKEN = FIXTURES / "diagnostics"

CASES = {
    "unknown-keys": [
        "content/diagnostics/unknown-keys.yaml:2:1: unknown field 'colour'",
        "content/diagnostics/unknown-keys.yaml:16:13: missing required field 'label'",
        "content/diagnostics/unknown-keys.yaml:17:13: unknown field 'lable'",
    ],
    "syntax": [
        "content/diagnostics/syntax.yaml:19:8: invalid YAML: expected <block end>, "
        "but found '<block mapping start>'",
    ],
    "bad-refs": [
        "content/diagnostics/bad-refs.yaml:15:21: unknown reason 'churn_explained': "
        "add it to scoring.reasons",
        "content/diagnostics/bad-refs.yaml:19:13: duplicate question id 'pain'",
        "content/diagnostics/bad-refs.yaml:29:21: points count only in a question that scores "
        "problem or profile",
    ],
    "types": [
        "content/diagnostics/types.yaml:13:21: 'points' must be a whole number (got '3')",
        "content/diagnostics/types.yaml:20:15: 'kind' must be 'single' or 'multi' (got 'radio')",
        "content/diagnostics/types.yaml:40:8: missing required field 'summary'",
    ],
    "not-a-mapping": [
        "content/diagnostics/not-a-mapping.yaml:1:1: the file must be a mapping of fields "
        "(key: value)",
    ],
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a fresh copy of the demo content as ./content."""
    shutil.copytree(DEMO_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_demo_content_checks_silently(runner, monkeypatch):
    monkeypatch.chdir(DEMO_CONTENT.parent)
    result = runner.invoke(["check", "content"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_minimal_fixture_is_valid(workdir, runner):
    shutil.copy(BROKEN / "minimal.yaml", workdir / "content/diagnostics/minimal.yaml")
    assert runner.invoke(["check"]).exit_code == 0


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_broken_diagnostic_is_reported_word_for_word(workdir, runner, case):
    shutil.copy(BROKEN / f"{case}.yaml", workdir / "content/diagnostics" / f"{case}.yaml")
    result = runner.invoke(["check", "content"])
    expected = CASES[case]
    n = len(expected)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        *expected, f"Aborted with {n} content error{'' if n == 1 else 's'}"]
    assert "Traceback" not in result.stderr


def test_every_broken_file_is_reported_in_one_run(workdir, runner):
    for case in CASES:
        shutil.copy(BROKEN / f"{case}.yaml", workdir / "content/diagnostics" / f"{case}.yaml")
    lines = runner.invoke(["check"]).stderr.splitlines()
    total = sum(len(v) for v in CASES.values())
    assert lines[-1] == f"Aborted with {total} content errors"
    def position(line: str) -> tuple[str, int, int]:
        path, row, col, _ = line.split(":", 3)
        return path, int(row), int(col)

    assert lines[:-1] == sorted((line for v in CASES.values() for line in v), key=position)


SITE_CASES = {
    "link": ("  base_url: https://harborline.example", "  base_url: http://harborline.example",
             "content/site.yaml:{line}:13: 'base_url' must be a link starting with https://, "
             "mailto:, tel: or / (got 'http://harborline.example')"),
    "reference": ("    diagnostic: renewal-risk-check\n    answers: {symptom: thin_pipeline}",
                  "    diagnostic: no-such-check\n    answers: {symptom: thin_pipeline}",
                  "content/site.yaml:{line}:17: unknown diagnostic 'no-such-check'"),
    "bucket": ("  - bucket: efficiency", "  - bucket: growth",
               "content/site.yaml:{line}:13: 'bucket' must be 'retain_expand', 'acquire' or "
               "'efficiency' (got 'growth')"),
}


@pytest.mark.parametrize("case", list(SITE_CASES), ids=list(SITE_CASES))
def test_site_yaml_errors_are_located(workdir, runner, case):
    old, new, message = SITE_CASES[case]
    site = workdir / "content/site.yaml"
    assert old in site.read_text()
    site.write_text(site.read_text().replace(old, new))
    # The line of the changed value, found in the file (site.yaml grows as features land).
    line = site.read_text().splitlines().index(new.splitlines()[0]) + 1
    lines = runner.invoke(["check"]).stderr.splitlines()
    assert lines == [message.format(line=line), "Aborted with 1 content error"]


def test_missing_site_yaml(workdir, runner):
    (workdir / "content/site.yaml").unlink()
    assert runner.invoke(["check"]).stderr.splitlines() == [
        "content/site.yaml:1:1: file is missing", "Aborted with 1 content error"]


def test_duplicate_keys_and_bad_encoding(workdir, runner):
    d = workdir / "content/diagnostics"
    (d / "dupe.yaml").write_text((BROKEN / "minimal.yaml").read_text()
                                 + "title: Again\n")
    (d / "latin1.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    assert runner.invoke(["check"]).stderr.splitlines() == [
        "content/diagnostics/dupe.yaml:43:1: duplicate key 'title'",
        "content/diagnostics/latin1.yaml:1:11: not UTF-8 text (byte 10)",
        "Aborted with 2 content errors",
    ]


def test_missing_content_folder_is_one_error_line(workdir, runner):
    result = runner.invoke(["check", "nowhere"])
    assert (result.exit_code, result.stderr) == (
        1, "Error: content folder not found: nowhere (create one with `buyerkit new nowhere`, "
        "or name yours: `buyerkit check DIR`)\n")


def test_load_catalog_raises_with_all_problems(workdir):
    shutil.copy(BROKEN / "types.yaml", workdir / "content/diagnostics/types.yaml")
    with pytest.raises(ContentErrors, match=r"Aborted with 3 content errors$") as info:
        load_catalog(workdir / "content")
    assert [p.line for p in info.value.problems] == [13, 20, 40]


def test_catalog_is_immutable():
    catalog = load_catalog(DEMO_CONTENT)
    with pytest.raises(TypeError):
        catalog.diagnostics["x"] = None  # type: ignore[index]
    d = catalog.diagnostics["renewal-risk-check"]
    with pytest.raises(Exception, match="frozen"):
        d.title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(("folder", "source"), [
    ("diagnostics", "diagnostics/renewal-risk-check.yaml"),
    ("calculators", "calculators/renewal-roi.yaml"),
], ids=["diagnostic", "calculator"])
def test_a_file_name_that_is_not_a_slug_is_named(workdir, runner, folder, source):
    shutil.copy(workdir / "content" / source, workdir / "content" / folder / "Bad Name.yaml")
    assert runner.invoke(["check"]).stderr.splitlines() == [
        f"content/{folder}/Bad Name.yaml:1:1: file name 'Bad Name.yaml' must be a slug "
        "(lower-case letters, digits, dashes)",
        "Aborted with 1 content error"]
