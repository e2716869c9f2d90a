"""Events at chosen times and small scheduled detections, for the simulation tests.

Times are written ``"2026-10-13 09:48"`` (UTC). A sign-in's record time (``time``, its ``_time``) can lag its
``properties.createdDateTime`` (the sign-in itself) as in the real sample of ``azure_monitor_aad.md`` §1 (12
minutes); audit records carry ``time`` equal to ``activityDateTime``.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from contentpack.content.model import (
    AttackData,
    Deployment,
    Detection,
    IngestionDelay,
    NotableAction,
    Pack,
    Rba,
    RiskObject,
    Scheduling,
    Throttling,
    UnitTest,
)
from contentpack.replay.runner import replay_pack
from contentpack.replay.runner import DetectionTestOutcome
from contentpack.simulate import DelayPlan, EventIndex, SimulationResult, index_events, simulate
from contentpack.spl.events import read_events

from . import factory as f

APP_ID = "efb6dfa4-e2e9-45f2-8fdd-824ea1d3ffb1"


def ts(text: str) -> float:
    date, clock = text.split()
    y, mo, d = (int(x) for x in date.split("-"))
    parts = [int(x) for x in clock.split(":")]
    h, mi, s = (parts + [0])[:3]
    return float(calendar.timegm((y, mo, d, h, mi, s)))


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime(epoch))


def clock(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(epoch))


def decline(user: str, at: str, *, record_lag_minutes: float = 0, app_id: str = APP_ID) -> dict[str, Any]:
    """A 65004 sign-in made at ``at`` whose record (``time``) is emitted ``record_lag_minutes`` later."""
    made = ts(at)
    return {
        "time": iso(made + record_lag_minutes * 60),
        "operationName": "Sign-in activity",
        "category": "SignInLogs",
        "tenantId": f.TENANT,
        "callerIpAddress": "192.0.2.10",
        "properties": {"userPrincipalName": user, "appId": app_id, "appDisplayName": "Invoice Tracker Pro",
                       "createdDateTime": iso(made).replace("0000Z", "+00:00"),
                       "status": {"errorCode": 65004}},
    }


def grant(user: str, at: str, *, app_id: str = APP_ID) -> dict[str, Any]:
    """A successful "Consent to application" audit record (``time`` = ``activityDateTime``)."""
    return {
        "time": iso(ts(at)),
        "operationName": "Consent to application",
        "category": "AuditLogs",
        "tenantId": f.TENANT,
        "callerIpAddress": "192.0.2.10",
        "properties": {"result": "success", "activityDateTime": iso(ts(at)),
                       "initiatedBy": {"user": {"userPrincipalName": user}},
                       "additionalDetails": [{"key": "AppId", "value": app_id}]},
    }


def scheduled(detection: Detection, *, cron: str = "0 * * * *", earliest: str = "-70m@m",
              latest: str = "-10m@m", notable: bool = True, rba: bool = True,
              throttle: tuple[Sequence[str], str] | None = None) -> Detection:
    """``detection`` with an explicit deployment (schedule, actions) and optional throttling."""
    deployment = Deployment(Scheduling(cron, earliest, latest), rba,
                            NotableAction(rule_title="%name% for $user$") if notable else None)
    tags = detection.tags
    if throttle is not None:
        tags = replace(tags, throttling=Throttling(tuple(throttle[0]), throttle[1]))
    return replace(detection, deployment=deployment, tags=tags)


def ttp(name: str, search: str, *, score: int = 30, **kwargs: Any) -> Detection:
    rba = Rba(f"{name} for $user$", (RiskObject("user", "user", score),), ())
    return scheduled(f.detection(name, search, rba=rba, drilldowns=()), **kwargs)


def index_of(root: Path, data: str, delay: IngestionDelay | None = None, pack: Pack | None = None) -> EventIndex:
    events = list(read_events(root / data, sourcetype=f.SOURCETYPE, source="Azure AD"))
    sources = pack.data_sources if pack is not None else ()
    return index_events(events, DelayPlan.for_pack(sources, delay))


def simulate_file(root: Path, pack: Pack, data: str, delay: IngestionDelay | None = None,
                  detections: Sequence[Detection] | None = None) -> SimulationResult:
    return simulate(pack, index_of(root, data, delay, pack), detections=detections)


def unit(data: str, **expectations: Any) -> UnitTest:
    return replace(UnitTest("Scheduled Test", (AttackData(data, "Azure AD", f.SOURCETYPE),)), **expectations)


def outcomes(pack: Pack, *, all_time: bool = False) -> Mapping[str, DetectionTestOutcome]:
    report = replay_pack(pack, all_time=all_time)
    assert not report.setup_errors, report.setup_errors
    return {f"{o.detection}/{o.test}": o for o in report.outcomes}
