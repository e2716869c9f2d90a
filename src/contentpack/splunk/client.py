"""The connection to splunkd through ``splunklib``: TLS, timeouts, retries, and errors a person can act on.

* **TLS** is verified by default, against the system's CAs or ``--ca-file``; the host name must match the
  certificate. ``--insecure`` turns verification off and prints a warning each time. ``http://`` URLs are
  refused unless ``--insecure`` is given, since credentials would travel in clear text (the ``--splunk`` URL's
  and ``--hec-url``'s alike: the HEC token is one).
* **Timeouts**: every request has one (``--timeout``, default 30 s, at most ``MAX_TIMEOUT``), so a server that
  stops answering ends the command with a message instead of hanging it.
* **Retries** with exponential backoff (``--retries``, default 3, at most ``MAX_RETRIES``), only where sending
  the request again cannot do its work twice (``retrying``): a GET or a login after a connection error, a
  time-out, a 5xx or a 429 answer; any other request (a search job, events for HEC, a write) only after an error
  that came before it was sent, or a 503 or 429 answer, after the wait its ``Retry-After`` asks for (at most a
  minute). A TLS certificate problem is not retried: it does not fix itself.
* **Answers** are checked before anything trusts them (``checked``: the XML a read or a write gets, a search's
  JSON, HEC's code) and read through one reader that stops one byte past the limit of their kind (``capped``:
  a search answer ``--max-search-answer-mb``, 256 MB by default; other REST answers 16 MB; HEC's 64 KB).
* **Errors**: splunklib raises ``HTTPError`` (with the server's body), ``ssl`` and socket errors. Each is
  turned into a :class:`SplunkError` naming what was being done, with a plain message for 401, 403, 404 and
  409, the credentials scrubbed from every message, and raised ``from None`` so the SDK's exception (whose
  text we do not control) is not chained into a traceback.

splunk-sdk: 2.1.x is the line that installs on Python 3.11 and 3.12 (3.x requires Python >= 3.13), so the
project pins 2.1.1 for every supported Python. Requests go through our own HTTP handler, which keeps connections
open between requests (``contentpack.splunk.keepalive``: the SDK's default handler opens and closes one per
request), wrapped in our retry loop.
"""

from __future__ import annotations

import email.utils
import http.client
import io
import ipaddress
import json
import logging
import re
import ssl
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from splunklib import binding, client

from contentpack.cut_lists import count_text
from contentpack.spl.files import FileRefused, os_reason, read_capped
from contentpack.spl.messages import JobMessage, Level
from contentpack.splunk.credentials import Credentials, remember, remembered, scrub
from contentpack.splunk.keepalive import IDEMPOTENT, KeepAliveHandler, never_sent
from contentpack.splunk.options import (DEFAULT_MAX_SEARCH_ANSWER_MB, DEFAULT_RETRIES, DEFAULT_TIMEOUT, MAX_RETRIES,
                                        MAX_SEARCH_ANSWER_MB, MAX_TIMEOUT, MIN_TIMEOUT)

DEFAULT_BACKOFF = 1.0
DEFAULT_HEC_PORT = 8088
# How much of an answer is read (``capped``): reading stops one byte past the limit, so a server streaming
# gigabytes costs that much memory at most. A search answer is every row of one oneshot job (``count=0``): one
# scheduled run of a detection for ``backtest --splunk``, up to ``concurrency`` of them in memory at once. A
# results answer holds at most limits.conf's ``[restapi] maxresultrows`` rows, 50,000 by default (limits.conf.spec,
# 9.0.3: "Maximum result rows to be returned by /events or /results getters from REST API"; that a oneshot job's
# answer is held to it too is ``assumed``); 256 MB leaves 5 KB per such row, several times a
# stats row of this pack's detections -- an administrator who raised maxresultrows, or a search returning whole
# raw events, raises ``--max-search-answer-mb`` (its default and bound are in ``options``). REST (Atom XML)
# answers hold one entity or one collection (every app of a search head is a few MB) and HEC's is
# ``{"text": "Success", "code": 0}``: no legitimate one comes near theirs, so those are fixed.
MB = 1 << 20
MAX_REST_ANSWER = 16 * MB
MAX_HEC_ANSWER = 64 << 10
# Worded for any caller: the CLI prefixes it with its command, as it does every warning (``cli.common.warning``).
INSECURE_WARNING = ("--insecure: TLS certificate verification is OFF; anyone on the network "
                    "path can read the credentials and the data. Use --ca-file instead where you can.")

Handler = Callable[..., dict[str, Any]]


