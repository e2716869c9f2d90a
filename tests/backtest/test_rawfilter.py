"""The raw-text filter that lets one pass over a large input feed every detection: it may keep lines no
search matches (they are decoded for nothing), but it must never drop a line a search matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.backtest.rawfilter import RawFilter
from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.simulate.engine_setup import build_engine
from contentpack.spl import parse
from contentpack.spl.matching import raw_alternatives

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pack() -> Pack:
    result = validate_pack(REPO)
    assert result.pack is not None and not result.errors
    return result.pack


@pytest.mark.parametrize(("search", "expected"), [
    ('operationName="Sign-in activity" errorCode IN (90094, 90095)',
     [("sign-in activity", "90094"), ("sign-in activity", "90095")]),
    ("(a=x b=1) OR (c=y d=2)", [("x", "1"), ("y", "2")]),
    ("sourcetype=azure:monitor:aad user=bob", [("bob",)]),
    ("foo OR NOT bar", [()]),  # a NOT can match lines without any token
    ("path=*.exe", [(".exe",)]),
    ("x=a/b", [()]),  # '/' may be written \\/ in JSON: no token
    ("errorCode=-65004", [("65004",)]),
    ('"two words" x=1', [("1",)]),  # a phrase matches tokens, not necessarily the literal text
])
def test_alternatives(search: str, expected: list[tuple[str, ...]]) -> None:
    first = parse(search).commands[0]
    assert raw_alternatives(first.expr) == expected  # type: ignore[attr-defined]


def test_derived_fields_give_no_token() -> None:
    """A calculated field's value need not occur in _raw (user = coalesce(...) of other fields... or lower())."""
    first = parse("user=bob operationName=x").commands[0]
    assert raw_alternatives(first.expr, frozenset({"user"})) == [("x",)]  # type: ignore[attr-defined]


def test_spans_and_matches_fold_case() -> None:
    lines = [b'{"op": "Sign-In Activity", "code": 65004}', b'{"op": "sign-in activity", "code": 0}',
             b'{"op": "Consent to application", "r": "Success"}', b"", b'{"x": 90095}']
    block = b"\n".join(lines) + b"\n"
    keep = RawFilter([("sign-in activity", "65004"), ("consent to application", "success")])
    assert [block[a:b] for a, b in keep.spans(block)] == [lines[0], lines[2]]
    assert keep.matches(lines[0]) and not keep.matches(lines[1])
    assert RawFilter([]).spans(block) == []  # no detection reads events: nothing to keep
    assert [block[a:b] for a, b in RawFilter([()]).spans(block)] == lines


@pytest.mark.slow
def test_never_drops_a_line_a_detection_matches(pack: Pack) -> None:
    """Over every attack-data line: the union filter keeps every event some detection's base search matches."""
    engine = build_engine(pack)
    needs = [engine.event_needs(d.search) for d in pack.detections]
    keep = RawFilter([option for need in needs for option in need.alternatives])
    files = sorted((REPO / "attack_data").rglob("*.log"))
    matched_lines = 0
    for path in files:
        data = path.read_bytes()
        lines = data.split(b"\n")
        kept = {data[a:b] for a, b in keep.spans(data)}
        probe = engine.fork([], [])  # the pack's knowledge over this file's events alone; a search changes neither
        probe.register_events(path, sourcetype="azure:monitor:aad", source="Azure AD")
        for detection in pack.detections:
            if not engine.event_needs(detection.search).reads_events:
                continue
            base = detection.search.split("|")[0]
            for row in probe.search(f"{base} | table _raw", now=0.0).rows:
                raw = str(row["_raw"]).encode()
                assert raw in kept, (detection.name, path.name)
                matched_lines += 1
        assert len(kept) < len([line for line in lines if line.strip()])  # it does filter
    assert matched_lines > 50
