"""An HTTP handler for splunk-sdk that keeps its connections open between requests.

Why our own: splunk-sdk's default handler (``splunklib.binding.handler``, 2.1.1) sends ``Connection: Close``
and opens a new connection for every request -- against a real splunkd a new TCP and TLS handshake per REST
call (splunk/splunk-sdk-python pull request #130 made it close each one). A replay makes several requests per
test (send the events, wait for them, search, delete), so most of its time went into handshakes. splunk-sdk
takes any callable with the same contract (``Context(handler=...)``, binding.py): it gets the URL and a message
dict (``method``, ``headers``, ``body``) and returns ``status``, ``reason``, ``headers`` and ``body`` (a readable).

What it keeps from the SDK's handler: the same request headers (but ``Connection: Close``), the same TLS
context (the caller builds it exactly as it did for the SDK's handler), the same per-request time-out, and the
same exceptions (http.client's and ssl's), so errors are reported as before.

What reuse adds, and how each risk is met:

* An idle connection the server closed is found before it is used: its socket is readable with no request
  outstanding (the server's FIN or TLS close_notify), as urllib3's ``is_connection_dropped`` checks. It is
  dropped and a new connection made. splunkd keeps keep-alive connections and closes idle ones: server.conf.spec,
  ``[httpServer]`` ``keepAliveIdleTimeout`` ("How long ... the Splunkd HTTP server allows a keep-alive connection
  to remain idle before forcibly disconnecting it", 7200 s) and ``busyKeepAliveIdleTimeout`` (the same "while in
  a busy state", 12 s); inputs.conf.spec's ``[http]`` has both for HEC.
* A connection idle longer than ``MAX_IDLE`` is not reused but closed: splunkd closes one idle for
  ``busyKeepAliveIdleTimeout`` (12 s by default, and never less) while it is busy, and one closed just as a request
  goes out on it fails that request -- which, for a POST, is not sent again. A connection reused well inside that
  time cannot meet the server's close half-way. The pool had no such cap: a connection idle for an hour was tried
  first.
* A request that still fails on a reused connection (the server closed it just then) is sent once more on a
  new connection only when it is a GET: a POST or DELETE may have reached the server, and sending it again
  could do its work twice. That failure is raised as it would be today.
* An error raised while connecting (a refused connection, a failed DNS look-up, a connect time-out, a failed TLS
  handshake) came before any byte of the request was written, and says so (``never_sent``): the retry loop above
  (``client.retrying``) sends such a POST again, and no other failed POST.
* A connection goes back to the pool only after its answer was read to the end (or the server said it will
  close it); an answer closed half-read closes its connection, whose unread bytes would be taken for the next
  answer.
* Threads (``backtest --splunk --concurrency``) each take a connection of their own from the pool: one per
  request in flight, kept per (scheme, host, port).
* ``close()`` closes every connection, idle or in use.
* Answers on a kept connection are acknowledged at once (``quick_ack``): else one written in two parts by a
  server using Nagle's algorithm waits for a delayed ACK, which a new connection never did.
"""

from __future__ import annotations

import http.client
import io
import selectors
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from splunklib import __version__ as SDK_VERSION
from splunklib import binding

Key = tuple[str, str, int]
# The errors of a connection the server closed while it was idle (a reset, a broken pipe, an empty status line:
# http.client's RemoteDisconnected is a ConnectionResetError; over TLS an EOF without or with close_notify).
_STALE = (ConnectionError, ssl.SSLEOFError, ssl.SSLZeroReturnError)
# The methods sent again after a failure that may have come after the server got them: a read does nothing twice.
# A DELETE is idempotent in HTTP's sense, but its repeat is answered 404 once the first one removed the stanza.
IDEMPOTENT = ("GET", "HEAD")
# How long a connection may sit idle in the pool and still be reused, below splunkd's shortest idle time-out:
# server.conf.spec, [httpServer] busyKeepAliveIdleTimeout, "How long, in seconds, that the Splunkd HTTP server
# allows a keep-alive connection to remain idle while in a busy state before forcibly disconnecting it ... If this
# number is less than 12, it will be set to 12", default 12 (inputs.conf.spec's [http] has the same for HEC).
MAX_IDLE = 10.0
_NOT_SENT = "contentpack_request_not_sent"  # set on an error raised before any byte of the request went out


def never_sent(error: BaseException) -> bool:
    """Whether ``error`` was raised while connecting, before any byte of the request was written (``_connect``
    marks it): the server cannot have acted on the request. Any other error -- a read time-out, a reset, an
    answer cut short -- may have come after the server did the work."""
    return getattr(error, _NOT_SENT, False) is True


def _connect(connection: http.client.HTTPConnection) -> None:
    """Open a new connection (TCP, and TLS for https) before the request is written, so that an error here is
    known to precede it (``never_sent``); http.client would otherwise connect inside ``request``."""
    try:
        connection.connect()
    except Exception as error:
        setattr(error, _NOT_SENT, True)
        raise


def split_url(url: str) -> tuple[Key, str]:
    """(scheme, host, port) and the path with its query, as splunk-sdk's ``_spliturl`` splits them (default port
    8089, an IPv6 address without its brackets)."""
    parts = urlsplit(url)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    return (parts.scheme, parts.hostname or "", parts.port or binding.DEFAULT_PORT), path


def dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether an idle connection can no longer carry a request: no socket, or a socket with something to read
    while no request is outstanding -- the server closed it (or sent what no request asked for)."""
    sock = connection.sock
    if sock is None:
        return True
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(sock, selectors.EVENT_READ)
            return bool(selector.select(0))
    except (OSError, ValueError):  # a closed socket
        return True


def quick_ack(connection: http.client.HTTPConnection) -> None:
    """Have the answer's first segments acknowledged at once (Linux's ``TCP_QUICKACK``, which the kernel turns
    off again by itself, so it is set before every answer). A server that writes an answer's headers and its
    body in two writes under Nagle's algorithm holds the body until the headers are acknowledged, and a kept
    connection acknowledges late (the delayed ACK, 40 ms and more); a new connection starts in quick-ack mode,
    so closing every connection hid that wait."""
    option = getattr(socket, "TCP_QUICKACK", None)
    if option is not None and connection.sock is not None:
        try:
            connection.sock.setsockopt(socket.IPPROTO_TCP, option, 1)
        except OSError:
            pass


class _Body(io.RawIOBase):
    """An answer's body that gives its connection back to the pool once read to the end, and closes it when the
    answer is closed before that. Read through splunk-sdk's ``ResponseReader``, which calls ``read`` only."""

    def __init__(self, response: http.client.HTTPResponse, done: Callable[[bool], None]) -> None:
        super().__init__()
        self._response = response
        self._done = done  # called once, with whether the connection can carry another request

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self._response.read(None if size is None or size < 0 else size)
        if self._response.isclosed():  # read to its end: http.client let go of the socket's file
            self.close()
        return data

    def close(self) -> None:
        if not self.closed:
            finished = self._response.isclosed()
            self._response.close()
            self._done(finished and not self._response.will_close)
        super().close()


class KeepAliveHandler:
    """splunk-sdk's handler contract over pooled ``http.client`` connections (see the module's docstring).

    ``context`` is the TLS context of every https connection; ``timeout`` every socket operation's; ``max_idle``
    how long a connection may wait in the pool and still be reused, by ``clock`` (a test's own)."""

    def __init__(self, timeout: float, context: ssl.SSLContext | None, max_idle: float = MAX_IDLE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self.context = context
        self.max_idle = max_idle
        self.clock = clock
        self._lock = threading.Lock()
        # per key, the idle connections with when each went idle, the most recent last
        self._idle: dict[Key, list[tuple[http.client.HTTPConnection, float]]] = {}
        self._open: set[http.client.HTTPConnection] = set()

    def _new(self, key: Key) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=self.timeout, context=self.context)
        elif scheme == "http":
            connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        else:
            raise ValueError(f"unsupported scheme: {scheme}")
        with self._lock:
            self._open.add(connection)
        return connection

    def _take(self, key: Key) -> http.client.HTTPConnection | None:
        """An idle connection to ``key`` still open and idle for at most ``max_idle``, or None; the ones idle
        longer, and the dropped ones found on the way, are closed."""
        oldest = self.clock() - self.max_idle
        while True:
            with self._lock:
                idle = self._idle.get(key, [])
                expired = [connection for connection, since in idle if since < oldest]
                idle[:] = [(connection, since) for connection, since in idle if since >= oldest]
                connection = idle.pop()[0] if idle else None
            for old in expired:
                self._discard(old)
            if connection is None or not dropped(connection):
                return connection
            self._discard(connection)

    def _discard(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        with self._lock:
            self._open.discard(connection)

    def _release(self, key: Key, connection: http.client.HTTPConnection, reusable: bool) -> None:
        if not reusable:
            self._discard(connection)
            return
        with self._lock:
            if connection in self._open:  # not closed by close() meanwhile
                self._idle.setdefault(key, []).append((connection, self.clock()))
                return
        connection.close()

    def __call__(self, url: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        key, path = split_url(url)
        body = message.get("body", "")
        headers = {"Content-Length": str(len(body)), "Host": key[1],
                   "User-Agent": f"splunk-sdk-python/{SDK_VERSION}", "Accept": "*/*"}  # the SDK's, but Connection
        for name, value in message["headers"]:
            headers[name] = value
        method = message.get("method", "GET")
        reused = self._take(key)
        connection = reused or self._new(key)
        try:
            response = self._exchange(connection, method, path, body, headers)
        except _STALE:
            if reused is None or method not in IDEMPOTENT:
                raise
            connection = self._new(key)  # once, on a new connection: the reused one was closed under us
            response = self._exchange(connection, method, path, body, headers)
        answered = connection

        def release(reusable: bool) -> None:
            self._release(key, answered, reusable)

        return {"status": response.status, "reason": response.reason, "headers": response.getheaders(),
                "body": binding.ResponseReader(_Body(response, release))}

    def _exchange(self, connection: http.client.HTTPConnection, method: str, path: str, body: Any,
                  headers: dict[str, str]) -> http.client.HTTPResponse:
        """The answer's status and headers; a failed connection is closed and the error raised."""
        try:
            if connection.sock is None:
                _connect(connection)
            connection.request(method, path, body, headers)
            quick_ack(connection)
            return connection.getresponse()
        except BaseException:
            self._discard(connection)
            raise

    def close(self) -> None:
        """Close every connection, idle or in use (an answer still being read then fails)."""
        with self._lock:
            connections, self._open, self._idle = list(self._open), set(), {}
        for connection in connections:
            connection.close()
