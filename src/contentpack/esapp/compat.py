"""Compare our .conf output with contentctl 5.6.2's, stanza by stanza and key by key.

Every difference must match one entry of ``INTENDED``, the documented list of deliberate improvements
(docs/build.md repeats it for readers). Anything else is a compatibility bug. JSON values are compared parsed
in the ``compact`` style (spacing is the point of that style) and byte for byte in the ``contentctl`` style
(which promises contentctl's exact text).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from contentpack.esapp.conf import Stanza
from contentpack.esapp.jsonvalues import JsonStyle
from contentpack.esapp.macros import FILTER_DESCRIPTION
from contentpack.esapp.savedsearches import DEFAULT_STANZA, PLACEHOLDER_ENTITIES

COMPARED_FILES = ("default/savedsearches.conf", "default/macros.conf", "default/analyticstories.conf")


@dataclass(frozen=True)
class Difference:
    file: str
    stanza: str
    key: str  # "" for a whole-stanza difference
    ours: str | None  # None: missing on our side
    theirs: str | None  # None: missing on contentctl's side
    intended: str | None = None  # the INTENDED entry that explains it, if any

    def render(self) -> str:
        where = f"{self.file} [{self.stanza}]" + (f" {self.key}" if self.key else "")
        status = f"intended: {self.intended}" if self.intended else "UNEXPECTED"
        return f"{where}: ours={_short(self.ours)} contentctl={_short(self.theirs)} ({status})"


def _short(value: str | None) -> str:
    if value is None:
        return "<absent>"
    return repr(value if len(value) <= 70 else value[:67] + "...")


def _json(value: str | None) -> object:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _is_json(value: str | None) -> bool:
    return value is not None and value[:1] in "[{" and _json(value) is not None


@dataclass(frozen=True)
class Intended:
    """One deliberate improvement: a name for reports and a test on a difference."""

    name: str
    applies: Callable[[Difference], bool]


def _entities(d: Difference) -> bool:
    return d.key == "action.notable.param._entities" and _json(d.theirs) == PLACEHOLDER_ENTITIES


def _default_stanza(d: Difference) -> bool:
    return (d.file.endswith("savedsearches.conf") and d.stanza == "default"
            and d.key in {k for k, _ in DEFAULT_STANZA.entries})


def _filter_description(d: Difference) -> bool:
    return d.file.endswith("macros.conf") and d.stanza.endswith("_filter") and d.key == "description" \
        and d.ours == FILTER_DESCRIPTION


def _indented_continuation(d: Difference) -> bool:
    """Our writer indents continuation lines that look like a stanza, comment or setting (defence in depth)."""
    if d.ours is None or d.theirs is None or d.ours == d.theirs:
        return False
    ours, theirs = d.ours.split("\n"), d.theirs.split("\n")
    return len(ours) == len(theirs) and all(o == t or o == " " + t for o, t in zip(ours, theirs))


def _status_wording(d: Difference) -> bool:
    return d.key in ("description", "action.escu.eli5", "explanation") and d.ours is not None \
        and d.ours.startswith("NOTE: this ") and d.theirs is not None and d.theirs.startswith("**WARNING**")


INTENDED: tuple[Intended, ...] = (
    Intended("real _entities from the risk objects instead of contentctl's N/A placeholder", _entities),
    Intended("own wording for the [default] placeholder of removed searches", _default_stanza),
    Intended("own wording for the generated <stem>_filter macro description", _filter_description),
    Intended("continuation lines that look like a stanza/comment/setting are indented by one space",
             _indented_continuation),
    Intended("own wording for the experimental/deprecated notice", _status_wording),
)


def _values_equal(ours: str, theirs: str, style: JsonStyle) -> bool:
    if ours == theirs:
        return True
    return style == "compact" and _is_json(ours) and _is_json(theirs) and _json(ours) == _json(theirs)


def compare(file: str, ours: Iterable[Stanza], theirs: Iterable[Stanza], style: JsonStyle) -> list[Difference]:
    """All differences between two parsed files; stanza and key order are compared too (as ``<order>``)."""
    our_map = {s.name: s for s in ours}
    their_map = {s.name: s for s in theirs}
    out: list[Difference] = []
    for name in sorted(set(our_map) | set(their_map)):
        if name not in their_map:
            out.append(Difference(file, name, "", "present", None))
            continue
        if name not in our_map:
            out.append(Difference(file, name, "", None, "present"))
            continue
        ok, tk = dict(our_map[name].entries), dict(their_map[name].entries)
        for key in list(ok) + [k for k in tk if k not in ok]:
            o, t = ok.get(key), tk.get(key)
            if o is None or t is None or not _values_equal(o, t, style):
                out.append(Difference(file, name, key, o, t))
        common = [k for k in ok if k in tk]
        if common != [k for k in tk if k in ok]:
            out.append(Difference(file, name, "<order>", ",".join(common), ",".join(k for k in tk if k in ok)))
    return [classify(d) for d in out]


def classify(diff: Difference) -> Difference:
    for rule in INTENDED:
        if rule.applies(diff):
            return Difference(diff.file, diff.stanza, diff.key, diff.ours, diff.theirs, rule.name)
    return diff
