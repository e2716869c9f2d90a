"""The pack's macros as the SPL engine takes them: one home for validate (SPL checks) and replay.

Keyed as macros.conf stanzas (``name`` or ``name(N)``), plus the ``<stem>_filter`` macro the build generates
for every detection (``search *``, as contentctl does) unless the pack defines it; and what a tuned filter macro
dropped (``filter_drop``, ``dropped_by``), which replay and backtest both say when a detection returned nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contentpack.content.model import Detection, Macro, Pack
from contentpack.spl.errors import SplError
from contentpack.spl.macros import MacroDef

if TYPE_CHECKING:  # validate imports this module, and runs no search: the engine is imported by what runs one
    from contentpack.spl.engine import Engine

FILTER_DEFINITION = "search *"


def pack_macros(pack: Pack) -> dict[str, MacroDef]:
    """The pack's macros keyed as macros.conf stanzas, plus a ``search *`` filter macro per detection."""
    macros: dict[str, MacroDef] = {}
    for macro in pack.macros:
        definition = MacroDef(macro.name, tuple(macro.arguments), macro.definition)
        macros[definition.key] = definition
    for detection in pack.detections:
        macros.setdefault(detection.filter_macro, MacroDef(detection.filter_macro, (), FILTER_DEFINITION))
    return macros


@dataclass(frozen=True)
class FilterDrop:
    """The rows a detection's search returns with its filter macro's call as ``search *`` (the build's own
    definition) where, with the pack's tuned definition, it returned none."""

    macro: Macro  # the pack's definition (macros/<stem>_filter.yml)
    results: int

    def said(self, over: str, fix: str) -> str:
        """``no results, but 2 result(s){over} with the filter macro `x_filter` as 'search *' (the build's default):
        its definition in macros/x_filter.yml drops them; {fix}``: one wording for replay and backtest."""
        them = "it" if self.results == 1 else "them"
        return (f"no results, but {self.results} result(s){over} with the filter macro `{self.macro.name}` as "
                f"{FILTER_DEFINITION!r} (the build's default): its definition in {self.macro.source.path} drops "
                f"{them}; {fix}")


def filter_drop(pack: Pack, engine: Engine, detection: Detection, now: float) -> FilterDrop | None:
    """What the pack's definition of the detection's filter macro dropped over the events ``engine`` holds: the
    detection's search run over all time at ``now`` with the macro's call as ``search *`` (``dropped_by``)."""
    return dropped_by(pack, detection, rows_over(engine, now))


# How many rows a detection's search, the text given (its filter macro as ``search *``), returns: given the detection
# too, for a caller that keeps each detection's answer under its name (``backtest --splunk``'s checkpoint)
RowsOf = Callable[[Detection, str], int]


def rows_over(engine: Engine, now: float) -> RowsOf:
    """How many rows a search returns over all the events ``engine`` holds, all time at ``now`` (``dropped_by``'s
    ``rows_of`` for the embedded engine)."""
    return lambda _detection, search: len(engine.search(search, earliest=None, latest=None, now=now).rows)


def dropped_by(pack: Pack, detection: Detection, rows_of: RowsOf) -> FilterDrop | None:
    """What the pack's definition of the detection's filter macro dropped: ``rows_of`` the detection's search with
    the macro's call as ``search *`` (the embedded engine's over the events it holds, or a Splunk's over its index:
    the caller's; an ``SplError`` is the search's own fault, which its runs report). None when the pack does not
    tune the macro (or tunes it as ``search *``), the search does not call it, or nothing would be returned
    without it either: then no search is run. A tuned allowlist holding the users of the logs silences a detection
    with no word of the macro: the search and the data are unchanged, so the macro is the one thing to look at."""
    macro = next((m for m in pack.macros if m.name == detection.filter_macro and not m.arguments), None)
    call = f"`{detection.filter_macro}`"
    if macro is None or macro.definition.strip() == FILTER_DEFINITION or call not in detection.search:
        return None
    try:
        results = rows_of(detection, detection.search.replace(call, FILTER_DEFINITION))
    except SplError:  # the search's own run reports it
        return None
    return FilterDrop(macro, results) if results else None
