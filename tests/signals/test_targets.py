"""content/targets.yaml: the target account list, validated with located messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.signals.company import match, normalise_domain, org_hash

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "targets"


def test_the_demo_list_loads(content_dir):
    targets = load_catalog(content_dir).targets
    assert len(targets) >= 5 and all("." in t.domain for t in targets)


def test_no_list_means_no_targets(content_dir):
    (content_dir / "targets.yaml").unlink()
    assert load_catalog(content_dir).targets == ()


@pytest.mark.parametrize("fixture,lines", [
    ("duplicate.yaml", ["content/targets.yaml:5:13: duplicate domain 'keelson.io' "
                        "(also target 1)"]),
    ("bad_domain.yaml", [
        "content/targets.yaml:3:13: domain 'https://brightwellpayroll.com/' must be a web "
        "domain like example.com (lower case, without https:// or a path)",
        "content/targets.yaml:6:5: unknown field 'owner'"]),
], ids=["duplicate", "bad-domain"])
def test_mistakes_are_named_with_their_place(runner, content_dir, monkeypatch, fixture, lines):
    shutil.copy(FIXTURES / fixture, content_dir / "targets.yaml")
    monkeypatch.chdir(content_dir.parent)
    result = runner.invoke(["check", "content"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[:-1] == lines


@pytest.mark.parametrize("typed,domain", [
    ("Keelson.io", "keelson.io"), ("https://www.keelson.io/pricing?x=1", "keelson.io"),
    ("www.northmere.co.uk.", "northmere.co.uk"), ("bücher.example", "xn--bcher-kva.example"),
    ("jane@keelson.io", None), ("keelson", None), ("keel son.io", None), ("", None),
], ids=lambda v: str(v))
def test_domains_are_normalised_before_hashing(typed, domain):
    assert normalise_domain(typed) == domain


def test_only_a_matching_hash_names_a_target(content_dir):
    targets = load_catalog(content_dir).targets
    assert match("k", targets, org_hash("k", "keelson.io")).name == "Keelson Analytics"
    assert match("other-key", targets, org_hash("k", "keelson.io")) is None
    assert match("k", targets, org_hash("k", "unlisted.example")) is None
    assert len(org_hash("k", "keelson.io")) == 32
