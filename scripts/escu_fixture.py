"""Derive the ESCU conformance fixture: every detection's search and every macro definition of Splunk's
ESCU content, as one compact JSON file the SPL engine tests read (tests must not read ../shared).

    python scripts/escu_fixture.py [--escu ../shared/escu/security_content-a063ed3] [--out tests/spl/data/escu]

Writes ``escu.json`` (``{"commit", "detections": [{"path", "name", "search"}], "macros": [{"name",
"arguments", "definition"}]}``, sorted, so a re-run gives the same bytes) and ``LICENSE`` (ESCU's Apache-2.0
licence, which any copy must carry). Then prints the parse rate: ``scripts/escu_parse_rate.py``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ESCU = ROOT.parent / "shared" / "escu" / "security_content-a063ed3"
DEFAULT_OUT = ROOT / "tests" / "spl" / "data" / "escu"
COMMIT = "a063ed3249328f39af64d40177da49efe8f10244"
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(path: Path) -> dict[str, Any]:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    if not isinstance(document, dict):
        raise SystemExit(f"{path}: not a YAML mapping")
    return document


def derive(escu: Path) -> dict[str, Any]:
    detections = []
    for path in sorted((escu / "detections").rglob("*.yml")):
        document = _load(path)
        search = document.get("search")
        if isinstance(search, str):
            detections.append({"path": path.relative_to(escu).as_posix(), "name": document.get("name", ""),
                               "search": search})
    macros = []
    for path in sorted((escu / "macros").glob("*.yml")):
        document = _load(path)
        if isinstance(document.get("name"), str) and isinstance(document.get("definition"), str):
            macros.append({"name": document["name"], "arguments": list(document.get("arguments") or []),
                           "definition": document["definition"]})
    return {"commit": COMMIT, "detections": detections, "macros": macros}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--escu", type=Path, default=DEFAULT_ESCU)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.escu / "detections").is_dir():
        print(f"escu_fixture: no detections/ under {args.escu}", file=sys.stderr)
        return 2
    fixture = derive(args.escu)
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fixture, indent=0, sort_keys=True, ensure_ascii=False) + "\n"
    (args.out / "escu.json").write_text(text, encoding="utf-8")
    shutil.copyfile(args.escu / "LICENSE", args.out / "LICENSE")
    print(f"{len(fixture['detections'])} detections, {len(fixture['macros'])} macros -> {args.out / 'escu.json'}"
          f" ({len(text.encode('utf-8')) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