class SplunkError(Exception):
    """A failed exchange with Splunk; ``str()`` is a message for people and never holds a credential."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class SearchFailed(SplunkError):
    """Splunk ran (or refused to run) the search and reported an error: the search is at fault, not the link."""


# The types of a search answer's ``messages`` carried beside its rows, as the engine's levels (``spl.messages``).
# FATAL and ERROR mean the search failed (``SearchFailed``). DEBUG is not carried: it is splunkd's account of
# how it ran the search (such as the "base lispy" it derived), not something it says about the answer, and
# a warning per run of it would bury the ones that are (``assumed``: no page we found says which types Splunk
# Web shows above the results).
_CARRIED: dict[str, Level] = {"WARN": "warn", "INFO": "info"}
_FAILED = ("FATAL", "ERROR")


@dataclass(frozen=True)
class SearchAnswer:
    """A search's answer: every result row (values: text or a list of texts) and the job's messages Splunk
    gave beside them (``{"messages": [{"type": "WARN", "text": ...}], "results": [...]}``), the same
    ``JobMessage``s the embedded engine reports, so the commands say a real Splunk's as they say the engine's."""

    rows: list[dict[str, Any]]
    messages: tuple[JobMessage, ...] = ()


@dataclass(frozen=True)
class Target:
    """Where splunkd listens, from a URL such as ``https://sh1.example.com:8089``."""

    scheme: str
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"{self.scheme}://{host}:{self.port}"


_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


