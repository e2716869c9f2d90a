"""The shipped pack: every detection test replayed over its committed attack data must pass."""

from __future__ import annotations

import pytest

from contentpack.content.model import Pack
from contentpack.replay import replay_pack

from .conftest import REPO


def _cases() -> list[tuple[str, str]]:
    """(detection, test) names read through the validator, so a case id names the test that failed."""
    from contentpack.content.validate import validate_pack

    pack = validate_pack(REPO).pack
    return [] if pack is None else [(d.name, t.name) for d in pack.detections for t in d.tests]


@pytest.mark.parametrize(("detection", "test"), _cases())
def test_real_detection_test_passes(real_pack: Pack, detection: str, test: str) -> None:
    chosen = next(d for d in real_pack.detections if d.name == detection)
    outcome = next(o for o in replay_pack(real_pack, [chosen]).outcomes if o.test == test)
    assert outcome.ok, outcome.failures


def test_the_real_pack_has_tests_to_replay(real_pack: Pack) -> None:
    assert sum(len(d.tests) for d in real_pack.detections) >= len(real_pack.detections)
