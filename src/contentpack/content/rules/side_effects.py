"""CP085: no search of the pack runs a command whose work is done outside the search: writing an index, a lookup or
a file, deleting events, sending mail, running a script or an alert action, or reading Splunk's REST API.

Why: the built app's correlation searches run on a schedule as the app's owner (``admin``, metadata/default.meta),
every few minutes, on every search head that installs the app, and a drilldown runs as the analyst who opens it.
A contributed detection or macro that ends in ``| sendemail to=...`` mails each run's findings out; one that ends
in ``| outputlookup`` or ``| collect index=...`` rewrites another app's lookup or writes events into an index
(risk events of its own making into the risk index); ``| rest /services/storage/passwords`` makes the search
head's stored secrets, in clear text for an admin, fields of the notables every analyst reads. None of that
changes the search's answer, so no test of the pack notices it, and ``validate`` accepted and ``build`` shipped
them until 2026-12-07 (the engine refuses them, RP003, but only a search some test replays). A detection has
no need of any of them: ESCU's 1,870 detections use only ``outputlookup``, in 4 baseline searches
(tests/fixtures/splunk_security_content), which a detection pack does not ship.

What counts as running one: the command's name after a ``|``, in a detection's search, a drilldown's search or a
macro's definition (with the pack's macros expanded, as every SPL rule reads them), inside ``[ ... ]`` subsearches
and ``map``'s ``search="..."`` too (``spl.parser.command_words``: read off the text, so a command inside another
the engine does not run is found as well). A subsearch opened without ``|`` runs a generating command written
first (``[rest /services/...]``; the engine reads ``[inputlookup t]`` so, assumed for Splunk); of these commands
only ``rest`` and ``script``/``run`` generate results, so only they count there. Reported at the command's name;
a command a macro's definition writes is reported there once (the fix goes there, and a macro ships whether or
not a search calls it), one an argument brings at the call, naming the macro, as CP025 does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import Positions, SearchText, macro_at, search_and_macro_texts

RULE_SIDE_EFFECT = "CP085"

# Command -> what it does outside the search (each command's page in the Search Reference, docs/validation_rules.md).
EFFECTS: dict[str, str] = {
    "collect": "writes the results into an index as events",
    "delete": "makes events of an index unsearchable",
    "dump": "writes the results to files on the search head's disk",
    "mcollect": "writes the results into a metrics index",
    "meventcollect": "writes the results into a metrics index",
    "outputcsv": "writes the results to a CSV file on the search head",
    "outputlookup": "writes the results to a lookup table or KV store collection other searches read",
    "rest": ("reads Splunk's REST API as the user running the search (stored passwords in clear text, for an "
             "admin) and makes its answers result fields, which a notable shows every analyst"),
    "run": "runs an external script on the search head",
    "script": "runs an external script on the search head",
    "sendalert": "runs an alert action",
    "sendemail": "sends the results by email",
    "tscollect": "writes the results into tsidx files on the search head",
}
# Those that generate results, so may open a subsearch without a "|" (see the module docstring).
_GENERATING = frozenset({"rest", "run", "script"})
_ANY = re.compile(r"\b(?:" + "|".join(EFFECTS) + r")\b", re.IGNORECASE)


def side_effects(context: RuleContext) -> Iterator[Diagnostic]:
    """CP085 (see the module docstring), at each command's name (at the macro call that brings it)."""
    from contentpack.spl.parser import command_words

    analysis = context.spl
    positions = Positions(context.root)
    findings: list[tuple[SearchText, int, str, str | None]] = []  # (text, offset in its value, command, macro)
    for text, lead in search_and_macro_texts(context):
        readable = analysis.readable_text(text.parsed)
        if readable is None or _ANY.search(readable) is None:  # nearly every text
            continue
        for word in command_words(readable):
            if word.name not in EFFECTS or not (word.piped or word.name in _GENERATING):
                continue
            at = max(text.to_value(analysis.readable_expansion(text.parsed).original_offset(word.offset))
                     - len(lead), 0)
            findings.append((text, at, word.name, macro_at(text.value, at)))
    in_definitions = {name for text, _, name, macro in findings if text.node == ("definition",) and macro is None}
    for text, at, name, macro in findings:
        if macro is not None and name in in_definitions:
            continue  # reported in the macro's own file
        message = (f"'{name}' in {text.owner} {EFFECTS[name]}: a search of the app must change and reveal nothing "
                   "outside its own results (a correlation search runs on a schedule as the app's owner, a "
                   "drilldown as the analyst who opens it); remove the command")
        if macro is not None:
            message += f", inside the expansion of macro `{macro}`"
        yield error(positions.at(text.source, text.node, text.value, at), RULE_SIDE_EFFECT, message)


RULES = (side_effects,)
