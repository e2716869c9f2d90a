"""What an eval function does with a multivalue argument: what its page says, else a loud refusal.

The 10.0 Search Reference pages, read in full for this (Comparison and Conditional, Text, Mathematical,
Conversion, Multivalue eval functions), say what a multivalue gives only for: the Multivalue eval functions'
``<mv>`` arguments and ``mvappend``'s values, ``max``/``min``, and ``lower``/``upper``; the Text page says
``len``, ``substr``, ``trim``..., ``replace``, ``spath``, ``urldecode`` are "not supported on multivalue
fields". Every other function's page is silent, and the engine used to read the first value (``match(mv, "q")``
false while ``mv == "q"`` is true): a guess that can turn a detection's ``where`` without a word. So a
multivalue in any argument no page says takes one is refused, naming the function and the argument, at the
function's column (``FunctionSpec.multivalue``, ``coerce.multivalue_refused``).
"""

from __future__ import annotations

import pytest

from contentpack.spl import SplUnsupportedError
from contentpack.spl.functions import function_names, get_function

from .spl_support import make_engine, rows

_BASE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/"
MULTIVALUE_PAGE = "Multivalue eval functions, " + _BASE + "multivalue-eval-functions"
TEXT_PAGE = "Text functions, " + _BASE + "text-functions"
COMPARISON_PAGE = "Comparison and Conditional functions, " + _BASE + "comparison-and-conditional-functions"

# Every argument a page says takes a multivalue whole, with the page's words ("every": all arguments). A function
# declaring one more must come with its page's sentence here.
DOCUMENTED: dict[str, tuple[tuple[int, ...] | str, str]] = {
    "mvappend": ("every", MULTIVALUE_PAGE + ': "The values can be strings, multivalue fields, or single value fields."'),
    "mvcount": ((0,), MULTIVALUE_PAGE + ': "If the field is a multivalue field, this function returns the number of '
                "values in that field.\""),
    "mvdedup": ((0,), MULTIVALUE_PAGE + ': "This function takes a multivalue field and returns a multivalue field with '
                "its duplicate values removed.\""),
    "mvfind": ((0,), MULTIVALUE_PAGE + ': "This function tries to find a value in the multivalue field that matches the '
               "regular expression.\""),
    "mvindex": ((0,), MULTIVALUE_PAGE + ': "The <mv> argument must be a multivalue field."'),
    "mvjoin": ((0,), MULTIVALUE_PAGE + ': "This function takes two arguments, a multivalue field and a string '
               "delimiter.\""),
    "mvsort": ((0,), MULTIVALUE_PAGE + ': "This function uses a multivalue field and returns a multivalue field with the '
               "values sorted lexicographically.\""),
    "mvzip": ((0, 1), MULTIVALUE_PAGE + ': "This function combines the values in two multivalue fields."'),
    "max": ("every", MULTIVALUE_PAGE + ': "You can also use the statistical eval functions, max and min, on multivalue '
            "fields.\""),
    "min": ("every", MULTIVALUE_PAGE + ': "You can also use the statistical eval functions, max and min, on multivalue '
            "fields.\""),
    "lower": ((0,), TEXT_PAGE + ': "You can use this function on multivalue fields."'),
    "upper": ((0,), TEXT_PAGE + ': "You can use this function on multivalue fields."'),
    "isnull": ((0,), COMPARISON_PAGE + ', null(): "The evaluation engine uses NULL to represent "no value"" (a '
               "multivalue holds values)"),
    "isnotnull": ((0,), COMPARISON_PAGE + ', null(): "The evaluation engine uses NULL to represent "no value""'),
    "typeof": ((0,), "assumed: Multivalue (test_functions_conditional.test_typeof_multivalue)"),
    "tostring": ((0,), "assumed: value by value, no format (test_functions_conversion.test_tostring_edges)"),
}


def test_only_the_documented_arguments_take_a_multivalue() -> None:
    """The registry's multivalue declarations are exactly the table above, each with its page's words: a new
    declaration without a source fails here."""
    declared = {}
    for name in function_names():
        spec = get_function(name)
        assert spec is not None
        if not spec.lazy and spec.multivalue:
            declared[name] = spec.multivalue
    assert declared == {name: indexes for name, (indexes, _) in DOCUMENTED.items()}


def _search(expression: str, command: str = "eval x=") -> str:
    return f'| makeresults | eval mv=split("p,q", ","), one="q" | {command}{expression}'


