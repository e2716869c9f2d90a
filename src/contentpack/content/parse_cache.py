"""A per-user cache of parsed content files: a file whose bytes did not change is not parsed again.

Parsing is most of what loading a big pack costs (about 0.75 s of CPU for 2,000 detections); validate,
build and replay all load the pack, usually with one or two files changed since the last run. The cache maps
each file's path to a digest of its bytes and the loader's answer for those bytes (plain values and the
diagnostics, the same encoding the two-core parse hands back), so a hit gives exactly what parsing would.

Where: ``$CONTENTPACK_CACHE_DIR``, else ``$XDG_CACHE_HOME/contentpack``, else ``~/.cache/contentpack``; one
file per pack folder. Never inside the pack: the file is read with ``marshal``, which must not see data
from an untrusted source, and a pack (a pull request, say) is exactly such a source. ``CONTENTPACK_CACHE=off``
turns the cache off. It is best effort throughout: an unreadable, foreign or corrupt cache counts as empty,
and failing to write it changes nothing but the next run's speed.

Entries are only valid for the loader that made them: the key includes this package's version, the bytes of
the loader module, PyYAML's version and whether libyaml is used, and the Python version (``marshal``'s format).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

import yaml

import contentpack
from contentpack.content import loader
from contentpack.content.parallel_load import EncodedLoad, Loaded, decode_loaded, encode_loaded, load_documents

CacheEntries = dict[str, tuple[bytes, EncodedLoad]]


def _salt() -> str:
    loader_source = Path(loader.__file__).read_bytes()
    parts = (contentpack.__version__, hashlib.blake2b(loader_source, digest_size=16).hexdigest(), yaml.__version__,
             str(getattr(yaml, "__with_libyaml__", False)), sys.version.split()[0], str(marshal.version))
    return "|".join(parts)


def cache_path(root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """The cache file for the pack at ``root``; None when the cache is turned off."""
    env = os.environ if environ is None else environ
    if env.get("CONTENTPACK_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    if env.get("CONTENTPACK_CACHE_DIR"):
        base = Path(env["CONTENTPACK_CACHE_DIR"])
    elif env.get("XDG_CACHE_HOME"):
        base = Path(env["XDG_CACHE_HOME"]) / "contentpack"
    else:
        try:
            base = Path.home() / ".cache" / "contentpack"
        except (RuntimeError, KeyError):  # no home directory to speak of: no cache
            return None
    key = hashlib.blake2b(str(root.resolve()).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return base / f"parsed-{key}.marshal"


def _read(path: Path, salt: str) -> CacheEntries:
    try:
        stored_salt, entries = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return entries if stored_salt == salt and isinstance(entries, dict) else {}


def _write(path: Path, salt: str, entries: CacheEntries) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".parsed-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps((salt, entries)))
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except (OSError, ValueError):
        pass  # best effort: the next run parses again


def _digest(file: Path) -> bytes | None:
    """Digest of the file's bytes; None when it should not be read here (the loader then reports why)."""
    try:
        if os.stat(file).st_size > loader.MAX_FILE_BYTES:
            return None
        return hashlib.blake2b(file.read_bytes(), digest_size=16).digest()
    except OSError:
        return None


def load_cached(root: Path, shown_paths: Sequence[str], environ: Mapping[str, str] | None = None) -> list[Loaded]:
    """``load_documents`` for ``shown_paths``, parsing only files whose bytes the cache has not seen."""
    path = cache_path(root, environ)
    if path is None:
        return load_documents(root, shown_paths)
    salt = _salt()
    cached = _read(path, salt)
    results: list[Loaded | None] = []
    digests: list[bytes | None] = []
    missing: list[int] = []
    for index, shown in enumerate(shown_paths):
        digest = _digest(root / shown)
        digests.append(digest)
        entry = cached.get(shown)
        if digest is not None and entry is not None and entry[0] == digest:
            try:
                results.append(decode_loaded(entry[1]))
                continue
            except Exception:  # noqa: BLE001 - a corrupt entry is a miss, never a crash
                pass
        results.append(None)
        missing.append(index)
    parsed = load_documents(root, [shown_paths[i] for i in missing])
    for index, loaded in zip(missing, parsed):
        results[index] = loaded
        if _digest(root / shown_paths[index]) != digests[index]:
            digests[index] = None  # changed while being parsed: do not remember which bytes this answer is for
    fresh: CacheEntries = {}
    for shown, digest, loaded in zip(shown_paths, digests, results):
        if digest is not None and loaded is not None:
            previous = cached.get(shown)
            fresh[shown] = previous if previous is not None and previous[0] == digest else (digest, encode_loaded(loaded))
    if missing or fresh.keys() != cached.keys():
        _write(path, salt, fresh)
    return cast(list[Loaded], results)
