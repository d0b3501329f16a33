"""Load YAML and Markdown front matter with the line and column of every node, and validate it.

Content errors must name `path:line:col`, so files are composed to nodes first and each
value's position is kept beside the plain data that pydantic validates.
"""

from __future__ import annotations

import os
import re
import stat
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml
from yaml.cyaml import CParser

from buyerkit.errors import ContentProblem, display_path

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=pydantic.BaseModel)


@dataclass
class Source:
    """One parsed content file: its data, and where each value and key stands in the file."""

    path: Path
    data: Any = None
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0

    @property
    def name(self) -> str:
        return display_path(self.path)

    def where(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of `loc`, or of its nearest ancestor that exists in the file."""
        loc = tuple(loc)
        while True:
            table = self.keys if key and loc in self.keys else self.values
            if loc in table:
                line, col = table[loc]
                return line + self.line_offset, col
            if not loc:
                return 1 + self.line_offset, 1
            loc = loc[:-1]

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> ContentProblem:
        line, col = self.where(loc, key=key)
        return ContentProblem(self.name, line, col, message)


def _walk(src: Source, node: yaml.Node, loc: Loc, problems: list[ContentProblem]) -> None:
    src.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for knode, vnode in node.value:
            key = knode.value if isinstance(knode, yaml.ScalarNode) else str(knode.value)
            pos = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            if key in seen:
                problems.append(ContentProblem(src.name, pos[0] + src.line_offset, pos[1],
                                               f"duplicate key '{key}'"))
            seen.add(key)
            src.keys[(*loc, key)] = pos
            _walk(src, vnode, (*loc, key), problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(src, item, (*loc, i), problems)


# Limits on what one content file may make the loader do (issue 22: a 254-byte file of
# aliases expanded to millions of values and gigabytes): checked while composing, so the
# expansion never happens; each breach is a located `invalid YAML` problem.
YAML_MAX_DEPTH = 40
YAML_MAX_VALUES = 100_000  # values after aliases are expanded; the demo's largest has ~1,300


class _Bounded:
    """A composer that counts values as aliases expand them, bounds nesting, and refuses an
    alias inside its own anchor (a structure that contains itself)."""

    def _init_bounds(self) -> None:
        self._depth = 0
        self._values = 0
        self._sizes: dict[int, int] = {}
        self._open: set[str] = set()

    def _refuse(self, problem: str, mark: Any) -> None:
        raise yaml.composer.ComposerError(None, None, problem, mark)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                self._refuse(f"alias *{event.anchor} is inside its own anchor (a value "
                             "cannot contain itself)", event.start_mark)
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node), 1)
        else:
            self._depth += 1
            if self._depth > YAML_MAX_DEPTH:
                self._refuse(f"nested deeper than {YAML_MAX_DEPTH} levels", event.start_mark)
            anchor = getattr(event, "anchor", None)
            if anchor:
                self._open.add(anchor)
            node = super().compose_node(parent, index)
            self._open.discard(anchor)
            self._depth -= 1
            size = 1
            if isinstance(node, yaml.SequenceNode):
                size += sum(self._sizes.get(id(n), 1) for n in node.value)
            elif isinstance(node, yaml.MappingNode):
                size += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1)
                            for k, v in node.value)
            self._sizes[id(node)] = size
            size = 1  # its children were counted as they were composed
        self._values += size
        if self._values > YAML_MAX_VALUES:
            self._refuse(f"more than {YAML_MAX_VALUES} values once aliases are expanded "
                         "(each *alias repeats all its &anchor holds)", event.start_mark)
        return node


class _BoundedLoader(_Bounded, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, bounded: its error messages are the ones we show."""

    def __init__(self, text: str) -> None:
        yaml.SafeLoader.__init__(self, text)
        self._init_bounds()


class _FastLoader(_Bounded, yaml.composer.Composer, CParser,  # type: ignore[misc]
                  yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """The same bounded composer on libyaml's scanner and parser (several times faster: the
    dev server reloads content on every save). Used only when libyaml is there; a file it
    refuses is parsed again by _BoundedLoader, whose messages name the place."""

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._init_bounds()


def _compose(text: str) -> tuple[Any, Any]:
    """(loader, root node): libyaml's parser when it has no objection, else PyYAML's, so a
    broken file is reported exactly as before."""
    if yaml.__with_libyaml__:
        fast = _FastLoader(text)
        try:
            return fast, fast.get_single_node()
        except yaml.YAMLError:
            fast.dispose()
    slow = _BoundedLoader(text)
    return slow, slow.get_single_node()


def parse_yaml(path: Path, text: str, problems: list[ContentProblem], *,
               line_offset: int = 0) -> Source:
    """Parse YAML text into a Source; syntax errors become located problems, never raise."""
    src = Source(path=path, line_offset=line_offset)
    loader = None
    try:
        loader, node = _compose(text)
        if node is None:
            src.data = None
            return src
        _walk(src, node, (), problems)
        src.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = e.problem or e.context or "invalid YAML"
        problems.append(ContentProblem(src.name, line + line_offset, col, f"invalid YAML: {what}"))
        src.data = None
    except yaml.reader.ReaderError as e:  # a control character, e.g. NUL: where it stands
        at = e.position
        line, col = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        problems.append(ContentProblem(src.name, line + line_offset, col,
                                       f"invalid YAML: character #x{e.character:04x} is not "
                                       "allowed (a control character)"))
        src.data = None
    except yaml.YAMLError as e:
        problems.append(ContentProblem(src.name, 1 + line_offset, 1, f"invalid YAML: {e}"))
        src.data = None
    finally:
        if loader is not None:
            loader.dispose()
    return src


# Largest file of each kind, by name or folder; the demo's largest file is 13 KB.
MAX_FILE_BYTES = 256 * 1024
MAX_BYTES_BY_KIND = {"targets.yaml": 4 * 1024 * 1024}
CONTENT_ROOT: ContextVar[Path | None] = ContextVar("buyerkit_content_root", default=None)


def max_bytes(path: Path) -> int:
    """The size limit of a content file of this kind."""
    return MAX_BYTES_BY_KIND.get(path.name, MAX_BYTES_BY_KIND.get(path.parent.name,
                                                                  MAX_FILE_BYTES))


def outside_content(path: Path) -> bool:
    """True when `path` (through a symlink or `..`) leads out of the content folder being
    loaded: such a file is refused, never read or served."""
    root = CONTENT_ROOT.get()
    try:
        return root is not None and not path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop of links: open() below says so
        return False


def read_text(path: Path, problems: list[ContentProblem]) -> str | None:
    """Read a UTF-8 file; an unreadable file is a located problem rather than a traceback.

    Only a regular file inside the content folder, up to its kind's size (max_bytes), is
    read: a link out of the folder, a pipe or a device would hang or leak another file."""
    name, limit = display_path(path), max_bytes(path)
    if outside_content(path):
        problems.append(ContentProblem(name, 1, 1, "links to a file outside the content "
                                       "folder: copy the file in instead"))
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                problems.append(ContentProblem(name, 1, 1, "not a regular file"))
                return None
            data = f.read(limit + 1)
    except OSError as e:
        problems.append(ContentProblem(name, 1, 1, f"cannot read file: {e.strerror or e}"))
        return None
    if len(data) > limit:
        problems.append(ContentProblem(name, 1, 1, f"file is larger than {limit // 1024} KiB"))
        return None
    try:  # universal newlines, as Path.read_text reads them
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        problems.append(ContentProblem(name, line, col, f"not UTF-8 text (byte {e.start})"))
    return None


def load_yaml(path: Path, problems: list[ContentProblem]) -> Source:
    """Read and parse one YAML file."""
    text = read_text(path, problems)
    return parse_yaml(path, text, problems) if text is not None else Source(path=path)


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 40 else text[:39] + "…'"


TYPE_WORDS = {
    "int_type": "a whole number", "int_parsing": "a whole number", "float_type": "a number",
    "string_type": "text", "bool_type": "true or false", "list_type": "a list",
    "tuple_type": "a list", "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)", "dataclass_type": "a mapping (key: value)",
}


# What a string pattern asks for, in words, for patterns other than slugs and links
# (schema modules add theirs: a colour, an origin, a file in the content folder).
PATTERN_WORDS: dict[str, str] = {}


def _message(err: dict[str, Any]) -> tuple[str, bool]:
    """Turn one pydantic error into our wording; the bool says whether it points at a key."""
    kind, loc, ctx = err["type"], err["loc"], err.get("ctx") or {}
    name = str(loc[-1]) if loc else "document"
    if len(loc) > 1 and isinstance(loc[-1], int):  # an item of a list: origins[0]
        name = f"{loc[-2]}[{loc[-1]}]"
    got = _shown(err.get("input"))
    if kind == "extra_forbidden":
        return f"unknown field '{name}'", True
    if kind == "missing":
        return f"missing required field '{name}'", False
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "one of the allowed values")
        return f"'{name}' must be {expected} (got {got})", False
    if kind in TYPE_WORDS:
        return f"'{name}' must be {TYPE_WORDS[kind]} (got {got})", False
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"'{name}' needs at least {n} item{'' if n == 1 else 's'}", False
    if kind == "too_long":
        n = ctx.get("max_length")
        return f"'{name}' has more than {n} items", False
    if kind == "string_too_short":
        return f"'{name}' must not be empty", False
    if kind == "string_too_long":
        return f"'{name}' is longer than {ctx.get('max_length')} characters", False
    if kind == "string_pattern_mismatch":
        if str(ctx.get("pattern")) in PATTERN_WORDS:
            return f"'{name}' must be {PATTERN_WORDS[str(ctx['pattern'])]} (got {got})", False
        if "https" in str(ctx.get("pattern", "")):
            return (f"'{name}' must be a link starting with https://, mailto:, tel: or / "
                    f"(got {got})", False)
        return (f"'{name}' must be a slug: lower-case letters, digits, '-' and '_' (got {got})",
                False)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"'{name}' must be {bound} {limit} (got {got})", False
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])), False
    msg = err["msg"]
    return f"'{name}': {msg[0].lower()}{msg[1:]}", False


