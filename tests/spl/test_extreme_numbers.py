"""Extreme numbers (infinities, NaN, -0.0, 1e308, past the largest double, 10**400) in every eval function,
operator and numeric command option end in a result or in the engine's own words at a column, never in
Python's ("OverflowError: cannot convert float infinity to integer", "int too large to convert to float") nor
a traceback.

Splunk calculates in doubles ("During calculations, numbers are treated as double-precision floating-point
numbers", eval command usage, SPL2 search reference; assumed the same for SPL1), so a number past the largest
double reads as an infinity, as ``1e400`` does.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from contentpack.cli import main
from contentpack.spl import Engine, SplError
from contentpack.spl.functions import function_names, get_function

from .spl_support import NOW

HUGE = "1" + "0" * 400  # past the largest double
EXTREMES = ("1e308", "1e400", "-1e400", "(1e308*10)", "((1e308*10)-(1e308*10))", "-0.0", HUGE, f"-{HUGE}",
            '"inf"', '"nan"', '"NaN"', '"1e400"', f'"{HUGE}"', "9223372036854775808")

# Python's wording, never the engine's: exception names and the phrases of float/int/datetime conversions.
PYTHON_WORDING = re.compile(
    r"OverflowError|ValueError|TypeError|ZeroDivisionError|Traceback|cannot convert float|to convert to float|"
    r"too large for a float|integer string conversion|year \d+ is out of range|math domain error|"
    r"unsupported operand|object has no attribute|invalid literal for", re.IGNORECASE)


def _function_searches() -> list[str]:
    """Each eval function with each extreme in each argument position (other arguments small numbers), as a
    literal and through a field."""
    searches = []
    for name in function_names():
        spec = get_function(name)
        assert spec is not None
        most = spec.min_args + 1 if spec.max_args is None else spec.max_args
        for count in range(max(spec.min_args, 1), min(most, 3) + 1):
            for position in range(count):
                for extreme in EXTREMES:
                    args = [str(index + 1) for index in range(count)]
                    args[position] = "v"
                    searches.append(f"| makeresults | eval v={extreme} | eval x={name}({', '.join(args)})")
    return searches


def _operator_searches() -> list[str]:
    return [f"| makeresults | eval a={a}, b={b} | eval x=a {op} b | where a {op} b OR true()"
            for op in ("+", "-", "*", "/", "%", "<", "=") for a in EXTREMES for b in ("1", "0", "1e400", HUGE)]


COMMANDS = (
    "| makeresults | eval n={v} | bin n span=10", "| makeresults | eval n=5 | bin n span={v}",
    "| makeresults | eval n={v} | bin n span={v}", "| makeresults | eval _time={v} | bin _time span=1h",
    "| makeresults | eval _time={v} | bin _time span=1mon", "| makeresults | bin _time span={v}mon",
    "| makeresults | bin _time span={v}s", "| makeresults | eval _time={v} | timechart span=1d count",
    "| makeresults | eval _time={v} | timechart count", "| makeresults | timechart span={v}mon count",
    "| makeresults | head {v}", "| makeresults | head limit={v}", "| makeresults | tail {v}",
    "| makeresults count=3 | eval n={v} | stats perc99(n) median(n) avg(n) sum(n) stdev(n) var(n) range(n) "
    "min(n) max(n) mode(n) dc(n) exactperc99(n) upperperc99(n) sumsq(n)",
    "| makeresults count=3 | eval n={v} | eventstats avg(n) sum(n) perc90(n)",
    "| makeresults count=3 | eval n={v} | streamstats avg(n) sum(n)", "| makeresults | streamstats window={v} count",
    "| makeresults | eval n={v} | sort num(n)", "| makeresults | eval n={v} | sort {v} n",
    "| makeresults | eval n={v} | top limit={v} n", "| makeresults | eval n={v} | convert ctime(n)",
    "| makeresults | eval n={v} | convert timeformat=\"%Y\" ctime(n)", "| makeresults | transaction maxspan={v}",
    "| makeresults | transaction maxevents={v}", "| makeresults | eval n={v} | mvexpand limit={v} n",
    "| makeresults | eval n={v} | format maxresults={v}", "| makeresults count={v}",
    "| makeresults | eval x=relative_time(now(), \"-{v}d\")", "| makeresults | eval x=strptime(\"{v}\", \"%s\")",
    "search earliest=-{v}d",
)
OPTION_VALUES = ("1e308", "1e400", "inf", "nan", "NaN", "-0.0", HUGE, "9223372036854775808", "1e20", "1e18")


def _command_searches() -> list[str]:
    return [template.replace("{v}", value) for template in COMMANDS for value in OPTION_VALUES]


def _outcome(search: str) -> str | None:
    """The engine's error message, ``None`` for results; anything but an SplError fails the test."""
    try:
        Engine().search(search, now=NOW)
    except SplError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("family", [_function_searches, _operator_searches, _command_searches],
                         ids=["functions", "operators", "commands"])
