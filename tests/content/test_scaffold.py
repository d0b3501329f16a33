"""`buyerkit new`: a vendor-neutral content folder that passes `check --strict` as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_app


def test_new_writes_a_folder_that_passes_check_strict(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(["new", "mysite", "--roles", "cfo,ciso,legal,head-of-data",
                          "--vendor", "Quillmark"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Wrote 10 files to mysite. Next:"
    site = tmp_path / "mysite"
    assert sorted(p.name for p in (site / "guides").iterdir()) == \
        ["cfo.md", "ciso.md", "head-of-data.md", "legal.md"]
    strict = runner.invoke(["check", "--strict", "mysite"])
    assert (strict.exit_code, strict.stderr) == (0, "")
    text = "\n".join(p.read_text() for p in site.rglob("*") if p.is_file())
    assert "Harborline" not in text and "harborline" not in text
    assert "Quillmark" in (site / "site.yaml").read_text()
    assert text.count("TODO") >= 10  # what the author replaces is marked
    assert "name: Head of data" in (site / "guides" / "head-of-data.md").read_text()
    fit_steps = (site / "diagnostics" / "fit-check.yaml").read_text()
    assert "(guide:cfo)" in fit_steps  # the first role's guide is the fit verdict's first step


def test_every_page_of_a_new_site_renders(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(["new", "mysite", "--roles", "cfo,security"]).exit_code == 0
    app = make_app(tmp_path, tmp_path / "mysite")
    client = app.test_client()
    for path in ("/", "/diagnostics/fit-check/", "/calculators/time-saved/", "/guides/cfo/",
                 "/guides/security/", "/kit/", "/pricing/", "/compare/"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "Example Vendor" in resp.get_data(as_text=True)
    app.extensions["buyerkit.store"].dispose()


@pytest.mark.parametrize(("args", "error"), [
    (["new", "full"], "Error: full is not empty: `buyerkit new` writes only into a new or "
                      "empty folder, so nothing of yours is overwritten"),
    (["new", "x", "--roles", "CFO,;"], "Error: --roles takes role names like cfo,security,legal "
                                       "(lower-case letters, digits, '-' and '_'), not 'CFO,;'"),
    (["new", "x", "--roles", ""], "Error: --roles takes role names like cfo,security,legal "
                                  "(lower-case letters, digits, '-' and '_'), not ''"),
    (["new", "x", "--vendor", "A: B"], "Error: --vendor takes a plain name, not 'A: B'"),
], ids=["non-empty", "bad-roles", "no-roles", "bad-vendor"])
def test_new_refuses_in_one_line_and_writes_nothing(runner, tmp_path, monkeypatch, args, error):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    done = runner.invoke(args)
    assert (done.exit_code, done.stderr) == (1, error + "\n")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    assert not Path(tmp_path / "x").exists()


def test_new_with_two_languages_passes_check_strict_and_reads_german(runner, tmp_path,
                                                                     monkeypatch):
    """`--languages en,de` writes the languages into site.yaml and a German translation (texts
    only, the source's ids and values) beside every file: valid as written, German under /de/."""
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(["new", "mysite", "--roles", "cfo,ciso,legal,head-of-data",
                          "--languages", "en,de"])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Wrote 19 files to mysite. Next:"
    assert done.stdout.splitlines()[-1] == ("Pages in 'de' are under /de/; their texts are in "
                                            "the *.de.yaml and *.de.md files beside each source.")
    site = tmp_path / "mysite"
    assert "\nlanguages: [en, de]\ndefault_language: en\n" in (site / "site.yaml").read_text()
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*.de.*")) == [
        "calculators/time-saved.de.yaml", "comparison.de.yaml", "diagnostics/fit-check.de.yaml",
        "guides/cfo.de.md", "guides/ciso.de.md", "guides/head-of-data.de.md",
        "guides/legal.de.md", "pricing.de.yaml", "site.de.yaml"]
    strict = runner.invoke(["check", "--strict", "mysite"])
    assert (strict.exit_code, strict.stdout, strict.stderr) == (0, "", "")
    legal = (site / "guides" / "legal.de.md").read_text()
    assert "role: legal\nname: Rechtsabteilung\ntag: legal\n" in legal
    assert "  - id: legal-review\n" in legal and "    kind: legal_review\n" in legal
    fit = (site / "diagnostics" / "fit-check.de.yaml").read_text()
    assert "[den Leitfaden für die Rolle CFO](guide:cfo)" in fit
    text = "\n".join(p.read_text() for p in site.rglob("*") if p.is_file())
    assert "harborline" not in text.lower() and "__" not in text  # no placeholder left
    app = make_app(tmp_path, site)
    client = app.test_client()
    for path, german in [("/de/", "Weniger Stunden für einen wöchentlichen Report"),
                         ("/de/diagnostics/fit-check/", "Schritt 1 von 3"),
                         ("/de/calculators/time-saved/", "Personen, die am Report arbeiten"),
                         ("/de/guides/legal/", "Worauf Ihre Rechtsabteilung im Vertrag"),
                         ("/de/guides/head-of-data/", "Was die Rolle „Head of data“ fragen"),
                         ("/de/pricing/", "500 $ im Monat"),
                         ("/de/compare/", "Nichts ändern (die Tabelle behalten)")]:
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="de"' in page and german in page, path
    app.extensions["buyerkit.store"].dispose()


