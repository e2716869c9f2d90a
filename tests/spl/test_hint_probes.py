"""What explaining an empty result costs: `contentpack search` over a tenant's own logs (gigabytes) that returned
nothing runs part of the search again to find a field to hint at (``spl.hints._emptied_by``), and such a probe can
keep every event of the file (``usr=foo OR user=x`` with ``usr``'s comparisons true is ``* OR user=x``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.spl.engine import Engine
from contentpack.spl.scan import ScanMemo
from contentpack.spl.values import Event

EVENTS = 100


def write_events(path: Path) -> Path:
    """``EVENTS`` sign-ins, oldest first (as an export writes them), each with a ``user``: none has ``usr``."""
    path.write_text("".join(json.dumps({"time": f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}Z", "user": f"u{i}",
                                        "n": str(i)}) + "\n" for i in range(EVENTS)), encoding="utf-8")
    return path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The events each search's scan of a lazily registered file yielded, in order; no scan is kept in memory, as
    none of a file larger than ``ScanMemo.SCAN_LIMIT`` events is (a tenant's logs)."""
    counts: list[int] = []
    scan = ScanMemo.scan
    monkeypatch.setattr(ScanMemo, "SCAN_LIMIT", 0)

    def counted(self: ScanMemo, *args: object, **kwargs: object) -> Iterator[Event]:
        counts.append(0)
        at = len(counts) - 1
        for event in scan(self, *args, **kwargs):  # type: ignore[arg-type]
            counts[at] += 1
            yield event

    monkeypatch.setattr(ScanMemo, "scan", counted)
    return counts


def test_a_hint_probe_reads_no_further_than_the_first_event_it_keeps(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[int]) -> None:
    """``usr=foo OR user=nobody`` kept no event; its hint names ``usr`` because ``* OR user=nobody`` keeps one. The
    search read the file twice (its time, ``_now``, then the search); the hint's probes read one event: the first
    that ``* OR user=nobody`` keeps stops it (it kept all 100, newest first), and the search itself up to the
    filter is no probe (it is the search, which kept none)."""
    path = write_events(tmp_path / "events.log")
    status = main(["search", "usr=foo OR user=nobody", "--no-pack", "--events", str(path), "--format", "csv"])
    err = capsys.readouterr().err
    assert status == 0
    assert "the search filters on 'usr' (search), a field no event has (did you mean 'user'?)" in err
    assert reads[:2] == [EVENTS, EVENTS]
    assert reads[2:] == [1]


def test_a_probe_that_must_read_everything_reads_only_the_fields_it_filters_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """After ``stats`` no row came back, yet the filter may have kept events: the probe ``usr=foo OR user=nobody |
    head 1`` is run, keeps none and so reads the whole file, decoding only the fields it filters on (and the time),
    not each event whole as the search's rows would need."""
    import contentpack.spl.scan as scan

    needed: list[frozenset[str] | None] = []
    scan_file = scan.scan_file

    def noted(*args: object, **kwargs: object) -> Iterator[Event]:
        needed.append(kwargs["needed"])  # type: ignore[arg-type]
        return scan_file(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan, "scan_file", noted)
    path = write_events(tmp_path / "events.log")
    status = main(["search", "usr=foo OR user=nobody | stats count by user", "--no-pack", "--events", str(path)])
    assert status == 0
    assert "filters on 'usr' (search)" in capsys.readouterr().err
    assert reads[2:] == [EVENTS, 1]  # the probe up to the filter kept none; ``* OR user=nobody`` kept one
    assert needed[2:4] == [frozenset({"time", "_time", "user", "usr"}), frozenset({"time", "_time", "user"})]


@pytest.mark.parametrize("spl", [
    "user=u0 | head 1",  # u0 is the oldest event: the newest is the one head keeps
    "* | head 1 | search user=u0",
    "* | head 1 | search user=u99",
    "* | head 3 | search user=u96",
    "* | search user=u5* | head 1",
    "* | eval late=if(n>90, 1, null()) | where isnotnull(late) | head 1",
    "* | tail 1 | search user=u0",
    "* | tail 1 | search user=u99",
    "* | dedup user | search user=u7",
    "* | streamstats count as c | where c=1 AND user=\"u0\"",
    "* | streamstats count as c | where c=1 AND user=\"u99\"",
    "* | stats count by user | search user=u3",
    "nothing=1",
])
def test_any_row_answers_as_the_search_does(tmp_path: Path, reads: list[int], spl: str) -> None:
    """``Engine.any_row`` is whether ``search_pipeline`` returns a row, also where the order events come in decides
    it (``head``, ``tail``, ``dedup``, ``streamstats`` before the filter): those read in Splunk's order."""
    engine = Engine()
    engine.register_events(write_events(tmp_path / "events.log"), sourcetype="t", lazy=True)
    pipeline = engine.parse(spl)
    assert engine.any_row(pipeline, now=2e9) == bool(engine.search_pipeline(pipeline, now=2e9).rows)
