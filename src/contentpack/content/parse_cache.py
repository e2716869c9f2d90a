"""A per-user cache of parsed content files: a file whose bytes did not change is not parsed again.

Parsing is most of what loading a big pack costs; validate, build and replay all load the pack, usually
with one or two files changed since the last run. The cache maps each file's path to a digest of its bytes
and the loader's answer for those bytes (plain values and the diagnostics, encoded with ``marshal``), so a
hit gives exactly what parsing would.

Where, and how it is read and written (never inside the pack, ``CONTENTPACK_CACHE=off``, best effort
throughout): ``cache_files``, shared with the cache of SPL parse answers (``rules.spl_answers``).

Entries are only valid for the loader that made them: the key includes this package's version, the bytes of
the loader module and of the positions module (which reads the loader's record of positions), PyYAML's
version and whether libyaml is used, and the Python version (``marshal``'s format).
"""

from __future__ import annotations

import marshal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

import contentpack
from contentpack.content import loader, positions
from contentpack.content.cache_files import cache_file, read_entries, sources_digest, write_entries
from contentpack.content.cache_files import digest as content_digest
from contentpack.content.conf_text import yaml_bytes_fit
from contentpack.content.diagnostics import Diagnostic, DiagnosticTuple
from contentpack.content.loader import (
    LoadedDocument,
    PlainDocument,
    load_yaml_bytes,
    plain_document,
    read_bytes,
    restore_document,
)

Loaded = tuple[LoadedDocument | None, list[Diagnostic]]  # what ``load_yaml`` answers for one file
EncodedLoad = tuple[PlainDocument | None, list[DiagnosticTuple]]


class LoadOutcome(NamedTuple):
    """What loading a pack's files gives."""

    results: list[Loaded]  # ``load_yaml``'s answer for each path, in order
    update: CacheUpdate | None  # what to save: None when the cache is off or already right
    # The paths whose bytes show that every text parsed from them fits a .conf value (``yaml_bytes_fit``): the
    # check of the texts (CP049) skips them. Known here, where each file's bytes are read anyway.
    texts_fit: frozenset[str]
    # The paths whose bytes hold a ``#`` after white space, which may be a comment after a value (CP079 reads only
    # these files' text): most files hold none.
    commented: frozenset[str] = frozenset()


def encode_loaded(loaded: Loaded) -> EncodedLoad:
    """A parse result as builtin values only, which ``marshal`` stores."""
    document, problems = loaded
    return (None if document is None else plain_document(document)), [d.as_tuple() for d in problems]


def decode_loaded(item: EncodedLoad) -> Loaded:
    plain, problems = item
    return (None if plain is None else restore_document(plain)), [Diagnostic.from_tuple(d) for d in problems]

# path -> (digest of the file's bytes, the marshalled ``EncodedLoad``). Each entry is marshalled on its own so a
# save re-marshals only what was parsed this time; the kept entries are copied as bytes.
CacheEntries = dict[str, tuple[bytes, bytes]]
FORMAT = "3"


def _salt() -> str:
    code = [Path(loader.__file__), Path(positions.__file__)]
    parts = (FORMAT, contentpack.__version__, sources_digest(code, code[0].parent), yaml.__version__,
             str(getattr(yaml, "__with_libyaml__", False)), sys.version.split()[0], str(marshal.version))
    return "|".join(parts)


def cache_path(root: Path) -> Path | None:
    """The cache file for the pack at ``root``; None when the cache is turned off."""
    return cache_file(root, "parsed")


@dataclass
class CacheUpdate:
    """What one load learned that the cache file does not hold yet; ``save`` writes it.

    Kept apart from loading so the caller saves once its run is known to be worth remembering, after the
    files were checked. Each file is read once: its digest and its parse come from the same bytes, so an
    answer is never filed under bytes it was not parsed from, even if the file changes meanwhile.
    """

    path: Path
    salt: str
    kept: CacheEntries  # entries that are still right (hits)
    parsed: list[tuple[str, bytes, Loaded]]  # files parsed this time, with the digest of the bytes parsed

    def save(self) -> None:
        entries = dict(self.kept)
        for shown, digest, loaded in self.parsed:
            entries[shown] = (digest, marshal.dumps(encode_loaded(loaded)))  # type: ignore[arg-type]  # builtins only
        write_entries(self.path, self.salt, entries)


def _decoded_hit(encoded: object, shown: str) -> Loaded | None:
    """The cached answer for the file ``shown``, or None (a miss) when the entry is corrupt or is no answer the
    loader can give for that file: a document of another path, a problem placed in another file, or neither a
    document nor a problem (which, believed, once made a pack's files vanish from validate and build)."""
    try:
        document, problems = decode_loaded(marshal.loads(encoded))  # type: ignore[arg-type]  # bytes, or a miss
    except Exception:  # noqa: BLE001 - a corrupt entry is a miss, never a crash
        return None
    if document is None and not problems:
        return None
    if document is not None and (document.path != shown or type(document.positions.flat) is not list
                                 or len(document.positions.flat) < 2 or len(document.positions.flat) % 2):
        return None
    if any(problem.position.path != shown for problem in problems):
        return None
    return document, problems


def load_cached(root: Path, shown_paths: Sequence[str]) -> LoadOutcome:
    """``load_yaml`` for every path (relative to ``root``), in order, parsing only files whose bytes the cache
    has not seen (every file when the cache is off)."""
    path = cache_path(root)
    salt = _salt() if path is not None else ""
    cached: CacheEntries = read_entries(path, salt) if path is not None else {}
    results: list[Loaded] = []
    kept: CacheEntries = {}
    fresh: list[tuple[str, bytes, Loaded]] = []
    texts_fit: set[str] = set()
    commented: set[str] = set()
    for shown in shown_paths:
        raw, problems = read_bytes(root / shown, shown)
        if raw is None:  # unreadable, refused or too large: reported, never cached
            results.append((None, problems))
            continue
        if yaml_bytes_fit(raw):
            texts_fit.add(shown)
        if b" #" in raw or b"\t#" in raw:
            commented.add(shown)
        if path is None:  # the cache is off: parse, keep nothing
            results.append(load_yaml_bytes(raw, shown))
            continue
        digest = content_digest(raw)
        entry = cached.get(shown)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == digest:
            hit = _decoded_hit(entry[1], shown)
            if hit is not None:
                results.append(hit)
                kept[shown] = entry
                continue
        loaded = load_yaml_bytes(raw, shown)
        results.append(loaded)
        fresh.append((shown, digest, loaded))
    update = None
    if path is not None and (fresh or kept.keys() != cached.keys()):
        update = CacheUpdate(path, salt, kept, fresh)
    return LoadOutcome(results, update, frozenset(texts_fit), frozenset(commented))
