"""Records indexed late must not change what the pack raises.

A scheduled run sees only what is indexed by its start (Alerting Manual, *Alert scheduling tips*: "event data
might not reach the indexer immediately"), and Entra ID records reach the index with a delay
(``simulate.delays``: Microsoft's 5 minutes at the 99th percentile, an assumed 15-minute ceiling). For each
scheduled (detection, test) that expects results, the test's timeline is replayed with every record indexed
later by the sweep's late-data delays (``replay.sweep.late_delays``: the model's p99 and ceiling, and the delay
that puts a record's ``_indextime`` on the run after the first that sees it), and the detection's notables
(after throttling) and the risk total per risk object must be those of ``contentpack replay``. A record first
seen a run later raises the same; one no run sees any more fails: the two ten-minute detections searched the
slice ``-20m@m`` .. ``-10m@m`` and lost such records until they searched ``-40m@m`` with a throttle.
"""

from __future__ import annotations

import pytest

from contentpack.replay.sweep import Raised, Variant, late_delays, skewed_late

from .pack_timelines import replayed, swept_params, timeline

SWEPT = swept_params()


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_records_indexed_late_change_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    swept_timeline = timeline(detection_name, test_name)
    variants = late_delays(swept_timeline)
    assert {variant.late for variant in variants} >= {300.0, 900.0}  # Entra ID's p99 and ceiling at least
    assert swept_timeline.differences(variants, replayed(detection_name, test_name)) == []


# Found by the combination, not yet fixed in the content (left to the detections' owners; do not hide a new one
# here): the hourly detections over the default ``-70m@m`` .. ``-10m@m`` search slices that meet without overlap,
# so a record in the last minutes of a slot is held by one run only, which starts ten minutes after the slot
# ends; indexed more than that late (here Entra ID's own delay of a minute or two plus the model's assumed
# 15-minute ceiling) it reaches the index after that run, and the next run's slot no longer holds it: never seen.
# The late delays alone miss it (the tests' records are not in the last minutes of a slot), the skews alone too
# (on time, they are indexed before the run); the skew puts the record there, as the attack moved would.
LOST_SKEWED_LATE = {
    ("Entra ID Application Permission Granted to Service Principal", "True Positive Test"): (1860.0, 80),
    ("Entra ID Tenant-Wide Admin Consent Granted", "True Positive Test"): (1860.0, 80),
    ("Entra ID Tenant-Wide Admin Consent Granted", "Grant Split by a Window Edge"): (60.0, 80),
    ("Entra ID Tenant-Wide Admin Consent Granted", "Reviewed App Rollout"): (2580.0, 80),
    ("Entra ID Tenant-Wide Admin Consent Granted", "Grant Made Through PowerShell"): (2280.0, 80),
    ("Entra ID User Consent Blocked for Risky Application", "True Positive Test"): (960.0, 50),
    ("Entra ID User Consent Policy Weakened", "Change Made By An Application"): (1980.0, 80),
}


@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_runs_skewed_with_records_late_change_no_notable_and_no_risk(detection_name: str, test_name: str) -> None:
    """``replay.sweep.skewed_late``: the p99 and ceiling late delays with the largest skew and the edge skews
    (several detections: the risk writers against the correlation). Every difference is one of
    ``LOST_SKEWED_LATE``: at the ceiling, one skew loses the test's whole attack (no notable, no risk)."""
    swept_timeline = timeline(detection_name, test_name)
    unmoved = replayed(detection_name, test_name)
    differences = swept_timeline.differences(skewed_late(swept_timeline), unmoved)
    lost = LOST_SKEWED_LATE.get((detection_name, test_name))
    if lost is None:
        assert differences == []
        return
    skew, score = lost
    [(variant, raised)] = differences
    assert variant == Variant(skews=((detection_name, skew),), late=900.0)
    assert raised == Raised(0, ()) and unmoved.notables == 1 and [s for _, s in unmoved.risk] == [score]
