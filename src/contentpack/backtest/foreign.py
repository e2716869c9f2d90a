"""Entra ID logs in another schema than the pack's, recognised by content and refused with what to give instead.

The pack's detections read Azure Monitor diagnostic-settings records as the Splunk Add-on for Microsoft Cloud
Services indexes them (``sourcetype=azure:monitor:aad``: top-level ``time``, ``category``, ``operationName``,
``resultType``, and the log's own fields under ``properties``; shared/reference/azure_monitor_aad.md §1-2). The
other ways of getting the same sign-ins and audit events out of a tenant give other schemas, which those searches
do not match in Splunk either:

* **Microsoft Graph** ``GET /auditLogs/signIns`` and ``/auditLogs/directoryAudits``: flat ``signIn`` objects
  (``createdDateTime``, ``userPrincipalName``, ``appId``, ``status`` = ``{errorCode, failureReason,
  additionalDetails}``; Microsoft Graph v1.0, "signIn resource type" and "signInStatus resource type") and
  ``directoryAudit`` objects (``activityDateTime``, ``activityDisplayName``, ``initiatedBy``,
  ``targetResources``; "directoryAudit resource type"), a page of them wrapped as ``{"@odata.context": ...,
  "value": [...], "@odata.nextLink": ...}`` ("List signIns": at most 1,000 objects a page). The Entra admin
  center's *Download → JSON* gives the same camelCase objects (``assumed``: no Microsoft page shows the file;
  third-party parsers read it with the Graph names).
* The admin center's *Download → CSV*: display-name columns, ``"Date (UTC)","Request ID","User agent",
  "Correlation ID","User ID","User","Username",...`` (``assumed``: the header as public parsers of that file
  match it; no Microsoft page lists it).
* **Log Analytics / Microsoft Sentinel** tables ``SigninLogs`` and ``AuditLogs`` exported from a KQL query:
  PascalCase columns with ``TimeGenerated``, ``OperationName``, ``Category``, ``ResultType``,
  ``UserPrincipalName``, ``AppId``, nested values as JSON text (Azure Monitor Logs reference, "SigninLogs" and
  "AuditLogs" tables; the real AuditLogs rows in shared/samples/otrf_security_datasets); the portal's *Export
  to CSV* names the column ``TimeGenerated [UTC]`` (``assumed``), the query REST API answers
  ``{"tables": [{"name": "PrimaryResult", "columns": [...], "rows": [...]}]}``.

Nothing is converted: field for field the schemas differ in names, nesting and types (``resultType`` is a
string in the records, ``status.errorCode`` a number in Graph; ``time`` is when the record was emitted,
``createdDateTime`` when the sign-in happened), so a conversion would be a guess at what Splunk would index.
The recognisers only look at keys (never values), and an object with the record's ``time`` or an Event Hub
message's ``records`` is never taken for another schema. A Splunk export (JSON lines, a results document, an array
of rows, CSV) is judged by its first row's ``_raw``: the Splunk Add-on for Microsoft Azure indexes Graph objects as
they come (``azure:aad:signin``, ``azure:aad:audit``), and their export is refused as the objects are.

One home for both commands: ``backtest --events`` calls ``object_refusal``/``head_refusal`` where it already
decodes, ``search --events`` calls ``file_refusal`` on each file before reading it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from contentpack.cut_lists import cut_list
from contentpack.spl.events import AVRO_ADVICE, EXPORT_ADVICE, MAX_ARRAY_FILE_BYTES
from contentpack.spl.files import open_regular

SOURCETYPE = "azure:monitor:aad"  # whose records the other schemas are taken for
HEAD_BYTES = 1 << 20  # a first line longer than this is not looked at (a Graph signIn object is a few KB)
_BOM = b"\xef\xbb\xbf"

# The add-on is named: a refusal of the Splunk Add-on for Microsoft Azure's Graph objects that said only "the Splunk
# add-on" read as that very add-on.
READ_INSTEAD = ("the pack's detections read Azure Monitor records (sourcetype azure:monitor:aad: time, category, "
                "properties.*) as a diagnostic setting streams them to an Event Hub read by the Splunk Add-on for "
                "Microsoft Cloud Services: give those records, or a Splunk export of them; another schema is not "
                "converted (docs/backtest.md, \"Inputs\")")


# where the docs say how to export the logs from Splunk: an Excel workbook's refusal and the folder note of one
EXPORT_DOCS = 'README, "Backtest on your tenant", step 1'


def with_docs(refusal: str) -> str:
    """A file's refusal by the spl layer (``events.packed_refusal``), naming this project's docs on what to do where
    they say more (an Avro file's, an Excel workbook's): the spl layer knows nothing of the commands and docs it
    serves."""
    return (refusal.replace(AVRO_ADVICE, f'{AVRO_ADVICE} (docs/backtest.md, "Inputs")')
            .replace(EXPORT_ADVICE, f"{EXPORT_ADVICE} ({EXPORT_DOCS})"))


_SIGNIN = ("createdDateTime", "userPrincipalName", "appId", "status.errorCode")
_AUDIT = ("activityDateTime", "activityDisplayName", "initiatedBy", "targetResources")
_LOG_ANALYTICS = ("TimeGenerated", "OperationName", "Category", "ResultType", "Result", "UserPrincipalName", "AppId")
# a record, an export row or line, an Event Hub message (an export line's "result" is an object, a directoryAudit's
# is text)
_OWN_KEYS = ("time", "_raw", "records", "results", "preview", "lastrow")


def _present(item: Mapping[str, object], names: Sequence[str]) -> str:
    found = []
    for name in names:
        head, _, tail = name.partition(".")
        inner = item.get(head)
        if (not tail and head in item) or (tail and isinstance(inner, Mapping) and tail in inner):
            found.append(name)
    return ", ".join(found)


def describe(item: object) -> str | None:
    """What a decoded JSON value is, when it is one of the other schemas (a phrase to follow "this looks like"
    or "these look like"): None for anything else, the pack's own shapes included. A Splunk export (a line, a
    results document, a row) is judged by its first row's ``_raw`` (``_describe_export``)."""
    if not isinstance(item, Mapping):
        return None
    results = item.get("results")
    row = (item if "_raw" in item else item.get("result") if isinstance(item.get("result"), Mapping)
           else results[0] if isinstance(results, list) and results and isinstance(results[0], Mapping) else None)
    if row is not None:
        return _describe_export(row)
    if any(key in item for key in _OWN_KEYS):
        return None
    value = item.get("value")
    if isinstance(value, list) and any(isinstance(key, str) and key.startswith("@odata.") for key in item):
        inner = describe(value[0]) if value else None
        pages = ", with @odata.nextLink to further pages" if "@odata.nextLink" in item else ""
        return (f"a Microsoft Graph response page ({{\"@odata.context\": ..., \"value\": [...]}}{pages})"
                + (f" of {inner}" if inner else ""))
    tables = item.get("tables")
    if isinstance(tables, list) and tables and isinstance(tables[0], Mapping) and "rows" in tables[0]:
        return "a Log Analytics query API response ({\"tables\": [{\"columns\": [...], \"rows\": [...]}]})"
    graph = _graph_objects(item)
    if graph is not None:
        objects, endpoint = graph
        return f"{objects}, as the Entra admin center's JSON download and the Graph API (GET {endpoint}) give them"
    if "TimeGenerated" in item:
        return (f"Log Analytics rows ({_present(item, _LOG_ANALYTICS)}), as a Log Analytics or Microsoft Sentinel "
                "query over SigninLogs or AuditLogs exports them")
    return None


