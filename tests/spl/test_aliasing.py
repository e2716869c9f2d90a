"""Aliasing: a command's results do not depend on what the commands after it do to the rows it passed on.

Events are dicts and many commands change them in place as they pass (``eval``, ``rename``, ``fillnull``...).
So a command that yields a row and later reads it again, keeps it, or hands the same dict out twice would see
the later commands' changes: ``appendpipe`` ran its subpipeline over its rows as a later ``eval`` had changed
them (``test_constructs.test_appendpipe_runs_over_the_results_as_they_reach_it``, which quotes the appendpipe
page). That a command's output is what it gave, whatever the commands after it then do with it, is what a
pipeline means; no Search Reference page says it in so many words (assumed).

The properties: for each registered command ``X`` (and pairs of them), ``X | <tail>`` equals ``X`` alone with
the tail's change applied to copies of its rows in Python, where the tail changes every field (``eval``,
``rename *``, ``fillnull``); the engine's stored state (events, lookup table, risk index, geoip table) is the
same after such a search; and a prepared search (``Engine.prepare``) answers each of several overlapping
windows as a fresh engine does, however often its outputs have been run through a changing tail.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentpack.spl import Engine, SplError
from contentpack.spl.commands import COMMANDS
from contentpack.spl.values import Event, Value, mv_values, to_str

from .spl_support import NOW

# One or more forms of each registered command, over the generated events' fields a, b, c (a multivalue or a
# comma list), n (a number), j (JSON), ip, and _raw (XML key-values).
FORMS: dict[str, tuple[str, ...]] = {
    "append": ('append [search * | head 2 | eval src="sub"]',),
    "appendpipe": ("appendpipe [stats count as total by a]", "appendpipe [eval m=a, n=n+1]"),
    "bin": ("bin _time span=10s",),
    "bucket": ("bucket n span=2",),
    "chart": ("chart count over a by b",),
    "convert": ("convert ctime(_time) as t", "convert timeformat=\"%H\" ctime(n)"),
    "datamodel": ("| datamodel",),
    "dedup": ("dedup a", "dedup a sortby -b", "dedup a consecutive=true keepempty=true"),
    "eval": ("eval m=a, a=b",),
    "eventstats": ("eventstats count values(b) as vb by a", "eventstats max(n) as most"),
    "fields": ("fields a b n", "fields - b"),
    "fillnull": ("fillnull value=NULL", "fillnull b m"),
    "format": ("format",),
    "from": ("| from datamodel Risk.All_Risk",),
    "fromjson": ("fromjson j",),
    "head": ("head 3", 'head (a="x") keeplast=true'),
    "inputlookup": ("| inputlookup t", "inputlookup append=true t"),
    "iplocation": ("iplocation ip",),
    "join": ("join a [search * | stats count as joined by a]", "join type=left max=0 a [search * | eval jb=b]"),
    "lookup": ("lookup t a OUTPUT v", "lookup t a OUTPUTNEW v"),
    "makemv": ('makemv delim="," c',),
    "makeresults": ("| makeresults count=2",),
    "mstats": ("| mstats count(x) where index=m",),
    "mvexpand": ("mvexpand c",),
    "pivot": ("| pivot",),
    "rare": ("rare b",),
    "regex": ('regex a="x|y"',),
    "rename": ("rename a as z, b as a",),
    "replace": ("replace x with X in a",),
    "return": ("return 2 a", "return $b"),
    "rex": ('rex field=b "(?<r>.)"',),
    "search": ("search a=x OR b=p",),
    "sort": ("sort b -a", "sort 3 -n"),
    "spath": ("spath input=j",),
    "stats": ("stats count values(b) as vb by a",),
    "streamstats": ("streamstats count as k by a", "streamstats window=2 values(b) as vb"),
    "table": ("table _time a b",),
    "tail": ("tail 3",),
    "timechart": ("timechart span=10s count by a",),
    "top": ("top a",),
    "transaction": ("transaction a",),
    "tstats": ("| tstats count",),
    "where": ('where a="x" OR isnull(a)',),
    "xmlkv": ("xmlkv",),
}

LOOKUP = "a,v\nx,vx\ny,vy\nx,vx2\n"
GEOIP = "network,City,Country\n10.0.0.0/8,Ten,US\n10.1.0.0/16,Tenone,CA\n"
RISK: list[Event] = [{"_time": NOW - 5, "risk_object": "a", "risk_score": "10"},
                     {"_time": NOW - 3, "risk_object": "b", "risk_score": "20"}]

SMALL = st.sampled_from(["x", "y", "z", "p", ""])
EVENT = st.fixed_dictionaries({}, optional={
    "a": SMALL, "b": SMALL,
    "c": st.sampled_from([("p", "q"), ("q", "q", "r"), "p,q", "s"]),
    "n": st.sampled_from(["1", "2", "7", "1.5"]),
    "j": st.sampled_from(['{"k": "v", "o": {"i": 1}}', '{"k": ["a", "b"]}']),
    "ip": st.sampled_from(["10.0.0.1", "10.1.2.3", "192.0.2.1"]),
    "_raw": st.sampled_from(["<r><k>v</k><w>u</w></r>", "plain text a=x"]),
})
EVENTS = st.lists(EVENT, min_size=1, max_size=6)
SEARCH = st.lists(st.sampled_from([(name, form) for name, forms in FORMS.items() for form in forms]),
                  min_size=1, max_size=2)

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _mark(value: Value) -> str:
    """What ``eval f=mvjoin(f, ",")."!"`` makes of a present value."""
    return ",".join(to_str(v) or "" for v in mv_values(value)) + "!"


def _eval_tail(rows: list[Event]) -> tuple[str, Callable[[list[Event]], list[Event]]]:
    """An eval changing every (plainly named) field the rows hold, and its change in Python. Not idempotent: a
    row handed out twice shows the mark twice."""
    names = [n for n in dict.fromkeys(name for row in rows for name in row) if _PLAIN_NAME.match(n)]
    text = "eval " + ", ".join(f"{name}=mvjoin('{name}', \",\").\"!\"" for name in names) if names else "eval zz=1"

    def change(given: list[Event]) -> list[Event]:
        if not names:
            return [{**row, "zz": 1} for row in given]
        return [{k: (_mark(v) if k in names else v) for k, v in row.items()} for row in given]

    return text, change


def _rename_tail(rows: list[Event]) -> tuple[str, Callable[[list[Event]], list[Event]]]:
    """``rename * as r_*``: every field gets a new name (``renamed`` matches a wildcard against every name)."""
    return "rename * as r_*", lambda given: [{"r_" + k: v for k, v in row.items()} for row in given]


def _fillnull_tail(rows: list[Event]) -> tuple[str, Callable[[list[Event]], list[Event]]]:
    """``fillnull value=F``: every field any result holds (but internal ``_`` ones) filled where a row lacks it;
    and ``m``, which no form but appendpipe's writes, named."""
    def change(given: list[Event]) -> list[Event]:
        seen = dict.fromkeys(n for row in given for n in row if not n.startswith("_"))
        return [{**row, **{n: "F" for n in [*seen, "m"] if row.get(n) is None}} for row in given]

    return "fillnull value=F | fillnull value=F m", change


