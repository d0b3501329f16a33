"""`--content DIR` for the commands that build the whole app (reports, users, hand-off),
the way `serve`, `freeze` and `api` take it: the folder is kept in the click context's meta,
which a group's subcommands share, and set for the app factory of that one command only."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

KEY = "buyerkit.content_dir"
HELP = "Content folder (default ./content or BUYERKIT_CONTENT_DIR)."
F = TypeVar("F", bound=Callable[..., Any])


def content_option(help: str = HELP) -> Callable[[F], F]:
    """The `--content DIR` option (not passed to the command: `app_for` reads it)."""
    def keep(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            ctx.meta[KEY] = value
    return click.option("--content", "content_dir", expose_value=False, callback=keep,
                        type=click.Path(file_okay=False, path_type=Path), help=help)


def app_for(ctx: click.Context) -> Any:
    """The app from the factory the CLI group hands down (`ctx.obj`), reading the folder
    given with --content (a missing one is the factory's one `Error:` line); the variable
    is restored at once, since tests run many commands in one process."""
    folder = ctx.meta.get(KEY)
    saved = os.environ.get("BUYERKIT_CONTENT_DIR")
    if folder is not None:
        os.environ["BUYERKIT_CONTENT_DIR"] = str(Path(folder).resolve())
    try:
        return ctx.obj()
    finally:
        if saved is None:
            os.environ.pop("BUYERKIT_CONTENT_DIR", None)
        else:
            os.environ["BUYERKIT_CONTENT_DIR"] = saved
