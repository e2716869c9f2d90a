"""One place registers a command: its module's ``SPECS`` entry (parser, runner, generating, streaming,
one-to-one). A command added there alone is parsed, run, planned and pushed down like the built-in ones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from contentpack.spl import parse
from contentpack.spl.commands import COMMANDS, get_command
from contentpack.spl.engine import _head_limit
from contentpack.spl.commands.base import CommandInput, CommandNode, CommandSpec, RunContext
from contentpack.spl.values import Event

from .spl_support import make_engine, rows


@dataclass(frozen=True)
class TagCommand(CommandNode):
    def requires(self, needed: frozenset[str] | None) -> frozenset[str] | None:
        return needed


def _parse_tag(cmd: CommandInput) -> TagCommand:
    cmd.cursor().expect_end()
    return TagCommand(cmd.name, cmd.offset)


def _run_tag(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    for seen, item in enumerate(events, start=1):
        item["seen"] = seen
        yield item


@pytest.fixture
def tag_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMMANDS, "tagseen", CommandSpec(("tagseen",), _parse_tag, _run_tag, streaming=True,
                                                         one_to_one=True))


def test_a_command_registered_once_parses_runs_and_plans(tag_command: None, tmp_path: Path) -> None:
    """`head N` after a one-to-one command reads only the N newest events of a lazily scanned file: the
    planner learns one_to_one from the spec (no other list to edit)."""
    assert isinstance(parse("* | tagseen").commands[1], TagCommand)
    log = tmp_path / "e.jsonl"
    log.write_text("".join(f'{{"time": {1_000 + i}, "n": {i}}}\n' for i in range(50)), encoding="utf-8")
    engine = make_engine()
    engine.register_events(log, sourcetype="t", lazy=True)
    assert rows(engine, "* | tagseen | head 2 | table n seen") == [{"n": "49", "seen": 1}, {"n": "48", "seen": 2}]
    assert _head_limit(parse("* | tagseen | head 2").commands[1:]) == 2  # type: ignore[arg-type]
    COMMANDS["tagseen"] = CommandSpec(("tagseen",), _parse_tag, _run_tag, streaming=True)
    assert _head_limit(parse("* | tagseen | head 2").commands[1:]) is None  # type: ignore[arg-type]


def test_every_spec_names_its_planning_facts() -> None:
    """The facts the planner reads live on the spec: streaming filters are not one-to-one, one-to-one
    commands stream, generating commands neither."""
    for name, spec in COMMANDS.items():
        assert get_command(name.upper()) is spec
        if spec.one_to_one:
            assert spec.streaming is True, name
        if spec.generating:
            assert spec.streaming is False and not spec.one_to_one, name
    assert not COMMANDS["where"].one_to_one and COMMANDS["where"].streaming is True
    assert COMMANDS["eval"].one_to_one
    fillnull = COMMANDS["fillnull"]
    assert fillnull.streams(parse("* | fillnull a").commands[1]) is True  # type: ignore[arg-type]
    assert fillnull.streams(parse("* | fillnull").commands[1]) is False  # type: ignore[arg-type]


def test_no_command_node_carries_planning_flags() -> None:
    """Nothing hidden on the node classes: no `streaming` flag and no reads()/produces() left."""
    for command in parse("* | eval a=1 | rename a AS b | lookup t b | stats count by b | where count>0").commands:
        assert not hasattr(command, "streaming")
        assert not hasattr(command, "reads") and not hasattr(command, "produces")


def test_field_use_comes_from_the_registration() -> None:
    """What the validator's taint rule needs (which fields a command reads and writes) is part of the one
    registration: rex writes its named groups, lookup its outputs, a filter says nothing."""
    from contentpack.spl.commands import field_use

    rex, lookup, where = parse('* | rex field=a "(?<b>x)(?<c>y)" | lookup t k AS u OUTPUT v AS w | where a>1').commands[1:]
    assert (field_use(rex).reads, field_use(rex).produces) == ({"a"}, {"b", "c"})  # type: ignore[arg-type]
    assert (field_use(lookup).reads, field_use(lookup).produces) == ({"u"}, {"w"})  # type: ignore[arg-type]
    assert field_use(where).produces == frozenset()  # type: ignore[arg-type]


def test_field_use_of_the_commands_that_compute_new_fields() -> None:
    """The fields each of these writes, from the Search Reference: top and rare add ``count`` and ``percent``
    (renamed by countfield=/percentfield=); bin rewrites its field, or writes the AS name; timechart's columns
    are its aggregations' names; iplocation adds City, Country, Region, lat and lon, after prefix=.
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/search-commands/top
    https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/search-commands/iplocation"""
    from contentpack.spl.commands import field_use

    top, rare, bin_as, bin_same, chart, geo = parse(
        "* | top limit=5 app by user countfield=n | rare app | bin _time span=1h AS hour | bin size span=10 "
        "| timechart count AS c dc(user) by app | iplocation prefix=geo_ ip").commands[1:]
    assert (field_use(top).reads, field_use(top).produces) == ({"app", "user"}, {"n", "percent"})  # type: ignore[arg-type]
    assert (field_use(rare).reads, field_use(rare).produces) == ({"app"}, {"count", "percent"})  # type: ignore[arg-type]
    assert (field_use(bin_as).reads, field_use(bin_as).produces) == ({"_time"}, {"hour"})  # type: ignore[arg-type]
    assert (field_use(bin_same).reads, field_use(bin_same).produces) == ({"size"}, set())  # type: ignore[arg-type]
    assert field_use(chart).produces == {"c", "dc(user)"}  # type: ignore[arg-type]
    assert {"app", "user"} <= field_use(chart).reads  # type: ignore[arg-type]
    assert (field_use(geo).reads, field_use(geo).produces) == (  # type: ignore[arg-type]
        {"ip"}, {"geo_City", "geo_Country", "geo_Region", "geo_lat", "geo_lon"})
