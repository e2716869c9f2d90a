"""Entra ID logs in another schema than the pack's: ``backtest --events`` and ``search --events`` say what the file
looks like and what to give instead (exit 2), and a record without a time is a bad line, never an event stamped
with the file's modification time.

The fixtures are written here, trimmed to the keys that identify each shape:

* Microsoft Graph v1.0 ``signIn`` (``GET /auditLogs/signIns``; "signIn resource type", "signInStatus resource
  type": ``status`` = ``{errorCode (Int32), failureReason, additionalDetails}``), a ``List signIns`` response page
  ``{"@odata.context", "value", "@odata.nextLink"}``, and ``directoryAudit`` ("directoryAudit resource type":
  ``activityDateTime``, ``activityDisplayName``, ``initiatedBy``, ``targetResources``) — learn.microsoft.com/graph.
  The Entra admin center's *Download → JSON* holds the same camelCase objects (``assumed``).
* Log Analytics ``SigninLogs`` columns (Azure Monitor Logs reference, "SigninLogs": ``TimeGenerated``,
  ``OperationName``, ``Category``, ``ResultType``, ``UserPrincipalName``, ``AppId``); the ``AuditLogs`` row is the
  real one in shared/samples/otrf_security_datasets (OTRF Security-Datasets, MIT), trimmed; the query REST API's
  ``{"tables": [...]}`` answer.
* The admin center's *Download → CSV* header ``"Date (UTC)","Request ID","User agent",...`` and the Log Analytics
  portal's *Export to CSV* ``TimeGenerated [UTC]`` column: ``assumed`` (as public parsers of those files match
  them; no Microsoft page lists the headers); Graph objects written out by PowerShell's ``Export-Csv``
  (``Get-MgAuditLogSignIn``: the property names as columns).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from contentpack.backtest.foreign import READ_INSTEAD, describe, describe_header
from contentpack.backtest.inputs import EventReader, InputError, Metadata, find_inputs
from contentpack.backtest.rawfilter import RawFilter
from contentpack.cli import main
from contentpack.spl.values import Event

REPO = Path(__file__).resolve().parents[2]
SINGLE = REPO / "attack_data" / "single_user_declines" / "single_user_declines.log"
RECORD = next(line for line in SINGLE.read_text(encoding="utf-8").splitlines() if '"errorCode": 65004' in line)

SIGNIN = {"id": "66ea54eb-6301-4ee5-be62-ff5a759b0100", "createdDateTime": "2026-10-12T16:03:35Z",
          "userDisplayName": "Test Contoso", "userPrincipalName": "testaccount1@contoso.example",
          "userId": "26be570a-ae82-4189-b4e2-a37c6808512d", "appId": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
          "appDisplayName": "Graph Explorer", "ipAddress": "203.0.113.5", "clientAppUsed": "Browser",
          "status": {"errorCode": 65004, "failureReason": "User declined to consent to access the app.",
                     "additionalDetails": None}}
PAGE = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns",
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/auditLogs/signIns?$top=1&$skiptoken=9177f2e3",
        "value": [SIGNIN]}
AUDIT = {"id": "Directory_630d7f0c-acc4-4596-85ab-7e5d839b4291_9VRQI_37762000", "category": "ApplicationManagement",
         "activityDateTime": "2026-10-12T13:27:20.017Z", "activityDisplayName": "Consent to application",
         "operationType": "Assign", "result": "success", "loggedByService": "Core Directory",
         "initiatedBy": {"user": {"userPrincipalName": "pgustavo@contoso.example"}}, "targetResources": []}
SIGNIN_ROW = {"TenantId": "00000000-0000-0000-0000-000000000000", "TimeGenerated": "2026-10-12T16:03:35Z",
              "OperationName": "Sign-in activity", "Category": "SignInLogs", "ResultType": "65004",
              "UserPrincipalName": "testaccount1@contoso.example", "AppId": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
              "Status": "{\"errorCode\":65004}", "Type": "SigninLogs"}
AUDIT_ROW = {"TenantId": "00000000-0000-0000-0000-000000000000", "SourceSystem": "Azure AD",
             "TimeGenerated": "2021-08-02T13:27:20.017Z", "OperationName": "Add delegated permission grant",
             "Category": "ApplicationManagement", "Result": "success", "LoggedByService": "Core Directory",
             "InitiatedBy": "{\"user\":{\"userPrincipalName\":\"pgustavo@simulandlabs.com\"}}"}
TABLES = {"tables": [{"name": "PrimaryResult", "columns": [{"name": "TimeGenerated", "type": "datetime"}],
                      "rows": [["2026-10-12T16:03:35Z"]]}]}
PORTAL_CSV = ('"Date (UTC)","Request ID","User agent","Correlation ID","User ID","User","Username","User type",'
              '"Application","Application ID ","Status","Sign-in error code","Failure reason"\n'
              '"2026-10-12T16:03:35Z","r1","Mozilla/5.0","c1","u1","Test","testaccount1@contoso.example","Member",'
              '"Graph Explorer","de8bc8b5","Failure","65004","User declined to consent to access the app."\n')
LOG_ANALYTICS_CSV = ('TenantId,TimeGenerated [UTC],OperationName,Category,ResultType,UserPrincipalName,AppId\n'
                     '0000,"10/12/2026, 4:03:35.000 PM",Sign-in activity,SignInLogs,65004,a@contoso.example,de8b\n')


def _lines(*items: object) -> str:
    return "".join(json.dumps(item) + "\n" for item in items)


def _shape(name: str, text: str, where: str, says: str) -> object:
    return pytest.param(name, text, where, says, id=name)


def _assumed(name: str, text: str, where: str, says: str) -> object:
    """A header no Microsoft page lists (the module docstring)."""
    return pytest.param(name, text, where, says, id=name, marks=pytest.mark.assumed)


GRAPH_CSV = '"Id","CreatedDateTime","UserPrincipalName","AppId","Status"\n"1","x","a","b","c"\n'
# The Splunk Add-on for Microsoft Azure's events exported from Splunk: each _raw one Graph object as the add-on writes
# it (``json.dumps``; README, "Logs from the Splunk Add-on for Microsoft Azure"), under its default sourcetypes
SIGNIN_EXPORT = {"_raw": json.dumps(SIGNIN), "_time": "2026-10-12T16:03:35.000+00:00", "sourcetype": "azure:aad:signin"}
AUDIT_EXPORT = {"_raw": json.dumps(AUDIT), "_time": "1791811640.017", "sourcetype": "azure:aad:audit"}
EXPORT_CSV = ('"_raw","_time",sourcetype\n"' + json.dumps(SIGNIN).replace('"', '""')
              + '","2026-10-12T16:03:35.000+00:00","azure:aad:signin"\n')
ADD_ON_SIGNINS = ("this looks like a Splunk export of sourcetype azure:aad:signin whose _raw holds Microsoft Graph "
                  "signIn objects (createdDateTime, userPrincipalName, appId, status.errorCode), as the Splunk "
                  "Add-on for Microsoft Azure indexes them")
# (file name, its text, where the message points (the file name, then ":1" for a line or a header), what it says)
SHAPES = [
    _shape("signins.json", json.dumps([SIGNIN, SIGNIN], indent=2), "",
           "these look like Microsoft Graph signIn objects (createdDateTime, userPrincipalName, appId, "
           "status.errorCode), as the Entra admin center's JSON download and the Graph API (GET /auditLogs/signIns) "
           "give them"),
    _shape("signins.jsonl", "\n" + _lines(SIGNIN, SIGNIN), ":2", "these look like Microsoft Graph signIn objects"),
    _shape("page.json", json.dumps(PAGE), ":1",
           "this looks like a Microsoft Graph response page ({\"@odata.context\": ..., \"value\": [...]}, with "
           "@odata.nextLink to further pages) of Microsoft Graph signIn objects"),
    _shape("page-pretty.json", json.dumps(PAGE, indent=2), "", "this looks like a Microsoft Graph response page"),
    _shape("audits.json", json.dumps([AUDIT]), "",
           "these look like Microsoft Graph directoryAudit objects (activityDateTime, activityDisplayName, "
           "initiatedBy, targetResources)"),
    _assumed("InteractiveSignIns_2026-10-12.csv", PORTAL_CSV, ":1",
             "this looks like the Entra admin center's CSV download (columns Date (UTC), Request ID, User agent, "
             "Correlation ID, ...)"),
    _assumed("query_data.csv", LOG_ANALYTICS_CSV, ":1",
             "this looks like a Log Analytics or Microsoft Sentinel query exported as CSV (columns TenantId, "
             "TimeGenerated [UTC], OperationName, Category, ...)"),
    _assumed("Get-MgAuditLogSignIn.csv", GRAPH_CSV, ":1",
             "these look like Microsoft Graph signIn objects written as CSV (columns Id, CreatedDateTime, "
             "UserPrincipalName, AppId, ...)"),
    _shape("signinlogs.json", json.dumps([SIGNIN_ROW]), "",
           "these look like Log Analytics rows (TimeGenerated, OperationName, Category, ResultType, UserPrincipalName, "
           "AppId)"),
    _shape("auditlogs.jsonl", _lines(AUDIT_ROW), ":1",
           "these look like Log Analytics rows (TimeGenerated, OperationName, Category, Result)"),
    _shape("query.json", json.dumps(TABLES), ":1", "this looks like a Log Analytics query API response"),
    # before, read without a word: "0 kept for the detections", exit 0
    _shape("export-signins.json", _lines(*[{"preview": False, "result": SIGNIN_EXPORT}] * 2), ":1", ADD_ON_SIGNINS),
    _shape("export-signins.csv", "\n" + EXPORT_CSV, ":3", ADD_ON_SIGNINS),
    _shape("export-audits.json", json.dumps({"results": [AUDIT_EXPORT]}, indent=2), "",
           "this looks like a Splunk export of sourcetype azure:aad:audit whose _raw holds Microsoft Graph "
           "directoryAudit objects (activityDateTime, activityDisplayName, initiatedBy, targetResources)"),
    _shape("export-rows.json", json.dumps([{"_raw": SIGNIN_EXPORT["_raw"], "_time": "1791821015"}]), "",
           "this looks like a Splunk export whose _raw holds Microsoft Graph signIn objects (createdDateTime, "
           "userPrincipalName, appId, status.errorCode), as the Splunk Add-on for Microsoft Azure indexes them "
           "(sourcetypes azure:aad:signin, azure:aad:audit)"),
    _shape("export-signinlogs.jsonl", _lines({"result": {"_raw": json.dumps(SIGNIN_ROW), "_time": "1791821015"}}),
           ":1", "this looks like a Splunk export whose _raw holds Log Analytics rows (TimeGenerated, "),
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "text", "where", "says"), SHAPES)
def test_backtest_inputs_refuse_another_schema(tmp_path: Path, name: str, text: str, where: str, says: str) -> None:
    """Whatever the filter keeps: before, a Graph array became "no timed events (2 line(s) read, 0 bad)"."""
    path = _write(tmp_path, name, text)
    reader = EventReader(RawFilter([("nothing", "matches this")]), None, Metadata())
    with pytest.raises(InputError) as caught:
        list(reader.read(find_inputs([tmp_path]).files))
    assert str(caught.value).startswith(f"{path}{where}: {says}")
    assert str(caught.value).endswith(READ_INSTEAD)


@pytest.mark.parametrize(("name", "text", "where", "says"), SHAPES)
def test_search_events_refuses_another_schema_read_as_azure_monitor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, where: str, says: str) -> None:
    path = _write(tmp_path, name, text)
    status = main(["search", "--no-pack", "--events", str(path), "search * | stats count"])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == "" and "Traceback" not in captured.err
    assert f"contentpack search: error: {path}{where}: {says}" in captured.err
    assert "sourcetype azure:monitor:aad" in captured.err and "give its own --sourcetype" in captured.err


def test_search_reads_another_schema_under_its_own_sourcetype(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "signinlogs.json", json.dumps([SIGNIN_ROW]))
    status = main(["search", "--no-pack", "--events", str(path), "--sourcetype", "azure:loganalytics:signin",
                   "--time-field", "TimeGenerated", "--format", "csv", "search ResultType=65004 | table AppId"])
    assert status == 0 and capsys.readouterr().out.splitlines() == ["AppId", SIGNIN_ROW["AppId"]]


def test_backtest_stops_with_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    folder = tmp_path / "exports"
    folder.mkdir()
    path = _write(folder, "signins.json", json.dumps([SIGNIN]))
    status = main(["backtest", "--events", str(folder), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == "" and "Traceback" not in captured.err
    assert f"contentpack backtest: error: {path}: these look like Microsoft Graph signIn objects" in captured.err
    assert not (tmp_path / "out").exists()


def test_the_refusal_names_the_add_on_whose_records_the_pack_reads(tmp_path: Path) -> None:
    """A refusal of the Splunk Add-on for Microsoft Azure's Graph objects said to stream records "to an Event Hub
    for the Splunk add-on", which read as that very add-on: the one whose records the pack reads is named."""
    _write(tmp_path, "week.json", json.dumps({"preview": False, "result": SIGNIN_EXPORT}))
    reader = EventReader(RawFilter([("nothing", "matches this")]), None, Metadata())
    with pytest.raises(InputError) as caught:
        list(reader.read(find_inputs([tmp_path]).files))
    said = str(caught.value)
    assert "as the Splunk Add-on for Microsoft Azure indexes them" in said
    assert "to an Event Hub read by the Splunk Add-on for Microsoft Cloud Services:" in said


