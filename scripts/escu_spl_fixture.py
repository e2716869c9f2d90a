"""Derive the compact ESCU fixture the SPL-check tests read: every detection's search and drilldowns, and
every macro, from a splunk/security_content checkout (Apache-2.0).

    python scripts/escu_spl_fixture.py ../shared/escu/security_content-a063ed3 \
        tests/fixtures/splunk_security_content/escu_searches.json.gz

Why a fixture: tests must not read ../shared at run time (tests/fixtures/README.md). The output is
deterministic (sorted, gzip without a name or time stamp), so re-running it on the same checkout gives the
same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def extract(root: Path) -> dict[str, object]:
    macros = []
    for file in sorted((root / "macros").glob("*.yml")):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
        macros.append({"name": data["name"], "arguments": list(data.get("arguments") or []),
                       "definition": data["definition"]})
    detections = []
    for file in sorted((root / "detections").rglob("*.yml")):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
        detections.append({
            "file": file.relative_to(root).as_posix(), "name": data["name"], "search": data["search"],
            "drilldown_searches": [{"name": d["name"], "search": d["search"],
                                    "earliest_offset": d.get("earliest_offset"), "latest_offset": d.get("latest_offset")}
                                   for d in data.get("drilldown_searches") or []],
        })
    return {"source": "splunk/security_content @ a063ed3249328f39af64d40177da49efe8f10244 (Apache-2.0)",
            "macros": macros, "detections": detections}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a security_content checkout (macros/, detections/)")
    parser.add_argument("output", type=Path, help="the .json.gz to write")
    args = parser.parse_args(argv)
    data = extract(args.root)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.output.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    print(f"wrote {len(data['detections'])} detections and {len(data['macros'])} macros to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
