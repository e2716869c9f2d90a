"""Where Splunk credentials come from, and the one place that knows them in order to scrub them from text.

Sources, first match wins (never the command line: arguments are visible to every user of the machine in
``ps`` and end up in shell history):

1. ``SPLUNK_TOKEN``: a Splunk authentication token, sent as ``Authorization: Bearer`` (splunklib's
   ``splunkToken``);
2. ``SPLUNK_USERNAME`` and ``SPLUNK_PASSWORD``: a session is opened with ``auth/login``;
3. a netrc-style file (``--netrc-file``, else ``$SPLUNK_NETRC``, else ``~/.netrc``) with a ``machine`` entry for
   the server's host: ``login token password <TOKEN>`` for a token, ``login <USER> password <PASSWORD>`` for
   a user. The file must not be readable by group or others.

The HEC token for ``replay --splunk`` comes only from ``SPLUNK_HEC_TOKEN``.

``Credentials`` never shows its secrets in ``repr``; :func:`scrub` replaces every secret in a text, and is
applied to every message the ``splunk`` package produces.
"""

from __future__ import annotations

import netrc
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_LOGIN = "token"
REDACTED = "********"


class CredentialsError(Exception):
    """No usable credentials; the message names the source, never a secret."""


@dataclass(frozen=True)
class Credentials:
    token: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    hec_token: str | None = field(default=None, repr=False)
    source: str = ""  # where they came from, for messages

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.token, self.password, self.hec_token) if s)

    def sdk_arguments(self) -> dict[str, str]:
        """The keyword arguments splunklib's ``Service`` takes for these credentials."""
        if self.token:
            return {"splunkToken": self.token}
        return {"username": self.username or "", "password": self.password or ""}


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret (and its URL-encoded form) replaced by ``********``."""
    from urllib.parse import quote, quote_plus

    for secret in secrets:
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            if form:
                text = text.replace(form, REDACTED)
    return text


def _from_netrc(path: Path, host: str, explicit: bool) -> tuple[str | None, str | None, str | None] | None:
    """(token, username, password) from a netrc file's entry for ``host``; None when there is none."""
    if not path.is_file():
        if explicit:
            raise CredentialsError(f"{path}: no such netrc file")
        return None
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialsError(f"{path}: readable by group or others; restrict it with chmod 600")
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as exc:  # its message can quote a token of the file: show only the line
        raise CredentialsError(f"{path}:{exc.lineno}: cannot parse the netrc file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"{path}: cannot read the netrc file ({type(exc).__name__})") from None
    if entry is None:
        if explicit:
            raise CredentialsError(f"{path}: no 'machine {host}' entry")
        return None
    login, _account, password = entry
    if not password:
        raise CredentialsError(f"{path}: the entry for {host} has no password")
    if login == TOKEN_LOGIN:
        return password, None, None
    return None, login, password


def load_credentials(host: str, environ: Mapping[str, str] | None = None,
                     netrc_file: Path | None = None) -> Credentials:
    """Credentials for ``host``; raises :class:`CredentialsError` when none are found."""
    env = os.environ if environ is None else environ
    hec = env.get("SPLUNK_HEC_TOKEN") or None
    if env.get("SPLUNK_TOKEN"):
        return Credentials(token=env["SPLUNK_TOKEN"], hec_token=hec, source="SPLUNK_TOKEN")
    user, password = env.get("SPLUNK_USERNAME"), env.get("SPLUNK_PASSWORD")
    if user and password:
        return Credentials(username=user, password=password, hec_token=hec, source="SPLUNK_USERNAME/SPLUNK_PASSWORD")
    if user or password:
        raise CredentialsError("set both SPLUNK_USERNAME and SPLUNK_PASSWORD (or SPLUNK_TOKEN)")
    explicit = netrc_file is not None or bool(env.get("SPLUNK_NETRC"))
    path = netrc_file or Path(env.get("SPLUNK_NETRC") or Path(env.get("HOME", "~")).expanduser() / ".netrc")
    found = _from_netrc(path, host, explicit)
    if found is None:
        raise CredentialsError("no Splunk credentials: set SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD, "
                               f"or add a 'machine {host}' entry to a netrc file (--netrc-file)")
    token, login, secret = found
    return Credentials(token=token, username=login, password=secret, hec_token=hec, source=str(path))
