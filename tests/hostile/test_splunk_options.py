"""Hostile ``--splunk`` connection options (issue 11): URLs, ports, time-outs, retries, certificate and netrc
paths, credentials with line breaks. Each is a usage error or a plain message, never a traceback, an internal
error or a hang -- and no credential ever appears in what is printed.

Reproducers, each once a failure: ``https://[::1`` and ``--timeout inf`` ended in "internal error";
``https://h:0`` connected to port 8089 silently; ``--retries 100000`` and a FIFO as ``--ca-file`` hung;
``--wait nan`` could never reach its deadline; a FIFO as ``--netrc-file`` was "no such netrc file"; a token
with a newline failed as an opaque ValueError; an escape sequence in the URL reached the terminal.
"""

from __future__ import annotations

import argparse
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.cli.option_types import count_between, seconds_between
from contentpack.splunk.client import ConnectionOptions, SplunkError, parse_target
from contentpack.splunk.credentials import CredentialsError, load_credentials

from .support import ROOT, VALID, run_cli

SECRET = "s3cret-9f1c2b"
NOWHERE = "https://127.0.0.1:1"  # refused at once, should anything try to connect


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    """A well-formed token in the environment (the children inherit it), and no other credential source."""
    for name in ("SPLUNK_USERNAME", "SPLUNK_PASSWORD", "SPLUNK_NETRC", "SPLUNK_HEC_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPLUNK_TOKEN", SECRET)


def _deploy(*args: str) -> tuple[int, str]:
    outcome = run_cli("deploy", "--root", str(VALID), "--dry-run", *args, timeout=30)
    outcome.assert_handled()
    assert SECRET not in outcome.stdout + outcome.stderr
    return outcome.returncode, outcome.stderr


# ------------------------------------------------------------------------------ URLs

_PARTS = st.text(st.sampled_from(string.ascii_letters + string.digits + ".-_:[]@%/?#\\ \t\n\x00\x1bé\u202e"),
                 max_size=12)


@settings(max_examples=200, deadline=None)
@given(scheme=st.sampled_from(["https", "http", "HTTPS", "ftp", ""]), host=_PARTS, port=_PARTS, rest=_PARTS,
       user=st.booleans())
def test_any_url_is_a_target_or_a_splunk_error_without_the_password(scheme: str, host: str, port: str, rest: str,
                                                                    user: bool) -> None:
    url = f"{scheme}://{'admin:' + SECRET + '@' if user else ''}{host}:{port}{rest}"
    try:
        target = parse_target(url)
    except SplunkError as exc:
        assert SECRET not in str(exc)
        return
    assert not user and 1 <= target.port <= 65535
    assert target.host and not any(c in target.host for c in " \t\n\x00\x1b\u202e/@?#")


@settings(max_examples=100, deadline=None)
@given(url=st.text(max_size=40))
def test_any_text_is_a_target_or_a_splunk_error(url: str) -> None:
    try:
        parse_target(url)
    except SplunkError:
        pass


@pytest.mark.parametrize(("url", "expected"), [
    ("https://[::1", "--splunk: not a URL such as https://splunk.example.com:8089 (an IPv6 address goes in brackets"),
    ("https://h:0", "--splunk: https://h:0: the port must be a number from 1 to 65535"),
    ("https://h:99999", "--splunk: https://h:99999: the port must be a number from 1 to 65535"),
    ("https://a..b:8089", "--splunk: https://'a..b': not a host name or an IP address"),
    ("https://%00:8089", "--splunk: https://'%00': not a host name or an IP address"),
    ("https://h\x1b]0;pwned\x07:8089", "--splunk: the URL holds a space or a control character"),
    ("https://h\n:8089", "--splunk: the URL holds a space or a control character"),
    (f"https://admin:{SECRET}@h:8089", "--splunk: credentials do not belong in the URL"),
    (f"ftp://admin:{SECRET}@h", "--splunk: credentials do not belong in the URL"),
    ("https://h:8089/#x", "--splunk: https://h:8089: give the server only (scheme, host, port), no path"),
    # the URL as given, its port included (it once read "https://h: the port must be ..."), never its path or query
    ("https://[::1]:8089:1", "--splunk: https://[::1]:8089:1: the port must be a number from 1 to 65535"),
    ("https://h:8o89", "--splunk: https://h:8o89: the port must be a number from 1 to 65535"),
    ("https://h:8089/en-US/?token=abc", "--splunk: https://h:8089: give the server only (scheme, host, port), no path"),
])
def test_bad_urls_are_usage_errors(token: None, url: str, expected: str) -> None:
    status, err = _deploy("--splunk", url)
    assert status == 2 and f"contentpack deploy: error: {expected}" in err, err
    assert "\x1b" not in err and "\x07" not in err


