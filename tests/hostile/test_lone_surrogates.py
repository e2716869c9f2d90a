"""A lone surrogate in the logs. The JSON escape ``"\\ud800"`` decodes to a string holding one (the readers take
any JSON the standard decoder accepts, tests/hostile/test_event_files.py), and UTF-8 cannot encode it. Each
place that once failed on one:

* printing ``search`` results in any format: "internal error: UnicodeEncodeError";
* the engine's byte order and hashes (``values()``, ``stats ... by``, ``mvsort``, ``md5``): "the search cannot
  be run on these events" -- an attacker choosing such an application name or user agent made detections fail;
* ``backtest --out``'s files: "internal error";
* JUnit XML: a character reference to the surrogate, which XML forbids (the CI's parser refused the report);
* a Splunk export row whose ``_raw`` holds one: "internal error".
"""

from __future__ import annotations

import hashlib
import os
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contentpack.content.diagnostics import Position, error
from contentpack.junit import Case, render
from contentpack.printable import json_text, path_text, printable
from contentpack.replay.report import position_json
from contentpack.spl import Engine

from .support import ROOT, run_cli

LONE = "x\ud800y"
ESCAPED = "x\\ud800y"  # how it is printed and written: the JSON escape of the same character


def _events(tmp_path: Path) -> Path:
    file = tmp_path / "e.jsonl"
    file.write_text('{"time": "2026-10-21T09:00:00Z", "a": "x\\ud800y", "\\udc00k": "v"}\n'
                    '{"time": "2026-10-21T09:01:00Z", "a": "b"}\n', encoding="utf-8")
    return file


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_search_prints_a_lone_surrogate_escaped(tmp_path: Path, fmt: str) -> None:
    outcome = run_cli("search", "search * | table a *k", "--events", str(_events(tmp_path)), "--format", fmt,
                      timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 0, outcome.stderr
    assert ESCAPED in outcome.stdout and "\\udc00k" in outcome.stdout, outcome.stdout
    if fmt == "json":
        assert json.loads(outcome.stdout)[-1] == {"a": LONE, "\udc00k": "v"}  # newest first
    assert printable(LONE) == ESCAPED  # what the table measures and shows


def test_the_engine_orders_and_hashes_a_lone_surrogate(tmp_path: Path) -> None:
    """Its UTF-8 three-byte form, as if it were a character (assumed: no Splunk document says)."""
    engine = Engine()
    engine.register_events(_events(tmp_path), sourcetype="s")
    assert engine.search("search * | stats values(a) as v", now=0.0).rows == [{"v": ("b", LONE)}]
    assert [row["a"] for row in engine.search("search * | stats count by a", now=0.0).rows] == ["b", LONE]
    assert engine.search("search * | stats values(a) as v | eval v=mvsort(v)", now=0.0).rows == [{"v": ("b", LONE)}]
    rows = engine.search(f'search a="{LONE}" | eval h=md5(a) | table h', now=0.0).rows
    assert rows == [{"h": hashlib.md5(LONE.encode("utf-8", "surrogatepass")).hexdigest()}]


def test_backtest_writes_a_lone_surrogate_from_the_logs_escaped(tmp_path: Path) -> None:
    source = ROOT / "attack_data" / "single_user_declines" / "single_user_declines.log"
    events = tmp_path / "e.log"
    events.write_text(source.read_text(encoding="utf-8").replace("joni.natarajan@contoso.example",
                                                                 "joni.\\ud800@contoso.example"), encoding="utf-8")
    out = tmp_path / "out"
    outcome = run_cli("backtest", "--root", str(ROOT), "--events", str(events), "--out", str(out), timeout=60)
    outcome.assert_handled()
    assert outcome.returncode == 0, outcome.stderr
    risk = [json.loads(line) for line in (out / "risk.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "joni.\ud800@contoso.example" in {event["risk_object"] for event in risk}
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "joni.\\ud800@contoso.example" in page.replace("<wbr>", "")  # a value's cell may break after '.', '@'


def test_junit_xml_holds_a_lone_surrogate_escaped() -> None:
    case = Case(classname="c", name=f"name {LONE}", failure=f"row {LONE} missing", details=f"details {LONE}")
    root = ET.fromstring(render("suite", [case]))
    testcase = root.find("testsuite/testcase")
    assert testcase is not None and testcase.get("name") == "name x\\xd800y"
    failure = testcase.find("failure")
    assert failure is not None and failure.get("message") == "row x\\xd800y missing"


def test_backtest_counts_an_export_row_whose_raw_holds_a_lone_surrogate_as_bad(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    raw = json.dumps({"time": "2026-10-21T09:00:00Z", "operationName": "Sign-in activity", "category": "SignInLogs",
                      "properties": {"status": {"errorCode": 65004}}}) + " " + LONE
    export.write_text(json.dumps({"preview": False, "result": {"_raw": raw, "_time": "2026-10-21T09:00:00Z"}}) + "\n",
                      encoding="utf-8")
    outcome = run_cli("backtest", "--root", str(ROOT), "--events", str(export), timeout=60)
    outcome.assert_handled()
    assert f"{export}:1:1: warning[RP002]: _raw is not Unicode text: a lone surrogate (U+D800) at character {len(raw) - 1}" \
        in outcome.stderr, outcome.stderr


def test_a_byte_that_is_not_utf8_prints_as_the_byte() -> None:
    """A file name's byte that is not UTF-8 reaches Python as a lone surrogate (PEP 383, ``os.fsdecode``):
    printed, and in a JSON document through ``path_text``, it is the byte, ``\\xe9``, not Python's ``\\udce9``.
    A lone surrogate of no byte (a JSON log's ``"\\ud800"``) stays ``\\ud800``; ``path_text`` leaves the rest of
    the text as it is, for ``printable`` or ``json_text`` to escape."""
    name = os.fsdecode(b"caf\xe9\xff.log")
    assert printable(name) == path_text(name) == "caf\\xe9\\xff.log"
    assert printable("\ud800\x1b") == "\\ud800\\x1b" and path_text("\ud800\x1b") == "\ud800\x1b"
    assert json.loads(json_text({"path": path_text(name)})) == {"path": "caf\\xe9\\xff.log"}


def test_every_json_report_writes_a_file_name_byte_that_is_not_utf8_as_the_text_does() -> None:
    """The positions of ``validate``/``build``'s diagnostics (their messages too, which may quote a file name) and of
    ``replay``'s tests, in ``--format json``: ``\\xNN`` (``path_text``), as the text and ``backtest``'s JSON say it,
    not the lone surrogate (``"\\udce9"`` in the document), which strict JSON readers refuse."""
    name = os.fsdecode(b"detections/caf\xe9.yml")
    found = error(Position(name, 2, 1), "CP004", f"cannot read {name}")
    assert found.as_json() == {"path": "detections/caf\\xe9.yml", "line": 2, "col": 1, "severity": "error",
                               "rule": "CP004", "message": "cannot read detections/caf\\xe9.yml"}
    assert printable(found.render()) == "detections/caf\\xe9.yml:2:1: error[CP004]: cannot read detections/caf\\xe9.yml"
    assert position_json(Position(name, 7, 5)) == {"path": "detections/caf\\xe9.yml", "line": 7, "col": 5}
