"""Why did a search return nothing? Fields it filters or groups on that no event could have supplied.

Splunk answers a search over a missing field with zero results and no complaint, which is how a search that
depends on an add-on's search-time fields (``user``, ``dest``) silently finds nothing when the add-on is not
installed. This module names such fields so a command-line tool can print a hint.

A field counts as *filtered on* when a ``search`` or ``where`` command reads it (but for a field a ``where``
reads only as ``isnull(x)`` or ``NOT isnotnull(x)``, which keep an event without it: no typo to hint at), and
*grouped on* when it is a ``by`` field of ``stats``/``eventstats``/``streamstats``/``timechart`` or a split field
of ``chart`` (its row split groups as a ``stats`` ``by`` field does, its column split as a ``timechart`` ``by``
field). It is *absent* when no earlier command produces it and none of the event fields it could come from
(walking the earlier commands' ``requires`` back: ``rename properties.* as *`` makes ``user`` come from ``user`` or
``properties.user``) appears in any event (a field made by ``eval`` is traced to the fields its expression
reads). Earlier commands that need every field (``requires`` None) make the answer unknown, and the field is not
reported.

When the search did return rows (an aggregate answers one, ``count`` 0, over no event), only the first
``search``/``where`` matters, and only if it kept no event: ``up_to`` gives the search to run to find out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from contentpack.spl.ast import Binary, Call, Expr, FieldRef, Pipeline, Unary
from contentpack.spl.commands import field_use
from contentpack.spl.commands.base import CommandNode
from contentpack.spl.commands.chart import ChartCommand
from contentpack.spl.commands.eval import EvalCommand
from contentpack.spl.commands.fieldops import RenameCommand
from contentpack.spl.commands.ordering import HeadCommand
from contentpack.spl.commands.search import SearchCommand, WhereCommand
from contentpack.spl.commands.sources import FromDatamodelCommand
from contentpack.spl.commands.stats import StatsCommand
from contentpack.spl.commands.timebins import TimechartCommand
from contentpack.spl.exprparser import expression_fields

_TRACED = (EvalCommand, RenameCommand)
_ALWAYS = frozenset({"_time", "_raw", "source", "sourcetype", "host", "index", "*"})


@dataclass(frozen=True)
class AbsentField:
    """A field the search ``use``s ("filters on" / "groups by") that no event carried."""

    name: str
    use: str
    command: str
    sources: tuple[str, ...]  # the event fields it would come from (itself, or what rename/eval read)
    at: int = 0  # the command's place in the pipeline's commands


def _present_fields(expr: Expr) -> set[str]:
    """The fields a ``where`` expression reads but for those it reads only to keep events lacking them:
    ``isnull(x)``, ``NOT isnotnull(x)`` (through ``NOT``, ``AND``, ``OR``); ``isnotnull(x)`` and ``NOT isnull(x)``
    keep only events with ``x`` and count. A stack, not recursion: a long ``AND`` chain nests deep."""
    found: set[str] = set()
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, negated = stack.pop()
        if isinstance(node, Unary) and node.op == "NOT":
            stack.append((node.operand, not negated))
        elif isinstance(node, Binary) and node.op in ("AND", "OR"):
            stack.extend(((node.left, negated), (node.right, negated)))
        elif isinstance(node, Call) and node.name in ("isnull", "isnotnull") and len(node.args) == 1 \
                and isinstance(node.args[0], FieldRef):
            if (node.name == "isnotnull") != negated:
                found.add(node.args[0].name)
        else:
            found |= expression_fields(node)
    return found


def _uses(command: CommandNode) -> list[tuple[str, str]]:
    if isinstance(command, WhereCommand):
        return [(name, "filters on") for name in sorted(_present_fields(command.expr))]
    if isinstance(command, SearchCommand):
        return [(name, "filters on") for name in sorted(field_use(command).reads)]
    if isinstance(command, StatsCommand):
        return [(name, "groups by") for name in command.by]
    if isinstance(command, TimechartCommand) and command.by:
        return [(command.by, "groups by")]
    if isinstance(command, ChartCommand):
        return [(name, "groups by") for name in command.splits()]
    return []


def _lineage(command: CommandNode, name: str) -> frozenset[str] | None:
    """The fields arriving at ``command`` that ``name`` after it comes from (None: cannot tell).

    ``requires`` answers for a whole set and adds what the command itself needs (a ``search`` needs its own
    fields whatever comes after); the difference with what it needs for nothing isolates ``name``'s share.
    """
    if isinstance(command, EvalCommand):  # its requires keeps every expression's inputs: trace the one chain
        fields = {name}
        for target, expr in reversed(command.assignments):
            if target in fields:
                fields.discard(target)
                fields |= expression_fields(expr)
        return frozenset(fields)
    with_name = command.requires(frozenset({name}))
    alone = command.requires(frozenset())
    if with_name is None or alone is None:
        return None
    return (with_name - alone) | (frozenset({name}) & with_name)


def _sources(name: str, earlier: Sequence[CommandNode]) -> frozenset[str] | None:
    """The event fields ``name`` can come from through ``earlier`` (None: cannot tell)."""
    current = frozenset({name})
    for command in reversed(earlier):
        step: set[str] = set()
        for field in current:
            lineage = _lineage(command, field)
            if lineage is None:
                return None
            step |= lineage
        current = frozenset(step)
    return current


def _candidates(pipeline: Pipeline) -> Iterator[AbsentField]:
    """Every field use the pipeline filters or groups on with the event fields it can come from, whether or
    not an event has them (uses no earlier command produces and whose sources can be told)."""
    for index, command in enumerate(pipeline.commands):
        if not isinstance(command, CommandNode):
            continue
        earlier = [c for c in pipeline.commands[:index] if isinstance(c, CommandNode)]
        # eval and rename outputs are traced back to their inputs; any other command's outputs (fillnull,
        # lookup, stats) exist whatever the events held
        produced = set().union(*(field_use(c).produces for c in earlier if not isinstance(c, _TRACED)))
        for name, use in _uses(command):
            if name in _ALWAYS or "*" in name or name in produced:
                continue
            sources = _sources(name, earlier)
            if sources is None or not (sources - _ALWAYS):
                continue
            yield AbsentField(name, use, command.name, tuple(sorted(sources)), index)


def asked_fields(pipeline: Pipeline) -> frozenset[str]:
    """The event fields :func:`absent_fields` asks about: which of these some event has is all it needs to
    know, so finding out reads only them (none at all for a search that names no field)."""
    return frozenset(source for candidate in _candidates(pipeline) for source in candidate.sources)


def absent_fields(pipeline: Pipeline, seen: Collection[str]) -> list[AbsentField]:
    """Fields the pipeline filters or groups on that none of the ``seen`` event fields can supply."""
    out: list[AbsentField] = []
    reported: set[str] = set()
    for candidate in _candidates(pipeline):
        if candidate.name not in reported and not any(field in seen for field in candidate.sources):
            reported.add(candidate.name)
            out.append(candidate)
    return out


def reads_risk(pipeline: Pipeline) -> bool:
    """Whether the pipeline reads ES's risk index (``| from datamodel Risk.All_Risk``, a correlation search's
    start) rather than events: the fields it filters and groups on are then risk events' fields."""
    return isinstance(pipeline.commands[0], FromDatamodelCommand)


def first_filter(pipeline: Pipeline) -> int | None:
    """Where the pipeline's first ``search`` or ``where`` command on a field is (its place in
    ``pipeline.commands``): in ``* | where usr="x"`` the ``where``, the ``*`` naming none."""
    return next((index for index, command in enumerate(pipeline.commands)
                 if isinstance(command, (SearchCommand, WhereCommand))
                 and any(name not in _ALWAYS for name, _ in _uses(command))), None)


def up_to(pipeline: Pipeline, last: int) -> Pipeline:
    """The pipeline's commands up to ``last``, then ``head 1``: run, whether any event gets that far."""
    return Pipeline((*pipeline.commands[:last + 1], HeadCommand("head", len(pipeline.text), count=1)), pipeline.text)
