"""A protocol-level test double of splunkd — NOT Splunk.

An HTTPS server on 127.0.0.1 that answers the REST endpoints ``contentpack.splunk`` reaches through splunklib,
with the bodies Splunk's REST API reference documents: Atom feeds with ``s:dict``/``s:key`` content for
configuration and app entities (REST API User Manual, "Atom Feed responses"), ``<response><messages><msg>``
bodies for errors, ``<response><sessionKey>`` for ``auth/login`` (REST API reference, *Access endpoint
descriptions*), oneshot search results as ``output_mode=json`` (``{"results": [...], "messages": [...]}``,
*Search endpoint descriptions*, ``search/jobs``), and HEC's ``{"text": ..., "code": ...}`` answers (*Getting
Data In*, "Troubleshoot HTTP Event Collector", error-code table).

Searches are answered by the embedded SPL engine (``contentpack.spl``) over the events this double received,
configured from the pack (``knowledge``), which stands for "the app and the Microsoft Cloud Services add-on
are installed". So a test against it proves that our client speaks the protocol and handles the answers —
not that Splunk computes the same results: that is what ``replay --splunk`` on a real Splunk is for.

What it models: connections kept open between requests (HTTP/1.1 keep-alive; ``server.accepted`` counts them),
sessions and bearer tokens (401 otherwise), conf stanzas in two layers (``default`` from an
installed package, ``local`` from REST writes; a GET shows them merged; DELETE removes the local layer),
``apps/local`` installs from a tarball path, 409 on creating what exists, indexes, ``receivers/simple``,
``services/collector/raw``, ``| delete``, the ``index_earliest``/``index_latest`` bounds of a search job
(on ``_indextime``), a search job's messages (the engine's, such as a subsearch cut at its maxout, with
upper-case types, and any a test plants), and faults: HEC token disabled, a search that fails, a server that
stops answering after N requests.
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import struct
import ssl
import tarfile
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus as unquote, urlsplit
from xml.sax.saxutils import escape

from contentpack.esapp.conf import read_conf
from contentpack.spl import Engine, SplError
from contentpack.spl.events import make_event, read_events
from contentpack.spl.values import Event, Value, make_mv, mv_values, to_str

ATOM = "http://www.w3.org/2005/Atom"
REST = "http://dev.splunk.com/ns/rest"
_STASH_PAIR = re.compile(r'([A-Za-z_][\w.{}:-]*)="((?:[^"\\]|\\.)*)"')
_STASH_TIME = re.compile(r"^(\d+(?:\.\d+)?),")


@dataclass
class Layered:
    default: dict[str, str] = field(default_factory=dict)
    local: dict[str, str] | None = None

    def merged(self) -> dict[str, str]:
        return {**self.default, **(self.local or {})}


@dataclass(frozen=True)
class StoredBatch:
    """One request's JSON events, kept as the file the engine scans (as the local replay scans attack data)."""

    path: Path
    index: str
    host: str
    source: str
    sourcetype: str
    count: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.index, self.host, self.source, self.sourcetype


