"""A hostile server: the splunkd test double (a protocol-level double, not Splunk) answering what no splunkd
should -- a misconfigured server, a proxy in between, or a malicious one. Whatever it answers, each command
ends within a bounded time with exit status 1 or 2, a one-line reason and no traceback, and no credential in
its output; and no credential travels to another origin."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any, TypeVar

import pytest

from .helpers import ROOT, Run, cli, connection, password_env, token_env
from .splunkd_double import Hostile, SplunkdDouble, messages_xml
from .test_secrets import assert_clean

HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
ATTACKS: dict[str, Hostile] = {
    "non-JSON": Hostile(body=b"this is not JSON, nor XML"),
    "truncated JSON": Hostile(body=b'{"results": [{"count": "1'),
    "XML for JSON": Hostile(body=messages_xml("an XML answer"), content_type="text/xml"),
    "HTML page with 200": Hostile(body=HTML, content_type="text/html"),
    "empty body": Hostile(body=b""),
    "a JSON list": Hostile(body=b"[1, 2, 3]"),
    "JSON of the wrong shape": Hostile(body=json.dumps({"results": "three", "messages": {"type": 1}}).encode()),
    "NaN and a huge number": Hostile(body=b'{"results": [{"count": NaN, "n": 1e999999}], "messages": [NaN]}'),
    "an Atom entry without content": Hostile(
        body=b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title></entry></feed>',
        content_type="text/xml"),
    "deep JSON": Hostile(body=b"[" * 20_000 + b"]" * 20_000),
    "deep XML": Hostile(body=b"<a>" * 20_000 + b"</a>" * 20_000, content_type="text/xml"),
    "deep JSON in an error": Hostile(403, b"{" + b'"a": {' * 20_000 + b"}" * 20_001),
    "deep XML in an error": Hostile(400, b"<a>" * 20_000 + b"</a>" * 20_000, content_type="text/xml"),
    "a failed job": Hostile(body=json.dumps({"messages": [{"type": "FATAL", "text": "dispatchState FAILED"}],
                                             "results": []}).encode()),
    "huge body": Hostile(body=b'{"results": [' + b'{"a": "' + b"x" * (30 << 20) + b'"}]}'),
    "401 echoing the credentials": Hostile(401, b"", "text/xml"),  # body filled in per test
    "403 echoing the credentials": Hostile(403, b"", "text/xml"),
    "404": Hostile(404, messages_xml("Not Found"), "text/xml"),
    "429": Hostile(429, b"Too Many Requests", "text/plain"),
    "500 forever": Hostile(500, messages_xml("Internal error"), "text/xml"),
    "a slow server": Hostile(body=b"{}", delay=2.0),
    "a reset mid-body": Hostile(body=b'{"results": [' + b'{"a": "b"},' * 5000 + b'{}]}', reset=True),
}
# What a search may honestly answer: no rows (an empty body: splunkd has answered a oneshot job without results
# with no body at all, splunk/splunk-sdk-ruby pull request #4; ``client._search_json``).
ANSWERS = ("empty body",)
DECLINED = "Entra ID User Declined OAuth Application Consent"
# A generous time-out: the double answers in the test's own process, which a loaded CI machine slows (0.5 s
# once timed out a deep-XML answer); only the slow server's tests shorten it (``wait_for``), below its delay.
TIMEOUT = ["--timeout", "5", "--retries", "0"]


def wait_for(attack: str) -> tuple[str, ...]:
    """The options an attack's command adds: a time-out shorter than a slow server's delay (the last
    --timeout given wins)."""
    return ("--timeout", "0.5") if ATTACKS[attack].delay else ()
BOUND = 8.0  # seconds: every attack ends well within this


def hostile_at(double: SplunkdDouble, attack: Hostile, where: str, method: str | None = None) -> None:
    """Every request whose path contains ``where`` (and of ``method``, if given) is answered with ``attack``; a
    401 or 403 without a body gets one quoting the token, the HEC token and the Authorization header the client
    sent."""
    state = double.state

    def answer(asked: str, path: str, authorization: str) -> Hostile | None:
        if where not in path or method not in (None, asked):
            return None
        if attack.status in (401, 403) and not attack.body:
            quoted = f"{state.token} {state.hec_token} ({authorization})"
            return Hostile(attack.status, messages_xml(f"denied: {quoted}"), attack.content_type)
        return attack

    state.hostile = answer


T = TypeVar("T")


def timed(run: Callable[[], T]) -> tuple[T, float]:
    start = time.monotonic()
    result = run()
    return result, time.monotonic() - start


def assert_clear_failure(double: SplunkdDouble, run: Run, took: float) -> None:
    assert run.code in (1, 2), (run.code, run.err[-2000:])
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err[-2000:]
    assert took < BOUND, took
    assert_clean(double, run.out, run.err)


def deploy(capsys: pytest.CaptureFixture[str], double: SplunkdDouble, *extra: str) -> Run:
    return cli(capsys, ["deploy", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file),
                        "--dry-run", *TIMEOUT, *extra])


@pytest.mark.parametrize("where", ["server/info", "apps/local", "configs/conf-"])
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_deploy_fails_clearly_whatever_the_server_answers(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch, attack: str,
                                                          where: str) -> None:
    token_env(monkeypatch, double)
    hostile_at(double, ATTACKS[attack], where)
    run, took = timed(lambda: deploy(capsys, double, *wait_for(attack)))
    if attack == "404" and where != "server/info":  # splunkd's answer for "not there": the app or stanza is created
        assert run.code == 0 and "would create" in run.out
        return
    assert_clear_failure(double, run, took)
    assert len(run.err.strip().splitlines()) == 1, run.err


class _Witness(BaseHTTPRequestHandler):
    """Another origin: it only records the Authorization headers it is sent."""

    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization", "") + " " + self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def witness() -> Any:
    _Witness.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Witness)
    Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("where", ["server/info", "apps/local", "auth/login"])
def test_a_redirect_is_an_error_and_sends_no_credential_elsewhere(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, witness: Any,
        status: int, where: str) -> None:
    (password_env if where == "auth/login" else token_env)(monkeypatch, double)
    elsewhere = f"http://127.0.0.1:{witness.server_address[1]}/services/server/info"
    hostile_at(double, Hostile(status, b"", "text/html", (("Location", elsewhere),)), where)
    run, took = timed(lambda: deploy(capsys, double))
    assert_clear_failure(double, run, took)
    assert f"a redirect (HTTP {status}), which is not followed" in run.err
    assert _Witness.seen == []



def test_500_forever_is_retried_a_bounded_number_of_times(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    hostile_at(double, ATTACKS["500 forever"], "server/info")
    run, took = timed(lambda: cli(capsys, ["deploy", "--root", str(ROOT), "--splunk", double.url, "--ca-file",
                                           str(double.ca_file), "--timeout", "5", "--retries", "1"]))
    assert_clear_failure(double, run, took)
    assert "still failing (after 1 retry)" in run.err and len(double.state.requests) == 2


def backtest(capsys: pytest.CaptureFixture[str], double: SplunkdDouble, out: Path, *extra: str) -> Run:
    double.state.indexes.add("tenant")  # it exists: what is under test is the answers to the searches
    return cli(capsys, ["backtest", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file),
                        "--index", "tenant", "--from", "2026-10-15T06:00:00Z", "--to", "2026-10-15T08:00:00Z",
                        "--detection", "Entra ID User Declined OAuth Application Consent", "--out", str(out),
                        *TIMEOUT, *extra])


@pytest.mark.parametrize("attack", [name for name in ATTACKS if name != "huge body"])  # 30 MB x 12 runs: slow
def test_backtest_fails_clearly_whatever_the_search_answers(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                            attack: str) -> None:
    token_env(monkeypatch, double)
    hostile_at(double, ATTACKS[attack], "search/")
    run, took = timed(lambda: backtest(capsys, double, tmp_path / "out", *wait_for(attack)))
    if attack in ANSWERS:
        assert run.code == 0 and took < BOUND, run.err
        return
    assert_clear_failure(double, run, took)
    if ATTACKS[attack].status == 400 or attack == "a failed job":  # the search failed: reported per detection
        said = f"{DECLINED}: error[RP003]: could not run the search of {DECLINED!r}"  # said once, no label before it
        assert run.code == 1 and said in run.err, run.err
    else:
        stopped = "contentpack backtest: error: stopped: could not "  # the index's first search, or a run's
        assert f"{stopped}search index " in run.err or f"{stopped}run the search of " in run.err, run.err


ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\r\u202e"
ROWS_WITH_ESCAPES = Hostile(body=json.dumps({
    "messages": [{"type": "WARN", "text": f"warn {ESCAPES}"}, {"type": "INFO", "text": f"info {ESCAPES}"}],
    "results": [{"_time": "2026-10-15T07:00:00.000+00:00", "user": f"eve{ESCAPES}", "app_id": ESCAPES,
                 "count": "1", ESCAPES: ESCAPES}]}).encode())


def test_backtest_prints_no_terminal_escape_from_the_answers(double: SplunkdDouble,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    token_env(monkeypatch, double)
    hostile_at(double, ROWS_WITH_ESCAPES, "search/")
    run = backtest(capsys, double, tmp_path / "out")
    assert run.code in (0, 1) and "(warn): warn" in run.err, run.err
    for control in ("\x1b", "\x07", "\x9b", "\r", "\u202e"):
        assert control not in run.out + run.err


def replay(capsys: pytest.CaptureFixture[str], double: SplunkdDouble, *extra: str) -> Run:
    return cli(capsys, ["replay", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file),
                        "--detection", "Entra ID User Declined OAuth Application Consent", "--hec-url", double.url,
                        "--wait", "1", *TIMEOUT, *extra])


@pytest.mark.parametrize("where", ["data/indexes", "collector/raw", "search/"])
@pytest.mark.parametrize("attack", [name for name in ATTACKS if name != "huge body"])
def test_replay_fails_clearly_whatever_the_server_answers(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch, attack: str,
                                                          where: str) -> None:
    double.state.indexes.add("contentpack_replay")
    token_env(monkeypatch, double)
    hostile_at(double, ATTACKS[attack], where)
    run, took = timed(lambda: replay(capsys, double, *wait_for(attack)))
    if where == "data/indexes" and ATTACKS[attack].status == 403:  # a refused look-up proves nothing: a warning
        assert run.code == 0 and "contentpack replay: warning: cannot check that index" in run.err, run.err
        assert took < BOUND and "Traceback" not in run.err
        assert_clean(double, run.out, run.err)
        return
    assert_clear_failure(double, run, took)
    if where == "collector/raw" and ATTACKS[attack].status == 200 and not ATTACKS[attack].delay:
        # not "0 of N events became searchable"
        assert "contentpack replay: error: stopped: could not send events to HEC at" in run.err, run.err


def test_a_server_quoting_the_session_key_back_gets_it_scrubbed(double: SplunkdDouble,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """User name and password: auth/login's session key, sent as ``Authorization: Splunk <key>``, is a
    credential while the session lasts."""
    password_env(monkeypatch, double)
    hostile_at(double, ATTACKS["403 echoing the credentials"], "apps/local")
    run = deploy(capsys, double)
    assert run.code == 2 and "(Splunk ********)" in run.err, run.err
    assert len(double.state.sessions) == 1 and next(iter(double.state.sessions)) not in run.out + run.err
    assert double.state.password not in run.out + run.err and double.state.hec_token not in run.out + run.err


def test_a_million_rows_are_read_whole(double: SplunkdDouble) -> None:
    """Every row of a large answer arrives (how fast is a benchmark's question, not a unit test's)."""
    rows = b",".join([b'{"user": "u", "count": "1"}'] * 1_000_000)
    hostile_at(double, Hostile(body=b'{"messages": [], "results": [' + rows + b"]}"), "search/")
    answer = connection(double).search("| makeresults")
    assert len(answer.rows) == 1_000_000 and answer.rows[-1] == {"user": "u", "count": "1"}


def the_error(run: Run) -> str:
    """The one line saying why the command stopped (``replay`` says where it sends first, ``backtest`` where the
    finished runs are kept after it)."""
    errors = [line for line in run.err.splitlines() if "unexpected answer" in line]
    assert len(errors) == 1, run.err
    return errors[0]


# An answer larger than any its request gets: sent without a Content-Length, so only a reader that stops
# counts; or announced. Each must end the command with what was too large and, where a legitimate answer can
# be that large, the option raising the limit.
STREAMED = b"x" * (64 << 10)
TOO_LARGE: dict[str, tuple[str, Hostile, str]] = {
    "a streamed search answer": ("search/", Hostile(body=STREAMED, stream=4 << 20),
                                 "the search answer is over its 1 MB limit (not read further); if it is "
                                 "legitimate, raise the limit with --max-search-answer-mb"),
    "an announced search answer": ("search/", Hostile(body=b'{"results": [' + b" " * (2 << 20) + b"]}"),
                                   "the search answer is over its 1 MB limit"),
    "a streamed REST answer": ("server/info", Hostile(body=STREAMED, content_type="text/xml", stream=20 << 20),
                               "the REST answer is over its 16 MB limit (not read further)"),
    "a streamed HEC answer": ("collector/raw", Hostile(body=STREAMED, stream=1 << 20),
                              "the HEC answer is over its 64 KB limit (not read further)"),
}


@pytest.mark.parametrize("case", list(TOO_LARGE))
def test_an_answer_over_its_limit_stops_the_command(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    case: str) -> None:
    where, attack, said = TOO_LARGE[case]
    double.state.indexes.add("contentpack_replay")
    token_env(monkeypatch, double)
    hostile_at(double, attack, where)
    if where == "search/":
        command = lambda: backtest(capsys, double, tmp_path / "out", "--max-search-answer-mb", "1")  # noqa: E731
    else:
        command = (lambda: deploy(capsys, double)) if where == "server/info" else lambda: replay(capsys, double)
    run, took = timed(command)
    assert_clear_failure(double, run, took)
    assert run.code == 2 and f"unexpected answer from {double.url}: {said}" in the_error(run), run.err
    if "REST" in case or "HEC" in case:
        assert "--max-search-answer-mb" not in run.err  # no legitimate answer comes near: nothing to raise


# Answers to writes (POST) that are not the answer splunkd gives them (REST API Reference Manual: Atom feeds for
# configs/conf-{file} and apps/local, <response><sessionKey> for auth/login, <response><results> for
# receivers/simple; ``client._expected``): each was taken for "done" (or, for a login, for a session).
WRONG_WRITE_ANSWERS = {
    "an empty body": Hostile(200, b"", "text/xml"),
    "an HTML page": Hostile(200, HTML, "text/html"),
    "JSON": Hostile(201, b"{}"),
    "a message, not the answer": Hostile(201, messages_xml("done, perhaps", "INFO"), "text/xml"),
}
WRITES = {  # where: what the command was doing
    "apps/local": "could not create app",
    "configs/conf-": "could not create ",
    "receivers/simple": "could not send events to index",
    "auth/login": "could not log in to",
}


@pytest.mark.parametrize("where", list(WRITES))
@pytest.mark.parametrize("answer", list(WRONG_WRITE_ANSWERS))
def test_a_write_answered_with_anything_but_its_answer_stops_the_command(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, answer: str,
        where: str) -> None:
    double.state.indexes.add("contentpack_replay")
    (password_env if where == "auth/login" else token_env)(monkeypatch, double)
    if where == "receivers/simple":
        monkeypatch.delenv("SPLUNK_HEC_TOKEN")
    hostile_at(double, WRONG_WRITE_ANSWERS[answer], where, "POST")
    if where == "receivers/simple":
        run, took = timed(lambda: replay(capsys, double))
    else:
        run, took = timed(lambda: cli(capsys, ["deploy", "--root", str(ROOT), "--splunk", double.url, "--ca-file",
                                               str(double.ca_file), "--mode", "objects", *TIMEOUT]))
    assert_clear_failure(double, run, took)
    error = the_error(run)
    assert run.code == 2 and WRITES[where] in error and f"unexpected answer from {double.url}: " in error, run.err


@pytest.mark.parametrize("answer", list(WRONG_WRITE_ANSWERS))
def test_a_delete_answered_with_anything_but_a_feed_stops_the_command(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        answer: str) -> None:
    """``deploy --remove-local`` deletes stanzas; splunkd answers a DELETE with the feed of what remains (REST API
    Reference, *storage/passwords/{name}* DELETE: "Returns a list of the remaining credentials"; assumed alike
    for configs/conf-{file}/{stanza}, whose page lists no response keys). Anything else was taken for "removed"."""
    token_env(monkeypatch, double)
    written = ["deploy", "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(double.ca_file), *TIMEOUT]
    assert cli(capsys, written).code == 0  # local copies to remove
    hostile_at(double, WRONG_WRITE_ANSWERS[answer], "configs/conf-", "DELETE")
    run, took = timed(lambda: cli(capsys, [*written, "--remove-local"]))
    assert_clear_failure(double, run, took)
    error = the_error(run)
    assert run.code == 2 and "remove" in error and f"unexpected answer from {double.url}: " in error, run.err
