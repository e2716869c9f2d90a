"""A backtest's files: ``notables.jsonl``, ``risk.jsonl``, ``summary.json``, ``report.html``.

JSON lines so a team can review them with ``jq`` and diff two runs (before and after tuning a macro): one
object per line, keys in a fixed order, times as UTC ISO 8601 (``2026-10-13T14:00:00.000Z``), multivalue
fields as lists. Each file is written to a temporary name in the folder and renamed into place, so an
interrupted run never leaves a half-written file behind a good name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from contentpack.atomic_write import write_atomically
from contentpack.backtest.summary import iso
from contentpack.content.model import Detection
from contentpack.printable import json_text
from contentpack.replay.drilldowns import DrilldownOffsetError, fill_drilldown, multivalue_problem
from contentpack.simulate import Notable
from contentpack.spl.values import Event, Value

# ES's risk fields, first (Splunk ES, "Risk analysis framework": risk_object, risk_object_type, risk_score,
# threat_object, threat_object_type; search_name names the correlation search that wrote the event)
RISK_FIELDS = ("risk_object", "risk_object_type", "risk_score", "threat_object", "threat_object_type",
               "search_name", "_time")
RISK_EXTRA = ("risk_message", "normalized_risk_object", "_indextime")


def _json(value: Value) -> object:
    return list(value) if isinstance(value, tuple) else value


def time_text(value: Value) -> str | None:
    """A time field's epoch seconds as the files write every time (:func:`iso`), or None for a value that is no
    number: the one reading of ``_time`` for ``notables.jsonl``, ``risk.jsonl`` and ``report.html``."""
    return iso(float(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _time(value: Value) -> object:
    text = time_text(value)
    return _json(value) if text is None else text


def notable_json(notable: Notable) -> dict[str, object]:
    """One notable: detection, run time, ``_time``, title, its fields, the risk and threat objects it names."""
    return {
        "detection": notable.detection,
        "run_time": iso(notable.run_time),
        "_time": iso(notable.time),
        "search_name": notable.search_name,
        "rule_title": notable.rule_title,
        "severity": notable.severity,
        "security_domain": notable.security_domain,
        "info_min_time": iso(notable.earliest),
        "info_max_time": iso(notable.latest),
        "risk_objects": [{"value": value, "type": kind} for value, kind in notable.risk_objects],
        "threat_objects": [{"value": value, "type": kind} for value, kind in notable.threat_objects],
        "fields": {name: (_time(value) if name == "_time" else _json(value))
                   for name, value in notable.fields.items()},
    }


@dataclass(frozen=True)
class NotableDrilldown:
    """One of a notable's drilldowns as ``notables.jsonl`` and ``report.html`` give it (``notable_drilldowns``):
    the filled search, or why there is none (``changes_commands``, ``error``), with its time bounds."""

    name: str
    search: str | None  # None: not given (``changes_commands``) or not filled (``error``)
    earliest: float | None = None
    latest: float | None = None
    unfilled: tuple[str, ...] = ()  # tokens the notable has no value for, left as written
    changes_commands: bool = False
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        if self.error is not None:
            return {"name": self.name, "error": self.error}
        entry: dict[str, object] = {"name": self.name}
        if self.changes_commands:
            entry["changes_commands"] = True
        else:
            entry["search"] = self.search
        entry["earliest"] = None if self.earliest is None else iso(self.earliest)
        entry["latest"] = None if self.latest is None else iso(self.latest)
        if self.unfilled:
            entry["unfilled"] = list(self.unfilled)
        return entry


def notable_drilldowns(detection: Detection, notable: Notable) -> list[NotableDrilldown]:
    """The detection's drilldowns filled from the notable as ES fills them when an analyst opens it (the
    replay's ``fill_drilldown``), each with its time bounds: what to paste into Splunk's search bar to see the
    events behind the notable. A backtest on Splunk (``--splunk``) has no export to run ``search --events``
    over, so without them its notables named no way back to their events. A search whose commands a token
    value would change is not given (``changes_commands``): pasting it would run what the value wrote; a token
    the notable has no value for stays as written and is named (``unfilled``)."""
    out: list[NotableDrilldown] = []
    for drilldown in detection.drilldown_searches:
        try:
            filled = fill_drilldown(detection, drilldown, notable.fields, (notable.earliest, notable.latest),
                                    notable.time)
        except DrilldownOffsetError as exc:  # validate refuses such an offset; a pack loaded without it may not
            out.append(NotableDrilldown(drilldown.name, None, error=str(exc)))
            continue
        if filled.multivalued:  # what ES would paste for such a token is unknown: no search to give (its name's
            # tokens of one value are filled, as ES shows the name; left all as written, it read as never filled)
            out.append(NotableDrilldown(filled.name, None, error=multivalue_problem(filled.multivalued,
                                                                                       notable.fields)))
            continue
        out.append(NotableDrilldown(filled.name, None if filled.injected else filled.search, filled.earliest,
                                    filled.latest, filled.unfilled, filled.injected))
    return out


def risk_json(event: Event, detection_of: Mapping[str, str]) -> dict[str, object]:
    """One risk event with ES's risk fields first, then the detection that wrote it."""
    out: dict[str, object] = {}
    for name in RISK_FIELDS + RISK_EXTRA:
        if name in event:
            out[name] = _time(event[name]) if name in ("_time", "_indextime") else _json(event[name])
    out["detection"] = detection_of.get(str(event.get("search_name")), str(event.get("search_name")))
    return out


def _lines(objects: Iterable[Mapping[str, object]]) -> Iterable[str]:
    for item in objects:
        yield json_text(item) + "\n"


def write_text(folder: Path, name: str, chunks: Iterable[str]) -> Path:
    """Write ``chunks`` to ``folder/name`` through a temporary file renamed into place.

    A lone surrogate from the logs (a JSON string may hold one, ``"\\ud800"``), which UTF-8 cannot encode, is
    written as the escape ``\\ud800``: inside a JSON string, the JSON escape of the same character."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / name, (chunk.encode("utf-8", "backslashreplace") for chunk in chunks))
    return folder / name


def write_jsonl(folder: Path, name: str, objects: Iterable[Mapping[str, object]]) -> Path:
    return write_text(folder, name, _lines(objects))


def write_json(folder: Path, name: str, document: object) -> Path:
    return write_text(folder, name, [json_text(document, indent=2) + "\n"])
