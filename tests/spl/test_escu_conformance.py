"""ESCU conformance: every one of Splunk's 1,870 ESCU detection searches (fixture from
scripts/escu_spl_fixture.py, Apache-2.0, licence beside it) either parses or is refused by name with a construct
on docs/spl_engine.md's documented list of unsupported constructs, and coverage can only go up."""

from __future__ import annotations

import gzip
import json

from .escu_corpus import FIXTURE, Outcome, documented_constructs, outcomes

# Parsed on the day the list was made; raise it when coverage grows (scripts/escu_parse_rate.py prints it).
PARSED_AT_LEAST = 881  # convert ctime(*ttime) (okta_non_standard_vpn_usage) parses again, now converting each match
RAW_SHARE_AT_LEAST = 0.95


def _all() -> list[Outcome]:
    return list(outcomes())


def test_the_fixture_is_the_whole_corpus_with_its_licence() -> None:
    document = json.loads(gzip.decompress(FIXTURE.read_bytes()))
    assert len(document["detections"]) == 1870 and len(document["macros"]) == 219
    assert "Apache License" in (FIXTURE.parent / "LICENSE").read_text(encoding="utf-8")


def test_every_search_parses_or_is_refused_by_a_documented_construct() -> None:
    documented = documented_constructs()
    undocumented = sorted({(r.construct, r.path) for r in _all() if r.construct and r.construct not in documented})
    assert undocumented == []


def test_coverage_only_goes_up() -> None:
    results = _all()
    raw = [r for r in results if r.raw]
    assert sum(r.construct is None for r in results) >= PARSED_AT_LEAST
    assert sum(r.construct is None for r in raw) / len(raw) >= RAW_SHARE_AT_LEAST
