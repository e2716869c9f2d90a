"""The build benchmark's generated pack repeats itself as much as real content does, and no more.

Validation remembers answers per macro call and per command text, because real packs repeat them: a
pack whose searches repeat far more than ESCU's would make those memos look better on the benchmark
than they are on real content (this happened once: every generated search differed only in a macro
name). Here the generated searches, macros expanded, are compared with ESCU's (the fixture of Splunk's
1,870 detection searches): the share of commands that repeat an earlier one (same text, same place:
first command or not) and the share of searches whose commands after the first are their own.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from contentpack.spl.lexer import split_pipeline
from contentpack.spl.macros import MacroDef, expand_text
from spl.escu_corpus import expanded_searches

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_validate  # noqa: E402  (benchmarks/ is beside tests/, not installed)

def _repetition(expanded: list[str]) -> tuple[float, float]:
    """(share of commands seen before, share of searches whose tail after the first command is distinct), for
    searches with their macros expanded."""
    seen: set[tuple[str, bool]] = set()
    tails: set[tuple[str, ...]] = set()
    commands = repeats = 0
    for search in expanded:
        texts = [segment.text.strip() for segment in split_pipeline(search)]
        tails.add(tuple(texts[1:]))
        for place, text in enumerate(texts):
            key = (text, place == 0)
            commands += 1
            repeats += key in seen
            seen.add(key)
    return repeats / commands, len(tails) / len(expanded)


def _generated(count: int) -> list[str]:
    """The generated detections' searches, expanded with the macros the generated pack defines (filters:
    ``search *``)."""
    base = {"azure_monitor_aad": MacroDef("azure_monitor_aad", (), "sourcetype=azure:monitor:aad"),
            "security_content_ctime(1)": MacroDef("security_content_ctime", ("field",), "convert ctime($field$)")}
    searches = []
    for index in range(count):
        macro = f"bench_macro_{index % 30:02d}"
        path, text = bench_validate._detection(index, "story", "source", macro)
        stem = path.rsplit("/", 1)[-1].removesuffix(".yml")
        table = {**base, macro: MacroDef(macro, (), "search *"),
                 f"{stem}_filter": MacroDef(f"{stem}_filter", (), "search *")}
        searches.append(expand_text(yaml.load(text, Loader=yaml.CSafeLoader)["search"], table))
    return searches


def test_generated_pack_repeats_no_more_than_escu() -> None:
    escu_commands, escu_tails = _repetition([text for _, text in expanded_searches()])
    commands, tails = _repetition(_generated(2000))
    assert 0.6 < escu_commands < 0.8  # the fixture is what the comparison assumes (~68%)
    assert commands <= escu_commands + 0.05, (commands, escu_commands)
    assert tails >= escu_tails, (tails, escu_tails)
