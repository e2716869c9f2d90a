"""``contentpack replay --sweep`` holds each swept test's unmoved timeline to the test's own expectations, with the
replay's checks: a variant that raises what the unmoved timeline raised says nothing when the unmoved timeline
misses the test. A new user's detection whose test expected rows its search did not return failed the plain replay
and passed the sweep (every variant raised the same wrong thing).

The pack (``sweep_fixture``): the robust detection of ``test_sweep_cli`` (hourly over ``-100m@m`` .. ``-10m@m``,
throttled on the user, one notable and 30 risk for alice, the same under every variant), its test given one wrong
expectation: a row the all-time search does not return (``expected_rows``, which only the replay's all-time half
checks), or a risk total the scheduled timeline does not write (``expected_risk``, checked on the sweep's own
unmoved run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contentpack.cli import main

from .sweep_fixture import TEST, USER, detection_yaml, write_pack

ROBUST = "Entra ID Refusal Throttled Over Two Slots"
# per expectation, the wrong value the test is given
WRONG: dict[str, dict[str, Any]] = {"expected_rows": {"expected_rows": [{"user": "bob@contoso.example"}]},
                                    "expected_risk": {"expected_risk": {USER: 60}}}


def _pack(root: Path, wrong: dict[str, Any]) -> Path:
    """The robust detection alone, its test's expectations with ``wrong`` added."""
    detection = json.loads(detection_yaml(ROBUST, 0, True, ("0 * * * *", "-100m@m", "-10m@m")))
    detection["tests"][0].update(wrong)
    return write_pack(root, [(ROBUST, json.dumps(detection, indent=1) + "\n")])


@pytest.mark.parametrize("expectation", sorted(WRONG))
def test_the_sweep_fails_a_test_whose_unmoved_timeline_the_replay_fails(expectation: str, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The sweep fails the test, saying each check the replay failed in the replay's words, at the same place,
    after ``the test fails unmoved``; its variants still all raise what the unmoved timeline raised (0 differ),
    and the JSON and JUnit reports carry the same failed checks."""
    pack = _pack(tmp_path / "pack", WRONG[expectation])
    assert main(["replay", "--root", str(pack), "--format", "json"]) == 1
    [replayed] = json.loads(capsys.readouterr().out)["tests"]
    failed = [check for check in replayed["checks"] if not check["ok"]]
    assert [check["name"] for check in failed] == [f"{expectation}[{USER}]" if expectation == "expected_risk"
                                                   else f"{expectation}[0]"]

    junit = tmp_path / "sweep.xml"
    assert main(["replay", "--root", str(pack), "--sweep", "--junit", str(junit)]) == 1
    lines = capsys.readouterr().out.splitlines()
    said = [f"{pack_path}:{check['position']['line']}:{check['position']['col']}: {ROBUST} / {TEST}: "
            f"the test fails unmoved: {check['name']}: {check['detail']}"
            for check in failed for pack_path in [check["position"]["path"]]]
    assert [line for line in lines if "the test fails unmoved" in line] == said
    assert [[part.strip() for part in line.split("│")[1:-1]] for line in lines if line.startswith("│")] == [
        [ROBUST, TEST, "55", "1", "0", "1 obj, max 30", "FAIL"]]
    assert lines[-1].startswith("FAIL: 1 test(s) swept, 0 passed, 1 failed (55 variant(s), ")
    xml = junit.read_text(encoding="utf-8")
    assert 'tests="1" failures="1"' in xml and f"the test fails unmoved: {failed[0]['name']}: " in xml

    assert main(["replay", "--root", str(pack), "--sweep", "--format", "json"]) == 1
    [swept] = json.loads(capsys.readouterr().out)["tests"]
    assert swept["ok"] is False and swept["differences"] == [] and swept["errors"] == []
    assert [check for check in swept["checks"] if not check["ok"]] == failed


def test_a_test_the_replay_passes_passes_the_sweep_with_its_checks_listed(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The same pack with its test's expectations met: the sweep passes it, its JSON listing the replay's checks,
    all passed."""
    pack = _pack(tmp_path / "pack", {"expected_rows": [{"user": USER}], "expected_risk": {USER: 30}})
    assert main(["replay", "--root", str(pack), "--format", "json"]) == 0
    [replayed] = json.loads(capsys.readouterr().out)["tests"]
    assert main(["replay", "--root", str(pack), "--sweep", "--format", "json"]) == 0
    [swept] = json.loads(capsys.readouterr().out)["tests"]
    assert swept["ok"] is True and swept["checks"] == replayed["checks"]
    assert {check["name"] for check in swept["checks"]} >= {"expected_results", "expected_rows[0]",
                                                           "expected_notables", f"expected_risk[{USER}]"}
