"""The one exception tree: every user-facing failure is a click.ClickException subclass."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


class BuyerkitError(click.ClickException):
    """A user error: printed as one line `Error: ...`, exit status 1, never a traceback."""


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One mistake in a content file, located to the line and column of its YAML node."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True, order=True)
class ContentWarning(ContentProblem):
    """A located doubt about content that still loads: printed by `check` and `serve`, an
    error only under `buyerkit check --strict`."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: warning: {self.message}"


class ContentErrors(BuyerkitError):
    """Every problem found in a content folder, reported together (like mkdocs does)."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))
        super().__init__(self.format_message())

    def format_message(self) -> str:
        n = len(self.problems)
        lines = [str(p) for p in self.problems]
        if all(isinstance(p, ContentWarning) for p in self.problems):
            lines.append(f"Aborted with {n} content warning{'' if n == 1 else 's'} (--strict)")
        else:
            lines.append(f"Aborted with {n} content error{'' if n == 1 else 's'}")
        return "\n".join(lines)

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        """Print one line per problem, then the count; no `Error:` prefix on located lines."""
        click.echo(self.format_message(), file=file, err=True)


def no_content_folder(root: Path) -> BuyerkitError:
    """A missing content folder, with the next step: create one, or name the one you have
    (`check` takes it as an argument, every other command as --content)."""
    name = display_path(root)
    ctx = click.get_current_context(silent=True)
    other = "name yours: `buyerkit check DIR`" if ctx is not None and ctx.info_name == "check" \
        else "pass --content DIR"
    return BuyerkitError(f"content folder not found: {name} (create one with "
                         f"`buyerkit new {name}`, or {other})")


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside, or a link loop / too long a name
        return str(path)
