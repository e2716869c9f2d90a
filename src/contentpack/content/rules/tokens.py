"""``$token$`` text: balanced (CP044) and not attacker-controlled in drilldowns (CP045, a warning; the
provenance of each result field is followed through the search, ``rules.taint``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence, Set
from typing import TYPE_CHECKING

from contentpack.content.diagnostics import Diagnostic, error, warning
from contentpack.content.model import Detection, NodePath, Pack
from contentpack.content.rules import RuleContext
from contentpack.content.rules.search import data_source_entries
from contentpack.content.rules.spl_checks import Positions, has_spl_error, in_expansion, search_texts
from contentpack.content.rules.spl_text import scan_tokens
from contentpack.content.rules.taint import Moving, Taint, initial_taint, moving_segments, result_taint

if TYPE_CHECKING:
    from contentpack.spl.lexer import Segment


def _token_texts(detection: Detection) -> Iterator[tuple[str, str, NodePath]]:
    """(what, text, node) for the author-written texts ES substitutes ``$field$`` tokens in."""
    if detection.rba is not None:
        yield "rba message", detection.rba.message, ("rba", "message")
    for index, drilldown in enumerate(detection.drilldown_searches):
        yield "drilldown name", drilldown.name, ("drilldown_searches", index, "name")
        yield "drilldown search", drilldown.search, ("drilldown_searches", index, "search")
        for key in ("earliest_offset", "latest_offset"):
            value = getattr(drilldown, key)
            if value is not None:
                yield f"drilldown {key}", value, ("drilldown_searches", index, key)


def balanced_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP044: a stray ``$`` swallows text up to the next one, so ES substitutes garbage or nothing."""
    for detection in context.pack.detections:
        for what, text, node in _token_texts(detection):
            if "$" not in text:
                continue
            problem = scan_tokens(text).problem
            if problem is not None:
                yield error(detection.source.at(*node), "CP044", f"{what}: {problem}")


def _drilldown_texts(detection: Detection) -> Iterator[tuple[int, str, str]]:
    """(drilldown index, key, text) for every drilldown text ES substitutes tokens in."""
    for index, drilldown in enumerate(detection.drilldown_searches):
        for key in ("name", "search", "earliest_offset", "latest_offset"):
            text = getattr(drilldown, key)
            if text is not None and "$" in text:
                yield index, key, text


def detection_taint(pack: Pack, moving: Moving | None, sources: tuple[str, ...]) -> Taint:
    """What an attacker controls among the result fields of a search (``moving``: its ``moving_segments``, None
    when its macros cannot be expanded or it cannot be split) over these data sources (see ``rules.taint``);
    when the search cannot be parsed, the name-only fallback."""
    followed = result_taint(moving, initial_taint(pack, sources))
    return followed if followed is not None else initial_taint(pack, sources, unprefixed=True)


_Texts = tuple[tuple[int, str, str], ...]  # (drilldown index, key, text or message)


def attacker_controlled_drilldown_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP045 (warning): a drilldown token the attacker chooses lets them shape the analyst's next search."""
    # Detections written from one pattern share the segments that move taint and their data sources, and so
    # their taint (only read below): worked out once per distinct pair.
    taints: dict[tuple[Moving | None, tuple[str, ...]], Taint] = {}
    # a token where a command's name goes is CP085's error, at the token: not warned of here too
    from contentpack.content.rules.side_effects import command_tokens  # side_effects imports this module

    commanded = {(text.source.path, text.node[1]): frozenset(token.strip("$") for _, token in
                                                             command_tokens(context, text))
                 for text in search_texts(context) if text.node[0] == "drilldown_searches" and "$" in text.value}
    for detection in context.pack.detections:
        texts = tuple(_drilldown_texts(detection))
        if not texts:
            continue
        expanded = context.spl.expanded_text(detection.search)
        segments = context.spl.segments(expanded) if expanded is not None else None
        moving = moving_segments(expanded, segments) if expanded is not None and segments is not None else None
        shape = (moving, tuple(data_source_entries(detection)))
        taint = taints.get(shape)
        if taint is None:
            taint = taints[shape] = detection_taint(context.pack, *shape)
        unchecked = () if not taint.unread or has_spl_error(context, detection.search) else _unchecked_tokens(taint,
                                                                                                          texts)
        skipped = {(index, token) for index, key, _ in texts if key == "search"
                   for token in commanded.get((detection.source.path, index), ())}
        for index, key, message in (*_tainted_tokens(taint, texts, skipped), *unchecked):
            yield warning(detection.source.at("drilldown_searches", index, key), "CP045", message)


def _guard(token: str) -> str:
    """How to keep an id picked out of free text (the taint's one way out, ``taint``'s safe anchored ``match``): a
    new user keyed a drilldown on an application id read out of ``additionalDetails{}.value``, as the pack's
    own detections do, and the warning did not say what makes theirs pass."""
    return (f"or keep only a value shaped like an id before it becomes ${token}$: "
            f"eval {token}=if(match({token}, \"^[0-9a-fA-F-]{{36}}$\"), {token}, null())")