@pytest.mark.parametrize(
    ("expression", "argument"),
    [
        ('match(mv, "q")', "argument 1, 'mv'"),  # the audit's case: the first value "p" gave false
        ('match("q", mv)', "argument 2, 'mv'"),
        ('like(mv, "q%")', "argument 1, 'mv'"),
        ('searchmatch(mv)', "argument 1, 'mv'"),
        ('nullif(mv, "p")', "argument 1, 'mv'"),
        ('in(mv, "q")', "argument 1, 'mv'"),  # was: any value (no page says)
        ('in(one, mv)', "argument 2, 'mv'"),
        ('cidrmatch("10.0.0.0/8", mvappend("192.0.2.1", "10.1.1.1"))', "argument 2"),  # was: any value
        ('ipmask("255.0.0.0", mvappend("10.1.1.1", "10.2.2.2"))', "argument 2"),  # was: each value
        ("abs(mv)", "argument 1, 'mv'"),
        ("round(1.25, mvrange(1, 3))", "argument 2"),
        ("tonumber(mv)", "argument 1, 'mv'"),
        ('tostring(mvrange(1, 3), "hex")', "argument 1"),  # the assumed value-by-value reading has no format
        ('printf("%s", mv)', "argument 2, 'mv'"),
        ("md5(mv)", "argument 1, 'mv'"),
        ('strftime(mvrange(1, 3), "%Y")', "argument 1"),
        ("isnum(mv)", "argument 1, 'mv'"),  # was: false
        ("isarray(mv)", "argument 1, 'mv'"),
        ('json_extract(mv, "a")', "argument 1, 'mv'"),
        ("mvindex(mv, mvrange(0, 2))", "argument 2"),
        ("mvjoin(mv, mv)", "argument 2, 'mv'"),
        ("sin(mvrange(1, 3))", "argument 1"),
    ],
)
def test_a_multivalue_no_page_speaks_of_is_refused(expression: str, argument: str) -> None:
    """No page says what these functions do with a multivalue (the pages above, read in full): refused as
    unsupported, naming the function and the argument, at the function's column, with how to say which value
    is meant. Neither the first value (the engine's old reading) nor any value is a documented answer."""
    text = _search(expression)
    name = expression.split("(")[0]
    with pytest.raises(SplUnsupportedError) as raised:
        rows(make_engine(), text)
    error = raised.value
    assert error.message.startswith(f"{name}(): a multivalue argument (2 values) is not supported ({argument}):")
    assert "mvindex(<field>, 0)" in error.message and "mvfind" in error.message and "mvmap" in error.message
    assert error.column == text.index(expression) + 1


def test_the_like_operator_refuses_a_multivalue_as_like_does() -> None:
    """``where <str> LIKE <pattern>`` is the page's other spelling of ``like(<str>, <pattern>)`` (Comparison
    and Conditional functions, like: "The following syntax is supported: ... | where <str> LIKE <pattern>")."""
    text = _search('mv LIKE "q%"', command="where ")
    with pytest.raises(SplUnsupportedError, match=r"^LIKE: a multivalue argument \(2 values\) is not supported "
                                                  r"\(argument 1, 'mv'\)"):
        rows(make_engine(), text)


def test_the_unambiguous_forms_the_refusal_suggests_answer() -> None:
    """Each form the message names says which value is meant, and answers as its page says: ``mvfind`` "the
    index of the first matching value", ``mvfilter`` the values its predicate keeps, ``mvindex`` one value,
    ``mvmap`` the expression "on each value" (Multivalue eval functions page)."""
    [row] = rows(make_engine(), _search(
        'if(isnotnull(mvfind(mv, "q")), "y", "n"), f=mvfilter(match(mv, "q")), first=if(match(mvindex(mv, 0), "q"), '
        '"y", "n"), each=mvmap(mv, if(match(mv, "q"), "y", "n"))'))
    assert (row["x"], row["f"], row["first"], row["each"]) == ("y", "q", "n", ("n", "y"))


def test_a_single_value_or_null_still_reads_as_before() -> None:
    """The guard looks only at multivalues: one value and null reach the function as they did."""
    [row] = rows(make_engine(), _search('if(match(one, "q"), "y", "n"), n=abs(missing), '
                                        'c=if(cidrmatch("10.0.0.0/8", "10.1.1.1"), "y", "n")'))
    assert (row["x"], row.get("n"), row["c"]) == ("y", None, "y")


@pytest.mark.parametrize(("expression", "expected"), [("isnull(mv)", "n"), ("isnotnull(mv)", "y")])
def test_a_multivalue_is_not_null(expression: str, expected: str) -> None:
    """null(), Comparison and Conditional functions page: "The evaluation engine uses NULL to represent "no
    value""; a multivalue holds values, so ``isnull`` is false and ``isnotnull`` true."""
    [row] = rows(make_engine(), _search(f'if({expression}, "y", "n")'))
    assert row["x"] == expected
