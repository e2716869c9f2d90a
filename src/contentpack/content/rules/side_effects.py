"""CP085: no search of the pack runs a command whose work is done outside the search: writing an index, a lookup or
a file, deleting events, sending mail, running a script or an alert action, reading Splunk's REST API or the
search history, or running another saved search (or loading its job's results), which the pack does not write.

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
only ``history``, ``loadjob``, ``rest``, ``savedsearch`` and ``script``/``run`` generate results, so only they
count there. Reported at the command's name; a command a macro's definition writes is reported there once (the
fix goes there, and a macro ships whether or not a search calls it), one an argument brings at the call, naming
the macro, as CP025 does.

``map`` runs a command the text does not name in three ways, each refused: without ``search="..."`` it runs the
saved search it names (as ``savedsearch`` does); a ``$field$`` of its search where a command's name goes (the
whole search, after a ``|``, first in a ``[ ... ]``) is a command the result's value chooses; and a ``$field$``
anywhere in it whose value the search writes itself (``written_map_tokens``) can hold ``x | sendemail ...``.
A token whose value an attacker writes is CP086's.

A drilldown's ``$field$`` where a command's name goes (the whole search or its first word, after a ``|``, first in
a ``[ ... ]``) is refused too, whatever the field: ES writes the notable's value into the drilldown's text when an
analyst opens it (as plain text, assumed: no ES page says it quotes or escapes the value; docs/build.md, "Drilldown
safety") and runs it as them, so the value chooses the command. The drilldown's text is read with its tokens as
field names of the same length (``spl_checks._token_free``), so a command word standing where the value has a
token is that token. A token in an argument's place is CP045's (who writes the field).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from contentpack.content.diagnostics import Diagnostic, error
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import (
    Positions,
    SearchText,
    has_spl_error,
    in_expansion,
    macro_at,
    pack_tables,
    search_and_macro_texts,
)
from contentpack.content.rules.taint import Taint, result_taint, writes_spl
from contentpack.content.rules.tokens import MAP_TOKEN, map_searches

if TYPE_CHECKING:
    from contentpack.content.model import Lookup
    from contentpack.spl.parser import CommandWord

RULE_SIDE_EFFECT = "CP085"

# Command -> what it does outside the search (each command's page in the Search Reference, docs/validation_rules.md).
EFFECTS: dict[str, str] = {
    "collect": "writes the results into an index as events",
    "delete": "makes events of an index unsearchable",
    "dump": "writes the results to files on the search head's disk",
    "history": ("reads the search history of the user running the search (the app's owner: every search string "
                "they ran) into result fields, which a notable shows every analyst"),
    "loadjob": ("loads the results of another search's job (another user's too), which the pack does not write, "
                "into the notables every analyst reads"),
    "mcollect": "writes the results into a metrics index",
    "meventcollect": "writes the results into a metrics index",
    "outputcsv": "writes the results to a CSV file on the search head",
    "outputlookup": "writes the results to a lookup table or KV store collection other searches read",
    "rest": ("reads Splunk's REST API as the user running the search (stored passwords in clear text, for an "
             "admin) and makes its answers result fields, which a notable shows every analyst"),
    "run": "runs an external script on the search head",
    "runshellscript": "runs a scripted alert's script on the search head",
    "savedsearch": ("runs another saved search, whose commands (sendemail, collect...) the pack does not write and "
                    "no rule reads"),
    "script": "runs an external script on the search head",
    "sendalert": "runs an alert action",
    "sendemail": "sends the results by email",
    "tscollect": "writes the results into tsidx files on the search head",
}
# Those that generate results, so may open a subsearch without a "|" (see the module docstring).
_GENERATING = frozenset({"history", "loadjob", "rest", "run", "savedsearch", "script"})
# map without search="..." runs the saved search it names (Search Reference, map: <savedsplunkoption>)
_SAVED_MAP = ("runs the saved search it names once per result, whose commands (sendemail, collect...) the pack "
              "does not write and no rule reads")
_ANY = re.compile(r"\b(?:" + "|".join([*EFFECTS, "map"]) + r")\b", re.IGNORECASE)  # map: a saved search, a token


def side_effects(context: RuleContext) -> Iterator[Diagnostic]:
    """CP085 (see the module docstring), at each command's name (at the macro call that brings it)."""
    from contentpack.spl.parser import command_words

    analysis = context.spl
    positions = Positions(context.root)
    # (text, offset in its value, command, what it does, macro)
    findings: list[tuple[SearchText, int, str, str, str | None]] = []
    # a macro's "$argument$" is its call's argument, not a map's value: the call's expansion is read
    arguments = {macro.source.path: {f"${name}$" for name in macro.arguments} for macro in context.pack.macros}
    for text, lead in search_and_macro_texts(context):
        readable = analysis.readable_text(text.parsed)
        filled = text.node[0] == "drilldown_searches" and "$" in text.value  # ES fills its tokens
        if readable is None or (_ANY.search(readable) is None and not filled):  # nearly every text
            continue
        if filled:
            findings.extend((text, at, token, token, None) for at, token in command_tokens(context, text))
        for word in command_words(readable) if _ANY.search(readable) is not None else ():
            effect = _effect(readable, word)  # None for a drilldown's token, read as a field name
            if effect is None or (text.node == ("definition",) and word.name in arguments[text.source.path]):
                continue
            at = _value_offset(context, text, word.offset, lead)
            findings.append((text, at, word.name, effect, macro_at(text.value, at)))
    in_definitions = {name for text, _, name, _, macro in findings if text.node == ("definition",) and macro is None}
    for text, at, name, effect, macro in findings:
        if macro is not None and name in in_definitions:
            continue  # reported in the macro's own file
        if name.startswith("$") and text.node[0] == "drilldown_searches":
            message = (f"'{name}' in {text.owner} stands where a command's name goes: ES writes the notable's "
                       f"value of {name.strip('$')} there when an analyst opens the drilldown and runs the search "
                       "as them, so the value chooses the command (sendemail, delete...) and no rule can read it; "
                       "write the command in the drilldown search")
        elif name.startswith("$"):
            message = (f"'{name}' in {text.owner} stands where map's search names a command: map writes each "
                       f"result's value of {name.strip('$')} there and runs it, so the value chooses the command "
                       "(sendemail, delete...) and no rule can read it; write the command in the search string")
        else:
            message = (f"'{name}' in {text.owner} {effect}: a search of the app must change and reveal nothing "
                       "outside its own results (a correlation search runs on a schedule as the app's owner, a "
                       "drilldown as the analyst who opens it); remove the command")
        yield error(positions.in_text(text, at), RULE_SIDE_EFFECT, in_expansion(message, text.value, at))


