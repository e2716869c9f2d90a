"""``contentpack.yml``: the pack's configuration file (the role ``contentctl.yml``'s ``app`` block plays).

Its presence marks the pack root, the directory every content path is relative to.
"""

from __future__ import annotations

from pathlib import Path

from contentpack.content import schemas
from contentpack.content.build_model import build_app
from contentpack.content.diagnostics import Diagnostic
from contentpack.content.loader import load_yaml
from contentpack.content.model import AppConfig

CONFIG_FILE = "contentpack.yml"


class PackRootError(Exception):
    """The pack root cannot be used at all (no ``contentpack.yml``, not a directory): a usage error."""


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that holds ``contentpack.yml``."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    return None


def load_app_config(root: Path) -> tuple[AppConfig | None, list[Diagnostic]]:
    """Read and check ``<root>/contentpack.yml``; ``None`` with diagnostics when it is invalid.

    Raises ``PackRootError`` only when the file does not exist, which is a usage error rather than a content
    error (the CLI exits 2 for it).
    """
    file = root / CONFIG_FILE
    if not root.is_dir():
        raise PackRootError(f"{root}: not a directory")
    if not file.is_file():
        raise PackRootError(f"{root}: no {CONFIG_FILE} here (is this a content pack root?)")
    document, problems = load_yaml(file, CONFIG_FILE)
    if document is None:
        return None, problems
    problems = schemas.validate("contentpack", document.data, document.source)
    if problems:
        return None, problems
    return build_app(document.data), []  # type: ignore[arg-type]  # schema-checked mapping
