"""`` (did you mean 'stats'?)``: the one suggestion helper validate's rules, the schemas and the SPL engine share
(in the engine, which imports nothing else of contentpack, so it suggests a macro name itself)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``name``, compared without case, as it is written; None when none is close.

    ``cutoff`` is difflib's similarity floor. Names in content (commands, keys, macros) take difflib's own 0.6;
    the command line asks for closer ones, as its options share the ``--`` that makes unlike names look alike
    (at 0.6, ``--json`` would be answered with ``--junit``)."""
    written = {candidate.lower(): candidate for candidate in sorted(candidates)}
    close = difflib.get_close_matches(name.lower(), sorted(written), n=1, cutoff=cutoff)
    return written[close[0]] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` naming the closest candidate (``closest``); "" when none is close."""
    meant = closest(name, candidates)
    return f" (did you mean '{meant}'?)" if meant is not None else ""
