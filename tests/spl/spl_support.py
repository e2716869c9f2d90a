"""Shared helpers for the SPL engine tests: the real sample events, ESCU macros, the add-on emulation."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from contentpack.spl import Engine, MacroDef, SplUnsupportedError
from contentpack.spl.values import Event

if TYPE_CHECKING:
    from _typeshed import TraceFunction

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATA = FIXTURES / "splunk_security_content"  # third-party files with their licence (tests/fixtures/README.md)
SAMPLE_LOGS = FIXTURES / "splunk_security_content" / "azure_monitor_aad_example_logs.jsonl"
NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z, after every sample event

# ESCU's macros as security_content defines them (escu_format.md §2 / spl_semantics.md §A).
ESCU_MACROS = {
    "azure_monitor_aad": MacroDef("azure_monitor_aad", (), "sourcetype=azure:monitor:aad"),
    "security_content_ctime(1)": MacroDef(
        "security_content_ctime", ("field",), 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)'
    ),
}

# The Splunk Add-on for Microsoft Cloud Services' search-time fields (azure_monitor_aad.md §3).
ADDON_ALIASES = (
    ("tenantId", "dest"),
    ("tenantId", "vendor_account"),
    ("callerIpAddress", "src"),
    ("operationName", "signature"),
)
ADDON_CALCULATED = (
    ("vendor_product", '"Azure AD"'),
    (
        "user",
        "coalesce('properties.initiatedBy.user.userPrincipalName', 'properties.userPrincipalName', "
        "'properties.servicePrincipalName')",
    ),
)


def filter_macro(name: str) -> MacroDef:
    """contentctl's generated ``<detection>_filter`` macro: ``search *``."""
    return MacroDef(name, (), "search *")


def make_engine(events: list[Event] | None = None, *, macros: dict[str, MacroDef] | None = None) -> Engine:
    """An engine over in-memory events (each needs ``_time``)."""
    engine = Engine(macros)
    if events is not None:
        engine.register_events(events, sourcetype="test", source="test", index="main")
    return engine


def pivoted_counts(stats: list[dict[str, Any]], row: str, column: str) -> dict[Any, dict[str, int]]:
    """``stats count by <row> <column>`` rows as {row value: {column value as text: count}}: what chart and
    timechart show as a table (their equivalence tests compare the two)."""
    table: dict[Any, dict[str, int]] = {}
    for result in stats:
        table.setdefault(result[row], {})[str(result[column])] = result["count"]
    return table


def rows(engine: Engine, text: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Result rows as plain dicts (tests index and measure the values they expect)."""
    return engine.search(text, now=NOW, **kwargs).rows


def azure_sample_engine() -> Engine:
    """The 16 real sample events with ESCU macros and the add-on's search-time fields registered."""
    engine = Engine(dict(ESCU_MACROS))
    engine.register_events(SAMPLE_LOGS, sourcetype="azure:monitor:aad", source="Azure AD")
    engine.register_search_time("azure:monitor:aad", ADDON_ALIASES, ADDON_CALCULATED)
    return engine


def event(time: float, **fields: object) -> Event:
    """An event with ``_time``, a JSON ``_raw`` and the given fields (tuples are multivalues)."""
    import json

    record: Event = {k: v for k, v in fields.items()}  # type: ignore[misc]
    raw = json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()})
    record["_raw"] = raw
    record["_time"] = time
    return record


def assert_input_refused(error: SplUnsupportedError, command: str, name: str, count: int, text: str) -> None:
    """``error`` is ``base.single_input``'s refusal of the multivalue ``mv`` (``count`` values) by the command
    ``name``, written as ``| {command}`` last in ``text``: the message names command, field and count, says the
    page is silent, offers the forms that give one value, and points at the command's column."""
    assert error.message.startswith(
        f"{name}: a multivalue input field ({count} values) is not supported ('mv'): the {name} page says nothing "
        "of a multivalue input")
    for form in ("eval mv=mvindex(mv, 0)", "eval mv=mvjoin(mv, <delimiter>)", "mvexpand mv"):
        assert form in error.message
    assert (error.command, error.column) == (name, text.rindex(f"| {command}") + 3)


def lines_executed(run: Callable[[], object]) -> int:
    """How many Python lines ``run()`` executes (``sys.settrace`` line events): a measure of work that, unlike a
    clock, does not depend on the machine or its load, so a test can tell a pass per item from a pass per pair
    by how it grows with the input."""
    count = 0

    def tracer(frame: FrameType, what: str, arg: Any) -> TraceFunction:
        nonlocal count
        if what == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(previous)
    return count
