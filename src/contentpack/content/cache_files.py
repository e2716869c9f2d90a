"""Where the per-user caches live and how their files are read and written (``parse_cache``, ``spl_answers``).

One home for what every cache must get right: the location (``$CONTENTPACK_CACHE_DIR``, else
``$XDG_CACHE_HOME/contentpack``, else ``~/.cache/contentpack``; one file per pack folder and kind), never
inside the pack (the files are read with ``marshal``, which must not see data from an untrusted source, and a
pack, a pull request say, is exactly such a source), ``CONTENTPACK_CACHE=off`` turning caching off, and best
effort throughout: an unreadable, foreign or corrupt file counts as empty, and failing to write one changes
nothing but the next run's speed. A file holds a digest of the rest of its bytes, then ``(salt, entries)``
marshalled; the digest tells a damaged file, the salt names everything the entries' answers depend on besides
their keys, so a file made by other code is never believed.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from contentpack.atomic_write import write_atomically
from contentpack.spl.files import read_capped

# A cache file bigger than this is not read (and the next save replaces it): far past what a pack of
# thousands of files writes, well short of what would exhaust memory.
MAX_CACHE_BYTES = 512 * 1024 * 1024
STALE_TEMP_SECONDS = 3600  # a temp file this old belongs to a save that was killed (a save takes seconds at most)


# Set while a command runs whose ``$CONTENTPACK_CACHE_DIR`` cannot be used (the CLI warns, then runs it in
# ``turned_off``): the caches are then off, as the warning says, rather than read from a folder never written.
_TURNED_OFF: ContextVar[bool] = ContextVar("contentpack_caches_off", default=False)


@contextmanager
def turned_off() -> Iterator[None]:
    """Caching off for what runs inside (this thread and context only)."""
    token = _TURNED_OFF.set(True)
    try:
        yield
    finally:
        _TURNED_OFF.reset(token)


def caching_off(environ: Mapping[str, str]) -> bool:
    """``CONTENTPACK_CACHE=off`` (or ``0``, ``no``, ``false``): the user turned the caches off."""
    return environ.get("CONTENTPACK_CACHE", "").lower() in ("off", "0", "no", "false")


def chosen_folder(environ: Mapping[str, str]) -> tuple[str, Path] | None:
    """The caches' folder when the user chose it, with the variable that chose it: ``$CONTENTPACK_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/contentpack`` when it is absolute (:func:`ignored_xdg_cache_home`); None: the default
    ``~/.cache/contentpack``, which nobody asked for."""
    if environ.get("CONTENTPACK_CACHE_DIR"):
        return "CONTENTPACK_CACHE_DIR", Path(environ["CONTENTPACK_CACHE_DIR"])
    if os.path.isabs(environ.get("XDG_CACHE_HOME", "")):
        return "XDG_CACHE_HOME", Path(environ["XDG_CACHE_HOME"], "contentpack")
    return None


def ignored_xdg_cache_home(environ: Mapping[str, str]) -> str | None:
    """``$XDG_CACHE_HOME`` when it would place the caches (no ``$CONTENTPACK_CACHE_DIR``) but is a relative
    path, which the XDG Base Directory Specification says to ignore ("All paths set in these environment
    variables must be absolute. If an implementation encounters a relative path in any of these variables it
    should consider the path invalid and ignore it."): the caches go to the default folder, as if it were unset.
    Before, it was used as given, so each working directory had a cache of its own (inside the pack, run there)."""
    value = environ.get("XDG_CACHE_HOME", "")
    return value if value and not os.path.isabs(value) and not environ.get("CONTENTPACK_CACHE_DIR") else None


def inside_pack(folder: Path, root: Path) -> bool:
    """Whether the cache ``folder`` is the pack at ``root`` or inside it, once both are resolved: a relative
    ``$CONTENTPACK_CACHE_DIR`` (``.cache``, as a CI system that caches only the project's folder would have it)
    run at the pack's root. A pull request could then bring its own cache file, whose digest it can compute, and
    the parse it holds would be believed over the files' own text: a file of the pack is never read as a cache."""
    return folder.resolve().is_relative_to(root.resolve())


def cache_file(root: Path, kind: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """The ``kind`` cache file for the pack at ``root``; None when caching is turned off, or the folder the user
    chose is inside the pack (:func:`inside_pack`)."""
    env = os.environ if environ is None else environ
    if caching_off(env) or _TURNED_OFF.get():
        return None
    chosen = chosen_folder(env)
    if chosen is not None:
        base = chosen[1]
        if inside_pack(base, root):
            return None
    else:
        try:
            base = Path.home() / ".cache" / "contentpack"
        except (RuntimeError, KeyError):  # no home directory to speak of: no cache
            return None
    key = hashlib.blake2b(str(root.resolve()).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return base / f"{kind}-{key}.marshal"


_CHECK_BYTES = 16


def _check(payload: bytes) -> bytes:
    """The digest a cache file starts with, of the rest of its bytes: ``marshal`` reads a damaged file without
    complaint more often than not (a changed number, a cut list inside a complete tuple), and what it read would
    be believed. It tells damage from a good file, not a forgery: whoever can write the user's cache folder can
    write the digest too (and the user's other files), which is why the cache is never inside the pack."""
    return hashlib.blake2b(payload, digest_size=_CHECK_BYTES).digest()


def read_entries(path: Path, salt: str) -> dict[Any, Any]:
    """The entries of the cache file at ``path`` if it was written with ``salt``; else none.

    Read as content files are (``read_capped``): a FIFO or a link to ``/dev/zero`` in the cache's place once
    hung every command that loads the pack, before it had read a byte of the pack."""
    try:
        data = read_capped(path, MAX_CACHE_BYTES)
        check, payload = data[:_CHECK_BYTES], data[_CHECK_BYTES:]
        if check != _check(payload):  # damaged (cut short by a full disk, a bit flipped): parse again
            return {}
        stored_salt, entries = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return entries if stored_salt == salt and isinstance(entries, dict) else {}


def _temp_prefix(path: Path) -> str:
    return "." + path.name.split("-", 1)[0] + "-"


def remove_stale_temps(folder: Path, prefix: str) -> None:
    """A save killed half-way (a ^C, a CI job cancelled) leaves its temp file; the next save clears those, so
    they cannot pile up. Younger ones may be another run's save in progress."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.is_file(follow_symlinks=False) \
                        and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
    except OSError:
        pass


def write_entries(path: Path, salt: str, entries: Mapping[Any, Any]) -> None:
    """Replace the cache file at ``path`` atomically (builtin values only: ``marshal``); errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix = _temp_prefix(path)
        remove_stale_temps(path.parent, prefix)
        payload = marshal.dumps((salt, dict(entries)))
        write_atomically(path, [_check(payload), payload], prefix=prefix)
    except (OSError, ValueError):
        pass  # best effort: the next run works it out again


def digest(data: bytes) -> bytes:
    """The key an answer is filed under: a digest of the bytes (or text) it was worked out from."""
    return hashlib.blake2b(data, digest_size=16).digest()


def sources_digest(files: Iterable[Path], base: Path) -> str:
    """A digest of these files' names (relative to ``base``) and bytes: code an answer depends on."""
    digest = hashlib.blake2b(digest_size=16)
    for file in sorted(files):
        name = file.relative_to(base).as_posix().encode("utf-8", "surrogateescape")
        data = file.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
        digest.update(data)
    return digest.hexdigest()