def _graph_objects(item: Mapping[str, object]) -> tuple[str, str] | None:
    """Which Microsoft Graph objects ``item`` is (their name and keys, and the endpoint that lists them), or None."""
    if "createdDateTime" in item:
        return f"Microsoft Graph signIn objects ({_present(item, _SIGNIN)})", "/auditLogs/signIns"
    if "activityDateTime" in item:
        return f"Microsoft Graph directoryAudit objects ({_present(item, _AUDIT)})", "/auditLogs/directoryAudits"
    return None


def _describe_export(row: Mapping[str, object]) -> str | None:
    """What a Splunk export is, from one of its rows, when the row's ``_raw`` is one of the other schemas. The
    Splunk Add-on for Microsoft Azure indexes each Graph object as it comes (``azure:aad:signin``,
    ``azure:aad:audit``: README, "Logs from the Splunk Add-on for Microsoft Azure"); exported, those rows were read
    without a word, each set aside or matched by no detection, where the same objects in a file were refused. Judged
    by ``_raw`` (keys, as everywhere here), not by the row's sourcetype, which is only named: a sourcetype renamed
    at the user's site says nothing of the schema."""
    raw = row.get("_raw")
    if isinstance(raw, list) and len(raw) == 1:  # a multivalue field of one value, as the reader takes it
        raw = raw[0]
    if not isinstance(raw, str) or not raw.lstrip().startswith("{"):
        return None
    try:
        inner = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # the reader reports a malformed _raw where it is
    if not isinstance(inner, Mapping) or any(key in inner for key in _OWN_KEYS):
        return None
    sourcetype = row.get("sourcetype")
    named = f" of sourcetype {sourcetype}" if isinstance(sourcetype, str) and sourcetype else ""
    graph = _graph_objects(inner)
    if graph is not None:
        which = "" if named else " (sourcetypes azure:aad:signin, azure:aad:audit)"
        return (f"a Splunk export{named} whose _raw holds {graph[0]}, as the Splunk Add-on for Microsoft Azure "
                f"indexes them{which}")
    what = describe(inner)
    return None if what is None else f"a Splunk export{named} whose _raw holds {what}"


