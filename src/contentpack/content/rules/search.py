"""What a detection's search must contain or may reference (CP023–CP029), what a macro's definition may
refer to (CP067), and a filter macro that tunes nothing (CP082)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping

from contentpack.content.diagnostics import Diagnostic, Position, error, warning
from contentpack.content.model import Detection, NodePath, Pack, SourceMap, filter_macro_name
from contentpack.content.rules import RuleContext
from contentpack.content.rules.spl_checks import (
    Positions,
    SearchText,
    did_you_mean,
    has_spl_error,
    in_expansion,
    macro_at,
    pack_tables,
    search_and_macro_texts,
    search_texts,
    token_stand_ins,
)
from contentpack.content.rules.spl_text import (
    BUILTIN_MACROS,
    last_stats_start,
    located_macro_calls,
    macro_calls,
    output_fields,
    output_fields_start,
    rba_message_tokens,
    scan_tokens,
    strip_comments,
)
from contentpack.content.rules.throttle_keys import Flagged, multivalue_results
from contentpack.content.spl_macros import FILTER_DEFINITION
from contentpack.spl.suggest import closest

ORIGINAL_SEARCH = "%original_detection_search%"
RULE_MULTIVALUE_MESSAGE = "CP087"


def filter_macro_present(context: RuleContext) -> Iterator[Diagnostic]:
    """CP023: the literal `` `<stem>_filter` `` is how customers tune a detection without editing it. A search
    calling its filter misnamed (`` `x_filtr` ``) is told to rename that call, at the call: the call was CP024's
    too, whose "not defined in macros/" sent a new user to write the misnamed macro, so it is this finding alone
    (``_misnamed_filters``)."""
    owned = {detection.filter_macro for detection in context.pack.detections}
    defined = _defined_macros(context.pack)
    positions = Positions(context.root)
    for detection in context.pack.detections:
        macro = f"`{detection.filter_macro}`"
        if macro in strip_comments(detection.search):  # a call inside a ``` comment is never expanded
            continue
        named = _filter_calls(detection, _misnamed_filters(context, detection, defined))
        where = detection.source.at("search")
        if named:
            where = positions.at(detection.source, ("search",), detection.search, named[0][0])
        calls = [f"`{name}`" + (", another detection's" if name in owned else "") for _, name in named]
        said = f"; it calls {' and '.join(calls)}" if calls else ""
        rename = (f": rename the call to {macro}" if len(calls) == 1 else
                  f": end the search with | {macro} (the build defines it as '{FILTER_DEFINITION}' unless "
                  f"macros/{detection.filter_macro}.yml tunes it)" if not calls else "")
        yield error(where, "CP023",
                    f"search does not contain the exact filter macro {macro} (derived from the name){said}{rename}")


def filter_macros_tune_a_detection(context: RuleContext) -> Iterator[Diagnostic]:
    """CP082 (warning): a macro of macros/ named like a filter macro (``*_filter``) that is no detection's and that
    no search, drilldown or macro calls. Tuning a detection is writing ``macros/<its file stem>_filter.yml``
    (README, "Backtest on your tenant", step 4); a newcomer's ``entra_id_user_declined_filter`` for the detection
    *Entra ID User Declined OAuth Application Consent* validated silently, and the detection went on untuned: the
    backtest's notables were the same, with nothing to say why. A detection whose file could not be modelled may
    own the name, and is left to its own error."""
    if "detection" in context.unread_kinds:
        return
    owners = {detection.filter_macro: detection.name for detection in context.pack.detections}
    unknown = {filter_macro_name(name) for name in context.unmodelled_names}
    called = {call.name for text, _, _, _ in searches(context.pack) for call in macro_calls(text)}
    used = owners.keys() | called | unknown
    for macro in context.pack.macros:
        if not macro.name.endswith("_filter") or macro.name in used:
            continue
        yield warning(macro.source.at("name"), "CP082",
                      f"macro '{macro.name}' tunes nothing: it is no detection's filter macro, and no search calls "
                      f"it{_meant_filter(macro.name, owners)}; a detection is tuned by the filter macro named after "
                      "its file: detections/.../<stem>.yml by macros/<stem>_filter.yml")


def _meant_filter(name: str, owners: Mapping[str, str]) -> str:
    """`` (did you mean 'x_filter', the filter macro of detection 'X'?)``: the closest filter macro's name, else the
    one filter macro starting with ``name``'s stem (a name shortened, ``entra_id_user_declined_filter``)."""
    meant = closest(name, owners)
    if meant is None:
        longer = [owned for owned in owners if owned.startswith(name.removesuffix("_filter") + "_")]
        meant = longer[0] if len(longer) == 1 else None
    return "" if meant is None else f" (did you mean '{meant}', the filter macro of detection '{owners[meant]}'?)"


