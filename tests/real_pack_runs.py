"""The shipped pack's expensive runs, done once per test run and shared by the tests that inspect them.

Why: the scheduled replay of the real pack (every detection test through the simulated ES timeline) is the
slowest thing the suite does, and several tests check different things about that same run — each test's
verdict, the scheduled expectations, the backtest's agreement with it, the JUnit report, cutting events to
the fields a search reads. Each used to run it again. They now read ``scheduled_replay()``.

Under ``pytest -n`` every worker is its own process: the first worker that needs the replay runs it and
leaves it, pickled, in the run's temporary folder (``share_between_workers``, called by tests/conftest.py);
a worker that needs it later loads it, one that needs it meanwhile waits for it.
"""

from __future__ import annotations

import fcntl
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest

from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.replay import runner
from contentpack.replay.runner import DetectionTestOutcome, ReplayReport, replay_pack
from contentpack.simulate import EventIndex, Notable, SimulationResult
from contentpack.spl.values import Event

REPO = Path(__file__).resolve().parents[1]
T = TypeVar("T")
_shared_folder: Path | None = None  # the run's folder all workers see (None: one process, nothing to share)


def share_between_workers(folder: Path | None) -> None:
    global _shared_folder
    _shared_folder = folder


def _once_per_run(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what another worker of this run already computed (deterministic work only)."""
    if _shared_folder is None:
        return compute()
    with open(_shared_folder / f"{name}.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        stored = _shared_folder / f"{name}.pickle"
        if stored.exists():
            value: T = pickle.loads(stored.read_bytes())
            return value
        value = compute()
        stored.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


@cache
def real_pack() -> Pack:
    """The repository's pack, validated (and asserted valid) once per process."""
    result = validate_pack(REPO)
    assert result.pack is not None and result.ok, [d.render() for d in result.errors]
    return result.pack


@dataclass(frozen=True)
class Timeline:
    """What one test's simulated timeline ran and raised, as the replay ran it."""

    detections: tuple[str, ...]  # the detection under test, then its risk_from detections, in the replay's order
    notables: tuple[Notable, ...]
    risk: tuple[Event, ...]


@dataclass(frozen=True)
class ScheduledReplay:
    """``replay_pack(real_pack())`` and the timeline of each of its tests, by (detection, test) name."""

    report: ReplayReport
    timelines: dict[tuple[str, str], Timeline]

    def outcome(self, detection: str, test: str) -> DetectionTestOutcome:
        found = [o for o in self.report.outcomes if (o.detection, o.test) == (detection, test)]
        assert len(found) == 1, (detection, test, len(found))
        return found[0]


@cache
def scheduled_replay() -> ScheduledReplay:
    return _once_per_run("scheduled-replay", _replay)


def _replay() -> ScheduledReplay:
    """The real pack's default (scheduled) replay, with the timeline of each test recorded as the replay ran
    it: ``runner.simulate`` is wrapped only for this call, and the replay calls it once per test, in order."""
    pack = real_pack()
    ran: list[Timeline] = []
    real_simulate = runner.simulate

    def recording(pack: Pack, index: EventIndex, *, detections: Sequence[Detection], **options: Any) -> SimulationResult:
        result = real_simulate(pack, index, detections=detections, **options)
        ran.append(Timeline(tuple(d.name for d in detections), result.notables, result.risk))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "simulate", recording)
        report = replay_pack(pack)
    assert report.mode == "scheduled" and report.setup_errors == ()
    assert len(ran) == len(report.outcomes) == sum(len(d.tests) for d in pack.detections)
    timelines = {}
    for outcome, timeline in zip(report.outcomes, ran, strict=True):
        assert timeline.detections[0] == outcome.detection
        timelines[(outcome.detection, outcome.test)] = timeline
    return ScheduledReplay(report, timelines)


@cache
def all_time_replay() -> ReplayReport:
    """``replay_pack(real_pack(), all_time=True)``: every detection test of the real pack, contentctl's way (all
    time), run once per test run like ``scheduled_replay`` (the local verdicts and the remote replay's reference)."""
    return _once_per_run("all-time-replay", lambda: replay_pack(real_pack(), all_time=True))


def replay_pack_sharing_the_replay(pack: Pack, detections: Sequence[Detection] | None = None,
                                   now: float | None = None, *, all_time: bool = False) -> ReplayReport:
    """``replay_pack`` for a caller (the CLI) that replays the real pack: the shared report when it asks for
    exactly that run (same pack content, every detection, scheduled, "now" from the data), else a real run."""
    if (now is None and not all_time and pack == real_pack()
            and (detections is None or tuple(detections) == pack.detections)):
        return scheduled_replay().report
    return replay_pack(pack, detections, now, all_time=all_time)