# What a string of the search is followed as (``taint.result_taint``'s ``literal``): no field is named with quotes
_WRITTEN = '"text the search writes"'


def written_map_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP085: a ``$field$`` of a detection's ``map`` search whose value the search writes itself.

    Why: ``map`` writes each result's value of the field into its search string and runs it (Search Reference,
    map; as plain text, assumed, as for CP086), so ``eval next="x | sendemail to=..." | map search="search a=$next$"``
    runs ``sendemail``, which no rule reads in the text. The value is followed through the commands before the
    map as CP086 follows an attacker's (``rules.taint``), from every string of the search that can hold SPL
    (``taint.writes_spl``: ``"| delete"``, and ``printf("%c", 124)`` or ``urldecode("%7C")``, whose characters
    come from such a string) an ``eval``, ``fillnull``, ``replace``, ``rex mode=sed`` or ``rangemap`` sets it to,
    in an ``append``, ``join`` or ``appendpipe`` subsearch too, and from every value of the pack's own lookup
    tables that can (``_LookupCells``: the table ships with the app, the pack's text as much as an eval string;
    named by file, line and column, as the fix goes there); a field the events, a tenant's table or a count give
    is not the search's own text. A field a command the validator cannot
    read names (``strcat``, ``foreach``) may hold what a string of that command writes: refused too when one of
    its quoted strings can hold SPL (``_quotes_spl``; ESCU's ``tstats`` the engine does not read writes none),
    except beside the search's own CP060 or CP061 error (the one to fix, as CP045). A token where a command's
    name goes is ``side_effects``' (whatever the value): reported once, there."""
    from contentpack.spl.parser import command_words

    positions = Positions(context.root)
    cells = _LookupCells(context)
    for detection in context.pack.detections:
        expanded = context.spl.readable_text(detection.search)
        if expanded is None or "$" not in expanded or "map" not in expanded.lower():
            continue
        segments = context.spl.segments(expanded)
        if segments is None:
            continue
        commands = {word.offset for word in command_words(expanded) if word.name.startswith("$")}
        for moving, start, end in map_searches(expanded, segments, written=True):
            taint = result_taint(moving, Taint(patterns=(_WRITTEN,)), literal=_WRITTEN, cells=cells)
            for match in MAP_TOKEN.finditer(expanded, start, end):
                field = match.group(1)
                if taint is None or match.start() in commands:
                    continue
                origin, fix = taint.origin(field), "write that text in the map search itself"
                if origin is not None and origin in cells.where:
                    how = f"a value of the pack's lookup, which can hold SPL: {origin}"
                    fix = "keep such text out of the table, or key the map search on another field"
                elif origin is not None:
                    how = "a string of its own before the map, which can hold SPL"
                elif (field in taint.unread and _quotes_spl(taint.unread[field])
                      and not has_spl_error(context, detection.search)):
                    how = f"or may: '{_shown(taint.unread[field])}' sets it, a command the validator cannot read"
                else:
                    continue
                at = context.spl.readable_expansion(detection.search).original_offset(match.start())
                message = (f"map search in detection '{detection.name}' uses {match.group(0)}, whose value the "
                           f"search writes itself ({how}): map writes the value into its search text and runs it, "
                           "so a '|' in it starts a command of the search's choosing (sendemail, delete...), which "
                           f"no rule reads; {fix}")
                yield error(positions.at(detection.source, ("search",), detection.search, at), RULE_SIDE_EFFECT,
                            in_expansion(message, detection.search, at))


def _shown(text: str) -> str:
    """``text`` on one line, cut to 40 characters, as a message quotes it."""
    shown = " ".join(text.split())
    return shown if len(shown) <= 40 else shown[:37] + "..."


class _LookupCells:
    """What the pack's own lookup tables write (``taint.Cells``), each table's CSV read once, on first use (only a
    lookup command of a detection that runs a ``map`` search asks). A table's column is written when one of its values
    ``writes_spl``: the first such value, by line, names where (``where``, the set of those words); so is every column
    of a table whose ``default_match`` does, when ``min_matches`` makes Splunk give it (transforms.conf.spec). A table
    the pack does not ship gives None: CP025 refuses it, and its values are the tenant's data, as CP045 takes a lookup's
    outputs (a tenant's table is not the search's own text)."""

    def __init__(self, context: RuleContext) -> None:
        self._root = context.root
        self._tables = pack_tables(context.pack)
        self._read: dict[str, dict[str, str]] = {}
        self.where: set[str] = set()

    def __call__(self, name: str) -> dict[str, str] | None:
        from contentpack.spl.lookups import find_table

        lookup = find_table(self._tables, name)
        if lookup is None:
            return None
        found = self._read.get(lookup.name)
        if found is None:
            found = self._read[lookup.name] = self._columns(lookup)
            self.where.update(found.values())
        return found

    def _columns(self, lookup: Lookup) -> dict[str, str]:
        from contentpack.content.loader import read_text
        from contentpack.content.lookup_csv import MAX_LOOKUP_BYTES
        from contentpack.spl.lookups import LookupCsvError, numbered_csv_records

        shown = f"lookups/{lookup.filename}"
        file = self._root / shown
        found: dict[str, str] = {}
        text = None if file.is_symlink() else read_text(file, shown, limit=MAX_LOOKUP_BYTES)[0]
        try:  # a file that cannot be read is CP014's or CP015's
            header, records = numbered_csv_records(text) if text is not None else ((), iter(()))
            for line, record in records:
                for column, value in zip(header, record, strict=False):
                    if column not in found and writes_spl(value):
                        found[column] = f"{shown} line {line}, column {column}, holds '{_shown(value)}'"
        except LookupCsvError:
            pass
        default = lookup.default_match
        if default is not None and writes_spl(default) and (lookup.min_matches or 0) > 0:
            for column in lookup.fields_list:
                found.setdefault(column, f"the default_match of lookup '{lookup.name}', '{_shown(default)}'")
        return found


# Where a token can stand in a command's place, in the drilldown's own text: first, after a "|", a "[" or a macro
# call's (or comment's) closing backtick, or opening map's search string. A necessary condition only, read before
# the parser's ``command_words`` (which decides), as ``_ANY`` is for the commands.
_COMMAND_TOKEN = re.compile(r'(?:^|[|\[`]|\bsearch\s*=\s*\\?"?)\s*\$', re.IGNORECASE)


def command_tokens(context: RuleContext, text: SearchText) -> list[tuple[int, str]]:
    """(offset in the value, ``$field$``) for each token of a drilldown search ``text`` that stands where a
    command's name goes: CP085's (``side_effects``), and so not CP045's too, which warned at the drilldown's key
    as well when the field is one an attacker writes (two findings for one mistake; the command's place is the one
    to fix). The text is read with its tokens as field names of the same length (``spl_checks._token_free``), so a
    command word standing where the value has a token is that token."""
    from contentpack.spl.parser import command_words

    if _COMMAND_TOKEN.search(text.value) is None:  # nearly every drilldown: its tokens are arguments
        return []
    readable = context.spl.readable_text(text.parsed)
    if readable is None:
        return []
    found = list(_leading_token(text.value))
    for word in command_words(readable):
        at = _value_offset(context, text, word.offset)
        token = MAP_TOKEN.match(text.value, at)
        if token is not None:
            found.append((at, token.group(0)))
    return found


def _value_offset(context: RuleContext, text: SearchText, offset: int, lead: str = "") -> int:
    """Where an offset of ``text``'s readable expansion is in its value (``lead``: what the parser's text has
    before the value, ``search_and_macro_texts``)."""
    return max(text.to_value(context.spl.readable_expansion(text.parsed).original_offset(offset)) - len(lead), 0)


def _leading_token(value: str) -> Iterator[tuple[int, str]]:
    """(offset, token) for a ``$field$`` that opens a drilldown search (the whole search, or its first word):
    the value ES writes there starts the search, so a leading ``| rest ...`` in it is a command of its own.
    ``command_words`` gives no word for a search's first segment (the implicit ``search``), hence this one."""
    start = len(value) - len(value.lstrip())
    token = MAP_TOKEN.match(value, start)
    if token is not None:
        yield start, token.group(0)


def _quotes_spl(command: str) -> bool:
    """Whether a quoted string of ``command`` (a command the engine cannot read), of its ``[ ... ]`` too
    (``foreach * [eval <<FIELD>>="..."]``), ``writes_spl``: a text that cannot be split into words is taken to."""
    from contentpack.spl import SplError
    from contentpack.spl.lexer import tokenize_search

    try:
        tokens = tokenize_search(command)
    except SplError:
        return True
    return any((token.kind == "PHRASE" and writes_spl(token.text))
               or (token.kind == "SUBSEARCH" and _quotes_spl(token.text)) for token in tokens)


def _effect(readable: str, word: CommandWord) -> str | None:
    """What the command ``word`` does outside the search, None when nothing; a ``$field$`` word is given back as
    itself (the value written there is the command, see ``side_effects``)."""
    if word.name.startswith("$"):
        return word.name
    if word.name == "map" and word.piped and not _map_search_string(readable, word.offset):
        return _SAVED_MAP
    if word.name not in EFFECTS or not (word.piped or word.name in _GENERATING):
        return None
    return EFFECTS[word.name]


def _map_search_string(readable: str, offset: int) -> bool:
    """Whether the ``map`` command at ``offset`` runs a ``search="..."`` string (else it runs a saved search). A
    command that cannot be read (a map inside a map search holding escapes is placed at the string's quote) is
    taken to run one: what it runs is read off the string by ``command_words``."""
    from contentpack.spl import SplError
    from contentpack.spl.lexer import split_pipeline, tokenize_search
    from contentpack.spl.parser import is_map_search_string

    if readable[offset:offset + 3].lower() != "map":
        return True
    try:
        tokens = tokenize_search(split_pipeline(readable[offset:])[0].text)
    except SplError:
        return True
    return any(is_map_search_string(tokens, at) for at in range(len(tokens)))


RULES = (side_effects, written_map_tokens)
