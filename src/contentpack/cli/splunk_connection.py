"""Command-line options and set-up shared by the sub-commands that talk to Splunk (``deploy``, ``replay --splunk``).

Credentials are never options (see ``contentpack.splunk.credentials``); only where to find a netrc file is.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from contentpack.cli.common import usage_error, warning
from contentpack.cli.option_types import count_between, seconds_between
from contentpack.splunk.options import (DEFAULT_MAX_SEARCH_ANSWER_MB, DEFAULT_RETRIES, DEFAULT_TIMEOUT, MAX_RETRIES,
                                        MAX_SEARCH_ANSWER_MB, MAX_TIMEOUT, MIN_TIMEOUT)

if TYPE_CHECKING:
    from contentpack.splunk.client import SplunkConnection

CREDENTIALS_HELP = ("Credentials come from SPLUNK_TOKEN (an authentication token), or SPLUNK_USERNAME and "
                    "SPLUNK_PASSWORD, or a netrc file's 'machine HOST' entry ('login token password TOKEN' for a "
                    "token); never from the command line. They are never printed or logged.")


def add_connection_options(parser: argparse.ArgumentParser, searches: bool = True) -> None:
    """The options of a connection; ``searches``: the command runs searches, whose answers' size is an option."""
    group = parser.add_argument_group("Splunk connection", CREDENTIALS_HELP)
    group.add_argument("--ca-file", type=Path, metavar="PEM",
                       help="CA certificate(s) to verify splunkd's TLS certificate with (default: the system's CAs)")
    group.add_argument("--insecure", action="store_true",
                       help="do not verify the TLS certificate, and accept a plain http:// URL (prints a warning; "
                            "exposes the credentials to anyone on the path)")
    group.add_argument("--timeout", type=seconds_between(MIN_TIMEOUT, MAX_TIMEOUT), default=DEFAULT_TIMEOUT,
                       metavar="SECONDS",
                       help=f"time-out of each request (default {DEFAULT_TIMEOUT:g}, at most {MAX_TIMEOUT:g})")
    group.add_argument("--retries", type=count_between(0, MAX_RETRIES), default=DEFAULT_RETRIES, metavar="N",
                       help="retries, with backoff, on connection errors, time-outs and 5xx/429 answers -- a request "
                       "other than a GET only when it cannot have run (not sent, or answered 503/429) "
                       f"(default {DEFAULT_RETRIES}, at most {MAX_RETRIES})")
    group.add_argument("--netrc-file", type=Path, metavar="FILE",
                       help="netrc-style credentials file (default: $SPLUNK_NETRC, else ~/.netrc)")
    if searches:
        group.add_argument("--max-search-answer-mb", type=count_between(1, MAX_SEARCH_ANSWER_MB),
                           default=DEFAULT_MAX_SEARCH_ANSWER_MB, metavar="MB",
                           help=f"the most of one search job's answer that is read; a larger one stops the command "
                           f"(default {DEFAULT_MAX_SEARCH_ANSWER_MB}, at most {MAX_SEARCH_ANSWER_MB})")


def connect(args: argparse.Namespace, url: str, app: str | None, command: str) -> SplunkConnection | None:
    """A logged-in connection, or None after printing why not (the caller exits 2). Every reason is worded as a
    usage error (``contentpack <command>: error: ...``): a URL that is not ``scheme://host[:port]``, the
    credentials, the TLS files, and a server that cannot be reached or answers wrongly."""
    from contentpack.splunk.client import ConnectionOptions, SplunkConnection, SplunkError, parse_target
    from contentpack.splunk.credentials import CredentialsError, load_credentials

    try:
        target = parse_target(url)
    except SplunkError as exc:
        usage_error(command, f"--splunk: {exc}")
        return None
    connection = None
    try:
        credentials = load_credentials(target.host, netrc_file=args.netrc_file)
        connection = SplunkConnection(
            ConnectionOptions(url, ca_file=args.ca_file, insecure=args.insecure, timeout=args.timeout,
                              retries=args.retries,
                              max_search_answer_mb=getattr(args, "max_search_answer_mb", DEFAULT_MAX_SEARCH_ANSWER_MB)),
            credentials, app=app, warn=lambda line: warning(command, line))
        connection.login()
    except (CredentialsError, SplunkError) as exc:
        if connection is not None:  # the login failed: its connection was kept open
            connection.close()
        usage_error(command, str(exc))
        return None
    return connection