@dataclass
class DoubleState:
    """Everything the double knows; tests read and plant things here."""

    token: str
    username: str
    password: str
    hec_token: str
    indexes: set[str] = field(default_factory=lambda: {"main"})
    # indexes searches find but ``data/indexes`` does not list: defined on a distributed deployment's indexers only
    unlisted_indexes: set[str] = field(default_factory=set)
    confs: dict[tuple[str, str], dict[str, Layered]] = field(default_factory=dict)  # (app, file) -> stanza
    apps: dict[str, dict[str, str]] = field(default_factory=dict)
    lookup_files: dict[str, set[str]] = field(default_factory=dict)  # app -> file names
    events: list[Event] = field(default_factory=list)  # key="value" (stash) events, kept in memory
    batches: list["StoredBatch"] = field(default_factory=list)  # JSON events, one file per request
    sessions: set[str] = field(default_factory=set)
    risk_index: str | None = None
    hec_mode: str = "enabled"  # or "token-disabled"
    fail_search: str | None = None  # a search containing this text fails with a FATAL message
    # messages ({"type": ..., "text": ...}) added to every search's answer after the engine's own
    planted_messages: list[dict[str, str]] = field(default_factory=list)
    # How received JSON events get _indextime. None: not at all (the engine then counts them as indexed at the
    # search's "now", as freshly sent test data is). A test may stand for a Splunk that indexed a tenant's
    # logs as they arrived with e.g. ``DelayPlan.assign`` (_time + the ingestion delay).
    stamp_indextime: Callable[[list[Event]], None] | None = None
    answer_budget: int | None = None  # requests still answered; then the server stops answering
    echo_credentials: bool = False  # a careless server: its 401 (and 403) bodies quote the credentials it received
    # splunkd 6.2+: auth/login with cookie=1 also sets a splunkd_<port> cookie, which splunklib then sends alone
    # (``Cookie``, no Authorization); its value here is not the session key, the case where scrubbing the key
    # alone would not hide it
    session_cookies: bool = False
    cookie_sessions: set[str] = field(default_factory=set)
    fail_statuses: list[int] = field(default_factory=list)  # answer the next requests with these statuses
    forbidden: set[str] = field(default_factory=set)  # REST paths (after the namespace) answered with 403
    # A hostile or broken server (a proxy in between, a misconfigured or malicious splunkd): asked with each
    # request's method, path and Authorization header, it may take the answer over (``Hostile``); None keeps the
    # double's own.
    hostile: Callable[[str, str, str], "Hostile | None"] | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)  # the text of every search job answered, in order
    writes: int = 0  # successful create/update/delete/install requests
    next_cd: int = 0
    # what server/info answers; a test may add instance_type ("cloud") or server_roles (["shc_member", ...])
    server_info: dict[str, Any] = field(default_factory=lambda: {"version": "9.4.0", "serverName": "double"})


