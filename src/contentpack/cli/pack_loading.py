"""The one way a command that runs the pack's detections gets a valid ``Pack`` (replay, search, backtest).

Such a command refuses invalid content rather than run half a pack: it prints every error with its position
and exits 1; a root that is not a pack is a usage error (exit 2).
"""

from __future__ import annotations

import sys
from pathlib import Path

from contentpack.cli.common import print_diagnostics, print_failure, usage_error
from contentpack.content.config import PackRootError, find_root, locate_pack
from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack


class PackUnavailable(Exception):
    """The pack could not be loaded; the reason has been printed. ``status`` is the exit status to return."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def pack_root(root: Path | None) -> Path | None:
    """``--root`` when given, else the nearest directory at or above the working directory with the config."""
    return root if root is not None else find_root(Path.cwd())


def load_valid_pack(root: Path, command: str, as_json: bool = False,
                    instead: str = "before running its detections", warn: bool = False) -> Pack:
    """The validated pack at ``root``; raises :class:`PackUnavailable` after printing why it is not usable (its
    errors as positioned diagnostics, or as the one JSON document with ``as_json``). ``instead`` ends the
    refusal with what the user can do: ``search`` runs no detection, and can run without the pack. With
    ``warn`` a usable pack's warnings go to stderr first, as ``build`` prints them: the backtest is the loop in
    which a customer tunes the pack, and a warning such as CP082 (a filter macro whose name no detection calls,
    so it tunes nothing) is why a re-run shows no change."""
    try:
        result = validate_pack(root)
    except PackRootError as exc:
        raise PackUnavailable(usage_error(command, str(exc))) from None
    if result.pack is None or result.errors:
        print_failure(command, result.errors,
                      f"the pack is invalid; fix it (contentpack validate) {instead}", as_json)
        raise PackUnavailable(1)
    if warn:
        print_diagnostics(result.warnings, sys.stderr)
    return result.pack


def default_source(pack: Pack | None, sourcetype: str) -> str | None:
    """The ``source`` the pack's data sources give this sourcetype, when they agree on one (else None): the
    value events get when a file does not say (the pack's own tests replay with it too)."""
    sources = {d.source for d in pack.data_sources if d.sourcetype == sourcetype} if pack is not None else set()
    return sources.pop() if len(sources) == 1 else None


def require_root(root: Path | None, command: str) -> Path:
    """The pack root, or :class:`PackUnavailable` (exit 2, the usage error every pack command words alike)."""
    try:
        return locate_pack(root, Path.cwd())
    except PackRootError as exc:
        raise PackUnavailable(usage_error(command, str(exc))) from None
