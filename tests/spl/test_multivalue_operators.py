"""What an eval/where OPERATOR does with a multivalue operand: no Splunk page says, so it is refused.

Read in full for this (10.0): the eval command page, whose Operators section says what each operator accepts and
nothing of several values ("The < , > , <= , >= , != , = , and == operators accept two numbers or two strings.";
"The plus ( + ) operator accepts two numbers for addition, or two strings for concatenation."; "The subtraction
( - ), multiplication ( * ), division ( / ), and modulus ( % ) operators accept two numbers."; "The period ( . )
operator concatenates both strings and number."; "The AND, OR, and XOR operators accept two Boolean values."),
the where command page ("The where command uses the same expression syntax as the eval command."), Comparison
and Conditional functions and Multivalue eval functions; the Search Manual's "Evaluate and manipulate fields
with multiple values" names only functions (mvcount, mvfilter, mvindex, mvjoin...) for eval and where.

The engine used to answer anyway: ``mv == "q"`` true when any value matched (only its own docstring said so),
the right-hand side and ``.``/arithmetic/unary minus reading the first value. Each is a guess that can turn a
detection's ``where`` without a word, so a multivalue operand of any operator is refused as unsupported, naming
the operator, the operand and its field, at the operator's column (``Evaluator.single_operand``). ``IN`` and
``LIKE`` are the ``in`` and ``like`` functions and refuse one as those do (test_multivalue_arguments.py).
"""

from __future__ import annotations

import pytest

from contentpack.spl import SplUnsupportedError

from .spl_support import make_engine, rows

_BASE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/search-commands/"
EVAL_PAGE = "eval, " + _BASE + "eval"
WHERE_PAGE = "where, " + _BASE + "where"

_SETUP = '| makeresults | eval mv=split("p,q", ","), one="q", num=3'
MARK = "^"  # written just before the operator the error must point at


def _refusal(command: str, expression: str) -> tuple[SplUnsupportedError, int]:
    """The error running ``expression`` (with ``MARK`` before its operator) raises, and the operator's column."""
    text = f"{_SETUP} | {command}{expression}"
    column = text.index(MARK) + 1
    with pytest.raises(SplUnsupportedError) as raised:
        rows(make_engine(), text.replace(MARK, ""))
    return raised.value, column


@pytest.mark.parametrize(
    ("expression", "operator", "operand"),
    [
        ('mv ^= "q"', "=", "left operand, 'mv'"),  # was: true, since one value is "q"
        ('mv ^== "p"', "=", "left operand, 'mv'"),
        ('"q" ^== mv', "=", "right operand, 'mv'"),  # was: compared with the first value only
        ('one ^== mv', "=", "right operand, 'mv'"),
        ('mv ^!= "p"', "!=", "left operand, 'mv'"),  # was: true, since one value is not "p"
        ('mv ^< "q"', "<", "left operand, 'mv'"),
        ('mv ^>= "a"', ">=", "left operand, 'mv'"),
        ('mvappend("a", "b") ^== "a"', "=", "left operand"),  # a function's multivalue: no field to name
        ('mvrange(1, 3) ^> 0', ">", "left operand"),
    ],
)
def test_a_comparison_refuses_a_multivalue_operand_in_where(expression: str, operator: str, operand: str) -> None:
    """Comparison operators "accept two numbers or two strings" (EVAL_PAGE, Operators that produce booleans);
    where uses "the same expression syntax as the eval command" (WHERE_PAGE). Neither page, nor any other read,
    says which value of several a comparison reads."""
    error, column = _refusal("where ", expression)
    assert error.message.startswith(
        f"the '{operator}' operator: a multivalue operand (2 values) is not supported ({operand}): no Splunk page")
    for form in ("mvindex(<field>, 0)", "mvfind(", "mvfilter(", "mvjoin(", "mvmap("):
        assert form in error.message
    assert error.column == column


