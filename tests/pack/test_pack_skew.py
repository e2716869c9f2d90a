"""The scheduler's ``allow_skew`` must not change what the pack raises.

The build writes ``allow_skew = 100%`` into every stanza. savedsearches.conf.spec (Splunk 10.0), ``allow_skew``:
for ``0 * * * *``, ``*/M * * * *`` and the spec's other listed cron forms the scheduler "randomly 'skews' the
second, minute, and hour that the search actually runs on" -- up to the whole period at 100% ("100% (For an
every-5-minute search = 5 minutes maximum)") --, for any other cron (the risk correlation's ``10 * * * *``)
"only ... the second"; "The amount of skew for a specific search remains constant between edits of the
search". So on a real search head every detection runs at its own constant offset after its ticks, and the
pack's outcome must not depend on which.

For each scheduled (detection, test) that expects results, ``contentpack replay --sweep``'s second half
(``contentpack.replay.sweep.skew_sets``, which says which skews and why: a grid up to each detection's maximum,
the skews that put the first or last record on a window edge or a run, the risk writers moved against the
correlation) replays the test's timeline skewed, and the detection's notables (after throttling) and the risk
total per risk object must be those of the unskewed timeline, ``contentpack replay``'s own. A skewed run
resolves its window at its skewed start (assumed, see ``content.schedule``); a run the scheduler delays searches
its on-time window instead (Reporting Manual, *Prioritize concurrently scheduled reports in Splunk Web*), not
swept here.
"""

from __future__ import annotations

import pytest

from contentpack.replay.sweep import SCHEDULED_TYPES, skew_sets
from contentpack.simulate import schedule_of
from contentpack.simulate.dispatch import max_skew_of
from real_pack_runs import real_pack

from .pack_timelines import replayed, swept, swept_params, timeline

SWEPT = swept_params()


def test_the_sweep_covers_every_scheduled_detection_and_each_may_be_skewed() -> None:
    """Every detection of the pack is in some swept timeline, and the built stanzas allow a skew to each: an
    hour for ``0 * * * *``, ten minutes for ``*/10 * * * *``, under a minute for ``10 * * * *``."""
    covered = {d.name for detection, test in swept()
               for d in timeline(detection.name, test.name).detections}
    scheduled = {d.name for d in real_pack().detections if d.type in SCHEDULED_TYPES}
    assert covered == scheduled and len(SWEPT) >= 20
    expected = {"0 * * * *": 3600, "*/10 * * * *": 600, "10 * * * *": 59}
    assert {schedule_of(d).cron.text: max_skew_of(d) for d in real_pack().detections if d.name in covered} == expected


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_a_skew_the_stanza_allows_changes_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    swept_timeline = timeline(detection_name, test_name)
    assert swept_timeline.events
    on_time = replayed(detection_name, test_name)  # what contentpack replay raised, unskewed
    assert swept_timeline.raised() == on_time  # the sweep's unskewed timeline agrees
    assert swept_timeline.differences(skew_sets(swept_timeline), on_time) == []