def _host_name(host: str) -> str | None:
    """``host`` as a connection takes it (an IP address, or a DNS name, IDNA-encoded), or None when it is
    neither (``urlsplit`` accepts ``%00``, ``a..b`` or a 300-character label; the socket layer then fails with
    an opaque UnicodeError)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        ascii_name = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_name.removesuffix(".").split(".")
    if len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        return None
    return ascii_name


def parse_target(url: str, default_port: int = 8089) -> Target:
    """Where ``url`` points; :class:`SplunkError` for anything but ``scheme://host[:port]``, with a message
    that never repeats a user name or password written into the URL."""
    if _CONTROL_OR_SPACE.search(url):  # urlsplit drops tabs and line breaks silently; nothing else may hold them
        raise SplunkError("the URL holds a space or a control character: give scheme://host:port, e.g. "
                          "https://splunk.example.com:8089")
    try:
        parts = urlsplit(url)
        has_credentials = bool(parts.username or parts.password)
    except ValueError:  # an unbalanced [ of an IPv6 literal
        raise SplunkError("not a URL such as https://splunk.example.com:8089 (an IPv6 address goes in brackets: "
                          "https://[::1]:8089)") from None
    if has_credentials or "@" in parts.netloc:
        raise SplunkError("credentials do not belong in the URL: use SPLUNK_TOKEN, SPLUNK_USERNAME/SPLUNK_PASSWORD "
                          "or a netrc file")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        shown = "" if "@" in url else f"{url!r}: "  # '://user:password@' parses as a path: not echoed either
        raise SplunkError(f"{shown}not a URL such as https://splunk.example.com:8089")
    host = _host_name(parts.hostname)
    if host is None:
        raise SplunkError(f"{parts.scheme}://{parts.hostname!r}: not a host name or an IP address")
    if parts.path not in ("", "/") or parts.query or parts.fragment or url.endswith(("?", "#")):
        # the server part only: a path or query may hold a token; the user name and password were refused above
        raise SplunkError(f"{parts.scheme}://{parts.netloc}: give the server only (scheme, host, port), no path")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:  # urlsplit takes ":0" (falsy) and refuses ":-1", ":99999" and ":abc" alike
        raise SplunkError(f"{parts.scheme}://{parts.netloc}: the port must be a number from 1 to 65535")
    return Target(parts.scheme, host, port or default_port)


def refuse_clear_text(target: Target, insecure: bool, secret: str) -> None:
    """:class:`SplunkError` for a plain http ``target`` unless ``insecure`` (``--insecure``): ``secret`` (the
    credentials, the HEC token) would travel in clear text."""
    if target.scheme == "http" and not insecure:
        raise SplunkError(f"{target.url}: plain http would send {secret} in clear text; use https "
                          "(or --insecure to accept that)")


def hec_target(url: str, insecure: bool) -> Target:
    """Where ``--hec-url`` points (port 8088 by default): :class:`SplunkError` for a URL ``parse_target`` refuses,
    or a plain http one unless ``insecure`` (the HEC token is a credential). No request: a usage check."""
    target = parse_target(url, DEFAULT_HEC_PORT)
    refuse_clear_text(target, insecure, "the HEC token")
    return target


@dataclass(frozen=True)
class ConnectionOptions:
    url: str
    ca_file: Path | None = None
    insecure: bool = False
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF  # seconds before the first retry; doubled each time
    max_search_answer_mb: int = DEFAULT_MAX_SEARCH_ANSWER_MB

    def __post_init__(self) -> None:
        if not MIN_TIMEOUT <= self.timeout <= MAX_TIMEOUT:  # NaN too
            raise SplunkError(f"the time-out must be {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g} seconds")
        if not 0 <= self.retries <= MAX_RETRIES:
            raise SplunkError(f"the retries must be 0 to {MAX_RETRIES}")
        if not 1 <= self.max_search_answer_mb <= MAX_SEARCH_ANSWER_MB:
            raise SplunkError(f"the search answer limit must be 1 to {MAX_SEARCH_ANSWER_MB} MB")


MAX_CA_FILE_BYTES = 16 << 20  # a bundle of every public CA is about 200 KB


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """A verifying context (host name checked), trusting ``ca_file`` when given, else the system's CAs.

    The file is read here, a regular file of at most ``MAX_CA_FILE_BYTES`` (``ssl`` would open a FIFO and wait
    for a writer for ever), and its text handed to ``ssl`` as ``cadata``."""
    if ca_file is None:
        return ssl.create_default_context()
    try:
        pem = read_capped(ca_file, MAX_CA_FILE_BYTES).decode("ascii")
        return ssl.create_default_context(cadata=pem)
    except FileRefused as exc:
        raise SplunkError(f"--ca-file {ca_file}: {exc}") from None
    except (UnicodeDecodeError, ssl.SSLError, ValueError) as exc:  # ssl.SSLError is an OSError: caught first
        raise SplunkError(f"--ca-file {ca_file}: cannot load it as PEM CA certificates ({type(exc).__name__})") from None
    except OSError as exc:  # a missing file in the commands' one wording, else the system's words
        raise SplunkError(f"--ca-file {ca_file}: {os_reason(exc)}") from None


class UnexpectedAnswer(Exception):
    """An answer splunkd does not give: a redirect, an answer of the wrong shape, or one over its size limit."""


def _size(limit: int) -> str:
    return f"{count_text(limit // MB)} MB" if limit >= MB else f"{count_text(limit >> 10)} KB"


@dataclass(frozen=True)
class AnswerLimit:
    """How much of one kind of answer is read, and how a person raises it (empty: no legitimate answer
    comes near it)."""

    kind: str
    limit: int
    raised_with: str = ""

    def exceeded(self) -> UnexpectedAnswer:
        how = f"; if it is legitimate, raise the limit with {self.raised_with}" if self.raised_with else ""
        return UnexpectedAnswer(f"the {self.kind} is over its {_size(self.limit)} limit (not read further){how}")


REST_LIMIT = AnswerLimit("REST answer", MAX_REST_ANSWER)
HEC_LIMIT = AnswerLimit("HEC answer", MAX_HEC_ANSWER)
_READ_CHUNK = MB


class _CappedBody(io.RawIOBase):
    """An answer's body that raises :class:`UnexpectedAnswer` once more than its limit is read -- after reading
    at most one byte past it -- whoever reads it (this module, or splunklib reading an error or login body)."""

    def __init__(self, body: Any, limit: AnswerLimit) -> None:
        super().__init__()
        self._body = body
        self._limit = limit
        self._taken = 0

    def readable(self) -> bool:
        return True

    def _take(self, size: int) -> bytes:
        data: bytes = self._body.read(min(size, self._limit.limit + 1 - self._taken))
        self._taken += len(data)
        if self._taken > self._limit.limit:
            self.close()
            raise self._limit.exceeded()
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size >= 0:
            return self._take(size)
        chunks = []
        while chunk := self._take(_READ_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)

    def readinto(self, buffer: Any) -> int:
        data = self._take(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def _is_search(method: str, path: str) -> bool:
    """A job created with ``POST search/jobs`` (``search/v2/jobs`` on splunklib 2.x): here always a oneshot job,
    answered with its results."""
    return method == "POST" and path.endswith(("/search/jobs", "/search/v2/jobs"))


def _is_hec(path: str) -> bool:
    return "/services/collector" in path


def _declared_length(headers: Any) -> int | None:
    for name, value in headers or ():
        if str(name).lower() == "content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def capped(handler: Handler, search_limit: AnswerLimit) -> Handler:
    """``handler`` whose every answer body is read through one :class:`_CappedBody`, with the limit of its kind:
    ``search_limit`` for a search job's results, HEC's for HEC, the REST limit for the rest. An answer that
    announces a larger ``Content-Length`` is refused before any of it is read."""

    def request(url: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        response = handler(url, message, **kwargs)
        path = _path(url)
        limit = (search_limit if _is_search(message.get("method", "GET"), path)
                 else HEC_LIMIT if _is_hec(path) else REST_LIMIT)
        declared = _declared_length(response.get("headers"))
        if declared is not None and declared > limit.limit:
            response["body"].close()
            raise limit.exceeded()
        response["body"] = _CappedBody(response["body"], limit)
        return response

    return request


# splunkd's answers (REST API User Manual, "Atom Feed responses"): a read (GET) and a write to a configuration
# or app entity (POST ``configs/conf-{file}[/{stanza}]``, ``apps/local``: REST API Reference Manual,
# *Configuration endpoint descriptions* and *Application endpoint descriptions*,
# https://docs.splunk.com/Documentation/Splunk/9.4.0/RESTREF/RESTconf and .../RESTapps, whose example answers
# are Atom feeds holding the written entry) are Atom feeds and entries. ``<response>`` is auth/login's answer
# (``<response><sessionKey>``: *Access endpoint descriptions*, .../RESTaccess; splunklib's own login reads it
# as ``XML(body).findtext("./sessionKey")``, binding.py) and receivers/simple's
# (``<response><results><result>`` naming the index, bytes, host, source and sourcetype taken: *Input endpoint
# descriptions*, .../RESTinput), and splunkd's error messages -- never a read's success. Their depth is a
# handful of levels (feed/entry/content/s:dict/s:key/s:list/...); ``splunklib.data.load`` recurses per level, so
# a deeper answer would end in a RecursionError.
_ATOM = "{http://www.w3.org/2005/Atom}"
MAX_XML_DEPTH = 64


@dataclass(frozen=True)
class _XmlAnswer:
    """The XML a successful answer must be: one of ``roots``, holding a ``child`` (with text, if ``text``)."""

    roots: tuple[str, ...]
    what: str
    child: str | None = None
    text: bool = False


_ATOM_ANSWER = _XmlAnswer((f"{_ATOM}feed", f"{_ATOM}entry"), "splunkd's Atom feed or entry")
_LOGIN_ANSWER = _XmlAnswer(("response",), "auth/login's <response> with a <sessionKey>", "sessionKey", text=True)
_RECEIVED_ANSWER = _XmlAnswer(("response",), "receivers/simple's <response> with <results>", "results")


def _expected(method: str, url: str) -> _XmlAnswer | None:
    """The XML a successful answer to this request must be; None for JSON answers, checked where they are read
    (a search's by ``_search_json``, HEC's by ``HecSender``). A DELETE (``deploy --remove-local``, of
    ``configs/conf-{file}/{stanza}``) is answered with the feed of what remains: the REST API Reference's
    *storage/passwords/{name}* DELETE "Returns a list of the remaining credentials" (Access endpoint
    descriptions); for ``configs/conf-{file}/{stanza}`` the page lists no response keys (assumed alike). Nothing
    reads that feed, but a proxy's HTML page was taken for "removed"."""
    path = _path(url)
    if method in ("GET", "DELETE"):
        return None if "output_mode=json" in url else _ATOM_ANSWER
    if method != "POST" or _is_search(method, path) or _is_hec(path):
        return None
    if path.endswith("/auth/login"):
        return _LOGIN_ANSWER
    if path.endswith("/receivers/simple"):
        return _RECEIVED_ANSWER
    return _ATOM_ANSWER


