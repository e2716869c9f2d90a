"""Where a detection test's ``attack_data.data`` points: a remote URL, or a file of the pack.

One home for the path rules, so the validator (CP046) and the replay (RP002) say the same thing about the same
path: a local file is named relative to the pack root, stays inside it once symbolic links are followed, and is
a regular file; a missing one is said in the commands' one wording (``spl.files.no_such_path``).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from contentpack.spl.files import describe_kind, no_such_path, os_reason

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
        return no_such_path(data) if kind is None else f"{data}: {kind}, not a regular file"
    return target
