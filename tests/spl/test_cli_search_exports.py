"""``search --events`` reads the exports ``backtest --events`` reads, as backtest reads them.

README's "Backtest on your tenant" has users export their logs from Splunk (JSON results lines, CSV with a
``_raw`` column) or save Event Hub messages (``{"records": [...]}`` lines), and its tuning step runs
``contentpack search '<the detection's search>' --events ...`` on the same files. Each export must give the rows
the original log file gives (the export shapes: splunk-sdk's ``JSONResultsReader`` and Splunk's
``/services/search/jobs/export``; the Event Hub body: ``shared/reference/azure_monitor_aad.md`` §1).
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from contentpack.cli import main

REPO = Path(__file__).resolve().parents[2]
LOG = REPO / "attack_data" / "consent_phishing_campaign" / "consent_phishing_campaign.log"
DETECTION = REPO / "detections" / "cloud" / "entra_id_user_declined_oauth_application_consent.yml"


def _records() -> list[str]:
    return [line for line in LOG.read_text(encoding="utf-8").splitlines() if line.strip()]


def _json_export(path: Path) -> None:
    """What ``/services/search/jobs/export?output_mode=json`` streams: a ``result`` a line, after a metadata line."""
    lines = [{"preview": False, "init_offset": 0, "messages": []}]
    lines += [{"preview": False, "offset": number, "result": {
        "_raw": raw, "_time": json.loads(raw)["time"], "_indextime": "1791800000", "sourcetype": "azure:monitor:aad"}}
        for number, raw in enumerate(_records())]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def _csv_export(path: Path) -> None:
    """Splunk Web's *Export → CSV* of ``| fields _raw _time _indextime sourcetype``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["_raw", "_time", "_indextime", "sourcetype"])
        for raw in _records():
            writer.writerow([raw, json.loads(raw)["time"], "1791800000", "azure:monitor:aad"])


def _event_hub(path: Path) -> None:
    """Event Hub message bodies, five records each: the add-on makes each record an event."""
    records = [json.loads(raw) for raw in _records()]
    path.write_text("".join(json.dumps({"records": records[start:start + 5]}) + "\n"
                            for start in range(0, len(records), 5)), encoding="utf-8")


def _rows_array(path: Path) -> None:
    """A JSON array of export rows (``{"results": [...]}``'s rows, saved as an array)."""
    rows = [{"_raw": raw, "_time": json.loads(raw)["time"]} for raw in _records()]
    path.write_text(json.dumps(rows), encoding="utf-8")


def _saved_message(path: Path) -> None:
    """One Event Hub message saved as it is shown, over several lines."""
    path.write_text(json.dumps({"records": [json.loads(raw) for raw in _records()]}, indent=2), encoding="utf-8")


def _rows(capsys: pytest.CaptureFixture[str], events: Path) -> list[dict[str, object]]:
    search = yaml.safe_load(DETECTION.read_text(encoding="utf-8"))["search"]
    status = main(["search", search, "--events", str(events), "--root", str(REPO), "--format", "json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    rows: list[dict[str, object]] = json.loads(captured.out)
    return rows


@pytest.mark.parametrize("write", [_json_export, _csv_export, _event_hub, _rows_array, _saved_message],
                         ids=["json-results", "csv", "event-hub", "rows-array", "saved-message"])
def test_an_export_gives_the_rows_of_the_original_log(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      write: Callable[[Path], None]) -> None:
    expected = _rows(capsys, LOG)
    assert len(expected) == 30  # every decline of the campaign, one user each
    export = tmp_path / "export.out"  # judged by its content, as backtest judges it, not by its name
    write(export)
    assert _rows(capsys, export) == expected


def test_a_bad_row_of_an_export_stops_the_search_at_its_line(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An export row the reader cannot use is reported as a malformed line of a JSON-lines file is: the file, the
    line, why, and how many in all — never dropped, never a traceback."""
    export = tmp_path / "export.json"
    good = {"preview": False, "result": {"_raw": _records()[0], "_time": "2026-10-12T10:28:47Z"}}
    no_raw = {"preview": False, "result": {"_time": "2026-10-12T10:28:47Z"}}
    export.write_text("".join(json.dumps(line) + "\n" for line in (good, no_raw, good, no_raw)), encoding="utf-8")
    status = main(["search", "*", "--events", str(export), "--no-pack"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith(f"{export}:2:1: error[RP002]: an export row without _raw (export with | fields _raw _time "
                          "_indextime sourcetype source host index) (2 malformed lines in all: lines 2, 4)\n")


def test_a_compressed_export_is_still_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``backtest`` decompresses, ``search`` does not (its scan reads the file's own bytes): a gzip export is
    refused as compressed before its format is judged."""
    export = tmp_path / "export.json.gz"
    export.write_bytes(gzip.compress(b'{"preview": false, "result": {"_raw": "x", "_time": "1"}}\n'))
    status = main(["search", "*", "--events", str(export), "--no-pack"])
    assert status == 2
    assert "gzip-compressed, and events are read from uncompressed files only" in capsys.readouterr().err


def test_a_text_line_that_mentions_raw_is_text_not_a_csv_header(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Only a header with a ``_raw`` column is a CSV export: text that names ``_raw`` stays a text event."""
    log = tmp_path / "notes.log"
    log.write_text("2026-10-12T10:00:00Z the _raw field holds the event\nsecond line\n", encoding="utf-8")
    status = main(["search", "* | stats count", "--events", str(log), "--no-pack", "--format", "json"])
    assert (status, json.loads(capsys.readouterr().out)) == (0, [{"count": "2"}])