def test_ipv6_and_international_host_names_are_targets() -> None:
    assert parse_target("https://[::1]:8089").url == "https://[::1]:8089"
    assert parse_target("https://münchen.example").host == "xn--mnchen-3ya.example"
    assert parse_target("https://splunk_sh:8089").host == "splunk_sh"  # a container name


# ------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(("option", "expected"), [
    (["--timeout", "inf"], "argument --timeout: must be 0.1 to 3600 seconds, not 'inf'"),
    (["--timeout", "1e300"], "argument --timeout: must be 0.1 to 3600 seconds, not '1e300'"),
    (["--timeout", "nan"], "argument --timeout: must be 0.1 to 3600 seconds, not 'nan'"),
    (["--timeout", "0"], "argument --timeout: must be 0.1 to 3600 seconds, not '0'"),
    (["--retries", "100000"], "argument --retries: must be 0 to 10, not '100000'"),
    (["--retries", "-1"], "argument --retries: must be 0 to 10, not '-1'"),
    (["--retries", "1e3"], "argument --retries: not a whole number: '1e3'"),
])
def test_time_outs_and_retries_are_bounded(token: None, option: list[str], expected: str) -> None:
    status, err = _deploy("--splunk", NOWHERE, *option)
    assert status == 2 and f"contentpack deploy: error: {expected}" in err, err


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=12), st.floats().map(repr), st.integers().map(str)))
def test_bounded_option_types_give_a_value_in_range_or_an_argparse_error(text: str) -> None:
    for parse, low, high in ((seconds_between(0.1, 3600.0), 0.1, 3600.0), (count_between(0, 10), 0, 10)):
        try:
            value = parse(text)
        except argparse.ArgumentTypeError:
            continue
        assert low <= value <= high


def test_the_library_bounds_them_too() -> None:
    for settings_ in ({"timeout": float("inf")}, {"timeout": float("nan")}, {"retries": 11}, {"retries": -1},
                      {"max_search_answer_mb": 0}, {"max_search_answer_mb": 10**6}):
        with pytest.raises(SplunkError):
            ConnectionOptions("https://h", **settings_)


@pytest.mark.parametrize(("command", "option", "expected"), [
    (["backtest", "--index", "main", "--out", "OUT", "--from", "2026-10-01", "--to", "2026-10-02"],
     ["--concurrency", str(10**9)], "argument --concurrency: must be 1 to 50, not '1000000000'"),
    (["backtest", "--index", "main", "--out", "OUT", "--from", "2026-10-01", "--to", "2026-10-02"],
     ["--concurrency", "0"], "argument --concurrency: must be 1 to 50, not '0'"),
    (["backtest", "--index", "main", "--out", "OUT", "--from", "2026-10-01", "--to", "2026-10-02"],
     ["--max-search-answer-mb", "0"], "argument --max-search-answer-mb: must be 1 to 16384, not '0'"),
    (["replay"], ["--max-search-answer-mb", "1e9"], "argument --max-search-answer-mb: not a whole number: '1e9'"),
    (["replay"], ["--wait", "nan"], "argument --wait: must be 0 to 3600 seconds, not 'nan'"),
    (["replay"], ["--wait", "inf"], "argument --wait: must be 0 to 3600 seconds, not 'inf'"),
    (["replay"], ["--hec-url", "https://h:0"], "--hec-url: https://h:0: the port must be a number from 1 to 65535"),
    (["replay"], ["--hec-url", f"https://u:{SECRET}@h"], "--hec-url: credentials do not belong in the URL"),
])
def test_remote_replay_and_backtest_options_are_bounded(token: None, tmp_path: Path, command: list[str],
                                                        option: list[str], expected: str) -> None:
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in command]
    outcome = run_cli(*args, "--root", str(VALID), "--splunk", NOWHERE, *option, timeout=30)
    outcome.assert_handled()
    assert outcome.returncode == 2 and f"contentpack {command[0]}: error: {expected}" in outcome.stderr
    assert SECRET not in outcome.stderr


