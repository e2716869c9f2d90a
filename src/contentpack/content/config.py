"""``contentpack.yml``: the pack's configuration file (the role ``contentctl.yml``'s ``app`` block plays).

Its presence marks the pack root, the directory every content path is relative to.
"""

from __future__ import annotations

import stat
from pathlib import Path

from contentpack.content import schemas
from contentpack.content.build_model import build_app
from contentpack.content.diagnostics import Diagnostic
from contentpack.content.loader import load_yaml
from contentpack.content.model import AppConfig
from contentpack.spl.files import describe_kind, no_such_path

CONFIG_FILE = "contentpack.yml"


class PackRootError(Exception):
    """The pack root cannot be used at all (no ``contentpack.yml``, not a directory): a usage error."""


def not_a_pack(folder: Path) -> PackRootError:
    """The one wording every command uses for a folder that is not a pack."""
    return PackRootError(f"{folder}: not a content pack (no {CONFIG_FILE} there or in its parents); "
                         "run the command inside a pack or point --root at one")


def not_a_pack_root(root: Path) -> PackRootError:
    """An explicit ``--root`` holding no ``contentpack.yml``, said as such: it is not searched upward, so the
    searching command's wording ("there or in its parents ... point --root at one") would be false. Names the
    pack around it when there is one (``--root detections`` inside a pack, or the file ``contentpack.yml``)."""
    try:
        mode: int | None = root.stat().st_mode
    except (OSError, ValueError):
        mode = None
    around = find_root(root if mode is not None and stat.S_ISDIR(mode) else root.parent)
    hint = f"--root names the pack's folder, the one holding {CONFIG_FILE}" + (f": here {around}" if around else "")
    if mode is None:
        return PackRootError(f"{no_such_path(root)}; {hint}")
    if not stat.S_ISDIR(mode):
        return PackRootError(f"{root}: {'a file' if stat.S_ISREG(mode) else describe_kind(mode)}, not a folder; {hint}")
    return PackRootError(f"{root}: not a content pack (no {CONFIG_FILE} in it); {hint}")


def config_file(root: Path) -> Path:
    """``root``'s ``contentpack.yml``. Raises ``PackRootError`` when there is none, and names what is there
    instead when it is not a regular file (a folder or a FIFO is no missing file: saying so sent users looking)."""
    file = root / CONFIG_FILE
    try:
        mode = file.stat().st_mode
    except (OSError, ValueError):
        raise not_a_pack(root) from None
    if not stat.S_ISREG(mode):
        raise PackRootError(f"{file}: {describe_kind(mode)} where the pack's {CONFIG_FILE} file should be: not read")
    return file


def locate_pack(root: Path | None, start: Path) -> Path:
    """The pack root: ``root`` (an explicit ``--root``) if given, else the nearest folder at or above ``start``
    holding ``contentpack.yml``. Raises ``PackRootError`` when there is none."""
    if root is not None:
        if not _names_something(root / CONFIG_FILE):
            raise not_a_pack_root(root)
        config_file(root)
        return root
    found = find_root(start)
    if found is None:
        if not _names_something(start):  # a mistyped path: that, not the missing pack, is what to fix
            raise PackRootError(no_such_path(start))
        raise not_a_pack(start)
    config_file(found)
    return found


def _names_something(path: Path) -> bool:
    """Whether ``path`` is there (a dangling link counts: it is something the user named)."""
    try:
        return path.exists() or path.is_symlink()
    except (OSError, ValueError):
        return False


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that holds ``contentpack.yml`` (anything by that name: what is
    not a file is refused by name when the pack is loaded, rather than passed over for a pack further up)."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_FILE).exists():
            return candidate
    return None


def load_app_config(root: Path) -> tuple[AppConfig | None, list[Diagnostic]]:
    """Read and check ``<root>/contentpack.yml``; ``None`` with diagnostics when it is invalid.

    Raises ``PackRootError`` only when the file does not exist, which is a usage error rather than a content
    error (the CLI exits 2 for it).
    """
    file = config_file(root)
    document, problems = load_yaml(file, CONFIG_FILE)
    if document is None:
        return None, problems
    problems = schemas.validate("contentpack", document.data, document.source)
    if problems:
        return None, problems
    return build_app(document.data, document.source), []  # type: ignore[arg-type]  # schema-checked mapping
