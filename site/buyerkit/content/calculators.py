"""Load content/calculators/*.yaml: validate, parse every formula once and check it.

Unknown names, cycles, syntax errors, divisions that can hit zero and paybacks that can be
negative within the declared ranges are located `path:line:col` problems, the column pointing
inside the formula where the YAML allows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from buyerkit.content.formula import FUNCTIONS, FormulaError, Node, Parsed, names, parse, walk
from buyerkit.content.intervals import Iv, bounds, narrow
from buyerkit.content.loading import Loc, Source, check_slug_name, parse_yaml, read_text, validate
from buyerkit.content.schema.calculator import SCENARIOS, Calculator, Output
from buyerkit.errors import ContentProblem

RESERVED = frozenset({*FUNCTIONS, "month"})


@dataclass(frozen=True)
class Compiled:
    """A checked calculator: its content model plus parsed formulas in evaluation order."""

    model: Calculator
    formulas: Mapping[str, Node]
    conditions: Mapping[str, Node]
    order: tuple[str, ...]
    series: Mapping[str, Node]
    series_order: tuple[str, ...]

    @property
    def slug(self) -> str:
        return self.model.slug

    def output(self, oid: str) -> Output:
        return next(o for o in self.model.outputs if o.id == oid)


class _Checker:
    """Collects located problems for one calculator file."""

    def __init__(self, src: Source, text: str, c: Calculator,
                 problems: list[ContentProblem]) -> None:
        self.src, self.lines, self.c, self.problems = src, text.splitlines(), c, problems
        self.parsed: dict[Loc, Parsed] = {}

    def add(self, loc: Loc, message: str, offset: int | None = None, *, key: bool = False) -> None:
        if offset is None or key:
            self.problems.append(self.src.problem(loc, message, key=key))
            return
        line, col = self.src.where(loc)
        raw = self.lines[line - 1 - self.src.line_offset] if line - 1 < len(self.lines) else ""
        text = self.parsed[loc].text if loc in self.parsed else ""
        base = col + 1 if raw[col - 1:col] in ("'", '"') else col
        if text and raw[base - 1:].startswith(text):
            col = base + offset
        self.problems.append(ContentProblem(self.src.name, line, col, message))

    def parse(self, loc: Loc, text: str, where: str) -> Node | None:
        try:
            p = parse(text)
        except FormulaError as e:
            self.parsed[loc] = Parsed(text, ["num", 0.0])
            self.add(loc, f"{where}: {e.message}", e.offset)
            return None
        self.parsed[loc] = p
        return p.ast


def _ids(ch: _Checker) -> dict[str, str]:
    """Every id in the file and what it names; duplicates and reserved words are problems."""
    c = ch.c
    kinds: dict[str, str] = {}
    groups: list[tuple[str, str, tuple]] = [
        ("an input", "inputs", c.inputs), ("an assumption", "assumptions", c.assumptions),
        ("an output", "outputs", c.outputs)]
    if c.projection:
        groups.append(("a series", "series", c.projection.series))
    for what, field, items in groups:
        for i, item in enumerate(items):
            loc = ("projection", "series", i, "id") if field == "series" else (field, i, "id")
            if item.id in RESERVED:
                ch.add(loc, f"'{item.id}' is a word of the formula language; choose another id")
            elif item.id in kinds:
                ch.add(loc, f"duplicate id '{item.id}': {kinds[item.id]} already has it")
            else:
                kinds[item.id] = what
    return kinds


def _order(ch: _Checker, deps: dict[str, list[str]], locs: dict[str, Loc], what: str) -> list[str]:
    """Topological order of formulas by the names they use; a cycle is one problem."""
    order: list[str] = []
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(n: str, path: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cycle = path[path.index(n):] + [n]
            if frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                ch.add(locs[cycle[0]], f"{what} refer to each other in a cycle: "
                       + " -> ".join(cycle))
            return
        state[n] = 1
        for d in deps[n]:
            visit(d, [*path, n])
        state[n] = 2
        order.append(n)

    for n in deps:
        visit(n, [])
    return order


def _check_refs(ch: _Checker, loc: Loc, ast: Node, where: str, allowed: set[str],
                guarded: set[str], series: set[str] | None) -> list[str]:
    """Unknown names, outputs with a `when`, and prev() misuse; returns names used."""
    p = ch.parsed[loc]
    used = []
    for name, node in names(ast):
        if name in guarded:
            ch.add(loc, f"{where}: output '{name}' has a 'when' condition, so formulas cannot "
                   "use it", p.offset(node))
        elif name not in allowed:
            known = "an input, assumption, output, series or month" if series is not None \
                else "an input, assumption or output"
            ch.add(loc, f"{where}: unknown name '{name}' (not {known})", p.offset(node))
        used.append(name)
    for node in walk(ast):
        if node[0] != "prev":
            continue
        if series is None:
            ch.add(loc, f"{where}: prev() works only in projection series", p.offset(node))
        elif node[1] not in series:
            ch.add(loc, f"{where}: prev() needs a projection series, and '{node[1]}' is not "
                   "one", p.offset(node))
    return used


def _value_ranges(c: Calculator) -> dict[str, Iv]:
    """The range of each input and assumption, widened by every scenario's factors."""
    factors: dict[str, set[float]] = {}
    if c.scenarios:
        for name in SCENARIOS:
            for k, f in getattr(c.scenarios, name).factors.items():
                factors.setdefault(k, set()).add(float(f))
    out = {}
    for v in (*c.inputs, *c.assumptions):
        ends = [float(b) * f for b in (v.min, v.max) for f in {1.0, *factors.get(v.id, ())}]
        out[v.id] = Iv(min(ends), max(ends))
    return out


