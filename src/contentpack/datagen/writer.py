"""Serialise records the way the Splunk add-on writes ``_raw``: Python ``json.dumps`` with default
separators (``", "`` / ``": "``) and ``ensure_ascii=True``, key order as built (``time`` first).
Source: the add-on's Event Hub input writes ``json.dumps(record)`` per ``records[]`` element
(../shared/reference/azure_monitor_aad.md §1, beside the repository, not in it)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from contentpack.atomic_write import write_atomically

Record = dict[str, Any]


def to_line(record: Record) -> str:
    """One record as its ``_raw`` text (no newline)."""
    return json.dumps(record)


def sorted_by_time(records: Iterable[Record]) -> list[Record]:
    """Records in ascending ``time`` (the field Splunk's ``TIME_PREFIX`` reads); ties keep build order.

    The fixed-width ``YYYY-MM-DDThh:mm:ss.fffffffZ`` form sorts correctly as text.
    """
    return sorted(records, key=lambda r: r["time"])


def write_log(path: str | os.PathLike[str], records: Iterable[Record]) -> int:
    """Write records as JSON lines sorted by ``time``; returns the byte count. ``\\n`` line ends on every
    platform so the committed files are byte-identical wherever they are regenerated. Written atomically
    (``write_atomically``): a link standing at ``path`` is replaced, never written through to the file it names
    (``Path.write_bytes`` overwrote a file outside the output folder that a link there pointed to)."""
    data = "".join(to_line(r) + "\n" for r in sorted_by_time(records)).encode("ascii")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, [data])
    return len(data)
