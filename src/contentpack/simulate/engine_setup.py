"""An SPL engine configured from the ``Pack`` model, the way a Splunk test instance is with the pack installed.

What a test instance has, and so what the engine gets:

* the pack's macros, plus the ``<stem>_filter`` macro contentctl generates for every detection with the
  definition ``search *`` (escu_format.md §3: the build writes it when the pack does not define it);
* the pack's CSV lookups, under their lookup name and the date-stamped file name the built app ships (not the
  source file's), with every transforms.conf matching setting of the lookup's YAML (``case_sensitive_match``,
  ``match_type``, ``max_matches``, ``min_matches``, ``default_match``; the documented defaults when unset);
* the add-on's search-time knowledge (field aliases, calculated fields) from each data source's
  ``search_time`` block, registered per sourcetype. Several data sources share one sourcetype (sign-ins and
  audit records are all ``azure:monitor:aad``): a sourcetype has one props.conf stanza, so their blocks are
  merged (``content.search_time``, the merge ``validate`` checks as CP064); the same calculated field
  defined two different ways cannot be one stanza and is an error here too, for callers that did not
  validate the pack.

Why a fixed "now": relative times (``-70m@m``, ``starthoursago=168``) must resolve the same on every machine
and every run, so replays never read the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, Position, error
from contentpack.content.model import Pack
from contentpack.content.search_time import MergedSearchTime, merged_search_time, pack_search_time
from contentpack.content.spl_macros import pack_macros
from contentpack.spl import Engine, SplError

# The replay's "now": every search, risk event and drilldown of a replay resolves time against it.
REPLAY_NOW = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc).timestamp()

RULE_SETUP = "RP001"


class ReplaySetupError(Exception):
    """The pack cannot be turned into a working engine; ``diagnostics`` says where and why (all of them)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics


SearchTimeFields = tuple[Sequence[tuple[str, str]], Sequence[tuple[str, str]]]


def _with_extra(aliases: Sequence[tuple[str, str]], calculated: Sequence[tuple[str, str]],
                extra: SearchTimeFields) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The pack's fields plus a caller's: extra aliases are added, an extra calculated field replaces the
    pack's field of the same name (one ``EVAL-<name>`` per sourcetype, the later definition wins)."""
    extra_aliases, extra_calculated = extra
    replaced = {name for name, _ in extra_calculated}
    return (list(dict.fromkeys([*aliases, *extra_aliases])),
            [c for c in calculated if c[0] not in replaced] + list(extra_calculated))


def build_engine(pack: Pack, *, tz: str = "UTC",
                 extra_search_time: Mapping[str, SearchTimeFields] | None = None) -> Engine:
    """A fresh engine holding the pack's knowledge objects (no events yet).

    ``tz``: the engine's time zone (strftime, time modifiers). ``extra_search_time``: per sourcetype, field
    aliases and calculated fields on top of the data sources' (``contentpack search --alias/--calc``).
    Raises ``ReplaySetupError`` listing every problem (unreadable lookup CSV, calculated field the engine
    cannot parse or run, conflicting calculated fields: validate's CP064, same check, same finding) — each with
    the position of the YAML value at fault. A validated pack meets only what validate leaves to the engine
    (an eval function Splunk has and the engine lacks, a lookup file changed since).
    """
    engine = Engine(pack_macros(pack), tz=tz)
    extra = dict(extra_search_time or {})
    problems: list[Diagnostic] = []
    root = Path(pack.root)
    for lookup in pack.lookups:
        # transforms.conf defaults where the lookup's YAML leaves a setting unset
        path = root / "lookups" / lookup.filename
        try:
            engine.register_lookup(
                lookup.name, path,
                case_sensitive=True if lookup.case_sensitive_match is None else lookup.case_sensitive_match,
                max_matches=100 if lookup.max_matches is None else lookup.max_matches,
                min_matches=lookup.min_matches or 0,
                default_match=lookup.default_match or "",
                match_type=lookup.match_type,
                shipped=True,
            )
        except SplError as exc:
            problems.append(error(lookup.source.at("name"), RULE_SETUP, exc.message))
    stanzas = {merged.sourcetype: merged for merged in pack_search_time(pack.data_sources)}
    for sourcetype, merged in stanzas.items():
        problems.extend(merged.conflicts)  # validate's CP064: a caller may not have validated
        try:
            engine.register_search_time(sourcetype, merged.field_aliases, merged.calculated_fields)
        except SplError as exc:
            problems.append(error(_field_at(merged, exc), RULE_SETUP,
                                  f"search_time of sourcetype '{sourcetype}': {exc}"))
    if problems:
        raise ReplaySetupError(problems)
    for sourcetype, fields in extra.items():  # a problem here is the caller's (SplError), not the pack's
        merged = stanzas.get(sourcetype, merged_search_time(sourcetype, []))
        engine.register_search_time(sourcetype, *_with_extra(merged.field_aliases, merged.calculated_fields, fields))
    return engine


def _field_at(merged: MergedSearchTime, exc: SplError) -> Position:
    """Where the calculated field the engine refused is defined (``EVAL-<field>`` is the error's command), else
    the first data source's ``search_time`` block."""
    for source in merged.sources:
        for index, calc in enumerate(source.search_time.calculated_fields):
            if exc.command == f"EVAL-{calc.field}":
                return source.source_map.at("search_time", "calculated_fields", index, "expression")
    return merged.sources[0].source_map.at("search_time")
