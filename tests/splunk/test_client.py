"""The connection layer against the splunkd test double (a protocol-level double, not Splunk): authentication,
TLS verification, retries, time-outs and the messages for 401/403/404/409."""

from __future__ import annotations

import io
import os
import socket
import ssl
import threading
from pathlib import Path
from typing import Any

import pytest
from splunklib import binding

from contentpack.spl.commands import search as search_command
from contentpack.spl.messages import JobMessage, subsearch_truncated
from contentpack.splunk.client import (
    AnswerLimit,
    ConnectionOptions,
    SearchFailed,
    SplunkConnection,
    SplunkError,
    UnexpectedAnswer,
    capped,
    parse_target,
    retrying,
    tls_context,
)
from contentpack.splunk.credentials import Credentials, CredentialsError, load_credentials, scrub

from .helpers import connection
from .splunkd_double import Hostile, SplunkdDouble


def test_token_is_sent_as_bearer_and_accepted(double: SplunkdDouble) -> None:
    conn = connection(double)
    conn.login()
    assert conn.service.info["version"] == "9.4.0"


def test_username_and_password_open_a_session(double: SplunkdDouble) -> None:
    conn = connection(double, Credentials(username=double.state.username, password=double.state.password,
                                          source="SPLUNK_USERNAME/SPLUNK_PASSWORD"))
    conn.login()
    assert double.state.sessions  # auth/login answered with a sessionKey, which later requests carry
    assert ("POST", "/services/auth/login") in double.state.requests


def test_a_wrong_token_is_a_401_naming_where_credentials_came_from(double: SplunkdDouble) -> None:
    conn = connection(double, Credentials(token="not-the-token", source="SPLUNK_TOKEN"))
    with pytest.raises(SplunkError) as caught:
        conn.login()
    assert caught.value.status == 401
    assert "authentication failed (HTTP 401)" in str(caught.value) and "SPLUNK_TOKEN" in str(caught.value)
    assert "not-the-token" not in str(caught.value)
    assert str(caught.value).startswith(f"could not check the token at {double.url}:")  # a token is no log-in


def test_a_wrong_password_is_a_401(double: SplunkdDouble) -> None:
    conn = connection(double, Credentials(username=double.state.username, password="wrong-pw-123", source="env"))
    with pytest.raises(SplunkError) as caught:
        conn.login()
    assert caught.value.status == 401 and "wrong-pw-123" not in str(caught.value)
    assert str(caught.value).startswith(f"could not log in to {double.url}:")


def test_403_404_409_have_plain_messages(double: SplunkdDouble) -> None:
    conn = connection(double, app="search")
    double.state.forbidden.add("configs/conf-macros")
    with pytest.raises(SplunkError) as forbidden:
        with conn.errors("create macro x"):
            conn.service.post("configs/conf-macros", name="x", definition="y")
    assert forbidden.value.status == 403 and "permission denied (HTTP 403)" in str(forbidden.value)
    double.state.forbidden.clear()
    with pytest.raises(SplunkError) as missing:
        with conn.errors("read macro nope"):
            conn.service.get("configs/conf-macros/nope")
    assert missing.value.status == 404
    assert str(missing.value).startswith("could not read macro nope: not found (HTTP 404)")
    conn.service.post("configs/conf-macros", name="x", definition="y")
    with pytest.raises(SplunkError) as exists:
        with conn.errors("create macro x"):
            conn.service.post("configs/conf-macros", name="x", definition="y")
    assert exists.value.status == 409 and "already exists (HTTP 409)" in str(exists.value)


def test_a_certificate_from_an_unknown_ca_does_not_verify_and_is_not_retried(double: SplunkdDouble,
                                                                             other_ca: Path) -> None:
    conn = connection(double, ca_file=other_ca, retries=3)
    with pytest.raises(SplunkError) as caught:
        conn.login()
    assert "did not verify" in str(caught.value) and "--ca-file" in str(caught.value)
    assert double.state.requests == []  # the handshake failed: nothing reached the server