@pytest.mark.parametrize("item", [
    json.loads(RECORD),  # a real record: properties.createdDateTime, properties.userPrincipalName
    {"records": [json.loads(RECORD)]},  # an Event Hub message
    {"preview": False, "result": {"_raw": RECORD, "_time": "2026-10-13T14:25:53.272+00:00"}},  # a Splunk export
    {"results": [{"_raw": RECORD, "_time": "1791901553"}]},
    {"_raw": RECORD, "_time": "1791901553", "TimeGenerated": "x"},  # an export row is judged by _raw
])
def test_the_packs_own_shapes_are_never_taken_for_another_schema(item: dict[str, object]) -> None:
    assert describe(item) is None


@pytest.mark.parametrize("header", [["_raw", "_time", "_indextime"], ["_time", "Date (UTC)", "_raw"],
                                    ["time", "category", "properties.status.errorCode"]])
def test_csv_headers_the_pack_reads_or_does_not_know_are_not_refused(header: list[str]) -> None:
    assert describe_header(header) is None


def _read(path: Path, raw_filter: RawFilter) -> tuple[list[Event], EventReader]:
    reader = EventReader(raw_filter, None, Metadata())
    return list(reader.read(find_inputs([path]).files)), reader


KEEP_ALL = RawFilter([("sign-in activity",), ("consent to application",)])


