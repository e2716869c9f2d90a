"""A search prepared once over its events (``Engine.prepare``) answers every run exactly as running the whole
search over that run's events does (``search_prepared`` vs ``search_pipeline``), and only the commands that
cannot depend on the run are prepared: a scheduled simulation relies on both to skip per-event work without
changing a single row."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from contentpack.spl import Engine, SplError
from contentpack.spl.functions import time as time_functions
from contentpack.spl.functions import _FAMILIES
from contentpack.spl.functions.time import RUN_TIME_FUNCTIONS
from contentpack.spl.prepared import run_independent_prefix
from contentpack.spl.values import Event

BASE = 1_700_000_000.0
EVENTS: list[Event] = [
    {"_time": BASE - i * 1800, "sourcetype": "st", "user": f"U{i % 4}", "code": str(65004 if i % 3 else 0),
     "props.app": f"app{i % 2}", "scopes": ("Mail.Read", "Files.Read") if i % 5 == 0 else "User.Read",
     "_raw": f"user=U{i % 4} scope=s{i % 3}"}
    for i in range(40)
]  # newest first, as a fork is given them

LOOKUP = "app,publisher\napp0,Contoso\n"

SEARCHES = [
    # the shape of the pack's hourly v2 detections: per-event commands, then eventstats/where/stats
    'search sourcetype=st (code=65004 OR code=0) | rename props.* as * | eval user=lower(user), '
    'declined=if(code="65004", user, null()) | fillnull value="unknown" dest | eventstats dc(declined) as decliners '
    'by app | where code="0" | lookup publishers app OUTPUT publisher | where isnull(publisher) '
    '| stats count min(_time) as first values(user) as user by app decliners dest',
    # rex, mvexpand (several outputs per event) and a where that drops events
    'search sourcetype=st | rex field=_raw "scope=(?<scope>\\w+)" | mvexpand scopes | where scope!="s1" '
    '| stats count by scopes scope',
    # now() ends the prepared part: the rest runs at each run with that run's time
    'search sourcetype=st | eval user=lower(user) | eval age=now() - _time | where age < 7200 | stats count by user',
    # a subsearch after the prepared part searches the run's events, not the prepared outputs
    'search sourcetype=st | eval user=lower(user), src="main" | append [search sourcetype=st user=U1 | eval src="sub"] '
    '| stats count by user src',
    # a search with a search-time calculated field and a second search command
    'search sourcetype=st | search user=U1 OR user=U2 | eval x=upper(flag) | table _time user x flag',
]


def _engine(tmp_path: Path) -> Engine:
    engine = Engine()
    csv = tmp_path / "publishers.csv"
    csv.write_text(LOOKUP, encoding="utf-8")
    engine.register_lookup("publishers", csv)
    engine.register_search_time("st", [("user", "account")], [("flag", 'if(code="0", "granted", "declined")')])
    return engine


@pytest.mark.parametrize("search", SEARCHES)
def test_each_run_answers_as_the_whole_search_does(tmp_path: Path, search: str) -> None:
    engine = _engine(tmp_path)
    pipeline = engine.parse(search)
    before = [dict(e) for e in EVENTS]
    prepared = engine.prepare(pipeline, EVENTS)
    assert prepared is not None and prepared.done > 0
    snapshot = [[dict(o) for o in out] for out in prepared.outputs]
    for run in range(0, 24, 3):  # overlapping windows, as hourly runs over a longer lookback
        now = BASE - run * 3600
        window = [(i, e) for i, e in enumerate(EVENTS) if now - 8 * 3600 <= e["_time"] < now]  # type: ignore[operator]
        whole = engine.fork([e for _, e in window], []).search_pipeline(
            pipeline, earliest=now - 8 * 3600, latest=now, now=now)
        outputs = [out for i, _ in window for out in prepared.outputs[i]]
        again = engine.fork([e for _, e in window], []).search_prepared(
            prepared, outputs, earliest=now - 8 * 3600, latest=now, now=now)
        assert (again.rows, again.fields) == (whole.rows, whole.fields)
    # neither the given events nor the prepared outputs shared by the runs were changed by a run
    assert EVENTS == before and [[dict(o) for o in out] for out in prepared.outputs] == snapshot


def test_only_commands_that_cannot_read_the_run_are_prepared() -> None:
    engine = Engine()
    counts = {
        "search a=1 | rename b as c | eval d=lower(c) | where d!=\"x\" | stats count": 3,
        "search a=1 | eval d=lower(c), t=now() | stats count": 0,  # now() inside a later assignment
        "search a=1 | eval d=if(isnull(c), time(), 0) | stats count": 0,  # inside a lazy function's branch
        "search a=1 | eval d=1 | search earliest=-1h b=2 | stats count": 1,  # a time modifier: the run's time
        "search a=1 | eval d=1 | search [| makeresults | eval b=2 | return b] | stats count": 1,  # a subsearch
        "search a=1 | fillnull value=0 | eval d=1": 0,  # fillnull without fields sees every result first
        "search a=1 | eventstats count | eval d=1": 0,  # not per event
        "search a=1 | head 3 | eval d=1": 0,
    }
    for search, done in counts.items():
        assert run_independent_prefix(engine.parse(search).commands[1:]) == done, search


def test_a_prepared_part_that_moves_time_or_fails_is_left_to_each_run(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    # a run selects events by their original _time: a prepared _time change (or removal) would change that
    assert engine.prepare(engine.parse("search sourcetype=st | eval _time=_time + 60 | stats count"), EVENTS) is None
    assert engine.prepare(engine.parse("search sourcetype=st | fields - _time | stats count"), EVENTS) is None
    # where on a non-Boolean fails on the events it meets: each run must report it, not the preparation
    failing = engine.parse('search sourcetype=st | where if(user="U3", "text", true()) | stats count')
    assert engine.prepare(failing, EVENTS) is None
    with pytest.raises(SplError, match="Boolean"):
        engine.fork(EVENTS, []).search_pipeline(failing, now=BASE)
    # a pipeline not starting with a plain search has nothing to prepare
    assert engine.prepare(engine.parse("| makeresults | eval x=1"), EVENTS) is None
    assert engine.prepare(engine.parse("search earliest=-1d sourcetype=st | eval x=1"), EVENTS) is None


def test_every_function_reading_the_run_time_is_listed() -> None:
    """``RUN_TIME_FUNCTIONS`` must name every eval function whose implementation reads ``ctx.now``: one left out
    would be prepared once and give every run the first value."""
    readers = set()
    for family in _FAMILIES:
        tree = ast.parse(inspect.getsource(family))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            reads_now = any(isinstance(n, ast.Attribute) and n.attr == "now" for n in ast.walk(node))
            names = [d.args[0].value for d in node.decorator_list if isinstance(d, ast.Call) and d.args
                     and isinstance(d.args[0], ast.Constant)]
            if reads_now:
                assert names, f"{family.__name__}.{node.name} reads ctx.now outside a registered function"
                readers.update(names)
    assert readers == RUN_TIME_FUNCTIONS and time_functions.RUN_TIME_FUNCTIONS is RUN_TIME_FUNCTIONS


RISK_SEARCHES = [
    # the shape of the pack's correlation search: per-event search/eval/lookup/where, then stats over the window
    '| from datamodel Risk.All_Risk | search analyticstories="Story" threat_object_type="service" '
    '| eval app=lower(mvindex(threat_object, mvfind(threat_object_type, "^service$"))), user=lower(risk_object) '
    '| lookup publishers app OUTPUT publisher | where isnull(publisher) '
    '| stats sum(risk_score) as score values(source) as source min(_time) as first by app user',
    # mvexpand gives several outputs per risk event; now() ends the prepared part
    '| from datamodel Risk.All_Risk | mvexpand threat_object_type | eval age=now() - _time | where age < 7200 '
    '| table _time risk_object threat_object_type age',
    # a subsearch after the prepared part reads the risk index of the run
    '| from datamodel Risk.All_Risk | eval src="main" | append [| from datamodel Risk.All_Risk | head 1 '
    '| eval src="sub"] | stats count by src risk_object',
]


def _risk_event(i: int) -> Event:
    # written in run order, so not newest first by _time; every fourth has the _time of the one before (ties
    # keep the order written) and one has a text _time (outside every window, as for ``from datamodel``)
    when: float | str = BASE - (i // 4) * 900 - min(i % 4, 2) * 60
    if i == 7:
        when = "yesterday"
    return {"_time": when, "_indextime": BASE + i, "risk_object": f"U{i % 3}", "risk_score": 10 + i,
            "source": f"rule{i % 2}", "analyticstories": "Story", "threat_object": (f"app{i % 2}", "10.0.0.1"),
            "threat_object_type": ("service", "ip_address") if i % 5 else "service"}


@pytest.mark.parametrize("search", RISK_SEARCHES)
def test_a_risk_index_growing_between_runs_is_prepared_once_per_risk_event(tmp_path: Path, search: str) -> None:
    """Risk events are written between runs: each is prepared once (``Prepared.extended``) and every run answers
    as the whole search over the risk events it sees does, in the order the engine takes them (newest first,
    same _time in the order written)."""
    engine = _engine(tmp_path)
    pipeline = engine.parse(search)
    prepared = engine.prepare(pipeline, [])
    assert prepared is not None and prepared.done > 0 and prepared.outputs == ()
    written: list[Event] = []
    answered = 0
    for run in range(12):
        batch = [_risk_event(len(written) + k) for k in range(run % 3 + 1)]
        written.extend(batch)
        more = engine.prepare(pipeline, batch)
        assert more is not None
        prepared = prepared.extended(more)
        assert len(prepared.outputs) == len(written)
        now = BASE + 1800
        for earliest in (BASE - 3 * 3600, BASE - 1200, None):
            order = sorted(range(len(written)), key=lambda i: -t if isinstance(t := written[i]["_time"], float)
                           else 0.0)
            risk = [written[i] for i in order]
            whole = engine.fork([], risk).search_pipeline(pipeline, earliest=earliest, latest=now, now=now)
            outputs = [out for i in order for out in prepared.outputs[i]]
            again = engine.fork([], risk).search_prepared(prepared, outputs, earliest=earliest, latest=now, now=now)
            assert (again.rows, again.fields) == (whole.rows, whole.fields)
            answered += bool(whole.rows)
    assert answered > 12  # the comparisons are not all over empty answers


def test_a_risk_search_prepares_nothing_when_no_command_after_from_qualifies(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    assert engine.prepare(engine.parse("| from datamodel Risk.All_Risk | stats count"), []) is None
    assert engine.prepare(engine.parse("| from datamodel Risk.All_Risk | eval t=now()"), []) is None
    # a prepared part that moves _time or fails on a risk event: each run must meet it
    moves = engine.parse("| from datamodel Risk.All_Risk | eval _time=_time + 1 | stats count")
    assert engine.prepare(moves, [_risk_event(0)]) is None
    fails = engine.parse('| from datamodel Risk.All_Risk | where if(risk_score > 10, "x", true()) | stats count')
    assert engine.prepare(fails, [_risk_event(0)]) is not None and engine.prepare(fails, [_risk_event(2)]) is None


def test_a_prepared_run_reports_its_subsearch_cut_as_the_whole_search_does(tmp_path: Path) -> None:
    """The commands left to each run may hold a subsearch; when it is cut at its maxout (append's 50,000,
    Search Reference, append), the run's job message is the one the whole search gives: a scheduled run must
    not lose what an interactive search says."""
    engine = _engine(tmp_path)
    pipeline = engine.parse('search sourcetype=st | eval user=lower(user) '
                            '| append [| makeresults count=50001] | stats count')
    prepared = engine.prepare(pipeline, EVENTS)
    assert prepared is not None and prepared.done == 1
    whole = engine.fork(EVENTS, []).search_pipeline(pipeline, now=BASE)
    again = engine.fork(EVENTS, []).search_prepared(prepared, [o for out in prepared.outputs for o in out], now=BASE)
    assert again.rows == whole.rows == [{"count": len(EVENTS) + 50_000}]
    assert [m.text for m in again.messages] == [m.text for m in whole.messages] == [
        "[subsearch]: Subsearch produced 50001 results, truncating to maxout 50000."]


def test_runs_given_the_same_outputs_answer_alike_only_when_nothing_left_reads_the_run(tmp_path: Path) -> None:
    """``same_rows_for_same_outputs`` lets a simulation answer a run from an earlier run given the same prepared
    outputs: it must hold only when none of the commands left reads the run (its time, time range, risk index or
    other searches), and where it holds two runs at different times over the same events must agree."""
    engine = _engine(tmp_path)
    alike = {
        SEARCHES[0]: True,  # eventstats, where, lookup, stats: the pack's shape
        SEARCHES[1]: True,
        'search sourcetype=st | eventstats count by user | sort - count | dedup user | head 2 | streamstats count '
        'as n | tail 1 | convert ctime(_time)': True,
        SEARCHES[2]: False,  # now() in the rest
        SEARCHES[3]: False,  # a subsearch searches the run's events
        "search sourcetype=st | eventstats count | bin _time span=1h": False,  # bin's default span: the range
        "search sourcetype=st | stats count by user | timechart count": False,  # timechart fills the range
        "search sourcetype=st | stats count by user | search earliest=-1h": False,  # resolved at the run's time
        "search sourcetype=st | stats count by user | eval t=relative_time(time(), \"-1d\")": False,
        '| from datamodel Risk.All_Risk | eval user=lower(risk_object) | stats sum(risk_score) by user': True,
    }
    for search, expected in alike.items():
        pipeline = engine.parse(search)
        prepared = engine.prepare(pipeline, [_risk_event(i) for i in range(6)] if search.startswith("|") else EVENTS)
        assert prepared is not None and prepared.same_rows_for_same_outputs is expected, search
        if not expected:
            continue
        outputs = [o for out in prepared.outputs[:8] for o in out]
        runs = [engine.fork([], []).search_prepared(prepared, outputs, earliest=BASE - days * 86400,
                                                  latest=BASE + 1, now=BASE + days * 3600) for days in (1, 3)]
        assert runs[0].rows and runs[0].rows == runs[1].rows and runs[0].messages == runs[1].messages, search


def test_the_rows_before_the_first_command_reading_the_run_serve_every_run_given_the_same_outputs(
        tmp_path: Path) -> None:
    """``run_free`` counts the leading commands left to each run that read only their input; what they make of one
    run's outputs (``run_free_rows``), finished at another run's time (``finish_prepared``), is that run's whole
    answer: the correlation's shape, its stats before a ``where`` on ``relative_time(now(), ...)``, reuses the
    stats and runs only the ``where`` again, and a subsearch after them still searches the finishing run's events."""
    engine = _engine(tmp_path)
    searches = {
        # stats, eventstats, sort: input only; the where reads now(), and so does everything after it
        'search sourcetype=st | stats max(_time) as last count by user | eventstats sum(count) as total '
        '| sort 0 -last | where last >= relative_time(now(), "-3h") | eval n=total': 3,
        SEARCHES[2]: 0,  # the where on age follows the eval of now(), which the prepared part stops at
        SEARCHES[3]: 0,  # the append holds a subsearch
        "search sourcetype=st | stats count by user | eval t=relative_time(time(), \"-1d\")": 1,
        SEARCHES[0]: 5,  # eventstats, where, lookup, where, stats: everything left reads its input only
    }
    for search, expected in searches.items():
        pipeline = engine.parse(search)
        prepared = engine.prepare(pipeline, EVENTS)
        assert prepared is not None and prepared.run_free == expected, search
        assert prepared.same_rows_for_same_outputs is (expected == len(prepared.rest)), search
        outputs = [o for out in prepared.outputs for o in out]
        first = engine.fork(EVENTS, []).run_free_rows(prepared, outputs, now=BASE)
        for hours in (1, 4):
            now = BASE + hours * 3600
            whole = engine.fork(EVENTS, []).search_pipeline(pipeline, now=now)
            again = engine.fork(EVENTS, []).finish_prepared(prepared, first, now=now)
            assert again.rows == whole.rows and again.messages == whole.messages, (search, hours)
    late = engine.fork(EVENTS, []).search_pipeline(engine.parse(next(iter(searches))), now=BASE + 4 * 3600)
    early = engine.fork(EVENTS, []).search_pipeline(engine.parse(next(iter(searches))), now=BASE + 3600)
    assert len(late.rows) < len(early.rows)  # the where does read the run: the reused rows are finished anew


def test_what_a_command_holds_is_walked_once_per_parsed_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parsed search is prepared again for each test's simulated runs and each lineage check: whether a command
    holds a subsearch or calls a function of the run's time is worked out once per command (it cost 0.2 s of
    CPU of the pack's replay when walked at every ``prepare``), with the same answer."""
    from contentpack.spl import ast as ast_module

    engine = Engine()
    search = ("search a=1 | eval d=lower(c) | eval e=if(isnull(c), time(), 0) "
              "| search [| makeresults | eval b=now() | return b] | stats count")
    commands = engine.parse(search).commands[1:]
    for _ in range(2):  # walked when first asked, then never again
        assert run_independent_prefix(commands) == 1
        assert [c.holds_subsearch for c in commands] == [False, False, True, False]
        assert commands[1].functions_called == frozenset({"if", "isnull", "time"})
        assert commands[2].functions_called == frozenset({"now"})  # inside the subsearch too

        def walked_again(node: object, test: object) -> bool:
            raise AssertionError(f"walked again: {node!r}")

        monkeypatch.setattr(ast_module, "any_node", walked_again)