def test_a_port_answering_without_tls_is_named_as_such(double: SplunkdDouble) -> None:
    """--splunk with Splunk Web's plain-http port (8000) instead of splunkd's (8089) once said only
    ``TLS with 127.0.0.1:N failed (WRONG_VERSION_NUMBER)``: OpenSSL's words, not what to do."""
    with socket.socket() as plain:
        plain.bind(("127.0.0.1", 0))
        plain.listen()
        port = plain.getsockname()[1]

        def answer() -> None:
            peer, _ = plain.accept()
            with peer:
                peer.recv(4096)
                peer.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n<html></html>")

        server = threading.Thread(target=answer, daemon=True)
        server.start()
        conn = SplunkConnection(ConnectionOptions(f"https://127.0.0.1:{port}", ca_file=double.ca_file, timeout=5,
                                                  retries=0), Credentials(token=double.state.token, source="test"))
        with pytest.raises(SplunkError) as caught:
            conn.login()
        server.join(5)
    message = str(caught.value)
    assert "the port answered without TLS (plain http?)" in message
    assert "splunkd's management port is 8089 by default" in message and "Splunk Web's is 8000" in message


def test_an_html_page_names_a_wrong_port_too(double: SplunkdDouble) -> None:
    """Splunk Web over https answers splunkd's REST paths with an HTML page: the message names the ports."""
    double.state.hostile = lambda method, path, authorization: Hostile(200, b"<html><body>Splunk</body></html>",
                                                                       "text/html")
    with pytest.raises(SplunkError) as caught:
        connection(double, retries=0).login()
    message = str(caught.value)
    assert "(an HTML page from a proxy, or from a port that is not splunkd's management port, 8089" in message


def test_system_cas_do_not_trust_the_double(double: SplunkdDouble) -> None:
    conn = connection(double, ca_file=None)
    with pytest.raises(SplunkError, match="did not verify"):
        conn.login()


def test_insecure_skips_verification_and_warns(double: SplunkdDouble, other_ca: Path) -> None:
    warnings: list[str] = []
    with SplunkConnection(ConnectionOptions(double.url, ca_file=other_ca, insecure=True, timeout=5, retries=0),
                          Credentials(token=double.state.token), warn=warnings.append) as conn:
        conn.login()
    assert warnings and "verification is OFF" in warnings[0]


def test_plain_http_is_refused_without_insecure() -> None:
    with pytest.raises(SplunkError, match="clear text"):
        SplunkConnection(ConnectionOptions("http://127.0.0.1:8089"), Credentials(token="t"))


@pytest.mark.parametrize("url", ["ftp://h", "https://user:pw@h:8089", "https://h:8089/services", "splunk"])
def test_bad_urls_are_usage_errors(url: str) -> None:
    with pytest.raises(SplunkError) as caught:
        parse_target(url)
    assert "pw" not in str(caught.value).replace("path", "")


def test_5xx_answers_are_retried_with_backoff(double: SplunkdDouble) -> None:
    double.state.fail_statuses = [503, 500]
    slept: list[float] = []
    conn = connection(double, retries=3)
    conn.handler = retrying(binding.handler(timeout=5, verify=True, context=ssl.create_default_context(
        cafile=str(double.ca_file))), 3, 0.5, slept.append)
    conn.service.http.handler = conn.handler
    conn.login()
    assert slept == [0.5, 1.0]  # exponential backoff: 0.5 s, then twice that


def test_5xx_beyond_the_retries_is_a_server_error(double: SplunkdDouble) -> None:
    double.state.fail_statuses = [503, 503, 503]
    with pytest.raises(SplunkError) as caught:
        connection(double, retries=1).login()
    assert caught.value.status == 503 and "server error (HTTP 503" in str(caught.value)


def test_a_server_that_stops_answering_is_a_connection_error(double: SplunkdDouble) -> None:
    double.state.answer_budget = 0
    with pytest.raises(SplunkError) as caught:
        connection(double, retries=2).login()
    assert "cannot reach" in str(caught.value) and "after 2 retries" in str(caught.value)
    assert double.state.requests == []


def test_a_failing_search_is_searchfailed_with_splunks_message(double: SplunkdDouble) -> None:
    double.state.fail_search = "boom"
    with pytest.raises(SearchFailed) as caught:
        connection(double).search("index=main boom | stats count")
    assert "Error in 'search' command" in str(caught.value)


def test_search_returns_rows_and_needs_search_prefix(double: SplunkdDouble) -> None:
    answer = connection(double).search("| makeresults count=2 | eval x=\"a\"")
    assert [row["x"] for row in answer.rows] == ["a", "a"] and answer.messages == ()


