"""The scheduler's ``allow_skew`` must not change what the pack raises.

The build writes ``allow_skew = 100%`` into every stanza. savedsearches.conf.spec (Splunk 10.0), ``allow_skew``:
for ``0 * * * *``, ``*/M * * * *`` and the spec's other listed cron forms the scheduler "randomly 'skews' the
second, minute, and hour that the search actually runs on" -- up to the whole period at 100% ("100% (For an
every-5-minute search = 5 minutes maximum)") --, for any other cron (the risk correlation's ``10 * * * *``)
"only ... the second"; "The amount of skew for a specific search remains constant between edits of the
search". So on a real search head every detection runs at its own constant offset after its ticks, and the
pack's outcome must not depend on which.

For each scheduled (detection, test) that expects results, the test's timeline (``pack_timelines``: as
``contentpack replay`` runs it, ``risk_from`` detections too) is replayed with skews within what each
detection's stanza allows (``simulate.dispatch.max_skew_of``), and the detection's notables (after throttling)
and the risk total per risk object must be those of the unskewed timeline, ``contentpack replay``'s own. The
skews, for a timeline of one detection: a grid of fractions of its maximum (up to the maximum, the edge); the
skews that put the test's first or last record on a window edge (the minute of its ``_time`` on either side of
an edge; only the latest edge for a window of days, as in ``test_pack_window_edges``) or a run exactly at its
``_indextime``. For a timeline of several detections (the risk correlation and the detections writing its
risk), one set that moves the writers against the reader (``_skew_sets``): which run sees which risk event
depends on their order; each writer's own skews are swept by its own tests. A skewed run resolves its window
at its skewed start (assumed, see ``content.schedule``); a run the scheduler delays searches its on-time window
instead (Reporting Manual, *Prioritize concurrently scheduled reports in Splunk Web*), not swept here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from contentpack.content.model import Detection, UnitTest
from contentpack.simulate import schedule_of
from contentpack.simulate.dispatch import max_skew_of
from contentpack.simulate.timeline import event_time
from contentpack.spl.values import Event
from real_pack_runs import real_pack

from .pack_timelines import LONG_WINDOW, chosen, detection_and_test, raised, read, replayed, swept, swept_params

FRACTIONS = (0.25, 0.5, 0.75, 1.0)  # of the detection's maximum skew (1.0: the whole period, the edge)
# A timeline of several detections replays a week of risk (about half a second): it gets one skew set, the
# reader at its latest and the writers three quarters into their period (see ``_skew_sets``), not the grid.
WRITERS = 0.75

SWEPT = swept_params()


def _record_skews(detection: Detection, events: Sequence[Event]) -> set[float]:
    """Skews of ``detection`` that put its first or last record on an edge of a window or its ``_indextime`` on a
    run (within its maximum). A search reading the risk index has no records: none."""
    if detection.search.lstrip().startswith("|"):
        return set()
    schedule, most = schedule_of(detection), max_skew_of(detection)
    period = schedule.longest_gap
    times = sorted((t, i) for e in events
                   if (t := event_time(e)) is not None and (i := event_time(e, "_indextime")) is not None)
    tick = next(schedule.cron.ticks(times[0][0] - 1, times[0][0] + period))
    earliest, latest = schedule.window(tick)
    edges = (latest,) if schedule.lookback > LONG_WINDOW else (earliest, latest)  # see LONG_WINDOW
    skews = set()
    for t, indexed in (times[0], times[-1]):
        minute = t - t % 60
        skews.add((indexed - tick) % period)
        skews.update((minute + side - edge) % period for edge in edges for side in (0, 60))
    return {skew for skew in skews if skew <= most}


def _skew_sets(detection: Detection, test: UnitTest, events: Sequence[Event]) -> list[dict[str, float]]:
    """The skews each timeline of the sweep runs with (see the module docstring). Several detections: the reader
    (the risk correlation, ``10 * * * *``) at :10:59 and the writers three quarters into their period, so the
    hourly ones write at :45, after it, and the ``*/10`` ones at :07:30, closer before it than on time."""
    most = {d.name: max_skew_of(d) for d in chosen(detection, test)}
    if len(most) > 1:
        return [{name: most[name] if name == detection.name else WRITERS * most[name] for name in most}]
    return ([{detection.name: f * most[detection.name]} for f in FRACTIONS]
            + [{detection.name: skew} for skew in sorted(_record_skews(detection, events))])


def test_the_sweep_covers_every_scheduled_detection_and_each_may_be_skewed() -> None:
    """Every detection of the pack is in some swept timeline, and the built stanzas allow a skew to each: an
    hour for ``0 * * * *``, ten minutes for ``*/10 * * * *``, under a minute for ``10 * * * *``."""
    covered = {d.name for detection, test in swept() for d in chosen(detection, test)}
    scheduled = {d.name for d in real_pack().detections if d.type in ("TTP", "Anomaly", "Correlation")}
    assert covered == scheduled and len(SWEPT) >= 20
    expected = {"0 * * * *": 3600, "*/10 * * * *": 600, "10 * * * *": 59}
    assert {schedule_of(d).cron.text: max_skew_of(d) for d in real_pack().detections if d.name in covered} == expected


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_a_skew_the_stanza_allows_changes_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    detection, test = detection_and_test(detection_name, test_name)
    events = read(detection, test)
    assert events
    on_time = replayed(detection, test)  # what contentpack replay raised, unskewed
    assert len(chosen(detection, test)) > 1 or raised(detection, test, events) == on_time  # the harness agrees
    differing = {}
    for skews in _skew_sets(detection, test, events):
        skewed = raised(detection, test, events, skews=skews)
        if skewed != on_time:
            differing[tuple(sorted(skews.items()))] = skewed
    assert differing == {}, (on_time, differing)
