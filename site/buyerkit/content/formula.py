"""The one formula language of calculators: tokenizer, parser to a JSON-able AST, evaluator.

A formula such as `if(gain > 0, setup / gain, 0)` is parsed once, at content load, into a
tree of plain lists that the server evaluates here and the browser evaluates in
static/formula.js; nothing is ever `eval`-ed. The tree, node by node:

    ["num", 1.5]            a number
    ["ref", "name"]         an input, assumption, output, projection series or `month`
    ["prev", "name"]        a projection series' value in the previous month (0 in month 1)
    ["neg", a]              unary minus
    ["+", a, b] (also -, *, /)
    ["<", a, b] (also <=, >, >=, ==, !=)   1 when true, 0 when false
    ["min", a, b, ...], ["max", a, b, ...], ["round", a, digits], ["if", cond, a, b]

Both evaluators do the same IEEE 754 double operations in the same order, so they agree
bit for bit; money is rounded half away from zero (`round_half_away`) at display.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Node = list[Any]
FUNCTIONS = ("min", "max", "round", "if", "prev")
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
MAX_LENGTH = 2000
MAX_DEPTH = 60  # brackets, calls and minus signs inside one another
MAX_TREE_DEPTH = 200  # nodes inside one another (`a+a+...+a` is a chain as deep as it is long)


class FormulaError(ValueError):
    """A formula that cannot be parsed: the message and the 0-based offset it points at."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    offset: int


def tokenize(text: str) -> list[Token]:
    """Split a formula into numbers, names and operators; anything else is a FormulaError."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c.isascii() and (c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit())):
            j = i
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j < n and text[j] == ".":
                j += 1
                while j < n and text[j].isascii() and text[j].isdigit():
                    j += 1
            if j < n and (text[j].isalnum() or text[j] in "._"):
                raise FormulaError(f"malformed number '{text[i:j + 1]}'", i)
            tokens.append(Token("num", text[i:j], i))
            i = j
        elif c.isascii() and (c.isalpha() or c == "_"):
            j = i
            while j < n and text[j].isascii() and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(Token("name", text[i:j], i))
            i = j
        elif text[i:i + 2] in ("<=", ">=", "==", "!="):
            tokens.append(Token("op", text[i:i + 2], i))
            i += 2
        elif c in "+-*/(),<>":
            tokens.append(Token("op", c, i))
            i += 1
        else:
            raise FormulaError(f"unexpected character '{c}'", i)
    tokens.append(Token("end", "", n))
    return tokens


def _describe(tok: Token) -> str:
    return "the end of the formula" if tok.kind == "end" else f"'{tok.text}'"


class _Parser:
    """Recursive descent; `offsets` maps id() of each node to where it starts in the text."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.offsets: dict[int, int] = {}
        self.depths: dict[int, int] = {}

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, text: str) -> Token:
        if self.tok.text != text or self.tok.kind != "op":
            raise FormulaError(f"expected '{text}' but found {_describe(self.tok)}",
                               self.tok.offset)
        return self.take()

    def mark(self, node: Node, offset: int) -> Node:
        """Remember where `node` starts; refuse a tree deeper than the evaluators recurse."""
        self.offsets[id(node)] = offset
        depth = 1 + max((self.depths.get(id(c), 1) for c in node[1:] if isinstance(c, list)),
                        default=0)
        if depth > MAX_TREE_DEPTH:
            raise FormulaError(f"the formula is nested too deeply (more than {MAX_TREE_DEPTH} "
                               "operations inside one another)", offset)
        self.depths[id(node)] = depth
        return node

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise FormulaError("the formula is empty", 0)
        node = self.comparison()
        if self.tok.kind != "end":
            raise FormulaError(f"expected an operator or the end of the formula but found "
                               f"{_describe(self.tok)}", self.tok.offset)
        return node

    def comparison(self) -> Node:
        start = self.tok.offset
        left = self.additive()
        if self.tok.kind == "op" and self.tok.text in COMPARISONS:
            op = self.take().text
            right = self.additive()
            if self.tok.kind == "op" and self.tok.text in COMPARISONS:
                raise FormulaError("comparisons cannot be chained; use if() instead",
                                   self.tok.offset)
            left = self.mark([op, left, right], start)
        return left

    def additive(self) -> Node:
        start = self.tok.offset
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take().text
            left = self.mark([op, left, self.term()], start)
        return left

    def term(self) -> Node:
        start = self.tok.offset
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            op = self.take().text
            left = self.mark([op, left, self.unary()], start)
        return left

    def unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.text == "-":
            start = self.take().offset
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError("the formula is nested too deeply", start)
            node = self.mark(["neg", self.unary()], start)
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.take()
            return self.mark(["num", float(tok.text)], tok.offset)
        if tok.kind == "name":
            self.take()
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.call(tok)
            if tok.text in FUNCTIONS:
                raise FormulaError(f"'{tok.text}' is a function: write {tok.text}(...)",
                                   tok.offset)
            return self.mark(["ref", tok.text], tok.offset)
        if tok.kind == "op" and tok.text == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError("the formula is nested too deeply", tok.offset)
            node = self.comparison()
            self.depth -= 1
            self.expect(")")
            return node
        raise FormulaError(f"expected a number, a name or '(' but found {_describe(tok)}",
                           tok.offset)

    def call(self, name: Token) -> Node:
        fn = name.text
        if fn not in FUNCTIONS:
            raise FormulaError(f"unknown function '{fn}' (use min, max, round or if)",
                               name.offset)
        self.expect("(")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError("the formula is nested too deeply", name.offset)
        args: list[Node] = []
        if not (self.tok.kind == "op" and self.tok.text == ")"):
            args.append(self.comparison())
            while self.tok.kind == "op" and self.tok.text == ",":
                self.take()
                args.append(self.comparison())
        self.depth -= 1
        self.expect(")")
        n = len(args)
        if fn == "if" and n != 3:
            raise FormulaError(f"if() takes 3 arguments (condition, then, otherwise), got {n}",
                               name.offset)
        if fn in ("min", "max") and n < 2:
            raise FormulaError(f"{fn}() takes at least 2 arguments, got {n}", name.offset)
        if fn == "round":
            if n not in (1, 2):
                raise FormulaError(f"round() takes 1 or 2 arguments, got {n}", name.offset)
            digits = 0.0
            if n == 2:
                d = args[1]
                if d[0] != "num" or d[1] != int(d[1]) or not 0 <= d[1] <= 6:
                    raise FormulaError("round()'s second argument must be a whole number "
                                       "from 0 to 6", self.offsets.get(id(d), name.offset))
                digits = d[1]
            return self.mark(["round", args[0], int(digits)], name.offset)
        if fn == "prev":
            if n != 1 or args[0][0] != "ref":
                raise FormulaError("prev() takes the id of one projection series",
                                   name.offset)
            return self.mark(["prev", args[0][1]], name.offset)
        return self.mark([fn, *args], name.offset)


