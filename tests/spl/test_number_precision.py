"""What Splunk prints for a calculation with fractions: products keep the significant figures of their least
precise fractional operand unless wrapped in exact(); the engine answers only the products those figures cannot
change, and refuses the rest naming exact(). Each test quotes its source."""

from __future__ import annotations

import pytest

from contentpack.spl import SplUnsupportedError
from contentpack.spl.values import format_number

from .spl_support import NOW, event, make_engine, rows

MATH_PAGE = ("https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/"
             "mathematical-functions")
BAD_MATH = "https://wiki.splunk.com/Community:BadMath"
IDELTA = "https://idelta.co.uk/getting-it-right-with-splunk/"
THREAD = "https://community.splunk.com/t5/Splunk-Search/eval-inconsistent-math-result/td-p/91888"
EVAL_USAGE = "https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/eval-command/eval-command-usage"


def _row(expressions: str) -> dict[str, object]:
    [row] = rows(make_engine(), f"| makeresults | eval {expressions} | fields - _time")
    return row


@pytest.mark.parametrize("expression", ["3 * 0.5", "0.014 * 0.23", "0.5 * 0.5", "0.1 * 3", "a * 0.5", "0.5 * b"])
def test_a_product_its_figures_would_round_is_refused_naming_exact(expression: str) -> None:
    """BAD_MATH: Splunk shows ``3 * 0.5`` as 2 ("significant digits will matter during otherwise normal
    multiplication by decimals"); IDELTA shows ``0.014 * 0.23`` as 0.0032, two figures. The full products (1.5,
    0.00322, 0.25, 0.30000000000000004) have more figures than an operand, and no page states the rounding, so the
    engine refuses rather than print a number Splunk does not (it used to print 1.5). Field text counts its
    figures as written (``a`` is ``"3"``, ``b`` is ``"0.50"``: two figures, and 0.5*0.50 = 0.25 still has two,
    but ``0.5`` itself has one)."""
    engine = make_engine([event(NOW - 1, a="3", b="0.50")])
    with pytest.raises(SplUnsupportedError, match=r"'\*' operator.*significant figures.*exact\(\)"):
        rows(engine, f"* | eval x={expression}")


def test_a_product_its_figures_cannot_change_is_answered() -> None:
    """A product with no more significant figures than each fractional operand prints the same under any rounding:
    ``100 * 0.08`` = 8 (THREAD: with the integer 100 a score came out 101, so an integer does not cut the figures),
    ``4 * 0.25`` = 1, ``1.5 * 2`` = 3, ``0.50 * 0.50`` as field text (two figures each) = 0.25, a fractional
    ``_time`` times 1000; integers multiply exactly as before (``12 * 12`` = 144)."""
    assert _row("a=100 * 0.08, b=4 * 0.25, c=1.5 * 2, d=12 * 12") == {"a": 8.0, "b": 1.0, "c": 3.0, "d": 144}
    engine = make_engine([event(NOW - 1, h="0.50", t="1767225600.5")])
    assert rows(engine, "* | eval q=h * h, ms=t * 1000 | table q ms") == [{"q": 0.25, "ms": 1767225600500.0}]


def test_exact_gives_the_full_precision_product() -> None:
    """MATH_PAGE, exact: "renders the result of a numeric expression with a larger amount of precision in the
    formatted output"; BAD_MATH: wrapping ``a * c`` (3 * 0.5) in exact() gives the real product, 1.5. Nested
    products, and products inside a function inside exact(), are full precision too; outside it the rule is back."""
    assert _row("x=exact(3 * 0.5), y=exact(0.014 * 0.23), z=exact(round(3 * 0.5 * 3, 2))") == {
        "x": 1.5, "y": 0.00322, "z": 4.5}
    with pytest.raises(SplUnsupportedError, match=r"'\*' operator on 3 and 0.5"):
        _row("x=exact(1) + 3 * 0.5")


@pytest.mark.assumed
def test_exact_prints_the_shortest_text_of_the_double() -> None:
    """Assumed: MATH_PAGE gives exact() no output example; its full-precision result prints as any number does,
    the shortest text that reads back as the same double (``exact(0.1 * 3)`` is 0.30000000000000004)."""
    [row] = rows(make_engine(), "| makeresults | eval x=exact(0.1 * 3) | fields - _time")
    assert format_number(row["x"]) == "0.30000000000000004"


@pytest.mark.assumed
def test_a_sum_prints_the_shortest_text_of_the_double() -> None:
    """Assumed: EVAL_USAGE, Numeric calculations: "During calculations, numbers are treated as double-precision
    floating-point numbers, subject to all the usual behaviors of floating point numbers". The sources above show
    rounding only for products (BAD_MATH: 3 / 2 shows 1.5, unrounded), and none shows a sum's digits, so
    ``0.1 + 0.2`` prints the double it is, in the shortest text that reads back as it: 0.30000000000000004."""
    [row] = rows(make_engine(), "| makeresults | eval x=0.1 + 0.2, y=3 / 2 | fields - _time")
    assert (format_number(row["x"]), format_number(row["y"])) == ("0.30000000000000004", "1.5")


@pytest.mark.parametrize("search", ["* | eval n=1, half=round(a / n * 0.5, 1)",
                                    "* | eval n=2, pct=a * (0.5 + 1), r=a % -2",
                                    "* | eval r=-7 % 3"])
def test_a_refused_product_or_remainder_is_placed_at_its_operator(search: str) -> None:
    """A refused calculation names its operator's column, as ``XOR`` on a non-Boolean does, not the eval's: in
    ``eval n=1, half=round(a / n * 0.5, 1)`` the user is told which ``*`` to wrap in exact() (the error once stood
    at ``eval``, column 5, for every product and remainder of the command); a folded chain (``a / n * 0.5``) and a
    single operator alike."""
    engine = make_engine([event(NOW - 1, a="3")])
    with pytest.raises(SplUnsupportedError, match=r"^the '[*%]' operator") as refused:
        rows(engine, search)
    operator = "*" if "'*'" in refused.value.message else "%"
    assert refused.value.offset == search.index(f" {operator} ") + 1
