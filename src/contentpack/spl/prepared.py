"""A search prepared for many runs over slices of the same events: its per-event work done once per event.

A scheduled search runs hundreds of times over overlapping windows, so each event passes through the same
leading per-event commands (``rename``, ``eval``, ``where``, ``lookup``, ...) at every run whose window holds
it. Those commands give an event the same output whatever the run, as long as none of them reads the run's
time (``now()``, a time modifier, the time range) or runs a subsearch; ``Engine.prepare`` runs the base
search and that leading part once per event, and ``Engine.search_prepared`` runs only the rest at each run,
over copies of the outputs of the events in the run's window. The rows are the same as running the whole
search over those events: the per-event commands see each event on its own (``CommandSpec.streaming``), in
the same order, with the same search-time knowledge.

A correlation search starting with ``| from datamodel Risk.All_Risk`` is prepared the same way over the risk
events: its runs read a risk index that grows between them, so each risk event is prepared when it is first
needed and its outputs are kept for every later run (``Prepared.extended``).

The leading commands left to each run that read only their input rows (``Prepared.run_free``: ``stats``,
``eventstats``, ``sort``... over per-event commands) make the same rows of the same outputs at every run, so a
caller running many windows over the same events may keep those rows from an earlier run
(``Engine.run_free_rows``) and run only the commands after them (``Engine.finish_prepared``): a correlation
that reads the run's time in its last ``where`` (``relative_time(now(), ...)``) runs only that ``where`` and
what follows it again. When no command left reads the run (``Prepared.same_rows_for_same_outputs``), two runs
given the same outputs return the same rows.

This module decides which leading commands qualify (``run_independent_prefix``) and holds the prepared
outputs (``Prepared``); the engine does the running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from contentpack.spl.ast import Command, Pipeline
from contentpack.spl.commands import get_command
from contentpack.spl.commands.base import CommandNode
from contentpack.spl.commands.search import SearchCommand
from contentpack.spl.functions.time import RUN_TIME_FUNCTIONS
from contentpack.spl.values import Event

__all__ = ["Prepared", "run_independent_prefix"]

# Commands whose output for one event depends only on that event, the engine's knowledge objects (lookups,
# event types) and its time zone -- never on the run (``now``, the time range) nor on other events. A command
# missing here just ends the prepared part (it then runs at every run, as before).
_PER_EVENT = frozenset({
    "eval", "where", "search", "rename", "fillnull", "rex", "regex", "lookup", "spath", "replace", "convert",
    "makemv", "mvexpand", "fromjson", "xmlkv", "fields", "table",
})


def _reads_run(command: Command) -> bool:
    """Whether a command holds a subsearch or calls a function of the run's time (anywhere inside)."""
    return command.holds_subsearch or not RUN_TIME_FUNCTIONS.isdisjoint(command.functions_called)


# Commands whose rows depend on their input rows and the engine's knowledge objects alone: besides the
# per-event ones, those that see all their input at once but, like them, never read the run (``RunContext``'s
# ``now``, time range, risk index or searches). ``bin``/``timechart`` (the time range) and ``from``/
# ``makeresults`` (the run's time and risk index) do, so they are not here.
_INPUT_ONLY = _PER_EVENT | {"stats", "eventstats", "streamstats", "sort", "dedup", "head", "tail"}


def _reads_input_only(command: Command) -> bool:
    """Whether ``command``'s rows depend only on its input rows (see ``_INPUT_ONLY``), whatever the run."""
    if command.name not in _INPUT_ONLY:
        return False
    if isinstance(command, SearchCommand) and command.bounds.bounded:
        return False  # time modifiers resolve against the run's time
    return not _reads_run(command)


def _run_independent(command: Command) -> bool:
    spec = get_command(command.name)
    if spec is None or command.name not in _PER_EVENT or not spec.streams(command):  # type: ignore[arg-type]
        return False
    return _reads_input_only(command)


def run_independent_prefix(commands: Sequence[Command]) -> int:
    """How many of the leading ``commands`` (those after the base search) can be run once per event."""
    count = 0
    for command in commands:
        if not _run_independent(command):
            break
        count += 1
    return count


@dataclass(frozen=True)
class Prepared:
    """``pipeline`` with its first command (a base search, or ``from datamodel`` but for its window) and its
    next ``done`` commands already run: ``outputs[i]`` holds what they made of the ``i``-th event given to
    ``Engine.prepare`` (none when the event is dropped, several after ``mvexpand``). Outputs are shared
    between runs: a run works on copies."""

    pipeline: Pipeline
    done: int
    outputs: tuple[tuple[Event, ...], ...]

    @property
    def first(self) -> CommandNode:
        first = self.pipeline.commands[0]
        assert isinstance(first, CommandNode)  # the parser builds command nodes only
        return first

    @property
    def rest(self) -> tuple[Command, ...]:
        """The commands each run still runs."""
        return self.pipeline.commands[1 + self.done:]

    @cached_property
    def run_free(self) -> int:
        """How many of the leading commands each run still runs (``rest``) make the same rows and job messages of
        the same outputs (the same events in the same order, each inside its run's window), whatever the run's
        time and time range: they read only their input rows (``_INPUT_ONLY``). A scheduled search's runs
        overlap, so most see the very events the run before saw; such runs need not run these again."""
        count = 0
        for command in self.rest:
            if not _reads_input_only(command):
                break
            count += 1
        return count

    @property
    def same_rows_for_same_outputs(self) -> bool:
        """Whether two runs given the same outputs return the same rows and job messages: every command each
        run still runs is ``run_free``."""
        return self.run_free == len(self.rest)

    def extended(self, more: "Prepared") -> "Prepared":
        """These outputs followed by ``more``'s: the same search prepared over further events (risk events
        written since), so the events already prepared are not run again."""
        assert more.pipeline is self.pipeline and more.done == self.done
        return Prepared(self.pipeline, self.done, self.outputs + more.outputs)
