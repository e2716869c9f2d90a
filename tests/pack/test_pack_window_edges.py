"""Where the dispatch-window edges fall must not change what the pack raises.

Every scheduled detection (TTP, Anomaly, Correlation) runs over a sliding window; an attack's records land
wherever the clock puts them. For each of its tests that expects results, ``contentpack replay --sweep``'s
first half (``contentpack.replay.sweep.edge_offsets``, which says why its offsets are enough: a grid across one
run interval plus each offset that puts a record on a window edge or, through its ``_indextime``, on a run)
moves the test's attack and requires the notables (after throttling) and the risk per risk object of the
unmoved data, which must be ``contentpack replay``'s own: an attack is neither doubled nor lost because a window
edge fell between two of its records (the bug ``admin_consent_edge`` pinned for one detection: one grant, two
records a second apart, two notables).

No detection is exempt: each double the sweep found was throttled away (see docs/replay.md).
"""

from __future__ import annotations

import pytest

from contentpack.replay.sweep import SCHEDULED_TYPES, edge_offsets, expects_silence
from real_pack_runs import real_pack

from .pack_timelines import replayed, swept, swept_params, timeline

SWEPT = swept_params()


def test_the_sweep_covers_every_scheduled_detection_that_raises_something() -> None:
    covered = {d.name for d, _ in swept()}
    scheduled = {d.name for d in real_pack().detections if d.type in SCHEDULED_TYPES}
    assert covered == scheduled and len(SWEPT) >= 20


def test_the_quiet_tests_on_data_their_detection_reads_are_swept_too() -> None:
    """A benign timeline must stay quiet wherever the clock puts it: the medium tier of the application-permission
    detections on a consent whose critical role a window edge could hide from it, and the per-user grant
    detection on user consents whose consent record could be indexed after its grant, are swept; a quiet test
    whose data its detection never reads (the baseline tenant holds no app role assignment) is not."""
    quiet = {(d.name, t.name) for d, t in swept() if expects_silence(t)}
    assert {("Entra ID Application Permission Granted to Service Principal",
             "Privileged Role Beside A Medium One Must Not Fire"),
            ("Entra ID Per-User Delegated Permission Grant Made Without Consent",
             "User Consents With Their Grants Must Not Fire")} <= quiet
    assert ("Entra ID Privileged App Permission Granted to Service Principal", "Baseline Tenant Must Not Fire") \
        not in quiet and len(quiet) >= 30


@pytest.mark.slow
@pytest.mark.parametrize(("detection_name", "test_name"), SWEPT)
def test_moving_the_attack_across_window_edges_changes_no_notable_and_no_risk(detection_name: str,
                                                                                test_name: str) -> None:
    swept_timeline = timeline(detection_name, test_name)
    assert swept_timeline.events
    unmoved = swept_timeline.raised()
    assert unmoved == replayed(detection_name, test_name)  # the replay's own run agrees
    assert swept_timeline.differences(edge_offsets(swept_timeline), unmoved) == []