def _xml_problem(data: bytes, expected: _XmlAnswer = _ATOM_ANSWER) -> str | None:
    """Why ``data`` is not ``expected`` (None when it is)."""
    if not data.strip():
        return "an empty body"
    depth, root = 0, None
    try:
        for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            if event == "end":
                depth -= 1
                continue
            root = root if root is not None else element
            depth += 1
            if depth > MAX_XML_DEPTH:
                return f"XML nested over {MAX_XML_DEPTH} levels deep"
    except ET.ParseError:
        return "not XML (an HTML error page from a proxy?)" if data.lstrip()[:1] == b"<" else "not XML"
    if root is None or root.tag not in expected.roots:
        tag = "" if root is None else str(root.tag).rpartition("}")[2][:40]
        return (f"XML whose root is <{tag}>, not {expected.what} (an HTML page from a proxy, or from a port that "
                f"is not splunkd's management port, 8089 by default: {_NOT_SPLUNKD_PORTS}?)")
    if expected.child is not None:
        child = root.find(expected.child)
        if child is None or (expected.text and not (child.text or "").strip()):
            return f"XML without a {'filled ' if expected.text else ''}<{expected.child}>, not {expected.what}"
    return None


def checked(handler: Handler) -> Handler:
    """``handler`` refusing answers splunklib would misread: a redirect (splunklib does not follow one, and
    neither do we: the credentials would go to wherever it points) and a successful answer that is not the XML
    its request gets (``_expected``) -- splunklib reads an HTML page or an empty body as a feed of no entries,
    which a caller would take for "not there", takes any answer to a write for done, and a login answer without a
    session key for a session (every later request then fails as "authentication failed")."""

    def request(url: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        response = handler(url, message, **kwargs)
        status = int(response["status"])
        if 300 <= status < 400:
            response["body"].close()
            raise UnexpectedAnswer(f"a redirect (HTTP {status}), which is not followed: give --splunk the URL "
                                   "of splunkd itself")
        expected = _expected(message.get("method", "GET"), url)
        if expected is not None and status < 300:
            data = response["body"].read()
            problem = _xml_problem(data, expected)
            if problem is not None:
                raise UnexpectedAnswer(problem)
            response["body"] = binding.ResponseReader(io.BytesIO(data))
        return response

    return request


# Answers that refuse a request without acting on it, so that any request may be sent again: 503, "the server is
# currently unable to handle the request due to a temporary overload" (RFC 9110, 15.6.4) -- splunkd's answer to a
# search job over the role's or the instance's quota, "Search not executed: The maximum number of concurrent
# historical searches ... has been reached" (quoted in hasadna/open-bus issue #177), and HEC's "Server is busy"
# (code 9: Getting Data In, "Troubleshoot HTTP Event Collector") -- and 429, "the user has sent too many requests"
# (RFC 6585, 4). Another 5xx may come after the work was done (a 500 from a job that ran; a proxy's 502 or 504
# after it passed the request on), so only a GET or a login (``_resendable``) is sent again after one.
_REFUSED = (429, 503)
_RETRIES_MADE = "contentpack_retries_made"  # how often ``retrying`` sent again the request that failed
# The longest wait a Retry-After answer gets (``assumed``: no Splunk doc names one; a proxy asking for more is
# waited for this long, and the retries that remain decide the rest).
MAX_RETRY_AFTER = 60.0


def _resendable(method: str, url: str) -> bool:
    """Whether sending ``method url`` twice cannot do its work twice: a GET or HEAD, or a login. A POST to
    ``auth/login`` only returns a new session key (REST API reference, Access endpoint descriptions,
    ``auth/login``); a second one leaves the first key to expire unused."""
    return method in IDEMPOTENT or urlsplit(url).path.rstrip("/").endswith("/auth/login")


def _retryable_status(method: str, url: str, status: int) -> bool:
    return status in _REFUSED or (status >= 500 and _resendable(method, url))


def _retryable_error(method: str, url: str, error: BaseException) -> bool:
    """Whether a request that failed with ``error`` may be sent again: a GET or a login (``_resendable``), or
    any request the handler never sent (``keepalive.never_sent``) -- not a POST after a read time-out or a reset,
    which may have come after splunkd ran the job or indexed the events. A TLS certificate problem does not fix
    itself."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return False
    return _resendable(method, url) or never_sent(error)


def asked_wait(response: Mapping[str, Any], now: Callable[[], float] = time.time) -> float | None:
    """The seconds a 429 or 503 answer asks the client to wait before sending again, from its ``Retry-After``
    header: delay-seconds or an HTTP-date (RFC 9110, 10.2.3), at most :data:`MAX_RETRY_AFTER`; None without one
    or with one that reads as neither."""
    value = next((str(v).strip() for k, v in response.get("headers") or () if str(k).lower() == "retry-after"),
                 None)
    if value is None:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - now()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def retries_made(error: BaseException) -> int | None:
    """How often ``retrying`` sent again the request that ended in ``error``: noted on the error, or on the answer
    splunklib's ``HTTPError`` was made from (kept as ``_response``, binding.py 2.1.1); None when not noted."""
    answer = getattr(error, "_response", None)
    noted = answer.get(_RETRIES_MADE) if isinstance(answer, dict) else getattr(error, _RETRIES_MADE, None)
    return noted if isinstance(noted, int) else None


def retrying(handler: Handler, retries: int, backoff: float,
             sleep: Callable[[float], None] = time.sleep) -> Handler:
    """``handler`` retried with exponential backoff, at most ``retries`` times, where sending the request again
    cannot do its work twice (``_retryable_error``, ``_retryable_status``); a 429 or 503 that asks for a longer
    wait (``asked_wait``) gets it. The failure that ends it notes how often it was sent again
    (``retries_made``), for the message."""

    def request(url: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        method = message.get("method", "GET")
        attempt = 0
        while True:
            wait = backoff * (2 ** attempt)
            try:
                response = handler(url, message, **kwargs)
            except (OSError, http.client.HTTPException) as error:
                if attempt >= retries or not _retryable_error(method, url, error):
                    setattr(error, _RETRIES_MADE, attempt)
                    raise
            else:
                status = int(response["status"])
                if attempt >= retries or not _retryable_status(method, url, status):
                    response[_RETRIES_MADE] = attempt
                    return response
                response["body"].close()
                if status in _REFUSED:
                    wait = max(wait, asked_wait(response) or 0.0)
            sleep(wait)
            attempt += 1

    return request


def _server_message(body: bytes) -> str:
    """The first message text of a splunkd error body (XML ``<msg>`` or JSON ``messages``/``text``)."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return ""
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nesting deeper than the interpreter's stack
            return ""
        if isinstance(data, dict):
            messages = data.get("messages")
            if isinstance(messages, list) and messages and isinstance(messages[0], dict):
                return str(messages[0].get("text", ""))
            if "text" in data:
                return str(data["text"])
        return ""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return ""
    msg = root.find("./messages/msg")
    return (msg.text or "").strip() if msg is not None else ""


_STATUS_MEANING = {
    401: "authentication failed (HTTP 401): check the credentials ({source})",
    403: "permission denied (HTTP 403): the user's role lacks a capability this needs (README: 'Running against a "
         "real Splunk')",
    404: "not found (HTTP 404)",
    409: "already exists (HTTP 409)",
}


# What a wrong port in --splunk usually is (Splunk's defaults: web.conf httpport, inputs.conf [http] port).
_NOT_SPLUNKD_PORTS = "Splunk Web's is 8000 and HEC's 8088"


def _retried(made: int, retries: int) -> str:
    """How often a failing request was sent again (``made``) of the ``retries`` allowed: "after retries" once said
    so under ``--retries 0`` too, and a POST that may have reached splunkd is not sent again at all."""
    if not retries:
        return "not retried: --retries 0"
    said = f"after {made} retr{'y' if made == 1 else 'ies'}" if made else "not retried"
    if made < retries:
        said += ": a request other than a GET is not sent again once it may have reached splunkd"
    return said


def failed(what: str, said: str) -> str:
    """The one frame of every message about a request to Splunk: ``what`` is the verb phrase of the request
    (``look up app X``, ``run the search of 'X'``) and the message says it as what failed, ``could not look up
    app X: cannot reach URL``; written bare (``look up app X: cannot reach URL``) it read as an instruction."""
    return f"could not {what}: {said}"


def describe(exc: BaseException, what: str, target: Target, credentials: Credentials,
             options: ConnectionOptions) -> SplunkError:
    """A :class:`SplunkError` for an exception raised while doing ``what`` (a verb phrase, :func:`failed`), with
    every secret scrubbed."""
    status: int | None = None
    made = retries_made(exc)
    tried = options.retries if made is None else made
    retried = _retried(tried, options.retries)
    if isinstance(exc, binding.HTTPError):
        status = int(exc.status)
        detail = _server_message(exc.body if isinstance(exc.body, bytes) else b"")
        meaning = _STATUS_MEANING.get(status)
        if meaning is None:
            meaning = (f"server error (HTTP {status} {exc.reason}){', still failing' if tried else ''} ({retried})"
                       if status >= 500
                       else f"HTTP {status} {exc.reason}")
        said = meaning.format(source=credentials.source or 'none given')
        if detail:
            said += f" -- {detail}"
    elif isinstance(exc, ssl.SSLCertVerificationError):
        said = (f"the TLS certificate of {target.host}:{target.port} did not verify "
                f"({exc.verify_message or exc.reason}); pass --ca-file with the CA that signed it "
                "(or --insecure, not recommended)")
    elif isinstance(exc, ssl.SSLError):
        said = f"TLS with {target.host}:{target.port} failed ({exc.reason or type(exc).__name__})"
        if exc.reason == "WRONG_VERSION_NUMBER":  # OpenSSL's word for an answer that is not TLS at all
            said += (": the port answered without TLS (plain http?); is it the right port? splunkd's management "
                     f"port is 8089 by default ({_NOT_SPLUNKD_PORTS})")
    elif isinstance(exc, TimeoutError):
        said = f"{target.url} did not answer within {options.timeout:g} s ({retried})"
    elif isinstance(exc, (OSError, http.client.HTTPException)):
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        said = f"cannot reach {target.url} ({reason}; {retried})"
    elif isinstance(exc, UnexpectedAnswer):
        said = f"unexpected answer from {target.url}: {exc}"
    else:
        said = f"unexpected answer from {target.url} ({type(exc).__name__})"
    return SplunkError(scrub(failed(what, said), credentials.secrets), status)


def _no_constant(name: str) -> None:
    raise UnexpectedAnswer(f"JSON holding {name}, which JSON has not")


def _search_json(body: bytes) -> dict[str, Any]:
    """A oneshot job's ``output_mode=json`` answer: an object whose ``results`` is a list of objects (one per
    row) and whose ``messages``, if any, a list. An empty body is no rows: splunkd has answered a oneshot job
    without results with no body at all (splunk/splunk-sdk-ruby pull request #4, "Return an empty array of results
    rather than throw an exception if the Rest API returns nothing": ``create_oneshot`` failed to parse that
    answer; splunklib's ``JSONResultsReader`` likewise skips blank input), and no reference page we found shows
    the answer of one, so an empty body cannot be refused as never genuine. Anything else is an
    :class:`UnexpectedAnswer` -- rows silently dropped would be a wrong answer, not an error."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise UnexpectedAnswer("JSON nested too deep") from None
    except ValueError:
        raise UnexpectedAnswer("not JSON (an HTML error page from a proxy?)" if body.lstrip()[:1] == b"<"
                               else "not JSON, or JSON cut short") from None
    if not isinstance(data, dict):
        raise UnexpectedAnswer(f"a JSON {type(data).__name__}, not the object of a search's results")
    rows, listed = data.get("results", []), data.get("messages", [])
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise UnexpectedAnswer("its 'results' is not a list of rows")
    if not isinstance(listed, list):
        raise UnexpectedAnswer("its 'messages' is not a list")
    return data


class _ScrubFilter(logging.Filter):
    """Replaces secrets in splunklib's own log records (it logs request paths and bodies at DEBUG; it masks
    the Authorization header itself, but not a secret that turns up elsewhere, e.g. in a server message): every
    secret the process remembered (``credentials.remember``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message, remembered())
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_LOG_SCRUBBER = _ScrubFilter()
for _name in ("splunklib.binding", "splunklib.client"):
    logging.getLogger(_name).addFilter(_LOG_SCRUBBER)


# What splunklib raises on answers it cannot read: besides its own errors, an Atom document of an unexpected
# shape ends in AttributeError, TypeError or IndexError inside ``splunklib.data``, deep JSON in RecursionError.
_SDK_ERRORS = (binding.HTTPError, OSError, http.client.HTTPException, ET.ParseError, ValueError, KeyError,
               UnexpectedAnswer, AttributeError, TypeError, IndexError, RecursionError)


class SplunkConnection:
    """One splunkd: a ``splunklib.client.Service`` plus the error handling every caller shares."""

    def __init__(self, options: ConnectionOptions, credentials: Credentials, app: str | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.options = options
        self._credentials = credentials
        self.target = parse_target(options.url)
        refuse_clear_text(self.target, options.insecure, "the credentials")
        if options.insecure and warn is not None:
            warn(INSECURE_WARNING)
        # --insecure: the context splunk-sdk's own handler used for verify=False (binding.handler, 2.1.1)
        context = ssl._create_unverified_context() if options.insecure else tls_context(options.ca_file)
        self.pool = KeepAliveHandler(options.timeout, context)
        search_limit = AnswerLimit("search answer", options.max_search_answer_mb * MB, "--max-search-answer-mb")
        self.handler = retrying(checked(capped(self.pool, search_limit)), options.retries, options.backoff)
        remember(credentials.secrets)
        self._hidden: tuple[str, ...] = ()
        self.service = client.Service(handler=self.handler, scheme=self.target.scheme, host=self.target.host,
                                      port=self.target.port, owner="nobody", app=app, autologin=True,
                                      **credentials.sdk_arguments())
        self._server_info: Mapping[str, Any] | None = None

    def close(self) -> None:
        """Close the connections kept open between requests (HEC's too)."""
        self.pool.close()

    def __enter__(self) -> "SplunkConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def credentials(self) -> Credentials:
        """The credentials, with the session key splunklib holds after ``auth/login`` (``Splunk <key>``) and the
        session cookies it sends instead once splunkd set them (``splunkd_<port>``, the cookies splunklib's
        ``has_cookies`` takes for a session): a server that quotes the Authorization or Cookie header back must
        not get them printed either."""
        token = getattr(self.service, "token", None)
        key = token[len("Splunk "):] if isinstance(token, str) and token.startswith("Splunk ") else None
        cookies = tuple(str(value) for name, value in self.service.get_cookies().items()
                        if "splunkd_" in name and value)
        if not key and not cookies:
            return self._credentials
        found = replace(self._credentials, session=key or None, cookies=cookies)
        remember(found.secrets)
        return found

    def hide(self, secrets: tuple[str, ...]) -> None:
        """Scrub ``secrets`` too, besides the credentials, from every later message and splunklib log line: secrets
        the command sends in a request (a package URL's, ``credentials.location_secrets``), which the server may
        quote back."""
        self._hidden += secrets
        remember(secrets)

    @contextmanager
    def errors(self, what: str) -> Iterator[None]:
        """Run SDK calls; any failure becomes a scrubbed :class:`SplunkError` saying ``what`` (a verb phrase:
        ``update macros.conf [x]``) failed (:func:`failed`)."""
        try:
            yield
        except SplunkError:
            raise
        except _SDK_ERRORS as exc:
            error = describe(exc, what, self.target, self.credentials, self.options)
            raise SplunkError(scrub(error.message, self._hidden), error.status) from None

    def login(self) -> None:
        """Open the session (user/password) or check the token with one cheap request; a failure says which, as a
        token involves no log-in (``could not check the token at URL: ...``)."""
        what = "check the token at" if self.credentials.token else "log in to"
        with self.errors(f"{what} {self.target.url}"):
            self.service.login()
            remember(self.credentials.secrets)  # the session's key and cookies, for text no caller scrubs
            _ = self.server_info()["version"]

    def server_info(self) -> Mapping[str, Any]:
        """``server/info``'s content, asked once per connection: the log-in's cheap request reads it, and deploy
        reads it again to tell a Splunk Cloud Platform or search head cluster member (``deploy.package_refusal``).
        A failure is the SDK's; callers run it under :meth:`errors`."""
        if self._server_info is None:
            self._server_info = dict(self.service.info)
        return self._server_info

    def search(self, query: str, *, earliest: float | None = None, latest: float | None = None,
               now: float | None = None, index_latest: float | None = None,
               what: str = "run the search") -> SearchAnswer:
        """Run ``query`` as a oneshot job and return its rows and job messages (:class:`SearchAnswer`).

        ``earliest``/``latest``/``now``/``index_latest`` are epoch seconds (``now`` fixes what relative times
        in the search resolve against; ``index_latest`` bounds ``_indextime``, exclusive: the ``now`` and
        ``index_latest`` parameters of ``search/jobs``, Splunk REST API reference, *Search endpoint
        descriptions*). A search that fails is a :class:`SplunkError` with Splunk's message; so is an answer
        whose messages include a FATAL or ERROR one. Every message text is scrubbed of the credentials.
        """
        text = query.strip()
        if not text.startswith("|") and not text.lower().startswith("search "):
            text = "search " + text
        params: dict[str, Any] = {"output_mode": "json", "count": 0}
        for name, value in (("earliest_time", earliest), ("latest_time", latest), ("now", now),
                            ("index_latest", index_latest)):
            if value is not None:
                params[name] = f"{value:.3f}"
        try:
            with self.errors(what):
                body = self.service.jobs.oneshot(text, **params).read()
                data = _search_json(body)
        except SplunkError as exc:
            if exc.status == 400:  # splunkd's answer to a search it cannot parse or run
                raise SearchFailed(exc.message, 400) from None
            raise
        said = [(str(m.get("type", "")).upper(), str(m.get("text", ""))) for m in data.get("messages", [])
                if isinstance(m, dict)]  # _search_json checked that messages, if any, are a list
        problems = [text for kind, text in said if kind in _FAILED]
        if problems:
            raise SearchFailed(scrub(failed(what, f"the search failed -- {'; '.join(problems)}"),
                                     self.credentials.secrets))
        messages = tuple(JobMessage(_CARRIED[kind], scrub(text, self.credentials.secrets))
                         for kind, text in said if kind in _CARRIED and text)
        return SearchAnswer(data.get("results", []), messages)

    def hec(self, url: str | None) -> "HecSender | None":
        """A sender for ``services/collector/raw``, or None without a HEC token (``SPLUNK_HEC_TOKEN``)."""
        if not self.credentials.hec_token:
            return None
        # the default: splunkd's scheme and host, whose plain http the connection refused already
        target = hec_target(url, self.options.insecure) if url else Target(self.target.scheme, self.target.host,
                                                                           DEFAULT_HEC_PORT)
        context = binding.Context(handler=self.handler, scheme=target.scheme, host=target.host, port=target.port,
                                  token=f"Splunk {self.credentials.hec_token}")
        return HecSender(self, context, target)


class HecUnavailable(SplunkError):
    """HEC cannot take the events (disabled token, or nothing listening): the caller may use receivers/simple."""


# HEC answers with a JSON status code; code 0 is "Success", code 1 "Token disabled" (HTTP 403). Splunk
# Enterprise *Getting Data In*, "Troubleshoot HTTP Event Collector", table of possible error codes.
HEC_TOKEN_DISABLED = 1


HEC_SUCCESS = 0


def _hec_json_code(body: bytes) -> int | None:
    """The ``code`` of a HEC answer (``{"text": ..., "code": N}``), None when the body is not one."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError, RecursionError):  # RecursionError: nesting deeper than the interpreter's stack
        return None
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _hec_code(exc: binding.HTTPError) -> int | None:
    return _hec_json_code(exc.body if isinstance(exc.body, bytes) else b"")


class HecSender:
    """HEC's raw endpoint through splunklib's ``binding.Context`` (HEC is not part of ``splunklib.client``)."""

    def __init__(self, connection: SplunkConnection, context: binding.Context, target: Target) -> None:
        self.connection = connection
        self.context = context
        self.target = target
        self.channel = str(uuid.uuid4())

    def send_raw(self, data: bytes, metadata: Mapping[str, str]) -> None:
        """POST ``data`` (newline-separated events) with index/source/sourcetype/host as query parameters."""
        try:
            response = self.context.post("/services/collector/raw",
                                         headers=[("X-Splunk-Request-Channel", self.channel)], body=data,
                                         **dict(metadata))
            if _hec_json_code(response.body.read()) != HEC_SUCCESS:
                raise UnexpectedAnswer("not HEC's success answer ({\"text\": \"Success\", \"code\": 0}): are "
                                       "the events indexed? (a proxy's page?)")
        except _SDK_ERRORS as exc:
            error = describe(exc, f"send events to HEC at {self.target.url}", self.target,
                             self.connection.credentials, self.connection.options)
            disabled = isinstance(exc, binding.HTTPError) and _hec_code(exc) == HEC_TOKEN_DISABLED
            if disabled or isinstance(exc, ConnectionRefusedError):
                raise HecUnavailable(error.message, error.status) from None
            raise error from None
