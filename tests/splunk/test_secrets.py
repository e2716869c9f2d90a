"""Acceptance: the token, the password and the HEC token appear in no output, no log line and no exception
message or traceback — on success, on authentication failure, on TLS and connection errors, and even when the
server (the splunkd test double, a protocol-level double, not Splunk) quotes them back in its error bodies."""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from contentpack.splunk.client import SplunkError
from contentpack.splunk.credentials import Credentials

from .helpers import FAST, ROOT, cli, connection, password_env, token_env
from .splunkd_double import SplunkdDouble

WRONG_TOKEN = "wrong-token-5f0c9e1d7a"
WRONG_PASSWORD = "wrong-password-8b3e2a"


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record at DEBUG, splunklib's request logging included."""
    with caplog.at_level(logging.DEBUG):
        for name in ("splunklib", "splunklib.binding", "splunklib.client"):
            logging.getLogger(name).setLevel(logging.DEBUG)
        yield caplog


def secrets_of(double: SplunkdDouble) -> tuple[str, ...]:
    return (double.state.token, double.state.password, double.state.hec_token, WRONG_TOKEN, WRONG_PASSWORD)


def assert_clean(double: SplunkdDouble, *texts: str) -> None:
    for text in texts:
        for secret in secrets_of(double):
            assert secret not in text, f"a credential leaked into: {text[:300]!r}"


def log_text(logs: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in logs.records)


def run_cli(capsys: pytest.CaptureFixture[str], double: SplunkdDouble, *args: str,
            ca: Path | None = None) -> str:
    run = cli(capsys, [*args, "--root", str(ROOT), "--splunk", double.url, "--ca-file", str(ca or double.ca_file),
                       *FAST])
    assert "Traceback" not in run.err
    return run.out + run.err


def test_no_secret_in_output_or_logs_of_successful_runs(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        all_logs: pytest.LogCaptureFixture) -> None:
    double.state.indexes.add("contentpack_replay")
    token_env(monkeypatch, double)
    texts = [run_cli(capsys, double, "deploy"),
             run_cli(capsys, double, "replay", "--detection", "Entra ID User Declined OAuth Application Consent",
                     "--hec-url", double.url, "--wait", "3")]
    password_env(monkeypatch, double)
    texts.append(run_cli(capsys, double, "deploy", "--dry-run"))
    assert any(r.name.startswith("splunklib") for r in all_logs.records)  # the SDK did log its requests
    assert_clean(double, *texts, log_text(all_logs))


def test_no_secret_when_authentication_fails_even_if_the_server_quotes_it(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        all_logs: pytest.LogCaptureFixture) -> None:
    double.state.echo_credentials = True
    token_env(monkeypatch, double)
    monkeypatch.setenv("SPLUNK_TOKEN", WRONG_TOKEN)
    bad_token = run_cli(capsys, double, "deploy")
    password_env(monkeypatch, double, WRONG_PASSWORD)
    bad_password = run_cli(capsys, double, "deploy")
    assert "HTTP 401" in bad_token and "HTTP 401" in bad_password
    assert "********" in bad_token + bad_password  # the quoted credential was there, and was scrubbed
    assert_clean(double, bad_token, bad_password, log_text(all_logs))


def test_no_secret_in_tls_and_connection_errors(double: SplunkdDouble, other_ca: Path,
                                                capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                                all_logs: pytest.LogCaptureFixture) -> None:
    token_env(monkeypatch, double)
    tls = run_cli(capsys, double, "deploy", ca=other_ca)
    assert "did not verify" in tls
    password_env(monkeypatch, double)
    tls_password = run_cli(capsys, double, "deploy", ca=other_ca)
    double.state.answer_budget = 0
    gone = run_cli(capsys, double, "deploy")
    assert "cannot reach" in gone
    assert_clean(double, tls, tls_password, gone, log_text(all_logs))


