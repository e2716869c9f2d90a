"""Bounded work: every limit ends the search with its own error naming the command and column.

No test measures time: each sets a limit small enough that the limit's error is certain, and asserts on
that error (the issue's backtracking reproducers among them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.spl import Engine, Limits, SplError, SplRuntimeError, SplSyntaxError
from contentpack.spl import regex as regex_module
from contentpack.spl.messages import JobMessage
from contentpack.spl.values import Event

from .spl_support import NOW, azure_sample_engine, event, make_engine, rows


def _engine(limits: Limits, events: list[Event] | None = None) -> Engine:
    engine = make_engine(events or [event(NOW - i, x="e" * 5000) for i in range(3)])
    engine.limits = limits
    return engine


def test_wildcard_value_reproducer_is_linear_and_right() -> None:
    """The issue's `search _raw=*e*e*e*e*zzz` (minutes of backtracking on 16 events before): `*`-only
    patterns are matched by a leftmost-first scan, with no regex and nothing to bound. It must still answer
    right: no sample event ends in zzz, and the pattern without zzz matches every event."""
    engine = azure_sample_engine()
    engine.limits = Limits(regex_seconds=0.001)
    assert engine.search("search _raw=*e*e*e*e*e*e*e*e*zzz", now=NOW).rows == []
    assert len(engine.search("search _raw=*e*e*e*e*", now=NOW).rows) == 16
    assert len(engine.search('search operationName="consent*APP*"', now=NOW).rows) == 1


def test_like_reproducer_is_linear_and_a_like_with_underscores_is_bounded() -> None:
    """The issue's `where like(_raw, "%e%e%e%zzz")`: a `%`-only LIKE is matched by a linear scan (it answers
    at once, even with a regex budget nothing could meet); a LIKE with `_` runs as a regex and stops at the
    regex budget with an error naming the function, the command and its column."""
    engine = _engine(Limits(regex_seconds=1e-6))
    assert rows(engine, '* | where like(x, "%e%e%e%e%e%e%e%e%e%e%zzz")') == []
    assert len(rows(engine, '* | where like(x, "e%e")')) == 3
    engine = _engine(Limits(regex_seconds=0.02))
    with pytest.raises(SplRuntimeError) as caught:
        engine.search('* | where like(x, "%e_%e_%e_%e_%e_%e_%e_%e_%zzz")', now=NOW)
    error = caught.value
    assert "took longer than the regex budget of 0.02 s" in error.message and "like()" in error.message
    assert (error.command, error.column) == ("where", 11)


@pytest.mark.parametrize("search, command, column", [
    ('* | where match(x, "^(e|ee)+$zzz")', "where", 11),
    ('* | rex field=x "(?<y>(e|ee)+$zzz)"', "rex", 5),
    ('* | regex x="(e|ee)+$zzz"', "regex", 5),
    ('* | eval y=replace(x, "(e|ee)+$zzz", "")', "eval", 12),
])
def test_every_regex_user_is_bounded(search: str, command: str, column: int) -> None:
    engine = _engine(Limits(regex_seconds=0.02))
    with pytest.raises(SplRuntimeError, match="regex budget") as caught:
        engine.search(search, now=NOW)
    assert (caught.value.command, caught.value.column) == (command, column)


class _Exhausting:
    """A compiled pattern whose every match fails as the ``regex`` engine's match of ``(?R)`` on "a" does, after
    growing to about 600 MB in 2 s (too heavy to run here): MemoryError."""

    def __init__(self, real: object) -> None:
        self._real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    def search(self, *args: object, **kwargs: object) -> object:
        raise MemoryError

    match = fullmatch = finditer = sub = search


@pytest.mark.parametrize("search, command, column", [
    ('* | rex field=x "(?<y>(?R))"', "rex", 5),
    ('* | where match(x, "(?R)")', "where", 11),
])
def test_a_regex_that_exhausts_memory_is_an_error_at_its_command(monkeypatch: pytest.MonkeyPatch, search: str,
                                                                 command: str, column: int) -> None:
    """Before: "the search cannot be run on these events: a value is past what this command can compute" at
    column 1 (``search --no-pack '| makeresults | eval x="a" | rex field=x "(?<y>(?R))"'``), which names
    neither the pattern nor the command."""
    real = regex_module._compile
    monkeypatch.setattr(regex_module, "_compile", lambda pattern: _Exhausting(real(pattern)))
    with pytest.raises(SplRuntimeError, match=r"regular expression '[^']*' ran out of memory on one value") as caught:
        _engine(Limits()).search(search, now=NOW)
    assert (caught.value.command, caught.value.column) == (command, column)


_DIGITS = "9" * 5000  # past Python's 4,300-digit limit on reading an integer (sys.get_int_max_str_digits)


@pytest.mark.parametrize("search, command, column", [
    (f"| makeresults count={_DIGITS}", "makeresults", 21),
    (f"| makeresults | head {_DIGITS}", "head", 22),
    (f"| makeresults | tail {_DIGITS}", "tail", 22),
    (f"| makeresults | sort {_DIGITS} _time", "sort", 22),
    (f"| makeresults | top limit={_DIGITS} _time", "top", 27),
    (f"| makeresults | dedup {_DIGITS} _time", "dedup", 23),
    (f"| makeresults | streamstats window={_DIGITS} count", "streamstats", 36),
    (f'| makeresults | rex field=_time max_match={_DIGITS} "(?<y>.)"', "rex", 43),
    (f'| makeresults | rex field=_time mode=sed "s/1/2/{_DIGITS}"', "rex", 42),
])
def test_a_count_of_thousands_of_digits_is_an_error_at_it(search: str, command: str, column: int) -> None:
    """Before: "internal error: ValueError: Exceeds the limit (4300 digits) for integer string conversion"
    (``search --no-pack '| makeresults | head 999...'`` with 5,000 nines), exit 2. The error does not repeat the
    number; a 20-digit count is still read (head keeps every row)."""
    engine = _engine(Limits())
    with pytest.raises(SplSyntaxError) as caught:
        engine.search(search, now=NOW)
    error = caught.value
    assert error.message == f"{command}: a number of 5,000 digits, more than the 4,300 this engine reads"
    assert (error.command, error.column) == (command, column)
    assert len(rows(engine, "| makeresults count=2 | head 99999999999999999999")) == 2


def test_makeresults_rows_are_capped() -> None:
    engine = _engine(Limits(max_generated_rows=10))
    assert len(rows(engine, "| makeresults count=10")) == 10
    with pytest.raises(SplRuntimeError) as caught:
        rows(engine, "| makeresults count=11")
    assert "11 rows exceed the limit of 10 generated rows" in caught.value.message
    assert (caught.value.command, caught.value.column) == ("makeresults", 3)


def test_mvrange_is_capped_never_shortened() -> None:
    """mvrange used to stop at 10,000 values without a word; now it returns the whole range or fails."""
    assert len(rows(Engine(), "| makeresults | eval r=mvrange(0, 20000)")[0]["r"]) == 20000
    engine = _engine(Limits(max_mv_values=100))
    with pytest.raises(SplRuntimeError) as caught:
        rows(engine, "| makeresults | eval r=mvrange(0, 101)")
    assert "mvrange" in caught.value.message and "limit of 100 values" in caught.value.message
    assert (caught.value.command, caught.value.column) == ("eval", 24)
    with pytest.raises(SplRuntimeError, match="limit of 100 values"):
        rows(engine, '| makeresults | eval s=split("' + "a," * 150 + '", ",")')


def test_wall_clock_budget_ends_the_search_with_its_error() -> None:
    """A budget already spent when the first events arrive: the deadline check (every few events) stops the
    search with the budget's error, naming the command whose events were flowing."""
    engine = _engine(Limits(search_seconds=1e-9), [event(NOW - i, n=i) for i in range(200)])
    with pytest.raises(SplRuntimeError) as caught:
        rows(engine, "* | eval m=n*2 | stats count")
    assert "ran longer than its budget" in caught.value.message
    assert caught.value.command in ("search", "eval")


