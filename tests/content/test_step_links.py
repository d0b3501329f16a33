"""Links inside an outcome's steps (`[words](target)`) and a problem card's preset answers are
checked like any content: a wrong name is one located line, a missing kind of page is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from buyerkit.content.catalog import load_catalog
from buyerkit.content.links import parts, plain
from buyerkit.errors import ContentErrors

DIAG = "diagnostics/renewal-risk-check.yaml"


def errors_of(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as e:
        load_catalog(content)
    return [str(p) for p in e.value.problems]


def test_parts_and_plain_text():
    text = "Share [the CFO guide](guide:cfo) and [talk](contact)."
    assert parts(text) == [("Share ", None), ("the CFO guide", "guide:cfo"), (" and ", None),
                           ("talk", "contact"), (".", None)]
    assert plain(text) == "Share the CFO guide and talk."
    assert parts("no links [here] (at all)") == [("no links [here] (at all)", None)]


@pytest.mark.parametrize(("target", "message"), [
    ("guide:cfoo", "unknown guide 'cfoo' in link target 'guide:cfoo'"),
    ("calculator:nope", "unknown calculator 'nope' in link target 'calculator:nope'"),
    ("diagnostic:nope", "unknown diagnostic 'nope' in link target 'diagnostic:nope'"),
    ("brochure", "unknown link target 'brochure': use guide:<role>, calculator:<slug>, "
                 "diagnostic:<slug>, kit, contact, pricing, compare, or an address starting "
                 "with / or https://"),
])
def test_a_wrong_link_target_is_named_where_it_is(content_dir: Path, target, message):
    path = content_dir / DIAG
    text = path.read_text()
    path.write_text(text.replace("(guide:cfo) now if", f"({target}) now if"))
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if f"({target})" in t)
    assert errors_of(content_dir) == [f"{path}:{line}:9: {message}"]


def test_links_to_a_removed_kind_of_page_become_plain_words(content_dir: Path):
    shutil.rmtree(content_dir / "guides")
    for path in content_dir.glob("comparison*.yaml"):  # the source and its translations
        path.unlink()
    load_catalog(content_dir)  # no error: the words stay, without a link


def test_a_problem_card_presets_only_real_answers(content_dir: Path):
    path = content_dir / "site.yaml"
    path.write_text(path.read_text().replace("answers: {symptom: surprise_churn}",
                                             "answers: {symptom: surprise_chrun}"))
    (err,) = errors_of(content_dir)
    assert err.endswith("'symptom: surprise_chrun' is not a question and answer of "
                        "'renewal-risk-check'")
