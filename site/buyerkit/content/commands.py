"""`buyerkit explain`: a diagnostic's verdict table, for marketing and sales to sign off."""

from __future__ import annotations

from pathlib import Path

import click

from buyerkit.content.catalog import load_catalog
from buyerkit.content.explain import as_json, as_markdown, as_text, explain
from buyerkit.errors import BuyerkitError


@click.command("explain")
@click.argument("slug")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Content folder (default ./content).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True, help="How to print the table.")
def explain_command(slug: str, content_dir: Path | None, fmt: str) -> None:
    """Print the verdict table of diagnostic SLUG: what leads to each verdict and reason."""
    catalog = load_catalog(content_dir or Path.cwd() / "content")
    d = catalog.diagnostics.get(slug)
    if d is None:
        known = ", ".join(sorted(catalog.diagnostics)) or "none"
        raise BuyerkitError(f"no diagnostic '{slug}'; the diagnostics are: {known}")
    table = explain(d, catalog.site.target_profile.answers.get(slug))
    text = {"json": lambda: as_json(table) + "\n", "markdown": lambda: as_markdown(d, table),
            "text": lambda: as_text(d, table)}[fmt]()
    click.echo(text, nl=False)
