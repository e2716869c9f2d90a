"""Where Splunk credentials come from, and the one place that knows them in order to scrub them from text.

Sources, first match wins (never the command line: arguments are visible to every user of the machine in
``ps`` and end up in shell history):

1. ``SPLUNK_TOKEN``: a Splunk authentication token, sent as ``Authorization: Bearer`` (splunklib's
   ``splunkToken``);
2. ``SPLUNK_USERNAME`` and ``SPLUNK_PASSWORD``: a session is opened with ``auth/login``;
3. a netrc-style file (``--netrc-file``, else ``$SPLUNK_NETRC``, else ``~/.netrc``) with a ``machine`` entry for
   the server's host: ``login token password <TOKEN>`` for a token, ``login <USER> password <PASSWORD>`` for
   a user. The file must not be readable by group or others.

A ``--netrc-file`` that names nothing is an error even when the environment's credentials come first: the option
says the user meant that file.

The HEC token for ``replay --splunk`` comes only from ``SPLUNK_HEC_TOKEN``.

``Credentials`` never shows its secrets in ``repr``; :func:`scrub` replaces every secret in a text, and is
applied to every message the ``splunk`` package produces. Every secret the process loads or is handed is also
remembered (:func:`remember`), for the text no caller vetted: splunklib's log records, a usage error quoting the
command line and an internal error's message (:func:`redacted`).
"""

from __future__ import annotations

import io
import netrc
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contentpack.cut_lists import count_text
from contentpack.spl.files import NO_SUCH_PATH, describe_kind

