"""A lazily registered file's events are sorted newest first after the search's leading per-event commands ran on
them (``Engine._events``, ``_presorted``): a ``* | where ...`` over a tenant's gigabytes of logs holds the events it
keeps, not every event. An optimisation: every answer (rows, field order, messages, errors) must be the plain run's,
so the equivalence tests compare against the engine with no command run before the sort."""

from __future__ import annotations

import json
import tempfile
import tracemalloc
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contentpack.spl.engine as engine_module
from contentpack.cli import main
from contentpack.spl import Engine, SplError
from contentpack.spl.scan import ScanMemo

from .spl_support import NOW


def outcome(engine: Engine, text: str) -> tuple[str, Any]:
    """What a caller sees: rows, field order, messages and untimed tallies, or the error (kind, message, column,
    command)."""
    try:
        results = engine.search(text, now=NOW)
    except SplError as exc:
        return "error", (type(exc).__name__, exc.message, exc.offset, exc.command)
    return "rows", (results.rows, results.fields, results.messages, results.tallies)


def plain(engine: Engine, text: str) -> tuple[str, Any]:
    """``outcome`` with no command run before the sort (the engine as it was)."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(engine_module, "_presorted", lambda rest: 0)
        return outcome(engine, text)


def file_engine(path: Path) -> Engine:
    engine = Engine()
    engine.register_events(path, sourcetype="azure:monitor:aad", lazy=True)
    return engine


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sign-in records as ``contentpack generate-data --events`` writes them (oldest first, a few failures)."""
    path = tmp_path_factory.mktemp("tenant") / "tenant.log"
    assert main(["generate-data", "--events", "3000", "--out", str(path), "--no-progress"]) == 0
    return path


@pytest.fixture
def no_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """No scan kept in memory, as none of a file larger than ``ScanMemo.SCAN_LIMIT`` events is (a tenant's logs)."""
    monkeypatch.setattr(ScanMemo, "SCAN_LIMIT", 0)


SEARCHES = [
    '* | where resultType!="0"',
    '* | where resultType!="0" | head 5',
    '* | where resultType!="0" | tail 4',
    '* | search operationName="Sign-in activity" | eval n=len(identity) | where n>12 | table _time identity n',
    '* | eval _time=_time+if(resultType="0", 0, 86400) | table _time identity resultType',  # sorted by the old time
    '* | eval t=now(), who=upper(identity) | fields who t resultType | dedup who',
    '* | where like(identity, "A%") | streamstats count by identity | table _time identity count',
    '* | rename identity as who | where resultType="50126" | stats count by who',
    '* | where resultType!="0" | stats list(identity) as ids first(callerIpAddress) as ip by resultType',
    '* | where resultType!="0" | sort 0 identity | table identity resultType',
    '* | fields - _raw | where resultType="65001" | tail 3',
    '* | eval x=mvappend(identity, resultType) | mvexpand x | head 7',  # several outputs per event
    '* | where resultType!="0" | eval x=mvappend(identity, resultType) | mvexpand x | dedup x | head 9',
    '* | where resultType!="0" | eval n=tonumber(resultType) | where n>60000 | dedup resultType | head 2',
    '* | table _time identity resultType',
    '* | where resultType!="0" | eventstats count by identity | where count>1 | table identity count',
    '* | where resultType="nothing"',
    'resultType!=0 | rex field=identity "^(?<first>\\S+)" | dedup first | table first',
    # an event late in the file fails the eval; the plain run meets it only past the newest, or not at all
    '* | where resultType!="X" | eval x=mvrange(0, if(resultType="0", 1, 1e9)) | head 1',
    '* | where resultType!="0" | eval x=mvrange(0, 1e9)',
    '* | search [search resultType="65001" | head 1 | fields identity] | table identity',  # a subsearch: not moved
    '* | where resultType!="0" | eval w=strftime(_time, "%H") | bin _time span=1h | stats count by _time w',
]


@pytest.mark.parametrize("text", SEARCHES)
def test_the_search_answers_as_the_plain_run(tenant: Path, text: str) -> None:
    assert outcome(file_engine(tenant), text) == plain(file_engine(tenant), text)


@pytest.mark.parametrize("text", SEARCHES)
def test_the_search_answers_as_over_events_held_in_memory(tenant: Path, text: str) -> None:
    """The events held in memory (newest first at registration, never sorted by a search) give the same answer."""
    memory = Engine()
    memory.register_events(tenant, sourcetype="azure:monitor:aad")
    found, expected = outcome(file_engine(tenant), text), outcome(memory, text)
    if found[0] == "rows":  # the tally of events without a time is counted at registration for events in memory
        found = ("rows", found[1][:3])
        expected = ("rows", expected[1][:3])
    assert found == expected


TIMES = st.sampled_from(["2025-01-01T00:00:01Z", "2025-01-01T00:00:01Z", "2025-01-01T00:00:02Z",
                         "2025-01-01T00:00:03.5Z", "not a time", None])
