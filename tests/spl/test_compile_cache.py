"""Parsed searches and compiled expressions are shared by every run of an engine and its forks, and the memoised pure functions
give what computing them gives. A scheduled simulation runs one parsed search thousands of times with a
different ``now``; neither the answers nor what is compiled may depend on which run came first."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from contentpack.spl import Engine
from contentpack.spl.engine import ParseMemo
from contentpack.spl.errors import SplError
from contentpack.spl.commands.fieldops import renamed
from contentpack.spl.evaluator import CompileCache, Evaluator
from contentpack.spl.lookups import LookupTable, RowMatcher
from contentpack.spl.macros import MacroDef
from contentpack.spl.timeutil import parse_time_modifier, relative_time
from contentpack.spl.values import Event

EVENTS: list[Event] = [{"_time": 1_700_000_000.0 - i * 3600, "user": f"u{i % 3}", "code": str(65004 if i % 2 else 65001)}
          for i in range(12)]
SEARCH = ('search user=* | eval day=relative_time(_time, "-1d@d"), late=if(_time > now() - 7200, "yes", "no") '
          '| rename co* as xo* | stats count by user, late, day, xode')


def test_forks_share_what_their_runs_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine()
    pipeline = engine.parse(SEARCH)
    compiled: list[object] = []
    real = Evaluator._compile

    def counting(self: Evaluator, node: object) -> object:
        compiled.append(node)
        return real(self, node)  # type: ignore[arg-type]

    monkeypatch.setattr(Evaluator, "_compile", counting)
    answers = []
    for run in range(3):
        now = 1_700_000_000.0 + run * 3600
        answers.append(engine.fork(EVENTS, []).search_pipeline(pipeline, now=now).rows)
    first_run = len(compiled)
    assert first_run > 0
    engine.fork(EVENTS, []).search_pipeline(pipeline, now=1_700_100_000.0)
    assert len(compiled) == first_run  # later runs and forks compiled nothing again
    # the answers follow each run's own now(): the cached code reads it from the run, not from the first run
    fresh = [Engine().fork(EVENTS, []).search_pipeline(Engine().parse(SEARCH), now=1_700_000_000.0 + r * 3600).rows
             for r in range(3)]
    assert answers == fresh
    assert answers[0] != answers[2]  # "late" moves with now()


def test_the_compile_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CompileCache, "LIMIT", 5)
    engine = Engine()
    for i in range(20):  # ever new searches, as a long-lived engine may parse
        engine.search(f"| makeresults | eval x={i} + 1, y=x * 2", now=0.0)
    assert 0 < len(engine._compiled) <= 5


@pytest.mark.parametrize(("epoch", "modifier", "tz"), [
    (1_700_000_000, "-1d@d", "UTC"), (1_700_000_000.5, "@w1", "America/New_York"), (0, "+1mon@mon", "UTC"),
])
def test_memoised_time_functions_answer_as_computed(epoch: float, modifier: str, tz: str) -> None:
    once = relative_time.__wrapped__(epoch, modifier, tz)
    assert relative_time(epoch, modifier, tz) == once == relative_time(epoch, modifier, tz)
    once = parse_time_modifier.__wrapped__(modifier, epoch, tz)
    assert parse_time_modifier(modifier, epoch, tz) == once == parse_time_modifier(modifier, epoch, tz)
    with pytest.raises(ValueError):  # errors are raised every time, never cached as answers
        relative_time(epoch, "-1x", tz)
    with pytest.raises(ValueError):
        relative_time(epoch, "-1x", tz)


def test_memoised_rename_answers_as_computed() -> None:
    assert renamed("properties.*", "*", "properties.appId") == "appId"
    assert renamed("a*b*", "x*y*", "a1b2") == "x1y2"
    assert renamed("properties.*", "*", "other") is None
    assert renamed.__wrapped__("a*b*", "x*y*", "a1b2") == "x1y2"


def test_an_engine_and_its_forks_parse_a_search_once() -> None:
    """A replay parses each detection's search again for every test, run and left-out event: the pipeline is
    immutable, so the engine keeps it, and its forks (the simulated runs) share what it parsed."""
    engine = Engine()
    pipeline = engine.parse(SEARCH)
    assert engine.parse(SEARCH) is pipeline
    assert engine.fork(EVENTS, []).parse(SEARCH) is pipeline
    assert Engine().parse(SEARCH) is not pipeline and Engine().parse(SEARCH) == pipeline


def test_a_change_of_macros_parses_the_search_again() -> None:
    """``contentpack search --macros`` replaces the pack's macros in the engine: a search parsed before must not
    keep the old expansion."""
    engine = Engine({"pick": MacroDef("pick", (), "eval x=1")})
    assert engine.search("| makeresults | `pick`", now=0.0).rows[0]["x"] == 1
    engine.macros["pick"] = MacroDef("pick", (), "eval x=2")
    assert engine.search("| makeresults | `pick`", now=0.0).rows[0]["x"] == 2


def test_a_search_that_fails_to_parse_fails_every_time() -> None:
    engine = Engine()
    for _ in range(2):
        with pytest.raises(SplError):
            engine.parse("| makeresults | stats count by")


def test_the_parse_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ParseMemo, "LIMIT", 5)
    engine = Engine()
    for i in range(20):
        engine.parse(f"| makeresults | eval x={i}")
    assert 0 < len(engine._parsed._pipelines) <= 5


def test_a_lookup_matches_through_one_matcher_per_table_and_input_columns(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A scheduled search runs its ``lookup`` at every run (and every fork of the engine shares the table): the
    table's index of rows (and a WILDCARD column's patterns) is built once per table and input columns, and
    every run answers as the first did."""
    table = tmp_path / "apps.csv"
    table.write_text("app,verdict\nmail*,trusted\nwiki,review\n", encoding="utf-8")
    engine = Engine()
    engine.register_lookup("apps", table, match_type="WILDCARD(app)")
    built: list[tuple[str, ...]] = []
    real = RowMatcher.__init__

    def counting(self: RowMatcher, table: LookupTable, columns: tuple[str, ...]) -> None:
        built.append(columns)
        real(self, table, columns)

    monkeypatch.setattr(RowMatcher, "__init__", counting)
    events: list[Event] = [{"_time": 1_700_000_000.0, "app": "mailer"}, {"_time": 1_699_999_000.0, "app": "wiki"}]
    answers = [engine.fork(events, []).search("search app=* | lookup apps app | table app, verdict",
                                              now=1_700_000_000.0 + run).rows for run in range(3)]
    assert answers == [[{"app": "mailer", "verdict": "trusted"}, {"app": "wiki", "verdict": "review"}]] * 3
    assert built == [("app",)]