def test_a_package_location_with_a_line_break_is_a_usage_error(token: None) -> None:
    status, err = _deploy("--splunk", NOWHERE, "--mode", "package", "--package", "/tmp/app.tgz\nx")
    assert status == 2 and "--package '/tmp/app.tgz\\nx': a location holds no line break" in err



@pytest.mark.parametrize("location", ["dist/DA-ESS-EntraConsent-0.1.0.tar.gz", "~/DA-ESS-EntraConsent-0.1.0.tar.gz"])
def test_a_package_path_relative_to_this_machine_is_a_usage_error(token: None, location: str) -> None:
    """The server reads --package: a newcomer gave the tarball's path in their clone, ``dist/...``, which only a
    server-side error (or another file there) would have answered. Refused before connecting, saying what to give."""
    status, err = _deploy("--splunk", NOWHERE, "--mode", "package", "--package", location)
    assert (status, err) == (2, f"contentpack deploy: error: --package {location}: not an absolute path or a URL, and "
                                "the server reads it, not this machine: copy the tarball to the search head and give "
                                "its absolute path there (such as /tmp/DA-ESS-EntraConsent-0.1.0.tar.gz), or a URL "
                                "the server can fetch\n")


@pytest.mark.parametrize("location", ["/opt/splunk/app.tgz", "C:\\Temp\\app.tgz", "https://files.example/app.tgz"])
def test_an_absolute_package_path_or_url_goes_to_the_server(token: None, location: str) -> None:
    status, err = _deploy("--splunk", NOWHERE, "--mode", "package", "--package", location)
    assert status == 2 and "cannot reach https://127.0.0.1:1" in err

# ------------------------------------------------------------------------------ files and credentials