TAILS = (_eval_tail, _rename_tail, _fillnull_tail)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("aliasing")
    (folder / "t.csv").write_text(LOOKUP, encoding="utf-8")
    (folder / "geo.csv").write_text(GEOIP, encoding="utf-8")
    return folder / "t.csv", folder / "geo.csv"


def _held(events: list[Event]) -> list[Event]:
    """The events as the engine holds them: newest first, each 10 s older than the one before."""
    return [{"_time": NOW - 10 * (i + 1), "sourcetype": "st", "source": "s", "index": "main", **e}
            for i, e in enumerate(events)]


def _engine(events: list[Event], tables: tuple[Path, Path]) -> Engine:
    engine = Engine()
    engine.register_events(_held(events))
    engine.register_lookup("t", tables[0])
    engine.register_geoip(tables[1])
    engine.register_risk_index(RISK)
    return engine


def _answer(engine: Engine, search: str) -> list[Event] | str:
    """The rows, or the error's text (a refusal must be the same refusal whatever follows)."""
    try:
        return engine.search(search, earliest=NOW - 1000, latest=NOW, now=NOW).rows
    except SplError as exc:
        return f"error: {exc}"


def _search(forms: list[tuple[str, str]]) -> str:
    first, *rest = [form for _, form in forms]
    pipeline = first if first.startswith("|") else f"search * | {first}"
    return " | ".join([pipeline, *(form.lstrip("| ") if form.startswith("|") else form for form in rest)])


