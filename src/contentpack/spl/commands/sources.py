"""Generating commands: ``makeresults``, ``from datamodel Risk.All_Risk``; rejected: ``tstats``, ``datamodel``.

makeresults (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/makeresults):
``count`` results (default 1) each holding only ``_time`` = the search time.
``from datamodel Risk.All_Risk`` reads the risk events the caller registered (ES's risk index) whose ``_time``
falls in the search's time range, as a data model search over indexed data does; no other
data model is available without a Splunk server, so it and ``tstats`` raise SplUnsupportedError.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from contentpack.spl.commands.args import as_bool, as_int, at_option, read_option
from contentpack.spl.commands.base import uses, CommandInput, CommandNode, CommandSpec, FieldSet, RunContext
from contentpack.spl import limits
from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.timeutil import in_window
from contentpack.spl.values import Event

RISK_DATAMODEL = "Risk.All_Risk"


@dataclass(frozen=True)
class MakeresultsCommand(CommandNode):
    count: int = 1

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def parse_makeresults(cmd: CommandInput) -> MakeresultsCommand:
    cur = cmd.cursor()
    count = 1
    while not cur.at_end():
        if not at_option(cur):
            raise cur.error("expected count=<n>")
        key, value, tok = read_option(cur, ("count", "annotate", "splunk_server", "splunk_server_group",
                                            "format", "data"))
        if key == "count":
            count = as_int(cur, value, tok, key, 1)
        elif key == "annotate" and not as_bool(cur, value, tok, key):
            continue
        else:
            raise cur.unsupported(f"option '{key}'", tok)
    return MakeresultsCommand(cmd.name, cmd.offset, count)


def run_makeresults(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    assert isinstance(node, MakeresultsCommand)
    limits.check_generated(node.count, node.name, node.offset)
    now = int(ctx.now) if float(ctx.now).is_integer() else ctx.now
    for _ in range(node.count):
        yield {"_time": now}


@dataclass(frozen=True)
class FromDatamodelCommand(CommandNode):
    dataset: str

    def requires(self, needed: FieldSet) -> FieldSet:
        return needed


def parse_from(cmd: CommandInput) -> FromDatamodelCommand:
    cur = cmd.cursor()
    tok = cur.next()
    text = tok.text
    dataset: str | None = None
    name_tok = tok
    if tok.kind == "WORD" and text.lower() == "datamodel":
        name_tok = cur.next()
        if name_tok.kind not in ("WORD", "PHRASE"):
            raise cur.error("expected a data model name", name_tok)
        dataset = name_tok.text
    elif tok.kind == "WORD" and text.lower().startswith("datamodel:"):
        dataset = text.split(":", 1)[1]
        if not dataset and cur.at("PHRASE"):
            dataset = cur.next().text
    else:
        raise cur.unsupported(f"from {text!r} (only 'from datamodel Risk.All_Risk')", tok)
    dataset = dataset.strip('"')
    if dataset != RISK_DATAMODEL:
        raise cur.unsupported(f"data model '{dataset}' (only {RISK_DATAMODEL} is available)", name_tok)
    cur.expect_end()
    return FromDatamodelCommand(cmd.name, cmd.offset, dataset)


def run_from(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    """Risk events whose ``_time`` is in the search's window [earliest, latest), like any indexed data."""
    return (dict(event) for event in ctx.risk_events if in_window(event, ctx.earliest, ctx.latest))


def parse_rejected(cmd: CommandInput) -> CommandNode:
    raise SplUnsupportedError(
        f"'{cmd.name}' needs indexed data models or a Splunk server and is not supported; "
        "only 'from datamodel Risk.All_Risk' is available",
        offset=cmd.offset,
        command=cmd.name,
    )


def run_rejected(node: CommandNode, events: Iterator[Event], ctx: RunContext) -> Iterator[Event]:
    raise SplUnsupportedError(f"'{node.name}' is not supported", offset=node.offset, command=node.name)


SPECS = (
    CommandSpec(("makeresults",), parse_makeresults, run_makeresults, generating=True,
                fields=lambda node: uses(produces=["_time"])),
    CommandSpec(("from",), parse_from, run_from, generating=True),
    CommandSpec(("tstats", "datamodel", "pivot", "mstats"), parse_rejected, run_rejected, generating=True),
)