@pytest.mark.parametrize(("make", "where", "reason"), [
    (lambda record: _lines(record, {**record, "time": None}, {k: v for k, v in record.items() if k != "time"}),
     [2, 3], ["unreadable time 'null'", "a JSON object without a 'time' field: not an Azure Monitor record"]),
    # what is read, as an export's unreadable _time says it (it once said "unreadable time 'last tuesday'" alone)
    (lambda record: _lines(record, {**record, "time": "last tuesday"}), [2], [
        "unreadable time 'last tuesday': write a record's time as ISO 8601 (2026-11-10T10:00:00Z, 2026-11-10 "
        "10:00:00+01:00; UTC when it has no offset) or epoch seconds (1794304800)"]),
    # a later line in another schema is a bad line; only the first line decides the whole file
    (lambda record: _lines(record, {**AUDIT, "operationName": "Consent to application"}), [2],
     ["a JSON object without a 'time' field: not an Azure Monitor record"]),
    # an array's item at its own line, 3
    (lambda record: "[\n" + ",\n".join(map(json.dumps, (record, {k: v for k, v in record.items() if k != "time"})))
     + "\n]", [3],
     ["item 2: a JSON object without a 'time' field: not an Azure Monitor record"]),
    # the message's other records still count
    (lambda record: _lines({"records": [record, {k: v for k, v in record.items() if k != "time"}]}), [1],
     ["record 2: a JSON object without a 'time' field: not an Azure Monitor record"]),
    (lambda record: _lines({"preview": False, "result": {"_raw": json.dumps(record)}},
                           {"preview": False, "result": {"_raw": json.dumps({**record, "time": "?"})}}), [2],
     ["an export row without _time, and its _raw has no readable 'time' either"]),
], ids=["missing-and-null", "unreadable", "later-line-of-another-schema", "array-item", "event-hub-record",
        "export-row"])