def _check_ranges(ch: _Checker, comp: Compiled, olocs: dict[str, Loc],
                  slocs: dict[str, Loc]) -> None:
    """Divisions that can hit zero, and month counts that can go negative."""
    c, env = ch.c, _value_ranges(ch.c)
    seen: set[tuple[Loc, int]] = set()

    def guard(loc: Loc, where: str):
        def on_divisor(node: Node, iv: Iv) -> None:
            off = ch.parsed[loc].offset(node)
            if (loc, off) not in seen:
                seen.add((loc, off))
                ch.add(loc, f"{where}: the divisor can be zero within the declared ranges "
                       f"(it can be anything from {iv.lo:g} to {iv.hi:g})", off)
        return on_divisor

    for oid in comp.order:
        o, loc = comp.output(oid), olocs[oid]
        scope = dict(env)
        if oid in comp.conditions:
            bounds(comp.conditions[oid], env, guard((*loc[:-1], "when"),
                                                    f"'when' of output '{oid}'"))
            scope = narrow(comp.conditions[oid], env, True)
        iv = bounds(comp.formulas[oid], scope, guard(loc, f"formula of output '{oid}'"))
        env[oid] = iv
        if o.format == "months" and iv.lo < 0:
            ch.add(loc, f"output '{oid}' is in months but can be negative within the declared "
                   f"ranges (as low as {iv.lo:g})")
    if not c.projection or not comp.series_order:
        return
    prev: dict[str, Iv] = {}
    for m in range(1, c.projection.months + 1):
        scope = {**env, "month": Iv(float(m), float(m))}
        for sid in comp.series_order:
            scope[sid] = bounds(comp.series[sid], scope,
                                guard(slocs[sid], f"formula of series '{sid}'"), prev)
        prev = {sid: scope[sid] for sid in comp.series_order}