def _defined_macros(pack: Pack) -> dict[str, set[int]]:
    """Each macro name a search may call with the numbers of arguments it takes: macros/'s and every detection's
    filter macro (generated by the build)."""
    defined: dict[str, set[int]] = {}
    for macro in pack.macros:
        defined.setdefault(macro.name, set()).add(len(macro.arguments))
    for detection in pack.detections:
        defined.setdefault(detection.filter_macro, set()).add(0)
    return defined


def _misnamed_filters(context: RuleContext, detection: Detection, defined: Mapping[str, set[int]]) -> set[str]:
    """The names of the calls in ``detection``'s search that stand for its filter macro misnamed, when the search
    lacks that macro: undefined calls named like a filter (``*_filter``) or close to its name (``suggest.closest``:
    `` `x_filtr` ``). CP023 reports them (rename the call); CP024 leaves them out, one finding for one mistake."""
    if f"`{detection.filter_macro}`" in strip_comments(detection.search):
        return set()
    return {call.name for call in macro_calls(detection.search)
            if call.name is not None and call.name not in defined and call.name not in BUILTIN_MACROS
            and not context.may_be_broken("macro", call.name)
            and (call.name.endswith("_filter") or closest(call.name, [detection.filter_macro]) is not None)}


def _filter_calls(detection: Detection, misnamed: set[str]) -> list[tuple[int, str]]:
    """(offset, name) of the first call of each filter-like macro ``detection``'s search makes in place of its own
    filter: a ``*_filter`` another detection's (a search copied, or written before a rename) or a misnamed one
    (``misnamed``), for the author to replace with the derived one."""
    first: dict[str, int] = {}
    for offset, call in located_macro_calls(detection.search):
        if call.name is not None and (call.name.endswith("_filter") or call.name in misnamed):
            first.setdefault(call.name, offset)
    return [(offset, name) for name, offset in first.items()]


def data_source_entries(detection: Detection) -> Iterator[str]:
    """Data-source names a detection references (an entry ``"A AND B"`` names two)."""
    for entry in detection.data_source:
        yield from (part.strip() for part in entry.split(" AND "))


def searches(pack: Pack) -> Iterator[tuple[str, SourceMap, NodePath, str]]:
    """(SPL text, its file's source map, its node, whose it is) for every search text the pack ships.

    Positions are looked up only when a rule reports something: most texts are fine. A drilldown's text is its
    value as written, ``%original_detection_search%`` included (it holds no macro call).
    """
    for detection in pack.detections:
        yield detection.search, detection.source, ("search",), f"detection '{detection.name}'"
        for index, drilldown in enumerate(detection.drilldown_searches):
            yield drilldown.search, detection.source, ("drilldown_searches", index, "search"), "drilldown"
    for macro in pack.macros:
        yield macro.definition, macro.source, ("definition",), f"macro '{macro.name}'"


def macros_exist(context: RuleContext) -> Iterator[Diagnostic]:
    """CP024: every macro called exists in macros/ with that many arguments (contentctl misses arity). Reported
    at the call's own line and column, an unknown name with a did-you-mean; a detection's filter macro called
    misnamed is CP023's alone."""
    pack = context.pack
    positions = Positions(context.root)
    defined = _defined_macros(pack)
    misnamed = {(detection.source.path, detection.search): _misnamed_filters(context, detection, defined)
                for detection in pack.detections}
    for text, source, node, owner in searches(pack):
        for offset, call in located_macro_calls(text):
            if call.name is not None and (call.name in BUILTIN_MACROS or context.may_be_broken("macro", call.name)):
                continue
            if node == ("search",) and call.name in misnamed.get((source.path, text), ()):
                continue  # a filter macro misnamed: CP023 says to rename the call
            arities = defined.get(call.name) if call.name is not None else None
            if arities is not None and call.arity in arities:
                continue
            at = positions.at(source, node, text, offset)
            if call.name is None:
                yield error(at, "CP024", f"`{call.text}` in {owner} is not a macro call (`name` or `name(args)`)")
            elif arities is None:
                hint = did_you_mean(call.name, defined.keys() | BUILTIN_MACROS)
                yield error(at, "CP024", f"macro '{call.name}' used in {owner} is not defined in macros/{hint}"
                                         f"{_unchecked(owner)}")
            else:
                have = ", ".join(f"{call.name}({n})" if n else call.name for n in sorted(arities))
                yield error(at, "CP024", f"macro '{call.name}' is called with {call.arity} argument(s) in {owner}, "
                                         f"but macros/ defines {have}{_unchecked(owner)}")


