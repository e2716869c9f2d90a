"""Where a detection test's ``attack_data.data`` points: a remote URL, or a file of the pack.

One home for the path rules, so the validator (CP046) and the replay (RP002) say the same thing about the same
path: a local file is named relative to the pack root, stays inside it once symbolic links are followed, and is
a regular file; a missing one is said in the commands' one wording (``spl.files.no_such_path``).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from contentpack.spl.files import describe_kind, no_such_path, os_reason
from contentpack.spl.suggest import closest, meaning

REMOTE_PREFIXES = ("http://", "https://", "s3://", "ftp://")


def is_remote(data: str) -> bool:
    """Whether ``data`` is a URL (ESCU's tests name media.example URLs) rather than a file of the pack."""
    return data.lower().startswith(REMOTE_PREFIXES)


def local_attack_data(root: Path, data: str) -> Path | str:
    """The file a local ``data`` value names under the resolved pack ``root``, or why it cannot be used."""
    relative = PurePosixPath(data)
    if relative.is_absolute() or Path(data).is_absolute() or ".." in relative.parts:
        return f"attack data path '{data}' must be relative to the pack root and stay inside it"
    try:  # a NUL byte or an over-long name makes the system refuse the path (CP049 reports a NUL too)
        if "\x00" in data:
            raise ValueError("it contains a NUL character")
        target = (root / relative).resolve()
        exists = target.is_file()
        # what stands in the file's place (a folder): "does not exist" sent the user looking for what is there
        kind = None if exists or not target.exists() else describe_kind(target.stat().st_mode)
    except (OSError, ValueError) as exc:
        reason = exc if isinstance(exc, ValueError) else os_reason(exc)
        return f"attack data path cannot be used: {reason}"
    if not target.is_relative_to(root):
        return f"attack data path '{data}' leaves the pack root (symbolic link?)"
    if not exists:  # a missing file in the commands' one wording (spl.files.NO_SUCH_PATH)
        return no_such_path(data) + _meant(root, relative) if kind is None else f"{data}: {kind}, not a regular file"
    return target


def missing_folder(root: Path, data: str) -> str | None:
    """The outermost folder of a local ``data`` path that is not in the pack (``attack_data/``), or None when every
    folder on the way is there. A pack copied without its ``attack_data/`` (only its YAML taken into another repo, a
    sparse checkout) had every test's path reported on its own, hundreds of lines that hid the one cause; the validator
    names the folder once instead. ``os.path.lexists``: a symbolic link that leads nowhere is there, and its paths
    keep their own wording (``no_such_path`` names the link)."""
    folder = root
    parts = PurePosixPath(data).parts[:-1]
    for depth, part in enumerate(parts, 1):
        folder = folder / part
        if not os.path.lexists(folder):
            return "/".join(parts[:depth]) + "/"
    return None


def _meant(root: Path, relative: PurePosixPath) -> str:
    """`` (did you mean 'attack_data/x/x.log'?)``: the one file of that name under the path's top folder, else the
    closest name in its own folder; "" when neither. A newcomer wrote ``attack_data/x.log`` for the pack's
    ``attack_data/<scenario>/<scenario>.log`` and was told only that the path names nothing. Symbolic links to
    folders are not followed (``Path.rglob``), so the search stays inside the pack."""
    if len(relative.parts) < 2 or not (root / relative.parts[0]).is_dir():
        return ""
    try:
        same_name = [path for _, path in zip(range(2), (root / relative.parts[0]).rglob(relative.name))
                     if path.is_file()]
        if len(same_name) == 1:
            return meaning(same_name[0].relative_to(root).as_posix())
        folder = root / relative.parent
        names = [entry.name for entry in folder.iterdir() if entry.is_file()] if folder.is_dir() else []
    except OSError:  # an unreadable folder: the path is still reported, without a guess
        return ""
    meant = closest(relative.name, names)
    return meaning(None if meant is None else (relative.parent / meant).as_posix())