@dataclass(frozen=True)
class Hostile:
    """An answer no well-behaved splunkd gives: any status, headers and body; ``delay`` seconds before it (a
    slow server), or ``reset`` after ``len(body) // 2`` bytes of a body announced in full (a connection that
    drops mid-body); or, with ``stream``, ``body`` sent again and again without a Content-Length until
    ``stream`` bytes went out or the client hung up (a body the closing connection ends: a server streaming
    more than any answer should hold)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    reset: bool = False
    stream: int = 0


def _xml(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _dict_xml(content: dict[str, Any]) -> str:
    keys = []
    for name, value in content.items():
        if isinstance(value, dict):
            keys.append(f'<s:key name="{_xml(name)}">{_dict_xml(value)}</s:key>')
        elif isinstance(value, list):  # server/info's server_roles, as splunkd writes a list
            items = "".join(f"<s:item>{_xml(str(item))}</s:item>" for item in value)
            keys.append(f'<s:key name="{_xml(name)}"><s:list>{items}</s:list></s:key>')
        else:
            keys.append(f'<s:key name="{_xml(name)}">{_xml(str(value))}</s:key>')
    return "<s:dict>" + "".join(keys) + "</s:dict>"


def atom_feed(title: str, base: str, entries: list[tuple[str, dict[str, Any]]], app: str) -> bytes:
    """An Atom feed as splunkd writes one: each entry's ``content`` is an ``s:dict`` with ``eai:acl``."""
    now = datetime.now(timezone.utc).isoformat()
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="{ATOM}" xmlns:s="{REST}" '
             'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">',
             f"<title>{_xml(title)}</title><id>{_xml(base)}</id><updated>{now}</updated>",
             f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>"]
    for name, content in entries:
        acl = {"app": app, "owner": "nobody", "sharing": "app", "can_write": "1", "modifiable": "1",
               "removable": "1"}
        link = f"{base.rstrip('/')}/{_quote(name)}"
        parts.append(f"<entry><title>{_xml(name)}</title><id>{_xml(link)}</id><updated>{now}</updated>"
                     f'<link href="{_xml(link)}" rel="alternate"/><author><name>nobody</name></author>'
                     f'<content type="text/xml">{_dict_xml({**content, "eai:acl": acl})}</content></entry>')
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _whole_seconds(text: str) -> str:
    """A REST time parameter as the search language writes an epoch time: ``1792037401.000`` as ``1792037401``."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else text


def messages_xml(text: str, kind: str = "ERROR") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<response><messages><msg type="{kind}">{_xml(text)}</msg>'
            "</messages></response>").encode("utf-8")


def stash_event(line: str) -> dict[str, Value]:
    """Fields of a ``key="value"`` line (Splunk's automatic key/value extraction; a repeated key is multivalue)."""
    collected: dict[str, list[str]] = {}
    for name, value in _STASH_PAIR.findall(line):
        collected.setdefault(name, []).append(value.replace('\\"', '"').replace("\\\\", "\\"))
    return {name: make_mv(values) for name, values in collected.items()}


def json_value(value: Value) -> Any:
    if isinstance(value, tuple):
        return [to_str(v) for v in value]
    return to_str(value)


def iso_time(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


class _QuietServer(ThreadingHTTPServer):
    """socketserver prints a failed request's traceback on stderr, where the CLI under test writes too: a client
    that closes a connection while the double still writes to it (splunklib on a loaded machine) then looked like a
    traceback from the command. A connection the client dropped is no failure of the double and is let go; any
    other exception in a handler is kept in ``failures``, which the ``double`` fixture requires to be empty."""

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.failures: list[str] = []
        self.accepted = 0  # connections accepted: a client that reuses its connections makes few

    def process_request(self, request: Any, client_address: Any) -> None:
        self.accepted += 1
        super().process_request(request, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        self.failures.append(traceback.format_exc())


class SplunkdDouble:
    """Start with ``start()``; ``url`` is https://127.0.0.1:<port>, ``ca_file`` the CA that signed its cert."""

    def __init__(self, cert_file: Path, key_file: Path, ca_file: Path, knowledge: Callable[[], Engine],
                 folder: Path) -> None:
        self.state = DoubleState(token=secrets.token_hex(16), username="replayer",
                                 password="pw-" + secrets.token_hex(8), hec_token=secrets.token_hex(16))
        self.knowledge = knowledge
        self.ca_file = ca_file
        self.folder = folder
        self.version = 0  # bumped whenever the stored events change: the search engine is forked anew then
        self._engine: tuple[int, Engine] | None = None
        # the engine ``knowledge`` built (once per callable: a test may plant another), which every search engine
        # is forked from, so they share its parse, compile and scan memos as the local replay's forks do
        self._knowledge_engine: tuple[Callable[[], Engine], Engine] | None = None
        self.lock = threading.Lock()
        self.clients: list[Callable[[], None]] = []  # closes the connections tests made to it, at stop()
        double = self

        class Handler(_Handler):
            owner = double

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert_file), str(key_file))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        # serve_forever checks for shutdown() every poll_interval (0.5 s by default): each test's stop() waited
        # that long for nothing.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "SplunkdDouble":
        self.thread.start()
        return self

    def stop(self) -> None:
        for close in self.clients:
            close()
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------------------------ state helpers
    def conf(self, app: str, name: str) -> dict[str, Layered]:
        return self.state.confs.setdefault((app, name), {})

    def add_events(self, body: bytes, index: str, source: str, sourcetype: str, host: str) -> int:
        """Index a request's events: JSON lines are kept as a file, ``stash`` lines parsed into memory."""
        lines = [line for line in body.decode("utf-8").splitlines() if line.strip()]
        self.version += 1
        if sourcetype != "stash":
            self.state.next_cd += 1
            path = self.folder / f"batch-{self.state.next_cd}.log"
            path.write_bytes(body)
            if self.state.stamp_indextime is not None:
                events = list(read_events(path, sourcetype=sourcetype, source=source, host=host, index=index))
                self.state.stamp_indextime(events)
                self.state.events.extend(events)
                return len(lines)
            self.state.batches.append(StoredBatch(path, index, host, source, sourcetype, len(lines)))
            return len(lines)
        for line in lines:
            match = _STASH_TIME.match(line)
            when = float(match.group(1)) if match else time.time()
            self.state.events.append(make_event(line, stash_event(line), sourcetype=sourcetype, source=source,
                                                host=host, index=index, time_field="", fallback_time=when))
        return len(lines)

    def engine(self) -> Engine:
        """The pack's knowledge plus every stored event (forked again only when the events changed)."""
        if self._engine is not None and self._engine[0] == self.version:
            return self._engine[1]
        if self._knowledge_engine is None or self._knowledge_engine[0] is not self.knowledge:
            self._knowledge_engine = (self.knowledge, self.knowledge())
        engine = self._knowledge_engine[1].fork([], [])
        for batch in self.state.batches:
            engine.register_events(batch.path, sourcetype=batch.sourcetype, source=batch.source, host=batch.host,
                                   index=batch.index, lazy=True)
        engine.register_events(list(self.state.events))
        if self.state.risk_index is not None:
            engine.register_risk_index(e for e in self.state.events if e.get("index") == self.state.risk_index)
        self._engine = (self.version, engine)
        return engine

    def delete(self, groups: list[dict[str, Value]]) -> str | None:
        """``| delete``, given the matching events counted by index/host/source/sourcetype: the double deletes
        whole requests' events only (all its callers need), and says so otherwise (None when done)."""
        keep_batches, keep_events = list(self.state.batches), list(self.state.events)
        for group in groups:
            key = tuple(str(to_str(group.get(k)) or "") for k in ("index", "host", "source", "sourcetype"))
            count = int(str(to_str(group.get("count")) or 0))
            stored = sum(b.count for b in keep_batches if b.key == key)
            stored += sum(1 for e in keep_events if _event_key(e) == key)
            if count != stored:
                return "this test double deletes whole requests' events only"
            keep_batches = [b for b in keep_batches if b.key != key]
            keep_events = [e for e in keep_events if _event_key(e) != key]
        self.state.batches, self.state.events = keep_batches, keep_events
        self.version += 1
        return None

    def run_search(self, text: str, params: dict[str, str]) -> tuple[int, bytes]:
        self.state.searched.append(text)
        if self.state.fail_search is not None and self.state.fail_search in text:
            return 400, messages_xml(f"Error in 'search' command: planted failure ({self.state.fail_search})", "FATAL")
        deleting = re.search(r"\|\s*delete\s*$", text) is not None
        query = re.sub(r"\|\s*delete\s*$", "| stats count by index host source sourcetype", text) if deleting else text
        engine = self.engine()

        def number(name: str) -> float | None:
            return float(params[name]) if params.get(name) else None

        now = number("now") or time.time()
        # The engine bounds _indextime with the same modifiers written in the search, where an epoch time is whole
        # seconds (the REST parameter's "1792037401.000" is written 1792037401; a fraction stays, and is refused).
        bounds = " ".join(f"_{name}={_whole_seconds(params[name])}" for name in ("index_earliest", "index_latest")
                          if params.get(name))
        if bounds:
            query = re.sub(r"^\s*search\s", f"search {bounds} ", query, count=1)
        try:
            results = engine.search(query, earliest=number("earliest_time"), latest=number("latest_time"), now=now)
        except SplError as exc:
            return 400, messages_xml(f"Error in search: {exc}", "FATAL")
        if deleting:
            refused = self.delete(results.rows)
            if refused is not None:
                return 400, messages_xml(refused, "FATAL")
            self.state.writes += 1
            return 200, json.dumps({"results": [], "messages": []}).encode()
        rows = []
        for row in results.rows:
            out: dict[str, Any] = {}
            for name, value in row.items():
                if value is None:
                    continue
                if name == "_time" and isinstance(value, (int, float)):
                    out[name] = iso_time(float(value))
                else:
                    out[name] = json_value(value)
            rows.append(out)
        # the engine's job messages (a subsearch cut at its maxout) as Splunk lists them: type upper-case
        messages = [{"type": m.level.upper(), "text": m.text} for m in results.messages]
        return 200, json.dumps({"preview": False, "init_offset": 0, "messages": messages + self.state.planted_messages,
                                "results": rows}).encode()

    def install_package(self, location: str, update: bool) -> tuple[int, bytes]:
        path = Path(location)
        if not path.is_file():
            return 400, messages_xml(f"Error during app install: failed to extract app from {location}")
        with tarfile.open(path) as tar:
            members = {m.name: tar.extractfile(m) for m in tar.getmembers() if m.isfile()}
            files = {name: handle.read() for name, handle in members.items() if handle is not None}
        appid = next(iter(files)).split("/", 1)[0]
        if appid in self.state.apps and not update:
            return 409, messages_xml(f"App \"{appid}\" already exists; use the \"update\" argument to install anyway")
        version = author = ""
        for name, data in files.items():
            parts = name.split("/")
            if len(parts) == 3 and parts[1] == "default" and parts[2].endswith(".conf"):
                conf = read_conf(data.decode("utf-8"), name)
                for stanza in conf.stanzas:
                    if parts[2] == "app.conf" and stanza.name == "launcher":
                        version = dict(stanza.entries).get("version", "")
                        author = dict(stanza.entries).get("author", "")
                    entry = self.conf(appid, parts[2][:-5]).setdefault(stanza.name, Layered())
                    entry.default = dict(stanza.entries)
            if len(parts) == 3 and parts[1] == "lookups":
                self.state.lookup_files.setdefault(appid, set()).add(parts[2])
        self.state.apps[appid] = {"version": version, "author": author, "label": appid, "visible": "1",
                                  "disabled": "0"}
        self.state.writes += 1
        return 201, atom_feed("localapps", "/services/apps/local", [(appid, self.state.apps[appid])], appid)


class _Handler(BaseHTTPRequestHandler):
    owner: SplunkdDouble
    protocol_version = "HTTP/1.1"
    _extra_headers: list[tuple[str, str]] = []  # the next answer's own headers (a login's Set-Cookie)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # ------------------------------------------------------------------------------------ plumbing
    def _send(self, status: int, body: bytes, content_type: str = "text/xml; charset=utf-8") -> None:
        """An answer on a connection kept open for the next request, as splunkd's HTTP/1.1 server keeps it, unless
        the request said ``Connection: close`` (splunk-sdk's own handler does): then the answer says so too
        (RFC 9112, 9.6: the server "SHOULD send a "close" connection option in its final response"), which
        that handler needs to read the body of a connection it closes."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in self._extra_headers:
            self.send_header(name, value)
        self._extra_headers = []
        if self.close_connection:  # set by http.server from the request's Connection header
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _hostile(self, answer: Hostile) -> None:
        if answer.delay:
            time.sleep(answer.delay)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        if not answer.stream:
            self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if answer.stream:  # a client that stops reading closes the connection: the write then fails, let go
            for _ in range(0, answer.stream, len(answer.body)):
                self.wfile.write(answer.body)
        elif answer.reset:  # half the body, then a TCP reset (SO_LINGER 0: close sends RST, not FIN)
            self.wfile.write(answer.body[:len(answer.body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            self.wfile.write(answer.body)
        self.close_connection = True

    def _form(self, query: str) -> tuple[dict[str, str], bytes]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        return params, body

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        state = self.owner.state
        cookie = self.headers.get("Cookie", "")
        if any(part.strip().partition("=")[2] in state.cookie_sessions for part in cookie.split(";") if part):
            return True
        if header == f"Bearer {state.token}":
            return True
        return header.startswith("Splunk ") and header[len("Splunk "):] in state.sessions

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        double = self.owner
        hostile = double.state.hostile
        answer = (hostile(method, urlsplit(self.path).path, self.headers.get("Authorization", ""))
                  if hostile is not None else None)
        if answer is not None:
            self._form("")
            with double.lock:
                double.state.requests.append((method, urlsplit(self.path).path))
            self._hostile(answer)
            return
        with double.lock:
            state = double.state
            if state.answer_budget is not None:
                if state.answer_budget <= 0:
                    self.close_connection = True  # stops answering: the connection closes with no response
                    return
                state.answer_budget -= 1
            parts = urlsplit(self.path)
            params, body = self._form(parts.query)
            if method == "POST" and body:
                if not parts.path.rstrip("/").endswith(("/receivers/simple", "/collector/raw")):
                    params.update({k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()})
            state.requests.append((method, parts.path))
            if state.fail_statuses:
                status = state.fail_statuses.pop(0)
                payload, ctype = messages_xml(f"planted HTTP {status}"), "text/xml; charset=utf-8"
            else:
                status, payload, ctype = self._route(method, parts.path, params, body)
        self._send(status, payload, ctype)

    # ------------------------------------------------------------------------------------ routes
    def _route(self, method: str, path: str, params: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        xml = "text/xml; charset=utf-8"
        state = self.owner.state
        match = re.match(r"^/servicesNS/([^/]+)/([^/]+)/(.*)$", path) or re.match(r"^/services/()()(.*)$", path)
        if match is None:
            return 404, messages_xml(f"Not Found: {path}"), xml
        app = unquote(match.group(2)) or "search"
        rest = match.group(3).rstrip("/")
        if rest == "auth/login" and method == "POST":
            if params.get("username") == state.username and params.get("password") == state.password:
                key = secrets.token_hex(16)
                state.sessions.add(key)
                if state.session_cookies and params.get("cookie") == "1":
                    cookie = secrets.token_hex(20)
                    state.cookie_sessions.add(cookie)
                    self._extra_headers = [("Set-Cookie", f"splunkd_{self.owner.server.server_address[1]}={cookie}; "
                                                          "Path=/; Secure; HttpOnly")]
                return 200, f"<response><sessionKey>{key}</sessionKey></response>".encode(), xml
            echoed = f" for {params.get('username')}/{params.get('password')}" if state.echo_credentials else ""
            return 401, messages_xml(f"Login failed{echoed}", "WARN"), xml
        if rest == "collector/raw":
            return self._hec(params, body)
        if not self._authorised():
            echoed = f" ({self.headers.get('Authorization')})" if state.echo_credentials else ""
            return 401, messages_xml(f"call not properly authenticated{echoed}", "WARN"), xml
        if rest in state.forbidden:
            echoed = (f" (Authorization: {self.headers.get('Authorization')}; Cookie: {self.headers.get('Cookie')})"
                      if state.echo_credentials else "")
            denied = f"You (user=replayer) do not have permission to perform this operation{echoed}"
            return 403, messages_xml(denied), xml
        if rest == "server/info":
            return 200, atom_feed("server-info", "/services/server/info",
                                  [("server-info", state.server_info)], "system"), xml
        if rest in ("search/jobs", "search/v2/jobs") and method == "POST":
            if params.get("exec_mode") != "oneshot":
                return 400, messages_xml("this test double answers oneshot searches only"), xml
            status, payload = self.owner.run_search(params.get("search", ""), params)
            return status, payload, "application/json" if status == 200 else xml
        if rest == "receivers/simple" and method == "POST":
            index = params.get("index", "main")
            if index not in state.indexes:
                return 400, messages_xml(f"Index '{index}' does not exist"), xml
            self.owner.add_events(body, index, params.get("source", ""), params.get("sourcetype", ""),
                                  params.get("host", ""))
            return 200, b"<response><results><result></result></results></response>", xml
        conf = re.match(r"^configs/conf-([^/]+)(?:/(.+))?$", rest)
        if conf is not None:
            return self._conf(method, app, conf.group(1), unquote(conf.group(2)) if conf.group(2) else None, params)
        if rest.startswith("apps/local"):
            return self._apps(method, rest[len("apps/local"):].strip("/"), params)
        index_match = re.match(r"^data/indexes/([^/]+)$", rest)
        if index_match is not None and method == "GET":
            name = unquote(index_match.group(1))
            if name not in state.indexes or name in state.unlisted_indexes:
                return 404, messages_xml(f"Could not find object id={name}"), xml
            return 200, atom_feed("indexes", "/services/data/indexes", [(name, {"totalEventCount": "0"})], "search"), xml
        lookup = re.match(r"^data/lookup-table-files/([^/]+)$", rest)
        if lookup is not None and method == "GET":
            name = unquote(lookup.group(1))
            if name not in state.lookup_files.get(app, set()):
                return 404, messages_xml(f"Could not find object id={name}"), xml
            return 200, atom_feed("lookup-table-files", f"/servicesNS/nobody/{app}/data/lookup-table-files",
                                  [(name, {"eai:data": name})], app), xml
        return 404, messages_xml(f"Not Found: {path}"), xml

    def _hec(self, params: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        state = self.owner.state
        as_json = "application/json"
        if self.headers.get("Authorization", "") != f"Splunk {state.hec_token}":
            echoed = f" {self.headers.get('Authorization')}" if state.echo_credentials else ""
            return 403, json.dumps({"text": f"Invalid token{echoed}", "code": 4}).encode(), as_json
        if state.hec_mode == "token-disabled":
            return 403, json.dumps({"text": "Token disabled", "code": 1}).encode(), as_json
        index = params.get("index", "main")
        if index not in state.indexes:
            return 400, json.dumps({"text": "Incorrect index", "code": 7, "invalid-event-number": 1}).encode(), as_json
        if not body.strip():
            return 400, json.dumps({"text": "No data", "code": 5}).encode(), as_json
        self.owner.add_events(body, index, params.get("source", ""), params.get("sourcetype", ""),
                              params.get("host", ""))
        return 200, json.dumps({"text": "Success", "code": 0}).encode(), as_json

    def _conf(self, method: str, app: str, name: str, stanza: str | None,
              params: dict[str, str]) -> tuple[int, bytes, str]:
        xml = "text/xml; charset=utf-8"
        double = self.owner
        stanzas = double.conf(app, name)
        base = f"/servicesNS/nobody/{app}/configs/conf-{name}"
        values = {k: v for k, v in params.items() if k not in ("name", "output_mode")}
        if stanza is None:
            if method == "GET":
                return 200, atom_feed(f"conf-{name}", base, [(s, v.merged()) for s, v in stanzas.items()], app), xml
            if method == "POST":
                new = params.get("name", "")
                if not new:
                    return 400, messages_xml("Missing argument: name"), xml
                if new in stanzas:
                    return 409, messages_xml(f"An object with name={new} already exists"), xml
                stanzas[new] = Layered(local=values)
                double.state.writes += 1
                return 201, atom_feed(f"conf-{name}", base, [(new, stanzas[new].merged())], app), xml
        elif stanza not in stanzas:
            return 404, messages_xml(f"Could not find object id={stanza}"), xml
        elif method == "GET":
            return 200, atom_feed(f"conf-{name}", base, [(stanza, stanzas[stanza].merged())], app), xml
        elif method == "POST":
            entry = stanzas[stanza]
            entry.local = {**(entry.local or {}), **values}
            double.state.writes += 1
            return 200, atom_feed(f"conf-{name}", base, [(stanza, entry.merged())], app), xml
        elif method == "DELETE":
            entry = stanzas[stanza]
            if entry.local is None:
                return 404, messages_xml(f"Could not find object id={stanza} in local"), xml
            entry.local = None
            if not entry.default:
                del stanzas[stanza]
            double.state.writes += 1
            return 200, atom_feed(f"conf-{name}", base, [(s, v.merged()) for s, v in stanzas.items()], app), xml
        return 405, messages_xml(f"{method} is not supported here"), xml

    def _apps(self, method: str, name: str, params: dict[str, str]) -> tuple[int, bytes, str]:
        xml = "text/xml; charset=utf-8"
        double = self.owner
        apps = double.state.apps
        if name:
            if name not in apps:
                return 404, messages_xml(f"Could not find object id={name}"), xml
            return 200, atom_feed("localapps", "/services/apps/local", [(name, apps[name])], name), xml
        if method == "GET":
            return 200, atom_feed("localapps", "/services/apps/local", list(apps.items()), "system"), xml
        if method == "POST":
            if params.get("filename", "").lower() in ("true", "1"):
                status, payload = double.install_package(params.get("name", ""),
                                                         params.get("update", "").lower() in ("true", "1"))
                return status, payload, xml
            new = params.get("name", "")
            if new in apps:
                return 409, messages_xml(f"App \"{new}\" already exists"), xml
            apps[new] = {"version": params.get("version", ""), "label": params.get("label", new), "visible": "1",
                         "disabled": "0"}
            double.state.writes += 1
            return 201, atom_feed("localapps", "/services/apps/local", [(new, apps[new])], new), xml
        return 405, messages_xml(f"{method} is not supported here"), xml


def _event_key(event: Event) -> tuple[str, ...]:
    return tuple(str(event.get(k, "")) for k in ("index", "host", "source", "sourcetype"))


def tuple_texts(value: Value) -> tuple[str, ...]:
    return tuple(t for t in (to_str(v) for v in mv_values(value)) if t is not None)
