"""`` (did you mean 'stats'?)``: the one suggestion helper validate's rules, the schemas and the SPL engine share
(in the engine, which imports nothing else of contentpack, so it suggests a macro name itself)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``name``, compared without case, as it is written; None when none is close."""
    written = {candidate.lower(): candidate for candidate in sorted(candidates)}
    close = difflib.get_close_matches(name.lower(), sorted(written), n=1, cutoff=0.6)
    return written[close[0]] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` naming the closest candidate (``closest``); "" when none is close."""
    meant = closest(name, candidates)
    return f" (did you mean '{meant}'?)" if meant is not None else ""
