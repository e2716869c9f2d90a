"""Parsing a big pack's YAML files on two cores.

Parsing (libyaml, then our walk that records positions) is most of what validating a big pack costs. For a
big pack a forked child parses the last part of the file list while the parent parses the first part, then
hands its documents back as plain values (dicts, lists, strings, numbers and the position tables) encoded
with ``marshal``: about 0.06 s each way for 1,000 detections, against the ~0.8 s of parsing the child took
over. (An earlier process pool that shipped finished model objects back with pickle saved nothing: the
pickling cost what the second core won.)

The result never depends on whether the child helped: no ``fork`` on this platform, a child that dies or a
short or garbled answer all mean the parent parses those files itself (see ``contentpack.forking``).
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Sequence
from pathlib import Path

from contentpack import forking
from contentpack.content.diagnostics import Diagnostic, DiagnosticTuple
from contentpack.content.loader import LoadedDocument, PlainDocument, load_yaml, plain_document, restore_document

MIN_FILES = 256  # below this, forking and the hand-back cost more than the second core wins
# The child parses and encodes its share; the parent parses its share and passes each document on (``each``:
# the validator's per-file checks, ~20% of a parse), then decodes and passes on the child's. Measured on 2,000
# detections, both finish their share at about the same time with this split.
CHILD_SHARE = 0.47

Loaded = tuple[LoadedDocument | None, list[Diagnostic]]
EachLoaded = Callable[[int, Loaded], None]  # (index in the path list, result) as soon as a result is here


def load_documents(root: Path, shown_paths: Sequence[str], *, parallel: bool | None = None,
                   each: EachLoaded | None = None) -> list[Loaded]:
    """``load_yaml`` for every path (relative to ``root``), in order; two processes for big packs.

    ``each`` is called on every result as soon as this process has it, in no promised order: work on the
    parent's own share then overlaps with the child's parsing. ``parallel``: None decides by pack size and CPU
    count; True/False force it (tests use both to show the two ways give the same answer).
    """
    if parallel is None:
        parallel = len(shown_paths) >= MIN_FILES and forking.available()
    child = None
    split = len(shown_paths)
    if parallel:
        split -= int(len(shown_paths) * CHILD_SHARE)
        theirs = shown_paths[split:]
        child = forking.start(
            lambda: marshal.dumps([encode_loaded(load_yaml(root / shown, shown)) for shown in theirs]))
        if child is None:
            split = len(shown_paths)
    results = [load_yaml(root / shown, shown) for shown in shown_paths[:split]]
    if each is not None:
        for index, loaded in enumerate(results):
            each(index, loaded)
    if child is not None:
        helped = _decode_all(child.result(), len(shown_paths) - split)
        if helped is None:
            helped = [load_yaml(root / shown, shown) for shown in shown_paths[split:]]
        if each is not None:
            for index, loaded in enumerate(helped, start=split):
                each(index, loaded)
        results += helped
    return results


def _decode_all(answer: bytes | None, expected: int) -> list[Loaded] | None:
    """The child's documents, or None if it failed in any way (the caller then parses them itself)."""
    if answer is None:
        return None
    try:
        decoded = [decode_loaded(item) for item in marshal.loads(answer)]
    except (ValueError, EOFError, TypeError):
        return None
    return decoded if len(decoded) == expected else None


EncodedLoad = tuple[PlainDocument | None, list[DiagnosticTuple]]


def encode_loaded(loaded: Loaded) -> EncodedLoad:
    """A parse result as builtin values only (for ``marshal``: the hand-back here and the parse cache)."""
    document, problems = loaded
    return (None if document is None else plain_document(document)), [d.as_tuple() for d in problems]


def decode_loaded(item: EncodedLoad) -> Loaded:
    plain, problems = item
    return (None if plain is None else restore_document(plain)), [Diagnostic.from_tuple(d) for d in problems]
