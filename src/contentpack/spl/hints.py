"""Why did a search return nothing? Fields it filters or groups on that no event could have supplied.

Splunk answers a search over a missing field with zero results and no complaint, which is how a search that
depends on an add-on's search-time fields (``user``, ``dest``) silently finds nothing when the add-on is not
installed. This module names such fields so a command-line tool can print a hint.

A field counts as *filtered on* when a ``search`` or ``where`` command reads it and cannot keep an event without it
(``_needed``: ``where isnull(x)``, ``NOT x=1`` or ``isnull(a) OR b=1`` keep events lacking the fields, so no field
there is a typo to hint at; ``x=1 y=2`` keeps none lacking either), or, when the caller can run the search
(``Keeps``), a ``search`` or ``where`` that can pass without it, ``usr=foo OR user=x``, kept no event, and would
keep one were the field's comparisons true (``_emptied_by``), and
*grouped on* when it is a ``by`` field of ``stats``/``eventstats``/``streamstats``/``timechart`` or a split field
of ``chart`` (its row split groups as a ``stats`` ``by`` field does, its column split as a ``timechart`` ``by``
field). It is *absent* when no earlier command produces it and none of the event fields it could come from
(walking the earlier commands' ``requires`` back: ``rename properties.* as *`` makes ``user`` come from ``user`` or
``properties.user``) appears in any event (a field made by ``eval`` is traced to the fields its expression
reads; one made from a constant, ``eval flag=1``, or from a field another command makes, ``eventstats count as n |
eval m=n-1``, exists whatever the events held). Earlier commands that need every field (``requires`` None) make the
answer unknown, and the field is not reported. ``unmade_fields``: those a filter reads that no event can supply
whatever the logs hold (after ``stats``), even behind ``NOT``.

When the search did return rows (an aggregate answers one, ``count`` 0, over no event), only the first
``search``/``where`` that can fail for lack of a field matters, and only if it kept no event: ``up_to`` gives the
search to run to find out.

Each absent field names the field the author most likely meant (``suggest.closest``): of the fields the events
have (a sample's, ``Engine.field_names``), as the search sees them where it uses the field (renamed by the earlier
``rename`` commands: after ``rename properties.* as *``, ``reslt`` is told ``result``, the name to write there, not
the event's ``properties.result``), and the fields earlier commands make.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import reduce
from typing import TYPE_CHECKING

from contentpack.spl.ast import (Binary, Call, Command, Expr, FieldIn, FieldMatch, FieldRef, MatchAll, Pipeline,
                                 SearchAnd, SearchExpr, SearchNot, SearchOr, Unary, any_node)
from contentpack.spl.commands import field_use, get_command
from contentpack.spl.commands.base import CommandNode
from contentpack.spl.commands.chart import ChartCommand
from contentpack.spl.commands.eval import EvalCommand
from contentpack.spl.commands.fieldops import RenameCommand, renamed
from contentpack.spl.commands.ordering import HeadCommand
from contentpack.spl.commands.search import SearchCommand, WhereCommand
from contentpack.spl.commands.sources import FromDatamodelCommand
from contentpack.spl.commands.stats import StatsCommand
from contentpack.spl.commands.timebins import TimechartCommand
from contentpack.spl.exprparser import expression_fields
from contentpack.spl.matching import compile_search
from contentpack.spl.searchparser import search_fields
from contentpack.spl.suggest import closest, meaning

if TYPE_CHECKING:  # only annotations: validate's rules use the hints on parsed searches, with no engine
    from contentpack.spl.engine import Engine

_TRACED = (EvalCommand, RenameCommand)
_ALWAYS = frozenset({"_time", "_raw", "source", "sourcetype", "host", "index", "*"})

#: Whether a pipeline keeps any event (run over the search's events and time range): the caller's.
Keeps = Callable[[Pipeline], bool]


@dataclass(frozen=True)
class AbsentField:
    """A field the search ``use``s ("filters on" / "groups by") that no event carried."""

    name: str
    use: str
    command: str
    sources: tuple[str, ...]  # the event fields it would come from (itself, or what rename/eval read)
    at: int = 0  # the command's place in the pipeline's commands
    meant: str | None = None  # the field the search has there with the closest name (``absent_in``)
    misspelt: str | None = None  # the source ``meant`` is close to, for a field made only from others (``_meant``)

    def said(self, opening: str, where: str = "") -> str:
        """``<opening> filters on 'usr' (search), a field no event has<where>``, for a field the search makes
        from others, ``(nor properties.usr, which it would come from)``, and when one is close, ``(did you mean
        'user'?)``, or, for a field made only from others, the event field one of them misspells, in those
        parentheses (``...userPrincipalNam, which it would come from; did you mean '...userPrincipalName'?``):
        one wording for every hint."""
        others = [s for s in self.sources if s != self.name]
        if not others:
            return f"{opening} {self.use} '{self.name}' ({self.command}), a field no event has{where}" \
                   f"{meaning(self.meant)}"
        hint = meaning(self.meant)
        if self.misspelt is not None and self.meant is not None:
            hint = f"; did you mean '{self.meant}'" + (f" for {self.misspelt}" if len(others) > 1 else "") + "?"
        inside, after = (hint, "") if self.misspelt is not None else ("", hint)
        return f"{opening} {self.use} '{self.name}' ({self.command}), a field no event has{where}" \
               f" (nor {', '.join(others)}, which it would come from{inside}){after}"


@dataclass(frozen=True)
class _Outcome:
    """What a filter gives an event lacking the ``absent`` fields: ``passes`` True or False, or None when that
    depends on what else the event holds; ``fields`` the absent fields that decide it."""

    passes: bool | None
    fields: frozenset[str] = frozenset()


_UNKNOWN = _Outcome(None)


def _either(conjunction: bool, parts: Sequence[_Outcome]) -> _Outcome:
    """``AND`` (``conjunction``) or ``OR`` of ``parts``: one false part fails an ``AND`` and one true part passes an
    ``OR``, whatever the others give (the absent fields of every such part decide it); else it is decided only when
    every part is."""
    deciding = not conjunction
    decided = [part for part in parts if part.passes is deciding]
    if not decided and all(part.passes is not None for part in parts):
        decided, deciding = list(parts), conjunction
    if not decided:
        return _UNKNOWN
    return _Outcome(deciding, frozenset().union(*(part.fields for part in decided)))


def _negated(outcome: _Outcome, times: int) -> _Outcome:
    if outcome.passes is None or times % 2 == 0:
        return outcome
    return _Outcome(not outcome.passes, outcome.fields)


def _unnegated(expr: Expr) -> tuple[Expr, int]:
    """``expr`` without the ``NOT``s before it, and how many there were."""
    times = 0
    while isinstance(expr, Unary) and expr.op == "NOT":
        expr, times = expr.operand, times + 1
    return expr, times


def _chain(expr: Binary) -> list[Expr]:
    """The parts of a chain of ``expr``'s operator (``a AND b AND ...``, nesting as deep as it is long), in order,
    gathered without recursing."""
    parts: list[Expr] = []
    pending: list[Expr] = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, Binary) and node.op == expr.op:
            pending.extend((node.right, node.left))
        else:
            parts.append(node)
    return parts


def _where_outcome(expr: Expr, absent: frozenset[str]) -> _Outcome:
    """A ``where`` expression over an event lacking the ``absent`` fields. ``isnull(x)`` is true and ``isnotnull(x)``
    false for an absent ``x``; any other part reading an absent field is false, as a comparison with nothing is (the
    evaluator's ``NOT`` of it true); a part reading none is unknown. A chain of one operator (``a AND b AND ...``,
    nesting as deep as it is long) is taken as one list of parts, as the evaluator does; only parentheses and
    calls, whose depth the parser bounds, recurse."""
    expr, times = _unnegated(expr)
    if isinstance(expr, Binary) and expr.op in ("AND", "OR"):
        return _negated(_either(expr.op == "AND", [_where_outcome(part, absent) for part in _chain(expr)]), times)
    if isinstance(expr, Call) and expr.name in ("isnull", "isnotnull") and len(expr.args) == 1 \
            and isinstance(expr.args[0], FieldRef):
        name = expr.args[0].name
        found = _Outcome(expr.name == "isnull", frozenset({name})) if name in absent else _UNKNOWN
        return _negated(found, times)
    missing = frozenset(expression_fields(expr)) & absent
    return _negated(_Outcome(False, missing) if missing else _UNKNOWN, times)


def _search_outcome(expr: SearchExpr, absent: frozenset[str]) -> _Outcome:
    """A ``search`` expression over an event lacking the ``absent`` fields: ``field=value``, ``field!=value`` and
    ``field IN (...)`` are false for it, ``NOT field=value`` true (Search Manual, "Difference between NOT and !=");
    ``*`` is true; a term (it reads ``_raw``) or a subsearch is unknown."""
    times = 0
    while isinstance(expr, SearchNot):
        expr, times = expr.operand, times + 1
    if isinstance(expr, (SearchAnd, SearchOr)):
        outcome = _either(isinstance(expr, SearchAnd), [_search_outcome(part, absent) for part in expr.operands])
    elif isinstance(expr, (FieldMatch, FieldIn)) and expr.field in absent:
        outcome = _Outcome(False, frozenset({expr.field}))
    elif isinstance(expr, MatchAll):
        outcome = _Outcome(True)
    else:
        outcome = _UNKNOWN
    return _negated(outcome, times)


def _needed(command: Command, absent: frozenset[str]) -> frozenset[str]:
    """Of the ``absent`` fields a filter reads, those without which it keeps no event: all of them when the filter
    fails for an event lacking them, else none (``where isnull(a) OR b=1`` keeps the events lacking ``a`` and
    ``b``, so neither is why it kept none). A command that does not filter needs every field it uses."""
    if isinstance(command, WhereCommand):
        outcome = _where_outcome(command.expr, absent)
    elif isinstance(command, SearchCommand):
        outcome = _search_outcome(command.expr, absent)
    else:
        return absent
    return outcome.fields if outcome.passes is False else frozenset()


def _uses(command: CommandNode) -> list[tuple[str, str]]:
    if isinstance(command, WhereCommand):
        return [(name, "filters on") for name in sorted(expression_fields(command.expr))]
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
                read = expression_fields(expr)
                if not read:  # ``eval flag=1``: made whatever the events held
                    return None
                fields.discard(target)
                fields |= read
        return frozenset(fields)
    if isinstance(command, RenameCommand):  # its requires keeps the old names too: trace where each name goes
        return _renamed_from(command.pairs, name)
    with_name = command.requires(frozenset({name}))
    alone = command.requires(frozenset())
    if with_name is None or alone is None:
        return None
    return (with_name - alone) | (frozenset({name}) & with_name)


def _renamed_from(pairs: Sequence[tuple[str, str]], name: str) -> frozenset[str]:
    """The fields arriving at ``rename`` of the ``pairs`` that ``name`` after it comes from, each pair undone in
    turn (``fieldops.rename_event``): the field a pair renames to ``name``; ``name`` itself unless a pair renames it
    away (Search Reference, rename: after ``rename EU* AS EMEA*`` "the results show these field names: EMEA_UK,
    EMEA_DE, EMEA_PL", the old names gone), or, without a wildcard, renames to it
    (the target is emptied when the source is missing: "If fieldB does exist, ... the data in fieldB is removed").
    After ``rename properties.* as *``, ``result`` comes from ``properties.result`` or ``result``, and
    ``properties.result`` from none the events usually have (``properties.properties.result``)."""
    current = frozenset({name})
    for source, target in reversed(pairs):
        step: set[str] = set()
        for field in current:
            back = renamed(target, source, field)
            away = renamed(source, target, field)
            step |= {back} if back is not None else set()
            if (away is None or away == field) and (back is None or "*" in source):
                step.add(field)
        current = frozenset(step)
    return current


def _sources(name: str, earlier: Sequence[CommandNode]) -> frozenset[str] | None:
    """The event fields ``name`` can come from through ``earlier`` (None: cannot tell, or it comes from a field an
    earlier command other than ``eval``/``rename`` makes whatever the events held: ``eventstats dc(x) as n | eval
    m=n-1`` makes ``m``, as ``_candidates`` takes ``n`` itself to be made)."""
    current = frozenset({name})
    for command in reversed(earlier):
        if not isinstance(command, _TRACED) and current & field_use(command).produces:
            return None
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
            if sources is None or (sources and not (sources - _ALWAYS)):  # none: a rename took the name away
                continue
            yield AbsentField(name, use, command.name, tuple(sorted(sources)), index)


def asked_fields(pipeline: Pipeline) -> frozenset[str]:
    """The event fields :func:`absent_fields` asks about: which of these some event has is all it needs to
    know, so finding out reads only them (none at all for a search that names no field)."""
    return frozenset(source for candidate in _candidates(pipeline) for source in candidate.sources)


def absent_fields(pipeline: Pipeline, seen: Collection[str], keeps: Keeps | None = None) -> list[AbsentField]:
    """Fields the pipeline filters or groups on that none of the ``seen`` event fields can supply; of those a
    filter reads, only the ones it cannot keep an event without (``_needed``), and, given ``keeps``, those of a
    ``search`` that can pass without them but kept no event for want of them (``_emptied_by``)."""
    missing = [candidate for candidate in _candidates(pipeline)
               if not any(field in seen for field in candidate.sources)]
    needed: dict[int, frozenset[str]] = {}
    for at in sorted({candidate.at for candidate in missing}):
        names = frozenset(c.name for c in missing if c.at == at)
        needed[at] = _needed(pipeline.commands[at], names) or (
            frozenset() if keeps is None else _emptied_by(pipeline, at, names, keeps))
    out: list[AbsentField] = []
    reported: set[str] = set()
    for candidate in missing:
        if candidate.name not in reported and candidate.name in needed[candidate.at]:
            reported.add(candidate.name)
            out.append(candidate)
    return out


def _emptied_by(pipeline: Pipeline, at: int, names: frozenset[str], keeps: Keeps) -> frozenset[str]:
    """Of the absent ``names`` the ``search`` or ``where`` at ``at`` reads and can pass without (another branch of
    an ``OR``: ``usr=foo OR user=x``, ``where usr="foo" OR user="x"``), those it kept no event for want of: the
    search up to it keeps none, and keeps one when the comparisons on that field alone are taken to hold
    (``_held``; ``NOT usr=foo`` then fails, so a field whose absence only lets events through is never named)."""
    command = pipeline.commands[at]
    if not isinstance(command, (SearchCommand, WhereCommand)) or keeps(up_to(pipeline, at)):
        return frozenset()
    return frozenset(name for name in names if keeps(up_to(replace(pipeline, commands=(
        *pipeline.commands[:at], _held(command, name), *pipeline.commands[at + 1:])), at)))


def _held(command: SearchCommand | WhereCommand, name: str) -> SearchCommand | WhereCommand:
    """The filter with every comparison on the field ``name`` taken to hold."""
    if isinstance(command, WhereCommand):
        return replace(command, expr=_where_holding(command.expr, name))
    return replace(command, expr=_holding(command.expr, name))


def _where_holding(expr: Expr, name: str) -> Expr:
    """``expr`` with every part reading the field ``name`` as ``true()``: the parts ``_where_outcome`` takes in
    turn (what ``AND``, ``OR`` and ``NOT`` join: ``usr="foo"``, ``isnull(usr)``, ``len(usr)>3``), a chain of one
    operator rebuilt as the parser nests it, one part after another."""
    inner, times = _unnegated(expr)
    if isinstance(inner, Binary) and inner.op in ("AND", "OR"):
        held: Expr = reduce(lambda left, right: Binary(inner.op, left, right, inner.offset),
                            [_where_holding(part, name) for part in _chain(inner)])
    elif name in expression_fields(inner):
        held = Call("true", (), inner.offset)
    else:
        return expr
    for _ in range(times):
        held = Unary("NOT", held, expr.offset)
    return held


def _holding(expr: SearchExpr, name: str) -> SearchExpr:
    """``expr`` with every comparison on the field ``name`` (``=``, ``!=``, ``<``..., ``IN``) as ``*``: true."""
    if isinstance(expr, (FieldMatch, FieldIn)) and expr.field == name:
        return MatchAll(expr.offset)
    if isinstance(expr, SearchNot):
        return replace(expr, operand=_holding(expr.operand, name))
    if isinstance(expr, (SearchAnd, SearchOr)):
        return replace(expr, operands=tuple(_holding(operand, name) for operand in expr.operands))
    return expr


def absent_in(pipeline: Pipeline, engine: Engine, keeps: Keeps | None = None,
              present: Collection[str] | None = None) -> list[AbsentField]:
    """:func:`absent_fields` over the engine's events, each with the field it most likely meant: the events'
    fields are read (a sample) only when one is absent. ``keeps`` runs a probe pipeline over the search's events
    (whether it keeps any; ``search_keeps``): given, a ``search`` or ``where`` that kept no event for want of an
    ``OR`` branch's field names it. ``present``: which of :func:`asked_fields` some event has, when the caller
    found out as it read the events for something else (``Engine.survey``); else the events are read for it."""
    seen = engine.fields_present(asked_fields(pipeline)) if present is None else present
    return with_meaning(pipeline, engine, absent_fields(pipeline, seen, keeps))


def unmade_fields(pipeline: Pipeline) -> list[AbsentField]:
    """Fields a ``search`` or ``where`` filters on that no event can supply whatever the logs hold: the earlier
    commands leave none of the fields it could come from (after ``stats ... by user`` only its own fields are left;
    ``rename a as b`` takes ``a`` away). A comparison on one never holds, so ``appid=x`` keeps nothing and ``NOT
    appid=x`` excludes nothing: the misspelled exclusion of a tuning macro, which :func:`absent_fields` does not
    name (a filter that passes without a field names it only when the events could have had it)."""
    return [candidate for candidate in _candidates(pipeline) if not candidate.sources and candidate.use == "filters on"]


def with_meaning(pipeline: Pipeline, engine: Engine, fields: list[AbsentField]) -> list[AbsentField]:
    """``fields`` each with the field it most likely meant (``_meant``): the engine's events' fields are read (a
    sample) only when there is one."""
    return with_meaning_from(pipeline, engine.field_names(), fields) if fields else fields


def with_meaning_from(pipeline: Pipeline, names: Collection[str], fields: list[AbsentField]) -> list[AbsentField]:
    """``fields`` each with the field it most likely meant (``_meant``) among the event fields ``names`` (without
    events, ``read_fields``: those the search names) and the fields the earlier commands make."""
    return [_with_meant(field, names, pipeline.commands[:field.at]) for field in fields]


def _with_meant(field: AbsentField, names: Collection[str], earlier: Sequence[Command]) -> AbsentField:
    """``field`` with the field it most likely meant. One an ``eval`` makes only from others (``eval
    user=lower(initiatedBy.user.userPrincipalNam)``) is no typo itself: what is misspelt is an event field it
    reads, so the closest event field to each of those is looked for (``properties.initiatedBy.user.
    userPrincipalName``); the name itself was compared, and a new user was offered ``src_user`` for ``user``."""
    made = any(isinstance(command, EvalCommand) and field.name in dict(command.assignments) for command in earlier)
    if not made or not field.sources or field.name in field.sources:  # a rename's field: the name to write there
        return replace(field, meant=_meant(field.name, names, earlier))
    for source in field.sources:
        meant = closest(source, set(names) - {source})
        if meant is not None:
            return replace(field, meant=meant, misspelt=source)
    return field


def read_fields(pipeline: Pipeline) -> frozenset[str]:
    """Every field a command of ``pipeline`` reads: the event fields a search names, for a did-you-mean without
    events (``stats count by user`` names ``user``, which is left after it)."""
    return frozenset().union(*(field_use(c).reads for c in pipeline.commands if isinstance(c, CommandNode)))


def _meant(name: str, names: Collection[str], earlier: Sequence[Command]) -> str | None:
    """The field the search most likely meant by ``name`` after the ``earlier`` commands: an event field of that
    name an earlier ``rename`` took away is there under its new name (after ``rename properties.* as *``,
    ``properties.result`` is ``result``); else the closest name the search has there (``_seen``)."""
    moved = name
    for command in earlier:
        if isinstance(command, RenameCommand):
            moved = _renamed(command.pairs, moved)
    if name in names and moved != name:
        return moved
    return closest(name, _seen(names, earlier) - {name})


def _seen(names: Iterable[str], earlier: Sequence[Command]) -> set[str]:
    """The event fields ``names`` as a command after ``earlier`` sees them: renamed by each ``rename`` in turn,
    less those a command drops (``_drops``: after ``stats count by app_id`` only ``app_id`` and ``count`` are
    left, so ``appid`` is told ``app_id``, not the events' ``appId``), with the fields the other commands make."""
    seen = set(names)
    for command in earlier:
        if isinstance(command, RenameCommand):
            seen = {_renamed(command.pairs, name) for name in seen}
        elif isinstance(command, EvalCommand):  # it registers no field use: its targets are what it makes
            seen |= {target for target, _ in command.assignments}
        elif isinstance(command, CommandNode):
            seen = {name for name in seen if not _drops(command, name)}
            seen |= {name for name in field_use(command).produces if "*" not in name}
    return seen


def _drops(command: CommandNode, name: str) -> bool:
    """Whether ``command`` leaves ``name`` out of what it passes on, as its ``requires`` says: a field needed after
    it that it does not ask for itself (``stats``, ``table``, ``fields``). A field it reads itself is taken as
    passed on (``eval x=lower(appId)`` keeps ``appId``; ``stats values(appId)`` does not, but nothing in
    ``requires`` tells the two apart)."""
    wanted = command.requires(frozenset({name}))
    if wanted is None or name in wanted:
        return False
    alone = command.requires(frozenset())
    return alone is not None and name not in alone


def _renamed(pairs: Sequence[tuple[str, str]], name: str) -> str:
    """``name`` after ``rename`` of the ``pairs``, applied in turn as the command does."""
    for source, target in pairs:
        new = renamed(source, target, name)
        name = name if new is None else new
    return name


def reads_risk(pipeline: Pipeline) -> bool:
    """Whether the pipeline reads ES's risk index (``| from datamodel Risk.All_Risk``, a correlation search's
    start), itself or in a subsearch (``append [| from datamodel Risk.All_Risk ...]``): the fields it filters and
    groups on are then risk events' fields, after the subsearch too."""
    return any_node(pipeline, lambda node: isinstance(node, FromDatamodelCommand))


def first_filter(pipeline: Pipeline) -> int | None:
    """Where the pipeline's first ``search`` or ``where`` command that can fail for lack of a field is (its place in
    ``pipeline.commands``): in ``* | where usr="x"`` the ``where``, the ``*`` naming none; ``where isnull(usr)``
    or ``NOT usr=x`` keeps the events lacking ``usr``, and is none."""
    for index, command in enumerate(pipeline.commands):
        if isinstance(command, (SearchCommand, WhereCommand)):
            named = frozenset(name for name, _ in _uses(command) if name not in _ALWAYS and "*" not in name)
            if _needed(command, named):
                return index
    return None


def kept_none_with(pipeline: Pipeline, probe: Pipeline) -> bool:
    """Whether ``probe`` keeps no event when ``pipeline`` returned no row: it is ``up_to(pipeline, last)``, and
    every command after ``last`` gives one row for each it is given (``eval``, ``table``: ``one_to_one``), so
    no row came back only if none got past ``last``. ``_emptied_by``'s first probe over ``usr=foo OR user=x``
    is the search itself, and need not read the events again. ``up_to`` keeps the pipeline's own commands, so they
    are told by identity (comparing a changed ``where`` of a long ``OR`` chain with the pipeline's would recurse as
    deep as the chain is long)."""
    commands = probe.commands[:-1]
    head = probe.commands[-1]
    return (isinstance(head, HeadCommand) and head.count == 1 and head.expr is None
            and len(commands) <= len(pipeline.commands)
            and all(mine is theirs for mine, theirs in zip(commands, pipeline.commands))
            and all(isinstance(command, CommandNode) and (spec := get_command(command.name)) is not None
                    and spec.one_to_one for command in pipeline.commands[len(commands):]))


def search_keeps(engine: Engine, pipeline: Pipeline, returned: bool, *, earliest: str | float | None,
                 latest: str | float | None, now: float) -> Keeps:
    """``Keeps`` for ``pipeline`` run over the engine's events from ``earliest`` to ``latest`` at ``now``: whether a
    probe keeps an event (``Engine.any_row``, reading up to the first), not asked of the events when the search,
    having ``returned`` no row, answered it itself (``kept_none_with``)."""
    def keeps(probe: Pipeline) -> bool:
        if not returned and kept_none_with(pipeline, probe):
            return False
        return engine.any_row(probe, earliest=earliest, latest=latest, now=now)
    return keeps


@dataclass(frozen=True)
class IndexHint:
    """A base search's ``index=`` that no event read is in: ``index`` is a field every event has (``_ALWAYS``), so
    :func:`absent_fields` never names it, yet a search of ``index=entra`` over events indexed in ``main`` finds
    nothing, with no error, as Splunk's does over an index holding no such event."""

    asked: tuple[str, ...]  # the indexes the search names (``index=entra``, ``index IN (a, b)``)
    carried: tuple[str, ...]  # the indexes of the events read

    def said(self, where: str) -> str:
        """``asks for index=entra, an index no event<where> is in (theirs: main)``, after who asks."""
        asked = " or ".join(f"index={name}" for name in self.asked)
        return f"asks for {asked}, an index no event{where} is in (theirs: {', '.join(self.carried)})"


def unmatched_index(pipeline: Pipeline, carried: Collection[str]) -> IndexHint | None:
    """The hint when the pipeline's base search (its first command, macros expanded) filters on ``index`` and none
    of the ``carried`` indexes (those of the events read) passes that filter: the parts of its top-level ``AND``
    that compare only ``index`` (``index=entra``, ``(index=a OR index=b)``), matched as the search matches them
    (wildcards, case). None when no event was read, or the search names no index it asks for (``NOT index=x``)."""
    parts = _index_parts(pipeline)
    asked = _asked(parts)
    if not carried or not asked:  # no event read, or only ``NOT index=x``
        return None
    matches = compile_search(SearchAnd(parts, parts[0].offset))
    if any(matches({"index": name}) for name in carried):
        return None
    return IndexHint(asked, tuple(sorted(set(carried))))


def asks_index(pipeline: Pipeline) -> tuple[str, ...]:
    """The indexes the pipeline's base search asks for (``unmatched_index``): none, and no hint to give, unless it
    names one, so that a caller reads which indexes its events are in only then."""
    return _asked(_index_parts(pipeline))


def _asked(parts: Sequence[SearchExpr]) -> tuple[str, ...]:
    """The indexes ``parts`` (``_index_parts``) ask for, each once, in order."""
    return tuple(sorted({value for part in parts for value in _asked_indexes(part)}))


def _index_parts(pipeline: Pipeline) -> tuple[SearchExpr, ...]:
    """The parts of the base search's top-level ``AND`` that compare only ``index``."""
    first = pipeline.commands[0] if pipeline.commands else None
    if not isinstance(first, SearchCommand):
        return ()
    operands = first.expr.operands if isinstance(first.expr, SearchAnd) else (first.expr,)
    return tuple(part for part in operands if search_fields(part) == {"index"})


def _asked_indexes(expr: SearchExpr) -> Iterator[str]:
    """The indexes ``expr`` asks for: the values of its ``index=`` and ``index IN`` outside a ``NOT``."""
    if isinstance(expr, FieldMatch) and expr.op == "=":
        yield expr.value
    elif isinstance(expr, FieldIn):
        yield from expr.values
    elif isinstance(expr, (SearchAnd, SearchOr)):
        for operand in expr.operands:
            yield from _asked_indexes(operand)


def up_to(pipeline: Pipeline, last: int) -> Pipeline:
    """The pipeline's commands up to ``last``, then ``head 1``: run, whether any event gets that far."""
    return Pipeline((*pipeline.commands[:last + 1], HeadCommand("head", len(pipeline.text), count=1)), pipeline.text)