def test_special_files_as_ca_or_netrc_file_are_refused_by_name(token: None, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "fifo.pem"
    os.mkfifo(fifo)
    status, err = _deploy("--splunk", NOWHERE, "--ca-file", str(fifo))
    assert status == 2 and f"--ca-file {fifo}: a FIFO (named pipe), not a regular file: not read" in err, err
    status, err = _deploy("--splunk", NOWHERE, "--ca-file", str(tmp_path))
    assert status == 2 and f"--ca-file {tmp_path}: a folder, not a regular file" in err, err
    monkeypatch.delenv("SPLUNK_TOKEN")
    status, err = _deploy("--splunk", NOWHERE, "--netrc-file", str(fifo))
    assert status == 2 and f"contentpack deploy: error: {fifo}: a FIFO (named pipe), not a netrc file" in err, err


@pytest.mark.parametrize("with_token", [True, False], ids=["SPLUNK_TOKEN set", "no other credentials"])
def test_a_missing_netrc_file_or_ca_file_is_an_error_before_any_connection(
        with_token: bool, token: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An option that names a file names a file the user meant: with ``SPLUNK_TOKEN`` set a missing
    ``--netrc-file`` was passed over and the command went on to connect (without, it said ``no such netrc
    file``); a missing ``--ca-file`` said the system's ``No such file or directory``. Both now in the commands'
    one wording (``spl.files.NO_SUCH_PATH``), exit 2, nothing else printed, and never the token."""
    if not with_token:
        monkeypatch.delenv("SPLUNK_TOKEN")
    missing = tmp_path / "nosuch"
    for option in ("--netrc-file", "--ca-file"):
        outcome = run_cli("deploy", "--root", str(VALID), "--splunk", NOWHERE, "--retries", "0", option, str(missing),
                          timeout=30)
        assert (outcome.returncode, outcome.stdout) == (2, "")
        if option == "--ca-file" and not with_token:  # the credentials are looked for first
            assert outcome.stderr.startswith("contentpack deploy: error: no Splunk credentials"), outcome.stderr
            continue
        assert outcome.stderr == f"contentpack deploy: error: {option} {missing}: no such file or folder\n"
        assert SECRET not in outcome.stdout + outcome.stderr


@pytest.mark.parametrize("value", [f"{SECRET}\n", f"\n{SECRET}", f"{SECRET}\r\nX-Injected: 1", f"{SECRET}\x1b[2J"])
def test_a_credential_with_a_line_break_is_refused_without_showing_it(value: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        load_credentials("h", {"SPLUNK_TOKEN": value})
    assert str(caught.value) == ("the token from SPLUNK_TOKEN holds a line break or another control character; it "
                                 "was not sent (check for a stray newline)")
    with pytest.raises(CredentialsError, match=r"^the password from SPLUNK_USERNAME/SPLUNK_PASSWORD holds"):
        load_credentials("h", {"SPLUNK_USERNAME": "admin", "SPLUNK_PASSWORD": value})
    with pytest.raises(CredentialsError, match=r"^the HEC token \(SPLUNK_HEC_TOKEN\) from SPLUNK_TOKEN holds"):
        load_credentials("h", {"SPLUNK_TOKEN": "fine", "SPLUNK_HEC_TOKEN": value})


def test_a_netrc_token_with_a_control_character_is_refused(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine h login token password {SECRET}\x1b[2J\n")  # netrc splits at white space only
    netrc.chmod(0o600)
    with pytest.raises(CredentialsError) as caught:
        load_credentials("h", {}, netrc)
    assert str(caught.value).startswith(f"the token from {netrc} holds") and SECRET not in str(caught.value)


def test_the_command_refuses_a_token_with_a_newline_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPLUNK_TOKEN", f"{SECRET}\n")
    for name in ("SPLUNK_USERNAME", "SPLUNK_PASSWORD", "SPLUNK_NETRC"):
        monkeypatch.delenv(name, raising=False)
    status, err = _deploy("--splunk", NOWHERE)
    assert status == 2 and "the token from SPLUNK_TOKEN holds a line break" in err and "127.0.0.1" not in err


def test_a_fifo_as_the_backtest_checkpoint_is_refused_not_waited_on(tmp_path: Path) -> None:
    """``--out``'s ``splunk_runs.jsonl`` was read with ``read_text``: a FIFO there hung ``backtest --splunk``.
    Checked in a child under a deadline (a regression would block the test process itself)."""
    fifo = tmp_path / "splunk_runs.jsonl"
    os.mkfifo(fifo)
    code = ("import sys; from pathlib import Path; from contentpack.splunk.remote_backtest import Checkpoint\n"
            "try:\n    Checkpoint(Path(sys.argv[1]))\nexcept OSError as exc:\n    print(exc)")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    run = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=30,
                         env=env, check=False)
    assert run.stdout == f"{fifo}: a FIFO (named pipe), not a regular file: not read\n", run.stderr



# ------------------------------------------------------------------------------ the --insecure warning

INSECURE_RUNS = {  # every command taking --insecure, with the options it needs to reach the connection
    "deploy": ["--dry-run"],
    "replay": ["--detection", "Entra ID User Declined OAuth Application Consent"],
    "backtest": ["--index", "tenant", "--from", "2026-10-15T06:00:00Z", "--to", "2026-10-15T07:00:00Z"],
}


@pytest.mark.parametrize("command", list(INSECURE_RUNS))
def test_every_help_gives_both_jobs_of_insecure(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--splunk http://...`` is refused "use https (or --insecure to accept that)", while every --help said
    only "do not verify the TLS certificate": a reader of the help could not know --insecure allows http."""
    from contentpack.cli import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--insecure do not verify the TLS certificate, and accept a plain http:// URL (prints a warning; " \
        "exposes the credentials to anyone on the path)" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("command", list(INSECURE_RUNS))
def test_the_insecure_warning_names_its_command_as_every_warning_does(
        command: str, token: None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``contentpack <command>: warning: ...`` (``cli.common.warning``), as ``replay --splunk``'s other warnings and
    every usage error name theirs; it said ``contentpack: warning: --insecure: ...`` whatever the command."""
    from contentpack.cli import main

    out = ["--out", str(tmp_path / "out")] if command == "backtest" else []
    code = main([command, "--root", str(ROOT), "--splunk", NOWHERE, "--insecure", "--retries", "0",
                 *INSECURE_RUNS[command], *out])
    err = capsys.readouterr().err.splitlines()
    failed = f"contentpack {command}: error: could not check the token at {NOWHERE}: cannot reach"
    assert code == 2 and err[-1].startswith(failed), err
    assert err[0].startswith(f"contentpack {command}: warning: --insecure: TLS certificate verification is OFF"), err