def test_a_record_without_a_time_is_a_bad_line_not_an_event_at_the_files_mtime(
        tmp_path: Path, make: Callable[[dict[str, object]], str], where: list[int], reason: list[str]) -> None:
    """The reader used to give such a record the file's modification time: an event on a day it did not happen,
    and nothing said (docs/backtest.md: `_time` is the record's `time`, the add-on's TIME_PREFIX)."""
    path = _write(tmp_path, "mixed.json", make(json.loads(RECORD)))
    events, reader = _read(path, KEEP_ALL)
    report = reader.report
    assert [bad.line for bad in report.bad_lines] == where and report.bad == len(where)
    assert all(bad.message.startswith(message) for bad, message in zip(report.bad_lines, reason, strict=True))
    assert events and all(event["_time"] == pytest.approx(1_791_901_553.2728168) for event in events)


def test_a_first_line_no_csv_reader_takes_is_not_judged_a_header(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A text file whose first line holds a field longer than the csv module's limit (131,072 characters unless
    something raised it) was an internal error in ``search --events``: the header check let csv.Error out."""
    import csv

    path = tmp_path / "long.log"
    path.write_text("a" * 2000 + "\n" + "a second line of text\n")  # a text log: a record would make it JSON lines
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(1000)
        status = main(["search", "--no-pack", "--events", str(path), "search * | stats count"])
    finally:
        csv.field_size_limit(limit)
    captured = capsys.readouterr()
    assert "internal error" not in captured.err
    assert status == 0 and "│ 2 " in captured.out  # both lines are text events, the long one too


@pytest.mark.parametrize("indent", [2, 4], ids=["jq", "graph-explorer"])
def test_a_pretty_printed_graph_page_is_refused_with_the_others_before_any_is_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, indent: int) -> None:
    """A Graph page as Graph Explorer shows it (indented, ``{`` alone on its first line) was refused only once read
    whole: a folder of it and a UTF-16 file stopped on one, then on the other, a run each. Its first key is enough:
    both are named in the one list, in the words the whole page gets (its signIn objects, its next link), and
    ``search --events`` says the same."""
    monkeypatch.chdir(REPO)
    folder = tmp_path / "exports"
    folder.mkdir()
    page = _write(folder, "a-page.json", json.dumps(PAGE, indent=indent))
    empty = _write(folder, "b-empty-page.json", json.dumps({"@odata.context": PAGE["@odata.context"], "value": []},
                                                           indent=indent))
    utf16 = folder / "c-utf16.jsonl"
    utf16.write_bytes(("\ufeff" + RECORD + "\n").encode("utf-16-le"))
    status = main(["backtest", "--events", str(folder), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    lines = err.splitlines()
    assert [line.split(": ")[2] for line in lines] == [str(page), str(empty), str(utf16)]
    assert lines[0] == (f"contentpack backtest: error: {page}: this looks like a Microsoft Graph response page "
                        "({\"@odata.context\": ..., \"value\": [...]}, with @odata.nextLink to further pages) of "
                        "Microsoft Graph signIn objects (createdDateTime, userPrincipalName, appId, status.errorCode), "
                        f"as the Entra admin center's JSON download and the Graph API (GET /auditLogs/signIns) give "
                        f"them; {READ_INSTEAD}")
    assert lines[1] == (f"contentpack backtest: error: {empty}: this looks like a Microsoft Graph response page "
                        f"({{\"@odata.context\": ..., \"value\": [...]}}); {READ_INSTEAD}")
    status = main(["search", "--events", str(page), "index=*"])
    assert status == 2 and capsys.readouterr().err.startswith(lines[0].replace("backtest", "search", 1))
