"""`buyerkit explain`: a diagnostic's verdict table, for marketing and sales to sign off."""

from __future__ import annotations

from pathlib import Path

import click

from buyerkit.content.catalog import load_diagnostic
from buyerkit.content.explain import as_json, as_markdown, as_text, explain
from buyerkit.content.loading import CONTENT_ROOT, SLUG_NAME, load_yaml, validate
from buyerkit.content.schema.diagnostic import Diagnostic
from buyerkit.content.schema.site import Site
from buyerkit.content.translations import sources
from buyerkit.errors import BuyerkitError, ContentErrors, ContentProblem, no_content_folder


def _load(root: Path, slug: str) -> tuple[Diagnostic, Site]:
    """Only what the table needs: site.yaml and the one diagnostic, validated as `check`
    does (the whole folder is `check`'s job; this keeps explain well under 200 ms)."""
    if not root.is_dir():
        raise no_content_folder(root)
    path = root / "diagnostics" / f"{slug}.yaml"
    if not SLUG_NAME.fullmatch(slug) or not path.is_file():
        known = ", ".join(p.stem for p in sources(root / "diagnostics", "*.yaml")
                          if SLUG_NAME.fullmatch(p.stem))  # translations are no diagnostics
        raise BuyerkitError(f"no diagnostic '{slug}'; the diagnostics are: {known or 'none'}")
    problems: list[ContentProblem] = []
    token = CONTENT_ROOT.set(root.resolve())
    try:
        site = validate(load_yaml(root / "site.yaml", problems), Site, problems)
        d = load_diagnostic(path, problems)
    finally:
        CONTENT_ROOT.reset(token)
    if problems or d is None or site is None:
        raise ContentErrors(problems)
    return d, site


@click.command("explain")
@click.argument("slug")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="How to print the table.")
def explain_command(slug: str, content_dir: Path | None, fmt: str) -> None:
    """Print the verdict table of diagnostic SLUG: what leads to each verdict and reason."""
    d, site = _load(content_dir or Path.cwd() / "content", slug)
    table = explain(d, site.target_profile.answers.get(slug))
    text = {"json": lambda: as_json(table) + "\n", "markdown": lambda: as_markdown(d, table),
            "text": lambda: as_text(d, table)}[fmt]()
    click.echo(text, nl=False)
