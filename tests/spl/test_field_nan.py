"""A field holding the text ``NaN`` is a number (a NaN) and a string at once; the literal ``"NaN"`` is only a
string; a numeric NaN prints ``NaN``. Each test names its source; ``assumed`` where no page says it.

Pages (Splunk Enterprise 10.0 Search Reference): INFORMATIONAL, isnum and isstr, "Using isnum in searches with
NaN": "When a field contains a "NaN" string, the "NaN" behaves as both a string and a number. However, when a
"NaN" value is present as a literal string in an evaluator expression, it is considered a string, not a
number", and "if the same value is stored as "NaN" in a field, it is parsed as a numeric type". The eval
command page's (.../10.0/search-commands/eval) Numeric calculations section: "During calculations, numbers are treated as double-precision
floating-point numbers, subject to all the usual behaviors of floating point numbers" -- it also says a NaN "is
represented as "nan" in your results", which the Informational page's example output (``numval | NaN``)
contradicts; the engine follows the example (assumed, see ``values.format_number``).
"""

from __future__ import annotations

import json
import math

import pytest

from contentpack.cli import main
from contentpack.spl import SplError
from contentpack.spl.values import to_str

from .spl_support import make_engine, rows
from .test_eval_documented_examples import INFORMATIONAL

PAGE_SETUP = '| makeresults | eval strval="NaN", numval=strval % 1 | fields - _time'


def _row(search: str) -> dict[str, object]:
    [row] = rows(make_engine(), search)
    return row


@pytest.mark.parametrize("function", ["isnum", "isstr"])
def test_the_pages_nan_example(function: str) -> None:
    """INFORMATIONAL, the isnum example (less ``| transpose``, which the engine does not run): literalIsNumeric
    false, literalNanIsNumeric false, numval NaN, numvalIsNumeric true, strval NaN, strvalIsNumeric true; the
    isstr twin: literalIsStr, literalNanIsStr, numvalIsStr and strvalIsStr all true ("each isstr test
    identifies "NaN" as a string, regardless of whether the "NaN" is a string or numeric value")."""
    row = _row(f'{PAGE_SETUP} | eval literal=if({function}("anystring"), "true", "false")'
               f' | eval literalNan=if({function}("NaN"), "true", "false")'
               f' | eval numvalIs=if({function}(numval), "true", "false")'
               f' | eval strvalIs=if({function}(strval), "true", "false")')
    numval = row["numval"]
    assert isinstance(numval, float) and math.isnan(numval)  # strval % 1: a numeric NaN, not null
    shown = {name: to_str(value) for name, value in row.items()}  # type: ignore[arg-type]
    if function == "isnum":
        assert shown == {"strval": "NaN", "numval": "NaN", "literal": "false", "literalNan": "false",
                         "numvalIs": "true", "strvalIs": "true"}
    else:
        assert shown == {"strval": "NaN", "numval": "NaN", "literal": "true", "literalNan": "true",
                         "numvalIs": "true", "strvalIs": "true"}


def test_the_pages_reliable_nan_test_finds_the_numeric_nan() -> None:
    """INFORMATIONAL: "A reliable test for NaN ... ``if(isnum(numval), match(numval,"NaN"), false)``", which for
    ``numval=strval % 1`` "returns isnan is True" -- so a numeric NaN's text is ``NaN``. Run in ``where``: the
    page's own ``eval isnan=`` stores match's Boolean, which eval refuses ("The result of an eval expression
    cannot be a Boolean", eval command page)."""
    assert len(rows(make_engine(), f'{PAGE_SETUP} | where isnum(numval) AND match(numval, "NaN")')) == 1