def _unchecked(owner: str) -> str:
    """What CP024 leaves unchecked (``spl_checks``: the commands from the call on are not parsed): a new user
    fixed every error, then met a CP045 warning on a drilldown token the call had hidden. Only what follows a field
    through the commands waits (``taint``: where a token's value comes from); the result-field checks (CP027,
    CP029, CP047) read the last stats as written and run, so saying they waited misled a newcomer whose CP029 and
    CP047 findings stood beside this one."""
    known = ", and the check of where a drilldown token's value comes from (CP045) waits too" \
        if owner.startswith("detection ") else ""
    return f"; until it is, the search is checked only up to this call{known}"


# macros.conf.spec, args: "Argument names can only contain alphanumeric characters, underscores '_', and hyphens
# '-'"; the definition refers to one as $name$.
_ARGUMENT_TOKEN = re.compile(r"\$([A-Za-z0-9_-]+)\$")


def macro_tokens_are_arguments(context: RuleContext) -> Iterator[Diagnostic]:
    """CP067 (warning): a ``$name$`` in a macro's definition that is not one of its arguments. Splunk replaces
    only the arguments' tokens (macros.conf.spec, definition), so a misspelt ``$fied$`` reaches the search as
    written: a search for that literal text, or an eval that does not parse (the replay then fails with no
    pointer to the macro)."""
    positions = Positions(context.root)
    for macro in context.pack.macros:
        arguments = set(macro.arguments)
        for match in _ARGUMENT_TOKEN.finditer(macro.definition):
            name = match.group(1)
            if name in arguments:
                continue
            known = ", ".join(macro.arguments) if macro.arguments else "it has none"
            hint = did_you_mean(name, macro.arguments) if macro.arguments else ""
            yield warning(
                positions.at(macro.source, ("definition",), macro.definition, match.start()), "CP067",
                f"macro '{macro.name}' definition uses ${name}$, which is not one of its arguments ({known}): "
                f"Splunk substitutes only arguments, so ${name}$ stays in the search as written{hint}")


