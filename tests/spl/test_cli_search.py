"""`contentpack search` end to end on the real samples: what a Splunk user would see."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from contentpack.cli import main
from terminal_output import stderr_on_terminal

from .spl_support import SAMPLE_LOGS

REPO = Path(__file__).resolve().parents[2]
USER_CALC = ("user=coalesce('properties.initiatedBy.user.userPrincipalName','properties.userPrincipalName',"
             "'properties.servicePrincipalName')")


def write_macros(tmp_path: Path) -> Path:
    folder = tmp_path / "macros"
    folder.mkdir()
    (folder / "azure_monitor_aad.yml").write_text(
        "name: azure_monitor_aad\ndefinition: sourcetype=azure:monitor:aad\ndescription: d\n")
    (folder / "security_content_ctime.yml").write_text(
        "name: security_content_ctime\narguments:\n- field\n"
        "definition: convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)\ndescription: d\n")
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["search", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


STOPPED = "contentpack search: the search stopped at this problem, with no results\n"
# a bad --events line: what to do, and which command reads on past it (the summary once said only that it stopped)
BAD_LINE_SUMMARY = ("the search stopped at this problem, with no results: correct or delete the bad line(s) of --events "
                    "it names (backtest --events reads on past them and counts them)")


def refused(where: str, message: str, rule: str = "RP003") -> str:
    """What stderr holds when the search stops at a problem in its input: the positioned diagnostic (``<search>``
    for the search text, as the replay's RP003 for a detection's search; an --events line's RP002), then the
    summary."""
    summary = f"contentpack search: {BAD_LINE_SUMMARY}\n" if rule == "RP002" else STOPPED
    return f"{where}: error[{rule}]: {message}\n{summary}"


def test_consent_search_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        '`azure_monitor_aad` operationName="Consent to application" | rename properties.* as * | table user result',
        "--events", str(SAMPLE_LOGS), "--macros", str(write_macros(tmp_path)), "--calc", USER_CALC,
        "--format", "json",
    )
    assert status == 0
    assert json.loads(out) == [{"user": "user15@splunkresearch.onmicrosoft.com", "result": "failure"}]


def test_table_format_shows_columns_and_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "`azure_monitor_aad` | stats count by category | `security_content_ctime(x)`",
        "--events", str(SAMPLE_LOGS), "--macros", str(write_macros(tmp_path)),
    )
    assert status == 0
    assert "category" in out and "AuditLogs" in out and "15" in out and "2 result(s)" in out


def test_csv_format_with_aliases_and_multivalues(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        'operationName="Sign-in activity" | table src signature properties.authenticationDetails{}.succeeded',
        "--events", str(SAMPLE_LOGS), "--alias", "callerIpAddress=src", "--alias", "operationName=signature",
        "--format", "csv",
    )
    assert status == 0
    header, row = list(csv.reader(io.StringIO(out)))
    assert header == ["src", "signature", "properties.authenticationDetails{}.succeeded"]
    assert row[:2] == ["1.2.3.4", "Sign-in activity"] and "\n" in row[2]


def test_a_syntax_error_is_a_diagnostic_at_its_line_and_column_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """README: every command reports a problem in its input as ``path:line:col: severity[RULE]: message`` (or the
    one JSON document of validate with ``--format json``), exit 1 for invalid input; the search once said
    ``contentpack search: error: ... (column 19)`` as a usage error (exit 2), and as text under --format json."""
    status, out, err = run(capsys, "* | stats count by", "--events", str(SAMPLE_LOGS))
    assert (status, out) == (1, "")
    assert err == refused("<search>:1:19", "stats: expected field names after BY, found end of command")
    status, out, err = run(capsys, "* | stats coutn(a)", "--events", str(SAMPLE_LOGS), "--format", "json")
    assert (status, err) == (1, "")
    assert json.loads(out) == {"ok": False, "diagnostics": [
        {"path": "<search>", "line": 1, "col": 11, "severity": "error", "rule": "RP003",
         "message": "unknown stats function 'coutn' (did you mean 'count'?)"}],
        "summary": "the search stopped at this problem, with no results"}


def test_a_quote_missing_early_names_the_other_quotes_at_their_line_and_column(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The string left open by the missing quote after ``x`` ran to ``value=``: the error was at the quote after
    ``u`` on the last line. Now at the opening quote, naming the others as the diagnostic's own place reads."""
    status, out, err = run(capsys, 'a="x\n| eval b=1\n| fillnull value="u" c', "--events", str(SAMPLE_LOGS))
    assert (status, out) == (1, "")
    assert err == refused("<search>:1:3", "unterminated string: the quote here opens a string that runs across a '|' "
                          "to the quote at line 3 column 18, so the quote at line 3 column 20 is never closed (is a "
                          "quote missing here?)")


@pytest.mark.parametrize("spl", ["", "  \n\t"])
def test_an_empty_search_is_a_usage_error(capsys: pytest.CaptureFixture[str], spl: str) -> None:
    """Splunk runs no empty search; the command said "0 result(s)" and exit 0, as if nothing had matched."""
    assert run(capsys, spl, "--events", str(SAMPLE_LOGS)) == (2, "", "contentpack search: error: the search is empty\n")


def test_a_search_over_several_lines_is_placed_at_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A detection's search pasted as written spans lines: the column counts from the start of its own line, as
    an editor shows it (``loader.text_position``), not from the start of the text."""
    status, out, err = run(capsys, "*\n| stats count\n| eval x=mni(1, 2)", "--no-pack", "--events", str(SAMPLE_LOGS))
    assert (status, out) == (1, "")
    assert err == refused("<search>:3:10", "unknown eval function 'mni' (did you mean 'min'?)")


def test_unsupported_command_and_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "| tstats count", "--events", str(SAMPLE_LOGS))
    assert status == 1 and err.startswith("<search>:1:3: error[RP003]: 'tstats' ") and err.endswith(STOPPED)
    status, _, err = run(capsys, "*", "--events", str(tmp_path / "missing.jsonl"))
    assert (status, err) == (2, f"contentpack search: error: {tmp_path / 'missing.jsonl'}: no such file or folder\n")
    status, _, err = run(capsys, "*", "--events", str(SAMPLE_LOGS), "--earliest=-3x")
    assert status == 2 and "--earliest" in err


def _storage_account_export(tmp_path: Path) -> Path:
    """An Azure storage account's diagnostic archive, as a new user downloads it: ``PT1H.json`` files under
    ``insights-logs-*/.../``, one gzip-compressed, beside a README that holds no logs."""
    lines = SAMPLE_LOGS.read_text(encoding="utf-8").splitlines(keepends=True)
    root = tmp_path / "export"
    audit = root / "insights-logs-auditlogs" / "y=2026" / "m=01" / "d=05" / "h=10"
    signin = root / "insights-logs-signinlogs" / "y=2026" / "m=01" / "d=05" / "h=11"
    audit.mkdir(parents=True)
    signin.mkdir(parents=True)
    (audit / "PT1H.json").write_text("".join(lines[:3]), encoding="utf-8")
    (signin / "PT1H.json.gz").write_bytes(gzip.compress("".join(lines[3:5]).encode("utf-8")))
    (root / "README.md").write_text("what this export holds\n", encoding="utf-8")
    return root


def test_a_folder_given_to_events_is_read_as_backtest_reads_it(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A storage account's archive (``insights-logs-*/.../PT1H.json``, some gzipped) needed one ``--events`` a file,
    where ``backtest --events`` takes the folder: search finds its files as backtest does (``inputs.find_inputs``),
    the compressed one too, and names what the folder held that it did not read, in backtest's words."""
    root = _storage_account_export(tmp_path)
    status, out, err = run(capsys, "* | stats count by source", "--no-pack", "--events", str(root), "--format", "json")
    assert status == 0, err
    audit = root / "insights-logs-auditlogs" / "y=2026" / "m=01" / "d=05" / "h=10" / "PT1H.json"
    signin = root / "insights-logs-signinlogs" / "y=2026" / "m=01" / "d=05" / "h=11" / "PT1H.json.gz"
    assert json.loads(out) == [{"source": str(audit), "count": "3"}, {"source": str(signin), "count": "2"}]
    assert err == ("contentpack search: note: 1 file(s) in the folder(s) not read, as not named like logs (.json, "
                   f".jsonl, .ndjson, .log, .csv, .txt, or .gz): {root / 'README.md'}\n")
    # a folder with no log file is refused as backtest refuses it
    empty = tmp_path / "empty"
    empty.mkdir()
    status, out, err = run(capsys, "* | stats count", "--no-pack", "--events", str(empty))
    assert (status, out) == (2, "")
    assert err == (f"contentpack search: error: {empty}: the folder holds no log files (.json, .jsonl, .ndjson, .log, "
                   ".csv, .txt, or .gz)\n")


def test_a_name_splunk_does_not_have_is_a_typo_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    """A name outside the Search Reference's commands and functions (src/contentpack/data/splunk_spl_builtins.json,
    its sources cited there) is a slip to correct, not a feature the engine lacks: the search says so with the
    closest built-in, as validate's CP061 does."""
    for spl, where, message in (("* | stat count", "1:5", "unknown search command 'stat' (did you mean 'stats'?)"),
                                ("* | eval x=mni(1, 2)", "1:12", "unknown eval function 'mni' (did you mean 'min'?)"),
                                ("* | stats dc2(x)", "1:11", "unknown stats function 'dc2' (did you mean 'dc'?)")):
        status, out, err = run(capsys, spl, "--no-pack", "--events", str(SAMPLE_LOGS))
        assert (status, out, err) == (1, "", refused(f"<search>:{where}", message)), spl
    # a Splunk command the engine does not run keeps the engine's own wording: no suggestion, no typo claim
    status, _, err = run(capsys, "* | anomalydetection x", "--no-pack", "--events", str(SAMPLE_LOGS))
    assert (status, err) == (1, refused("<search>:1:5", "command 'anomalydetection' is not supported"))


def test_a_pack_custom_command_is_not_called_a_typo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A command the pack declares in contentpack.yml custom_commands is real (another app provides it); the
    engine cannot run it, and says only that."""
    root = tmp_path / "pack"
    shutil.copytree(REPO / "tests" / "content" / "fixtures" / "valid", root)
    config = root / "contentpack.yml"
    config.write_text(config.read_text(encoding="utf-8") + "custom_commands:\n- name: stat\n  app: TA-stat\n",
                      encoding="utf-8")
    status, _, err = run(capsys, "* | stat count", "--root", str(root), "--events", str(SAMPLE_LOGS))
    assert (status, err) == (1, refused("<search>:1:5", "command 'stat' is not supported"))


def test_time_window_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "* | stats count", "--events", str(SAMPLE_LOGS), "--now", "1707500000",
                         "--earliest=-2d", "--format", "json")
    assert status == 0 and json.loads(out) == [{"count": "2"}]


def test_iso_bounds_with_their_zone_paste_from_a_notables_drilldown(capsys: pytest.CaptureFixture[str]) -> None:
    """``notables.jsonl`` gives a drilldown's earliest/latest as UTC ISO 8601 (docs/backtest.md, "Notables'
    drilldowns"); they read as the same moments as the epochs."""
    window = ("--earliest", "2024-02-07T17:33:20Z", "--latest", "2024-02-09T18:33:20+01:00")
    status, out, _ = run(capsys, "* | stats count", "--events", str(SAMPLE_LOGS), *window, "--format", "json")
    epochs = ("--earliest", "1707327200", "--latest", "1707500000")
    status_epochs, out_epochs, _ = run(capsys, "* | stats count", "--events", str(SAMPLE_LOGS), *epochs,
                                       "--format", "json")
    assert status == status_epochs == 0 and json.loads(out) == json.loads(out_epochs) == [{"count": "2"}]


def test_an_iso_time_without_its_zone_is_utc_as_backtest_reads_it(capsys: pytest.CaptureFixture[str]) -> None:
    """``backtest --from 2024-02-07T17:33:20`` is that time in UTC: so is ``search --earliest`` with the same text
    (``cli.typed_time``, the one reader of both), where it was refused; a date alone is its midnight, UTC. With
    another ``--tz`` (the zone ``%m/%d/%Y:%H:%M:%S`` is read in) it is refused, naming the option and the value,
    rather than read one way or the other."""
    texts = (("--earliest", "2024-02-07T17:33:20", "--latest", "2024-02-09"),
             ("--earliest", "2024-02-07T17:33:20Z", "--latest", "2024-02-09T00:00:00Z"))
    counts = []
    for window in texts:
        status, out, _ = run(capsys, "* | stats count", "--events", str(SAMPLE_LOGS), *window, "--format", "json")
        assert status == 0
        counts.append(json.loads(out))
    assert counts[0] == counts[1] == [{"count": "2"}]
    status, out, err = run(capsys, "*", "--events", str(SAMPLE_LOGS), "--earliest", "2024-02-07T17:33:20",
                           "--tz", "Europe/Paris")
    assert (status, out) == (2, "") and "Traceback" not in err
    assert "--earliest: '2024-02-07T17:33:20' has no zone, and --tz is Europe/Paris: add the zone" in err
    status, _, err = run(capsys, "*", "--events", str(SAMPLE_LOGS), "--latest", "2024-02-30")
    assert status == 2 and "--latest: not a time: '2024-02-30'; give ISO 8601 with its zone" in err


def test_the_projects_own_macros_load(capsys: pytest.CaptureFixture[str]) -> None:
    macros = REPO / "macros"
    if not (macros / "entra_id_signin_and_audit_logs.yml").is_file():
        pytest.fail("the project must ship macros/entra_id_signin_and_audit_logs.yml")
    status, out, _ = run(capsys, "`entra_id_signin_and_audit_logs` | stats count", "--events", str(SAMPLE_LOGS),
                         "--macros", str(macros / "entra_id_signin_and_audit_logs.yml"), "--format", "json")
    assert status == 0 and json.loads(out) == [{"count": "16"}]


def test_lookup_match_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lookup-option carries transforms.conf matching settings (case_sensitive_match, match_type WILDCARD,
    min_matches/default_match) to the lookup, as a lookup definition would."""
    events = tmp_path / "e.jsonl"
    events.write_text('{"time": 2, "app": "evilapp"}\n{"time": 1, "app": "Good"}\n', encoding="utf-8")
    table = tmp_path / "apps.csv"
    table.write_text("app,verdict\nEvil*,bad\n", encoding="utf-8")
    status, out, err = run(
        capsys, "* | lookup apps app OUTPUT verdict | table app verdict", "--no-pack", "--events", str(events),
        "--lookup", f"apps={table}", "--lookup-option", "apps:match_type=WILDCARD(app)",
        "--lookup-option", "apps:case_sensitive_match=false", "--lookup-option", "apps:min_matches=1",
        "--lookup-option", "apps:default_match=unknown", "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out) == [{"app": "evilapp", "verdict": "bad"}, {"app": "Good", "verdict": "unknown"}]


def test_an_output_field_the_table_lacks_is_named_not_answered(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The engine refuses an OUTPUT field that is not a column of the table (what Splunk does with one is not
    documented): an error naming the table, the field and why, at the lookup's column, never an empty field."""
    events = tmp_path / "e.jsonl"
    events.write_text('{"time": 1, "app": "Evil"}\n', encoding="utf-8")
    table = tmp_path / "apps.csv"
    table.write_text("app,verdict\nEvil,bad\n", encoding="utf-8")
    search = "* | lookup apps app OUTPUT verdikt | table app verdikt"
    status, out, err = run(capsys, search, "--no-pack", "--events", str(events), "--lookup", f"apps={table}")
    assert (status, out) == (1, "")
    assert err == refused(f"<search>:1:{search.index('lookup') + 1}", "lookup: table 'apps' has no column 'verdikt' "
                          "to OUTPUT, which is not supported: what Splunk does with an output field its table lacks "
                          "is not documented")


@pytest.mark.parametrize("option, message", [
    ("apps:colour=red", "unknown setting 'colour'"),
    ("apps:max_matches=lots", "max_matches expects a whole number"),
    ("apps:max_matches=\u00b2", "max_matches expects a whole number"),  # str.isdigit passed it: internal error
    ("apps:min_matches=" + "9" * 5000, "apps:min_matches: a number of 5,000 digits, more than this engine reads"),
    ("other:min_matches=1", "no --lookup named 'other'"),
    ("apps:match_type=FUZZY(app)", "expected WILDCARD"),
])
def test_bad_lookup_options_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str,
                                             message: str) -> None:
    events = tmp_path / "e.jsonl"
    events.write_text('{"time": 1, "app": "x"}\n', encoding="utf-8")
    table = tmp_path / "apps.csv"
    table.write_text("app,verdict\nx,y\n", encoding="utf-8")
    status, out, err = run(capsys, "* | lookup apps app", "--no-pack", "--events", str(events), "--lookup", f"apps={table}",
                           "--lookup-option", option)
    assert status == 2 and out == "" and message in err and "Traceback" not in err


