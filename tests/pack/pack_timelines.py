"""The pack's scheduled tests for the sweeps that move something and require the same outcome
(``test_pack_window_edges``: the attack moved in time; ``test_pack_skew``: the runs moved by ``allow_skew``).
The sweep itself is the product's (``contentpack.replay.sweep``, ``contentpack replay --sweep``): these tests
run it on the shipped pack, one parameter per test, and check its unmoved timeline against the replay's own."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest

from contentpack.content.model import Detection, UnitTest
from contentpack.replay.runner import ReplayContext
from contentpack.replay.sweep import Raised, Timeline, reads_nothing, replay_context, swept as swept_tests
from contentpack.simulate import SimulationResult
from real_pack_runs import real_pack, scheduled_replay


def swept() -> Iterator[tuple[Detection, UnitTest]]:
    """Every test the sweep sweeps: the scheduled detections' tests that expect something, or silence on data
    they read (a quiet test whose data its detection never reads has nothing to move: ``reads_nothing``)."""
    for detection, _, test in swept_tests(real_pack().detections):
        if not reads_nothing(timeline(detection.name, test.name), test):
            yield detection, test


def swept_params() -> list[object]:
    """``swept()`` as (detection name, test name) parameters."""
    return [pytest.param(d.name, t.name, id=f"{d.name} / {t.name}") for d, t in swept()]


@cache
def _context() -> ReplayContext:
    """One context (and engine) for every timeline of a sweep, as ``sweep_pack`` shares one."""
    return replay_context(real_pack())


def timeline(detection_name: str, test_name: str) -> Timeline:
    """The test's timeline as ``contentpack replay --sweep`` replays it."""
    [detection] = [d for d in real_pack().detections if d.name == detection_name]
    [index] = [i for i, t in enumerate(detection.tests) if t.name == test_name]
    return Timeline(_context(), detection, index, detection.tests[index])


def replayed(detection_name: str, test_name: str) -> Raised:
    """What ``contentpack replay``'s own timeline of the test raised (``real_pack_runs.scheduled_replay``)."""
    run = scheduled_replay().timelines[(detection_name, test_name)]
    notables = tuple(n for n in run.notables if n.detection == detection_name)
    risk = SimulationResult(0.0, 0.0, (), notables, run.risk).risk_scores()
    return Raised(len(notables), tuple(sorted(risk.items())))