def lookups_exist(context: RuleContext) -> Iterator[Diagnostic]:
    """CP025: every table a ``lookup`` or ``inputlookup`` command reads is one of the pack's lookups, named by its
    lookup name or the date-stamped CSV file name the built app ships, as the engine set-up registers them
    (``spl.lookups.register_table``); the source tree's file name is not in the built app, and is reported. A
    date-stamped file name resolves in the build of that date only: the next build, on another date, ships the file
    under another name, so it is a warning naming the definition to write (``spl.lookups.dated_name_hint``).
    Otherwise Splunk fails a ``lookup`` at run time, and an ``inputlookup`` of a missing file only warns and
    returns nothing ("If the lookup does not exist, a warning message is displayed (but no syntax error is
    generated)", Search Reference, inputlookup): the detection silently finds nothing. ``outputlookup`` is not
    checked, as before: it "Writes search results to a static lookup table" (Search Reference, outputlookup),
    so the table need not exist before it runs.

    The commands are the engine's parse (``SplAnalysis.readable_commands``, the same parse CP065 reads), so a
    ``lookup`` written inside a quoted string, an eval string or a ``` comment is text, not a command, and is
    not counted. Read in every detection and drilldown search, through macros and inside subsearches (those of
    valid SPL the engine does not run too, such as ``tstats ... where [| inputlookup t]``), and in every macro
    definition of macros/. A search calling a macro that cannot be expanded (another app's, such as CIM's
    ``drop_dm_object_name``, or a wrong call, CP024's) is read with that call left as written; a command with a
    syntax error is CP060's and gives nothing here.

    Where it is reported, and why there: a command in a search's own text, at the command's line and column; a
    command a macro brings into a search, at the macro call (as CP065 and CP060 do: the expansion is not in
    the file). A macro's own definition is read too, as the commands it brings after a pipe (its usual place),
    and a table it names is reported there, at the command in the macro's file: that is where the fix goes,
    and a macro ships (macros.conf) whether or not a search of the pack calls it. Such a table is then not
    reported again at every call that brings it (one mistake, one finding); a table a call makes, through an
    argument (``lookup $table$`` in the definition, which is not judged there), is reported at the call. In a
    drilldown, a table written with a ``$token$`` is completed by ES at run time and is not judged."""
    from contentpack.spl.ast import nodes_of
    from contentpack.spl.commands.lookup import InputlookupCommand, LookupCommand
    from contentpack.spl.lookups import dated_name_hint, named_table, source_file_hint

    tables = pack_tables(context.pack)
    analysis = context.spl
    positions = Positions(context.root)
    findings: list[tuple[SearchText, int, str, str | None]] = []  # (text, offset in its value, table, macro)
    for text, lead in search_and_macro_texts(context):
        readable = analysis.readable_text(text.parsed)
        if readable is None or "lookup" not in readable.lower():  # most texts use no lookup
            continue
        tokens = token_stand_ins(text.value) if text.node[0] == "drilldown_searches" else frozenset()
        for base, command in analysis.readable_commands(readable, "lookup"):
            read = [(node.offset, node.table) for node in nodes_of(command, LookupCommand)]
            read += [(node.offset, node.table) for node in nodes_of(command, InputlookupCommand)]
            for offset, name in sorted(read):
                if (named_table(tables, name) is not None or context.may_be_broken("lookup", name)  # dated: below
                        or (lead and "$" in name) or any(token in name for token in tokens)):
                    continue
                at = max(text.to_value(analysis.readable_expansion(text.parsed).original_offset(base + offset))
                         - len(lead), 0)
                findings.append((text, at, name, macro_at(text.value, at)))
    in_definitions = {name for text, _, name, macro in findings if text.node == ("definition",) and macro is None}
    for text, at, name, macro in findings:
        if macro is not None and name in in_definitions:
            continue  # reported in the macro's own file
        dated = dated_name_hint(tables, name, lambda lookup: lookup.name)
        hint = source_file_hint(tables, name, lambda lookup: lookup.name)
        message = (f"lookup '{name}' used in {text.owner} is a date-stamped file name: {dated}" if dated else
                   f"lookup '{name}' used in {text.owner} does not resolve in the built app: {hint}" if hint else
                   f"lookup '{name}' used in {text.owner} is not defined in lookups/{did_you_mean(name, tables)}")
        yield (warning if dated else error)(positions.in_text(text, at), "CP025", in_expansion(message, text.value, at))


def rba_in_search(context: RuleContext) -> Iterator[Diagnostic]:
    """CP026 (production): risk/threat object fields and message tokens must be fields the search has.

    An object field or message token the search's result fields are known to lack is CP029's (an error at the
    object, a warning at the message, or an error at the search for a misspelling several readers share), which
    says what is wrong and what the results hold: one mistake, one finding (``user_name`` for ``user`` drew both, as
    did ``$usr$`` in the message). CP026 keeps the fields and tokens CP029 cannot judge (result fields unknown, or a
    wildcard) and any that is a result field yet not in the search's own text."""
    for detection in context.pack.detections:
        if detection.status != "production" or detection.rba is None:
            continue
        search = detection.search.lower()
        rba = detection.rba
        results = result_fields(context, detection)
        fields = sorted({o.field for o in rba.risk_objects} | {o.field for o in rba.threat_objects})
        missing = [f for f in fields if f.lower() not in search and _not_cp029s(f, results)]
        if missing:
            yield error(
                detection.source.at("rba"),
                "CP026",
                f"rba fields not present in the search: {', '.join(missing)}",
            )
        tokens = sorted({t for t in rba_message_tokens(rba.message)
                         if t and t.lower() not in search and _not_cp029s(t, results)})
        if tokens:
            yield error(
                detection.source.at("rba", "message"),
                "CP026",
                f"rba message tokens not present in the search: {', '.join(tokens)}",
            )


