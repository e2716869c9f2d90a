"""How much work one search may do: regex time, generated rows, multivalue sizes, wall-clock time.

Why: a search is data an author (or an attacker who controls a pack under review) writes. Without bounds one
``search _raw=*e*e*e*e*zzz``, ``makeresults count=100000000`` or ``eval x=mvrange(0, 1e9)`` stalls a CI run
or a backtest. Each bound fails with an :class:`SplRuntimeError` that names the command and its column and
says which limit to raise; nothing is cut short silently.

The limits of the search being run live in a context variable, set by ``Engine.search`` for the time the
search runs, so the regex wrapper and the eval functions read them without every call site passing them.
Defaults are generous for real detections (which match a few patterns per event, generate a handful of rows
and hold multivalues of tens of values).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from contentpack.spl.errors import SplError, SplRuntimeError, count_text


@dataclass(frozen=True)
class Limits:
    """Per-search bounds (``Engine(limits=Limits(...))``, ``contentpack search --max-...``)."""

    #: wall-clock seconds one search may run (0 = no limit)
    search_seconds: float = 300.0
    #: seconds one regular-expression match of one value may take (backtracking patterns stop here)
    regex_seconds: float = 1.0
    #: rows a generating command may produce (``makeresults count=``)
    max_generated_rows: int = 1_000_000
    #: values one multivalue field may hold when a function builds it (``mvrange``, ``split``...)
    max_mv_values: int = 100_000

    def __post_init__(self) -> None:
        for name in ("search_seconds", "regex_seconds", "max_generated_rows", "max_mv_values"):
            value = getattr(self, name)
            if not math.isfinite(value):  # nan compared as no limit at all, inf as no time (every regex timed out)
                raise SplError(f"limit {name} must be a finite number, not {value} (0 is no limit)")
            if value < 0:
                raise SplError(f"limit {name} must not be negative")


T = TypeVar("T")
_CURRENT: ContextVar["Budget"] = ContextVar("spl_budget")


class Budget:
    """The limits of the running search plus its deadline."""

    __slots__ = ("limits", "deadline")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.search_seconds if limits.search_seconds else None

    def check_time(self, command: str, offset: int | None) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SplRuntimeError(
                f"the search ran longer than its budget of {self.limits.search_seconds:g} s "
                "(raise Limits.search_seconds / --max-search-seconds)", offset=offset, command=command)


def current() -> Budget:
    """The running search's budget (default limits outside a search, e.g. a direct eval in a test)."""
    budget = _CURRENT.get(None)
    if budget is None:
        budget = Budget(Limits())
        _CURRENT.set(budget)
    return budget


class running:
    """``with running(limits): ...`` — the limits in force while a search runs."""

    def __init__(self, limits: Limits) -> None:
        self.budget = Budget(limits)

    def __enter__(self) -> Budget:
        self._token = _CURRENT.set(self.budget)
        return self.budget

    def __exit__(self, *exc: object) -> None:
        _CURRENT.reset(self._token)


_CHECK_EVERY = 64  # events between clock reads: reading the clock per event would cost more than it saves


def timed(events: Iterator[T], command: str, offset: int | None) -> Iterator[T]:
    """Pass events through, checking the search's deadline every few events."""
    budget = current()
    if budget.deadline is None:
        yield from events
        return
    count = 0
    for event in events:
        count += 1
        if count >= _CHECK_EVERY:
            count = 0
            budget.check_time(command, offset)
        yield event
    budget.check_time(command, offset)


def check_generated(count: int, command: str, offset: int | None) -> None:
    cap = current().limits.max_generated_rows
    if count > cap:
        raise SplRuntimeError(f"{command}: {count_text(count)} rows exceed the limit of {count_text(cap)} generated "
                              "rows (raise Limits.max_generated_rows / --max-generated-rows)", offset=offset,
                              command=command)


def check_mv_size(count: int, what: str) -> None:
    cap = current().limits.max_mv_values
    if count > cap:
        raise SplRuntimeError(f"{what}: {count_text(count)} values exceed the limit of {count_text(cap)} values in "
                              "one multivalue field (raise Limits.max_mv_values / --max-mv-values)")
