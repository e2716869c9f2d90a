"""A lookup's CSV file: it must exist inside ``lookups/``, be UTF-8 text and start with a header row.

The header becomes the lookup's ``fields_list`` in the model (what transforms.conf and the replay engine
need), so it is read here once, at load time, with the same size/binary/encoding checks as YAML files.
"""

from __future__ import annotations

import csv
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.content.loader import read_text

RULE_LOOKUP_FILE = "CP014"
MAX_LOOKUP_BYTES = 16 * 1024 * 1024


def read_header(root: Path, csv_name: str, where: Position) -> tuple[tuple[str, ...] | None, list[Diagnostic]]:
    """The CSV's column names, or diagnostics (``where`` is the YAML node naming the file)."""
    file = root / "lookups" / csv_name
    shown = f"lookups/{csv_name}"
    if not file.is_file():
        return None, [error(where, RULE_LOOKUP_FILE, f"lookup file '{shown}' does not exist")]
    text, problems = read_text(file, shown, limit=MAX_LOOKUP_BYTES)
    if text is None:
        return None, problems
    header = next(csv.reader(text.splitlines()[:1]), [])
    if not header:
        return None, [error(Position(shown, 1, 1), RULE_LOOKUP_FILE, "lookup CSV has no header row")]
    if len(set(header)) != len(header) or any(not column.strip() for column in header):
        return None, [
            error(Position(shown, 1, 1), RULE_LOOKUP_FILE, "lookup CSV header has empty or repeated column names")
        ]
    return tuple(header), []