def _not_cp029s(name: str, results: frozenset[str] | None) -> bool:
    """Whether CP026 or CP028 still judges a field their substring test misses: CP029 judges it instead when the
    search's result fields are known and lack it."""
    return results is None or name in results


def output_fields_in_search(context: RuleContext) -> Iterator[Diagnostic]:
    """CP027 (production TTP/Anomaly): each data source's output_fields must appear in the search and, when its
    result fields can be read (``result_fields``), be among them: the fields are contentctl's CIM contract for each
    result, and a newcomer whose last ``stats ... by`` dropped ``src`` (named earlier in ``fillnull``) passed a
    test of the text alone, though the docs ask for them "through the last stats"."""
    pack = context.pack
    for detection in pack.detections:
        if detection.status != "production" or detection.type in ("Hunting", "Correlation"):
            continue
        results: frozenset[str] | None = None
        for name in data_source_entries(detection):
            data_source = pack.data_source(name)
            if data_source is None:
                continue  # CP043 reports it
            absent = [f for f in data_source.output_fields if f not in detection.search]
            if results is None and len(absent) < len(data_source.output_fields):
                results = judged_result_fields(context, detection)
            dropped = [f for f in data_source.output_fields
                       if f not in absent and results is not None and "*" not in results and f not in results]
            for missing, what in ((absent, "not present in the search"),
                                  (dropped, "the search's last stats or table drops")):
                if missing:
                    yield error(
                        detection.source.at("search"),
                        "CP027",
                        f"data source '{name}' has output fields {what}: {', '.join(missing)}; keep them through "
                        f"the last stats, as by fields or values(), after | fillnull value=\"unknown\" "
                        f"{' '.join(missing)} (a field no event holds is then 'unknown', not dropped)",
                    )


def throttling_fields_in_search(context: RuleContext) -> Iterator[Diagnostic]:
    """CP028: alert suppression keys on result fields, so they must be in the search. A field the known result
    fields lack is CP029's alone, as for CP026: one mistake, one finding."""
    for detection in context.pack.detections:
        throttling = detection.tags.throttling
        if throttling is None:
            continue
        results = result_fields(context, detection)
        for index, name in enumerate(throttling.fields):
            if name not in detection.search and _not_cp029s(name, results):
                yield error(
                    detection.source.at("tags", "throttling", "fields", index),
                    "CP028",
                    f"throttling field '{name}' does not occur in the search",
                )


def _field_readers(detection: Detection) -> Iterator[tuple[str, str]]:
    """``(field, what reads it)`` for every field a detection's other parts read from its results: risk and threat
    objects, the risk message's and drilldowns' tokens (not ES's own ``info_``), throttling fields, the tests'
    expected_rows."""
    rba, throttling = detection.rba, detection.tags.throttling
    if rba is not None:
        yield from ((item.field, "risk object") for item in rba.risk_objects)
        yield from ((item.field, "threat object") for item in rba.threat_objects)
        yield from ((token, "rba message") for token in sorted(set(rba_message_tokens(rba.message))) if token)
    for drilldown in detection.drilldown_searches:
        for text in (drilldown.name, drilldown.search):
            yield from ((token, "drilldown token") for token in sorted(set(scan_tokens(text).tokens))
                        if not token.startswith("info_"))
    if throttling is not None:
        yield from ((name, "throttling field") for name in throttling.fields)
    for test in detection.tests:
        for row in test.expected_rows:
            yield from ((key, "expected_rows field") for key in row)