@pytest.mark.parametrize(("expression", "expected"), [
    ("strval % 1", "NaN"),
    ("strval + 1", "NaN"),
    ("strval * 0", "NaN"),
    ("-strval", "NaN"),
    ("abs(strval)", "NaN"),
    ('"NaN" % 1', None),  # the literal is a string, not a number: arithmetic on it is null
    ('"NaN" + 1', None),
    ('strval . "!"', "NaN!"),  # concatenation reads it as the string it also is
])
def test_arithmetic_on_a_field_holding_nan_gives_nan(expression: str, expected: str | None) -> None:
    """INFORMATIONAL (its example's ``numval=strval % 1`` is NaN; the literal "is considered a string, not a
    number") and the eval page's Numeric calculations ("subject to all the usual behaviors of floating point
    numbers": a NaN operand gives a NaN)."""
    row = _row(f'| makeresults | eval strval="NaN" | eval x={expression}')
    assert to_str(row.get("x")) == expected  # type: ignore[arg-type]


@pytest.mark.assumed
@pytest.mark.parametrize("spelling", ["nan", "NAN", "nAn", " NaN", "NaN ", "+NaN", "-NaN"])
def test_only_the_pages_spelling_reads_as_a_number(spelling: str) -> None:
    """The page shows only ``NaN``; other spellings stay strings (assumed): not a number, no arithmetic."""
    row = _row(f'| makeresults | eval s="{spelling}" | eval n=if(isnum(s), "y", "n"), x=s % 1, t=typeof(s)')
    assert (row["n"], row.get("x"), row["t"]) == ("n", None, "String")


@pytest.mark.assumed
@pytest.mark.parametrize(("expression", "expected"), [
    ('typeof(strval)', "Number"),  # a number first: arithmetic reads it
    ('typeof(numval)', "Number"),
    ('if(isint(strval), "y", "n")', "n"),
    ('if(isint(numval), "y", "n")', "n"),
    ('tonumber(strval)', None),  # tonumber keeps to the conversion page's digits
])
def test_what_else_a_nan_field_is(expression: str, expected: str | None) -> None:
    """No page says how typeof, isint or tonumber see a NaN (assumed): typeof says Number, a NaN is no
    integer, and tonumber reads digits only."""
    row = _row(f"{PAGE_SETUP} | eval x={expression}")
    assert row.get("x") == expected


@pytest.mark.assumed
@pytest.mark.parametrize(("condition", "kept"), [
    ('strval == "NaN"', True),  # the texts are equal
    ("strval == numval", True),
    ("numval == numval", True),
    ("strval == 5", False),  # a NaN equals no number (IEEE: every comparison with it is false)
    ("numval == 5", False),
    ("numval != 5", True),
    ("numval < 5", False),  # compared as text: "NaN" > "5"
    ("numval > 5", True),
    ("numval == 0", False),
])
def test_comparisons_with_a_nan_compare_its_text(condition: str, kept: bool) -> None:
    """A NaN is ordered with no number, so a comparison meeting one compares the texts (assumed: the page says
    a field's "NaN" "behaves as both a string and a number"; none says how it compares). Without this, the
    three-way comparison would call a NaN equal to every number."""
    assert len(rows(make_engine(), f"{PAGE_SETUP} | where {condition}")) == int(kept)


@pytest.mark.assumed
def test_search_command_field_values_compare_a_nan_as_text() -> None:
    """``search`` field comparisons follow the same rule (assumed): ``n=5`` does not match a NaN."""
    engine = make_engine()
    assert len(rows(engine, f"{PAGE_SETUP} | search numval=5")) == 0
    assert len(rows(engine, f"{PAGE_SETUP} | search strval=NaN")) == 1
    assert len(rows(engine, f"{PAGE_SETUP} | search numval>5")) == 1


VALUES = '| makeresults count=5 | streamstats count AS i | eval n=case(i==1, 3, i==2, 1e400-1e400, i==3, 1, ' \
         'i==4, "abc", i==5, 2)'
FIELD_VALUES = '| makeresults count=4 | streamstats count AS i | eval n=case(i==1, "NaN", i==2, 3, i==3, "NaN", ' \
               'i==4, 1)'


