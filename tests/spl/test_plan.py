"""The plan rewrite (``spl.plan``): eventstats before a filter that reads none of their outputs aggregate only the
groups holding a kept event. An optimisation: every answer (rows, errors) must be the plain run's, so each test
compares against the engine with the rewrite turned off."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contentpack.spl.engine as engine_module
import contentpack.spl.plan as plan_module
from contentpack.spl import Engine, SplError
from contentpack.spl.commands.base import CommandNode
from contentpack.spl.plan import FilteredEventstats, planned

from .spl_support import NOW, event


def outcome(engine: Engine, text: str) -> tuple[str, Any]:
    """Rows, or the error as the user sees it (kind, message, column, command)."""
    try:
        return "rows", engine.search(text, now=NOW).rows
    except SplError as exc:
        return "error", (type(exc).__name__, exc.message, exc.offset, exc.command)


def plain(engine: Engine, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    with monkeypatch.context() as patched:
        patched.setattr(engine_module, "planned", list)
        return outcome(engine, text)


def nodes(text: str) -> list[CommandNode]:
    return list(Engine().parse(text).commands[1:])  # type: ignore[arg-type]


def rewritten(text: str) -> list[FilteredEventstats]:
    return [c for c in planned(nodes(text)) if isinstance(c, FilteredEventstats)]


def engine_with(*events: Mapping[str, object]) -> Engine:
    engine = Engine()
    engine.register_events([event(NOW - 60 * (i + 1), **fields) for i, fields in enumerate(events)])
    return engine


# ------------------------------------------------------------------------------------------------ equivalence

VALUE = st.sampled_from([None, None, "x", "x", "y", "y", "1", "2", "", "10", 0, 1, 3, ("x", "y"), ("1", ""), ("y",)])
EVENTS = st.lists(st.fixed_dictionaries({"a": VALUE, "b": VALUE, "c": VALUE}), max_size=10)
FUNCTIONS = ["count", "dc", "values", "min", "max", "avg", "sum", "first", "latest", "list", "mode", "perc50"]
STATS = st.builds(lambda f, field, out, by: f"eventstats {f}({field}) as {out}" + (f" by {by}" if by else ""),
                  st.sampled_from(FUNCTIONS), st.sampled_from(["a", "b", "c"]), st.sampled_from(["o1", "o2", "a"]),
                  st.sampled_from(["", "a", "b", "a c", "o1"]))
FILTERS = st.sampled_from(['where a="x"', "where b>1", "where isnull(c)", "where o1>0", "search a=x", "search b=1*",
                           "search x", 'where a="nothing"', "where c", "search o2=*"])
TAILS = st.sampled_from(["", " | head 1", " | stats count by a", " | eval z=1"])


@settings(max_examples=250, deadline=None)
@given(EVENTS, st.lists(STATS, min_size=1, max_size=3), FILTERS, TAILS)
def test_the_rewrite_answers_as_the_plain_run(events: list[dict[str, object]], chain: list[str], keep: str,
                                             tail: str) -> None:
    """Rows and errors (multivalue refusals of BY and aggregated fields, a non-Boolean where) are the plain
    run's, whatever the chain, the filter and what follows."""
    text = "* | " + " | ".join(chain) + f" | {keep}" + tail
    engine = engine_with(*[{k: v for k, v in e.items() if v is not None} for e in events])
    with pytest.MonkeyPatch.context() as patch:
        assert outcome(engine, text) == plain(engine, text, patch)


# ------------------------------------------------------------------------------------------------ when it applies


def test_a_filter_reading_an_eventstats_output_is_not_rewritten() -> None:
    assert rewritten("x | eventstats count as n by a | where n > 1") == []
    assert rewritten("x | eventstats count as n by a | search n=2") == []
    # the later eventstats qualifies alone: the earlier one writes what the filter reads, and runs as it is
    [node] = rewritten("x | eventstats count as n by a | eventstats dc(b) as m by a | where n > 1")
    assert [s.terms[0].output for s in node.chain] == ["m"]


def test_a_chain_member_reading_an_earlier_output_ends_the_chain() -> None:
    [node] = rewritten("x | eventstats count as n by a | eventstats max(n) as m by b | where a=1")
    assert [s.terms[0].output for s in node.chain] == ["m"]
    [node] = rewritten("x | eventstats count as n by a | eventstats dc(c) as m by b | where a=1")
    assert [s.terms[0].output for s in node.chain] == ["n", "m"]


