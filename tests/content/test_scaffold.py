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