TOKEN_LOGIN = "token"
MAX_NETRC_BYTES = 1 << 20
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
    # the session key auth/login gave for the user name and password: a credential too, while the session lasts
    session: str | None = field(default=None, repr=False)
    # the splunkd_<port> session cookies splunkd set (6.2+, auth/login with cookie=1): splunklib then sends them
    # instead of the key, and their value need not be the key's
    cookies: tuple[str, ...] = field(default=(), repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.token, self.password, self.hec_token, self.session, *self.cookies) if s)

    def sdk_arguments(self) -> dict[str, str]:
        """The keyword arguments splunklib's ``Service`` takes for these credentials."""
        if self.token:
            return {"splunkToken": self.token}
        return {"username": self.username or "", "password": self.password or ""}


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret (and its URL-encoded form) replaced by ``********``, the longest first: a secret
    inside another (a token that is also part of a signed URL's query) replaced first would leave the rest of the
    longer one in the text."""
    from urllib.parse import quote, quote_plus

    forms = {form for secret in secrets for form in (secret, quote(secret, safe=""), quote_plus(secret)) if form}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


# Every secret this process has loaded (``load_credentials``) or been handed (a connection's session key, a package
# URL's user information): the one set :func:`redacted` and splunklib's log filter (``client``) scrub.
_REMEMBERED: set[str] = set()


def remember(secrets: Iterable[str]) -> None:
    """Scrub ``secrets`` from every later :func:`redacted` text, for the rest of the process."""
    _REMEMBERED.update(secret for secret in secrets if secret)


def remembered() -> tuple[str, ...]:
    """The secrets remembered so far (a copy: a backtest's threads remember a session key while others scrub)."""
    return tuple(_REMEMBERED)


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
# The user information of a URL written without its scheme (``admin:PASSWORD@sh:8089``): a user name, ``:``, then
# anything up to the last ``@`` before a host name or a bracketed IPv6 address. Neither an e-mail address (no ``:``
# before its ``@``), nor a URL with its scheme (``:`` then ``//``: ``_URL``'s), nor a Windows path (a drive letter,
# ``:`` and a slash: ``C:\pkgs\app@1.0.tgz``); a quote, ``=`` or bracket before the user name stays (``'admin:...'``
# as argparse quotes a value, ``--splnk=admin:...``).
_USER_INFO = re.compile(r"(?![A-Za-z]:[/\\])[^\s:@/'\"=,;()\[\]{}<>]+:(?!//)\S*@(?=(\[|[\w.-]+))")


def _hidden_user_info(match: re.Match[str]) -> str:
    """``********@`` for a scheme-less URL's user information; a time modifier's snap as it was (``10:00@d``,
    ``06:00:00@w1`` quoted by a usage error: no host is named ``d`` or ``w1``), by the SPL engine's own reading."""
    from contentpack.spl.timeutil import modifier_terms

    try:
        modifier_terms(f"@{match.group(1)}")
    except ValueError:
        return f"{REDACTED}@"
    return match.group()


def _without_user_info(text: str) -> str:
    """``text`` with the user information of every URL written without its scheme hidden (``_USER_INFO``)."""
    return _USER_INFO.sub(_hidden_user_info, text)


def redacted(text: str) -> str:
    """``text`` with every remembered secret, and every URL's user information and query (:func:`shown_location`),
    replaced by ``********``: for text no caller vetted, which may quote the command line. Why: the ``--splunk``
    URL refuses ``https://admin:PASSWORD@sh:8089``, but argparse's usage error came first and echoed it
    (``unrecognized arguments: --splnk https://admin:PASSWORD@sh:8089``), into a CI log that had shown the
    command with the variable unexpanded. The same URL written without its ``https://`` (``--splnk
    admin:PASSWORD@sh:8089``) loses its user information too (``_USER_INFO``)."""
    return scrub(_without_user_info(_URL.sub(lambda url: shown_location(url.group()), text)), remembered())


def location_secrets(location: str) -> tuple[str, ...]:
    """What a package location (``deploy --package``) may hold that is a credential: a URL's user information
    (``https://ci:TOKEN@repo.example/app.tgz``, the user name too, as a token is often given as one) and its query
    (a pre-signed download URL's signature). A location that is no readable URL is hidden whole.

    Why: the location is the user's text, printed in every message about the install and quoted back by
    splunkd's error (``failed to extract app from <location>``), so a CI log kept the secret a fetch needed.
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(location)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return (location,)
    user_info = parts.netloc.rpartition("@")[0]
    return tuple(secret for secret in (user_info, parts.query) if secret)


def shown_location(location: str) -> str:
    """``location`` as messages may show it: its :func:`location_secrets` replaced by ``********``, and the user
    information of one written without its scheme (``ci:TOKEN@repo.example/app.tgz``, refused as neither a URL
    nor an absolute path by a message that quotes it)."""
    return _without_user_info(scrub(location, location_secrets(location)))


NETRC_ENTRY = f"machine HOST login USER password SECRET (for a token: login {TOKEN_LOGIN} password TOKEN)"


def _parse_error_reason(msg: str) -> str:
    """What is wrong and what netrc expects, from Python's message without the token it quotes (a secret, when
    the bad token is a password value that split in two)."""
    if msg.startswith("bad toplevel token"):
        wrong = "a word where an entry must start ('machine', 'default' or 'macdef')"
    elif msg.startswith("bad follower token"):
        wrong = "a word that is not 'login', 'account' or 'password' inside an entry (a value with a space must be " \
                "quoted)"
    elif msg.startswith("missing"):
        wrong = "'machine' without a host name"
    elif msg.startswith("Macro definition"):
        wrong = "a 'macdef' without the empty line that ends it"
    else:
        wrong = "cannot parse the netrc file"
    return f"{wrong}; each entry reads: {NETRC_ENTRY}"


def _parse_error_line(path: Path, exc: netrc.NetrcParseError) -> int:
    """The line of the word Python's netrc stopped at, as a person counts it.

    Python's ``lineno`` (3.11 to 3.13: ``_netrclex``) is 1 plus the newlines read so far, and reading an
    unquoted word reads the character after it: a bad word at the end of a line is reported on the next line
    (``machine h login x password s stray`` alone in a file: line 2). The parse is run again on the text to see
    where it stopped, and the line is that of the last character before the whitespace read after the word.
    ``_parse`` is not public; if it changes, Python's own ``lineno`` is given.
    """
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
        stream = io.StringIO(text)
        parser = netrc.netrc.__new__(netrc.netrc)
        parser.hosts, parser.macros = {}, {}
        parser._parse(str(path), stream, False)  # type: ignore[attr-defined]
    except netrc.NetrcParseError:
        return text[:stream.tell()].rstrip("\n\t\r ").count("\n") + 1
    except Exception:  # noqa: BLE001 - any change in netrc's private parser: fall back to its lineno
        pass
    return exc.lineno if exc.lineno is not None else 1


def _from_netrc(path: Path, host: str, named_by: str | None) -> tuple[str | None, str | None, str | None] | None:
    """(token, username, password) from a netrc file's entry for ``host``; None when there is none. ``named_by``:
    the option or variable that named the file (``--netrc-file``, ``SPLUNK_NETRC``), None for ``~/.netrc``."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if named_by is not None:
            raise CredentialsError(f"{named_by} {path}: {NO_SUCH_PATH}") from None
        return None
    except OSError as exc:
        raise CredentialsError(f"{path}: cannot read the netrc file ({exc.strerror or type(exc).__name__})") from None
    mode = info.st_mode
    if not stat.S_ISREG(mode):  # reading a FIFO would wait for a writer for ever
        raise CredentialsError(f"{path}: {describe_kind(mode)}, not a netrc file")
    if info.st_size > MAX_NETRC_BYTES:
        raise CredentialsError(f"{path}: over {count_text(MAX_NETRC_BYTES)} bytes, not a netrc file")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialsError(f"{path}: readable by group or others; restrict it with chmod 600")
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as exc:  # its message can quote a token of the file: never shown
        raise CredentialsError(f"{path}:{_parse_error_line(path, exc)}: {_parse_error_reason(exc.msg)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"{path}: cannot read the netrc file ({type(exc).__name__})") from None
    if entry is None:
        if named_by is not None:
            raise CredentialsError(f"{path}: no 'machine {host}' entry")
        return None
    login, _account, password = entry
    if not password:
        raise CredentialsError(f"{path}: the entry for {host} has no password; each entry reads: {NETRC_ENTRY}")
    if login == TOKEN_LOGIN:
        return password, None, None
    return None, login, password


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _checked(credentials: Credentials) -> Credentials:
    """``credentials`` unless one of them holds a line break or another control character (a copy-paste slip:
    a token is sent in an HTTP header, which cannot carry one, and the SDK's error would be an opaque
    ValueError), or a token a character that is not ASCII (a token is base64 or hex; a header is sent as
    Latin-1, and a typographic quote pasted with it ended in "unexpected answer (UnicodeEncodeError)", as if
    the server had answered). The message names the source and which credential, never its value."""
    for what, value in (("token", credentials.token), ("user name", credentials.username),
                        ("password", credentials.password), ("HEC token (SPLUNK_HEC_TOKEN)", credentials.hec_token)):
        if value is not None and _CONTROL.search(value):
            raise CredentialsError(f"the {what} from {credentials.source or 'the environment'} holds a line break "
                                   "or another control character; it was not sent (check for a stray newline)")
    for what, value in (("token", credentials.token), ("HEC token (SPLUNK_HEC_TOKEN)", credentials.hec_token)):
        if value is not None and not value.isascii():
            raise CredentialsError(f"the {what} from {credentials.source or 'the environment'} holds a character "
                                   "that is not ASCII, which no Splunk token has; it was not sent (a typographic "
                                   "quote from a copy?)")
    return credentials


def load_credentials(host: str, environ: Mapping[str, str] | None = None,
                     netrc_file: Path | None = None) -> Credentials:
    """Credentials for ``host`` (remembered: :func:`remember`); raises :class:`CredentialsError` when none are
    found, or when one holds a control character or a token a character that is not ASCII."""
    credentials = _checked(_load(host, environ, netrc_file))
    remember(credentials.secrets)
    return credentials


def _load(host: str, environ: Mapping[str, str] | None, netrc_file: Path | None) -> Credentials:
    env = os.environ if environ is None else environ
    if netrc_file is not None and not os.path.lexists(netrc_file):
        # named on the command line: a slip to report even when the environment's credentials come first (a
        # SPLUNK_TOKEN once hid it, and the command went on to connect); the file's name only, never a secret
        raise CredentialsError(f"--netrc-file {netrc_file}: {NO_SUCH_PATH}")
    hec = env.get("SPLUNK_HEC_TOKEN") or None
    if env.get("SPLUNK_TOKEN"):
        return Credentials(token=env["SPLUNK_TOKEN"], hec_token=hec, source="SPLUNK_TOKEN")
    user, password = env.get("SPLUNK_USERNAME"), env.get("SPLUNK_PASSWORD")
    if user and password:
        return Credentials(username=user, password=password, hec_token=hec, source="SPLUNK_USERNAME/SPLUNK_PASSWORD")
    if user or password:
        raise CredentialsError("set both SPLUNK_USERNAME and SPLUNK_PASSWORD (or SPLUNK_TOKEN)")
    named_by = "--netrc-file" if netrc_file is not None else "SPLUNK_NETRC" if env.get("SPLUNK_NETRC") else None
    path = netrc_file or Path(env.get("SPLUNK_NETRC") or Path(env.get("HOME", "~")).expanduser() / ".netrc")
    found = _from_netrc(path, host, named_by)
    if found is None:
        raise CredentialsError("no Splunk credentials: set SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD, "
                               f"or add a 'machine {host}' entry to a netrc file (--netrc-file)")
    token, login, secret = found
    return Credentials(token=token, username=login, password=secret, hec_token=hec, source=str(path))