def misspelt_result_fields(detection: Detection, fields: frozenset[str]) -> Mapping[str, str]:
    """The fields the detection reads (``_field_readers``) that the search does not return, each mapped to the
    result field it is a near-miss of when no part reads that one and several parts read the name, one of them an
    error's (a risk or threat object, throttling, a test): the search's spelling is then the one cause
    (``stats ... by usr`` where the risk object, throttling, drilldowns and tests all read ``user``), reported once
    at the search (CP029) rather than once by each reader (it was 8 errors and 7 warnings for one ``usr``). A name
    read by one reader alone (``$appDisplayNam$`` in the risk message) or close only to a field the others read is
    that reader's own problem, reported where it is."""
    readers: dict[str, list[str]] = {}
    for name, reader in _field_readers(detection):
        readers.setdefault(name, []).append(reader)
    unread = sorted(fields - readers.keys())
    meant = {name: closest(name, unread) for name, kinds in sorted(readers.items())
             if name not in fields and len(kinds) > 1 and not set(kinds) <= _WARNED_READERS}
    return {name: result for name, result in meant.items() if result is not None}


# Readers whose missing field is a warning (the finding still reaches the analyst): a name only they read is left to
# their own warnings (ESCU's drilldowns on $user$ beside a search returning user_id: CP029 never fails ESCU content).
_WARNED_READERS = frozenset({"rba message", "drilldown token"})


def _readers_text(detection: Detection, name: str) -> str:
    """What reads ``name``, counted: ``risk object, throttling field, 6 drilldown tokens``."""
    counts = Counter(reader for field, reader in _field_readers(detection) if field == name)
    return ", ".join(reader if count == 1 else f"{count} {reader}s" for reader, count in counts.items())


def result_fields(context: RuleContext, detection: Detection) -> frozenset[str] | None:
    """The search's result fields, read from its last stats/table/fields (``spl_text.output_fields``); None when
    unknown or a wildcard (``table *``, ``values(*) as *``), and when CP060/CP061 report an error from that command
    on: the text read there is not SPL (``stats count by`` made ``by`` a result field, and a field a typo hides
    is not missing), and the error is the one mistake to report (every risk, throttling, drilldown and
    expected_rows field was reported beside it as no result field)."""
    fields = output_fields(detection.search)
    if fields is None or "*" in fields:
        return None
    return fields if output_parses(context, detection) else None


def judged_result_fields(context: RuleContext, detection: Detection) -> frozenset[str]:
    """The result fields a field the detection reads is judged against: ``result_fields`` with the fields the search
    misspells (``misspelt_result_fields``: CP029 reports each once, at the search, so no reader says it again);
    ``{"*"}`` when they cannot be read."""
    fields = result_fields(context, detection) or frozenset({"*"})
    if "*" not in fields:
        fields |= misspelt_result_fields(detection, fields).keys()
    return fields


def output_parses(context: RuleContext, detection: Detection) -> bool:
    """Whether the commands ``spl_text.output_fields`` reads (the last stats/table/fields and those after it) are
    SPL: no CP060/CP061 error from that command on. A rule reading them says nothing otherwise (``result_fields``;
    CP029's multivalue tokens ask the same from the last stats on, ``spl_text.last_stats_start``)."""
    start = output_fields_start(detection.search)
    return start is not None and not has_spl_error(context, detection.search, start)


