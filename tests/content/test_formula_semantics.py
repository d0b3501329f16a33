"""The formula language evaluated at its edges: every comparison at less, equal and greater
(the truth table is written out here, not taken from the code), ties in min and max, the
branch if() takes, and rounding exactly on the half."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from buyerkit.content.formula import FormulaError, evaluate, names, parse, round_half_away, walk

# operator -> (value when a < b, when a == b, when a > b)
TRUTH = {
    "<": (1.0, 0.0, 0.0),
    "<=": (1.0, 1.0, 0.0),
    ">": (0.0, 0.0, 1.0),
    ">=": (0.0, 1.0, 1.0),
    "==": (0.0, 1.0, 0.0),
    "!=": (1.0, 0.0, 1.0),
}
PAIRS = {"less": (2.0, 3.0), "equal": (3.0, 3.0), "greater": (4.0, 3.0)}


@pytest.mark.parametrize("op", list(TRUTH))
@pytest.mark.parametrize("where", list(PAIRS))
def test_each_comparison_at_less_equal_and_greater(op, where):
    a, b = PAIRS[where]
    expected = TRUTH[op][list(PAIRS).index(where)]
    tree = parse(f"a {op} b").ast
    assert tree == [op, ["ref", "a"], ["ref", "b"]]
    assert evaluate(tree, {"a": a, "b": b}) == expected


@pytest.mark.parametrize("op", list(TRUTH))
def test_a_comparison_chooses_the_branch_of_if_on_the_threshold(op):
    """A threshold written as `if(x >= 100, ...)` decides for x exactly 100."""
    value = evaluate(parse(f"if(x {op} 100, 7, 9)").ast, {"x": 100.0})
    assert value == (7.0 if TRUTH[op][1] else 9.0)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_comparisons_agree_with_their_definitions(a, b):
    env = {"a": a, "b": b}
    got = {op: evaluate(parse(f"a {op} b").ast, env) for op in TRUTH}
    want = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}
    assert got == {op: float(v) for op, v in want.items()}


MIN_MAX = {
    # formula, env, value (worked out by hand)
    "min-first-is-smallest": ("min(a, b, c)", {"a": 1.0, "b": 2.0, "c": 3.0}, 1.0),
    "min-last-is-smallest": ("min(a, b, c)", {"a": 3.0, "b": 2.0, "c": 1.0}, 1.0),
    "max-middle-is-largest": ("max(a, b, c)", {"a": 1.0, "b": 5.0, "c": 3.0}, 5.0),
    "max-last-is-largest": ("max(a, b, c)", {"a": 1.0, "b": 2.0, "c": 3.0}, 3.0),
    "max-negative": ("max(a, b)", {"a": -4.0, "b": -2.0}, -2.0),
    "min-tie": ("min(a, b) * 2", {"a": 2.0, "b": 2.0}, 4.0),
    "if-true-nonzero": ("if(c, 10, 20)", {"c": -0.5}, 10.0),
    "if-zero-is-false": ("if(c, 10, 20)", {"c": 0.0}, 20.0),
    "subtract-order": ("a - b", {"a": 10.0, "b": 4.0}, 6.0),
    "divide-order": ("a / b", {"a": 10.0, "b": 4.0}, 2.5),
    "multiply": ("a * b", {"a": 2.5, "b": 4.0}, 10.0),
    "negate": ("-a + 1", {"a": 3.0}, -2.0),
    "prev-without-history": ("prev(x) + 1", {}, 1.0),
    "round-inside": ("round(a, 2) * 100", {"a": 0.125}, 13.0),
}


@pytest.mark.parametrize("case", list(MIN_MAX), ids=list(MIN_MAX))
def test_functions_and_operators_at_their_edges(case):
    text, env, value = MIN_MAX[case]
    assert evaluate(parse(text).ast, env) == value


def test_division_by_zero_is_nan_and_by_almost_zero_is_not():
    assert math.isnan(evaluate(parse("a / b").ast, {"a": 1.0, "b": 0.0}))
    assert evaluate(parse("a / b").ast, {"a": 1.0, "b": 0.5}) == 2.0


# x, digits, expected: halves go away from zero, anything under a half goes toward it
ROUNDING = [(0.49, 0, 0.0), (0.5, 0, 1.0), (-0.49, 0, -0.0), (-0.5, 0, -1.0),
            (2.5, 0, 3.0), (-2.5, 0, -3.0), (0.125, 2, 0.13), (-0.125, 2, -0.13),
            (0.124, 2, 0.12), (1234.5, 0, 1235.0), (0.0, 0, 0.0), (7.0, 0, 7.0),
            (0.05, 1, 0.1), (0.04, 1, 0.0), (1.25, 1, 1.3)]


@pytest.mark.parametrize("x,digits,expected", ROUNDING)
def test_round_half_away_on_and_near_the_half(x, digits, expected):
    assert round_half_away(x, digits) == expected
    assert math.copysign(1, round_half_away(x, digits)) == math.copysign(1, x) or x == 0


def test_walk_and_names_visit_every_node_once():
    tree = parse("round(a, 1) + prev(s) + max(b, -c) + if(d, 1, 2)").ast
    assert [n[0] for n in walk(tree)] == ["+", "+", "+", "round", "ref", "prev", "max",
                                          "ref", "neg", "ref", "if", "ref", "num", "num"]
    assert [name for name, _ in names(tree)] == ["a", "b", "c", "d"]


def test_first_of_equal_values_wins_in_min_and_max():
    """Ties keep the first argument (visible only in the sign of a zero)."""
    for fn in ("min", "max"):
        for a, b in ((0.0, -0.0), (-0.0, 0.0)):
            got = evaluate(parse(f"{fn}(a, b)").ast, {"a": a, "b": b})
            assert math.copysign(1, got) == math.copysign(1, a), (fn, a, b)


def test_zero_rounds_to_a_positive_zero():
    assert math.copysign(1, round_half_away(0.0)) == 1.0
    assert math.copysign(1, round_half_away(0.4)) == 1.0


PREV = {"x": 5.0, "y": 7.0}


@pytest.mark.parametrize("text,value", [
    ("-prev(x)", -5.0), ("round(prev(x) / 2)", 3.0), ("if(prev(x), prev(y), 0)", 7.0),
    ("if(prev(x) > 9, 0, prev(y))", 7.0), ("max(prev(x), prev(y))", 7.0),
    ("min(prev(y), prev(x))", 5.0), ("1 + prev(x)", 6.0), ("prev(x) - prev(y)", -2.0),
    ("prev(x) < prev(y)", 1.0)])
def test_last_month_reaches_every_kind_of_node(text, value):
    assert evaluate(parse(text).ast, {}, PREV.__getitem__) == value


def nested(fn: str, levels: int, inner: str = "a") -> str:
    return f"{fn}(" * levels + inner + ", 1)" * levels


@pytest.mark.parametrize("opening,closing,width", [("min(", ", 1)", 4), ("(", ")", 1),
                                                   ("-", "", 1)])
def test_nesting_stops_after_60_levels_whatever_nests(opening, closing, width):
    parse(opening * 60 + "a" + closing * 60)  # exactly the limit: fine
    with pytest.raises(FormulaError) as info:
        parse(opening * 61 + "a" + closing * 61)
    assert info.value.message == "the formula is nested too deeply"
    assert info.value.offset == 60 * width  # the 61st opening


def test_nesting_counts_levels_not_calls_before_them():
    """Seventy calls side by side are one level; after a call returns, its level is free."""
    parse(" + ".join(["min(a, 1)"] * 70))
    parse("min(a, 1) + " * 5 + nested("min", 60))
    with pytest.raises(FormulaError, match="^the formula is nested too deeply$"):
        parse("min(a, 1) + " * 5 + nested("min", 61))
    # 50 levels, a call that returns, then 11 more levels inside the 50th: 61 deep
    deep = "min(" * 50 + "min(a, 1), " + "min(" * 11 + "a" + ", 1)" * 11 + ")" + ", 1)" * 49
    with pytest.raises(FormulaError, match="^the formula is nested too deeply$"):
        parse(deep)
    parse("min(" * 50 + "min(a, 1), " + "min(" * 10 + "a" + ", 1)" * 10 + ")" + ", 1)" * 49)


def test_a_chain_of_operations_stops_at_200_deep():
    parse("a" + " + a" * 199)  # 200 nodes inside one another
    with pytest.raises(FormulaError) as info:
        parse("a" + " + a" * 200)
    assert info.value.message == ("the formula is nested too deeply (more than 200 "
                                  "operations inside one another)")
    assert info.value.offset == 0
    parse("a" + " * a" * 99 + " + a" * 100)  # mixed levels still count one by one
    with pytest.raises(FormulaError):
        parse("b + (" + "a" + " + a" * 199 + ")")  # the deep part is the right-hand side


@pytest.mark.parametrize("text,tree", [
    ("round(a, 0)", ["round", ["ref", "a"], 0]), ("round(a, 6)", ["round", ["ref", "a"], 6]),
    ("max(a, b)", ["max", ["ref", "a"], ["ref", "b"]])])
def test_round_digits_from_0_to_6_and_two_argument_max(text, tree):
    assert parse(text).ast == tree


@pytest.mark.parametrize("text,message,offset", [
    ("round(a, 7)", "round()'s second argument must be a whole number from 0 to 6", 9),
    ("round(a, -1)", "round()'s second argument must be a whole number from 0 to 6", 9),
    ("max(a)", "max() takes at least 2 arguments, got 1", 0),
    ("(a, b)", "expected ')' but found ','", 2),
    ("max(a b)", "expected ')' but found 'b'", 6),
])
def test_more_errors_word_for_word(text, message, offset):
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert (info.value.message, info.value.offset) == (message, offset)


def test_every_node_knows_where_it_starts():
    parsed = parse("1 + round(a, 2) * prev(s) - max(b, c) + if(d, 1, 2)")
    starts = {n[0]: parsed.offset(n) for n in walk(parsed.ast) if n[0] in
              ("round", "prev", "max", "if")}
    assert starts == {"round": 4, "prev": 18, "max": 28, "if": 40}


@pytest.mark.parametrize("text,tree", [
    (".5", ["num", 0.5]), ("a + 1.5", ["+", ["ref", "a"], ["num", 1.5]]),
    ("a<=b", ["<=", ["ref", "a"], ["ref", "b"]]), ("a>=b", [">=", ["ref", "a"], ["ref", "b"]]),
    ("_a + 1", ["+", ["ref", "_a"], ["num", 1.0]]), ("X + 1", ["+", ["ref", "X"], ["num", 1.0]]),
    ("a\t*\r\nb", ["*", ["ref", "a"], ["ref", "b"]]), ("12.", ["num", 12.0])])
def test_tokens_at_the_end_and_without_spaces(text, tree):
    assert parse(text).ast == tree


@pytest.mark.parametrize("text,message,offset", [
    ("a + .", "unexpected character '.'", 4),
    (".", "unexpected character '.'", 0),
    ("1.a", "malformed number '1.a'", 0),
    ("1.5.", "malformed number '1.5.'", 0),
    ("a <= b <= c", "comparisons cannot be chained; use if() instead", 7),
    ("a >= b == c", "comparisons cannot be chained; use if() instead", 7),
])
def test_token_errors_point_at_the_token(text, message, offset):
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert (info.value.message, info.value.offset) == (message, offset)


def test_the_longest_formula_is_2000_characters():
    assert parse("a" + " " * 1999).ast == ["ref", "a"]
    with pytest.raises(FormulaError, match="^the formula is longer than 2000 characters$"):
        parse("a" + " " * 2000)
    assert parse("a + b").text == "a + b"


def test_every_operation_knows_where_it_starts():
    parsed = parse("x + (b < c) * d / e - -f")
    starts = {(n[0], parsed.offset(n)) for n in walk(parsed.ast)}
    assert starts == {("-", 0), ("ref", 0), ("+", 0), ("<", 5), ("ref", 5), ("ref", 9),
                      ("*", 4), ("/", 4), ("ref", 14), ("ref", 18), ("neg", 22),
                      ("ref", 23)}


@pytest.mark.parametrize("one", ["min(a, 1)", "(a)", "-a"])
def test_siblings_at_one_level_never_add_up(one):
    parse(" + ".join([one] * 70))


@pytest.mark.parametrize("head,inner,opening,tail", [
    ("(" * 50, "(a) + ", "(", ")" * 50),
    ("-" * 49 + "(", "-a + ", "-", ")"),
])
def test_a_closed_level_is_given_back_exactly_once(head, inner, opening, tail):
    """50 levels, a sub-expression that opens and closes one, then 11 more: 61 deep."""
    for more, fails in ((10, False), (11, True)):
        closing = ")" * more if opening == "(" else ""
        text = head + inner + opening * more + "a" + closing + tail
        if fails:
            with pytest.raises(FormulaError, match="^the formula is nested too deeply$"):
                parse(text)
        else:
            parse(text)


def test_round_half_away_rounds_to_whole_units_by_default():
    assert (round_half_away(2.45), round_half_away(-2.5), round_half_away(0.4)) == \
        (2.0, -3.0, 0.0)