def test_extreme_numbers_never_answer_in_python_words(family: object) -> None:
    assert callable(family)
    worded = {}
    for search in family():
        message = _outcome(search)
        if message is not None and PYTHON_WORDING.search(message):
            worded[search[:120]] = message
    assert not worded, worded


def _value(search: str, field: str = "x") -> object:
    rows = Engine().search(search, now=NOW).rows
    return rows[0].get(field)


def test_an_integer_past_the_largest_double_reads_as_an_infinity() -> None:
    assert _value(f"| makeresults | eval x={HUGE} * 2") == math.inf
    assert _value(f"| makeresults | eval x=tonumber(\"-{HUGE}\") + 0.5") == -math.inf
    assert _value(f"| makeresults | eval x={'9' * 200} * {'9' * 200}") == math.inf  # integers multiplied past it
    assert _value(f"| makeresults | eval x=ceil({HUGE})") is None  # as ceil(1e400): no whole number
    assert _value("| makeresults | eval x=9223372036854775807 + 1") == 9223372036854775808  # exact below it
    assert _value(f"| makeresults | eval x=1{'0' * 5000} / 10") == math.inf  # past Python's 4,300 digits too


@pytest.mark.parametrize(("search", "message"), [
    ("| makeresults | eval n=1e400 | bin n span=10",
     "bin: n=inf has no bin: it is not a finite number, or too large for the span (command 'bin', column 32)"),
    ("| makeresults | eval _time=1e20 | bin _time span=1mon",
     "bin: _time=100000000000000000000 has no bin: the time 1e+20 is outside the supported calendar (years 1 to "
     "9999) (command 'bin', column 35)"),
    ("| makeresults | eval _time=-1e400 | timechart count",
     "timechart: _time=-inf has no bin: it is not a finite number, or too large for the span "
     "(command 'timechart', column 37)"),
    ("| makeresults | bin _time span=9223372036854775808mon",
     "bin: invalid span '9223372036854775808mon': the span is longer than the supported calendar (9999 years)"),
    (f"| makeresults | bin _time span={HUGE}", "the span is too long"),
    ("| makeresults | eval n=1e400 | convert ctime(n)",
     "convert: ctime(n): the time inf is outside the supported calendar (years 1 to 9999) "
     "(command 'convert', column 32)"),
    (f"| makeresults | eval x=strftime({HUGE}, \"%Y\")",
     "strftime(): the time inf is outside the supported calendar (years 1 to 9999)"),
])
def test_a_number_no_command_can_hold_is_named_at_its_column(search: str, message: str) -> None:
    outcome = _outcome(search)
    assert outcome is not None and message in outcome, outcome


def test_strptime_of_an_epoch_past_the_largest_double_is_null() -> None:
    assert _value(f"| makeresults | eval x=strptime(\"{HUGE}\", \"%s\")") is None


def test_json_output_writes_infinities_and_nan_as_their_text(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON has no infinity or NaN: Python's ``Infinity``/``NaN`` would make the output unreadable to jq. The
    texts: ``inf``/``-inf`` as the eval page's Numeric calculations says; a NaN as ``NaN``, as the Informational
    functions page's isnum example prints ``numval`` (that section says "nan"; the pages disagree, see
    ``values.format_number``)."""
    status = main(["search", "--no-pack", "| makeresults | eval a=1e400, b=-1e400, c=a-a, d=mvappend(a, 1) "
                   "| table a b c d", "--format", "json"])
    out = capsys.readouterr().out
    assert status == 0
    assert json.loads(out, parse_constant=lambda name: pytest.fail(f"not JSON: {name}")) == [
        {"a": "inf", "b": "-inf", "c": "NaN", "d": ["inf", "1"]}]


@pytest.mark.parametrize("search", [
    f"| makeresults | eval x=1{'0' * 5000}", "| makeresults | eval n=1e400-1e400 | bin n span=10",
    f"| makeresults | eval _time={HUGE} | timechart span=1d count",
])
def test_the_command_line_answers_extreme_numbers_without_a_traceback(
        search: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["search", "--no-pack", search])
    captured = capsys.readouterr()
    assert status in (0, 1), captured
    assert not PYTHON_WORDING.search(captured.err) and "internal error" not in captured.err, captured.err