def _drop_echoes(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A list whose items failed also reports itself too short: keep only the real cause."""
    locs = [tuple(e["loc"]) for e in errors]
    return [e for e in errors
            if not (e["type"] == "too_short"
                    and any(len(o) > len(e["loc"]) and o[:len(e["loc"])] == tuple(e["loc"])
                            for o in locs))]


def validate(src: Source, model: type[M], problems: list[ContentProblem],
             context: dict[str, Any] | None = None) -> M | None:
    """Validate a Source against a pydantic model; every error becomes a located problem."""
    if src.data is None and any(p.path == src.name for p in problems):
        return None
    try:
        return model.model_validate(src.data if src.data is not None else {}, context=context)
    except pydantic.ValidationError as e:
        for err in _drop_echoes(e.errors(include_url=False)):
            loc = tuple(err["loc"])
            message, on_key = _message(err)
            if not loc and err["type"] in ("model_type", "dict_type"):
                message = "the file must be a mapping of fields (key: value)"
            problems.append(src.problem(loc, message, key=on_key))
        return None


SLUG_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")


def check_slug_name(src: Source, problems: list[ContentProblem]) -> bool:
    """A file whose name is its slug (and address) must be named like one; False if not."""
    if SLUG_NAME.fullmatch(src.path.stem):
        return True
    problems.append(ContentProblem(src.name, 1, 1, f"file name '{src.path.name}' must be a "
                                   "slug (lower-case letters, digits, dashes)"))
    return False


FENCE = "---"


def read_front_matter(path: Path, problems: list[ContentProblem], model: type[M], kind: str,
                      empty: str) -> tuple[Source, M, str, int] | None:
    """A Markdown file's `---` front matter, validated as `model`: (its Source, the model,
    the body, lines before the body), or None and located problems. `kind` names the file
    in messages ("a guide"), `empty` says what an empty front matter should hold."""
    before = len(problems)
    text = read_text(path, problems)
    if text is None:
        return None
    name = display_path(path)
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        problems.append(ContentProblem(name, 1, 1, f"{kind} must start with front matter: a "
                                       "line '---', the fields, then another line '---'"))
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if close is None:
        problems.append(ContentProblem(name, 1, 1, "front matter is not closed: add a line "
                                       "'---' after its last field"))
        return None
    src = parse_yaml(path, "".join(lines[1:close]), problems, line_offset=1)
    if src.data is None and len(problems) == before:
        problems.append(src.problem((), f"front matter is empty: {empty}"))
        return None
    meta = validate(src, model, problems)
    if meta is None:
        return None
    return src, meta, "".join(lines[close + 1:]), close + 1