@pytest.mark.parametrize("text", [
    "x | eventstats sum(b) as n by a | where a=1",  # an integer total past a double fails to add a float
    "x | eventstats perc90(b) as n by a | where a=1",  # the interpolation of two such integers fails
    "x | eventstats count(eval(b>1)) as n by a | where a=1",  # an eval term may fail on any event
    "x | eventstats values(*) as * by a | where a=1",  # the outputs depend on the events
    'x | eventstats count as n by a | where searchmatch("n=1")',  # the text may name any field
    "x | eventstats count as n by a | search eventtype=e",  # the event type's fields are not known here
    "x | eventstats count as n by a | search [| makeresults | eval a=1 | fields a]",  # a subsearch runs a search
    "x | eventstats count as n by a | search n*=1",  # a field pattern may name an output
    "x | eventstats count as n by a | search earliest=-1h a=1",
    "x | streamstats count as n by a | where a=1",
    "x | eventstats count as n by a | eval b=1 | where a=1",  # not directly before the filter
])
def test_what_is_not_rewritten(text: str) -> None:
    assert rewritten(text) == []


def test_the_common_shape_is_rewritten() -> None:
    [node] = rewritten('x | eventstats dc(decliner) as decliners by dest app_id '
                       '| eventstats count(decliner) as own by dest app_id user_id | where op="Consent"')
    assert [s.terms[0].output for s in node.chain] == ["decliners", "own"]


# ------------------------------------------------------------------------------------------------ what it saves


def fed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many events each aggregation of the rewrite feeds."""
    counts: list[int] = []
    original = plan_module.aggregate_groups

    def counting(events: Iterator[Any], *args: Any) -> Any:
        rows = list(events)
        counts.append(len(rows))
        return original(iter(rows), *args)

    monkeypatch.setattr(plan_module, "aggregate_groups", counting)
    return counts


def test_only_groups_with_a_kept_event_are_aggregated(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_with({"a": "g1", "op": "decline"}, {"a": "g1", "op": "grant"}, {"a": "g2", "op": "decline"},
                         {"a": "g3", "op": "decline"}, {"a": "g3", "op": "decline"})
    text = '* | eventstats count as n by a | where op="grant"'
    expected = plain(engine, text, monkeypatch)
    counts = fed(monkeypatch)
    assert outcome(engine, text) == expected
    assert [(row["a"], row["n"]) for row in expected[1]] == [("g1", 2)]
    assert counts == [2]  # g1's two events; g2 and g3 are left out


def test_nothing_is_aggregated_when_the_filter_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_with(*[{"a": f"g{i % 3}", "op": "decline"} for i in range(9)])
    text = '* | eventstats dc(op) as n by a | eventstats count as m | where op="grant"'
    counts = fed(monkeypatch)
    assert outcome(engine, text) == ("rows", [])
    assert counts == []


# ------------------------------------------------------------------------------------------------ refusals kept


def test_a_multivalue_by_field_of_a_dropped_event_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_with({"a": "g1", "op": "grant"}, {"a": ("g2", "g3"), "op": "decline"})
    text = '* | eventstats count as n by a | where op="grant"'
    assert len(rewritten(text)) == 1
    kind, error = outcome(engine, text)
    assert kind == "error" and "multivalue" in error[1] and error[3] == "eventstats"
    assert (kind, error) == plain(engine, text, monkeypatch)


def test_a_multivalue_aggregated_field_of_a_left_out_group_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_with({"a": "g1", "op": "grant", "b": "1"}, {"a": "g2", "op": "decline", "b": ("1", "2")})
    text = '* | eventstats count(b) as n by a | where op="grant"'
    kind, error = outcome(engine, text)
    assert kind == "error" and "count()" in error[1] and error[2] == 4
    assert (kind, error) == plain(engine, text, monkeypatch)


def test_a_filter_error_on_an_event_a_later_head_never_reads_stays_unseen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain run's where stops at head's first row; the rewrite evaluates the filter ahead of time, fails on
    the second event and leaves the answer to the plain run."""
    engine = engine_with({"a": "g1", "b": "x"}, {"a": "g1", "b": ("x", "y")})
    text = '* | eventstats count as n by a | where b="x" | head 1'
    kind, rows = outcome(engine, text)
    assert (kind, rows) == plain(engine, text, monkeypatch)
    assert kind == "rows" and [(row["b"], row["n"]) for row in rows] == [("x", 2)]


def test_a_search_term_over_events_without_raw_is_not_rewritten(monkeypatch: pytest.MonkeyPatch) -> None:
    """A term is tried against every field value of an event with no ``_raw`` (``spl.matching``), the
    eventstats outputs included, so the filter may read an output ``requires`` does not name: the plain run
    keeps the events whose ``n`` is 3."""
    text = '| makeresults count=3 | eval user="a" | eventstats count as n by user | search 3'
    assert rewritten(text) == []
    kind, rows = outcome(Engine(), text)
    assert (kind, rows) == plain(Engine(), text, monkeypatch)
    assert kind == "rows" and [row["n"] for row in rows] == [3, 3, 3]
