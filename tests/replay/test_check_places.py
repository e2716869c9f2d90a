"""Where a replay's failed check is reported: at the key of the expectation it checks under the test's
``tests[i]`` entry (``expected_results``, an ``expected_notable_rows`` item, an ``expected_risk`` object), as a
failed ``expected_rows[i]`` stands at its entry; the text report and ``--format json`` give the same place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentpack.cli import main
from pack_copies import pack_copy

DETECTION = "Entra ID Tenant-Wide Admin Consent Granted"
FILE = Path("detections") / "cloud" / "entra_id_tenant_wide_admin_consent_granted.yml"
TEST = "Grant By A Second Initiator"
# its expectations, as the shipped file writes them, and as the broken copy does
WRITTEN = ("  expected_results: 2\n  expected_rows:\n  - user: pgustavo@simulandlabs.com\n    initiator_type: user\n",
           "  - user: pgustavo@simulandlabs.com\n  - user: fc8c8125-bc0c-499d-8344-e53c6e3caa81\n  detect_within: 70m\n"
           "  expected_risk:\n    pgustavo@simulandlabs.com: 80\n")
BROKEN = ("  expected_results: 3\n  expected_rows:\n  - user: pgustavo@simulandlabs.com\n    initiator_type: user\n",
          "  - user: pgustavo@simulandlabs.com\n  - user: nobody@contoso.example\n  detect_within: 70m\n"
          "  expected_risk:\n    pgustavo@simulandlabs.com: 81\n")


@pytest.fixture(scope="module")
def broken_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped pack with three of one test's expectations made wrong: its count, its second notable row, the
    risk of its object."""
    root = pack_copy(tmp_path_factory.mktemp("places"))
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    for old, new in zip(WRITTEN, BROKEN):
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return root


def _place(root: Path, written: str, within: str = "") -> tuple[int, int]:
    """The line and column (1-based) of ``written``, the first after ``within``, in the broken copy's file."""
    text = (root / FILE).read_text(encoding="utf-8")
    at = text.index(written, text.index(within) if within else 0)
    line = text.count("\n", 0, at) + 1
    return line, at - text.rfind("\n", 0, at)


def test_a_failed_check_stands_at_the_expectation_it_checks_in_the_text_and_the_json_reports(
        broken_pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A failed ``expected_results`` or ``expected_notable_rows[i]`` (and any check of a key of the test) stood at
    the test's ``tests[i]`` entry, and ``--format json`` gave a check no place at all: an editor's jump landed on
    the test's name, the author left to find which of its expectations failed."""
    assert main(["replay", "--root", str(broken_pack), "--detection", DETECTION]) == 1
    text = capsys.readouterr().out.splitlines()
    assert main(["replay", "--root", str(broken_pack), "--detection", DETECTION, "--format", "json"]) == 1
    [outcome] = [t for t in json.loads(capsys.readouterr().out)["tests"] if t["test"] == TEST]
    places = {"expected_results": _place(broken_pack, "expected_results: 3"),
              "expected_notable_rows[1]": _place(broken_pack, "user: nobody@contoso.example"),
              "expected_risk[pgustavo@simulandlabs.com]": _place(broken_pack, "pgustavo@simulandlabs.com: 81")}
    failed = {check["name"]: check for check in outcome["checks"] if not check["ok"]}
    assert failed.keys() == places.keys()
    for name, (line, col) in places.items():  # the text report's line, then the JSON's place: the same
        assert f"{FILE.as_posix()}:{line}:{col}: {DETECTION} / {TEST}: {name}: {failed[name]['detail']}" in text
    for name, (line, col) in places.items():
        assert failed[name]["position"] == {"path": FILE.as_posix(), "line": line, "col": col}
    # a passing check is placed too: its expectation's key
    assert next(c for c in outcome["checks"] if c["name"] == "expected_notables")["position"] == {
        "path": FILE.as_posix(), "line": _place(broken_pack, "expected_notables: 2", "name: " + TEST)[0], "col": 3}
