"""Write a JSON-lines file of records (``contentpack generate-data --events N --out FILE``) again as the exports
``backtest --events`` and ``search --events`` read (docs/backtest.md "Inputs"), to measure them (max RSS, wall)
with ``/usr/bin/time -v``. Not a test: run it by hand.

    .venv/bin/python benchmarks/export_inputs.py signins.log OUT_FOLDER

Writes ``results.json`` (``/services/search/jobs/export?output_mode=json``: a metadata line, then a
``{"preview": false, "offset": N, "result": {...}}`` line a record), ``export.csv`` (Splunk Web's *Export → CSV*
of ``| fields _raw _time _indextime sourcetype``) and ``messages.json`` (Event Hub message bodies
``{"records": [...]}``, 100 records a line).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

RECORDS_PER_MESSAGE = 100
INDEXTIME = "1791800000"


def _records(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield line.rstrip("\n")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.json").open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"preview": False, "init_offset": 0, "messages": []}) + "\n")
        for number, raw in enumerate(_records(source)):
            row = {"_raw": raw, "_time": json.loads(raw)["time"], "_indextime": INDEXTIME,
                   "sourcetype": "azure:monitor:aad"}
            handle.write(json.dumps({"preview": False, "offset": number, "result": row}) + "\n")
    with (out / "export.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["_raw", "_time", "_indextime", "sourcetype"])
        for raw in _records(source):
            writer.writerow([raw, json.loads(raw)["time"], INDEXTIME, "azure:monitor:aad"])
    with (out / "messages.json").open("w", encoding="utf-8") as handle:
        batch: list[object] = []
        for raw in _records(source):
            batch.append(json.loads(raw))
            if len(batch) == RECORDS_PER_MESSAGE:
                handle.write(json.dumps({"records": batch}) + "\n")
                batch = []
        if batch:
            handle.write(json.dumps({"records": batch}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
