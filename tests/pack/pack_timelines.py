"""The pack's scheduled tests replayed as one timeline each, for the sweeps that move something and require
the same outcome: ``test_pack_window_edges`` (the attack moved in time) and ``test_pack_skew`` (the runs moved
by ``allow_skew``). Shared so both replay a test exactly as ``contentpack replay`` does."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import pytest

from contentpack.content.model import Detection, UnitTest
from contentpack.replay.attack_data import AttackDataStore
from contentpack.simulate import DelayPlan, EventIndex, SimulationResult, build_engine, index_events, simulate
from contentpack.spl import Engine
from contentpack.spl.values import Event
from real_pack_runs import real_pack, scheduled_replay

from .pack_content_files import REPO

SCHEDULED_TYPES = ("TTP", "Anomaly", "Correlation")
# A window reaching back days sees each record in every run for days: which run first sees it (its latest edge)
# is what can split an attack, not which run last sees it nor an indexing delay of minutes; sweeping only that
# edge keeps these week-long timelines, each a fifth of a second, to a few dozen.
LONG_WINDOW = 86400.0


@dataclass(frozen=True)
class Raised:
    """What a test's timeline raised that an analyst counts: the detection's notables, risk per object."""

    notables: int
    risk: tuple[tuple[str, int], ...]


def swept() -> Iterator[tuple[Detection, UnitTest]]:
    """Every scheduled detection's tests that expect something."""
    for detection in real_pack().detections:
        if detection.type in SCHEDULED_TYPES:
            for test in detection.tests:
                if test.expected_results or test.expected_notables:
                    yield detection, test


def swept_params(marks: Mapping[tuple[str, str], pytest.MarkDecorator] | None = None) -> list[object]:
    """``swept()`` as (detection name, test name) parameters, with ``marks`` on the named ones."""
    marks = marks or {}
    return [pytest.param(d.name, t.name, id=f"{d.name} / {t.name}", marks=marks.get((d.name, t.name), ()))
            for d, t in swept()]


def detection_and_test(detection_name: str, test_name: str) -> tuple[Detection, UnitTest]:
    [detection] = [d for d in real_pack().detections if d.name == detection_name]
    [test] = [t for t in detection.tests if t.name == test_name]
    return detection, test


def chosen(detection: Detection, test: UnitTest) -> list[Detection]:
    """The detections the replay runs for the test: it, then its ``risk_from`` detections, each once."""
    by_name = {d.name: d for d in real_pack().detections}
    return list({d.name: d for d in [detection, *(by_name[n] for n in test.risk_from)]}.values())


@cache
def engine() -> Engine:
    """One engine for every timeline of a sweep (the replay shares one the same way)."""
    return build_engine(real_pack())


def read(detection: Detection, test: UnitTest) -> list[Event]:
    """The events some detection of the test's timeline reads (its base search's matches), indexed as the
    replay indexes them: the rest cannot change any run's rows."""
    pack = real_pack()
    store = AttackDataStore(REPO)
    files, problems = store.files_for(detection, list(detection.tests).index(test), test.attack_data)
    assert problems == []
    events = [e for item in files for e in store.events(item)]
    kept: dict[int, Event] = {}
    for one in chosen(detection, test):
        matched = engine().prefilter(engine().parse(one.search), events, 0.0)
        kept.update((id(e), e) for e in (matched or []))
    index = index_events(kept.values(), DelayPlan.for_pack(pack.data_sources, test.ingestion_delay))
    return index.events


def replayed(detection: Detection, test: UnitTest) -> Raised:
    """What ``contentpack replay``'s own timeline of the test raised (``real_pack_runs.scheduled_replay``)."""
    timeline = scheduled_replay().timelines[(detection.name, test.name)]
    notables = tuple(n for n in timeline.notables if n.detection == detection.name)
    risk = SimulationResult(0.0, 0.0, (), notables, timeline.risk).risk_scores()
    return Raised(len(notables), tuple(sorted(risk.items())))


def raised(detection: Detection, test: UnitTest, events: Sequence[Event], offset: float = 0.0,
           skews: Mapping[str, float] | None = None) -> Raised:
    """The test's timeline over ``events`` moved by ``offset`` seconds (``_time`` and ``_indextime``), with
    ``skews`` (``simulate``'s)."""
    moved = [{**e, "_time": float(e["_time"]) + offset, "_indextime": float(e["_indextime"]) + offset}  # type: ignore[arg-type]
             for e in events]
    result = simulate(real_pack(), EventIndex(moved), detections=chosen(detection, test), engine=engine(),
                      skews=skews)
    assert result.errors == ()
    return Raised(len(result.notables_of(detection.name)), tuple(sorted(result.risk_scores().items())))