# ------------------------------------------------------------------------------------------ job messages
# A search's JSON answer lists the job's messages beside the rows, {"messages": [{"type": "WARN", "text": ...}],
# "results": [...]} (REST API reference, Search endpoint descriptions, search/jobs with output_mode=json;
# splunklib's JSONResultsReader reads the same "messages" entries, "type" and "text", as results.Message).


def test_a_subsearch_cut_by_splunk_is_a_warn_job_message_beside_the_rows(double: SplunkdDouble,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The double's own engine cuts the subsearch (maxout lowered to 1) and lists the message as Splunk does,
    type WARN: the client hands it back as the engine's JobMessage, level warn, with the rows."""
    monkeypatch.setattr(search_command, "SUBSEARCH_MAXOUT", 1)
    answer = connection(double).search('| makeresults count=1 | eval user="u1" '
                                       '| search NOT [| makeresults count=2 | eval user="nobody" | fields user]')
    assert [row["user"] for row in answer.rows] == ["u1"]
    assert answer.messages == (subsearch_truncated(2, 1),)


def test_warn_and_info_messages_are_carried_debug_is_not(double: SplunkdDouble) -> None:
    double.state.planted_messages = [
        {"type": "INFO", "text": "Your timerange was substituted based on your search string"},
        {"type": "DEBUG", "text": "base lispy: [ AND ]"},
        {"type": "WARN", "text": "Field 'x' does not exist in the data."},
        {"type": "WARN", "text": ""},
    ]
    answer = connection(double).search("| makeresults count=1")
    assert len(answer.rows) == 1
    assert answer.messages == (JobMessage("info", "Your timerange was substituted based on your search string"),
                               JobMessage("warn", "Field 'x' does not exist in the data."))


def test_an_error_message_beside_the_rows_still_fails_the_search(double: SplunkdDouble) -> None:
    double.state.planted_messages = [{"type": "WARN", "text": "a warning"},
                                     {"type": "ERROR", "text": "Error in 'lookup' command: no such lookup"}]
    with pytest.raises(SearchFailed) as caught:
        connection(double).search("| makeresults count=1", what="run the search of 'x'")
    assert str(caught.value) == ("could not run the search of 'x': the search failed -- Error in 'lookup' command: "
                                 "no such lookup")


# ----------------------------------------------------------------------------------------------- credentials
def test_environment_token_wins_over_user_and_password() -> None:
    creds = load_credentials("h", {"SPLUNK_TOKEN": "tok", "SPLUNK_USERNAME": "u", "SPLUNK_PASSWORD": "p"})
    assert creds.token == "tok" and creds.sdk_arguments() == {"splunkToken": "tok"}
    assert "tok" not in repr(creds)


def test_half_a_user_password_pair_is_an_error() -> None:
    with pytest.raises(CredentialsError, match="both"):
        load_credentials("h", {"SPLUNK_USERNAME": "u"})


def test_netrc_token_and_user_entries(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine sh1 login token password tok-1\nmachine sh2 login admin password pw-2\n")
    os.chmod(netrc, 0o600)
    assert load_credentials("sh1", {}, netrc).token == "tok-1"
    user = load_credentials("sh2", {}, netrc)
    assert (user.username, user.password, user.token) == ("admin", "pw-2", None)
    with pytest.raises(CredentialsError, match="no 'machine sh3' entry"):
        load_credentials("sh3", {}, netrc)


def test_a_netrc_readable_by_others_is_refused(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine sh1 login token password tok-1\n")
    os.chmod(netrc, 0o644)
    with pytest.raises(CredentialsError, match="chmod 600"):
        load_credentials("sh1", {}, netrc)


def test_a_netrc_parse_error_does_not_quote_the_file(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text('machine sh1 login token password "unterminated-secret-xyz\n')
    os.chmod(netrc, 0o600)
    # Python's netrc reads the open quote to the end of the file, so the token holds the line break: refused
    with pytest.raises(CredentialsError, match="holds a line break") as refused:
        load_credentials("sh1", {}, netrc)
    assert "secret-xyz" not in str(refused.value)


@pytest.mark.parametrize(("text", "line", "wrong"), [
    # one line ending with a stray word: Python's netrc counts the newline after it and says line 2
    ("machine sh1 login admin password pw-secret-1 stray-secret-2\n", 1, "a word that is not 'login'"),
    ("# c\nmachine sh1 login admin\n  password pw-secret-1 stray-secret-2\nmachine sh2 login a password b\n", 3,
     "a word that is not 'login'"),
    ("machine sh1 login admin password pw-secret-1\nstray-secret-2 \n", 2, "a word that is not 'login'"),
    ("stray-secret-2 machine sh1 login admin password pw-secret-1\n", 1, "a word where an entry must start"),
    ("machine sh1 login admin password pw-secret-1\nmachine\n\n", 2, "'machine' without a host name"),
])
def test_a_netrc_parse_error_names_the_line_and_what_is_expected(tmp_path: Path, text: str, line: int,
                                                                wrong: str) -> None:
    """``path:line: what is wrong; what an entry looks like``, the line as a person counts it, and no word of the
    file (the bad word can be half of a password with a space)."""
    netrc = tmp_path / "netrc"
    netrc.write_text(text)
    os.chmod(netrc, 0o600)
    with pytest.raises(CredentialsError) as caught:
        load_credentials("sh1", {}, netrc)
    message = str(caught.value)
    assert message.startswith(f"{netrc}:{line}: {wrong}"), message
    assert message.endswith("each entry reads: machine HOST login USER password SECRET "
                            "(for a token: login token password TOKEN)")
    assert "secret" not in message


def test_a_netrc_entry_without_a_password_says_what_is_expected(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine sh1 login admin password\n")
    os.chmod(netrc, 0o600)
    with pytest.raises(CredentialsError, match=r"the entry for sh1 has no password; each entry reads: machine HOST"):
        load_credentials("sh1", {}, netrc)


def test_no_credentials_at_all(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="no Splunk credentials"):
        load_credentials("h", {"HOME": str(tmp_path)})


def test_scrub_replaces_plain_and_url_encoded_forms() -> None:
    assert scrub("a p@ss/w b p%40ss%2Fw c", ("p@ss/w",)) == "a ******** b ******** c"


@pytest.mark.parametrize("secrets", [("tok", "sig=1&tok=2"), ("sig=1&tok=2", "tok")])
def test_scrub_hides_a_secret_holding_another_whole_in_either_order(secrets: tuple[str, ...]) -> None:
    # A token that is also part of a signed URL's query (deploy --package): replacing the token first left the
    # query's other part (the signature) in the text; which went first followed a set's hash order.
    assert scrub("app.tgz?sig=1&tok=2 and tok", secrets) == "app.tgz?******** and ********"


class _Endless(io.RawIOBase):
    """A body that never ends, counting the bytes taken from it."""

    def __init__(self) -> None:
        super().__init__()
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        buffer[:] = b"x" * len(buffer)
        self.taken += len(buffer)
        return len(buffer)


@pytest.mark.parametrize("size", [None, -1, 4096])
def test_an_answer_is_read_one_byte_past_its_limit_and_no_further(size: int | None) -> None:
    """Reading stops at the limit: the body is not read whole and then measured (an endless one never ends)."""
    body = _Endless()
    handler = capped(lambda url, message, **_: {"status": 200, "headers": [], "body": body},
                     AnswerLimit("search answer", 100_000, "--max-search-answer-mb"))
    answer = handler("https://sh:8089/services/search/v2/jobs", {"method": "POST"})["body"]
    with pytest.raises(UnexpectedAnswer, match="search answer is over its 97 KB limit"):
        while answer.read(size):
            pass
    assert body.taken == 100_001 and body.closed


def test_a_request_not_retried_does_not_say_after_retries(double: SplunkdDouble) -> None:
    """``--retries 0`` was answered with "cannot reach URL (Connection refused; after retries)"."""
    double.state.answer_budget = 0
    with pytest.raises(SplunkError) as caught:
        connection(double, retries=0).login()
    assert str(caught.value).endswith("; not retried: --retries 0)") and "after" not in str(caught.value)


@pytest.mark.parametrize("content", [b"not a certificate\n", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                     b"\xff\xfe binary"])
def test_a_ca_file_that_is_no_pem_bundle_is_named_as_such(tmp_path: Path, content: bytes) -> None:
    """A --ca-file that holds no PEM certificate is said to be one, in the tool's words: ssl's own error
    (``no start line: cadata does not contain a certificate (_ssl.c:...)``) is an OSError, and was printed raw."""
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(content)
    with pytest.raises(SplunkError) as caught:
        tls_context(ca_file)
    message = str(caught.value)
    assert message.startswith(f"--ca-file {ca_file}: cannot load it as PEM CA certificates (")
    assert "_ssl.c" not in message


# ------------------------------------------------------------------------------------------ what is sent again
def stall_at(double: SplunkdDouble, where: str, released: threading.Event) -> list[str]:
    """Requests whose path ends with ``where`` are taken and then not answered until ``released`` (a search job
    still running, events still being indexed): the requests the double received there."""
    received: list[str] = []

    def answer(method: str, path: str, authorization: str) -> Hostile | None:
        if not path.rstrip("/").endswith(where):
            return None
        received.append(f"{method} {where}")
        released.wait(5)
        return Hostile(503, b"")

    double.state.hostile = answer
    return received


def refuse_at(double: SplunkdDouble, where: str, statuses: list[int]) -> list[str]:
    """The next requests whose path ends with ``where`` are answered with ``statuses``, the later ones by the
    double: the requests the double received there."""
    received: list[str] = []

    def answer(method: str, path: str, authorization: str) -> Hostile | None:
        if not path.rstrip("/").endswith(where):
            return None
        received.append(f"{method} {where}")
        if not statuses:
            return None
        status = statuses.pop(0)
        return Hostile(status, f'<response><messages><msg type="ERROR">planted {status}</msg></messages>'
                               "</response>".encode(), "text/xml")

    double.state.hostile = answer
    return received


@pytest.mark.parametrize("where", ["search/v2/jobs", "collector/raw"])
def test_a_search_job_or_events_that_timed_out_after_they_were_sent_are_not_sent_again(
        double: SplunkdDouble, where: str) -> None:
    """splunkd took the POST and is still at it when the time-out ends: sent again, the job would run twice and
    the events be indexed twice. Each was sent 1 + --retries times; the message said "after 3 retries"."""
    released = threading.Event()
    received = stall_at(double, where, released)
    conn = connection(double, timeout=0.3, retries=3)
    sender = conn.hec(double.url)
    assert sender is not None
    try:
        with pytest.raises(SplunkError) as caught:
            if where == "collector/raw":
                sender.send_raw(b"one event\n", {"index": "main"})
            else:
                conn.search("| makeresults")
    finally:
        released.set()
    assert received == [f"POST {where}"]
    message = str(caught.value)
    assert ("did not answer within 0.3 s (not retried: a request other than a GET is not sent again once it may "
            "have reached splunkd)") in message
    assert double.state.token not in message and double.state.hec_token not in message


def test_a_read_that_timed_out_is_sent_again(double: SplunkdDouble) -> None:
    released = threading.Event()
    received = stall_at(double, "server/info", released)
    try:
        with pytest.raises(SplunkError) as caught:
            connection(double, timeout=0.3, retries=2).login()
    finally:
        released.set()
    assert received == ["GET server/info"] * 3 and "did not answer within 0.3 s (after 2 retries)" in str(caught.value)


def test_a_503_answer_to_a_search_job_is_sent_again_but_not_a_500(double: SplunkdDouble) -> None:
    """503 is splunkd's answer to a job over the search quota ("Search not executed"): nothing ran, so it is sent
    again. A 500 may come from a job that ran: it was sent again (and a second job run) like a failed read."""
    conn = connection(double, retries=3)
    received = refuse_at(double, "search/v2/jobs", [503])
    assert conn.search("| makeresults").rows and received == ["POST search/v2/jobs"] * 2
    received = refuse_at(double, "search/v2/jobs", [500])
    with pytest.raises(SplunkError) as caught:
        conn.search("| makeresults")
    assert caught.value.status == 500 and received == ["POST search/v2/jobs"]
    assert str(caught.value).startswith("could not run the search: server error (HTTP 500 Internal Server Error) "
                                        "(not retried: a request other than a GET is not sent again once it may "
                                        "have reached splunkd)")


def test_a_429_answer_is_sent_again(double: SplunkdDouble) -> None:
    """429 (too many requests) refuses a request without doing it; it was an error at once."""
    received = refuse_at(double, "search/v2/jobs", [429, 429])
    assert connection(double, retries=2).search("| makeresults").rows
    assert received == ["POST search/v2/jobs"] * 3
