"""Copy the JSON Schemas shipped in the package to schemas/ so editors can use them.

    python scripts/export_schemas.py          # write schemas/<kind>.schema.json
    python scripts/export_schemas.py --check  # exit 1 if schemas/ differs from the package (CI, tests)

The package's copy (src/contentpack/content/schema/) is the source of truth; the validator reads it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contentpack.content.schemas import SCHEMA_KINDS, exported_name, schema_text

OUT_DIR = Path(__file__).resolve().parent.parent / "schemas"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="target directory (default: schemas/)")
    args = parser.parse_args(argv)
    stale = []
    for kind in SCHEMA_KINDS:
        target = args.out / exported_name(kind)
        text = schema_text(kind)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(target)
        if not args.check:
            args.out.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run scripts/export_schemas.py): " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    print(f"{'checked' if args.check else 'exported'} {len(SCHEMA_KINDS)} schemas in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
