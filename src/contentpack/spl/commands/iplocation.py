"""``iplocation``: parsed, and refused when run, because it needs a GeoIP database the engine does not have.

iplocation (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/iplocation):
``iplocation [prefix=<string>] [allfields=<bool>] [lang=<string>] <ip-address-fieldname>`` "Extracts
location information from IP addresses by using 3rd-party databases". Splunk ships a MaxMind GeoLite2 City
database; this engine ships none, so a search that reaches ``iplocation`` stops with an error naming it
instead of producing events without City/Country/lat/lon.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import as_bool, at_option, read_field, read_option
from contentpack.spl.commands.base import CommandInput, CommandNode, CommandSpec, FieldSet, RunContext, plus
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.values import Event


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
            continue
        if field is not None:
            raise cur.error("iplocation takes one IP address field")
        field, _ = read_field(cur)
    if field is None:
        raise cur.error("expected the IP address field")
    return IplocationCommand(cmd.name, cmd.offset, field, prefix, allfields)


def run_iplocation(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    raise SplUnsupportedError("iplocation needs a GeoIP database (Splunk's bundled GeoLite2 City); this engine "
                              "has none, so it cannot add City/Country/Region/lat/lon", offset=node.offset,
                              command=node.name)
    yield from events  # pragma: no cover - keeps this a generator


SPECS = (CommandSpec(("iplocation",), parse_iplocation, run_iplocation, streaming=True, one_to_one=True),)