@pytest.mark.parametrize(
    ("expression", "operator", "operand"),
    [
        ('if(mv ^== "q", "y", "n")', "=", "left operand, 'mv'"),  # inside a function: still the operator's
        ("mv ^+ 1", "+", "left operand, 'mv'"),  # was: the first value plus one (null here, "p")
        ("1 ^+ mvrange(1, 3)", "+", "right operand"),  # was: 2
        ("num ^- mv", "-", "right operand, 'mv'"),
        ("mv ^* 2", "*", "left operand, 'mv'"),
        ("mv ^/ 2", "/", "left operand, 'mv'"),
        ("mv ^% 2", "%", "left operand, 'mv'"),
        ("1 + 2 ^+ mvrange(1, 3)", "+", "right operand"),  # a chain folded in a loop checks each step
        ("mvrange(1, 3) ^- 1 + 2", "-", "left operand"),
        ('mv ^. "!"', ".", "left operand, 'mv'"),  # was: "p!" (the first value's text)
        ('"to: " ^. mv', ".", "right operand, 'mv'"),
        ('"a" . "b" ^. mv', ".", "right operand, 'mv'"),
        ("^-mvrange(1, 3)", "-", "operand"),  # unary minus: was -1
    ],
)
def test_arithmetic_and_concatenation_refuse_a_multivalue_operand(expression: str, operator: str,
                                                                   operand: str) -> None:
    """Arithmetic operators accept "two numbers" (``+`` also "two strings"), and "The period ( . ) operator
    concatenates both strings and number" (EVAL_PAGE, Operators that produce numbers/strings): nothing says
    which value of several they read, so none is read."""
    error, column = _refusal("eval x=", expression)
    assert error.message.startswith(f"the '{operator}' operator: a multivalue operand (2 values) is not supported "
                                    f"({operand}):")
    assert error.column == column


@pytest.mark.parametrize(
    ("expression", "operator"),
    [
        ("^NOT mvmap(mv, mv == \"q\")", "NOT"),
        ("mvmap(mv, mv == \"q\") ^AND true()", "AND"),
        ("false() ^OR mvmap(mv, mv == \"q\")", "OR"),
        ("mvmap(mv, mv == \"q\") ^XOR true()", "XOR"),
    ],
)
def test_a_logical_operator_refuses_a_multivalue_of_booleans(expression: str, operator: str) -> None:
    """"The AND, OR, and XOR operators accept two Boolean values." (EVAL_PAGE): several Booleans are not one;
    the operator is named as the others are (before, the error called the first value a non-Boolean)."""
    error, column = _refusal("where ", expression)
    assert error.message.startswith(f"the '{operator}' operator: a multivalue operand (2 values) is not supported")
    assert error.column == column


def test_the_in_operator_refuses_a_multivalue_as_the_in_function_does() -> None:
    """``where field in("value1", ...)`` is the in function's other spelling (Comparison and Conditional functions,
    in: "The following syntax is supported: ...| where field in("value1","value2", ...)")."""
    error, column = _refusal("where ", 'mv ^IN ("q", "r")')
    assert error.message.startswith("in(): a multivalue argument (2 values) is not supported (argument 1, 'mv')")
    assert error.column == column


def test_the_forms_the_refusal_suggests_answer_as_their_pages_say() -> None:
    """Multivalue eval functions page: mvfind gives "the index of the first matching value", mvindex one value,
    mvjoin "concatenates the individual values", mvfilter "filters a multivalue field based on an arbitrary
    Boolean expression" (the operator inside sees one value at a time), mvmap applies the expression "on each
    value"."""
    [row] = rows(make_engine(), _SETUP + ' | where isnotnull(mvfind(mv, "^q$")) AND mvindex(mv, 0) == "p"'
                 ' AND mvjoin(mv, ",") == "p,q" | eval f=mvfilter(mv == "q"), m=mvmap(mv, mv . "!")')
    assert (row["f"], row["m"]) == ("q", ("p!", "q!"))


def test_single_values_and_null_read_as_before() -> None:
    """Only a multivalue is refused: one value compares, adds and concatenates as the eval page says, and a
    missing field still makes a comparison null (where keeps no row)."""
    engine = make_engine()
    [row] = rows(engine, _SETUP + ' | where one == "q" AND num > 2 | eval s=one . "!", n=num * 2 + 1, neg=-num')
    assert (row["s"], row["n"], row["neg"]) == ("q!", 7, -3)
    assert rows(engine, _SETUP + ' | where missing == "q"') == []
