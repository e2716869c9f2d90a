"""Why did a detection raise nothing over the user's logs? A field its search filters or groups on that none of the
events read has, as ``search --events`` and ``replay`` tell it (``spl.hints``: one wording), placed where the field
is written: the user's own macro (``macros/<stem>_filter.yml``, where the pack's docs say to tune a detection) or
the detection's ``search``.

A field its search reads that the user's logs lack (a search-time field no data source of the pack defines, a
record's property their export does not hold) makes Splunk return nothing, with no error; the backtest then shows
a detection at 0 results beside the others, and the user cannot tell a quiet tenant from a missing field. Only
detections whose base search matched events but that returned nothing in any run are asked about (without a
matched event a detection's fields are absent because its records are: logs of sign-ins only), and of their fields
only those without which a filter keeps no event (``hints.absent_fields``): a field legitimately missing from this
tenant's logs behind ``NOT x=...`` or ``isnull(x)`` is not named. A correlation search reads risk events, not the
logs, and is not asked about. A typo in a tuning macro (``where appid!="..."`` or ``search NOT appid="..."`` after
the detection's ``stats``, where the results have ``app_id``) is a field no event can have there whatever the logs
hold: ``validate`` reports it (CP080, ``content.rules.unmade_filters``), and the backtest does not run such a pack.

A detection the pack tunes (``macros/<stem>_filter.yml``) whose runs returned nothing is run once more over all the
events kept with the macro as the build's ``search *`` (``spl_macros.filter_drop``, as the replay says it of a
test): when that returns rows, the tuning silenced the detection on these logs (``FilterHint``). ``backtest
--splunk`` asks its index the same (``silenced_by_tuning``, ``remote_backtest``).

Cost: the searches are analysed again (no event read); when a detection is asked about, one read of the events
kept (a small share of the lines: those some detection can match), of only the fields asked about, and a sample
for the did-you-mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from contentpack.content.diagnostics import Position
from contentpack.content.model import Detection, Pack
from contentpack.content.rules.spl_checks import Positions
from contentpack.content.rules.unmade_filters import written_at
from contentpack.content.spl_macros import FilterDrop, RowsOf, dropped_by, rows_over
from contentpack.replay.runner import INDEX_ADVICE, PACK_FIELD_ADVICE
from contentpack.spl import Engine, SplError
from contentpack.spl.ast import Pipeline
from contentpack.spl.hints import AbsentField, IndexHint, absent_in, asked_fields, reads_risk, unmatched_index
from contentpack.spl.values import Event

OPENING = "no results, and the search"
WHERE = " in the events read"
FILTER_OVER = " over the events kept"  # the events the backtest's runs searched
FILTER_FIX = "change the tuning if these should raise notables"


@dataclass(frozen=True)
class FieldHint:
    """A field a detection filters or groups on that no event read has."""

    detection: str
    field: AbsentField
    at: Position  # where the field is written: the macro's definition, else the detection's search

    def text(self) -> str:
        """``detections/cloud/x.yml:14:5: DETECTION: no results, and the search filters on 'usr' (where), a field
        no event has in the events read (did you mean 'user'?): a typo, or ...``."""
        return f"{self.at}: {self.detection}: {self.said()}"

    def said(self) -> str:
        """The message without where and which detection: ``no results, and the search filters on ...``, as
        report.html shows it beside them."""
        return f"{self.field.said(OPENING, WHERE)}{PACK_FIELD_ADVICE}"

    def as_json(self) -> dict[str, object]:
        return {"detection": self.detection, "field": self.field.name, "use": self.field.use,
                "command": self.field.command, "did_you_mean": self.field.meant, "path": self.at.path,
                "line": self.at.line, "col": self.at.col, "message": self.text()}


def field_hints(pack: Pack, engine: Engine, events: Sequence[Event], detections: Iterable[Detection],
                quiet: Iterable[str]) -> tuple[FieldHint, ...]:
    """The hints of the ``detections`` named in ``quiet`` (their base search matched events, and they returned
    none): the fields no event read has (``events``, with the fields detections read: which of the fields asked
    about some event has is found in one read of them for every such detection)."""
    silent = set(quiet)
    pipelines: list[tuple[Detection, Pipeline]] = []
    for detection in detections:
        if detection.name not in silent:
            continue
        try:
            pipeline = engine.parse(detection.search)
        except SplError:  # the simulation reports it as the detection's error
            continue
        if not reads_risk(pipeline):
            pipelines.append((detection, pipeline))
    over = engine.fork(events, ())
    present = over.fields_present(frozenset().union(*(asked_fields(pipeline) for _, pipeline in pipelines)))
    positions = Positions(Path(pack.root))
    return tuple(FieldHint(detection.name, field, written_at(pack, positions, detection, pipeline, field))
                 for detection, pipeline in pipelines for field in absent_in(pipeline, over, present=present))


def index_notes(engine: Engine, events: Sequence[Event], detections: Iterable[Detection]) -> tuple[str, ...]:
    """Per ``index=`` the ``detections``' base searches ask for that none of the ``events`` (those kept) is in
    (``hints.unmatched_index``), one line saying how many ask (the pack's macro every detection calls would make a
    list of every name): an index set in the repository's macro (the README once said to) left a backtest of records
    indexed in ``main`` at 0 risk events with no word of it."""
    carried = {str(event.get("index")) for event in events}
    asking: dict[IndexHint, list[str]] = {}
    run = list(detections)
    for detection in run:
        try:
            hint = unmatched_index(engine.parse(detection.search), carried)
        except SplError:  # the simulation reports it as the detection's error
            continue
        if hint is not None:
            asking.setdefault(hint, []).append(detection.name)
    return tuple(f"{_whose(len(names), len(run))} {hint.said(' kept')}: nothing can match; {INDEX_ADVICE}, and give "
                 "records without an index (Event Hub JSON, storage account blobs) yours with --index NAME"
                 for hint, names in asking.items())


def _whose(asking: int, run: int) -> str:
    """Whose search asks, in words a person says: "1 of the 1 detection(s) run" read oddly for one ``--detection``."""
    if run == 1:
        return "the search of the detection run"
    if asking == run:
        return f"the searches of all {run} detections run"
    return f"the search{'es' if asking > 1 else ''} of {asking} of the {run} detections run"


@dataclass(frozen=True)
class FilterHint:
    """A detection whose runs returned nothing that would have returned rows but for the pack's tuned filter
    macro: a tuned allowlist holding the tenant's users silences it, and the table shows it as a quiet one."""

    detection: str
    dropped: FilterDrop
    at: Position  # the macro's definition
    over: str = FILTER_OVER  # what the search without the macro ran over (``backtest --splunk``: the index)

    def text(self) -> str:
        """``macros/x_filter.yml:3:13: DETECTION: no results, but 2 result(s) over the events kept with ...``."""
        return f"{self.at}: {self.detection}: {self.said()}"

    def said(self) -> str:
        return self.dropped.said(self.over, FILTER_FIX)

    def as_json(self) -> dict[str, object]:
        return {"detection": self.detection, "macro": self.dropped.macro.name, "results": self.dropped.results,
                "path": self.at.path, "line": self.at.line, "col": self.at.col, "message": self.text()}


