"""Records indexed late must not change what the pack raises.

A scheduled run sees only what is indexed by its start (Alerting Manual, *Alert scheduling tips*: "event data
might not reach the indexer immediately"), and Entra ID records reach the index with a delay
(``simulate.delays``: Microsoft's 5 minutes at the 99th percentile, an assumed 15-minute ceiling). For each
scheduled (detection, test) that expects results, the test's timeline is replayed with every record indexed
later by the sweep's late-data delays (``replay.sweep.late_delays``: the model's p99 and ceiling, and the delay
that puts a record's ``_indextime`` on the run after the first that sees it), and the detection's notables
(after throttling) and the risk total per risk object must be those of ``contentpack replay``. A record first
seen a run later raises the same; one no run sees any more fails: the two ten-minute detections searched the
slice ``-20m@m`` .. ``-10m@m`` and lost such records until they searched ``-40m@m`` with a throttle; the hourly
ones, with their runs skewed too, until they searched ``-100m@m`` (the second test).
"""

from __future__ import annotations

import pytest

from contentpack.replay.sweep import held_back_late, late_delays, moved_late, moved_skewed_late, skewed_late

from .pack_timelines import replayed, swept_params, timeline

SWEPT = swept_params()


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_records_indexed_late_change_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    swept_timeline = timeline(detection_name, test_name)
    variants = late_delays(swept_timeline)
    assert {variant.late for variant in variants} >= {300.0, 900.0}  # Entra ID's p99 and ceiling at least
    assert swept_timeline.differences(variants, replayed(detection_name, test_name)) == []


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_runs_skewed_with_records_late_change_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    """``replay.sweep.skewed_late``: the p99 and ceiling late delays with the largest skew and the edge skews
    (several detections: the risk writers against the correlation). The hourly detections searched the default
    ``-70m@m`` .. ``-10m@m``, slices that meet without overlap: a record the skew put in the last minutes of its
    slot, indexed more than ten minutes late, reached the index after the one run that held it and was never seen
    (7 tests lost their whole attack, no notable and no risk) until they searched ``-100m@m`` with a throttle
    covering the window."""
    swept_timeline = timeline(detection_name, test_name)
    assert swept_timeline.differences(skewed_late(swept_timeline), replayed(detection_name, test_name)) == []


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_the_attack_moved_with_records_late_changes_no_notable_and_no_risk(detection_name: str,
                                                                            test_name: str) -> None:
    """``replay.sweep.moved_late`` (the attack moved so its first or last record sits in the minute before a window
    edge, or its late ``_indextime`` on a run, at the p99 and ceiling late delays), ``moved_skewed_late`` (the
    same under the largest skew, where a skew is not just the attack moved; several detections: half the
    correlation's hour under the skew set, records at the ceiling) and ``held_back_late`` (several detections:
    the risk writers held back the most they may be with the records at the ceiling)."""
    swept_timeline = timeline(detection_name, test_name)
    variants = moved_late(swept_timeline) + moved_skewed_late(swept_timeline) + held_back_late(swept_timeline)
    assert swept_timeline.differences(variants, replayed(detection_name, test_name)) == []
