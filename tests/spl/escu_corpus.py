"""Splunk's ESCU detections (fixture derived by scripts/escu_spl_fixture.py) and how the engine treats each one.

Every search is parsed the way ESCU ships it to Splunk: ESCU's own macros expanded, contentctl's generated
``<detection>_filter`` macros (``search *``) and CIM's ``drop_dm_object_name(1)`` (``rename "$field$".* AS
*``, Splunk_SA_CIM macros.conf) added. A search either parses or is refused with an error the engine names;
:func:`construct` turns a refusal into the key of docs/spl_engine.md's list of unsupported constructs.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contentpack.spl import MacroDef, SplError, SplMacroError, SplUnsupportedError, parse
from contentpack.spl.macros import expand_text

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "splunk_security_content" / "escu_searches.json.gz"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "spl_engine.md"
CIM_MACROS = (MacroDef("drop_dm_object_name", ("field",), 'rename "$field$".* AS *'),)
# Searches over indexed data models or the metrics store: outside what an engine over log files can run.
_DATA_MODEL = re.compile(r"\b(?:tstats|mstats|datamodel)\b|\|\s*from\s+datamodel", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    path: str
    raw: bool  # no tstats/mstats/data model: a search over raw events
    construct: str | None  # None: parsed; else the refused construct


def load() -> tuple[list[dict[str, str]], dict[str, MacroDef]]:
    document = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    macros: dict[str, MacroDef] = {}
    for item in document["macros"]:
        macro = MacroDef(item["name"], tuple(item["arguments"]), item["definition"])
        macros[macro.key] = macro
    for macro in CIM_MACROS:
        macros[macro.key] = macro
    return document["detections"], macros


def construct(error: SplError) -> str:
    """The documented name of what a refusal is about (``command join``, ``eval function x``...)."""
    message = re.sub(r"^\w+: ", "", error.message)
    for pattern, key in ((r"command '([^']+)' is not supported", "command {}"),
                         (r"'(\w+)' needs indexed data models", "command {}"),
                         (r"data model '([^']+)'", "data model"),
                         (r"eval function '([^']+)'", "eval function {}"),
                         (r"stats function '([^']+)'", "stats function {}"),
                         (r"option '([^']+)'", f"{error.command} option {{}}"),
                         (r"unknown macro '([^'(]+)", "undefined macro {}")):
        match = re.search(pattern, message)
        if match:
            return key.format(match.group(1))
    return message


def searches() -> Iterator[tuple[str, str, dict[str, MacroDef]]]:
    """(file, search, macros) for every detection: ESCU's macros plus the detection's own generated
    ``<detection>_filter`` (``search *``, as contentctl writes it)."""
    detections, macros = load()
    for detection in detections:
        stem = detection["file"].rsplit("/", 1)[-1].removesuffix(".yml")
        filter_name = f"{stem}_filter"
        table = macros if filter_name in macros else {**macros, filter_name: MacroDef(filter_name, (), "search *")}
        yield detection["file"], detection["search"], table


def expanded_searches() -> Iterator[tuple[str, str]]:
    """(file, search with its macros expanded) for every detection whose macros the fixture holds."""
    for file, search, table in searches():
        try:
            yield file, expand_text(search, table)
        except (SplError, RecursionError):
            continue


def outcomes() -> Iterator[Outcome]:
    for file, search, table in searches():
        raw = _DATA_MODEL.search(search) is None
        try:
            parse(search, table)
            found = None
        except (SplUnsupportedError, SplMacroError) as exc:
            found = construct(exc)
        except SplError as exc:  # a syntax error on Splunk's own content is an engine bug: keep it visible
            found = f"SYNTAX ERROR {exc}"
        yield Outcome(file, raw, found)


def documented_constructs() -> set[str]:
    """The keys listed under docs/spl_engine.md's "Unsupported constructs" heading (``- `key` — why``)."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Unsupported constructs", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([^`]+)`", section, re.MULTILINE))