def test_no_secret_when_the_server_stops_mid_replay(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    all_logs: pytest.LogCaptureFixture) -> None:
    double.state.indexes.add("contentpack_replay")
    double.state.echo_credentials = True
    password_env(monkeypatch, double)
    # log-in, server info, the index check, the search for an earlier run's events, then the test's
    double.state.answer_budget = 6
    out = run_cli(capsys, double, "replay", "--detection", "Entra ID User Declined OAuth Application Consent",
                  "--hec-url", double.url, "--wait", "3")
    assert "contentpack replay: error: stopped:" in out
    assert_clean(double, out, log_text(all_logs))


def test_no_secret_in_exception_messages_or_tracebacks(double: SplunkdDouble, other_ca: Path) -> None:
    double.state.echo_credentials = True
    failures: list[SplunkError] = []
    for creds, options in [
        (Credentials(token=WRONG_TOKEN, source="SPLUNK_TOKEN"), {}),
        (Credentials(username="replayer", password=WRONG_PASSWORD, source="env"), {}),
        (Credentials(token=double.state.token), {"ca_file": other_ca}),
    ]:
        with pytest.raises(SplunkError) as caught:
            connection(double, creds, **options).login()  # type: ignore[arg-type]
        failures.append(caught.value)
    hec = connection(double, Credentials(token=double.state.token, hec_token=WRONG_TOKEN)).hec(double.url)
    assert hec is not None
    with pytest.raises(SplunkError) as caught:
        hec.send_raw(b'{"a": 1}\n', {"index": "main"})
    failures.append(caught.value)
    for exc in failures:
        assert exc.__suppress_context__  # raised "from None": the SDK's own exception is not printed
        assert_clean(double, str(exc), repr(exc), "".join(traceback.format_exception(exc)))


