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
    the command line asks for closer ones (0.75), where a wrong suggestion sends the user to retype a command.

    A prefix every candidate shares up to a separator (a pack's namespace, ``entra_id_``; an option's ``--``)
    tells none of them apart, so when ``name`` starts with it too, it is left out of the comparison: it made
    ``entra_id_no_such_macro`` look like ``entra_id_ctime``. What follows it is compared (``ctme`` with
    ``ctime``); a typo inside the prefix itself is compared over the whole names."""
    written = {candidate.lower(): candidate for candidate in sorted(candidates)}
    wanted = name.lower()
    shared = os.path.commonprefix(list(written)) if len(written) > 1 else ""
    start = max(shared.rfind(separator) for separator in SEPARATORS) + 1
    if not wanted.startswith(shared[:start]):
        start = 0
    rests = {lowered[start:]: lowered for lowered in written}
    close = difflib.get_close_matches(wanted[start:], sorted(rests), n=1, cutoff=cutoff)
    return written[rests[close[0]]] if close else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` naming the closest candidate (``closest``); "" when none is close."""
    return meaning(closest(name, candidates))


def meaning(meant: str | None) -> str:
    """`` (did you mean 'X'?)`` naming ``meant``, a name found close; "" for None."""
    return f" (did you mean '{meant}'?)" if meant is not None else ""
