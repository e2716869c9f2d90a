"""What a backtest found, in numbers: per detection per day, and the entities that gathered risk.

Days are UTC calendar days of the *run* time (when ES would have raised it), not of the event time. Risk
objects are ranked by total ``risk_score`` (the sum ES's risk analysis shows for an object), threat objects
by the score of the risk events that named them; both list the detections that contributed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from contentpack.spl.timeutil import iso_utc as iso  # what notables.jsonl and risk.jsonl carry
from contentpack.spl.values import Event, Value, mv_values, to_str

TOP = 20


def day_of(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%d")


@dataclass
class DayCounts:
    """One detection on one day."""

    detection: str
    day: str
    runs: int = 0
    results: int = 0
    notables: int = 0
    risk_events: int = 0

    def as_json(self) -> dict[str, object]:
        return {"detection": self.detection, "day": self.day, "runs": self.runs, "results": self.results,
                "notables": self.notables, "risk_events": self.risk_events}


@dataclass
class Entity:
    """A risk or threat object with its total score, the risk events naming it and who contributed."""

    value: str
    type: str
    score: int = 0
    risk_events: int = 0
    detections: dict[str, int] = field(default_factory=dict)  # detection -> score it contributed
    first_time: float | None = None
    last_time: float | None = None

    def add(self, detection: str, score: int, when: float | None) -> None:
        self.score += score
        self.risk_events += 1
        self.detections[detection] = self.detections.get(detection, 0) + score
        if when is not None:
            self.first_time = when if self.first_time is None else min(self.first_time, when)
            self.last_time = when if self.last_time is None else max(self.last_time, when)

    def as_json(self) -> dict[str, object]:
        return {"value": self.value, "type": self.type, "score": self.score, "risk_events": self.risk_events,
                "detections": dict(sorted(self.detections.items(), key=lambda kv: (-kv[1], kv[0]))),
                "first_time": iso(self.first_time) if self.first_time is not None else None,
                "last_time": iso(self.last_time) if self.last_time is not None else None}


@dataclass(frozen=True)
class RunView:
    """What the summary needs of one scheduled run."""

    detection: str
    run_time: float
    results: int


@dataclass(frozen=True)
class NotableView:
    detection: str
    run_time: float


def _number(value: Value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _texts(value: Value) -> list[str]:
    return [t for t in (to_str(v) for v in mv_values(value)) if t]


def per_day(detections: Sequence[str], runs: Iterable[RunView], notables: Iterable[NotableView],
            risk: Iterable[Event], detection_of: Mapping[str, str]) -> list[DayCounts]:
    """Counts per detection per day, every day of the period for every detection (zeros included)."""
    cells: dict[tuple[str, str], DayCounts] = {}

    def cell(detection: str, day: str) -> DayCounts:
        found = cells.get((detection, day))
        if found is None:
            found = cells[(detection, day)] = DayCounts(detection, day)
        return found

    for run in runs:
        counts = cell(run.detection, day_of(run.run_time))
        counts.runs += 1
        counts.results += run.results
    for notable in notables:
        cell(notable.detection, day_of(notable.run_time)).notables += 1
    for event in risk:
        written = _number(event.get("_indextime")) or _number(event.get("_time"))
        name = detection_of.get(str(event.get("search_name")), str(event.get("search_name")))
        if written is not None:
            cell(name, day_of(written)).risk_events += 1
    days = sorted({day for _, day in cells})
    order = {name: index for index, name in enumerate(detections)}
    for name in detections:
        for day in days:
            cell(name, day)
    return sorted(cells.values(), key=lambda c: (order.get(c.detection, len(order)), c.detection, c.day))


def ranked_entities(risk: Iterable[Event], detection_of: Mapping[str, str]) -> tuple[list[Entity], list[Entity]]:
    """(risk objects, threat objects), every one, highest score first: the reports show the first ``TOP`` (the
    terminal fewer) and say how many there were."""
    risk_objects: dict[tuple[str, str], Entity] = {}
    threat_objects: dict[tuple[str, str], Entity] = {}
    for event in risk:
        name = detection_of.get(str(event.get("search_name")), str(event.get("search_name")))
        score = int(_number(event.get("risk_score")) or 0)
        when = _number(event.get("_time"))
        value = to_str(event.get("risk_object")) if not isinstance(event.get("risk_object"), tuple) else None
        kind = to_str(event.get("risk_object_type")) or ""
        if value:
            key = (value, kind)
            risk_objects.setdefault(key, Entity(value, kind)).add(name, score, when)
        threats = _texts(event.get("threat_object"))
        kinds = _texts(event.get("threat_object_type"))
        for index, threat in enumerate(dict.fromkeys(threats)):
            threat_kind = kinds[index] if index < len(kinds) else ""
            threat_objects.setdefault((threat, threat_kind), Entity(threat, threat_kind)).add(name, score, when)
    return _ranked(risk_objects.values()), _ranked(threat_objects.values())


def _ranked(entities: Iterable[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (-e.score, -e.risk_events, e.value, e.type))


def actions_note(actions: Sequence[tuple[str, bool, bool]]) -> str:
    """What the per-detection tables say under them of the detections run whose deployment lacks the notable or
    the risk action, by type: a Hunting row's results beside 0 notables and 0 risk events (an Anomaly's 0
    notables) read as a broken detection to someone who did not know its type. ``actions``: each detection's
    type, whether it raises notables and whether it writes risk (``Detection.raises_notables``, ``writes_risk``:
    the defaults by type, or its own ``deployment``); "" when every one does both."""
    said = []
    for kind in dict.fromkeys(kind for kind, _, _ in actions):
        of_kind = [(notable, risk) for k, notable, risk in actions if k == kind]
        for notable, risk in sorted(set(of_kind), reverse=True):
            if notable and risk:
                continue
            count = of_kind.count((notable, risk))
            share = "" if count == len(of_kind) else f" ({count} of {len(of_kind)})"
            what = ("notables only" if notable else "risk events only" if risk
                    else "neither, its results are for an analyst to read")
            said.append(f"{kind}{share}: {what}")
    if not said:
        return ""
    return ("Not every detection raises notables and risk events (its deployment's actions, by type unless it sets "
            f"them): {'; '.join(said)}.")


def totals(cells: Iterable[DayCounts]) -> dict[str, dict[str, int]]:
    """Per detection: runs, results, notables, risk events over the whole period."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"runs": 0, "results": 0, "notables": 0, "risk_events": 0})
    for c in cells:
        entry = out[c.detection]
        entry["runs"] += c.runs
        entry["results"] += c.results
        entry["notables"] += c.notables
        entry["risk_events"] += c.risk_events
    return dict(out)