def test_geoip_option_feeds_iplocation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--geoip CSV is the table iplocation reads (a 'network' CIDR column and location columns)."""
    events = tmp_path / "e.jsonl"
    events.write_text('{"time": 1, "src": "8.8.8.8"}\n', encoding="utf-8")
    geo = tmp_path / "geo.csv"
    geo.write_text("network,City,Country\n8.8.8.0/24,Mountain View,United States\n", encoding="utf-8")
    status, out, err = run(capsys, "* | iplocation src | table src City Country", "--no-pack", "--events", str(events),
                           "--geoip", str(geo), "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out) == [{"src": "8.8.8.8", "City": "Mountain View", "Country": "United States"}]
    status, _, err = run(capsys, "* | iplocation src", "--no-pack", "--events", str(events))
    assert status == 1 and err.startswith("<search>:1:5: error[RP003]: iplocation needs a GeoIP table")


def test_a_search_making_its_own_rows_needs_no_events(capsys: pytest.CaptureFixture[str]) -> None:
    """`| makeresults` runs without --events, at the clock's time as Splunk's ``now()`` is when a search runs
    (Search Reference, makeresults: "_time ... the time the search was run")."""
    before = time.time()
    status, out, err = run(capsys, '| makeresults | eval now=now(), t=_time', "--no-pack", "--format", "json")
    rows = json.loads(out)
    assert status == 0 and err == "" and len(rows) == 1
    assert int(before) - 1 <= int(rows[0]["t"]) == int(rows[0]["now"]) <= time.time() + 1


def test_no_events_and_no_rows_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "index=main | table user", "--no-pack")
    assert status == 0 and "0 result(s)" in out
    assert err == ("contentpack search: hint: no results, and no --events were given: only a search that makes its "
                   "own rows ('| makeresults', '| inputlookup') returns any without them\n")


def test_no_events_and_a_count_of_zero_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    """`| stats count` answers a row (count=0) over no events, so "no results" never held and the forgotten
    --events went unmentioned; a search that makes its own rows still runs without a word."""
    status, out, err = run(capsys, "* | stats count", "--no-pack", "--format", "json")
    assert status == 0 and json.loads(out) == [{"count": "0"}]
    assert err == ("contentpack search: hint: the search read no events: no --events were given (only a search "
                   "that makes its own rows, such as '| makeresults', needs none)\n")
    status, out, err = run(capsys, "| makeresults count=2 | stats count", "--no-pack", "--format", "json")
    assert status == 0 and json.loads(out) == [{"count": "2"}] and err == ""


def test_an_empty_table_is_its_count_alone(capsys: pytest.CaptureFixture[str]) -> None:
    """No rows and no columns drew an empty table: a blank line above the count."""
    status, out, _ = run(capsys, "| makeresults | where 1=2 | stats count by user", "--no-pack")
    assert status == 0 and out == "0 result(s)\n"


def test_an_unknown_macro_outside_a_pack_says_no_pack_was_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's example run from another folder named the macro and nothing else: the pack's macros are
    loaded only inside the pack or with --root."""
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "`entra_id_signin_and_audit_logs` | stats count", "--events", str(SAMPLE_LOGS))
    assert status == 1
    assert err == refused("<search>:1:1", "unknown macro 'entra_id_signin_and_audit_logs'; no pack was loaded "
                          "(none around the working directory): run inside the pack, or give --root DIR or --macros")
    status, _, err = run(capsys, "`entra_id_signin_and_audit_logs` | stats count", "--no-pack", "--events", str(SAMPLE_LOGS))
    assert (status, err) == (1, refused("<search>:1:1", "unknown macro 'entra_id_signin_and_audit_logs'; --no-pack "
                                        "leaves out the pack's macros (give them with --macros)"))
    monkeypatch.chdir(REPO)  # inside the pack the macro is known; an unknown one gets no such advice
    status, _, err = run(capsys, "`azure_monitor_add` | stats count", "--events", str(SAMPLE_LOGS))
    assert (status, err) == (1, refused("<search>:1:1", "unknown macro 'azure_monitor_add'"))


