"""The shipped pack's expensive runs, done once per test process and shared by the tests that inspect them.

Why: the scheduled replay of the real pack (every detection test through the simulated ES timeline) is the
slowest thing the suite does, and several tests check different things about that same run — each test's
verdict, the scheduled expectations, the backtest's agreement with it, the JUnit report, cutting events to
the fields a search reads. Each used to run it again. They now read ``scheduled_replay()``.

Under ``pytest -n`` every worker is its own process: each runs it at most once, when its first test that
reads it comes up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.replay import runner
from contentpack.replay.runner import DetectionTestOutcome, ReplayReport, replay_pack
from contentpack.simulate import EventIndex, SimulationResult

REPO = Path(__file__).resolve().parents[1]


@cache
def real_pack() -> Pack:
    """The repository's pack, validated (and asserted valid) once per process."""
    result = validate_pack(REPO)
    assert result.pack is not None and result.ok, [d.render() for d in result.errors]
    return result.pack


@dataclass(frozen=True)
class ScheduledReplay:
    """``replay_pack(real_pack())`` and, per test, the detections its timeline ran and the timeline itself."""

    report: ReplayReport
    timelines: dict[tuple[str, str], tuple[tuple[Detection, ...], SimulationResult]]

    def outcome(self, detection: str, test: str) -> DetectionTestOutcome:
        found = [o for o in self.report.outcomes if (o.detection, o.test) == (detection, test)]
        assert len(found) == 1, (detection, test, len(found))
        return found[0]


@cache
def scheduled_replay() -> ScheduledReplay:
    """The real pack's default (scheduled) replay, with the timeline of each test recorded as the replay ran
    it: ``runner.simulate`` is wrapped only for this call, and the replay calls it once per test, in order."""
    pack = real_pack()
    ran: list[tuple[tuple[Detection, ...], SimulationResult]] = []
    real_simulate = runner.simulate

    def recording(pack: Pack, index: EventIndex, *, detections: Sequence[Detection], **options: Any) -> SimulationResult:
        result = real_simulate(pack, index, detections=detections, **options)
        ran.append((tuple(detections), result))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "simulate", recording)
        report = replay_pack(pack)
    assert report.mode == "scheduled" and report.setup_errors == ()
    assert len(ran) == len(report.outcomes) == sum(len(d.tests) for d in pack.detections)
    timelines = {}
    for outcome, (detections, result) in zip(report.outcomes, ran, strict=True):
        assert detections[0].name == outcome.detection
        timelines[(outcome.detection, outcome.test)] = (detections, result)
    return ScheduledReplay(report, timelines)


def replay_pack_sharing_the_replay(pack: Pack, detections: Sequence[Detection] | None = None,
                                   now: float | None = None, *, all_time: bool = False) -> ReplayReport:
    """``replay_pack`` for a caller (the CLI) that replays the real pack: the shared report when it asks for
    exactly that run (same pack content, every detection, scheduled, "now" from the data), else a real run."""
    if (now is None and not all_time and pack == real_pack()
            and (detections is None or tuple(detections) == pack.detections)):
        return scheduled_replay().report
    return replay_pack(pack, detections, now, all_time=all_time)
