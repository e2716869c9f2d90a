"""Timing variants of a generated scenario: the same attack, moved and delayed the way production moves it.

Three knobs, applied to a scenario's records after they are generated (the scenario code is untouched):

* ``shift`` — every timestamp of every record moves by the same amount (``time``, ``createdDateTime``,
  ``activityDateTime``, ``authenticationStepDateTime``, …: any string in Azure Monitor's two time forms), so
  a wave can be moved across an hour boundary or a re-lure pushed days later;
* ``record_lag`` — a sign-in record's ``time`` (its ``_time`` in Splunk, from ``TIME_PREFIX = "time"``) is
  set this long after the sign-in (``properties.createdDateTime``); the real sample in azure_monitor_aad.md
  §1 lags 12 minutes. Audit records keep ``time`` = ``activityDateTime``;
* ``ingestion_delay`` — each record gets ``_indextime`` = its ``time`` + a delay from the model (the same
  ``IngestionDelay`` the scheduled replay reads, seeded), written as a top-level key so the replay uses it
  as is. In Splunk ``_indextime`` is index metadata, not part of ``_raw``: a variant with it is for replays,
  not for loading into a real index.

The variant's parameters are recorded in its ``dataset.yml`` under ``timing``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from contentpack.content.model import IngestionDelay
from contentpack.cut_lists import count_text
from contentpack.datagen.clock import TICKS_PER_SECOND, property_time, record_time, ticks_of
from contentpack.datagen.writer import Record, to_line
from contentpack.durations import duration_seconds, format_duration, one_unit_duration
from contentpack.simulate.delays import delay_model  # one delay model for the generator and the replay

__all__ = ["MAX_TIMING_DAYS", "Timing", "apply_timing", "parse_delay_spec"]

_RECORD_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$")
_PROPERTY_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}\+00:00$")


# The longest shift, record lag or ingestion delay a variant takes: ten years either way keeps every timestamp
# of the 2026 scenarios a calendar date (a shift of 10^11 days once wrote the year 273,792,727).
MAX_TIMING_DAYS = 3650


def _bounded(seconds: float, what: str) -> float:
    """``seconds`` when it is at most ``MAX_TIMING_DAYS`` days either way, else ValueError naming ``what``."""
    if abs(seconds) > MAX_TIMING_DAYS * 86400:
        raise ValueError(f"{what}: {format_duration(seconds)} is more than the {count_text(MAX_TIMING_DAYS)} days "
                         f"({MAX_TIMING_DAYS}d) a timing variant allows")
    return seconds


@dataclass(frozen=True)
class Timing:
    """Raises ValueError for a shift or a lag longer than ``MAX_TIMING_DAYS``."""

    shift: float = 0.0  # seconds
    record_lag: float | None = None  # seconds; None keeps the generator's own lag
    ingestion_delay: IngestionDelay | None = None

    def __post_init__(self) -> None:
        _bounded(self.shift, "shift")
        if self.record_lag is not None:
            _bounded(self.record_lag, "record lag")

    @property
    def is_identity(self) -> bool:
        return self.shift == 0 and self.record_lag is None and self.ingestion_delay is None

    def options(self) -> list[str]:
        """The ``generate-data`` options that make this timing again: ``--shift 0s`` when there is none (a
        ``--variant`` needs one), ``--shift=-35m`` as argparse reads ``-35m`` alone as an option. The ingestion
        delay's seed is the command's ``--seed``."""
        options: list[str] = []
        if self.shift < 0:
            options.append(f"--shift={one_unit_duration(self.shift)}")
        elif self.shift or self.is_identity:
            options += ["--shift", one_unit_duration(self.shift)]
        if self.record_lag is not None:
            options += ["--record-lag", one_unit_duration(self.record_lag)]
        if self.ingestion_delay is not None:
            options += ["--ingestion-delay", _delay_spec(self.ingestion_delay)]
        return options

    def manifest(self) -> dict[str, Any]:
        """The ``timing`` block of ``dataset.yml``."""
        block: dict[str, Any] = {"shift": format_duration(self.shift)}
        if self.record_lag is not None:
            block["sign_in_record_lag"] = format_duration(self.record_lag)
        if self.ingestion_delay is not None:
            delay = self.ingestion_delay
            model: dict[str, Any] = {}
            if delay.fixed is not None:
                model["fixed"] = delay.fixed
            if delay.uniform is not None:
                model["uniform"] = {"min": delay.uniform[0], "max": delay.uniform[1]}
            if delay.percentiles:
                model["percentiles"] = {f"p{p:g}": d for p, d in delay.percentiles}
            model["seed"] = delay.seed
            block["ingestion_delay"] = model
        return block


def _shifted(value: Any, ticks: int) -> Any:
    if isinstance(value, str):
        if _RECORD_TIME.match(value):
            return record_time(_ticks(value) + ticks)
        if _PROPERTY_TIME.match(value):
            return property_time(_ticks(value) + ticks)
        return value
    if isinstance(value, dict):
        return {k: _shifted(v, ticks) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, ticks) for v in value]
    return value


def _ticks(text: str) -> int:
    """Ticks of either time form: ``fromisoformat`` reads microseconds, the 7th digit is one more tick."""
    return ticks_of(text[:26]) + int(text[26])


def apply_timing(records: Iterable[Record], timing: Timing) -> list[Record]:
    """The records with ``timing`` applied (new dicts; the input is not changed)."""
    shift = int(round(timing.shift * TICKS_PER_SECOND))
    out: list[Record] = []
    model = delay_model(timing.ingestion_delay) if timing.ingestion_delay is not None else None
    for record in records:
        moved: Record = _shifted(record, shift)
        if timing.record_lag is not None and moved.get("operationName") == "Sign-in activity":
            created = moved.get("properties", {}).get("createdDateTime")
            if isinstance(created, str) and _PROPERTY_TIME.match(created):
                lag = int(round(timing.record_lag * TICKS_PER_SECOND))
                moved = {**moved, "time": record_time(_ticks(created) + lag)}
        if model is not None:
            seconds = _ticks(moved["time"]) / TICKS_PER_SECOND
            moved = {**moved, "_indextime": int(seconds + model.delay(to_line(moved)))}
        out.append(moved)
    return out


def _delay_spec(delay: IngestionDelay) -> str:
    """The ``--ingestion-delay`` text ``parse_delay_spec`` reads back as ``delay``."""
    if delay.fixed is not None:
        return f"fixed={delay.fixed}"
    if delay.uniform is not None:
        return f"uniform={delay.uniform[0]},{delay.uniform[1]}"
    return "percentiles=" + ",".join(f"p{point:g}:{value}" for point, value in delay.percentiles)


def parse_delay_spec(text: str, seed: int = 0) -> IngestionDelay:
    """``fixed=20m`` | ``uniform=1m,5m`` | ``percentiles=p0:30s,p95:2m,p100:15m`` (the CLI's form of the
    ``ingestion_delay`` YAML block). Raises ValueError with the reason (a delay over ``MAX_TIMING_DAYS``
    included)."""
    kind, _, rest = text.partition("=")
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    for part in parts:  # DurationError (a ValueError) for a bad duration
        _bounded(duration_seconds(part.split(":")[-1]), "ingestion delay")
    if kind == "fixed" and len(parts) == 1:
        return IngestionDelay(fixed=parts[0], seed=seed)
    if kind == "uniform" and len(parts) == 2:
        if duration_seconds(parts[0]) > duration_seconds(parts[1]):
            raise ValueError(f"uniform min {parts[0]} is above max {parts[1]}")
        return IngestionDelay(uniform=(parts[0], parts[1]), seed=seed)
    if kind == "percentiles" and len(parts) >= 2:
        points = []
        for part in parts:
            key, _, value = part.partition(":")
            if not re.fullmatch(r"p(100|[1-9]?[0-9])", key) or not value:
                raise ValueError(f"percentile point {part!r} is not pNN:duration")
            points.append((float(key[1:]), value))
        points.sort()
        if points[0][0] != 0 or points[-1][0] != 100:
            raise ValueError("percentiles need p0 and p100")
        if any(duration_seconds(b[1]) < duration_seconds(a[1]) for a, b in zip(points, points[1:])):
            raise ValueError("percentile delays must not decrease")
        return IngestionDelay(percentiles=tuple(points), seed=seed)
    raise ValueError(f"{text!r} is not fixed=D, uniform=MIN,MAX or percentiles=p0:D,...,p100:D")