def _tainted_tokens(taint: Taint, texts: _Texts, skipped: Set[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    """(drilldown index, key, message) for each attacker-controlled token of these drilldown texts, but those of
    ``skipped`` (drilldown index, token) in a drilldown's search: tokens where a command's name goes, CP085's."""
    for index, key, text in texts:
        for token in dict.fromkeys(scan_tokens(text).tokens):
            origin = taint.origin(token)
            if origin is None or (key == "search" and (index, token) in skipped):
                continue
            via = "" if origin == token else f" (its value can come from '{origin}')"
            yield index, key, (f"drilldown {key} uses ${token}$, which is attacker-controlled{via}: its value can "
                               f"inject search text; prefer a field the tenant controls, {_guard(token)}")


def _unchecked_tokens(taint: Taint, texts: _Texts) -> Iterator[tuple[int, str, str]]:
    """One finding, at the first, for the tokens of these texts on fields a command the parser cannot read names
    (``Taint.unread``): whether an attacker chooses them is not known, so they are said to be unchecked (once per
    detection) rather than passed as clean. Not said beside the search's own CP060/CP061 error (the caller): that
    error is the one mistake to fix, the pack cannot pass while it stands, and the warning beside it, at a
    drilldown, only sent the author to look at the same typo from another place."""
    unchecked = {(index, key, token): taint.unread[token] for index, key, text in texts
                 for token in scan_tokens(text).tokens if taint.origin(token) is None and token in taint.unread}
    if not unchecked:
        return
    (index, key, _), command = next(iter(unchecked.items()))
    tokens = ", ".join(f"${token}$" for token in sorted({token for _, _, token in unchecked}))
    shown = " ".join(command.split())
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    yield index, key, (f"drilldown tokens not checked for attacker control: {tokens} (the command '{shown}' names "
                       "them, and it is valid SPL the engine's parser does not read, so where their values come "
                       "from is not followed): check by hand that an attacker cannot choose them")


RULE_MAP_TOKEN = "CP086"
MAP_TOKEN = re.compile(r"\$([^\s$]+)\$")


def map_searches(text: str, segments: Sequence[Segment], before: Moving = (), *,
                 written: bool = False) -> Iterator[tuple[Moving, int, int]]:
    """(the taint-moving commands before it, start, end of its ``search="..."`` string's text) for each ``map``
    command of ``text`` (split into ``segments``, offsets in the whole expanded search), those inside ``[ ... ]``
    subsearches too (``appendpipe [| map ...]``): a map in a subsearch is read after the commands before the
    subsearch and those before it in the subsearch (for a subsearch that starts afresh, such as ``join``'s, the
    outer commands only clean fields the attacker's patterns taint again, assumed close enough). ``written``:
    the commands as ``moving_segments(written=True)`` gives them."""
    from contentpack.spl import SplError
    from contentpack.spl.lexer import split_pipeline, tokenize_search
    from contentpack.spl.parser import is_map_search_string

    for index, segment in enumerate(segments):
        try:
            tokens = tokenize_search(segment.text, segment.offset)
        except SplError:
            continue  # CP060's
        prefix = before + (moving_segments(text, segments[:index], written=written) or ())
        words = segment.text.split(None, 1)
        if index > 0 and words and words[0].lower() == "map":
            for at, token in enumerate(tokens):
                if is_map_search_string(tokens, at):
                    yield prefix, token.offset + 1, token.end - 1
        for token in tokens:
            if token.kind == "SUBSEARCH":
                try:
                    inner = split_pipeline(token.text, token.offset)
                except SplError:
                    continue
                yield from map_searches(token.text, inner, prefix, written=written)


def attacker_controlled_map_tokens(context: RuleContext) -> Iterator[Diagnostic]:
    """CP086: a ``$field$`` of a ``map`` command's ``search="..."`` whose value an attacker can choose.

    ``map`` writes each result's field value in place of its ``$field$`` and runs the string as a search, once
    per result (Search Reference, map; that the value goes in as plain text, unquoted, is assumed: the page does
    not say it is escaped). In a scheduled correlation search that runs as the app's owner, on every run, with no
    analyst in between: a display name holding ``" | sendemail ...`` or ``" | delete`` would be commands of the
    attacker's choosing. The fields reaching ``map`` are followed through the commands before it as CP045 follows
    a drilldown's (``rules.taint``). An error, where CP045 warns: a drilldown waits for an analyst to read it and
    choose to run it. Reported at the token in the search (at the macro call that brings it); a search whose
    macros cannot all be expanded is read with those calls left as written (``SplAnalysis.readable_text``)."""
    positions = Positions(context.root)
    for detection in context.pack.detections:
        expanded = context.spl.readable_text(detection.search)
        if expanded is None or "map" not in expanded.lower():
            continue
        segments = context.spl.segments(expanded)
        if segments is None:
            continue
        for moving, start, end in map_searches(expanded, segments):
            taint = detection_taint(context.pack, moving, tuple(data_source_entries(detection)))
            for match in MAP_TOKEN.finditer(expanded, start, end):
                token = match.group(1)
                origin = taint.origin(token)
                if origin is None:
                    continue
                via = "" if origin == token else f" (its value can come from '{origin}')"
                at = context.spl.readable_expansion(detection.search).original_offset(match.start())
                message = (f"map search uses ${token}$, which is attacker-controlled{via}: map writes each "
                           "result's value into the search text and runs it, on every scheduled run as the app's "
                           "owner, so a value holding a quote and a pipe runs commands of the attacker's choosing; "
                           f"key the map search on a field the tenant controls, {_guard(token)}")
                yield error(positions.at(detection.source, ("search",), detection.search, at), RULE_MAP_TOKEN,
                            in_expansion(message, detection.search, at))


RULES = (balanced_tokens, attacker_controlled_drilldown_tokens, attacker_controlled_map_tokens)