@pytest.mark.assumed
@pytest.mark.parametrize(("order", "expected"), [
    ("sort n", ["1", "2", "3", "NaN", "abc"]),
    ("sort - n", ["abc", "NaN", "3", "2", "1"]),
    ("sort num(n)", ["1", "2", "3", "NaN", "abc"]),
    ("sort str(n)", ["1", "2", "3", "NaN", "abc"]),
])
def test_sort_places_a_nan_among_the_strings_by_its_text(order: str, expected: list[str]) -> None:
    """No page says where a NaN sorts (assumed): it is ordered with no number, so it sorts among the strings
    by its text ``NaN``; treated as a number it would make the order depend on the input order."""
    found = [to_str(row["n"]) for row in rows(make_engine(), f"{VALUES} | {order} | fields n")]
    assert found == expected


@pytest.mark.assumed
@pytest.mark.parametrize("values", [VALUES, FIELD_VALUES], ids=["computed", "field"])
def test_stats_leaves_a_nan_out_of_its_arithmetic(values: str) -> None:
    """No page says what stats does with a NaN (assumed): sum, avg, min, max and range read the other numbers
    (a NaN added in would make every total NaN); count, dc and values count it as the value it is."""
    row = _row(f"{values} | stats sum(n) AS s avg(n) AS a min(n) AS lo max(n) AS hi range(n) AS r count(n) AS c "
               "dc(n) AS d")
    if values == VALUES:
        assert (row["s"], row["a"], row["lo"], row["hi"], row["r"], row["c"], row["d"]) == (6, 2, 1, 3, 2, 5, 5)
    else:
        assert (row["s"], row["a"], row["lo"], row["hi"], row["r"], row["c"], row["d"]) == (4, 2, 1, 3, 2, 4, 3)


@pytest.mark.assumed
def test_stats_of_nan_alone() -> None:
    """Only NaNs (assumed): no number to add, so sum and avg are null; min and max give the NaN, as they give
    a string when a field holds no number."""
    row = _row('| makeresults count=2 | eval n="NaN" | stats sum(n) AS s avg(n) AS a max(n) AS hi count(n) AS c')
    assert (row.get("s"), row.get("a"), to_str(row["hi"]), row["c"]) == (None, None, "NaN", 2)  # type: ignore[arg-type]


@pytest.mark.assumed
def test_stats_groups_a_nan_after_the_numbers() -> None:
    """Group order (assumed): numbers in numeric order, then the NaN among the strings."""
    found = [to_str(row["n"]) for row in rows(make_engine(), f"{VALUES} | stats count BY n")]
    assert found == ["1", "2", "3", "NaN", "abc"]


def test_json_output_of_a_nan_is_valid_json(capsys: pytest.CaptureFixture[str]) -> None:
    """INFORMATIONAL's example prints ``numval`` as ``NaN``; JSON has no NaN, so the text is written (a bare
    ``NaN`` would not be JSON a reader takes)."""
    status = main(["search", "--no-pack", f"{PAGE_SETUP} | table strval numval", "--format", "json"])
    out = capsys.readouterr().out
    assert status == 0
    assert json.loads(out, parse_constant=lambda name: pytest.fail(f"not JSON: {name}")) == [
        {"strval": "NaN", "numval": "NaN"}]



@pytest.mark.assumed
@pytest.mark.parametrize(("search", "message"), [
    ('| makeresults | eval n="NaN" | bin n span=10', "bin: n='NaN' has no bin: it is not a finite number"),
    ('| makeresults | eval _time="NaN" | timechart span=1d count', "timechart: _time=NaN has no bin"),
])
def test_a_field_holding_nan_has_no_bin_as_a_computed_nan_has_none(search: str, message: str) -> None:
    """Being a number, a field's ``NaN`` meets the rule for a computed NaN (``test_extreme_numbers``): no page
    says which bin holds a NaN, so the search stops with the command's words rather than bin it as text."""
    with pytest.raises(SplError) as caught:
        rows(make_engine(), search)
    assert message in str(caught.value)