def filter_hints(pack: Pack, engine: Engine, events: Sequence[Event], detections: Iterable[Detection],
                 quiet: Iterable[str], now: float) -> tuple[FilterHint, ...]:
    """The ``detections`` named in ``quiet`` (they returned nothing) that return rows over ``events`` (all time at
    ``now``) with their tuned filter macro as ``search *``."""
    silent = set(quiet)
    asked = [d for d in detections if d.name in silent]
    if not asked:
        return ()
    return silenced_by_tuning(pack, asked, rows_over(engine.fork(events, ()), now))


def silenced_by_tuning(pack: Pack, quiet: Iterable[Detection], rows_of: RowsOf,
                       over: str = FILTER_OVER) -> tuple[FilterHint, ...]:
    """The ``quiet`` detections (they returned nothing) whose search returns rows with their tuned filter macro as
    ``search *`` (``spl_macros.dropped_by``: ``rows_of`` runs it, only for a detection the pack tunes), ``over``
    saying over what: the one home of the hint for ``backtest`` (the events kept) and ``backtest --splunk`` (its
    index, ``remote_backtest``)."""
    hints = []
    for detection in quiet:
        dropped = dropped_by(pack, detection, rows_of)
        if dropped is not None:
            hints.append(FilterHint(detection.name, dropped, dropped.macro.source.at("definition"), over))
    return tuple(hints)