VALUE = st.sampled_from([None, "x", "y", "1", "2", "10", "", ["x", "y"]])
EVENTS = st.lists(st.fixed_dictionaries({"time": TIMES, "a": VALUE, "b": VALUE}), max_size=12)
PER_EVENT = st.sampled_from(['where a="x"', "where b>1", "search a=x", "search b=1*", "where isnull(b)",
                             "eval c=a.b", "eval _time=_time-10", "eval n=mvcount(a)", "rename a as b",
                             "fields a _time", "table _time a", "mvexpand a", "fillnull value=0 a",
                             "eval d=tonumber(b)*2", "where d>2", "makemv delim=\"1\" b"])
TAILS = st.sampled_from(["", " | head 2", " | tail 2", " | dedup a", " | streamstats count as k",
                         " | stats list(a) as l by b", " | sort b", " | eventstats count by a", " | table a b c",
                         " | head 1 | eval z=1", " | stats count by a"])


def write(path: Path, events: Sequence[Mapping[str, object]]) -> None:
    path.write_text("".join(json.dumps({k: v for k, v in e.items() if v is not None}) + "\n" for e in events),
                    encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(EVENTS, st.lists(PER_EVENT, min_size=1, max_size=3), TAILS)
def test_any_per_event_commands_answer_as_the_plain_run(events: list[dict[str, object]], commands: list[str],
                                                        tail: str) -> None:
    """Ties in time (kept in file order), events without a time, several outputs per event, a changed ``_time``
    and failing commands: rows and errors are the plain run's."""
    text = "* | " + " | ".join(commands) + tail
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.log"
        write(path, events)
        assert outcome(file_engine(path), text) == plain(file_engine(path), text)


def peak_bytes(engine: Engine, text: str) -> tuple[int, int]:
    """The most memory (traced Python allocations) a search held, and how many rows it returned."""
    tracemalloc.start()
    try:
        rows = len(engine.search(text, now=NOW).rows)
        return tracemalloc.get_traced_memory()[1], rows
    finally:
        tracemalloc.stop()


def padded(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps({"time": f"2025-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z", "n": str(i),
                                        "pad": "x" * 2000}) + "\n" for i in range(count)), encoding="utf-8")
    return path


def test_a_filter_before_the_sort_holds_only_the_events_it_keeps(tmp_path: Path, no_memo: None) -> None:
    """``* | where`` keeping one event of 3,000 holds far less than ``*`` (which holds them all, to sort them); it
    held as much before (each event was held to be sorted before ``where`` ran)."""
    path = padded(tmp_path / "events.log", 3000)
    everything, rows = peak_bytes(file_engine(path), "*")
    assert rows == 3000
    kept, rows = peak_bytes(file_engine(path), '* | where n="7"')
    assert rows == 1
    assert kept < everything / 3


def test_the_newest_n_after_a_filter_are_all_that_is_held(tmp_path: Path, no_memo: None) -> None:
    """``where`` keeping every event, then ``head 2``: only the two newest outputs are held, not every one."""
    path = padded(tmp_path / "events.log", 3000)
    everything, _ = peak_bytes(file_engine(path), "* | where n!=\"x\"")
    newest, rows = peak_bytes(file_engine(path), "* | where n!=\"x\" | head 2")
    assert rows == 2
    assert newest < everything / 3


def test_the_read_and_the_sort_are_held_to_the_search_budget(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--max-search-seconds`` bounds reading the file for the sort too: it stops as the search's commands do,
    with the budget's error at the first search's column. Before, ``* | head 1`` read (and ranked) every event past its
    budget, and only ``head`` said so."""
    path = padded(tmp_path / "events.log", 500)
    status = main(["search", "* | head 1", "--no-pack", "--events", str(path), "--now", "1800000000",
                   "--max-search-seconds", "1e-9"])
    assert status == 1
    assert capsys.readouterr().err == (
        "<search>:1:1: error[RP003]: the search ran longer than its budget of 1e-09 s (raise Limits.search_seconds / "
        "--max-search-seconds)\ncontentpack search: the search stopped at this problem, with no results\n")


def test_the_read_for_the_sort_stops_at_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   no_memo: None) -> None:
    """The budget's error comes as the read passes the deadline, not after every event was read."""
    path = padded(tmp_path / "events.log", 500)
    engine = file_engine(path)
    engine.limits = engine_module.Limits(search_seconds=1e-9)
    read: list[int] = []
    scan = engine_module.ScanMemo.scan

    def counted(self: ScanMemo, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for event in scan(self, *args, **kwargs):
            read.append(1)
            yield event

    monkeypatch.setattr(engine_module.ScanMemo, "scan", counted)
    with pytest.raises(SplError, match="ran longer than its budget"):
        engine.search('* | sort n', now=NOW)
    assert 0 < len(read) < 500
