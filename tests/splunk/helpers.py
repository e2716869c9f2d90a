"""Running the CLI against the splunkd test double with credentials in the environment only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from contentpack.cli import main
from contentpack.splunk.client import ConnectionOptions, SplunkConnection
from contentpack.splunk.credentials import Credentials

from .splunkd_double import SplunkdDouble

ROOT = Path(__file__).resolve().parents[2]
# One retry, so a test of a server that stops answering ends quickly; the double runs each search inside its
# request, so the timeout leaves room for a loaded machine (at 5 s a search job timed out at a load of 20 on two
# cores, and the backtest stopped with status 2). No test using it waits on the timeout: a double that stops
# answering closes the connection.
FAST = ["--timeout", "30", "--retries", "1"]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def token_env(monkeypatch: pytest.MonkeyPatch, double: SplunkdDouble, hec: bool = True) -> None:
    for name in ("SPLUNK_USERNAME", "SPLUNK_PASSWORD", "SPLUNK_NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPLUNK_TOKEN", double.state.token)
    if hec:
        monkeypatch.setenv("SPLUNK_HEC_TOKEN", double.state.hec_token)
    else:
        monkeypatch.delenv("SPLUNK_HEC_TOKEN", raising=False)


def password_env(monkeypatch: pytest.MonkeyPatch, double: SplunkdDouble, password: str | None = None) -> None:
    for name in ("SPLUNK_TOKEN", "SPLUNK_NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPLUNK_USERNAME", double.state.username)
    monkeypatch.setenv("SPLUNK_PASSWORD", password if password is not None else double.state.password)
    monkeypatch.setenv("SPLUNK_HEC_TOKEN", double.state.hec_token)


def cli(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> Run:
    code = main(list(args))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def connection(double: SplunkdDouble, credentials: Credentials | None = None, app: str | None = None,
               **options: object) -> SplunkConnection:
    creds = credentials or Credentials(token=double.state.token, hec_token=double.state.hec_token, source="test")
    settings: dict[str, object] = {"ca_file": double.ca_file, "timeout": 5.0, "retries": 1, "backoff": 0.01}
    settings.update(options)
    made = SplunkConnection(ConnectionOptions(double.url, **settings), creds, app=app)  # type: ignore[arg-type]
    double.clients.append(made.close)  # its kept-open connections, closed when the test is done
    return made
