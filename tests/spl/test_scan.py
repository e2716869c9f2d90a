"""The lazy file path (raw-bytes prefilter, partial decoding, parallel byte ranges) answers exactly like the
in-memory path."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import warnings
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.datagen.scale import generate_lines
from contentpack.spl import Engine, SplError, parallel
from contentpack.spl.scan import (FileSource, OffPlan, PathPlan, byte_ranges, decode_fields, flatten_needed,
                                  path_plan, scan_file)
from contentpack.spl.errors import SplEventsError
from contentpack.spl.events import LINE_TOO_LONG, MAX_LINE_BYTES, decode_json, flatten_json

from runaway_line import peak_of, runaway_file

from .spl_support import ADDON_ALIASES, ADDON_CALCULATED, SAMPLE_LOGS

NOW = 4_000_000_000.0
SEARCHES = [
    "properties.status.errorCode=65004 | rename properties.* as * | fillnull | stats count min(_time) max(_time) "
    "by dest user src vendor_account vendor_product appDisplayName status.failureReason signature",
    "* | stats count dc(user) by properties.appDisplayName properties.status.errorCode",
    "65001 OR 65004 | stats count by properties.status.errorCode category",
    'operationName="Sign-in activity" NOT resultType=0 | head 5 | table _time user resultType',
    "* | eval t=_time | rename t as when | head 3 | table when user",
    "* | where 'properties.status.errorCode'=65004 | dedup user | table user",
    "consent | stats values(properties.status.failureReason) as reasons",
    '* | where searchmatch("65004") | search [ | makeresults | eval category="SignInLogs" | return category ] '
    "| stats count by category",
    # with _raw gone a term is tried against every field value (spl.matching): the lazy path must read them all,
    # not the _raw the term asks for (it counted 0: the events were read with no other field)
    '* | fields - _raw | search "Sign-in activity" | stats count',
    '* | fields - _* | search 65004 | stats count',
    '* | eval _raw=null() | search "Sign-in activity" | stats count',
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scan") / "signins.jsonl"
    lines = list(generate_lines(2000, seed=7, consent_error_rate=0.05))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def engines(generated: Path) -> tuple[Engine, Engine, Engine]:
    """The same file registered three ways: loaded, scanned lazily, scanned by two worker processes."""
    path = generated
    memory, lazy, parallel = Engine(), Engine(), Engine()
    for engine, is_lazy in ((memory, False), (lazy, True), (parallel, True)):
        engine.register_events(path, sourcetype="azure:monitor:aad", lazy=is_lazy)
        engine.register_search_time("azure:monitor:aad", ADDON_ALIASES, ADDON_CALCULATED)
    parallel.workers = 2
    return memory, lazy, parallel


@pytest.mark.parametrize("search", SEARCHES)
def test_lazy_and_parallel_scans_match_the_in_memory_answer(engines: tuple[Engine, Engine, Engine],
                                                            search: str) -> None:
    memory, lazy, parallel = engines
    expected = memory.search(search, now=NOW)
    assert expected.rows, "the generated data must exercise the search"
    assert lazy.search(search, now=NOW).rows == expected.rows
    assert parallel.search(search, now=NOW).rows == expected.rows


def test_parallel_workers_start_the_same_way_whatever_pythons_default() -> None:
    """Fork without exec is unsafe in a process with threads (Python 3.12+ warns) and on macOS, and Python's
    default start method differs by platform and version (fork on Linux up to 3.13, forkserver from 3.14, spawn
    on macOS and Windows: multiprocessing docs, "Contexts and start methods"). The workers start from a fork
    server wherever there is one, else by spawn: one behaviour on every version of a platform."""
    expected = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    assert parallel.start_context().get_start_method() == expected
    assert parallel.START_METHOD == expected != "fork"


def test_a_parallel_scan_from_a_threaded_process_draws_no_fork_warning(
        engines: tuple[Engine, Engine, Engine]) -> None:
    """Python 3.12+ warns (DeprecationWarning, "This process ... is multi-threaded, use of fork() may lead to
    deadlocks in the child") when a process with threads forks, as pytest-xdist's workers and any threaded
    caller are: the workers must start some other way. (Python 3.11 has no such warning to draw.) Recorded, not
    turned into errors: ``os.fork`` swallows the error an "error" filter makes of it (CPython 3.12 and 3.13)."""
    memory, _, two_workers = engines
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rows = two_workers.search(SEARCHES[1], now=NOW).rows
    finally:
        release.set()
        thread.join()
    assert [str(w.message) for w in caught if "fork" in str(w.message)] == []
    assert rows == memory.search(SEARCHES[1], now=NOW).rows


def test_spawned_workers_answer_like_the_in_memory_path(engines: tuple[Engine, Engine, Engine],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """What macOS and Windows get: workers that import everything afresh and receive pickled tasks."""
    memory, _, two_workers = engines
    started: list[str] = []

    def spawn() -> multiprocessing.context.BaseContext:
        started.append("spawn")
        return multiprocessing.get_context("spawn")

    monkeypatch.setattr(parallel, "start_context", spawn)
    search = SEARCHES[1]
    assert two_workers.search(search, now=NOW).rows == memory.search(search, now=NOW).rows
    assert started == ["spawn"], "the search ran in worker processes"


def test_parallel_full_scan_uses_byte_ranges_that_cover_every_line(generated: Path) -> None:
    source = FileSource(str(generated), "s", "s")
    whole = [e["_raw"] for e in scan_file(source, needed=frozenset({"_raw"}))]
    pieces: list[object] = []
    for start, end in byte_ranges(str(generated), 3) + [(0, 0)]:
        pieces.extend(e["_raw"] for e in scan_file(source, needed=frozenset({"_raw"}), start=start, end=end))
    assert len(generated.read_bytes()) > 1 << 20, "big enough to be split"
    assert pieces == whole and len(whole) == 2000


def test_prefilter_skips_lines_without_the_tokens(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": "Hello"}\n{"a": "other"}\n')
    source = FileSource(str(path), "s", "s")
    assert [e["a"] for e in scan_file(source, needed=None, tokens=("hello",))] == ["Hello"]
    text = tmp_path / "x.log"  # a text log (no JSON object): each line an event
    text.write_text("other line\nnot json at all\n")
    assert [e["_raw"] for e in scan_file(FileSource(str(text), "s", "s"), needed=None, tokens=("json",))] == [
        "not json at all"]


def test_partial_flatten_equals_the_full_flatten_restricted() -> None:
    document = {"a": {"b": [{"c": 1}, {"c": None, "d": 2}], "e": "x", "g": {"h": True}}, "f": [1, 2]}
    full = flatten_json(document)
    for wanted in ({"a.b{}.c"}, {"f{}", "a.e"}, {"a.b{}.d", "zzz"}, {"a.g.h", "a.g", "a.b", "f", "a.e.x"}):
        needed = frozenset(wanted)
        assert flatten_needed(document, path_plan(needed)) == {
            k: v for k, v in full.items() if k in needed}


def test_a_key_holding_a_dot_gives_its_field_on_the_lazy_path_too(tmp_path: Path) -> None:
    """``{"@odata.type": ...}`` (Microsoft Graph's type key) is the field ``@odata.type``, as ``{"a": {"b.c": 1}}``
    is ``a.b.c``: the path walk looked for key ``type`` inside key ``@odata`` and the lazy scan (and backtest,
    which decodes the same way) gave no such field while the in-memory path had it."""
    path = tmp_path / "dotted.jsonl"
    path.write_text('{"time": "2026-01-01T00:00:00Z", "@odata.type": "#user", "a": {"b.c": "x"}, "d": {"e": "y"}}\n')
    answers = []
    for lazy in (False, True):
        engine = Engine()
        engine.register_events(path, sourcetype="s", lazy=lazy)
        answers.append(engine.search('* | table "@odata.type" a.b.c d.e', now=NOW).rows)
    assert answers[1] == answers[0] == [{"@odata.type": "#user", "a.b.c": "x", "d.e": "y"}]


# keys a path walk cannot tell from nesting (".", "{", "}", the empty key) beside plain ones
_KEYS = st.sampled_from(["a", "b", "a.b", "b.c", "", ".", "a{}", "{", "}", "{}", "x"])
_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["s", "1.50"])),
                     lambda inner: st.one_of(st.lists(inner, max_size=3),
                                             st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(document=st.one_of(st.dictionaries(_KEYS, _JSON, max_size=4), st.lists(_JSON, max_size=3)),
       extra=st.sets(st.sampled_from(["a.b", "a.b.c", "a{}.b", "b", ".b", "a.", "{}.a", "a{}{}", "b.c"])))
def test_decoding_needed_fields_equals_the_full_flatten_restricted(document: object, extra: set[str]) -> None:
    """Whatever the keys, the needed fields of an event are those of the full flatten (the in-memory path's):
    a name the walk cannot reach (``a.``, from an empty key) once got the value of ``a``."""
    full = flatten_json(document)
    needed = frozenset(full) | extra
    data = json.dumps(document).encode()
    for wanted in (needed, frozenset(list(needed)[::2])):
        assert decode_fields(data, path_plan(wanted)) == {k: v for k, v in full.items() if k in wanted}


REPO = Path(__file__).resolve().parents[2]


def _real_records() -> list[bytes]:
    """Every JSON line of the pack's attack data and of the tests' sample files (sign-ins, audit records)."""
    files = sorted((REPO / "attack_data").rglob("*.log")) + sorted(
        path for pattern in ("*.log", "*.jsonl") for path in (REPO / "tests").rglob(pattern))
    return [line.strip() for path in files for line in path.read_bytes().splitlines()
            if line.strip().startswith(b"{")]


_FLOAT = "\0float"


def _floats_marked(node: object) -> object:
    """An orjson-decoded value with each float replaced by a marker string (to name the fields that hold one)."""
    if isinstance(node, dict):
        return {key: _floats_marked(child) for key, child in node.items()}
    if isinstance(node, list):
        return [_floats_marked(child) for child in node]
    return _FLOAT if isinstance(node, float) else node


def test_every_field_of_every_real_record_is_the_same_on_the_fast_and_the_exact_path() -> None:
    """Each real record, asked for every one of its fields, gives what the in-memory path gives (the standard
    decoder keeping number text, then ``flatten_json``); and asked for every field that holds no float, the
    fast path itself (orjson, the path walk) answers unless a key holding a dot is on a needed path
    (``OffPlan``, e.g. ``@odata.type``). Two independent walks over thousands of real events: a fault in
    either shows as a field that differs."""
    records = _real_records()
    assert len(records) > 3000  # the attack data and the samples were found
    plans: dict[frozenset[str], PathPlan] = {}

    def plan_of(names: frozenset[str]) -> PathPlan:  # a few dozen distinct sets of names among the records
        if names not in plans:
            plans[names] = path_plan(names)
        return plans[names]

    fast = 0
    for data in records:
        exact = flatten_json(decode_json(data))
        names = frozenset(exact)
        plan = plan_of(names)
        assert decode_fields(data, plan) == exact, data[:120]
        floats = {name for name, value in flatten_json(_floats_marked(orjson.loads(data))).items()
                  if _FLOAT in (value if isinstance(value, tuple) else (value,))}
        exact_names = names - floats
        plan = plan_of(exact_names)
        try:
            got = flatten_needed(orjson.loads(data), plan, exact_floats=True)
        except OffPlan:
            continue
        fast += 1
        assert got == {name: value for name, value in exact.items() if name in exact_names}, data[:120]
    assert fast > len(records) // 2  # the fast path really answered for most records


def test_malformed_line_in_lazy_file_is_an_spl_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"a": 1}\n{"a": \n')
    engine = Engine()
    engine.register_events(path, sourcetype="s", lazy=True)
    with pytest.raises(SplError, match=r"bad\.jsonl:2:6: malformed JSON event: expecting value$"):
        engine.search("* | stats count", now=NOW)


@pytest.mark.parametrize("tokens", [(), ("65004",)], ids=["every line", "byte search"])
def test_a_huge_line_is_refused_without_reading_it_whole(tmp_path: Path, tokens: tuple[str, ...]) -> None:
    """A 64 MB text file with no newline is one bad line, as ``event_lines`` reads it. The scan once read every
    line with ``for line in handle``, so that "line" was in memory whole (and copied whole from the memory map by
    the byte search) before its length was checked; now it reads at most ``MAX_LINE_BYTES + 2`` bytes of a line
    (``events.capped_lines``; a read and the ``readline`` completing it are joined, so twice that for a moment)
    and skips the rest a block at a time. Measured with tracemalloc: the peak is bounded by the cap, under the file's size
    (it was 128 MB reading every line, 64 MB for the byte search: the whole line, twice or once)."""
    path = runaway_file(tmp_path / "runaway.log", b"65004 ")

    def scan() -> pytest.ExceptionInfo[SplEventsError]:
        with pytest.raises(SplEventsError) as refused:
            list(scan_file(FileSource(str(path), "s", "src"), needed=None, tokens=tokens))
        return refused

    refused, peak = peak_of(scan)
    assert peak < 2 * MAX_LINE_BYTES + (4 << 20) < path.stat().st_size, f"peak {peak:,} bytes"
    assert str(refused.value) == f"{path}:1: malformed JSON event: {LINE_TOO_LONG}"


def test_lazy_samples_keep_field_text(tmp_path: Path) -> None:
    engine = Engine()
    engine.register_events(SAMPLE_LOGS, sourcetype="azure:monitor:aad", lazy=True)
    row = engine.search('operationName="Sign-in activity" | table properties.location.geoCoordinates.latitude '
                        "properties.isInteractive", now=NOW).rows[0]
    assert row == {"properties.location.geoCoordinates.latitude": "20.756160123483984",
                   "properties.isInteractive": "true"}


@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_block_token_search_finds_the_same_lines_as_a_line_scan(tmp_path: Path, block: int,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The block search (used when the first search has a literal token) must see every matching line once,
    with its line number, whatever the block size and byte ranges."""
    import contentpack.spl.scan as scan

    monkeypatch.setattr(scan, "BLOCK", block)
    lines = [f'{{"n": {i}, "tag": "{"Hit" if i % 3 == 0 else "miss"}"}}' for i in range(40)] + ['{"plain": "hit line"}']
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines))  # no final newline on purpose
    source = FileSource(str(path), "s", "s")
    expected = [line for line in lines if "hit" in line.lower()]
    found = [e["_raw"] for e in scan_file(source, needed=None, tokens=("hit",))]
    assert found == expected
    size = path.stat().st_size
    split = [e["_raw"] for a, b in ((0, size // 3), (size // 3, 2 * size // 3), (2 * size // 3, size))
             for e in scan_file(source, needed=None, tokens=("HIT",), start=a, end=b)]
    assert split == expected
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": "x"}\n{"a": "y"}\n{"a": "hit" \n')
    with pytest.raises(SplError, match=r"bad\.jsonl:3:12: malformed JSON event: expecting ',' delimiter$"):
        list(scan_file(FileSource(str(bad), "s", "s"), needed=None, tokens=("hit",)))


def _counting_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the file scans made from now on (each ``scan_file`` call: the engine's and the memo's)."""
    import contentpack.spl.engine as engine_module
    import contentpack.spl.scan as scan_module

    made: list[str] = []
    original = scan_module.scan_file

    def counted(source: FileSource, **kwargs: object) -> object:
        made.append(source.path)
        return original(source, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "scan_file", counted)
    monkeypatch.setattr(engine_module, "scan_file", counted)
    return made


def test_the_same_search_over_a_lazy_file_again_and_from_a_fork_reads_it_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps({"time": f"2024-02-08T21:4{i}:00Z", "user": f"u{i}", "n": i}) + "\n"
                            for i in range(3)), encoding="utf-8")
    made = _counting_scans(monkeypatch)
    engine = Engine()
    engine.register_events(path, sourcetype="json", lazy=True)
    search = "user=u* | eval n=n+1 | table user n"
    first = engine.search(search, now=NOW)
    again = engine.search(search, now=NOW)
    fork = engine.fork((), ())
    fork.register_events(path, sourcetype="json", lazy=True)
    forked = fork.search(search, now=NOW)
    assert made == [str(path)]
    # each run changes its own copies: the second did not add 1 to the first's values
    assert first.rows == again.rows == forked.rows == [{"user": f"u{i}", "n": i + 1} for i in (2, 1, 0)]


def test_a_lazy_file_changed_between_two_searches_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"time": "2024-02-08T21:49:53Z", "a": "1"}\n', encoding="utf-8")
    os.utime(path, (1_735_689_600, 1_735_689_600))
    engine = Engine()
    engine.register_events(path, sourcetype="json", lazy=True)
    assert engine.search("* | stats count", now=NOW).rows == [{"count": 1}]
    path.write_text('{"time": "2024-02-08T21:49:53Z", "a": "1"}\n{"time": "2024-02-08T21:49:54Z", "a": "2"}\n',
                    encoding="utf-8")
    os.utime(path, (1_735_689_660, 1_735_689_660))
    assert engine.search("* | stats count", now=NOW).rows == [{"count": 2}]


def test_a_scan_read_again_from_memory_counts_the_events_without_a_time_as_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"time": "2024-02-08T21:49:53Z", "a": "1"}\n{"a": "2"}\n{"b": "3"}\n', encoding="utf-8")
    engine = Engine()
    engine.register_events(path, sourcetype="json", lazy=True)
    counts = [[(u.path, u.count) for u in engine.search("* | table a", now=NOW).tallies] for _ in range(2)]
    assert counts == [[(str(path), 2)], [(str(path), 2)]]


def test_a_scan_of_more_events_than_the_memo_keeps_is_made_again(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from contentpack.spl.scan import ScanMemo

    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps({"time": f"2024-02-08T21:4{i}:00Z", "n": i}) + "\n" for i in range(3)),
                    encoding="utf-8")
    monkeypatch.setattr(ScanMemo, "SCAN_LIMIT", 2)  # the file's three events are one too many to keep
    made = _counting_scans(monkeypatch)
    engine = Engine()
    engine.register_events(path, sourcetype="json", lazy=True)
    assert [engine.search("* | stats count", now=NOW).rows for _ in range(2)] == [[{"count": 3}]] * 2
    assert made == [str(path)] * 2
