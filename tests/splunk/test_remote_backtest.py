"""`contentpack backtest --splunk` against the splunkd test double (a protocol-level double, not Splunk): the same
report as the local backtest on the same data, resuming an interrupted run, a failing search.

The double stands for a Splunk that indexed the tenant's logs as they arrived: each event it receives gets
``_indextime`` = ``_time`` + the pack's ingestion-delay model (``DelayPlan``), the model the local backtest
gives the same events, so both see the same events at every run. Each search job carries ``now``,
``earliest_time``, ``latest_time`` and ``index_latest`` (REST API reference, *Search endpoint descriptions*,
``search/jobs`` parameters: ``index_latest`` bounds the search by index time, its latest bound exclusive).
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from contentpack.backtest.output import risk_json
from contentpack.cli import main
from contentpack.content.naming import stanza_name
from contentpack.content.model import Pack
from contentpack.content.validate import validate_pack
from contentpack.replay.engine_setup import build_engine
from contentpack.simulate import DelayModel, DelayPlan, index_events, simulate
from contentpack.spl.commands import search as search_command
from contentpack.spl.events import parse_timestamp, read_events
from contentpack.spl.messages import JobMessage
from contentpack.spl.values import Event
from contentpack.splunk.ingest import Batch, Ingestor, index_probe
from contentpack.splunk.remote_backtest import CHECKPOINT, Answered, Checkpoint, Finished, RunKey, typed
from pack_copies import CUT_MESSAGE, pack_copy, pack_with_cut_subsearch
from terminal_output import Terminal

from .helpers import FAST, ROOT, Run, cli, connection, token_env
from .splunkd_double import SplunkdDouble

INDEX = "tenant"
# one day around declined_then_granted (2026-10-15 08:12..16:01 UTC), when the correlation search fires: 24 runs
# of each detection
FROM, TO = "2026-10-15T04:00:00Z", "2026-10-16T04:00:00Z"
SOURCE = "Azure AD"
DECLINED = "Entra ID User Declined OAuth Application Consent"


def searches(double: SplunkdDouble) -> int:
    """The runs' search jobs: not each backtest's one search for any event in the index (``index_probe``)."""
    return sum(1 for text in double.state.searched if text != index_probe(INDEX))


@pytest.fixture
def loaded(double: SplunkdDouble, real_pack: Pack) -> SplunkdDouble:
    """Every attack-data file of the pack sent to index "tenant" through HEC, indexed with the delay model."""
    return load(double, DelayPlan.for_pack(real_pack.data_sources).assign)


def load(double: SplunkdDouble, stamp_indextime: Callable[[list[Event]], None]) -> SplunkdDouble:
    """Every attack-data file of the pack sent to index "tenant" through HEC, ``stamp_indextime`` giving each
    event its ``_indextime``."""
    double.state.indexes.add(INDEX)
    double.state.stamp_indextime = stamp_indextime
    link = connection(double)
    ingestor = Ingestor(link, link.hec(double.url), lambda line: None)
    for path in sorted((ROOT / "attack_data").rglob("*.log")):
        data = path.read_bytes()
        ingestor.send(Batch(INDEX, "", SOURCE, "azure:monitor:aad", data, data.count(b"\n")))
    double.state.requests.clear()
    double.state.searched.clear()
    return double


def remote(capsys: pytest.CaptureFixture[str], double: SplunkdDouble, out: Path, *extra: str) -> Run:
    return cli(capsys, ["backtest", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file),
                        "--index", INDEX, "--from", FROM, "--to", TO, "--out", str(out), *FAST, *extra])


@pytest.fixture(scope="module")
def local_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of `backtest --events` over the pack's attack data, the whole pack, FROM..TO: what the Splunk
    backtests are compared with, run once for the tests that need it (the same command gives the same files)."""
    out = tmp_path_factory.mktemp("local-backtest")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["backtest", "--root", str(ROOT), "--events", str(ROOT / "attack_data"), "--source", SOURCE,
                     "--from", FROM, "--to", TO, "--out", str(out)])
    assert code == 0, err.getvalue()
    return out