def test_every_registered_command_has_a_form() -> None:
    assert set(FORMS) == set(COMMANDS)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=EVENTS, forms=SEARCH, tail=st.sampled_from(TAILS))
def test_a_command_gives_the_same_rows_whatever_the_commands_after_it_do(
        tables: tuple[Path, Path], events: list[Event], forms: list[tuple[str, str]],
        tail: Callable[[list[Event]], tuple[str, Callable[[list[Event]], list[Event]]]]) -> None:
    """``X | tail`` = the tail's change applied to ``X``'s rows, and the engine answers ``X`` afterwards as a
    fresh one does (nothing the tail changed was the engine's own: events, lookup rows, risk events)."""
    search = _search(forms)
    alone = _answer(_engine(events, tables), search)
    if isinstance(alone, str):  # a refusal: the same refusal with any tail
        text, _ = tail([])
        assert _answer(_engine(events, tables), f"{search} | {text}") == alone
        return
    assert not [row for row in alone if None in row.values()]  # an absent field is no key (``spl.values``)
    text, change = tail(alone)
    engine = _engine(events, tables)
    assert _answer(engine, f"{search} | {text}") == change([dict(row) for row in alone])
    assert _answer(engine, search) == alone


def test_a_fresh_engine_and_the_python_tails_agree_on_plain_rows(tables: tuple[Path, Path]) -> None:
    """The Python side of each tail is the engine's own reading of it (over rows no command before it keeps)."""
    events: list[Event] = [{"a": "x", "b": "", "n": "1.5", "c": ("p", "q")}, {"b": "y"}]
    alone = _answer(_engine(events, tables), "search *")
    assert isinstance(alone, list) and len(alone) == 2
    for tail in TAILS:
        text, change = tail(alone)
        assert _answer(_engine(events, tables), f"search * | {text}") == change([dict(r) for r in alone])


def _windows() -> Iterator[tuple[float, float]]:
    """Overlapping windows, some run twice."""
    yield from [(NOW - 45, NOW), (NOW - 65, NOW - 15), (NOW - 45, NOW), (NOW - 1000, NOW), (NOW - 65, NOW - 15)]


PREPARED = (
    "search * | eval m=a | rename b as z | fillnull value=F z",
    "search * | eval m=a | mvexpand c | eval c=c.\"!\", m=m.\"!\"",
    "search * | lookup t a OUTPUT v | eval v=mvjoin(v, \",\").\"!\"",
    "search * | eval m=a | eventstats count by m | eval m=m.\"!\", count=count+1",
    "search * | eval m=a | stats count by m | eval count=count+1",
    "search * | eval m=a | streamstats count as k | eval k=k*10",
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=EVENTS, search=st.sampled_from(PREPARED))
def test_a_prepared_search_answers_each_window_as_a_fresh_engine(
        tables: tuple[Path, Path], events: list[Event], search: str) -> None:
    """The prepared outputs are shared by every run (``spl.prepared``): a run's changes (here a tail that
    changes the very fields the prepared part wrote) must not reach the next run over the same events."""
    engine = _engine(events, tables)
    pipeline = engine.parse(search)
    held = _held(events)
    prepared = engine.prepare(pipeline, held)
    assert prepared is not None
    for earliest, latest in _windows():
        inside = [i for i, e in enumerate(held) if earliest <= float(e["_time"]) < latest]  # type: ignore[arg-type]
        fork = engine.fork([held[i] for i in inside], ())
        got = fork.search_prepared(prepared, [o for i in inside for o in prepared.outputs[i]], earliest=earliest,
                                   latest=latest, now=NOW).rows
        fresh = _engine(events, tables).search(search, earliest=earliest, latest=latest, now=NOW).rows
        assert got == fresh
        for row in got:  # the caller changes its rows, as the simulation's actions may
            row.clear()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=EVENTS, forms=SEARCH)
def test_a_search_run_twice_on_one_engine_answers_alike(tables: tuple[Path, Path], events: list[Event],
                                                        forms: list[tuple[str, str]]) -> None:
    """The second run of a search answers as the first did, though the caller changed the first's rows."""
    engine = _engine(events, tables)
    search = _search(forms)
    first = _answer(engine, search)
    if isinstance(first, list):
        kept = [dict(row) for row in first]
        for row in first:
            row["_mutated"] = "!"
            row.pop("a", None)
        first = kept
    assert _answer(engine, search) == first