def action_fields_are_results(context: RuleContext) -> Iterator[Diagnostic]:
    """CP029: the fields ES's actions and drilldowns read from each result are result fields of the search,
    when those can be read from its last stats/table/fields (``spl_text.output_fields``; otherwise only
    CP026/CP028's substring test applies).

    CP026 and CP028 accept any occurrence of the name in the text, so a field that is only filtered on, or that
    a final ``stats`` drops, passes them, and the detection then fails quietly in production:
    - a result without the risk object's field gets no risk event for it (``simulate/risk.py``);
    - results without a throttling field all share one empty key, so the first silences the rest for the whole
      window (``simulate/throttle.py``);
    - a drilldown token without a field stays unfilled (``simulate/tokens.py``).
    Tokens ES fills itself (``$info_min_time$``, ``$info_max_time$``) are not result fields. Risk, threat and
    throttling fields are errors: the detection's own output breaks. Message and drilldown tokens are warnings:
    the finding still reaches the analyst, with a blank in its message or a drilldown that finds nothing (ESCU
    ships such drilldowns; ``validate --strict`` fails on them)."""
    for detection in context.pack.detections:
        rba, throttling = detection.rba, detection.tags.throttling
        if rba is None and throttling is None and not detection.drilldown_searches:
            continue
        fields = result_fields(context, detection)
        if fields is None:
            continue
        known = f"(result fields: {', '.join(sorted(fields))})"
        misspelt = misspelt_result_fields(detection, fields)
        for name, result in misspelt.items():
            yield error(detection.source.at("search"), "CP029",
                        f"the search returns '{result}' where the detection reads '{name}' "
                        f"({_readers_text(detection, name)}): one misspelling, reported here rather than at each "
                        f"of them; rename one side {known}")
        fields |= misspelt.keys()  # their readers are reported once, above
        if rba is not None:
            objects = [("risk", index, item.field) for index, item in enumerate(rba.risk_objects)]
            objects += [("threat", index, item.field) for index, item in enumerate(rba.threat_objects)]
            for kind, index, name in objects:
                if name not in fields:
                    consequence = ("no risk event is written for it" if kind == "risk"
                                   else "risk events carry no threat object from it")
                    yield error(detection.source.at("rba", f"{kind}_objects", index, "field"), "CP029",
                                f"{kind} object field '{name}' is not a result field of the search: {consequence} "
                                f"{known}")
            missing = sorted({t for t in rba_message_tokens(rba.message) if t and t not in fields})
            if missing:
                yield warning(detection.source.at("rba", "message"), "CP029",
                              f"rba message token(s) {', '.join(f'${t}$' for t in missing)} name no result field "
                              f"of the search, so the risk message has nothing to show there {known}")
        for index, drilldown in enumerate(detection.drilldown_searches):
            for key, text in (("name", drilldown.name), ("search", drilldown.search)):
                tokens = scan_tokens(text).tokens
                missing = sorted({t for t in tokens if t not in fields and not t.startswith("info_")})
                if missing:
                    yield warning(detection.source.at("drilldown_searches", index, key), "CP029",
                                  f"drilldown {key} token(s) {', '.join(f'${t}$' for t in missing)} name no result "
                                  f"field of the search: ES leaves them unfilled, and the drilldown finds nothing "
                                  f"{known}")
        if throttling is not None:
            for index, name in enumerate(throttling.fields):
                if name not in fields:
                    yield error(detection.source.at("tags", "throttling", "fields", index), "CP029",
                                f"throttling field '{name}' is not a result field of the search: every result "
                                f"would share one empty value, and the first would suppress the rest {known}")


