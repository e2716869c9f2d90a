"""What explaining an empty result costs: `contentpack search` over a tenant's own logs (gigabytes) that returned
nothing runs part of the search again to find a field to hint at (``spl.hints._emptied_by``), and such a probe can
keep every event of the file (``usr=foo OR user=x`` with ``usr``'s comparisons true is ``* OR user=x``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import contentpack.spl.engine as engine_module
import contentpack.spl.scan as scan
from contentpack.cli import main
from contentpack.spl.engine import FIELD_NAME_SAMPLE, Engine
from contentpack.spl.scan import ScanMemo
from contentpack.spl.values import Event

EVENTS = 100


def write_events(path: Path, count: int = EVENTS) -> Path:
    """``count`` sign-ins, oldest first (as an export writes them), each with a ``user``: none has ``usr``."""
    path.write_text("".join(json.dumps({"time": f"2025-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
                                        "user": f"u{i}", "n": str(i)}) + "\n" for i in range(count)),
                    encoding="utf-8")
    return path


@dataclass
class Read:
    """One read of a lazily registered file: the fields it decoded, and how many events it yielded."""

    needed: frozenset[str] | None
    events: int = 0


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Read]:
    """Every read of a lazily registered file, in order: the searches' scans and the engine's other reads
    (``Engine.survey``, ``fields_present``, ``field_names``); no scan is kept in memory, as none of a file larger
    than ``ScanMemo.SCAN_LIMIT`` events is (a tenant's logs)."""
    found: list[Read] = []
    monkeypatch.setattr(ScanMemo, "SCAN_LIMIT", 0)
    scan_file = scan.scan_file

    def counted(*args: object, **kwargs: object) -> Iterator[Event]:
        read = Read(kwargs["needed"])  # type: ignore[arg-type]
        found.append(read)
        for event in scan_file(*args, **kwargs):  # type: ignore[arg-type]
            read.events += 1
            yield event

    monkeypatch.setattr(scan, "scan_file", counted)
    monkeypatch.setattr(engine_module, "scan_file", counted)
    return found


def test_an_empty_search_reads_the_events_for_its_time_and_its_hints_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[Read]) -> None:
    """A search that kept nothing, over a file larger than the did-you-mean's sample, reads every event once for
    its time (the newest event's), finding as it goes which of the fields its hints ask about some event has
    (``Engine.survey``); then the search's own scan (no line holds ``foo``, its raw-text prefilter: it yields none),
    and for the names to suggest no more than the sample of the first events (``FIELD_NAME_SAMPLE``). It read every
    event a second time for the fields."""
    count = FIELD_NAME_SAMPLE + 200
    path = write_events(tmp_path / "events.log", count)
    status = main(["search", "usr=foo", "--no-pack", "--events", str(path), "--format", "csv"])
    assert status == 0
    assert "the search filters on 'usr' (search), a field no event has (did you mean 'user'?)" in \
        capsys.readouterr().err
    assert [read.events for read in reads] == [count, 0, FIELD_NAME_SAMPLE]
    assert reads[0].needed == frozenset({"time", "_time", "usr"})  # the time and the field asked about


def test_with_now_given_the_hints_read_the_file_for_the_fields(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[Read]) -> None:
    """``--now`` sets the time, so no event is read for it before the search: the hints read the file for the
    fields they ask about (all of it when one is absent), as only a search that returns nothing pays for it."""
    path = write_events(tmp_path / "events.log")
    status = main(["search", "usr=foo", "--no-pack", "--events", str(path), "--now", "2000000000"])
    assert status == 0
    assert "filters on 'usr' (search), a field no event has (did you mean 'user'?)" in capsys.readouterr().err
    assert [(read.needed, read.events) for read in reads[1:2]] == [(frozenset({"time", "usr"}), EVENTS)]


def test_a_hint_probe_reads_no_further_than_the_first_event_it_keeps(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[Read]) -> None:
    """``usr=foo OR user=nobody`` kept no event; its hint names ``usr`` because ``* OR user=nobody`` keeps one. The
    search read the file twice (its time and the fields its hints ask about, ``Engine.survey``, then the search);
    the hint's probes read one event: the first that ``* OR user=nobody`` keeps stops it (it kept all 100, newest
    first), and the search itself up to the filter is no probe (it is the search, which kept none). The
    did-you-mean's sample reads last."""
    path = write_events(tmp_path / "events.log")
    status = main(["search", "usr=foo OR user=nobody", "--no-pack", "--events", str(path), "--format", "csv"])
    err = capsys.readouterr().err
    assert status == 0
    assert "the search filters on 'usr' (search), a field no event has (did you mean 'user'?)" in err
    assert [read.events for read in reads[:3]] == [EVENTS, EVENTS, 1]


def test_a_probe_that_must_read_everything_reads_only_the_fields_it_filters_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], reads: list[Read]) -> None:
    """After ``stats`` no row came back, yet the filter may have kept events: the probe ``usr=foo OR user=nobody |
    head 1`` is run, keeps none and so reads the whole file, decoding only the fields it filters on (and the time),
    not each event whole as the search's rows would need."""
    path = write_events(tmp_path / "events.log")
    status = main(["search", "usr=foo OR user=nobody | stats count by user", "--no-pack", "--events", str(path)])
    assert status == 0
    assert "filters on 'usr' (search)" in capsys.readouterr().err
    # the probe up to the filter kept none; ``* OR user=nobody`` kept one
    assert [(read.needed, read.events) for read in reads[2:4]] == [
        (frozenset({"time", "_time", "user", "usr"}), EVENTS), (frozenset({"time", "_time", "user"}), 1)]


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
def test_any_row_answers_as_the_search_does(tmp_path: Path, reads: list[Read], spl: str) -> None:
    """``Engine.any_row`` is whether ``search_pipeline`` returns a row, also where the order events come in decides
    it (``head``, ``tail``, ``dedup``, ``streamstats`` before the filter): those read in Splunk's order."""
    engine = Engine()
    engine.register_events(write_events(tmp_path / "events.log"), sourcetype="t", lazy=True)
    pipeline = engine.parse(spl)
    assert engine.any_row(pipeline, now=2e9) == bool(engine.search_pipeline(pipeline, now=2e9).rows)


def test_the_read_for_the_search_time_is_held_to_the_search_budget(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The events are read for the search's time (and its hints' fields, ``Engine.survey``) under the search's
    wall-clock budget, as the search it replaced (``search * | stats max(_time)``) was: a budget too small for
    that read stops there, as it did, not after a read that ignores ``--max-search-seconds``."""
    path = write_events(tmp_path / "events.log")
    status = main(["search", "usr=foo", "--no-pack", "--events", str(path), "--max-search-seconds", "1e-9"])
    assert status == 2
    assert capsys.readouterr().err == (
        "contentpack search: error: the search ran longer than its budget of 1e-09 s (raise Limits.search_seconds / "
        "--max-search-seconds) (column 1)\n")
