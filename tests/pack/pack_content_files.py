"""Reading the real pack's YAML and CSV files for the content tests.

These tests read the files with ``yaml.safe_load`` on purpose: they check facts about the content itself
(what the searches say, which lookups and macros they need), independently of the validator under test.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ContentFile:
    path: Path
    data: dict[str, Any]


def load_dir(folder: str) -> list[ContentFile]:
    """The folder's content files, never none: the tests loop over them, so an empty list passed them all."""
    files = sorted((REPO / folder).rglob("*.yml"))
    assert files, f"no *.yml under {REPO / folder}"
    return [ContentFile(p, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in files]


def csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def detection_named(detections: list[ContentFile], name: str) -> ContentFile:
    for item in detections:
        if item.data["name"] == name:
            return item
    raise AssertionError(f"no detection named {name!r}")
