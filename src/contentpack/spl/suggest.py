"""`` (did you mean 'stats'?)``: the one suggestion helper validate's rules, the schemas and the SPL engine share
(in the engine, which imports nothing else of contentpack, so it suggests a macro name itself)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


# Where a shared prefix ends and the name proper starts: a namespace (``entra_id_``), an option's dashes (``--``).
SEPARATORS = "_-.:/ "


# How alike two names must be to be offered (difflib's ratio: twice the characters they share in order, over both
# lengths): most of their letters shared, in order. A name further off is offered only when one typo would explain
# it (``TYPO``): a letter swapped in a short name (``mni`` for ``min``, 0.67) is a typo, ``hostname`` beside
# ``process_name`` (0.6: ``s`` and ``name`` shared, 8 letters not) is another name.
ALIKE = 0.75
# The least alike a one-typo name can be: below it, a short name's one letter replaced (``dx``, ``dc``) says nothing.
FLOOR = 0.6
# The characters of the two names left unmatched that one typo leaves: a letter replaced or two swapped leave two.
TYPO = 2


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``name``, compared without case, as it is written; None when none is close
    (``_close``). difflib's own floor (0.6) answered ``hostname`` with ``process_name`` and ``owner`` with
    ``known``: a wrong suggestion sends the user after the wrong name.

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
    ranked = difflib.get_close_matches(wanted[start:], sorted(rests), n=max(1, len(rests)), cutoff=FLOOR)
    close = [rest for rest in ranked if _close(wanted[start:], rest)]
    return written[rests[close[0]]] if close else None


def _close(wanted: str, candidate: str) -> bool:
    """``wanted`` is alike ``candidate``, one typo away from it (``ALIKE``, ``TYPO``), or ``candidate`` with a
    word added after a separator (``known_app`` for a lookup's column ``known``: the name it was meant to be
    output as); ``hostname`` is no ``host`` with a word added."""
    matcher = difflib.SequenceMatcher(None, wanted, candidate)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    added = len(wanted) > len(candidate) and wanted.startswith(candidate) and wanted[len(candidate)] in SEPARATORS
    return matcher.ratio() >= ALIKE or len(wanted) + len(candidate) - 2 * shared <= TYPO or added


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` naming the closest candidate (``closest``); "" when none is close."""
    return meaning(closest(name, candidates))


def meaning(meant: str | None) -> str:
    """`` (did you mean 'X'?)`` naming ``meant``, a name found close; "" for None."""
    return f" (did you mean '{meant}'?)" if meant is not None else ""
