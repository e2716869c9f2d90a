"""The handler that keeps connections open between requests (``contentpack.splunk.keepalive``), against a local
``http.server`` that counts the connections it accepts, and through ``SplunkConnection`` against the double."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contentpack.splunk.client import retrying, tls_context
from contentpack.splunk.keepalive import KeepAliveHandler, never_sent

from .certs import CertSet
from .helpers import connection
from .splunkd_double import SplunkdDouble

# Policy: (request's number on its connection, from 1; method) -> what the server does: "answer" (and keep the
# connection), "answer-and-close" (answer as if keeping it, then close it: a server ending an idle connection),
# "drop" (read the request, close without an answer), "stall" (read the request, answer nothing until the test
# ends: a server still working when the client's time-out ends).
Policy = Callable[[int, str], str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, policy: Policy) -> None:
        super().__init__(("127.0.0.1", 0), _Handler, bind_and_activate=False)
        self.server_bind()  # its port is taken, but a connection to it is refused until ``listen()``
        self.serving = False
        self.policy = policy
        self.accepted = 0
        self.seen: list[tuple[str, str]] = []
        self.closed = threading.Event()  # set whenever the server has closed a connection
        self.release = threading.Event()  # ends the stalled requests

    def listen(self) -> None:
        self.server_activate()
        self.serving = True
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def process_request(self, request: Any, client_address: Any) -> None:
        self.accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        super().shutdown_request(request)
        self.closed.set()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        self.count = getattr(self, "count", 0) + 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append((self.command, self.path))
        action = self.server.policy(self.count, self.command)
        if action == "stall":
            self.server.release.wait(5)
        if action in ("drop", "stall"):
            self.close_connection = True
            return
        body = f"{self.command} {self.path} #{self.count}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = action == "answer-and-close"

    do_GET = do_POST = do_DELETE = _serve


@pytest.fixture
def serve() -> Iterator[Callable[..., _Server]]:
    servers: list[_Server] = []

    def start(policy: Policy = lambda number, method: "answer", context: ssl.SSLContext | None = None,
              listen: bool = True) -> _Server:
        server = _Server(policy)
        if context is not None:
            server.socket = context.wrap_socket(server.socket, server_side=True)
        if listen:
            server.listen()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.release.set()
        if server.serving:
            server.shutdown()
        server.server_close()


def url(server: _Server, path: str, scheme: str = "http") -> str:
    return f"{scheme}://127.0.0.1:{server.server_address[1]}{path}"


def ask(handler: KeepAliveHandler, target: str, method: str = "GET", body: str = "") -> str:
    response = handler(target, {"method": method, "headers": [("X-Test", "1")], "body": body})
    assert response["status"] == 200
    return str(response["body"].read(), "utf-8")


@pytest.fixture
def handler() -> Iterator[KeepAliveHandler]:
    pool = KeepAliveHandler(5.0, None)
    yield pool
    pool.close()


def test_requests_one_after_another_share_one_connection(serve: Callable[..., _Server],
                                                          handler: KeepAliveHandler) -> None:
    server = serve()
    answers = [ask(handler, url(server, "/a")), ask(handler, url(server, "/b"), "POST", "x=1"),
               ask(handler, url(server, "/c?q=1"), "DELETE"), ask(handler, url(server, "/d"))]
    assert answers == ["GET /a #1", "POST /b #2", "DELETE /c?q=1 #3", "GET /d #4"]
    assert server.accepted == 1


def test_an_idle_connection_the_server_closed_is_replaced_before_a_post_is_sent(
        serve: Callable[..., _Server], handler: KeepAliveHandler) -> None:
    """The server answers as if it kept the connection, then closes it. The POST that follows goes on a new
    connection: sent on the closed one it would fail, and a POST is not sent again."""
    server = serve(lambda number, method: "answer-and-close")
    assert ask(handler, url(server, "/first")) == "GET /first #1"
    assert server.closed.wait(5)
    assert ask(handler, url(server, "/write"), "POST", "a=b") == "POST /write #1"
    assert server.accepted == 2 and server.seen == [("GET", "/first"), ("POST", "/write")]


def test_a_get_that_fails_on_a_reused_connection_is_sent_once_more(serve: Callable[..., _Server],
                                                                   handler: KeepAliveHandler) -> None:
    server = serve(lambda number, method: "drop" if number == 2 else "answer")
    ask(handler, url(server, "/first"))
    assert ask(handler, url(server, "/read")) == "GET /read #1"  # the new connection's first request
    assert server.seen == [("GET", "/first"), ("GET", "/read"), ("GET", "/read")] and server.accepted == 2


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_post_or_delete_that_fails_on_a_reused_connection_is_not_sent_again(
        serve: Callable[..., _Server], handler: KeepAliveHandler, method: str) -> None:
    server = serve(lambda number, method: "drop" if number == 2 else "answer")
    ask(handler, url(server, "/first"))
    with pytest.raises(ConnectionError):
        handler(url(server, "/write"), {"method": method, "headers": [], "body": "a=b"})
    assert server.seen == [("GET", "/first"), (method, "/write")] and server.accepted == 1


def test_a_get_failing_on_a_new_connection_is_not_sent_again(serve: Callable[..., _Server],
                                                             handler: KeepAliveHandler) -> None:
    """Only a reused connection's failure is taken for one the server closed while it was idle."""
    server = serve(lambda number, method: "drop")
    with pytest.raises(ConnectionError):
        handler(url(server, "/read"), {"method": "GET", "headers": [], "body": ""})
    assert server.seen == [("GET", "/read")]


