"""``iplocation`` over a user-supplied GeoIP table; refused when run without one.

iplocation (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/iplocation):
``iplocation [prefix=<string>] [allfields=<bool>] [lang=<string>] <ip-address-fieldname>`` "Extracts
location information from IP addresses by using 3rd-party databases"; by default it adds City, Country,
Region, lat and lon, with ``allfields=true`` every field the database has; ``prefix`` prepends a string to
their names. Splunk ships a MaxMind GeoLite2 City database; this engine ships none: a CSV registered with
``Engine.register_geoip`` (a ``network`` column in CIDR notation plus the location columns) is used, the most
specific network containing the address winning; without one a search that reaches ``iplocation`` stops
with an error naming it instead of producing events without locations. The page speaks of "The IP address
that you specify in the ip-address-fieldname argument" and never of several: a multivalue address field is
refused (``base.single_input``); the engine used to look up its first value.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import as_bool, at_option, read_field, read_option
from contentpack.spl.commands.base import (FieldUse, uses, CommandInput, CommandNode, CommandSpec, FieldSet,
                                           RunContext, plus, single_input)
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.values import Event, to_str


@dataclass(frozen=True)
class IplocationCommand(CommandNode):
    field: str
    prefix: str = ""
    allfields: bool = False

    def requires(self, needed: FieldSet) -> FieldSet:
        return plus(needed, self.field)


def parse_iplocation(cmd: CommandInput) -> IplocationCommand:
    cur = cmd.cursor()
    prefix, allfields = "", False
    field: str | None = None
    while not cur.at_end():
        if at_option(cur):
            key, value, tok = read_option(cur, ("prefix", "allfields", "lang"))
            if key == "prefix":
                prefix = value
            elif key == "allfields":
                allfields = as_bool(cur, value, tok, key)
            elif value.lower() != "en":  # lang: names in another language; the table holds English ones
                raise cur.unsupported(f"lang={value}", tok)
            continue
        if field is not None:
            raise cur.error("iplocation takes one IP address field")
        field, _ = read_field(cur)
    if field is None:
        raise cur.error("expected the IP address field")
    return IplocationCommand(cmd.name, cmd.offset, field, prefix, allfields)


DEFAULT_FIELDS = ("City", "Country", "Region", "lat", "lon")
# allfields=true: "this argument adds the fields City, Continent, Country, MetroCode, Region, Timezone, _time, lat
# (latitude), and lon (longitude)" (the page; _time is left out here as from DEFAULT_FIELDS: every result has one)
ALL_FIELDS = ("City", "Continent", "Country", "MetroCode", "Region", "Timezone", "lat", "lon")
# Said to whoever ran the search: ``contentpack search`` takes a table (--geoip), a program the engine
# (Engine.register_geoip); replay and backtest have no option for one, which the message says rather than leave
# their user to look for a --geoip they do not have.
GEOIP_MISSING = ("iplocation needs a GeoIP table, and this engine ships none (Splunk ships MaxMind's GeoLite2 City): "
                 "contentpack search reads one with --geoip CSV (Engine.register_geoip in Python); replay and "
                 "backtest run without one, so a detection using iplocation cannot run there")


def _most_specific(rows: list[dict[str, str]]) -> dict[str, str] | None:
    best: tuple[int, dict[str, str]] | None = None
    for row in rows:
        network = ipaddress.ip_network(row["network"].strip(), strict=False)
        if best is None or network.prefixlen > best[0]:
            best = (network.prefixlen, row)
    return None if best is None else best[1]


def run_iplocation(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, IplocationCommand)
    table = ctx.geoip
    if table is None:
        raise SplUnsupportedError(GEOIP_MISSING, offset=node.offset, command=node.name)
    matcher = table.matcher(("network",))
    columns = [c for c in table.fields if c != "network" and (node.allfields or c in DEFAULT_FIELDS)]
    for event in events:
        address = to_str(single_input(event, node.field, node))
        row = _most_specific(matcher.rows([[address]])) if address else None
        if row is not None:
            for column in columns:
                if row.get(column, "") != "":
                    event[node.prefix + column] = row[column]
        yield event


# Not streaming: scan workers do not carry the GeoIP table (it runs in the parent after them).
def _iplocation_fields(node: CommandNode) -> FieldUse:
    """The address read and the location fields made: with ``allfields=true`` all of them, so a later filter on
    ``Continent`` is not told that no event has the field (the hints trace a field no command makes to the events)."""
    assert isinstance(node, IplocationCommand)
    return uses([node.field], [node.prefix + name for name in _made(node)])


def _made(node: IplocationCommand) -> tuple[str, ...]:
    return ALL_FIELDS if node.allfields else DEFAULT_FIELDS


def _iplocation_result_fields(node: CommandNode, fields: frozenset[str]) -> frozenset[str]:
    """The location fields the page names ("Only the City, Country, Region, _time, lat, and lon fields are added";
    with ``allfields=true`` also Continent, MetroCode and Timezone), each with the ``prefix``, when the address
    field is among the fields; a missing one locates nothing. An address without a location (an internal one)
    gets none of them ("no fields are added"), as a ``rex`` group its regex does not match: the search makes them."""
    assert isinstance(node, IplocationCommand)
    if node.field not in fields:
        return fields
    return fields | {node.prefix + name for name in _made(node)}


SPECS = (CommandSpec(("iplocation",), parse_iplocation, run_iplocation, fields=_iplocation_fields,
                     result_fields=_iplocation_result_fields),)