def assert_same_report(local_out: Path, remote_out: Path) -> None:
    """notables.jsonl and risk.jsonl byte for byte; summary.json except its "input" (what reading files
    found: a Splunk backtest reads no file)."""
    for name in ("notables.jsonl", "risk.jsonl"):
        assert (remote_out / name).read_text() == (local_out / name).read_text(), name
    mine, theirs = (json.loads((folder / "summary.json").read_text()) for folder in (remote_out, local_out))
    mine.pop("input"), theirs.pop("input")
    assert mine == theirs


@pytest.mark.slow
def test_the_same_report_as_the_local_backtest(loaded: SplunkdDouble, local_report: Path,
                                               capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """Acceptance: the pack's attack data on the double, the whole pack, one day: the same notables, risk
    events and per-day counts as `backtest --events` over the same files; the correlation search (run
    locally over the risk events computed from Splunk's rows) fires on both."""
    token_env(monkeypatch, loaded)
    run = remote(capsys, loaded, tmp_path / "remote")
    assert run.code == 0, run.err
    assert_same_report(local_report, tmp_path / "remote")
    notables = [json.loads(line) for line in (tmp_path / "remote" / "notables.jsonl").read_text().splitlines()]
    assert len({n["detection"] for n in notables}) >= 2  # v2: single refusals and grants are risk only
    assert any(n["detection"] == "Entra ID OAuth Consent Abuse Risk Across Detections" for n in notables)
    summary = json.loads((tmp_path / "remote" / "summary.json").read_text())
    correlation = "Entra ID OAuth Consent Abuse Risk Across Detections"
    runs = sum(totals["runs"] for name, totals in summary["totals"].items() if name != correlation)
    assert searches(loaded) == runs  # one job per scheduled run, none for the correlation
    assert "search job(s) dispatched" in run.err and (tmp_path / "remote" / "report.html").is_file()
    # what was read is said as it is: Splunk searched an index; no local file or line was read
    where = f"index {INDEX} on {loaded.url}"
    assert summary["input"] == {"searched_on_splunk": where, "notes": []}
    assert f"events searched on Splunk ({where})" in run.out and "0 file(s)" not in run.out


def test_jobs_see_only_what_was_indexed_by_the_run(loaded: SplunkdDouble, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Every dispatched job carries index_latest = its run time + 1 s and now = the run time."""
    seen: list[dict[str, str]] = []
    original = loaded.run_search

    def spy(text: str, params: dict[str, str]) -> tuple[int, bytes]:
        if text != index_probe(INDEX):
            seen.append(dict(params))
        return original(text, params)

    loaded.run_search = spy  # type: ignore[method-assign]
    token_env(monkeypatch, loaded)
    assert remote(capsys, loaded, tmp_path, "--detection", DECLINED).code == 0
    assert len(seen) == 24 * 6  # every 10 minutes over one day
    for params in seen:
        assert float(params["index_latest"]) == float(params["now"]) + 1
        assert params["search"].startswith(f'search index="{INDEX}" `entra_id_signin_and_audit_logs`')


@pytest.mark.slow
def test_an_interrupted_backtest_resumes_without_dispatching_finished_runs(
        loaded: SplunkdDouble, local_report: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    token_env(monkeypatch, loaded)
    out = tmp_path / "remote"
    loaded.state.answer_budget = 60  # the log-in, then some searches, then the server stops answering
    stopped = remote(capsys, loaded, out)
    assert stopped.code == 2 and "contentpack backtest: error: stopped:" in stopped.err
    assert "run the same command again" in stopped.err.splitlines()[-1]  # the one error line says how to go on
    assert "Traceback" not in stopped.err and not (out / "notables.jsonl").exists()
    finished = len((out / CHECKPOINT).read_text().splitlines())
    local_summary = json.loads((local_report / "summary.json").read_text())
    correlation = "Entra ID OAuth Consent Abuse Risk Across Detections"
    total = sum(t["runs"] for name, t in local_summary["totals"].items() if name != correlation)
    assert 0 < finished < total
    loaded.state.answer_budget = None
    before = searches(loaded)
    resumed = remote(capsys, loaded, out)
    assert resumed.code == 0, resumed.err
    assert searches(loaded) - before == total - finished  # the finished runs were not dispatched again
    assert f"{finished} run(s) reused" in resumed.err
    assert_same_report(local_report, out)
    again = searches(loaded)
    assert remote(capsys, loaded, out).code == 0 and searches(loaded) == again  # all reused now


def _drawn(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, double: SplunkdDouble,
           out: Path, *extra: str, code: int = 0) -> str:
    """What a terminal shows of the progress bar of one `backtest --splunk` (and the stderr lines after it), its
    escape codes taken out."""
    terminal = Terminal()
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stderr", terminal)
        assert remote(capsys, double, out, *extra).code == code
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())


def test_the_progress_bar_says_when_every_run_is_reused(loaded: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A backtest run again over the same --out, every run in its checkpoint, drew "search jobs 0/?" on the
    terminal while it simulated, as if stalled before its first job: it now says none is sent and why. A first run
    counts its jobs; one where the index holds no event in the runs' span says none is sent and why."""
    token_env(monkeypatch, loaded)
    first = _drawn(capsys, monkeypatch, loaded, tmp_path / "out", "--detection", DECLINED)
    assert "search jobs 144/144" in first and "?" not in first
    again = _drawn(capsys, monkeypatch, loaded, tmp_path / "out", "--detection", DECLINED)
    assert "search jobs: none to send, all 144 runs reused from an earlier backtest" in again, again
    assert "0/?" not in again and "?" not in again
    with monkeypatch.context() as patched:
        patched.setattr(sys.modules[__name__], "FROM", "2026-12-10")
        patched.setattr(sys.modules[__name__], "TO", "2026-12-11")
        empty = _drawn(capsys, monkeypatch, loaded, tmp_path / "empty", "--detection", DECLINED)
    assert "search jobs: none sent, the index has no event in the runs' span" in empty, empty
    # resumed after an interruption: the jobs still to send, the runs reused beside them
    assert Answered(8, 20, 3).said() == "search jobs 5/17 (3 more runs reused from an earlier backtest)"


def test_a_failing_search_is_reported_and_the_others_go_on(loaded: SplunkdDouble, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    token_env(monkeypatch, loaded)
    loaded.state.fail_search = "entra_id_user_declined_oauth_application_consent_filter"
    run = remote(capsys, loaded, tmp_path, "--detection", DECLINED, "--detection",
                 "Entra ID OAuth Consent Granted After User Declined")
    assert run.code == 1
    assert ("detections/cloud/entra_id_user_declined_oauth_application_consent.yml:"
            in run.err), run.err  # at the detection's search in its YAML, as the local backtest says it
    assert "planted failure" in run.err
    # the failed run named as the backtest gives every time (iso_utc; it said "at 1792037400" before), the
    # client's "could not <verb>: <why>" right after the rule, as replay --splunk says it (it read "scheduled
    # run: search: could not run the search of ..." before, the search named twice)
    failed = (f"{DECLINED}: error[RP003]: could not run the search of {DECLINED!r} at 2026-10-15T04:10:00.000Z: "
              "HTTP 400 Bad Request")
    assert failed in run.err, run.err
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["errors"] and summary["totals"]["Entra ID OAuth Consent Granted After User Declined"]["runs"] == 24
    dispatched = searches(loaded)
    assert dispatched < 48  # the failing detection's later runs were not dispatched (a few were in flight)
    assert remote(capsys, loaded, tmp_path, "--detection", DECLINED, "--detection",
                  "Entra ID OAuth Consent Granted After User Declined").code == 1
    assert searches(loaded) == dispatched  # a rerun neither retries the rejected search nor its later runs


def test_the_runs_a_failed_search_skips_are_said_skipped_not_done(
        loaded: SplunkdDouble, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """A detection whose search Splunk rejects sends no more of its runs, as the local backtest runs no more of a
    detection once its search fails; those runs were counted among the jobs done, "search jobs 48/48" on the
    terminal with far fewer sent. The bar's last count is the jobs sent of the jobs to send, the others said
    skipped and why, and the line after it says how many, so sent, reused and skipped add up to the runs."""
    token_env(monkeypatch, loaded)
    loaded.state.fail_search = "entra_id_user_declined_oauth_application_consent_filter"
    drawn = _drawn(capsys, monkeypatch, loaded, tmp_path, "--detection", DECLINED, "--detection",
                   "Entra ID OAuth Consent Granted After User Declined", "--concurrency", "1", code=1)
    sent, runs = searches(loaded), 144 + 24  # a day of each: every 10 minutes, every hour
    said = " ".join(drawn.split())  # the lines after the bar, as read: wrapped to the terminal
    last = re.findall(r"search jobs (\d+)/(\d+) \((\d+) more runs skipped: their search failed\)", drawn)
    assert last, drawn
    assert last[-1] == (str(sent), str(sent), str(runs - sent)), (last[-1], sent)
    assert f"{sent} search job(s) dispatched, 0 run(s) reused from {tmp_path / 'splunk_runs.jsonl'}, {runs - sent} " \
           "run(s) skipped: their detection's search had failed (the error below)" in said, said
    assert said.index("run(s) skipped") < said.index("planted failure")
    # a rerun: the failed run reused, the detection's runs not in the checkpoint skipped again, none sent
    assert Answered(8, 20, 3, skipped=2).said() == "search jobs 5/15 (3 more runs reused, 2 skipped: their search failed)"
    assert Answered(140, 168, 140, skipped=28).said() == \
        "search jobs: none (140 runs reused, 28 skipped: their search failed)"


def test_an_index_that_does_not_exist_is_a_usage_error_before_any_run(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """A typo in --index once gave a report of nothing -- "Top risk objects: none", "0 notable(s)", exit 0 --
    which reads as a clean tenant. splunkd's ``data/indexes/<name>`` answers 404 for it: one usage error, in
    replay --splunk's words (the same check), before any search job, nothing written in --out."""
    token_env(monkeypatch, double)
    run = remote(capsys, double, tmp_path / "out", "--detection", DECLINED)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"contentpack backtest: error: index {INDEX!r} does not exist on {double.url}, or the "
                              "user's role may not search it: give --index the index that holds"), run.err
    assert run.err.count("\n") == 1 and not (tmp_path / "out").exists()
    assert double.state.searched == [index_probe(INDEX)]  # the one search asking whether it holds events at all


def test_an_index_the_search_head_does_not_list_but_a_search_finds_is_backtested(
        loaded: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """In a distributed deployment the index may be defined on the indexers only, and the search head's
    ``data/indexes`` answer 404 for it (assumed: no page read says what that endpoint lists there). A search of it
    finding events proves it exists: the backtest runs, with the same risk as where it is listed."""
    token_env(monkeypatch, loaded)
    listed = remote(capsys, loaded, tmp_path / "listed", "--detection", DECLINED)
    loaded.state.unlisted_indexes.add(INDEX)
    unlisted = remote(capsys, loaded, tmp_path / "unlisted", "--detection", DECLINED)
    assert unlisted.code == 0 and "does not exist" not in unlisted.err, unlisted.err
    assert ((tmp_path / "unlisted" / "risk.jsonl").read_text()
            == (tmp_path / "listed" / "risk.jsonl").read_text() != "")


def test_an_index_without_events_in_the_period_says_so_in_the_report(
        loaded: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """The index exists but holds nothing the runs could see (a wrong period, logs not ingested): the report of
    nothing says why, beside its "0 notable(s)" -- in the terminal report, summary.json and report.html --
    from one search of the index over the span the runs search, made before any run: none of the runs' search
    jobs is sent (all 144 were, before the index was found empty). With events there, it says
    nothing of the kind."""
    token_env(monkeypatch, loaded)
    empty = cli(capsys, ["backtest", "--root", str(ROOT), "--splunk", loaded.url, "--ca-file", str(loaded.ca_file),
                         "--index", INDEX, "--from", "2026-12-10", "--to", "2026-12-11", "--detection", DECLINED,
                         "--out", str(tmp_path / "empty"), *FAST])
    assert empty.code == 0, empty.err
    assert searches(loaded) == 0 and "0 search job(s) dispatched, 0 run(s) reused" in empty.err
    assert not (tmp_path / "empty" / CHECKPOINT).exists()
    # the first run's window starts 30 minutes before --from; the last run (23:50) searches up to its run time
    span = ["2026-12-09T23:30:00.000Z", "2026-12-10T23:50:00.000Z"]
    said = (f"the index holds no event from {span[0]} to {span[1]}, the span the runs searched: they found nothing "
            "because there was nothing to find")
    assert said in " ".join(empty.out.split()) and "0 notable(s)" in empty.out
    summary = json.loads((tmp_path / "empty" / "summary.json").read_text())
    assert summary["input"]["no_events_between"] == span
    [note] = summary["input"]["notes"]  # the report's words, as report.html shows them
    assert " ".join(note.split()).startswith(said)
    assert "the index holds no event from" in (tmp_path / "empty" / "report.html").read_text()
    assert loaded.state.searched.count(index_probe(INDEX)) == 1
    found = remote(capsys, loaded, tmp_path / "found", "--detection", DECLINED)
    assert found.code == 0 and "holds no event" not in found.out + found.err
    assert searches(loaded) == 24 * 6  # every run, as the test of a role refused the look-up counts them
    assert "no_events_between" not in json.loads((tmp_path / "found" / "summary.json").read_text())["input"]


def test_a_role_refused_the_index_look_up_gets_a_warning_and_the_backtest(
        loaded: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """A 403 on ``data/indexes/<name>`` (a role, or a proxy, refusing the look-up) proves nothing about the
    index: the backtest warns that it could not check and runs, as without the check."""
    token_env(monkeypatch, loaded)
    loaded.state.forbidden.add(f"data/indexes/{INDEX}")
    run = remote(capsys, loaded, tmp_path, "--detection", DECLINED)
    assert run.code == 0, run.err
    assert (f"contentpack backtest: warning: cannot check that index {INDEX!r} exists (could not look up index "
            f"{INDEX!r}: permission denied (HTTP 403)") in run.err
    assert searches(loaded) == 24 * 6 and "notable(s)" in run.out


def test_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = cli(capsys, ["backtest", "--root", str(ROOT), "--splunk", "https://127.0.0.1:1", "--index", INDEX])
    assert run.code == 2 and "--splunk needs --index NAME, --from, --to and --out DIR" in run.err
    both = cli(capsys, ["backtest", "--root", str(ROOT), "--splunk", "https://127.0.0.1:1", "--events", "x"])
    assert both.code == 2 and "either --events" in both.err
    bad = cli(capsys, ["backtest", "--root", str(ROOT), "--splunk", "https://127.0.0.1:1", "--index", 'x" OR index=*',
                       "--from", FROM, "--to", TO, "--out", str(tmp_path)])
    assert bad.code == 2 and "index name" in bad.err and not any(tmp_path.iterdir())


def test_values_from_splunk_are_typed_as_the_engine_types_them() -> None:
    assert typed("3") == 3 and typed("0.5") == 0.5 and typed("0012") == "0012" and typed("x") == "x"
    assert typed(("1", "a")) == (1, "a")


def test_late_events_are_missed_as_es_would_miss_them(double: SplunkdDouble, real_pack: Pack,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Events indexed 35 minutes after their _time: the decline detection runs every 10 minutes over
    [-40m, -10m), so three runs cover an event, the last 30 to 40 minutes after it, which sees it only when it
    comes 35 minutes or more after it: about half are missed. The jobs' index_latest gives exactly the
    local simulation's risk events for the same index times -- and fewer than with no indexing delay."""
    late = DelayPlan(override=DelayModel(((0.0, 2100.0),)))
    double.state.indexes.add(INDEX)
    double.state.stamp_indextime = late.assign
    path = ROOT / "attack_data" / "consent_phishing_campaign" / "consent_phishing_campaign.log"
    link = connection(double)
    data = path.read_bytes()
    Ingestor(link, link.hec(double.url), lambda line: None).send(
        Batch(INDEX, "", SOURCE, "azure:monitor:aad", data, data.count(b"\n")))
    token_env(monkeypatch, double)
    start, end = "2026-10-12T04:00:00Z", "2026-10-13T04:00:00Z"
    run = cli(capsys, ["backtest", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file),
                       "--index", INDEX, "--from", start, "--to", end, "--out", str(tmp_path), *FAST,
                       "--detection", DECLINED])
    assert run.code == 0, run.err
    got = (tmp_path / "risk.jsonl").read_text().splitlines()  # v2: a refusal is risk only
    detection = [d for d in real_pack.detections if d.name == DECLINED]
    window = (parse_timestamp(start) or 0.0, parse_timestamp(end) or 0.0)

    def notables(plan: DelayPlan) -> list[str]:
        events = read_events(path, sourcetype="azure:monitor:aad", source=SOURCE, index=INDEX)
        result = simulate(real_pack, index_events(events, plan), *window, detections=detection)
        names = {stanza_name(real_pack.app, d): d.name for d in detection}
        return [json.dumps(risk_json(e, names), ensure_ascii=False) for e in result.risk]

    assert got == notables(late)
    on_time = notables(DelayPlan(override=DelayModel(((0.0, 0.0),))))
    assert 0 < len(got) < len(on_time)


def test_splunks_job_messages_reach_the_summary_as_the_local_backtests(
        loaded: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """A user's detection whose subsearch Splunk cuts at its maxout (Search Manual, "About subsearches"; the
    double's engine, maxout lowered to 1, lists it as Splunk does, {"type": "WARN", "text": ...} beside each
    run's results): summary.json's messages hold it with how many runs said it and the first -- the local
    backtest's count of the same runs, the whole summary equal -- and a rerun reads it back from the checkpoint
    without dispatching anything."""
    monkeypatch.setattr(search_command, "SUBSEARCH_MAXOUT", 1)
    root = pack_with_cut_subsearch(tmp_path)
    token_env(monkeypatch, loaded)
    common = ["backtest", "--root", str(root), "--from", FROM, "--to", TO, "--detection", DECLINED]
    expected = cli(capsys, [*common, "--events", str(ROOT / "attack_data"), "--source", SOURCE,
                            "--out", str(tmp_path / "local")])
    assert expected.code == 0, expected.err
    remote_args = [*common, "--splunk", loaded.url, "--ca-file", str(loaded.ca_file), "--index", INDEX, *FAST,
                   "--out", str(tmp_path / "remote")]
    run = cli(capsys, remote_args)
    assert run.code == 0, run.err
    assert_same_report(tmp_path / "local", tmp_path / "remote")
    summary = json.loads((tmp_path / "remote" / "summary.json").read_text())
    [said] = summary["messages"][DECLINED]
    assert said["level"] == "warn" and said["text"] == CUT_MESSAGE and said["runs"] == 24 * 6  # every run cut it
    assert f"{DECLINED}: scheduled runs (warn): {CUT_MESSAGE} (144 of 144 runs, first at 2026-10-15T04:10:00.000Z)" in run.err
    assert CUT_MESSAGE in (tmp_path / "remote" / "report.html").read_text()
    dispatched = searches(loaded)
    again = cli(capsys, remote_args)
    assert again.code == 0 and searches(loaded) == dispatched  # every run reused, its message with it
    assert json.loads((tmp_path / "remote" / "summary.json").read_text())["messages"] == summary["messages"]


def test_a_checkpoint_line_without_messages_is_dispatched_again(tmp_path: Path) -> None:
    """A line written before the runs' job messages were kept cannot say whether its run said anything: it is
    not reused (reusing it would report a run that said nothing); a line with them is."""
    path = tmp_path / CHECKPOINT
    line = {"detection": "d", "run_time": 60.0, "fingerprint": "f", "rows": [], "error": None}
    said = {**line, "run_time": 120.0, "messages": [{"level": "warn", "text": CUT_MESSAGE}]}
    path.write_text(json.dumps(line) + "\n" + json.dumps(said) + "\n")
    checkpoint = Checkpoint(path)
    assert checkpoint.get(RunKey("d", 60.0), "f") is None
    found = checkpoint.get(RunKey("d", 120.0), "f")
    assert found is not None and found.messages == (JobMessage("warn", CUT_MESSAGE),) and found.rows == []


def test_a_detection_s_search_without_its_filter_macro_is_kept_apart_from_its_run_at_the_same_time(
        tmp_path: Path) -> None:
    """The search without the filter macro is saved at the period's end, where a run of the detection may fall:
    read back, each line answers its own key (one overwriting the other would reuse a run's rows as the hint's)."""
    path = tmp_path / CHECKPOINT
    written = Checkpoint(path)
    written.add(RunKey("d", 60.0), "run", Finished([{"user": "a"}], None))
    written.add(RunKey("d", 60.0, unfiltered=True), "unfiltered", Finished(None, "rejected"))
    read = Checkpoint(path)
    assert read.get(RunKey("d", 60.0), "run") == Finished([{"user": "a"}], None)
    assert read.get(RunKey("d", 60.0, unfiltered=True), "unfiltered") == Finished(None, "rejected")


TENANT_WIDE = "Entra ID Tenant-Wide Admin Consent Granted"
TUNED = "entra_id_tenant_wide_admin_consent_granted_filter"
TUNED_TO = "2026-10-17T04:00:00Z"
TUNED_PERIOD = ["--from", "2026-10-16T04:00:00Z", "--to", TUNED_TO, "--detection", TENANT_WIDE]


def tuned_on(double: SplunkdDouble, tmp_path: Path) -> Path:
    """A copy of the pack whose filter macro of TENANT_WIDE holds the tenant's user that consented, deployed on
    ``double``: the root of that copy."""
    root = pack_copy(tmp_path)
    (root / "macros" / f"{TUNED}.yml").write_text(
        f"name: {TUNED}\ndefinition: search NOT user IN (\"patti.wilber@contoso.example\")\n"
        "description: Our verified line-of-business application.\n", encoding="utf-8")
    tuned = validate_pack(root).pack
    assert tuned is not None
    double.knowledge = lambda: build_engine(tuned)  # the tuned app deployed
    return root


def test_a_tuned_filter_macro_that_silenced_a_detection_is_named_as_the_local_backtest_names_it(
        loaded: SplunkdDouble, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """The server's filter macro, tuned as the pack's (``macros/<stem>_filter.yml``, deployed), holds the tenant's
    users and silences a detection: ``backtest --events`` named the macro, ``backtest --splunk`` showed a quiet
    detection and said nothing. It now asks the index once, over the span the runs searched, with the macro as
    ``search *`` (one search job for that detection, none for an untuned one), and names the macro with the count
    the local backtest gives over the same logs, on stderr, in summary.json and in report.html. That search is
    kept in the checkpoint as the runs are: the same command again sends no search job and names it the same (it
    was asked again on every rerun before)."""
    root = tuned_on(loaded, tmp_path)
    token_env(monkeypatch, loaded)
    local = cli(capsys, ["backtest", "--root", str(root), *TUNED_PERIOD, "--events", str(ROOT / "attack_data"),
                         "--source", SOURCE, "--out", str(tmp_path / "local")])
    [expected] = json.loads((tmp_path / "local" / "summary.json").read_text())["filter_macro_hints"]
    assert local.code == 0 and expected["results"] > 0, local.err
    remote_args = ["backtest", "--root", str(root), *TUNED_PERIOD, "--splunk", loaded.url, "--ca-file",
                   str(loaded.ca_file), "--index", INDEX, *FAST, "--out", str(tmp_path / "remote")]
    run = cli(capsys, remote_args)
    assert run.code == 0, run.err
    summary = json.loads((tmp_path / "remote" / "summary.json").read_text())
    assert summary["totals"][TENANT_WIDE]["results"] == 0
    [hint] = summary["filter_macro_hints"]
    over = (" over index tenant from 2026-10-16T03:20:00.000Z to 2026-10-17T03:50:00.000Z, the span the runs "
            "searched,")
    assert hint == {**expected, "message": expected["message"].replace(" over the events kept", over)}, hint["message"]
    assert f"contentpack backtest: hint: {hint['message']}" in " ".join(run.err.split()), run.err
    page = (tmp_path / "remote" / "report.html").read_text(encoding="utf-8").replace("<wbr>", "")
    assert 'id="filter-hints"' in page and html.escape(over, quote=True) in page
    *jobs, unfiltered = [text for text in loaded.state.searched if text != index_probe(INDEX)]
    assert len(jobs) == summary["totals"][TENANT_WIDE]["runs"]  # the runs, then the one search without the macro
    assert f"`{TUNED}`" in jobs[0] and f"`{TUNED}`" not in unfiltered
    assert unfiltered == jobs[0].replace(f"`{TUNED}`", "search *")
    dispatched = searches(loaded)
    again = cli(capsys, remote_args)
    assert again.code == 0 and searches(loaded) == dispatched, loaded.state.searched[-1]  # the runs and the hint
    assert json.loads((tmp_path / "remote" / "summary.json").read_text())["filter_macro_hints"] == [hint]


def test_the_search_without_the_filter_macro_sees_what_the_runs_could_have_seen(
        double: SplunkdDouble, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """The tenant's logs loaded in bulk an hour after the period (``_indextime`` after every run): no run saw them,
    so the tuned filter macro silenced nothing, and nothing is said of it. The search without the macro is bounded
    as a run at the period's end (``index_latest`` = that time + 1 s), so the answer the checkpoint keeps is the
    one it gives again; bounded by ``_time`` only, it counted the events indexed later and named the macro."""
    after = (parse_timestamp(TUNED_TO) or 0.0) + 3600

    def bulk(events: list[Event]) -> None:
        for event in events:
            event["_indextime"] = after

    root = tuned_on(load(double, bulk), tmp_path)
    token_env(monkeypatch, double)
    run = cli(capsys, ["backtest", "--root", str(root), *TUNED_PERIOD, "--splunk", double.url, "--ca-file",
                       str(double.ca_file), "--index", INDEX, *FAST, "--out", str(tmp_path / "remote")])
    assert run.code == 0, run.err
    summary = json.loads((tmp_path / "remote" / "summary.json").read_text())
    assert summary["totals"][TENANT_WIDE]["results"] == 0 and summary["totals"][TENANT_WIDE]["runs"] > 0
    assert summary["filter_macro_hints"] == [] and "hint:" not in run.err