def describe_header(columns: Sequence[str]) -> str | None:
    """What a CSV file is, from its header, when it is one of the other schemas; None for a Splunk export."""
    names = [column.strip() for column in columns]
    if "_raw" in names:
        return None
    shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
    if "Date (UTC)" in names:
        return f"the Entra admin center's CSV download (columns {shown})"
    if any(name == "TimeGenerated" or name.startswith("TimeGenerated [") for name in names):
        return f"a Log Analytics or Microsoft Sentinel query exported as CSV (columns {shown})"
    lowered = {name.lower() for name in names}
    if "createddatetime" in lowered:
        return f"Microsoft Graph signIn objects written as CSV (columns {shown})"
    if "activitydatetime" in lowered:
        return f"Microsoft Graph directoryAudit objects written as CSV (columns {shown})"
    return None


def refusal(where: str, what: str) -> str:
    """The usage error for a recognised file: where (``file`` or ``file:line``), what it looks like, what instead."""
    verb = "this looks like" if what.startswith("a ") or what.startswith("the ") else "these look like"
    return f"{where}: {verb} {what}; {READ_INSTEAD}"


def object_refusal(item: object, where: str) -> str | None:
    """The refusal for a decoded JSON document, line or first array element, or None."""
    what = describe(item)
    return None if what is None else refusal(where, what)


def document_refusal(document: object, name: str) -> str | None:
    """The refusal for a whole decoded JSON document (an array is judged by its first element), or None."""
    first = document[0] if isinstance(document, list) and document else document
    return object_refusal(first, name)


def head_refusal(head: bytes, name: str) -> str | None:
    """The refusal for a file of lines from its first bytes: its first line as a JSON object, or as a CSV header.
    A document (a first line of ``[`` or a lone ``{``) is left to ``document_refusal``."""
    text = head[len(_BOM):] if head.startswith(_BOM) else head
    stripped = text.lstrip()
    end = stripped.find(b"\n")
    if not stripped:
        return None
    if end < 0 and len(head) >= HEAD_BYTES:
        return _graph_page(stripped, name)  # a first line too long to judge whole from the head
    line_no = text[:len(text) - len(stripped)].count(b"\n") + 1
    first = (stripped if end < 0 else stripped[:end]).strip()
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    where = f"{name}:{line_no}"
    if first.startswith(b"{") and first.endswith(b"}"):
        try:
            return object_refusal(json.loads(line), where)
        except (ValueError, RecursionError):
            return None
    if first.startswith((b"[", b"{")):
        return _graph_page(stripped, name) if first.startswith(b"{") else None
    try:
        header = next(csv.reader([line]), [])
    except csv.Error:  # a field past the csv module's size limit: not a header of a known export
        return None
    if "_raw" in (column.strip() for column in header):  # a Splunk export: judged by its first row
        return _csv_row_refusal(header, stripped[end + 1:] if end >= 0 else b"", f"{name}:{line_no + 1}")
    what = describe_header(header) if len(header) > 1 else None
    return None if what is None else refusal(where, what)


def _csv_row_refusal(header: list[str], rows: bytes, where: str) -> str | None:
    """The refusal for a Splunk CSV export by its first row (``rows``, the head's text after the ``header`` line,
    ``where`` that row's place), as much of it as the head holds (a row cut short has no ``_raw`` to judge: None)."""
    try:
        first = next(csv.reader(io.StringIO(rows.decode("utf-8", "replace"), newline="")), None)
    except csv.Error:
        return None
    if first is None or len(first) != len(header):
        return None
    what = describe(dict(zip((column.strip() for column in header), first)))
    return None if what is None else refusal(where, what)


# a Graph response's first key (assumed: Graph and Graph Explorer write it first, as every page in Microsoft Graph's
# "List signIns" and "List directoryAudits" examples shows; the OData JSON Format puts control information first)
_GRAPH_PAGE = re.compile(rb'\{\s*"@odata\.context"\s*:')
_GRAPH_VALUE = re.compile(rb'"value"\s*:\s*\[')


