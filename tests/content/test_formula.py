"""The formula language: what it parses to, how it evaluates, and every error word for word."""

from __future__ import annotations

import math
import re

import pytest

from buyerkit.content.formula import FormulaError, evaluate, parse, round_half_away
from buyerkit.content.intervals import Iv, bounds

TREES = {
    "precedence": ("1 + 2 * 3", ["+", ["num", 1.0], ["*", ["num", 2.0], ["num", 3.0]]]),
    "left-assoc": ("a - b - c", ["-", ["-", ["ref", "a"], ["ref", "b"]], ["ref", "c"]]),
    "parentheses": ("(a + b) / 2", ["/", ["+", ["ref", "a"], ["ref", "b"]], ["num", 2.0]]),
    "unary-minus": ("--a * 2", ["*", ["neg", ["neg", ["ref", "a"]]], ["num", 2.0]]),
    "functions": ("max(min(a, 1), 0.5, .25)",
                  ["max", ["min", ["ref", "a"], ["num", 1.0]], ["num", 0.5], ["num", 0.25]]),
    "round": ("round(a, 2) + round(b)",
              ["+", ["round", ["ref", "a"], 2], ["round", ["ref", "b"], 0]]),
    "if": ("if(a >= 1, a, 0)", ["if", [">=", ["ref", "a"], ["num", 1.0]], ["ref", "a"],
                                ["num", 0.0]]),
    "prev": ("prev(total) + 1", ["+", ["prev", "total"], ["num", 1.0]]),
}


@pytest.mark.parametrize("case", list(TREES), ids=list(TREES))
def test_parses_to_the_tree_the_browser_evaluates(case):
    text, tree = TREES[case]
    assert parse(text).ast == tree


VALUES = {
    "arithmetic": ("1 + 2 * 3 - 8 / 4", {}, 5.0),
    "round-half-away-up": ("round(2.5)", {}, 3.0),
    "round-half-away-down": ("round(-2.5)", {}, -3.0),
    "round-digits": ("round(a, 1)", {"a": 0.25}, 0.3),
    "comparison-true": ("(a < 2) + (a == 1) + (a != 1)", {"a": 1.0}, 2.0),
    "if-false-branch": ("if(a > 1, 10, 20)", {"a": 1.0}, 20.0),
    "min-max": ("min(3, a, 7) + max(a, 2)", {"a": 1.0}, 3.0),
}


@pytest.mark.parametrize("case", list(VALUES), ids=list(VALUES))
def test_evaluates(case):
    text, env, value = VALUES[case]
    assert evaluate(parse(text).ast, env) == value


def test_division_by_zero_at_run_time_is_nan_not_an_exception():
    assert math.isnan(evaluate(parse("1 / a").ast, {"a": 0.0}))


def test_prev_reads_last_month():
    assert evaluate(parse("prev(x) + 1").ast, {}, lambda name: {"x": 41.0}[name]) == 42.0


@pytest.mark.parametrize("x,digits,expected", [(0.5, 0, 1.0), (-0.5, 0, -1.0), (1.5, 0, 2.0),
                                               (2.675, 2, 2.68), (-0.125, 2, -0.13)],
                         ids=["half", "minus-half", "one-and-half", "cents", "minus-cents"])
def test_round_half_away_from_zero(x, digits, expected):
    assert round_half_away(x, digits) == expected


ERRORS = {
    "empty": ("", "the formula is empty", 0),
    "character": ("a $ b", "unexpected character '$'", 2),
    "unicode": ("a × b", "unexpected character '×'", 2),
    "number": ("1.2.3", "malformed number '1.2.'", 0),
    "number-then-name": ("2x", "malformed number '2x'", 0),
    "unclosed": ("(a + b", "expected ')' but found the end of the formula", 6),
    "dangling": ("a +", "expected a number, a name or '(' but found the end of the formula", 3),
    "two-values": ("a b", "expected an operator or the end of the formula but found 'b'", 2),
    "chained": ("a < b < c", "comparisons cannot be chained; use if() instead", 6),
    "unknown-function": ("log(a)", "unknown function 'log' (use min, max, round or if)", 0),
    "function-without-call": ("min + 1", "'min' is a function: write min(...)", 0),
    "if-arity": ("if(a, b)", "if() takes 3 arguments (condition, then, otherwise), got 2", 0),
    "min-arity": ("min(a)", "min() takes at least 2 arguments, got 1", 0),
    "round-arity": ("round()", "round() takes 1 or 2 arguments, got 0", 0),
    "round-digits": ("round(a, 1.5)",
                     "round()'s second argument must be a whole number from 0 to 6", 9),
    "prev-argument": ("prev(a + 1)", "prev() takes the id of one projection series", 0),
    "comma": ("max(a,, b)", "expected a number, a name or '(' but found ','", 6),
    "nesting": ("(" * 70 + "a" + ")" * 70, "the formula is nested too deeply", 60),
    "length": ("a+" * 1000 + "a", "the formula is longer than 2000 characters", 0),
}


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_errors_are_worded_and_located(case):
    text, message, offset = ERRORS[case]
    with pytest.raises(FormulaError, match="^" + re.escape(message) + "$") as info:
        parse(text)
    assert info.value.offset == offset


def test_intervals_find_a_divisor_that_can_be_zero_and_trust_a_guard():
    seen = []
    env = {"x": Iv(0, 10), "y": Iv(-5, 5)}
    bounds(parse("1 / x + if(y > 0, 1 / y, 0) + if(0 < x, 2 / x, 1)").ast, env,
           lambda node, iv: seen.append((node, iv)))
    assert seen == [(["ref", "x"], Iv(0, 10))]


def test_intervals_are_conservative_on_products_and_negation():
    iv = bounds(parse("-(a * b) + min(a, 0)").ast, {"a": Iv(-2, 3), "b": Iv(-1, 4)},
                lambda *_: None)
    assert (iv.lo, iv.hi) == (-14.0, 8.0)