@dataclass
class Parsed:
    """A parsed formula: its tree and where each node starts in the source text."""

    text: str
    ast: Node
    offsets: dict[int, int] = field(default_factory=dict)

    def offset(self, node: Node) -> int:
        return self.offsets.get(id(node), 0)


def parse(text: str) -> Parsed:
    """Parse a formula into its AST; raise FormulaError (message, offset) when it is invalid."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters", 0)
    p = _Parser(text)
    ast = p.parse()
    return Parsed(text, ast, p.offsets)


def walk(node: Node) -> list[Node]:
    """Every node of a tree, parents first."""
    out = [node]
    kind = node[0]
    if kind in ("num", "ref", "prev"):
        return out
    if kind == "round":
        return out + walk(node[1])
    for child in node[1:]:
        out += walk(child)
    return out


def names(node: Node) -> list[tuple[str, Node]]:
    """Each name a tree refers to in the same month (`ref` nodes), with its node."""
    return [(n[1], n) for n in walk(node) if n[0] == "ref"]


def round_half_away(x: float, digits: int = 0) -> float:
    """Round half away from zero to `digits` decimals; static/formula.js does the same ops."""
    p = 10.0 ** digits
    r = math.floor(abs(x) * p + 0.5) / p
    return -r if x < 0 else r


def evaluate(node: Node, env: Mapping[str, float],
             prev: Callable[[str], float] | None = None) -> float:
    """Evaluate a tree with values for its names; the same operations as static/formula.js."""
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "ref":
        return env[node[1]]
    if kind == "prev":
        return prev(node[1]) if prev else 0.0
    if kind == "neg":
        return -evaluate(node[1], env, prev)
    if kind == "round":
        return round_half_away(evaluate(node[1], env, prev), node[2])
    if kind == "if":
        c = evaluate(node[1], env, prev)
        return evaluate(node[2] if c != 0 else node[3], env, prev)
    if kind in ("min", "max"):
        best = evaluate(node[1], env, prev)
        for child in node[2:]:
            v = evaluate(child, env, prev)
            if (v < best) if kind == "min" else (v > best):
                best = v
        return best
    a = evaluate(node[1], env, prev)
    b = evaluate(node[2], env, prev)
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return a / b if b != 0 else math.nan
    return 1.0 if _COMPARE[kind](a, b) else 0.0


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}