def test_an_unknown_macro_is_placed_at_its_call_with_the_close_name(capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's typo of one of the pack's macros was reported with no word on what was meant: the call's line
    and column in the search, and the pack's macro it is close to."""
    monkeypatch.chdir(REPO)
    status, _, err = run(capsys, "`entra_id_signin_and_audit_logz` | stats count", "--events", str(SAMPLE_LOGS))
    assert (status, err) == (1, refused("<search>:1:1", "unknown macro 'entra_id_signin_and_audit_logz' (did you "
                                        "mean 'entra_id_signin_and_audit_logs'?)"))
    status, _, err = run(capsys, "| makeresults\n  | `entra_id_ctme(_time)` | stats count")
    assert (status, err) == (1, refused("<search>:2:5", "unknown macro 'entra_id_ctme(1)' (did you mean "
                                        "'entra_id_ctime'?)"))


def test_table_shows_a_multivalue_field_one_value_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A multivalue field's values stack in their cell, as Splunk's results table shows them; a newline inside
    one value stays escaped, so the two never look alike."""
    status, out, _ = run(capsys, '| makeresults | eval mv=split("a,b", ","), one="l1\nl2" | fields - _time',
                         "--no-pack")
    lines = out.splitlines()
    assert status == 0
    assert lines[3] == "│ a  │ l1\\nl2 │" and lines[4] == "│ b  │        │", out


def test_a_long_table_shows_its_first_thousand_rows_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "| makeresults count=1500 | streamstats count as n | fields - _time", "--no-pack")
    lines = out.splitlines()
    assert status == 0 and "│ 1000 │" in out and "│ 1001 │" not in out
    assert lines[-1] == "1,500 result(s); the table shows the first 1,000 (--format csv or json prints them all)"
    status, out, _ = run(capsys, "| makeresults count=1500 | streamstats count as n | fields - _time", "--no-pack",
                         "--format", "csv")
    assert out.splitlines()[-1] == "1500" and len(out.splitlines()) == 1501


CUT = ("| makeresults | eval id=mvrange(1, 10003) | mvexpand id "
       "| search [| makeresults | eval id=mvrange(1, 10003) | mvexpand id | fields id] | stats count")


@pytest.mark.parametrize(("fmt", "rows"), [
    ("csv", lambda out: list(csv.DictReader(io.StringIO(out)))),
    ("json", json.loads),
])
def test_a_subsearch_cut_is_said_on_stderr_never_in_the_rows(capsys: pytest.CaptureFixture[str], fmt: str,
                                                             rows: Callable[[str], object]) -> None:
    """Search Manual, "About subsearches": a subsearch returns at most 10,000 results (limits.conf [subsearch]
    maxout). Splunk says so in the job's messages, "[subsearch]: Subsearch produced N results, truncating to
    maxout 10000." (wording ``assumed``); the command prints it on stderr after the results, so the CSV and the
    JSON on stdout hold the rows alone."""
    status, out, err = run(capsys, CUT, "--no-pack", "--format", fmt)
    assert status == 0
    assert rows(out) in ([{"count": "10000"}], [{"count": 10_000}])
    assert err == ("contentpack search: warn: [subsearch]: Subsearch produced 10002 results, truncating to maxout "
                   "10000.\n")


def test_a_subsearch_within_its_maxout_prints_no_message(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, CUT.replace("10003", "10001"), "--no-pack")
    assert status == 0 and "10000" in out and err == ""


def test_a_function_failure_names_the_function_once(capsys: pytest.CaptureFixture[str]) -> None:
    """The evaluator prefixes a function's failure with ``name():``; the functions once added their own name too
    ("strftime(): strftime: Python int too large to convert to C int"), and a time past year 9999 was worded
    in Python's terms."""
    for spl, message in (
            ('| makeresults | eval t=strftime(1e308, "%Y")',
             "strftime(): the time 1e+308 is outside the supported calendar (years 1 to 9999)"),
            ('| makeresults | eval t=relative_time(now(), "-1x")',
             "relative_time(): invalid time modifier '-1x': unknown time unit 'x'"),
            ('| makeresults | eval t=tostring(1, "octal")',
             "tostring(): the format 'octal' is not supported (\"binary\", \"hex\", \"commas\" or \"duration\")")):
        status, out, err = run(capsys, spl, "--no-pack")
        assert (status, out, err) == (1, "", refused("<search>:1:24", message)), spl


def test_an_empty_events_file_is_named_in_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export that failed (an empty file) answered ``| stats count`` with 0 and not a word, as a tenant that
    did nothing would; the rows are unchanged, the note is on stderr, and a file with events gets none. A note, as
    ``backtest`` names an empty file (it was a "hint" here and a "note" there): a fact about the input, where a
    hint says what to change in the search."""
    empty = tmp_path / "week.json"
    empty.write_text("")
    status, out, err = run(capsys, "* | stats count", "--events", str(SAMPLE_LOGS), "--events", str(empty),
                           "--format", "csv")
    assert (status, out.split()) == (0, ["count", "16"])
    assert err == f"contentpack search: note: {empty} is empty: the search read no events from it\n"


def test_an_empty_events_file_alone_is_the_one_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """When every ``--events`` file is empty, that is why nothing came back: the hint on a field no event has
    (``groups by 'category' (stats), a field no event has; is it a search-time field ...?``) followed it and sent
    a newcomer after a field the search had right (newuser23). A file with events beside it keeps that hint."""
    empty = tmp_path / "week.json"
    empty.write_text("")
    status, out, err = run(capsys, "* | stats count by category", "--events", str(empty), "--format", "csv")
    said = f"contentpack search: note: {empty} is empty: the search read no events from it\n"
    assert (status, out.strip(), err) == (0, "", said)
    status, out, err = run(capsys, "* | stats count by categry", "--events", str(SAMPLE_LOGS), "--events", str(empty),
                           "--format", "csv")
    assert "'categry' (stats), a field no event has (did you mean 'category'?)" in err


def test_many_empty_events_files_are_one_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder of failed exports gave a note a file (hundreds of lines before the rows' story); they are one note,
    the first five named and the rest counted, and every file empty still leaves out the hint on a field no event
    has (the empty files are why nothing came back)."""
    empty = [tmp_path / f"day{number}.json" for number in range(7)]
    for path in empty:
        path.write_text("")
    status, out, err = run(capsys, "* | stats count by category", *(part for path in empty
                                                                    for part in ("--events", str(path))),
                           "--format", "csv")
    named = ", ".join(str(path) for path in empty[:5])
    assert (status, out.strip(), err) == (
        0, "", f"contentpack search: note: 7 files are empty: the search read no events from them: {named} (+2 more)\n")


def test_a_missing_lookup_file_is_named_in_plain_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "apps.csv"
    status, out, err = run(capsys, "| inputlookup apps", "--lookup", f"apps={missing}")
    assert (status, out) == (2, "")
    assert err == f"contentpack search: error: {missing}: cannot read lookup 'apps': no such file or folder\n"


def test_an_empty_chart_over_a_field_no_event_has_gets_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    """``chart count over usr``: no event has ``usr`` (a typo of ``user``), so no row, and the hint names it as it
    does a stats ``by`` field (spl/hints.py); the chart page's row split is what stats groups by."""
    status, out, err = run(capsys, "* | chart count over usr by category", "--events", str(SAMPLE_LOGS),
                           "--no-pack", "--format", "json")
    assert status == 0 and json.loads(out) == []
    assert err.startswith("contentpack search: hint: no results, and the search groups by 'usr' (chart), a field no "
                          "event has;")


def test_a_gzip_file_is_read_by_its_bytes_as_backtest_reads_it(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """``--events x.json.gz`` (a compressed log, which backtest reads) was refused: "decompress it first". It is
    read as backtest reads it, told by its bytes, not its name (``named.log``); a damaged one is refused in
    backtest's words, saying how to test it; a compressed text log is what backtest does not read either."""
    whole = gzip.compress(b'{"time": "2024-01-01T00:00:00Z", "user": "a"}\n{"time": "2024-01-01T00:00:01Z"}\n')
    for name in ("x.json.gz", "named.log"):
        path = tmp_path / name
        path.write_bytes(whole)
        for spl, count in (("search * | stats count", "2"), ("search user=a | stats count", "1")):
            status, out, err = run(capsys, spl, "--events", str(path), "--no-pack", "--format", "json")
            assert (status, json.loads(out), err) == (0, [{"count": count}], ""), (name, spl)
    corrupt = tmp_path / "corrupt.json.gz"
    corrupt.write_bytes(whole[:12])
    status, out, err = run(capsys, "search * | stats count", "--events", str(corrupt), "--no-pack")
    assert (status, out, err.splitlines()) == (2, "", [
        f"contentpack search: error: {corrupt}: cannot read: the gzip file ends before its compressed data does: a "
        f"download, copy or export cut short or damaged? Make it again (gzip -t {corrupt} tests a file)"])


def test_a_line_that_is_no_json_object_is_a_bad_line_as_backtest_judges_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In a JSON-lines export with two malformed records (lines 4 and 40) and a line of text (11), search listed
    "2 malformed lines: lines 4, 40" and read line 11 as a text event, where backtest called it "not a JSON object".
    One judgement now (``events.json_lines_head``, ``events.NOT_AN_OBJECT``): in a file of JSON lines, every line
    must be an object, for both commands, whether scanned (lazy) or loaded, plain or gzip-compressed; a text log
    (no JSON object in its head) is still read a line an event."""
    from contentpack.backtest.inputs import EventReader, ReadReport
    from contentpack.backtest.rawfilter import RawFilter
    from contentpack.spl.errors import SplEventsError
    from contentpack.spl.events import read_events

    records = SAMPLE_LOGS.read_text(encoding="utf-8").splitlines()
    lines = [records[number % len(records)] for number in range(44)]
    lines[3], lines[10], lines[39] = lines[3][:40], "garbage text line", '{"time": "x",'
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    zipped = tmp_path / "broken.jsonl.gz"
    zipped.write_bytes(gzip.compress(path.read_bytes()))
    report = ReadReport()  # what backtest says of the file
    list(EventReader(RawFilter([()]), None, report=report).read_file(path))
    assert [(bad.line, bad.message) for bad in report.bad_lines][1:] == [(11, "not a JSON object"), (40, (
        "malformed JSON event: expecting property name enclosed in double quotes"))]
    first = report.bad_lines[0]
    for events in (path, zipped):
        status, out, err = run(capsys, "* | stats count", "--no-pack", "--events", str(events))
        assert (status, out, err) == (1, "", refused(f"{events}:4:{first.column}", f"{first.message} (3 malformed "
                                                     "lines in all: lines 4, 11, 40)", "RP002")), events
    with pytest.raises(SplEventsError) as raised:  # the loading reader (not the scan) judges it the same way
        list(read_events(path, sourcetype="azure:monitor:aad"))
    assert "(3 malformed lines in all: lines 4, 11, 40)" in str(raised.value)
    text = tmp_path / "app.log"  # no JSON object in its head: a text log, each line an event
    text.write_text("garbage text line\nanother line\n", encoding="utf-8")
    status, out, _ = run(capsys, "* | stats count", "--no-pack", "--events", str(text), "--format", "json")
    assert (status, json.loads(out)) == (0, [{"count": "2"}])


@pytest.mark.parametrize("bad", ['{"records": [1,]}', '{"result": {"_raw": x}}', '{"user": x}'],
                         ids=["event-hub-message", "export-row", "record"])
def test_a_line_that_does_not_decode_is_worded_alike_plain_or_gzip(
        bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One fault, one wording (``events.MALFORMED_EVENT``): the backtest's reader, which reads a ``.gz`` file for
    ``search`` too, said ``malformed JSON:`` for a line starting as an Event Hub message or an export row, where the
    scan of the same plain file said ``malformed JSON event:``, at the same ``path:line:col``."""
    from contentpack.backtest.inputs import EventReader, ReadReport
    from contentpack.backtest.rawfilter import RawFilter

    path = tmp_path / "cut.json"
    path.write_text('{"time": "2024-01-01T00:00:00Z", "user": "a"}\n' + bad + "\n", encoding="utf-8")
    zipped = tmp_path / "cut.json.gz"
    zipped.write_bytes(gzip.compress(path.read_bytes()))
    said = []
    for events in (path, zipped):
        status, out, err = run(capsys, "* | stats count", "--no-pack", "--events", str(events))
        said.append((status, out, err.replace(str(events), "FILE")))
    assert said[0] == said[1]
    assert said[0][2].startswith("FILE:2:"), said[0]
    assert ": malformed JSON event: " in said[0][2]
    report = ReadReport()  # what backtest says of the file
    list(EventReader(RawFilter([()]), None, report=report).read_file(path))
    assert [bad.message.split(":")[0] for bad in report.bad_lines] == ["malformed JSON event"]


def test_bad_lines_are_named_by_file_and_line_with_no_column_of_the_search(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file's malformed lines are the file's problem, at its lines: the message once ended with a stray
    "(column 1)" (the column of the search command that read the file), after the line numbers it listed. The
    search's own errors keep their column. Each is a positioned diagnostic at the first bad line (RP002, the
    replay's rule for attack data it cannot read, with the same message), exit 1 as backtest's bad lines; with
    ``--format json`` validate's JSON document (it was text on stderr, exit 2). The summary says what to do with them
    and that ``backtest --events`` reads on past them (it once said only that the search stopped)."""
    path = tmp_path / "x.jsonl"
    path.write_text('{"a":\n{"time": "2024-01-01T00:00:00Z"\n', encoding="utf-8")
    message = "malformed JSON event: expecting value (2 malformed lines in all: lines 1, 2)"
    document = {"ok": False, "diagnostics": [{"path": str(path), "line": 1, "col": 6, "severity": "error",
                                              "rule": "RP002", "message": message}],
                "summary": BAD_LINE_SUMMARY}
    for spl in ("search * | stats count", "| stats count", "search a | head 1", "search * | stats count by a"):
        status, out, err = run(capsys, spl, "--events", str(path), "--no-pack")
        assert (status, out, err) == (1, "", refused(f"{path}:1:6", message, "RP002")), spl
        status, out, err = run(capsys, spl, "--events", str(path), "--no-pack", "--format", "json")
        assert (status, json.loads(out), err) == (1, document, ""), spl


@pytest.mark.parametrize(("text", "where", "message"), [
    ('["x"]', 1, "item 1: an element of the array is not a JSON object"),
    ('[5]', 1, "item 1: an element of the array is not a JSON object"),
    ('[\n  {"time": "2024-01-01T00:00:00Z", "a": "1"},\n  "x", 5,\n  [1], null, true, 7\n]', 3,
     "item 2: an element of the array is not a JSON object (6 elements in all: items 2, 3, 4, 5, 6, ...)"),
], ids=["string", "number", "several"])
def test_an_element_of_an_array_that_is_not_an_object_stops_the_search_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: int, message: str) -> None:
    """``["x"]`` once became an event with no field and the file's modification time (a hint said so, exit 0),
    where ``backtest --events`` reports the same element as bad (``item 1: an element of the array is not a JSON
    object``, tests/backtest/test_inputs.py): ``search`` stops at it as at a malformed line, RP002 at the line the
    element starts on, with the backtest's words."""
    path = tmp_path / "events.json"
    path.write_text(text, encoding="utf-8")
    for spl in ("search * | stats count", "search a=1 | table a"):
        status, out, err = run(capsys, spl, "--events", str(path), "--no-pack")
        assert (status, out, err) == (1, "", refused(f"{path}:{where}:1", message, "RP002")), spl


def test_json_writes_time_as_the_date_splunk_and_the_other_formats_give(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Splunk's REST ``output_mode=json`` writes ``_time`` as ISO 8601 text with milliseconds and the offset of the
    user's zone, ``"_time":"2012-11-27T16:30:06.140-08:00"`` (a oneshot search's answer captured in splunk-sdk-java,
    splunk/src/test/resources/resultsMVOneshot5.json; the export the backtest reads, backtest/inputs.py, has the same
    form), which is what the table and csv show: ``--format json`` wrote the epoch number, 1735721999.5. A time no
    calendar date holds stays the number it is, as the table shows it (as text, as every value is:
    ``test_json_writes_every_value_as_text_as_splunk_does``)."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T08:59:59.5Z", "a": "1"}\n', encoding="utf-8")
    common = ("--no-pack", "--events", str(path), "--tz", "America/Los_Angeles")
    status, out, err = run(capsys, "* | table _time a", *common, "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out) == [{"_time": "2025-01-01T00:59:59.500-08:00", "a": "1"}]
    status, out, _ = run(capsys, "* | table _time a", *common, "--format", "csv")
    assert out == "_time,a\n2025-01-01T00:59:59.500-08:00,1\n"
    status, out, _ = run(capsys, "| makeresults | eval _time=1e20 | table _time", "--no-pack", "--format", "json")
    assert (status, json.loads(out)) == (0, [{"_time": "100000000000000000000"}])


def test_json_writes_every_value_as_text_as_splunk_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Splunk's REST ``output_mode=json`` writes every value as a JSON string, a number too, and a multivalue field
    as a list of strings: a ``stats sum(kb) by series`` answer, ``{"sum(kb)":"14372242.758775","series":"twitter"}``
    (captured in splunk-sdk-java, splunk/src/test/resources/data/results/results5.json), an event's
    ``"linecount":"1"`` and multivalue ``"_si":["dfoster-mbp17.local","_internal"]`` (resultsMVOneshotFuture.json
    there). ``--format json`` wrote numbers as JSON numbers (``"count": 2``, ``"d": [1, "x"]``), so a script reading
    ours and Splunk's answers saw different types; the texts are the ones the table and csv show."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "kb": 1.5, "series": "a"}\n'
                    '{"time": "2025-01-01T00:00:01Z", "kb": 2, "series": "a"}\n', encoding="utf-8")
    status, out, err = run(capsys, "* | stats sum(kb) count by series", "--no-pack", "--events", str(path),
                           "--format", "json")
    assert (status, err, json.loads(out)) == (0, "", [{"series": "a", "sum(kb)": "3.5", "count": "2"}])
    status, out, err = run(capsys, '| makeresults | eval n=5, f=0.25, d=mvappend(1, "x"), s="t" '
                           "| table n f d s", "--no-pack", "--format", "json")
    assert (status, err, json.loads(out)) == (0, "", [{"n": "5", "f": "0.25", "d": ["1", "x"], "s": "t"}])


def test_raw_events_show_their_time_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A search with no transforming command lists events, each with its time first (assumed: Splunk's events
    list shows each event's time on its left; no page pins the order of columns): the table and csv listed the
    fields in the events' JSON order, ``_time`` after them. The order a ``table`` or ``fields`` set is kept, and
    rows a transforming command made (no ``_raw``) keep theirs; events whose ``_raw`` a ``fields -`` removed are
    still events."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "a": "1", "b": "x"}\n', encoding="utf-8")

    def header(spl: str, fmt: str = "csv") -> str:
        status, out, err = run(capsys, spl, "--no-pack", "--events", str(path), "--format", fmt)
        assert (status, err) == (0, "")
        return out.splitlines()[0] if fmt == "csv" else out.splitlines()[1]

    assert header("*") == "_time,time,a,b,source,sourcetype,host,index"
    assert header("* | eventstats count") == "_time,time,a,b,source,sourcetype,host,index,count"
    assert header("* | fields - b") == "_time,time,a,source,sourcetype,host,index"
    # ``_raw`` removed, the rows are still the events: time first too (was "time,a,b,_time,source,..."); rows a
    # transforming command made keep their order, ``_raw`` removed or not
    assert header("* | fields - _raw") == "_time,time,a,b,source,sourcetype,host,index"
    assert header("* | eval c=1 | fields - b _raw | where a=1") == "_time,time,a,source,sourcetype,host,index,c"
    assert header("* | fields - _raw | stats count by a _time") == "a,_time,count"
    assert header("* | stats count by a _time | fields - _raw") == "a,_time,count"
    assert header("*", "table").split()[:3] == ["┃", "_time", "┃"]
    assert header("* | table b _time a") == "b,_time,a"
    assert header("* | fields b a") == "b,a,_time"  # the order the fields list sets (test below)
    assert header("* | stats count by a | eval _time=0") == "a,count,_time"
    status, out, _ = run(capsys, "*", "--no-pack", "--events", str(path), "--format", "json")
    assert list(json.loads(out)[0])[:2] == ["time", "a"]  # a JSON object's keys are not columns: as they were


def test_a_filter_that_passes_events_without_a_field_draws_no_hint_on_it(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """``where isnull(a) OR b=1`` keeps every event lacking ``a``: with neither field in any event, ``b`` was named
    as why nothing came back, though the filter let every event through (spl.hints: a filter names a field only
    when it cannot pass without it; tests/spl/test_hints.py has the AND/OR/NOT cases)."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "c": "1"}\n', encoding="utf-8")
    common = ("--no-pack", "--events", str(path), "--format", "csv")
    status, out, err = run(capsys, "* | where isnull(a) OR b=1 | search c=2", *common)
    assert (status, out, err) == (0, "\n", "")
    status, out, err = run(capsys, "* | where isnull(a) AND b=1", *common)
    assert status == 0 and "filters on 'b' (where)" in err and "'a'" not in err
    status, out, err = run(capsys, "* | where isnull(a) OR b=1 | search d=1 | stats count", *common)
    assert out == "count\n0\n" and err.count("hint") == 1 and "filters on 'd' (search)" in err


def test_a_field_a_command_makes_whatever_the_events_hold_draws_no_hint(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A field ``eval`` makes from a constant, or from what ``eventstats`` made, exists whatever the events held: a
    filter on it that keeps nothing is no typo (it was named "a field no event has (nor n, which it would come
    from)", which the backtest's hints, over the pack's own searches, said of every quiet detection counting with
    ``eventstats``); a field ``eval`` makes from an event field no event has still is."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "c": "1"}\n', encoding="utf-8")
    common = ("--no-pack", "--events", str(path), "--format", "csv")
    for spl in ("* | eval flag=1 | where flag=2", "* | eventstats count as n | eval m=n-1 | where m>5"):
        assert run(capsys, spl, *common) == (0, "\n", ""), spl
    status, out, err = run(capsys, "* | eval m=cc-1 | where m>5", *common)
    assert status == 0 and "filters on 'm' (where), a field no event has (nor cc, which it would come from; did " \
                           "you mean 'c'?)" in err


def test_the_field_hint_suggests_the_field_the_events_have_as_the_search_sees_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``properties.reslt`` was named as a field no event has, and the author left to find ``properties.result``
    in the events: the hint says it (spl.suggest.closest, over the events' fields). After ``rename properties.*
    as *`` the name to write is ``result``, not the event's ``properties.result``; a name close to nothing gets
    no suggestion."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "properties": {"result": "success", "appId": "a1"}}\n',
                    encoding="utf-8")
    common = ("--no-pack", "--events", str(path), "--format", "csv")

    def hint(spl: str) -> str:
        status, out, err = run(capsys, spl, *common)
        assert (status, out, err.count("hint:")) == (0, "\n", 1), err
        return err

    assert "filters on 'properties.reslt' (search), a field no event has (did you mean 'properties.result'?); " \
        in hint("properties.reslt=success")
    assert "(did you mean 'result'?)" in hint("* | rename properties.* as * | search reslt=success")
    assert "did you mean" not in hint("* | where isnotnull(zzqx)")


def test_a_field_eval_makes_from_a_misspelt_one_draws_the_events_field_it_misspells(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``eval user=lower(initiatedBy.user.userPrincipalNam)``: ``user`` is no typo, the eval makes it; the field it
    reads is misspelt. The hint compared ``user`` with the events' fields and offered one of theirs (``user_id``;
    ``src_user`` for a new user's events), not ``properties.initiatedBy.user.userPrincipalName``, the field meant."""
    spl = ("sourcetype=azure:monitor:aad | eval user=lower(initiatedBy.user.userPrincipalNam) | stats count by user")
    status, out, err = run(capsys, spl, "--events", str(SAMPLE_LOGS), "--no-pack", "--format", "csv")
    assert (status, out) == (0, "\n")
    assert ("groups by 'user' (stats), a field no event has (nor initiatedBy.user.userPrincipalNam, which it would come "
            "from; did you mean 'properties.initiatedBy.user.userPrincipalName'?); ") in err
    assert err.count("did you mean") == 1


def test_a_filter_on_a_name_a_rename_took_away_draws_the_hint_with_the_new_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After ``rename properties.* as *`` (or ``rename a as b``) the old name is gone (Search Reference, rename:
    after ``rename EU* AS EMEA*`` "the results show these field names: EMEA_UK, EMEA_DE, EMEA_PL"), so a filter on
    it keeps nothing; the hint counted the old name as present (the rename's ``requires`` keeps it) and said
    nothing. It now names the field, and the name the events' field has there. A filter on the new name, or a
    name the rename does not touch, is as it was."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "properties": {"result": "success"}, "a": "1"}\n',
                    encoding="utf-8")
    common = ("--no-pack", "--events", str(path), "--format", "csv")
    status, out, err = run(capsys, "* | rename properties.* as * | search properties.result=success", *common)
    assert (status, out) == (0, "\n")
    assert err == ("contentpack search: hint: no results, and the search filters on 'properties.result' (search), a "
                   "field no event has (nor properties.properties.result, which it would come from) (did you mean "
                   "'result'?); is it an add-on's search-time field? run inside the pack (its data sources define "
                   "them) or add it with --alias/--calc\n")
    status, out, err = run(capsys, "* | rename a as b | search a=1 | stats count", *common)
    assert (status, out) == (0, "count\n0\n")
    assert "first filter kept no event: it filters on 'a' (search), a field no event has (did you mean 'b'?); " in err
    status, out, err = run(capsys, "* | rename a as b | stats count by a", *common)
    assert "groups by 'a' (stats), a field no event has (did you mean 'b'?)" in err
    for spl in ("* | rename properties.* as * | search result=failure", "* | rename a as b | search b=2"):
        status, out, err = run(capsys, spl, *common)
        assert (status, out, err) == (0, "\n", ""), spl


def _two_users(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[tuple[str, ...],
                                                                            Callable[[str], list[str]]]:
    """The options of a search over two events with a ``user`` and no ``usr`` (bob, ``b=2``; amy, ``b=3``), and
    what each hint of such a search names (``'usr' (search)``), the search having succeeded."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "user": "bob", "b": "2"}\n'
                    '{"time": "2025-01-01T00:00:01Z", "user": "amy", "b": "3"}\n', encoding="utf-8")
    common = ("--no-pack", "--events", str(path), "--format", "csv")

    def hints(spl: str) -> list[str]:
        status, _, err = run(capsys, spl, *common)
        assert status == 0
        return [line.split(", a field")[0].split("filters on ")[-1] for line in err.splitlines()]

    return common, hints


def _usr_hint(command: str) -> str:
    """The hint naming ``usr`` (did you mean ``user``) as the filter of ``command`` reads it."""
    return (f"contentpack search: hint: no results, and the search filters on 'usr' ({command}), a field no "
            "event has (did you mean 'user'?); is it an add-on's search-time field? run inside the pack (its "
            "data sources define them) or add it with --alias/--calc\n")


def test_an_or_that_kept_no_event_names_the_field_of_its_branch_no_event_has(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``usr=foo OR user=x`` can pass without ``usr`` (its other branch), so ``usr`` was never named, and when no
    event has ``user=x`` either the typo went unsaid. When the ``search`` kept no event and would keep one were
    ``usr``'s comparisons true, ``usr`` is named (with its did-you-mean). Not when the filter kept events and a
    later command emptied the result, nor when the field's absence only lets events through (``NOT usr=foo``),
    nor when another part fails anyway (``nope=1``, named alone, as it was); a ``where``'s ``OR``: below."""
    common, hints = _two_users(tmp_path, capsys)
    status, out, err = run(capsys, "usr=foo OR user=x", *common)
    assert (status, out) == (0, "\n")
    assert err == _usr_hint("search")
    assert hints("usr=foo OR user=x | stats count") == ["'usr' (search)"]
    assert hints("usr=foo OR grp IN (1, 2) OR user=x") == ["'grp' (search)", "'usr' (search)"]
    assert hints("b=2 (usr=foo OR user=amy)") == ["'usr' (search)"]  # usr=foo with b=2 could have matched
    assert hints("(usr=foo OR user=x) nope=1") == ["'nope' (search)"]
    for spl in ("usr=foo OR user=bob | search b=3", "user=x NOT usr=foo", "sourcetype=other (usr=foo OR user=x)",
                "usr=foo OR user=bob"):
        assert hints(spl) == [], spl


def test_a_where_or_that_kept_no_event_names_the_field_of_its_branch_no_event_has(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ``where``'s ``OR`` gets the ``search`` one's hint (above), by the same rule: ``where usr="foo" OR
    user="x"`` kept no event and would keep one were ``usr``'s comparisons true (each part reading it, as
    ``hints._where_outcome`` takes them: ``usr="foo"``, ``like(usr, "f%")``, ``len(usr)>2``), so ``usr`` is named.
    Not when the ``where`` kept events and a later command emptied the result, nor when the field's absence only
    lets events through (``NOT usr="foo"``, ``isnull(usr)``), nor when another part fails anyway (``nope=1``,
    named alone). An ``OR`` of thousands of parts is taken part by part, as the evaluator takes it."""
    common, hints = _two_users(tmp_path, capsys)
    status, out, err = run(capsys, '* | where usr="foo" OR user="x"', *common)
    assert (status, out) == (0, "\n")
    assert err == _usr_hint("where")
    assert hints('* | where usr="foo" OR user="x" | stats count') == ["'usr' (where)"]
    assert hints('* | where like(usr, "f%") OR grp>1 OR user="x"') == ["'grp' (where)", "'usr' (where)"]
    assert hints('* | where b="2" AND (len(usr)>2 OR user="amy")') == ["'usr' (where)"]  # bob has b=2
    assert hints('* | where NOT NOT (usr="foo" OR user="x")') == ["'usr' (where)"]
    assert hints('* | where (usr="foo" OR user="x") AND nope=1') == ["'nope' (where)"]
    many = " OR ".join(f'user="x{i}"' for i in range(3000))
    assert hints(f'* | where {many} OR usr="foo"') == ["'usr' (where)"]
    assert hints(f'* | where {many} OR user="bob"') == []  # the search returned bob: asked nothing, read the chain
    for spl in ('* | where usr="foo" OR user="bob" | search b=3', '* | where user="x" AND NOT usr="foo"',
                '* | where NOT usr="foo" AND user="x"', '* | where user="x" AND (isnull(usr) OR b="9")',
                'sourcetype=other | where usr="foo" OR user="x"', '* | where usr="foo" OR user="bob"'):
        assert hints(spl) == [], spl


def test_a_risk_read_in_a_subsearch_gets_the_one_risk_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Risk data model read inside ``append [...]`` or ``join [...]`` reads no risk event either: the top-level
    read drew the one hint saying so, the subsearch's none (or hints on risk fields no event has)."""
    from contentpack.cli.search import RISK_HINT

    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "c": "1"}\n', encoding="utf-8")
    risk = "[| from datamodel Risk.All_Risk"
    for spl in (f"* | append {risk} | stats count by risk_object]",
                f"* | join type=left c {risk} | fields c risk_object] | where isnotnull(risk_object)",
                f"* | append {risk}] | append {risk}] | stats count by risk_object"):
        status, _, err = run(capsys, spl, "--no-pack", "--events", str(path), "--format", "csv")
        assert (status, err) == (0, f"contentpack search: hint: {RISK_HINT}\n"), spl


@pytest.mark.assumed
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_renamed_by_field_stays_the_first_column_in_every_format(capsys: pytest.CaptureFixture[str],
                                                                 fmt: str) -> None:
    """Assumed (tests/spl/test_conformance.py, the renamed column's place): ``stats count by X | rename X as code``
    prints ``code`` before ``count`` in csv, json and table output.
    https://github.com/opensearch-project/sql/issues/5045"""
    status, out, _ = run(capsys, "| makeresults | eval X=7 | stats count by X | rename X as code", "--no-pack",
                         "--format", fmt)
    assert status == 0
    assert out.index("code") < out.index("count")


@pytest.mark.assumed
def test_a_fields_list_sets_the_column_order_as_a_table_does(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    """Assumed (the fields page says nothing of order; README and docs/spl_engine.md say a ``fields`` list sets the
    order): ``fields z category time`` over events prints ``z,category,time`` then the internal ``_time``; it
    printed them sorted (``category,time,z``), the order a scan decoding only the needed fields gave (found by
    h-newuser8). A wildcard's matches keep the event's order."""
    path = tmp_path / "f.json"
    path.write_text('{"time":"2026-10-01T00:00:00Z","category":"A","callerIpAddress":"1.2.3.4","z":1}\n')
    status, out, err = run(capsys, "* | fields z category time", "--no-pack", "--events", str(path), "--format", "csv")
    assert (status, out.splitlines()[0]) == (0, "z,category,time,_time"), err
    status, out, err = run(capsys, "* | fields z c*", "--no-pack", "--events", str(path), "--format", "csv")
    assert (status, out.splitlines()[0]) == (0, "z,category,callerIpAddress,_time"), err


def test_a_now_outside_the_calendar_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """``--now 99999999999999999999`` was taken: ``_time`` then printed as a bare number of 21 digits, and time
    functions had no date for it. A moment no date holds (``events.in_calendar``, the years 1 to 9999) is refused,
    as an event's timestamp outside it is not one; the last day inside still runs. The text is quoted as every time
    option quotes it (``typed_time.outside_calendar``): ``--now 0001-01-01`` was, the number was not."""
    status, out, err = run(capsys, "| makeresults | eval t=now()", "--no-pack", "--now", "99999999999999999999")
    assert (status, out) == (2, "")
    assert err == ("contentpack search: error: --now: '99999999999999999999' is outside the calendar: a moment "
                   "from 0001-01-02T00:00:00.000Z to 9999-12-30T00:00:00.000Z\n")
    status, out, _ = run(capsys, "| makeresults | eval t=now() | fields t", "--no-pack", "--now", "253402128000",
                         "--format", "json")
    assert status == 0 and json.loads(out)[0]["t"] == "253402128000"


@pytest.mark.parametrize(("now", "tz"), [("2026-10-12T08:00:00Z", "UTC"), ("2026-10-12T10:00:00+02:00", "UTC"),
                                         ("2026-10-12T08:00", "UTC"), ("2026-10-12T08:00", "Etc/UTC"),
                                         ("10/12/2026:10:00:00", "Europe/Paris"), ("1791792000", "Europe/Paris")])
def test_now_reads_a_time_as_earliest_does(capsys: pytest.CaptureFixture[str], now: str, tz: str) -> None:
    """``--now`` took epoch seconds and ``%m/%d/%Y:%H:%M:%S`` only, where ``--earliest`` and ``--latest`` take ISO
    8601 too (``cli.typed_time``): a notable's time pasted there was "invalid time modifier". Each is one moment."""
    status, out, err = run(capsys, "| makeresults | eval t=now() | fields t", "--no-pack", "--now", now, "--tz", tz,
                           "--format", "json")
    assert (status, json.loads(out)[0]["t"] if out else None) == (0, "1791792000"), err


def test_now_refuses_an_iso_time_without_its_zone_in_another_tz(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "| makeresults", "--no-pack", "--now", "2026-10-12T08:00", "--tz", "Europe/Paris")
    assert (status, out) == (2, "")
    assert err.startswith("contentpack search: error: --now: '2026-10-12T08:00' has no zone, and --tz is "
                          "Europe/Paris: add the zone the time is in"), err


@pytest.mark.parametrize("now", ["-1d", "+1h", "@d", "now", "-7d@d"])
def test_now_refuses_a_time_modifier(capsys: pytest.CaptureFixture[str], now: str) -> None:
    """A relative time modifier counts from the search's current time (Search Reference, *Time modifiers*, where
    ``now`` is that time), which ``--now`` sets: read from epoch 0, ``--now=-1d`` ran the search on 1969-12-31."""
    status, out, err = run(capsys, "| makeresults", "--no-pack", f"--now={now}")
    assert (status, out) == (2, "")
    assert err.startswith(f"contentpack search: error: --now: '{now}' is relative to the search time it would set; "
                          "give epoch seconds"), err


def test_a_pack_lookup_resolves_by_the_names_the_built_app_has(capsys: pytest.CaptureFixture[str]) -> None:
    """inputlookup takes ``<filename> | <tablename>``: "The name of the lookup file" or "The name of the lookup
    table as specified by a stanza name in the transforms.conf file"
    (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/inputlookup). The built
    app's transforms.conf stanza ``entra_id_known_applications`` has ``filename =
    entra_id_known_applications_<YYYYMMDD>.csv`` (the build date), the only file of that table in its lookups/:
    the definition and the dated file resolve, the source tree's file name and the dated name with its placeholder
    left in do not, and say what to write."""
    count = "| stats count"
    for name in ("entra_id_known_applications", "entra_id_known_applications_20260101.csv"):
        status, out, err = run(capsys, f"| inputlookup {name} {count}", "--root", str(REPO), "--format", "csv")
        assert (status, out, err) == (0, "count\n30\n", "")
    status, out, err = run(capsys, f"| inputlookup entra_id_known_applications.csv {count}", "--root", str(REPO))
    assert status == 1 and out == ""
    assert err.startswith(
        "<search>:1:3: error[RP003]: inputlookup: unknown lookup 'entra_id_known_applications.csv': the built app ships "
        "lookups/entra_id_known_applications.csv date-stamped, as lookups/entra_id_known_applications_YYYYMMDD.csv, "
        "so no file of this name exists there; use the lookup definition name 'entra_id_known_applications' (known: "
        f"{KNOWN_LOOKUPS})\n")
    # the placeholder of the dated name (the registry's key for "any build's date") is no file's name
    status, out, err = run(capsys, f"| inputlookup entra_id_known_applications_YYYYMMDD.csv {count}", "--root", str(REPO))
    assert status == 1 and out == ""
    assert err.startswith(
        "<search>:1:3: error[RP003]: inputlookup: unknown lookup 'entra_id_known_applications_YYYYMMDD.csv': YYYYMMDD "
        "stands for a build's date, which the built app ships in its place, so no file of this name exists there; use "
        f"the lookup definition name 'entra_id_known_applications' (known: {KNOWN_LOOKUPS})\n")


# the pack's lookups as a search writes them: the dated file's key (entra_id_known_applications_YYYYMMDD.csv), which
# no search can name as it stands, was listed beside them
KNOWN_LOOKUPS = "entra_id_known_applications, entra_id_risky_oauth_resource_scopes, entra_id_risky_oauth_scopes"


def test_an_unknown_lookup_lists_the_names_a_search_writes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "| inputlookup nope", "--root", str(REPO))
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == ("<search>:1:3: error[RP003]: inputlookup: unknown lookup 'nope' "
                                   f"(known: {KNOWN_LOOKUPS})")


def test_a_lookup_given_on_the_command_line_resolves_by_its_own_file_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--lookup NAME=CSV`` is a file of the caller's, not one the build ships: its own file name resolves."""
    table = tmp_path / "apps.csv"
    table.write_text("app\nEvil\n")
    for name in ("apps", "apps.csv"):
        status, out, _ = run(capsys, f"| inputlookup {name}", "--no-pack", "--lookup", f"apps={table}",
                             "--format", "csv")
        assert (status, out) == (0, "app\nEvil\n")


def _one_event_in_main(tmp_path: Path) -> tuple[str, ...]:
    """The options of a search over one event given no ``--index``: it is in ``main``."""
    path = tmp_path / "events.log"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "user": "bob"}\n', encoding="utf-8")
    return ("--no-pack", "--events", str(path), "--format", "csv")


@pytest.mark.parametrize(("spl", "rows", "opening"), [("index=entra usr=bob", "\n", "no results"),
                                                      ("index=entra | stats count", "count\n0\n", "only zeros")])
def test_a_search_of_an_index_no_event_is_in_says_so(spl: str, rows: str, opening: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """``index=entra`` over files given no ``--index`` (their events are in ``main``) returned nothing, and the hints
    named no field: ``index`` is one every event has. The hint now names the index asked for and the events' own,
    in place of the field hints (no event passes the index, so its fields are beside the point). ``index=entra |
    stats count``, the first search a Splunk user types, answered ``count`` 0 with no word: the hint came only when
    no row came back, and ``stats count`` always gives one. Only zeros now draw it too (the index is in the base
    search, so no event got past it)."""
    status, out, err = run(capsys, spl, *_one_event_in_main(tmp_path))
    assert (status, out) == (0, rows)
    assert err == (f"contentpack search: hint: {opening}, and the search asks for index=entra, an index no event read "
                   "is in (theirs: main): give the events yours with --index NAME, or leave the index out of the "
                   "search (a pack's macros as shipped name none)\n")


@pytest.mark.parametrize(("spl", "extra", "rows"), [
    ("index=entra user=amy", ("--index", "entra"), "\n"), ("index=main user=amy", (), "\n"),
    ("index=main | stats count", (), "count\n1\n"), ("index=* | stats count dc(user)", (), "count,dc(user)\n1,1\n")])
def test_a_search_of_the_events_index_gets_no_index_hint(spl: str, extra: tuple[str, ...], rows: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """With ``--index entra``, or a search asking for the events' own index, there is no index hint."""
    assert run(capsys, spl, *_one_event_in_main(tmp_path), *extra) == (0, rows, "")


@pytest.mark.parametrize(("spl", "bounds", "said"), [
    ("user=bob", ("--earliest", "2025-02-01T00:00:00Z"), "no results, and every event read lies outside the search's "
     "time range, from 2025-02-01T00:00:00.000+00:00 (--earliest):"),
    ("* | stats count", ("--earliest", "12/01/2024:00:00:00", "--latest", "2025-01-01T00:00:00Z"), "only zeros, and "
     "every event read lies outside the search's time range, from 2024-12-01T00:00:00.000+00:00 (--earliest) to "
     "before 2025-01-01T00:00:00.000+00:00 (--latest):")])
def test_a_time_range_that_misses_every_event_says_where_the_events_are(spl: str, bounds: tuple[str, ...], said: str,
                                                                       tmp_path: Path) -> None:
    """``--earliest``/``--latest`` a month off the logs (a backtest's period pasted over another month's export)
    returned nothing, or ``count`` 0, and said nothing, which reads as "nothing matched". As Splunk's search over a
    range without events, it still returns them and exits 0, but a hint, the last line the terminal shows, says the
    range, where the events are and what to do; a range holding an event draws none."""
    events = tmp_path / "events.log"
    events.write_text('{"time": "2025-01-01T00:00:00Z", "user": "bob"}\n'
                      '{"time": "2025-01-01T06:00:00Z", "user": "amy"}\n', encoding="utf-8")
    args = ["search", spl, "--no-pack", "--events", str(events), "--format", "csv"]
    status, out, shown = stderr_on_terminal([*args, *bounds], 80, REPO, 60)
    assert (status, out.decode().splitlines()[1:]) == (0, ["0"] if "stats" in spl else [])
    assert shown == [f"contentpack search: hint: {said} the events are from 2025-01-01T00:00:00.000+00:00 to "
                     "2025-01-01T06:00:00.000+00:00; give --earliest/--latest around them, or leave them out (the "
                     "search then reads every event)"]
    status, out, shown = stderr_on_terminal([*args, "--earliest", "2025-01-01T05:00:00Z"], 80, REPO, 60)
    assert (status, shown) == (0, [])


@pytest.mark.parametrize("now", [(), ("--now", "1800000000")], ids=["events-surveyed", "with-now"])
def test_a_backwards_time_range_is_said_to_be_empty_not_to_miss_the_events(now: tuple[str, ...],
                                                                          tmp_path: Path) -> None:
    """``--earliest`` after ``--latest``: the search reads no event and exits 0 with its zeros (assumed: no Splunk
    document found says what a search over earliest > latest does; a range with no moment in it holds no event, as a
    range without events returns none). The hint said the range backwards ("from 2025-01-02 (--earliest) to before
    2025-01-01 (--latest)") as if the events missed it, and said nothing under ``--now``; it says the range is
    empty, the two bounds in order of the options, and what to do."""
    events = tmp_path / "events.log"
    events.write_text('{"time": "2025-01-01T00:00:00Z", "user": "bob"}\n', encoding="utf-8")
    status, out, shown = stderr_on_terminal(["search", "* | stats count", "--no-pack", "--events", str(events),
                                             "--format", "csv", "--earliest", "2025-01-02T00:00:00Z", "--latest",
                                             "2025-01-01T00:00:00Z", *now], 80, REPO, 60)
    assert (status, out.decode().splitlines()) == (0, ["count", "0"])
    assert shown == ["contentpack search: hint: only zeros, and the search's time range is empty: --earliest "
                     "2025-01-02T00:00:00.000+00:00 is not before --latest 2025-01-01T00:00:00.000+00:00 (an event is "
                     "in it from --earliest to before --latest), so no event can be in it; give an --earliest before "
                     "--latest"]
