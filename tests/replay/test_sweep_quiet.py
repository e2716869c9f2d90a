"""``contentpack replay --sweep`` sweeps the tests that expect silence too: a benign timeline must stay quiet
wherever the clock puts it, as an attack must raise the same. The pack (``sweep_fixture``): the two refusals a
user made a minute apart (09:20 and 09:21), under a detection of a user who refused once only (``where count=1``),
hourly over ``-70m@m`` .. ``-10m@m`` (windows that meet), whose test expects no result: unmoved both refusals are
in one window and it stays quiet, but a window edge between them shows each run one refusal -- what the pack's
tier detections did with a consent's medium role seen without its critical one. And a quiet test whose data its
detection never reads (another error code), which has nothing to move and is named as not swept."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.content.model import UnitTest
from contentpack.replay.sweep import expects_silence, swept

from . import factory as f
from .sweep_fixture import SEARCH, TEST, USER, detection_yaml, write_pack

ONCE = "Entra ID User Refused Once"
OTHER = "Entra ID Other Error Code"


def _quiet(name: str, number: int, search: str) -> str:
    """``detection_yaml``'s detection with ``search`` and its test expecting no result and no notable."""
    data = json.loads(detection_yaml(name, number, False))
    data["search"] = f"{search} | `{name.lower().replace(' ', '_')}_filter`"
    data["tests"][0].update(expected_results=0, max_notables=0)
    del data["tests"][0]["expected_notables"]
    return json.dumps(data, indent=1) + "\n"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pack(tmp_path_factory.mktemp("quiet") / "pack", [
        (ONCE, _quiet(ONCE, 3, f"{SEARCH} | where count=1")),
        (OTHER, _quiet(OTHER, 4, SEARCH.replace("errorCode=65004", "errorCode=65005")))])


def test_a_quiet_test_is_swept_and_one_whose_data_is_never_read_is_named(
        pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--root", str(pack)]) == 0  # the plain replay is green: both stay quiet
    capsys.readouterr()
    assert main(["replay", "--root", str(pack), "--sweep"]) == 1
    lines = capsys.readouterr().out.splitlines()
    # moved 29m, 09:49 is in the 10:00 run's window (08:50 .. 09:50) and 09:50 in the 11:00 run's; at its tests[0]
    assert (f"detections/cloud/entra_id_user_refused_once.yml:64:3: {ONCE} / {TEST}: attack moved 29m later: 2 "
            f"notables instead of 0; risk of {USER} 60 instead of 0") in lines
    assert (f"{OTHER} / {TEST}: not swept: it expects silence on data its detection never reads (nothing to move)"
            in lines)
    assert lines[-1].startswith("FAIL: 1 test(s) swept, 0 passed, 1 failed (")


@pytest.mark.parametrize(("expected", "quiet"), [
    ({"expected_results": 0}, True), ({"max_notables": 0}, True), ({"expected_notables": 0}, True),
    ({"expected_risk_events": 0}, True), ({"expected_results": 0, "expected_risk_events": 0}, True),
    ({"expected_results": 0, "expected_notables": 1}, False), ({"max_notables": 0, "expected_risk_events": 1}, False),
    ({"max_notables": 2}, False), ({}, False)])
def test_a_test_expects_silence_when_it_expects_zero_and_nothing_else(expected: dict[str, int], quiet: bool) -> None:
    test = UnitTest("t", (), expected_results=expected.get("expected_results"),
                    expected_notables=expected.get("expected_notables"), max_notables=expected.get("max_notables"),
                    expected_risk_events=expected.get("expected_risk_events"))
    assert expects_silence(test) is quiet


def test_a_test_pinning_risk_events_only_is_swept() -> None:
    """A risk-only detection's test that pins its risk events (and no results) expects something to keep, or
    silence (0): both are swept."""
    detection = f.detection("Declined", kind="Anomaly", tests=(
        replace(UnitTest("Fires", ()), expected_risk_events=2), replace(UnitTest("Quiet", ()), expected_risk_events=0),
        UnitTest("Declares nothing", ())))
    assert [test.name for _, _, test in swept([detection])] == ["Fires", "Quiet"]
