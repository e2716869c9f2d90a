"""`` (did you mean 'stats'?)``: the one suggestion helper validate's rules, the schemas and the SPL engine share
(in the engine, which imports nothing else of contentpack, so it suggests a macro name itself)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


# Where a shared prefix ends and the name proper starts: a namespace (``entra_id_``), an option's dashes (``--``).
SEPARATORS = "_-.:/ "


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``name``, compared without case, as it is written; None when none is close.

    ``cutoff`` is difflib's similarity floor. Names in content (commands, keys, macros) take difflib's own 0.6;
    the command line asks for closer ones, as its options share the ``--`` that makes unlike names look alike
    (at 0.6, ``--json`` would be answered with ``--junit``).

    A prefix the two share up to a separator (``entra_id_``, ``--``) is left out of the comparison: every macro
    of a pack shares its namespace, which made ``entra_id_no_such_macro`` look like ``entra_id_ctime``. What
    follows it is compared (``ctme`` with ``ctime``), so a typo inside the name proper is still found."""
    best: tuple[float, str] | None = None
    wanted = name.lower()
    for candidate in candidates:
        written = candidate.lower()
        shared = len(os.path.commonprefix([wanted, written]))
        start = max(wanted.rfind(separator, 0, shared) for separator in SEPARATORS) + 1
        score = difflib.SequenceMatcher(None, wanted[start:], written[start:]).ratio()
        if score >= cutoff and (best is None or (score, written) > (best[0], best[1].lower())):
            best = (score, candidate)
    return best[1] if best is not None else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` naming the closest candidate (``closest``); "" when none is close."""
    meant = closest(name, candidates)
    return f" (did you mean '{meant}'?)" if meant is not None else ""