def test_a_search_leaves_no_reference_cycle() -> None:
    """What a run makes (its context, its evaluator, the engine fork it runs on and the events that holds) is
    freed as soon as the run ends, not when the garbage collector next looks: a scheduled simulation runs a
    search thousands of times, and every run left in a cycle makes the collector's passes more frequent and
    longer. appendpipe (the context's ``run_pipe``) and mvmap (``referenced_fields``) each made one."""
    engine = Engine()
    events: list[Event] = [{"_time": 1_700_000_000.0 - i, "user": f"u{i}", "n": ("1", "2")} for i in range(3)]
    search = "search user=* | eval m=mvmap(n, n*2) | appendpipe [stats count] | table user, m, count"
    engine.fork(events, []).search(search, now=1_700_000_000.0)  # parsed and compiled once before counting
    gc.collect()
    gc.disable()
    try:
        rows = engine.fork(events, []).search(search, now=1_700_000_000.0).rows
        left = gc.collect()
    finally:
        gc.enable()
    assert len(rows) == 4
    assert left == 0


def test_a_dropped_engine_frees_its_lookup_tables_and_their_matchers_at_once(tmp_path: Path) -> None:
    """A table keeps the matchers built on it; a matcher holding the table back would be a reference cycle, and
    every engine dropped after a ``lookup`` ran (a replay's all-time run builds one per test, with the collector
    paused) would keep its whole table until the collector next ran."""
    table = tmp_path / "apps.csv"
    table.write_text("app,verdict\nmail*,trusted\nwiki,review\n", encoding="utf-8")
    events: list[Event] = [{"_time": 1_700_000_000.0, "app": "mailer"}]
    gc.collect()
    gc.disable()
    try:
        engine = Engine()
        engine.register_lookup("apps", table, match_type="WILDCARD(app)")
        rows = engine.fork(events, []).search("search app=* | lookup apps app | table app, verdict",
                                              now=1_700_000_000.0).rows
        del engine
        left = gc.collect()
    finally:
        gc.enable()
    assert rows == [{"app": "mailer", "verdict": "trusted"}]
    assert left == 0