def test_one_language_site_names_its_language(runner, tmp_path, monkeypatch):
    """Without --languages the site is English only, and site.yaml shows where to add one."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(["new", "mysite"]).exit_code == 0
    site_yaml = (tmp_path / "mysite" / "site.yaml").read_text()
    assert "\nlanguages: [en]\ndefault_language: en\n" in site_yaml
    assert "--languages en,de" in site_yaml
    assert not list((tmp_path / "mysite").rglob("*.de.*"))


@pytest.mark.parametrize(("languages", "error"), [
    ("xx", "Error: --languages takes the codes buyerkit has interface text for (en, de), "
           "comma-separated, not 'xx'"),
    ("en,fr", "Error: --languages takes the codes buyerkit has interface text for (en, de), "
              "comma-separated, not 'en,fr'"),
    ("", "Error: --languages takes the codes buyerkit has interface text for (en, de), "
         "comma-separated, not ''"),
    ("de,en", "Error: --languages must start with en, the language the starter is written "
              "in (e.g. en,de), not 'de,en'"),
], ids=["unknown", "one-unknown", "empty", "german-first"])
def test_new_refuses_bad_languages_in_one_line(runner, tmp_path, monkeypatch, languages, error):
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(["new", "x", "--languages", languages])
    assert (done.exit_code, done.stdout, done.stderr) == (1, "", error + "\n")
    assert not (tmp_path / "x").exists()


def test_the_branch_in_the_authoring_docs_passes_check_strict(runner, tmp_path, monkeypatch):
    """docs/authoring.md's "Add a branch" fragment, pasted where it says, into a new site (with
    the German question beside it, as it says): `check --strict` passes, and the German
    question's id alone is a warning per text it lacks; on the same step as
    the question it names, the condition is the located error the docs quote."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md").read_text()
    section = docs[docs.index("## Add a branch"):]
    fragment = section.split("```text\n", 1)[1].split("```", 1)[0]
    assert "show_if: {symptom: [manual_report]}" in fragment
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(["new", "mysite", "--languages", "en,de"]).exit_code == 0
    source = tmp_path / "mysite" / "diagnostics" / "fit-check.yaml"
    good = source.read_text()
    anchor = "    title: Your company\n    questions:\n"
    source.write_text(good.replace(anchor, anchor + fragment, 1))
    german = tmp_path / "mysite" / "diagnostics" / "fit-check.de.yaml"
    german_good = german.read_text()
    half = runner.invoke(["check", "mysite"])
    assert half.stderr == ("mysite/diagnostics/fit-check.de.yaml:52:7: ids differ from the "
                           "source: expected built_in, size, role; found size, role\n"
                           "Aborted with 1 content error\n")
    german.write_text(german_good.replace("      - id: size\n",
                                          "      - id: built_in\n      - id: size\n", 1))
    bare = runner.invoke(["check", "--strict", "mysite"])
    assert bare.stderr == (
        "mysite/diagnostics/fit-check.de.yaml:52:9: warning: 'steps[3].questions[1].options' is "
        "not translated: /de/ pages show the English text [untranslated]\n"
        "mysite/diagnostics/fit-check.de.yaml:52:9: warning: 'steps[3].questions[1].text' is "
        "not translated: /de/ pages show the English text [untranslated]\n"
        "Aborted with 2 content warnings (--strict)\n")
    german_fragment = section.split("```text\n", 2)[2].split("```", 1)[0]
    german.write_text(german_good.replace("      - id: size\n", german_fragment
                                          + "      - id: size\n", 1))
    strict = runner.invoke(["check", "--strict", "mysite"])
    assert (strict.exit_code, strict.stderr) == (0, "")
    timing = "\n  - id: timing\n"  # the fragment last on the symptom question's own step
    source.write_text(good.replace(timing, fragment + timing, 1))
    wrong = runner.invoke(["check", "mysite"])
    assert "show_if: question 'symptom' is not on an earlier step; a condition can only use " \
           "answers from earlier steps\n" in wrong.stderr


def test_demo_signals_of_a_new_site_fill_reports_in_its_own_words(runner, tmp_path,
                                                                   monkeypatch):
    """`demo-signals --content mysite` then `report`: the persona rows are the starter's own
    answers and the bounce reasons its own sentences."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUYERKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    assert runner.invoke(["new", "mysite", "--roles", "cfo,ciso,legal"]).exit_code == 0
    filled = runner.invoke(["demo-signals", "--content", "mysite", "--events", "3000"])
    assert filled.exit_code == 0, filled.stderr
    monkeypatch.setenv("BUYERKIT_CONTENT_DIR", str(tmp_path / "mysite"))
    report = runner.invoke(["report", "segments", "bounces", "--preset", "90d"])
    assert report.exit_code == 0, report.stderr
    assert report.stdout.startswith("fit-check, ")
    for words in ("I lead the team that relies on it", "Founder or executive",
                  "With fewer than 20 people a shared spreadsheet will serve you better",
                  "Your pressing problem is winning new customers"):
        assert words in report.stdout
    assert "Not asked" not in report.stdout


def test_every_verdict_and_reason_of_the_starter_check_is_reachable(runner, tmp_path,
                                                                     monkeypatch):
    """`buyerkit explain` on a new site: each verdict and each reason has answers leading to
    it, so nothing the author is asked to write in their own voice is dead text."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(["new", "mysite"]).exit_code == 0
    done = runner.invoke(["explain", "fit-check", "--content", "mysite"])
    assert done.exit_code == 0, done.stderr
    assert "never" not in done.stdout and "(shown with: nothing)" not in done.stdout
    assert '  problem_misses: The symptoms you chose are not the ones we solve well (shown ' \
           'with: Not a fit)\n    - symptom = "None of these; our problem is a different ' \
           'one"\n' in done.stdout
