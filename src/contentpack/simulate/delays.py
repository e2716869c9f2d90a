"""Ingestion delay: when an event becomes searchable (``_indextime``), per data source.

A scheduled search sees only what has been indexed when it runs, so the simulation gives every event an
``_indextime`` = ``_time`` + a delay drawn from its data source's model (an event that already carries
``_indextime`` keeps it). Models (the ``ingestion_delay`` YAML extension, docs/replay.md):

* ``fixed: 90s`` — every event the same delay;
* ``uniform: {min: 30s, max: 5m}`` — uniform between the bounds;
* ``percentiles: {p0: 30s, p95: 2m, p99: 5m, p100: 15m}`` — the delay's quantile function, linear between
  the points given.

A distribution draws each event's quantile from a hash of the model's ``seed`` and the event's raw text, so
the same data always gets the same ``_indextime`` (no random state, no dependence on event order).

Which model applies, first match wins: the test's ``ingestion_delay``; the ``ingestion_delay`` of the
pack's data source the event belongs to (same sourcetype and, when the data source has a ``separator``,
the same value of that field); the default for the event's sourcetype; no delay.

Default for ``azure:monitor:aad`` (Entra ID sign-in and audit records through an Event Hub), ``ENTRA_ID``:
Microsoft's "Azure Active Directory reporting latencies" page gives, for both sign-ins and audit logs,
2 minutes at the 95th percentile and 5 minutes at the 99th ("Latency (95th percentile) refers to the time by
which 95% of the logs will be reported";
https://docs.microsoft.com/azure/active-directory/reports-monitoring/reference-reports-latencies, since
folded into https://learn.microsoft.com/entra/identity/monitoring-health/reference-log-latency). Assumed
(not stated there): p0 = 30 s (Event Hub batching and the add-on's poll), p50 = 1 min, and a 15-minute
ceiling at p100. Note the sign-in record's own ``time`` (its ``_time``) is already the record's emission
time, minutes after the sign-in (``properties.createdDateTime``); that lag is in the data, not in this model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from contentpack.content.model import DataSource, IngestionDelay
from contentpack.durations import duration_seconds
from contentpack.spl.values import Value

__all__ = ["DEFAULT_BY_SOURCETYPE", "ENTRA_ID", "DelayModel", "DelayPlan", "delay_model"]


@dataclass(frozen=True)
class DelayModel:
    """A delay distribution as its quantile function: (quantile 0..1, seconds) points, ascending."""

    points: tuple[tuple[float, float], ...]
    seed: int = 0

    def quantile(self, q: float) -> float:
        points = self.points
        if q <= points[0][0]:
            return points[0][1]
        for (q0, d0), (q1, d1) in zip(points, points[1:]):
            if q <= q1:
                return d0 if q1 == q0 else d0 + (d1 - d0) * (q - q0) / (q1 - q0)
        return points[-1][1]

    def delay(self, key: str) -> float:
        """The delay of the event whose raw text is ``key`` (deterministic)."""
        if len(self.points) == 1 or self.points[0][1] == self.points[-1][1]:
            return self.points[0][1]
        digest = hashlib.blake2b(f"{self.seed}\x00{key}".encode(), digest_size=8).digest()
        return self.quantile(int.from_bytes(digest, "big") / 2.0**64)


ENTRA_ID = DelayModel(((0.0, 30.0), (0.5, 60.0), (0.95, 120.0), (0.99, 300.0), (1.0, 900.0)))
DEFAULT_BY_SOURCETYPE: Mapping[str, DelayModel] = MappingProxyType({"azure:monitor:aad": ENTRA_ID})


def delay_model(spec: IngestionDelay) -> DelayModel:
    """The model of a validated ``ingestion_delay`` block."""
    if spec.fixed is not None:
        return DelayModel(((0.0, duration_seconds(spec.fixed)),), spec.seed)
    if spec.uniform is not None:
        low, high = (duration_seconds(text) for text in spec.uniform)
        return DelayModel(((0.0, low), (1.0, high)), spec.seed)
    return DelayModel(tuple((p / 100.0, duration_seconds(d)) for p, d in spec.percentiles), spec.seed)


@dataclass(frozen=True)
class DelayPlan:
    """Which delay model each event gets (see the module docstring for the order)."""

    override: DelayModel | None = None
    by_source: tuple[tuple[DataSource, DelayModel], ...] = ()
    defaults: Mapping[str, DelayModel] = field(default_factory=lambda: DEFAULT_BY_SOURCETYPE)

    @classmethod
    def for_pack(cls, data_sources: Sequence[DataSource], override: IngestionDelay | None = None) -> DelayPlan:
        return cls(
            override=delay_model(override) if override is not None else None,
            by_source=tuple((s, delay_model(s.ingestion_delay)) for s in data_sources if s.ingestion_delay),
        )

    def model_for(self, event: Mapping[str, Value]) -> DelayModel | None:
        if self.override is not None:
            return self.override
        sourcetype = str(event.get("sourcetype"))
        for source, model in self.by_source:
            if source.sourcetype != sourcetype:
                continue
            if source.separator is None or str(event.get(source.separator)) == source.separator_value:
                return model
        return self.defaults.get(sourcetype)

    def assign(self, events: Iterable[MutableMapping[str, Value]]) -> None:
        """Give each event without ``_indextime`` one (events without a numeric ``_time`` are left alone)."""
        for event in events:
            when = event.get("_time")
            if "_indextime" in event or not isinstance(when, (int, float)) or isinstance(when, bool):
                continue
            model = self.model_for(event)
            delay = 0.0 if model is None else model.delay(str(event.get("_raw", when)))
            event["_indextime"] = float(int(when + delay))  # _indextime is whole seconds in Splunk