def test_negative_limits_are_refused() -> None:
    with pytest.raises(SplError, match="must not be negative"):
        Limits(max_mv_values=-1)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_limits_that_are_no_number_are_refused(value: float, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, ``--max-regex-seconds inf`` stopped every regex at once ("took longer than the regex budget of inf
    s"), and ``nan`` turned the budget off as no value says: 0 is the spelling of no limit."""
    with pytest.raises(SplError, match=f"^limit search_seconds must be a finite number, not {value} \\(0 is no"):
        Limits(search_seconds=value)
    with pytest.raises(SplError, match=f"^limit regex_seconds must be a finite number, not {value} \\(0 is no"):
        Limits(regex_seconds=value)
    status = main(["search", "| makeresults", "--no-pack", "--max-regex-seconds", str(value)])
    assert status == 2 and f"limit regex_seconds must be a finite number, not {value}" in capsys.readouterr().err


def test_cli_limit_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = tmp_path / "e.jsonl"
    events.write_text('{"time": 1}\n', encoding="utf-8")
    status = main(["search", "| makeresults count=6", "--no-pack", "--events", str(events), "--max-generated-rows", "5"])
    err = capsys.readouterr().err
    assert status == 1 and err.startswith("<search>:1:3: error[RP003]: ") and "6 rows exceed the limit of 5 generated rows" in err
    status = main(["search", "| makeresults | eval r=mvrange(0,3)", "--no-pack", "--events", str(events), "--max-mv-values",
                   "2", "--format", "json"])
    assert status == 1 and "limit of 2 values" in capsys.readouterr().out  # --format json: validate's document
    status = main(["search", "| makeresults count=6", "--no-pack", "--events", str(events), "--max-regex-seconds", "-1"])
    assert status == 2 and "must not be negative" in capsys.readouterr().err


# Splunk truncates what a subsearch returns, silently but for a message: a search relying on more rows finds fewer.
# The message is the job's (``spl.messages``), worded as Splunk's job messages word it: "[subsearch]: Subsearch
# produced N results, truncating to maxout M." (``assumed``: the documentation gives the limits, not the words).
def _truncated(produced: int, maxout: int) -> tuple[JobMessage, ...]:
    return (JobMessage("warn", f"[subsearch]: Subsearch produced {produced} results, truncating to maxout {maxout}."),)


def _ids(count: int) -> str:
    return f"| makeresults | eval id=mvrange(1, {count + 1}) | mvexpand id"


def test_a_subsearch_in_a_search_returns_at_most_10000_results() -> None:
    """Search Manual, "About subsearches": by default a subsearch returns at most 10,000 results (limits.conf
    [subsearch] maxout); its first 10,000 become the search text, so only those ids match, and the job says
    how many the subsearch produced."""
    engine = make_engine([])
    found = engine.search(f"{_ids(10_005)} | search [{_ids(10_005)} | fields id] | stats count max(id) as last",
                          now=NOW)
    assert found.rows == [{"count": 10_000, "last": 10_000}]
    assert found.messages == _truncated(10_005, 10_000)


def test_append_takes_at_most_50000_rows_of_its_subsearch() -> None:
    """Search Reference, append: maxout, the most result rows the subsearch outputs, defaults to 50000."""
    engine = make_engine([])
    found = engine.search("| makeresults count=2 | eval side=\"main\" "
                          "| append [| makeresults count=50003 | eval side=\"appended\"] | stats count by side",
                          now=NOW)
    assert sorted((row["side"], row["count"]) for row in found.rows) == [("appended", 50_000), ("main", 2)]
    assert found.messages == _truncated(50_003, 50_000)


def test_join_reads_at_most_50000_rows_of_its_subsearch() -> None:
    """limits.conf.spec, [join] subsearch_maxout (default 50000): the 50,001st row of the subsearch is never
    joined."""
    engine = make_engine([])
    found = engine.search("| makeresults | eval id=split(\"1,50001\", \",\") | mvexpand id | join id "
                          f"[{_ids(50_001)} | eval joined=\"yes\"] | table id joined", now=NOW)
    assert found.rows == [{"id": 1, "joined": "yes"}]
    assert found.messages == _truncated(50_001, 50_000)


@pytest.mark.parametrize("search", [
    f"{_ids(3)} | search [{_ids(10_000)} | fields id] | stats count",
    f"| makeresults | append [{_ids(50_000)}] | stats count",
    f"{_ids(3)} | join id [{_ids(50_000)}] | stats count",
])
def test_a_subsearch_within_its_maxout_says_nothing(search: str) -> None:
    """Nothing is cut when a subsearch returns maxout results or fewer, so the job has no message (``assumed``:
    Splunk's message speaks of truncating, which does not happen)."""
    found = make_engine([]).search(search, now=NOW)
    assert found.rows and found.messages == ()


def test_a_nested_subsearch_cut_reaches_the_outer_search() -> None:
    """Search Manual, "About subsearches": Splunk "processes the subsearch first as a distinct search job";
    that its messages show with the search holding it, however deep, is ``assumed``. One cut deep inside is
    reported once, with the outer rows."""
    engine = make_engine([])
    found = engine.search(f"| makeresults | append [{_ids(3)} | search [{_ids(10_001)} | fields id]] | stats count",
                          now=NOW)
    assert found.rows == [{"count": 4}]
    assert found.messages == _truncated(10_001, 10_000)


def test_timechart_continuous_bins_are_capped_never_shortened() -> None:
    """timechart cont=true filled empty bins up to 100,000 without a word, dropping every later bin, data
    included; its bins now count against the generated-rows limit, which fails loudly (as makeresults)."""
    events = [event(NOW - 100, x="a"), event(NOW, x="b")]
    search = "* | timechart span=1s cont=true count"
    assert len(rows(_engine(Limits(max_generated_rows=200), events), search)) == 101
    with pytest.raises(SplRuntimeError) as caught:
        rows(_engine(Limits(max_generated_rows=100), events), search)
    assert "101 rows exceed the limit of 100 generated rows" in caught.value.message
    assert (caught.value.command, caught.value.column) == ("timechart", 5)


@pytest.mark.parametrize(("search", "column"), [
    (f'| makeresults | eval t=relative_time(now(), "-{_DIGITS}d")', 24),
    (f'| makeresults | eval t=relative_time(now(), "+{_DIGITS}s@d")', 24),
    (f"| makeresults | search earliest=-{_DIGITS}h", 24),
])
def test_a_time_offset_of_thousands_of_digits_is_an_error_in_our_words(search: str, column: int) -> None:
    """Before: "relative_time(): Exceeds the limit (4300 digits) for integer string conversion: ... use
    sys.set_int_max_str_digits() to increase the limit" (Python's words); ``earliest=`` quoted all 5,000 nines. The
    modifier is elided in the message, at the command's column; a 20-digit offset still reaches the calendar check."""
    with pytest.raises(SplRuntimeError) as caught:
        rows(_engine(Limits()), search)
    error = caught.value
    assert "an offset of 5,000 digits puts the result outside the supported calendar" in error.message
    assert "(5,00" in error.message and len(error.message) < 200
    assert error.column == column
    with pytest.raises(SplRuntimeError, match="the result is outside the supported calendar"):
        rows(_engine(Limits()), f'| makeresults | eval t=relative_time(now(), "-{"9" * 20}d")')