def multivalue_drilldown_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP029 (warning): a drilldown name or search token of a result field the final ``stats`` makes with
    ``values()`` or ``list()`` (it can hold several values), followed as CP075 follows a throttle field
    (``throttle_keys.multivalue_results``: each command after the stats as its registration says what it does to a
    field's values): a command that only filters, orders or picks results, an ``eval`` of other fields, a ``rex``
    or ``lookup`` reading it, an ``eventstats`` of other outputs keep it multivalue, as do ``eval f=coalesce(…)``,
    ``mvdedup(f)``, ``mvsort(f)``, ``mvindex(f, i, j)``, ``mvfilter(…)``, ``mvmap(f, …)``, ``mvzip`` of two such
    fields, and ``eval t=if(c, g, f)`` or ``case(…)`` passes it on to t (Granted After User Declined v26 named
    ``$declined_app_id$``, an ``if()`` of an ``eventstats values()``, unwarned until then); ``values()``/``list()``
    of a later ``eventstats``/``streamstats`` makes one, and so do ``split``, ``mvrange`` and an ``mvappend`` of two
    or more values; ``rex … max_match=0`` makes its groups multivalue; an assignment that makes it one value or may
    (``eval f=mvjoin(f, ",")``, ``mvindex(f, 0)``, ``mvindex(f, 0, 0)``, ``eventstats min(f) as f``, ``mvexpand
    f``, ``rename x AS f``, a lookup OUTPUT) ends the certainty, and a command not followed leaves the search
    unjudged. The reading is worked out once per search for CP029, CP075 and CP087. Before, any mention after the
    stats ended it, so ``| eval n=mvcount(f)`` hid ``IN ("$f$")`` until a replay. No Splunk page says how ES fills a
    drilldown token from a multivalue field (``simulate.tokens``): joined by a comma, ``IN ("$f$")`` would be one
    string that matches nothing; the first value only, it would miss the rest. The replay refuses to guess
    (``replay.drilldowns.multivalue_problem``), so only a replay with a row of several values found it. Reported at
    the token; not when CP060/CP061 report an error from that stats on (``multivalue_fields``). Unlike the result fields
    (``output_parses``), this needs no command after the stats that ``spl_text.output_fields`` models: a search
    with a ``rex``, ``lookup`` or ``eventstats`` there was left unjudged."""
    positions = Positions(context.root)
    for detection in context.pack.detections:
        several = multivalue_fields(context, detection) if detection.drilldown_searches else {}
        for index, drilldown in enumerate(detection.drilldown_searches if several else ()):
            for key, text in (("name", drilldown.name), ("search", drilldown.search)):
                node = ("drilldown_searches", index, key)
                for at, name in multivalue_tokens(positions, detection.source, node, text, several):
                    yield warning(at, "CP029",
                                  f"drilldown {key} token ${name}$ is a multivalue result field "
                                  f"({several[name]}): no Splunk page says how ES fills a drilldown token from "
                                  f"several values (joined, or the first only); key the drilldown on a field "
                                  f"with one value per result")


def multivalue_fields(context: RuleContext, detection: Detection) -> Flagged:
    """The detection's result fields that certainly can hold several values (``throttle_keys.multivalue_results``),
    none when CP060/CP061 report an error from its last ``stats`` on (from the search's start when a macro holds
    the stats): that text is not SPL, and the error is the one mistake to report."""
    several = multivalue_results(context.spl, detection.search)
    if several and has_spl_error(context, detection.search, last_stats_start(detection.search) or 0):
        return {}
    return several


def multivalue_tokens(positions: Positions, source: SourceMap, node: NodePath, text: str,
                      several: Flagged) -> Iterator[tuple[Position, str]]:
    """Each ``$name$`` token of ``text`` (the value at ``node``) naming one of the ``several`` fields, at its
    character, with the name: where CP029 (drilldowns) and CP087 (the risk message) warn."""
    for name in sorted(several):
        for match in re.finditer(re.escape(f"${name}$"), text):
            yield positions.at(source, node, text, match.start()), name


def multivalue_message_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP087 (warning): an rba ``message`` token of a result field that certainly can hold several values, read as
    CP029 reads a drilldown token (``multivalue_fields``: the one reading CP075 follows a throttle field by), at
    the token. ES fills a risk message's ``$field$`` from the result ("Risk messages ... can use fields from the
    event surrounded by "$"", ES 7.1 Risk-based Alerting, *Create a risk message*), and no Splunk page read says
    what it writes for a field of several values (all of them joined, and by what; the first only): the replay
    joins them by a space (``simulate.tokens.MESSAGE_SEPARATOR``, assumed), so the message the analyst reads is
    known only for a field of one value. Granted After User Declined v26 named ``$declined_app_id$``, an ``if()``
    of an ``eventstats values()``.

    A warning, as CP029's message tokens: the risk event is written and scored whatever its text says, and the
    field may hold one value in every real result. Not for a risk or threat object field of several values: ES
    writes one risk event per value (``simulate.risk``; assumed, as no page read says it either), a reading
    ESCU's risk searches rely on (``aws_high_number_of_failed_authentications_from_ip`` scores each user of its
    ``values(user)``), so there a multivalue is a way to score each value, not a text nobody can foresee."""
    positions = Positions(context.root)
    for detection in context.pack.detections:
        message = detection.rba.message if detection.rba is not None else ""
        several = multivalue_fields(context, detection) if "$" in message else {}
        for at, name in multivalue_tokens(positions, detection.source, ("rba", "message"), message, several):
            yield warning(at, RULE_MULTIVALUE_MESSAGE,
                          f"rba message token ${name}$ is a multivalue result field ({several[name]}): no Splunk "
                          f"page says how ES writes several values into a risk message (joined, and by what, or the "
                          f"first only; the replay joins them by a space, assumed), so what the analyst reads is "
                          f"unknown; name a field with one value per result, or join the values in the search: "
                          f"| eval {name}_set=mvjoin({name}, \" \") and ${name}_set$")


RULES = (
    filter_macro_present,
    filter_macros_tune_a_detection,
    macros_exist,
    macro_tokens_are_arguments,
    lookups_exist,
    rba_in_search,
    output_fields_in_search,
    throttling_fields_in_search,
    action_fields_are_results,
    multivalue_drilldown_tokens,
    multivalue_message_tokens,
)