@pytest.mark.slow
def test_no_secret_in_a_splunk_backtest_its_files_or_when_it_is_cut_off(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        all_logs: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """`backtest --splunk`: its output, its log lines, every file it writes in --out (the checkpoint of
    finished runs included), and its message when the server stops answering mid-backtest."""
    double.state.indexes.add("tenant")
    double.state.echo_credentials = True
    path = ROOT / "attack_data" / "declined_then_granted" / "declined_then_granted.log"
    hec = connection(double).hec(double.url)
    assert hec is not None
    hec.send_raw(path.read_bytes(), {"index": "tenant", "sourcetype": "azure:monitor:aad", "source": "Azure AD"})
    args = ["backtest", "--index", "tenant", "--from", "2026-10-15T06:00:00Z", "--to", "2026-10-15T18:00:00Z",
            "--detection", "Entra ID User Declined OAuth Application Consent"]
    password_env(monkeypatch, double)
    texts = [run_cli(capsys, double, *args, "--out", str(tmp_path / "password"))]
    token_env(monkeypatch, double)
    texts.append(run_cli(capsys, double, *args, "--out", str(tmp_path / "token")))
    double.state.answer_budget = 4
    cut = run_cli(capsys, double, *args, "--out", str(tmp_path / "cut"))
    assert "contentpack backtest: error: stopped:" in cut and "cannot reach" in cut
    written = [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "splunk_runs.jsonl" for p in tmp_path.rglob("*")) and len(written) >= 8
    assert_clean(double, *texts, cut, *written, log_text(all_logs))


def test_no_secret_in_search_job_messages_even_if_the_server_quotes_it(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        all_logs: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """A careless server whose search answers carry job messages quoting the credentials the run uses: the
    replay's warnings and the backtest's output and files (summary.json, report.html, the checkpoint) show the
    messages, each credential scrubbed. The backtest's index holds an event in its period: the runs of an index
    holding none are not sent (docs/splunk.md, "An index with nothing to find")."""
    double.state.indexes |= {"contentpack_replay", "tenant"}
    double.add_events(b'{"time": "2026-10-15T06:30:00Z", "operationName": "Sign-in activity"}\n', "tenant", "Azure AD",
                      "azure:monitor:aad", "tenant-host")
    replay = ["replay", "--detection", "Entra ID User Declined OAuth Application Consent", "--hec-url", double.url,
              "--wait", "3"]
    backtest = ["backtest", "--index", "tenant", "--from", "2026-10-15T06:00:00Z", "--to", "2026-10-15T07:00:00Z",
                "--detection", "Entra ID User Declined OAuth Application Consent"]
    texts: list[str] = []
    for mode, secret in (("token", double.state.token), ("password", double.state.password)):
        double.state.planted_messages = [{"type": "WARN", "text": f"quoted {secret} {double.state.hec_token}"},
                                         {"type": "INFO", "text": f"user replayer {secret}"}]
        (token_env if mode == "token" else password_env)(monkeypatch, double)
        texts += [run_cli(capsys, double, *replay),
                  run_cli(capsys, double, *backtest, "--out", str(tmp_path / "out" / mode))]
    assert all("(warn): quoted ******** ********" in text and "(info): user replayer ********" in text
               for text in texts)
    written = [p.read_text() for p in (tmp_path / "out").rglob("*") if p.is_file()]
    said = [(tmp_path / "out" / mode / name).read_text() for mode in ("token", "password")
            for name in ("summary.json", "report.html", "splunk_runs.jsonl")]
    assert len(written) == 10 and all("quoted ******** ********" in text for text in said)
    assert_clean(double, *texts, *written, log_text(all_logs))


# A package URL's user information and a pre-signed URL's query are credentials of the server the tarball is
# fetched from; splunkd quotes the location back when it cannot fetch it (the double does, as "failed to extract
# app from <location>").
PACKAGE_SECRET = "pkg-s3cret-41d7"
SIGNATURE = "X-Amz-Signature=9f2c81ab"


@pytest.mark.parametrize(("location", "shown"), [
    (f"https://ci:{PACKAGE_SECRET}@repo.example/app.tgz", "https://********@repo.example/app.tgz"),
    (f"https://{PACKAGE_SECRET}@repo.example/app.tgz", "https://********@repo.example/app.tgz"),
    (f"https://bucket.example/app.tgz?{SIGNATURE}&{PACKAGE_SECRET}=1", "https://bucket.example/app.tgz?********"),
])
def test_no_secret_of_a_package_url_in_messages_or_logs(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        all_logs: pytest.LogCaptureFixture, location: str,
                                                        shown: str) -> None:
    token_env(monkeypatch, double)
    failed = run_cli(capsys, double, "deploy", "--mode", "package", "--package", location)
    assert f"could not install app DA-ESS-EntraConsent from {shown}: HTTP 400" in failed, failed
    refused = run_cli(capsys, double, "deploy", "--mode", "package", "--package", location + "\n")
    assert f"--package {shown + chr(10)!r}: a location holds no line break" in refused, refused
    assert_clean(double, failed, refused, log_text(all_logs))
    for text in (failed, refused, log_text(all_logs)):
        assert PACKAGE_SECRET not in text and SIGNATURE not in text, text[:300]


# argparse's usage error quotes the command line; a URL there (a mistyped option before `--splunk`'s value, a
# URL given to an option that takes none) kept its password, which `--splunk` itself refuses.
URL_SECRET = "url-pw-7c1e"


@pytest.mark.parametrize(("words", "shown"), [
    (["--splunk", "https://sh.example:8089", "--splnk", f"https://admin:{URL_SECRET}@sh.example:8089"],
     "https://********@sh.example:8089"),
    (["--splunk", "https://sh.example:8089", "extra", f"https://{URL_SECRET}@sh.example"],
     "https://********@sh.example"),
    (["--splunk", "https://sh.example:8089", "--timeout", f"https://sh.example:8089/?token={URL_SECRET}"],
     "https://sh.example:8089/?********"),
    (["--splunk", "https://sh.example:8089", "--mode", f"https://a:{URL_SECRET}@sh.example"],
     "https://********@sh.example"),
    # the same URLs written without their https:// (docs/splunk.md listed them as not covered until 2026-12-07)
    (["--splunk", "https://sh.example:8089", "--splnk", f"admin:{URL_SECRET}@sh.example:8089"],
     "--splnk ********@sh.example:8089"),
    (["--splunk", "https://sh.example:8089", f"--splnk=admin:{URL_SECRET}@[::1]:8089"], "--splnk=********@[::1]:8089"),
    (["--splunk", "https://sh.example:8089", "--timeout", f"admin:{URL_SECRET}@sh.example:8089"],
     "'********@sh.example:8089'"),
    (["--splunk", "https://sh.example:8089", "--mode", f"a:p@ss:{URL_SECRET}@10.0.0.1"], "'********@10.0.0.1'"),
])
def test_no_url_credentials_in_a_usage_error_quoting_the_command_line(capsys: pytest.CaptureFixture[str],
                                                                      words: list[str], shown: str) -> None:
    with pytest.raises(SystemExit):
        cli(capsys, ["deploy", "--root", str(ROOT), *words])
    err = capsys.readouterr().err
    assert "contentpack deploy: error: " in err and shown in err, err
    assert URL_SECRET not in err, err


def test_a_usage_error_keeps_times_and_mail_addresses_beside_a_hidden_url_without_its_scheme(
        capsys: pytest.CaptureFixture[str]) -> None:
    """What the scheme-less pattern must not take for a user name and password: a time modifier's snap after a
    clock time (``10:00@d``, an absolute time snapped to a Monday), an e-mail address (no ``:`` before ``@``) and
    a Windows path (a drive letter's ``:``)."""
    kept = ["10:00@d", "10/15/2026:06:00:00@w1", "-1d@d+6h", "alice@contoso.com", "C:\\pkgs\\app@1.0.tgz"]
    with pytest.raises(SystemExit):
        cli(capsys, ["deploy", "--root", str(ROOT), "--splunk", "https://sh.example:8089", "--earlist", *kept,
                     f"admin:{URL_SECRET}@sh.example:8089"])
    err = capsys.readouterr().err
    assert f"unrecognized arguments: --earlist {' '.join(kept)} ********@sh.example:8089" in " ".join(err.split()), err
    assert URL_SECRET not in err, err


@pytest.mark.parametrize("command", [["deploy", "--splunk"], ["replay", "--splunk", "https://sh.example:8089",
                                                             "--hec-url"]])
def test_a_url_without_its_scheme_is_refused_unechoed(capsys: pytest.CaptureFixture[str],
                                                      command: list[str]) -> None:
    """``--splunk``/``--hec-url`` refuse ``admin:PASSWORD@sh:8089`` (urlsplit reads ``admin`` as its scheme) in
    a usage error of their own, not argparse's, so not :func:`redacted`: its words must not quote it."""
    run = cli(capsys, [command[0], "--root", str(ROOT), *command[1:], f"admin:{URL_SECRET}@sh.example:8089"])
    assert run.code == 2 and "error: --" in run.err and "not a URL such as https://" in run.err, run.err
    assert URL_SECRET not in run.out + run.err, run.err


def test_a_package_location_without_its_scheme_is_refused_without_its_user_information(
        capsys: pytest.CaptureFixture[str]) -> None:
    """``--package ci:TOKEN@repo.example/app.tgz`` is neither a URL nor an absolute path: the refusal quotes the
    location, which showed the token until 2026-12-07 (``credentials.shown_location`` read only a ``scheme://``)."""
    run = cli(capsys, ["deploy", "--root", str(ROOT), "--splunk", "https://sh.example:8089", "--mode", "package",
                       "--package", f"ci:{URL_SECRET}@repo.example/app.tgz"])
    assert run.code == 2 and "--package ********@repo.example/app.tgz: not an absolute path or a URL" in run.err, \
        run.err
    assert URL_SECRET not in run.out + run.err, run.err


@pytest.mark.parametrize("mode", ["token", "password"])
def test_no_secret_in_an_internal_error(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    """A bug whose exception quotes a credential, the session key (here one planted after the log-in) or a URL
    written without its scheme: the last line of defence prints its message, each secret scrubbed."""
    from contentpack.splunk.client import SplunkConnection

    (token_env if mode == "token" else password_env)(monkeypatch, double)

    def bug(connection: SplunkConnection, *args: object, **kwargs: object) -> None:
        given = [os.environ.get(name, "") for name in ("SPLUNK_TOKEN", "SPLUNK_PASSWORD", "SPLUNK_HEC_TOKEN")]
        raise RuntimeError(f"bug near {connection.service.token} {' '.join(given)} admin:{URL_SECRET}@sh:8089")

    monkeypatch.setattr("contentpack.splunk.deploy.deploy_objects", bug)
    monkeypatch.delenv("CONTENTPACK_DEBUG", raising=False)
    out = run_cli(capsys, double, "deploy")
    assert "contentpack: internal error: RuntimeError: bug near " in out and " ********@sh:8089" in out, out
    assert_clean(double, out)
    assert URL_SECRET not in out, out
    assert not any(key in out for key in double.state.sessions), out


def test_a_token_with_a_character_that_is_not_ascii_is_refused_unsent(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A token pasted with typographic quotes: it cannot go in an HTTP header (sent as Latin-1), and said
    "unexpected answer (UnicodeEncodeError)" as if the server had answered."""
    token_env(monkeypatch, double)
    monkeypatch.setenv("SPLUNK_TOKEN", f"\u201c{double.state.token}\u201d")
    token = run_cli(capsys, double, "deploy")
    token_env(monkeypatch, double)
    monkeypatch.setenv("SPLUNK_HEC_TOKEN", f"{double.state.hec_token}\u00a0")
    hec = run_cli(capsys, double, "deploy")
    assert ("contentpack deploy: error: the token from SPLUNK_TOKEN holds a character that is not ASCII, which no "
            "Splunk token has; it was not sent") in " ".join(token.split()), token
    assert "HEC token (SPLUNK_HEC_TOKEN) from SPLUNK_TOKEN holds a character that is not ASCII" in " ".join(
        hec.split()), hec
    assert not double.state.requests
    assert_clean(double, token, hec)


def test_json_and_junit_outputs_name_the_server_alone_and_no_secret(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """`replay --splunk --format json --junit FILE` and `backtest --splunk --format json`, with job messages
    quoting the password: the outputs name the server as scheme://host:port (never the user) and show the
    messages scrubbed."""
    double.state.indexes |= {"contentpack_replay", "tenant"}
    double.add_events(b'{"time": "2026-10-15T06:30:00Z", "operationName": "Sign-in activity"}\n', "tenant", "Azure AD",
                      "azure:monitor:aad", "tenant-host")
    double.state.planted_messages = [{"type": "WARN", "text": f"quoted {double.state.password}"}]
    password_env(monkeypatch, double)
    junit = tmp_path / "replay.xml"
    replay = run_cli(capsys, double, "replay", "--detection", "Entra ID User Declined OAuth Application Consent",
                     "--hec-url", double.url, "--wait", "3", "--format", "json", "--junit", str(junit))
    backtest = run_cli(capsys, double, "backtest", "--index", "tenant", "--from", "2026-10-15T06:00:00Z", "--to",
                       "2026-10-15T07:00:00Z", "--detection", "Entra ID User Declined OAuth Application Consent",
                       "--out", str(tmp_path / "out"), "--format", "json")
    texts = [replay, junit.read_text(), backtest, *(p.read_text() for p in (tmp_path / "out").iterdir())]
    assert all("quoted ********" in text for text in texts[:3]), texts[:3]
    assert f'"url": "{double.url}"' in replay and f"index tenant on {double.url}" in backtest
    assert not any(double.state.username in text for text in texts)
    assert_clean(double, *texts)


def test_no_session_cookie_when_the_server_quotes_it(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     all_logs: pytest.LogCaptureFixture) -> None:
    """splunkd 6.2+ sets a splunkd_<port> cookie at log-in (splunklib asks with cookie=1) and splunklib then
    authenticates with it alone; a 403 quoting the request's headers printed the cookie, whose value is not the
    session key here."""
    double.state.session_cookies = double.state.echo_credentials = True
    double.state.forbidden.add("server/info")
    password_env(monkeypatch, double)
    out = run_cli(capsys, double, "deploy")
    assert "permission denied (HTTP 403)" in out and "Cookie: splunkd_" in out, out
    assert double.state.cookie_sessions
    assert_clean(double, out, log_text(all_logs))
    assert not any(cookie in out for cookie in double.state.cookie_sessions), out
