"""The pack's scheduled tests for the sweeps that move something and require the same outcome
(``test_pack_window_edges``: the attack moved in time; ``test_pack_skew``: the runs moved by ``allow_skew``).
The sweep itself is the product's (``contentpack.replay.sweep``, ``contentpack replay --sweep``): these tests
run it on the shipped pack, one parameter per test, and check its unmoved timeline against the replay's own."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

import pytest

from contentpack.content.model import AttackData, Detection, UnitTest
from contentpack.replay.runner import ReplayContext
from contentpack.replay.sweep import Raised, Timeline, reads_nothing, replay_context, swept as swept_tests
from contentpack.simulate import SimulationResult
from real_pack_runs import real_pack, scheduled_replay

SPIKE = "Entra ID OAuth Consent Declined by Many Users"
CROSS_APP = "Entra ID OAuth Consent Declined Across Many Applications"
DAY = "Entra ID OAuth Consent Declined Across Many Applications Over a Day"
CAMPAIGN = (SPIKE, CROSS_APP, DAY)  # the three campaign detections of refusals (AADSTS65004)
SLOW = "attack_data/real_records/refusals_across_apps_13_minutes_apart_over_a_day.log"  # 24 users in a day
# the two applications declined by one user each beside the spike's wave of six in
# campaign_app_wave_over_84_minutes_beside_two_refusals.log (test_pack_campaign_sweep, the day count's replay test)
WAVE_NEIGHBOURS = frozenset({"e7b2d5a3-6c04-4e19-87f3-4a0d1b9e2f75", "e7c3e6b4-7d15-4f2a-98a4-5b1e2c0f3a86"})
# an application five users declined over 78 minutes (the spike's at some runs, never within 75 minutes) and one four
# users declined within those 78 minutes: eight users within 75 minutes, which no 90-minute run holds with the first
# application below five as recorded (test_pack_campaign_sweep, the day count's replay test)
SLOW_SPIKE_WAVE = "attack_data/real_records/campaign_wave_beside_an_application_declined_by_five_over_78_minutes.log"
SLOW_SPIKE_APP = "e8d4a1b7-2c5f-4e3a-9b06-7f1c2d3e4a51"
SLOW_SPIKE_NEIGHBOUR = "e8e5b2c8-3d6a-4f4b-8c17-8a2d3e4f5b62"


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


def together(detection_name: str, files: Sequence[str], others: Sequence[str]) -> Timeline:
    """A timeline of no pack test: ``files`` (pack-relative, the Entra ID sign-in source) with detection
    ``detection_name`` as the test's and ``others`` run beside it on their schedules (as a test's ``risk_from``), so a
    sweep over several detections moves one attack under them all, as ES runs them."""
    [detection] = [d for d in real_pack().detections if d.name == detection_name]
    test = UnitTest(f"{detection_name} beside {', '.join(others)}",
                    tuple(AttackData(path, "Azure AD", "azure:monitor:aad") for path in files), risk_from=tuple(others))
    return Timeline(_context(), detection, 0, test)


def scored_by(result: SimulationResult) -> dict[str, set[str]]:
    """The risk objects each detection wrote risk on, by detection name (a risk event's ``source`` is
    ``<app> - <detection> - Rule``)."""
    scored: dict[str, set[str]] = {}
    for event in result.risk:
        scored.setdefault(str(event["source"]).rsplit(" - ", 2)[-2], set()).add(str(event["risk_object"]))
    return scored


def replayed(detection_name: str, test_name: str) -> Raised:
    """What ``contentpack replay``'s own timeline of the test raised (``real_pack_runs.scheduled_replay``)."""
    run = scheduled_replay().timelines[(detection_name, test_name)]
    notables = tuple(n for n in run.notables if n.detection == detection_name)
    risk = SimulationResult(0.0, 0.0, (), notables, run.risk).risk_scores()
    return Raised(len(notables), tuple(sorted(risk.items())))
