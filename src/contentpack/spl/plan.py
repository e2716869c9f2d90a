"""Rewrites of a pipeline's commands that give the same results with less work: the one home of such rules.

One rule (``planned``): ``eventstats`` commands followed by a filter (``where`` or ``search``) that reads none of
the fields they write, as in ``| eventstats dc(decliner) as decliners by app | where operation="Consent"``.

Why it is exact. An eventstats changes an event only in the fields it writes (its ``AS`` names), so a filter
that reads none of them keeps the same events whether or not the eventstats ran before it; the eventstats
values of an event the filter drops are never seen. Those values come from the event's group alone, so only
the groups holding a kept event need aggregating (a week of refusals that a filter then drops entirely needs
none). The kept events get exactly the values the plain run gives them: their groups are aggregated over all
their events, in order. Chained eventstats qualify when none reads what an earlier one of the chain writes
(each then groups and aggregates the events as they arrived).

What the plain run could say besides rows is kept too:

* errors: where the rewrite could differ from the plain run it does not decide; the plain run does, over the
  same events (``ctx.run_pipe``). That is so when working out the filter's verdicts, the groups or the kept
  groups' aggregates fails (the plain run meets the failure in its own order, or not at all if a later
  command stops reading early), and when an event of a group left out holds a multivalue in a field an
  aggregate reads (the plain run could refuse it there). Only functions whose aggregation fails on nothing
  else qualify (``aggregates.SKIPPABLE``), and only terms over plain fields (an ``eval`` term can fail on any
  event; a wildcard term's fields depend on the events);
* messages and side effects: a qualifying filter has no subsearch (it runs a search), and reads no event type,
  tag, field pattern, ``searchmatch`` text or search term (the fields they read are not known here: a
  term reads every field of an event without ``_raw``); evaluating it is pure, so evaluating it ahead of time, on
  events a later ``head`` would never have pulled, changes nothing a caller sees;
* limits: the search's deadline is checked as before (the engine times every command).

The filter itself still runs after the rewritten eventstats, over the kept events only (the same verdicts).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.aggregates import SKIPPABLE
from contentpack.spl.ast import Call, FieldMatch, FieldIn, Pipeline, Term, any_node, has_subsearch
from contentpack.spl.commands import get_command
from contentpack.spl.commands.base import CommandNode, RunContext
from contentpack.spl.commands.search import SearchCommand, WhereCommand
from contentpack.spl.commands.stats import EventstatsCommand, aggregate_groups, set_outputs, terms_fields
from contentpack.spl.matching import is_knowledge_field
from contentpack.spl.values import Event, Scalar, Value

__all__ = ["FilteredEventstats", "planned"]


@dataclass(frozen=True)
class FilteredEventstats(CommandNode):
    """``chain`` (eventstats commands, in order) whose results only ``keep`` (the filter after them) reads:
    its events are the events the filter keeps, with the chain's values (see the module docstring)."""

    chain: tuple[EventstatsCommand, ...]
    keep: CommandNode

    def run(self, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
        rows = list(events)  # as the first eventstats takes them
        kept = _kept_with_values(self, rows, ctx)
        if kept is None:  # the plain run decides
            yield from ctx.run_pipe(Pipeline(self.chain), rows, ctx)
            return
        for row, outputs in kept:
            for node, values in outputs:
                set_outputs(row, node.terms, values)
            yield row


def planned(commands: Sequence[CommandNode]) -> list[CommandNode]:
    """``commands`` with each qualifying run of eventstats before a filter replaced by one
    :class:`FilteredEventstats` (the filter stays after it)."""
    out: list[CommandNode] = []
    for command in commands:
        reads = _filter_reads(command) if out and type(out[-1]) is EventstatsCommand else None
        if reads is not None:
            chain: list[EventstatsCommand] = []
            while out and _qualifies(out[-1], reads):
                last = out.pop()
                assert isinstance(last, EventstatsCommand)
                chain.insert(0, last)
                reads = reads | terms_fields(last.terms, last.by) | {"_time"}
            if chain:
                out.append(FilteredEventstats(chain[0].name, chain[0].offset, tuple(chain), command))
        out.append(command)
    return out


def _qualifies(command: CommandNode, later_reads: frozenset[str]) -> bool:
    """Whether ``command`` is an eventstats the rule may leave groups out of, writing nothing read after it."""
    return (type(command) is EventstatsCommand
            and all(t.expr is None and "*" not in (t.field or "") and t.function in SKIPPABLE for t in command.terms)
            and not any(t.output in later_reads for t in command.terms))


def _filter_reads(command: CommandNode) -> frozenset[str] | None:
    """The fields a qualifying filter reads, None when ``command`` is not one (or what it reads is not known)."""
    if isinstance(command, WhereCommand):
        if any_node(command.expr, lambda node: isinstance(node, Call) and node.name == "searchmatch"):
            return None  # its text may name any field
    elif isinstance(command, SearchCommand):
        if command.bounds.bounded or command.bounds.on_index_time or has_subsearch(command.expr) or any_node(
                command.expr, lambda node: isinstance(node, Term) or (
                    isinstance(node, (FieldMatch, FieldIn)) and is_knowledge_field(node.field))):
            return None  # a term reads every field of an event without _raw (spl.matching), outputs included
    else:
        return None
    reads = command.requires(frozenset())
    if reads is None or any("*" in name for name in reads):
        return None
    return reads


def _kept_with_values(node: FilteredEventstats, rows: list[Event], ctx: RunContext
                      ) -> list[tuple[Event, list[tuple[EventstatsCommand, list[Value]]]]] | None:
    """The events the filter keeps, each with the values of each eventstats of the chain for it (a ``None``
    value removes the field, as eventstats does), in order; None when the plain run must decide (see the
    module docstring)."""
    spec = get_command(node.keep.name)
    assert spec is not None
    try:
        kept = {id(row) for row in spec.run(node.keep, iter(rows), ctx)}
    except Exception:  # noqa: BLE001 -- any failure: the plain run meets it (or not) in its own order
        return None
    if not kept:  # no group to aggregate: only what the plain run could refuse matters
        return None if any(_may_refuse(rows, stats) for stats in node.chain) else []
    values: dict[int, list[tuple[EventstatsCommand, list[Value]]]] = {key: [] for key in kept}
    for stats in node.chain:
        try:
            keys = [stats.keys(row) for row in rows]
        except Exception:  # noqa: BLE001 -- as above
            return None
        wanted = {each[0] for row, each in zip(rows, keys) if each and id(row) in kept}
        if _may_refuse([row for row, each in zip(rows, keys) if each and each[0] not in wanted], stats):
            return None
        members = [row for row, each in zip(rows, keys) if each and each[0] in wanted]
        try:
            groups = aggregate_groups(iter(members), stats.terms, stats, ctx.evaluator)
            results = {key: [agg.result() for agg in aggs] for key, aggs in groups.items() if key in wanted}
        except Exception:  # noqa: BLE001 -- as above
            return None
        for row, each in zip(rows, keys):
            if each and id(row) in kept:
                values[id(row)].append((stats, results[each[0]]))
    return [(row, values[id(row)]) for row in rows if id(row) in kept]


def _may_refuse(rows: Sequence[Event], stats: EventstatsCommand) -> bool:
    """Whether the eventstats could refuse one of ``rows`` when aggregating it: one holds a multivalue in a field
    the command groups by or aggregates (``aggregates.SKIPPABLE``: nothing else fails)."""
    names = terms_fields(stats.terms, stats.by)
    return any(isinstance(row.get(name), tuple) for row in rows for name in names)