def _graph_page(text: bytes, name: str) -> str | None:
    """The refusal for a Graph response page from its first bytes (``text``, from its ``{``), pretty-printed as Graph
    Explorer shows it or with a first line longer than the head: it was refused only once read whole, a file a run
    rather than in the one list of files refused before any is read. Said as ``describe`` says the whole page: its
    first element when the head holds it, and ``@odata.nextLink`` when the head shows one."""
    if not _GRAPH_PAGE.match(text):
        return None
    page: dict[str, object] = {"@odata.context": "", "value": []}
    found = _GRAPH_VALUE.search(text)
    if found is not None:
        try:
            page["value"] = [json.JSONDecoder().raw_decode(text[found.end():].decode("utf-8", "replace").lstrip())[0]]
        except (ValueError, RecursionError):  # its first element goes past the head (or there is none)
            pass
    if b'"@odata.nextLink"' in text:
        page["@odata.nextLink"] = ""
    return object_refusal(page, name)


def file_refusal(path: Path, head: bytes) -> str | None:
    """The refusal for an events file ``search --events`` is given, or None: by ``head``, the first ``HEAD_BYTES``
    of the file as search reads them to tell its format (``spl.events.events_head``: this check opened the file
    for them again), or, for a JSON document (up to ``MAX_ARRAY_FILE_BYTES``, which search's reader decodes whole
    too), by the document, read here. Opened as the reader opens it (``open_regular``): a FIFO given as
    ``--events`` once hung the command here, before the reader could refuse it."""
    found = head_refusal(head, str(path))
    if found is not None:
        return found
    start = head[len(_BOM):] if head.startswith(_BOM) else head
    first = start.lstrip().split(b"\n", 1)[0].strip()
    if not (first.startswith(b"[") or first == b"{"):
        return None
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_ARRAY_FILE_BYTES + 1)
    except OSError:
        return None  # the reader says why it cannot read the file
    if len(data) > MAX_ARRAY_FILE_BYTES:
        return None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return document_refusal(document, str(path))


# What every Entra ID sign-in and audit record of Azure Monitor holds in its text, however it is exported (a line, an
# Event Hub message, a Splunk export's _raw, JSON-escaped or CSV-quoted: none has a quote or a slash): its
# ``resourceId`` ends ``/providers/Microsoft.aadiam`` and its ``category`` is ``SignInLogs`` (or
# ``NonInteractiveUserSignInLogs``, ``ServicePrincipalSignInLogs``, ``ManagedIdentitySignInLogs``) or ``AuditLogs``
# (shared/reference/azure_monitor_aad.md §1-2). An input none of whose bytes holds one is another product's logs,
# whatever its times (``ReadReport.entra``).
ENTRA_MARKS = (b"Microsoft.aadiam", b"SignInLogs", b"AuditLogs")
MARK_OVERLAP = max(map(len, ENTRA_MARKS)) - 1  # a chunk's last bytes, looked at again with the next chunk's

# What other products' records are told by, from a file's first bytes, only to name them when no Entra ID record was
# read: Azure Monitor's other logs (the Activity log's ``category`` ``Administrative``, ``Policy``, ...), AWS
# CloudTrail's ``eventSource`` (``signin.amazonaws.com``), Okta's System Log ``eventType`` (``user.session.start``).
# A hint, never a judgement: a value of one of these keys says nothing of the rest of the file.
OTHER_KEYS = {"category": "Azure Monitor category", "eventSource": "AWS CloudTrail eventSource",
              "eventType": "Okta System Log eventType"}
HINT_BYTES = 1 << 16  # the first bytes of a file looked at for them
SHOWN_VALUES = 3  # of each key, the first values named
_OTHER = re.compile(rb'"(' + b"|".join(re.escape(key.encode()) for key in OTHER_KEYS) + rb')"\s*:\s*"([^"\\]{1,64})"')


def entra_marked(data: bytes) -> bool:
    """Whether ``data`` holds a mark of an Entra ID sign-in or audit record (``ENTRA_MARKS``)."""
    return any(mark in data for mark in ENTRA_MARKS)


def other_values(head: bytes) -> list[tuple[str, str]]:
    """The values of ``OTHER_KEYS`` in ``head`` (a file's first bytes), (key, value), each once, in order."""
    found = ((match.group(1).decode(), match.group(2).decode("utf-8", "replace")) for match in _OTHER.finditer(head))
    return list(dict.fromkeys(found))


def not_entra(values: Sequence[tuple[str, str]]) -> str:
    """What to say of an input holding no Entra ID sign-in or audit record, naming what ``values``
    (``other_values``) hint it holds instead, the first few of each key."""
    hints = []
    for key, label in OTHER_KEYS.items():
        seen = list(dict.fromkeys(value for name, value in values if name == key))
        if seen:
            hints.append(f"{label} {cut_list(seen, SHOWN_VALUES, separator=', ')}")
    instead = f": its records name {'; '.join(hints)}" if hints else ""
    return (f"the input holds no Entra ID sign-in or audit records (Azure Monitor's category SignInLogs or AuditLogs, "
            f"resourceId .../providers/Microsoft.aadiam){instead}; no detection can match any of it, so there is "
            f"nothing to report: {READ_INSTEAD}")
