"""The shipped pack: every detection test replayed over its committed attack data must pass."""

from __future__ import annotations

import pytest

from contentpack.content.model import Pack
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
