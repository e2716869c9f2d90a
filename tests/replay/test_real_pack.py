"""The shipped pack: every detection test replayed over its committed attack data must pass."""

from __future__ import annotations

import pytest

from contentpack.content.model import Pack
from contentpack.replay.scheduled import notable_json
from real_pack_runs import scheduled_replay

from .conftest import REPO


def _cases() -> list[tuple[str, str]]:
    """(detection, test) names read through the validator, so a case id names the test that failed."""
    from contentpack.content.validate import validate_pack

    pack = validate_pack(REPO).pack
    return [] if pack is None else [(d.name, t.name) for d in pack.detections for t in d.tests]


@pytest.mark.parametrize(("detection", "test"), _cases())
def test_real_detection_test_passes(detection: str, test: str) -> None:
    """Each test's verdict in the pack's scheduled replay (run once, shared: tests/real_pack_runs.py)."""
    outcome = scheduled_replay().outcome(detection, test)
    assert outcome.ok, outcome.failures


def test_the_real_pack_has_tests_to_replay(real_pack: Pack) -> None:
    assert sum(len(d.tests) for d in real_pack.detections) >= len(real_pack.detections)


def test_the_correlations_notables_name_their_risk_object_in_the_replays_json() -> None:
    """``replay --format json`` lists each simulated notable with its risk objects: the risk correlation's (no rba
    block) had ``"risk_objects": []``. Each now names its result's ``risk_object``, the first ranked user, as a user
    (the type its search pins; ``simulate.notables``)."""
    correlation = "Entra ID OAuth Consent Abuse Risk Across Detections"
    notables = [n for o in scheduled_replay().report.outcomes if o.detection == correlation and o.scheduled
                for n in o.scheduled.notables]
    assert len(notables) >= 20
    for notable in notables:
        assert notable_json(notable)["risk_objects"] == [[notable.fields["risk_object"], "user"]], notable.fields
