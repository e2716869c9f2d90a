"""Why did a detection raise nothing over the user's logs? A field its search filters or groups on that none of the
events read has, as ``search --events`` and ``replay`` tell it (``spl.hints``: one wording), placed where the field
is written: the user's own macro (``macros/<stem>_filter.yml``, where the pack's docs say to tune a detection) or
the detection's ``search``.

A typo in a tuning macro (``where appid!="..."`` where the results have ``app_id``) makes Splunk return nothing,
with no error; the backtest then shows a detection at 0 results beside the others, and the user cannot tell a quiet
tenant from a broken filter. Only detections whose base search matched events but that returned nothing in any run
are asked about (without a matched event a detection's fields are absent because its records are: logs of sign-ins
only), and of their fields only those without which a filter keeps no event (``hints.absent_fields``): a field
legitimately missing from this tenant's logs behind ``NOT x=...`` or ``isnull(x)`` is not named. A correlation
search reads risk events, not the logs, and is not asked about.

The same typo in an exclusion (``search NOT appid="..."``) keeps every row, and the detection's notables do not
change: a field no command before the filter leaves whatever the logs hold (``hints.unmade_fields``: after the
detection's ``stats``) is named for every detection, whatever it returned; that needs no event. A field of a silent
detection that is such a field too is said to be one: a data source's search-time field could not bring it there.

Cost: the searches are analysed again (no event read); when a detection is asked about, one read of the events
kept (a small share of the lines: those some detection can match), of only the fields asked about, and a sample
for the did-you-mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from contentpack.content.diagnostics import Position
from contentpack.content.model import Detection, Pack
from contentpack.content.rules.spl_checks import Positions, macro_at
from contentpack.replay.runner import PACK_FIELD_ADVICE
from contentpack.spl import Engine, SplError
from contentpack.spl.ast import Pipeline
from contentpack.spl.hints import AbsentField, absent_in, asked_fields, reads_risk, unmade_fields, with_meaning
from contentpack.spl.values import Event

OPENING = "no results, and the search"
WHERE = " in the events read"
UNMADE = ("the search", " after the commands before it, whatever the logs hold",
          ": a typo? a filter on it treats every row alike (NOT {0}=... excludes none, {0}=... keeps none)")


@dataclass(frozen=True)
class FieldHint:
    """A field a detection filters or groups on that no event read has (``unmade``: that none can have there)."""

    detection: str
    field: AbsentField
    at: Position  # where the field is written: the macro's definition, else the detection's search
    unmade: bool = False
    no_results: bool = True  # the detection returned nothing (an ``unmade`` field is named whatever it returned)

    def text(self) -> str:
        """``macros/x_filter.yml:2:19: DETECTION: no results, and the search filters on 'appid' (where), a field
        no event has in the events read (did you mean 'app_id'?): a typo, or ...``; for an ``unmade`` field, ``...:
        the search filters on 'appid' (search), a field no event has after the commands before it, whatever the
        logs hold (did you mean 'app_id'?): a typo? ...``, opening ``no results, and the search`` when the
        detection returned nothing (``where appid!=...`` after its ``stats``: no data source's field can help)."""
        return f"{self.at}: {self.detection}: {self.said()}"

    def said(self) -> str:
        """The message without where and which detection: ``no results, and the search filters on ...``, as
        report.html shows it beside them."""
        if self.unmade:
            opening, where, advice = UNMADE
            opening = OPENING if self.no_results else opening
            return f"{self.field.said(opening, where)}{advice.format(self.field.name)}"
        return f"{self.field.said(OPENING, WHERE)}{PACK_FIELD_ADVICE}"

    def as_json(self) -> dict[str, object]:
        return {"detection": self.detection, "field": self.field.name, "use": self.field.use,
                "command": self.field.command, "did_you_mean": self.field.meant, "path": self.at.path,
                "line": self.at.line, "col": self.at.col, "message": self.text()}


def field_hints(pack: Pack, engine: Engine, events: Sequence[Event], detections: Iterable[Detection],
                quiet: Iterable[str]) -> tuple[FieldHint, ...]:
    """The hints of the ``detections``: of those named in ``quiet`` (their base search matched events, and they
    returned none), the fields no event read has (``events``, with the fields detections read: which of the fields
    asked about some event has is found in one read of them for every such detection); of every one, the fields a
    filter reads that no event can have there (``unmade_fields``), each once."""
    silent = set(quiet)
    pipelines: list[tuple[Detection, Pipeline]] = []
    for detection in detections:
        try:
            pipeline = engine.parse(detection.search)
        except SplError:  # the simulation reports it as the detection's error
            continue
        if not reads_risk(pipeline):
            pipelines.append((detection, pipeline))
    asked = [pipeline for detection, pipeline in pipelines if detection.name in silent]
    over = engine.fork(events, ())
    present = over.fields_present(frozenset().union(*(asked_fields(pipeline) for pipeline in asked)))
    positions = Positions(Path(pack.root))
    hints: list[FieldHint] = []
    for detection, pipeline in pipelines:
        absent = absent_in(pipeline, over, present=present) if detection.name in silent else []
        named = {field.name for field in absent}
        nowhere = unmade_fields(pipeline)
        unmade = with_meaning(pipeline, over, [f for f in nowhere if f.name not in named])
        made_nowhere = {(field.name, field.at) for field in nowhere}
        hints += [FieldHint(detection.name, field, _written_at(pack, positions, detection, pipeline, field),
                            (field.name, field.at) in made_nowhere, field in absent) for field in absent + unmade]
    return tuple(hints)


def _written_at(pack: Pack, positions: Positions, detection: Detection, pipeline: Pipeline,
                field: AbsentField) -> Position:
    """Where ``field`` is written: in the definition of the macro of the pack whose call brought its command into
    the search (the field's first mention there), else at the command in the detection's ``search`` (a macro the
    pack generates, ``search *`` for an untuned ``_filter``, or a field a nested macro brings)."""
    offset = pipeline.commands[field.at].offset  # in the search as written: a macro's commands at its call
    called = macro_at(detection.search, offset)
    macro = next((m for m in pack.macros if m.name == called), None)
    if macro is not None:
        found = re.search(rf"(?<![\w.{{}}]){re.escape(field.name)}(?![\w.{{}}])", macro.definition)
        if found is not None:
            return positions.at(macro.source, ("definition",), macro.definition, found.start())
    return positions.at(detection.source, ("search",), detection.search, offset)
