"""Gaps a new user falls into with translations: a translation that leaves some of the source's
texts out (a warning at its item, `--strict` an error, the page says it is partly in the
default language), errors in a broken source's translations (reported in the same run), and a
missing content folder (the error says what to do next)."""

from __future__ import annotations

from pathlib import Path

import pytest

from buyerkit.content.translations import has_text
from tests.conftest import make_app

DE = Path("mysite/diagnostics/fit-check.de.yaml")
LABEL = "            label: Uns fehlen neue Leads und Erstgespräche\n"


@pytest.fixture
def site(runner, tmp_path, monkeypatch) -> Path:
    """A new site in English and German, clean under `check --strict`."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(["new", "mysite", "--languages", "en,de"]).exit_code == 0
    clean = runner.invoke(["check", "--strict", "mysite"])
    assert (clean.exit_code, clean.stderr) == (0, "")
    return tmp_path / "mysite"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_an_option_without_its_label_is_a_warning_at_the_option(site, runner):
    _edit(site / "diagnostics" / "fit-check.de.yaml", LABEL, "")
    warned = runner.invoke(["check", "mysite"])
    assert (warned.exit_code, warned.stderr) == (
        0, "mysite/diagnostics/fit-check.de.yaml:26:13: warning: "
           "'steps[1].questions[1].options[3].label' is not translated: /de/ pages show the "
           "English text [untranslated]\n")
    strict = runner.invoke(["check", "--strict", "mysite"])
    assert (strict.exit_code, strict.stderr) == (
        1, "mysite/diagnostics/fit-check.de.yaml:26:13: warning: "
           "'steps[1].questions[1].options[3].label' is not translated: /de/ pages show the "
           "English text [untranslated]\n"
           "Aborted with 1 content warning (--strict)\n")


def test_an_allow_comment_with_a_why_silences_it_one_without_says_so(site, runner):
    de = site / "diagnostics" / "fit-check.de.yaml"
    _edit(de, LABEL, "")
    value = "          - value: need_pipeline\n"
    _edit(de, value, value.rstrip() + "  # allow untranslated\n")
    bare = runner.invoke(["check", "mysite"])
    assert bare.stderr == (
        "mysite/diagnostics/fit-check.de.yaml:26:13: warning: "
        "'steps[1].questions[1].options[3].label' is not translated: /de/ pages show the "
        "English text [untranslated] (an allow comment must say why: "
        "'# allow untranslated: …')\n")
    _edit(de, "# allow untranslated\n", "# allow untranslated: the English term is ours\n")
    allowed = runner.invoke(["check", "--strict", "mysite"])
    assert (allowed.exit_code, allowed.stderr) == (0, "")


def test_texts_left_out_of_site_pricing_and_a_calculator_are_warnings_too(site, runner):
    _edit(site / "site.de.yaml", "  name: Example Vendor\n", "")
    _edit(site / "pricing.de.yaml", "title: Preise, und was der Einstieg von Ihnen verlangt\n",
          "")
    _edit(site / "calculators" / "time-saved.de.yaml", "summary: Drei Zahlen", "# Drei Zahlen")
    assert runner.invoke(["check", "mysite"]).stderr.splitlines() == [
        "mysite/site.de.yaml:6:3: warning: 'vendor.name' is not translated: /de/ pages show "
        "the English text [untranslated]",
        "mysite/calculators/time-saved.de.yaml:4:1: warning: 'summary' is not translated: /de/ "
        "pages show the English text [untranslated]",
        "mysite/pricing.de.yaml:4:1: warning: 'title' is not translated: /de/ pages show the "
        "English text [untranslated]",
    ]


def test_what_counts_as_a_text():
    """Every string a person reads; not what is never translated (FIXED), not an id or an
    answer value, not a string without a letter, not what the source leaves empty."""
    assert has_text("Personen", "calculator")
    assert not has_text("%", "calculator")
    assert not has_text("", "diagnostic")
    assert not has_text({"value": "a", "points": 2, "reason": "x"}, "diagnostic")
    assert has_text({"value": "a", "label": "A"}, "diagnostic")
    assert has_text([{"value": "a"}, {"value": "b", "label": "B"}], "diagnostic")
    assert not has_text({"formula": "a * b", "min": 1, "story": "acme"}, "calculator")


def test_a_missing_item_is_an_error_not_a_gap(site, runner):
    """Ids and answer values are matched in order: an item left out is already an error."""
    de = site / "diagnostics" / "fit-check.de.yaml"
    _edit(de, "          - value: need_pipeline\n" + LABEL, "")
    result = runner.invoke(["check", "mysite"])
    assert result.stderr == (
        "mysite/diagnostics/fit-check.de.yaml:22:11: answer values differ from the source: "
        "expected manual_report, untrusted_numbers, need_pipeline, something_else; found "
        "manual_report, untrusted_numbers, something_else\n"
        "Aborted with 1 content error\n")


def test_a_partly_translated_page_says_so_and_a_whole_one_does_not(site, tmp_path):
    _edit(site / "diagnostics" / "fit-check.de.yaml", LABEL, "")
    client = make_app(tmp_path, site).test_client()
    partly = client.get("/de/diagnostics/fit-check/").get_data(as_text=True)
    assert '<p class="notice">Teile dieser Seite sind noch nicht übersetzt und erscheinen ' \
           "daher auf Englisch.</p>" in partly
    assert "Nichts davon; unser Problem ist ein anderes" in partly  # the rest is German
    assert "Teile dieser Seite" not in client.get("/de/calculators/time-saved/").get_data(
        as_text=True)
    english = client.get("/diagnostics/fit-check/").get_data(as_text=True)
    assert 'class="notice"' not in english


def test_a_broken_guide_and_its_broken_translation_are_reported_in_one_run(site, runner):
    _edit(site / "guides" / "cfo.md", "order: 10\n", "order: ten\n")
    _edit(site / "guides" / "cfo.de.md", "title: Was Ihr CFO", "title: [Was Ihr CFO")
    assert runner.invoke(["check", "mysite"]).stderr.splitlines() == [
        "mysite/diagnostics/fit-check.yaml:131:9: unknown guide 'cfo' in link target "
        "'guide:cfo'",
        "mysite/guides/cfo.de.md:9:8: invalid YAML: expected ',' or ']', but got ':'",
        "mysite/guides/cfo.md:10:8: 'order' must be a whole number (got 'ten')",
        "Aborted with 3 content errors",
    ]


def test_a_broken_diagnostic_and_its_translation_are_reported_in_one_run(site, runner):
    _edit(site / "diagnostics" / "fit-check.yaml", "    title: Your company\n",
          "    title: Your company\n    colour: blue\n")
    _edit(site / "diagnostics" / "fit-check.de.yaml", "      - id: symptom\n",
          "      - id: symptoms\n")
    lines = runner.invoke(["check", "mysite"]).stderr.splitlines()
    assert len(lines) == 3 and lines[-1] == "Aborted with 2 content errors"
    assert lines[0] == ("mysite/diagnostics/fit-check.de.yaml:19:7: ids differ from the "
                        "source: expected symptom; found symptoms")
    assert lines[1].startswith("mysite/diagnostics/fit-check.yaml:")


@pytest.mark.parametrize(("args", "hint"), [
    (["check"], "name yours: `buyerkit check DIR`"),
    (["serve"], "pass --content DIR"),
    (["freeze"], "pass --content DIR"),
    (["explain", "fit-check"], "pass --content DIR"),
])
def test_no_content_folder_says_what_to_do_next(runner, tmp_path, monkeypatch, args, hint):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BUYERKIT_CONTENT_DIR", raising=False)
    result = runner.invoke(args)
    assert (result.exit_code, result.stderr) == (
        1, "Error: content folder not found: content (create one with `buyerkit new content`, "
           f"or {hint})\n")
    assert not (tmp_path / "build").exists()
