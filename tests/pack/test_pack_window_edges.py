"""Where the dispatch-window edges fall must not change what the pack raises.

Every scheduled detection (TTP, Anomaly, Correlation) runs over a sliding window; an attack's records land
wherever the clock puts them. For each of its tests that expects results, the test's attack data is replayed
on the simulated ES timeline (``contentpack.simulate``, as ``contentpack replay`` runs it: the test's
``risk_from`` detections too, the test's ingestion delay) moved in time by a sweep of offsets across one run
interval of the detection, and the notables it raises (after throttling) and the risk total per risk object
must be those of the unmoved data: an attack is neither doubled nor lost because a window edge fell between two
of its records (the bug ``admin_consent_edge`` pinned for one detection: one grant, two records a second apart,
two notables).

The offsets: every twelfth of the interval, plus each offset that puts one of the records some detection of the
test reads (its base search's matches) exactly on a window edge or, through its ``_indextime``, exactly on a
run — the only moves that change which run sees which record, since shifting every record by a whole interval
changes nothing (the schedules repeat every interval). Only the records' ``_time`` and ``_indextime`` move (the
searches read no other time); each keeps its ingestion delay.

No detection is exempt: each double the sweep found was throttled away (see docs/replay.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from contentpack.content.model import Detection
from contentpack.simulate import schedule_of
from contentpack.simulate.timeline import event_time
from contentpack.spl.values import Event
from real_pack_runs import real_pack, scheduled_replay

from .pack_timelines import LONG_WINDOW, SCHEDULED_TYPES, detection_and_test, raised, read, swept, swept_params

GRID = 12  # grid offsets per run interval, beside the computed ones
CORRELATION_GRID = 4  # a correlation run replays a week of risk: its sweep is the grid alone, a coarser one
SWEPT = swept_params()


def _offsets(detection: Detection, events: Sequence[Event]) -> list[float]:
    """The grid across one run interval of ``detection``, and each offset that puts a record on one of its window
    edges or, through the record's ``_indextime``, on one of its runs. A correlation search reads risk events, not
    records: it gets the grid (the runs that write its risk are swept, record by record, by the tests of those
    detections over the same data)."""
    schedule = schedule_of(detection)
    interval = schedule.longest_gap
    if detection.search.lstrip().startswith("|"):
        return [interval * k / CORRELATION_GRID for k in range(CORRELATION_GRID)]
    offsets = {interval * k / GRID for k in range(GRID)}
    first = min(t for e in events if (t := event_time(e)) is not None)
    runs = list(schedule.cron.ticks(first, first + 2 * interval))
    if schedule.lookback > LONG_WINDOW:  # only where a record first enters a window (see LONG_WINDOW)
        edges, runs = {schedule.window(run)[1] for run in runs}, []
    else:
        edges = {edge for run in runs for edge in schedule.window(run)}
    for event in events:
        t, indexed = event_time(event), event_time(event, "_indextime")
        assert t is not None and indexed is not None
        offsets.update((edge - t) % interval for edge in edges)
        offsets.update((run - indexed) % interval for run in runs)
    return sorted(offsets)


def test_the_sweep_covers_every_scheduled_detection_that_raises_something() -> None:
    covered = {d.name for d, _ in swept()}
    scheduled = {d.name for d in real_pack().detections if d.type in SCHEDULED_TYPES}
    assert covered == scheduled and len(SWEPT) >= 20


@pytest.mark.slow
@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_moving_the_attack_across_window_edges_changes_no_notable_and_no_risk(detection_name: str,
                                                                                test_name: str) -> None:
    detection, test = detection_and_test(detection_name, test_name)
    events = read(detection, test)
    assert events
    unmoved = raised(detection, test, events)
    timeline = scheduled_replay().timelines[(detection_name, test_name)]  # the replay's own run agrees
    assert unmoved.notables == sum(1 for n in timeline.notables if n.detection == detection_name)
    differing = {}
    for offset in _offsets(detection, events):
        moved = raised(detection, test, events, offset)
        if moved != unmoved:
            differing[offset] = moved
    assert differing == {}, (unmoved, differing)