def test_an_answer_closed_before_its_end_closes_its_connection(serve: Callable[..., _Server],
                                                               handler: KeepAliveHandler) -> None:
    server = serve()
    response = handler(url(server, "/a"), {"method": "GET", "headers": [], "body": ""})
    assert response["body"].read(3) == b"GET"
    response["body"].close()  # the rest unread: it would be taken for the next answer
    assert ask(handler, url(server, "/b")) == "GET /b #1"
    assert server.accepted == 2


def test_close_closes_the_idle_connections(serve: Callable[..., _Server], handler: KeepAliveHandler) -> None:
    server = serve()
    ask(handler, url(server, "/a"))
    server.closed.clear()
    handler.close()
    assert server.closed.wait(5)  # the server saw the connection end
    assert ask(handler, url(server, "/b")) == "GET /b #1" and server.accepted == 2


def test_threads_each_get_a_connection_and_give_it_back(serve: Callable[..., _Server],
                                                        handler: KeepAliveHandler) -> None:
    server = serve()
    answers: list[str] = []

    def work(worker: int) -> None:
        for number in range(5):
            answers.append(ask(handler, url(server, f"/{worker}/{number}")))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.split()[1] for answer in answers) == sorted(f"/{w}/{n}" for w in range(4) for n in range(5))
    assert 1 <= server.accepted <= 4


def _server_context(certs: CertSet) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certs.cert), str(certs.key))
    return context


def test_https_reuses_its_connection_and_verifies_the_certificate(serve: Callable[..., _Server], certs: CertSet,
                                                                  other_ca: Path) -> None:
    server = serve(context=_server_context(certs))
    verifying = KeepAliveHandler(5.0, tls_context(certs.ca))
    try:
        assert ask(verifying, url(server, "/a", "https")) == "GET /a #1"
        assert ask(verifying, url(server, "/b", "https")) == "GET /b #2" and server.accepted == 1
    finally:
        verifying.close()
    for context, target in ((tls_context(other_ca), url(server, "/c", "https")),  # another CA signed it
                            (tls_context(certs.ca), f"https://localhost:{server.server_address[1]}/d")):  # not its name
        untrusting = KeepAliveHandler(5.0, context)
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusting(target, {"method": "GET", "headers": [], "body": ""})
        untrusting.close()


def test_the_connection_verifies_tls_as_before_and_insecure_alone_turns_it_off(double: SplunkdDouble) -> None:
    """The TLS context is the one splunk-sdk's handler was given: verifying, host name checked; --insecure
    gives the SDK's own unverified context."""
    verified = connection(double)
    context = verified.pool.context
    assert context is not None and context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    verified.close()
    insecure = connection(double, insecure=True)
    context = insecure.pool.context
    assert context is not None and context.verify_mode == ssl.CERT_NONE and not context.check_hostname
    insecure.close()


def test_a_session_against_the_double_uses_one_connection(double: SplunkdDouble) -> None:
    """Login, a read and two searches: one TLS connection (splunk-sdk's own handler opened one per request)."""
    with connection(double) as conn:
        conn.login()
        conn.search("| makeresults")
        conn.search("| makeresults count=2")
    assert len(double.state.requests) >= 3 and double.server.accepted == 1


@pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK is Linux's")
def test_answers_on_a_kept_connection_do_not_wait_for_a_delayed_ack(serve: Callable[..., _Server],
                                                                     handler: KeepAliveHandler) -> None:
    """http.server writes the headers and the body in two writes under Nagle's algorithm, as the double does:
    without quick ACKs every answer on a kept connection waited for the client's delayed ACK (40 ms or more on
    Linux), so these requests took at least 25 times that."""
    server = serve()
    started = time.monotonic()
    for number in range(25):
        ask(handler, url(server, f"/{number}"), "POST", "a=b")
    assert time.monotonic() - started < 25 * 0.040 and server.accepted == 1


# ------------------------------------------------------------------------------------------ idle cap, resending
def test_a_connection_idle_longer_than_max_idle_is_closed_not_reused(serve: Callable[..., _Server]) -> None:
    """splunkd closes a connection idle for busyKeepAliveIdleTimeout (12 s at least): one idle longer than the
    cap is not reused, lest the server close it under a POST that is then not sent again. Idle connections were
    reused however old."""
    server = serve()
    now = [1000.0]
    pool = KeepAliveHandler(5.0, None, max_idle=10.0, clock=lambda: now[0])
    try:
        ask(pool, url(server, "/a"))
        now[0] += 9.5  # within the cap: reused
        assert ask(pool, url(server, "/b")) == "GET /b #2" and server.accepted == 1
        now[0] += 10.5
        server.closed.clear()
        assert ask(pool, url(server, "/c"), "POST", "a=b") == "POST /c #1" and server.accepted == 2
        assert server.closed.wait(5)  # the expired one was closed, not left open
    finally:
        pool.close()


def test_a_post_refused_before_it_was_sent_is_sent_again(serve: Callable[..., _Server]) -> None:
    """Connection refused: nothing of the request went out, so even a POST (a search job) is sent again."""
    server = serve(listen=False)
    pool = KeepAliveHandler(5.0, None)
    slept: list[float] = []

    def wait(seconds: float) -> None:  # the server comes up while the client waits to retry
        slept.append(seconds)
        server.listen()

    try:
        response = retrying(pool, 3, 0.5, wait)(url(server, "/services/search/jobs"),
                                                {"method": "POST", "headers": [], "body": "search=x"})
        assert response["status"] == 200 and response["body"].read() == b"POST /services/search/jobs #1"
    finally:
        pool.close()
    assert slept == [0.5] and server.seen == [("POST", "/services/search/jobs")]


def test_an_error_while_connecting_says_the_request_was_never_sent(serve: Callable[..., _Server]) -> None:
    server = serve(listen=False)
    pool = KeepAliveHandler(5.0, None)
    with pytest.raises(ConnectionRefusedError) as caught:
        pool(url(server, "/services/collector/raw"), {"method": "POST", "headers": [], "body": "event"})
    pool.close()
    assert never_sent(caught.value)


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_request_other_than_a_get_that_timed_out_after_it_was_sent_is_not_sent_again(
        serve: Callable[..., _Server], method: str) -> None:
    """The server got the POST and is still at it (a search job running, events being indexed) when the
    time-out ends: sent again, the job would run twice or the events be indexed twice. Every failed request was
    sent again."""
    server = serve(lambda number, asked: "stall")
    pool = KeepAliveHandler(0.1, None)
    slept: list[float] = []
    try:
        with pytest.raises(TimeoutError) as caught:
            retrying(pool, 3, 0.5, slept.append)(url(server, "/services/search/jobs"),
                                                 {"method": method, "headers": [], "body": "search=x"})
    finally:
        pool.close()
    assert server.seen == [(method, "/services/search/jobs")] and slept == []
    assert not never_sent(caught.value)


def test_a_get_that_timed_out_is_sent_again(serve: Callable[..., _Server]) -> None:
    server = serve(lambda number, asked: "stall")
    pool = KeepAliveHandler(0.1, None)
    slept: list[float] = []
    try:
        with pytest.raises(TimeoutError):
            retrying(pool, 2, 0.5, slept.append)(url(server, "/services/server/info"),
                                                 {"method": "GET", "headers": [], "body": ""})
    finally:
        pool.close()
    assert server.seen == [("GET", "/services/server/info")] * 3 and slept == [0.5, 1.0]