def check(src: Source, text: str, c: Calculator,
          problems: list[ContentProblem]) -> Compiled | None:
    """Every cross-field and formula rule; returns the compiled calculator when all pass."""
    before = len(problems)
    ch = _Checker(src, text, c, problems)
    _ids(ch)
    values = {v.id for v in (*c.inputs, *c.assumptions)}
    outputs = {o.id for o in c.outputs}
    guarded = {o.id for o in c.outputs if o.when is not None}

    formulas: dict[str, Node] = {}
    conditions: dict[str, Node] = {}
    olocs: dict[str, Loc] = {}
    deps: dict[str, list[str]] = {}
    for i, o in enumerate(c.outputs):
        loc = ("outputs", i, "formula")
        olocs[o.id] = loc
        where = f"formula of output '{o.id}'"
        ast = ch.parse(loc, o.formula, where)
        used: list[str] = []
        if ast is not None:
            formulas[o.id] = ast
            used += _check_refs(ch, loc, ast, where, values | outputs, guarded - {o.id}, None)
        if o.when is not None:
            wloc = ("outputs", i, "when")
            wwhere = f"'when' of output '{o.id}'"
            cond = ch.parse(wloc, o.when, wwhere)
            if cond is not None:
                conditions[o.id] = cond
                used += _check_refs(ch, wloc, cond, wwhere, values | outputs, guarded, None)
        deps[o.id] = sorted({u for u in used if u in outputs and u != o.id})
        if o.id in used:
            ch.add(loc, f"outputs refer to each other in a cycle: {o.id} -> {o.id}")
    order = _order(ch, deps, olocs, "outputs")

    series: dict[str, Node] = {}
    slocs: dict[str, Loc] = {}
    series_order: list[str] = []
    if c.projection:
        sids = {s.id for s in c.projection.series}
        sdeps: dict[str, list[str]] = {}
        for i, s in enumerate(c.projection.series):
            loc = ("projection", "series", i, "formula")
            slocs[s.id] = loc
            where = f"formula of series '{s.id}'"
            ast = ch.parse(loc, s.formula, where)
            if ast is None:
                sdeps[s.id] = []
                continue
            series[s.id] = ast
            used = _check_refs(ch, loc, ast, where, values | outputs | sids | {"month"},
                               guarded, sids)
            sdeps[s.id] = sorted({u for u in used if u in sids and u != s.id})
            if s.id in used:
                ch.add(loc, f"projection series refer to each other in a cycle: {s.id} -> "
                       f"{s.id} (use prev({s.id}) for last month's value)")
        series_order = _order(ch, sdeps, slocs, "projection series")
        if c.projection.breakeven is not None and c.projection.breakeven not in sids:
            ch.add(("projection", "breakeven"),
                   f"breakeven: unknown series '{c.projection.breakeven}'")

    if c.scenarios:
        for name in SCENARIOS:
            for k in getattr(c.scenarios, name).factors:
                if k not in values:
                    ch.add(("scenarios", name, "factors", k),
                           f"scenario {name}: unknown input or assumption '{k}'", key=True)
    if c.payback is not None:
        if c.payback not in outputs:
            ch.add(("payback",), f"payback: unknown output '{c.payback}'")
        elif next(o.format for o in c.outputs if o.id == c.payback) != "months":
            ch.add(("payback",), f"payback: output '{c.payback}' must have format months")
    elif not (c.projection and c.projection.breakeven):
        ch.add((), "give 'payback' (an output in months) or a projection with 'breakeven'")
    if c.kind == "simulator" and c.projection is None:
        ch.add(("kind",), "a simulator needs a projection")

    if len(problems) != before:
        return None
    comp = Compiled(c, MappingProxyType(formulas), MappingProxyType(conditions), tuple(order),
                    MappingProxyType(series), tuple(series_order))
    _check_ranges(ch, comp, olocs, slocs)
    return comp if len(problems) == before else None


def load_calculator(path: Path, problems: list[ContentProblem]) -> Compiled | None:
    """Load one calculator; its slug is its file name."""
    text = read_text(path, problems)
    if text is None:
        return None
    src = parse_yaml(path, text, problems)
    c = validate(src, Calculator, problems)
    if c is None:
        return None
    if not check_slug_name(src, problems):
        return None
    return check(src, text, c.model_copy(update={"slug": path.stem}), problems)
