"""What every sub-command reports the same way: usage errors, the pack it works on, and diagnostics.

Usage errors are worded as argparse words its own (``contentpack <command>: error: <message>``, exit 2), so a
user meets one form whether the parser or the command found the problem; warnings the same way
(``contentpack <command>: warning: <message>``). Diagnostics print one per line as
``path:line:col: severity[RULE]: message`` with control characters escaped (``printable``: text from a pack
must not be able to split a line or drive the terminal), or as one JSON document with ``--format json``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from contentpack.layout import hanging_lines
from contentpack.printable import json_text, on_terminal, output_width, printable
from contentpack.content.config import PackRootError, locate_pack
from contentpack.content.diagnostics import Diagnostic

USAGE = 2
# The summary when the pack's search-time set-up (data sources, lookups, macros) cannot run its searches.
SETUP_FAILED = "the pack's searches cannot be set up (data sources, lookups, macros); nothing was run"


def usage_error(command: str, message: str) -> int:
    """Print a usage error; returns the exit status for it (one line in a pipe, wrapped between words on a
    terminal, as ``print_diagnostics`` prints every message)."""
    print_diagnostics([f"contentpack {command}: error: {message}"], sys.stderr)
    return USAGE


def warning(command: str, message: str) -> None:
    """A warning worded as errors are (``contentpack <command>: warning: <message>``, on stderr): a user running
    several commands in a script sees which one warned, and a grep for ``: warning:`` finds every one. On a
    terminal it wraps between words, as ``print_diagnostics`` wraps every message: a 300-character warning ran
    off an 80-column terminal mid-word."""
    print_diagnostics([f"contentpack {command}: warning: {message}"], sys.stderr)


def unknown_detections(command: str, unknown: Sequence[str], known: Iterable[str]) -> int:
    """The usage error for ``--detection`` names the pack lacks, each with the closest name it has: a name copied
    with a word more or a different case is the usual slip. A name written from memory, words left out (``Entra ID
    User Declined Consent``), is close to none: the names holding each of its words are offered then (up to
    ``_NAMES_OFFERED``), else where the names are written; the error once ended at the name, with no next step."""
    from contentpack.spl.suggest import did_you_mean  # only on this error path

    names = sorted(known)
    return usage_error(command, "; ".join(f"--detection: no detection named {name!r}"
                                          f"{did_you_mean(name, names) or _names_holding(name, names)}"
                                          for name in unknown))


_NAMES_OFFERED = 3  # names holding a mistyped name's words that its error lists; more say where the names are


def _names_holding(name: str, names: Sequence[str]) -> str:
    """`` (did you mean 'A' or 'B'?)``: the names holding every word of ``name``, compared without case, when a
    few do; else `` (a detection's name is the name: of its file under detections/)``."""
    words = set(name.lower().split())
    holding = [known for known in names if words <= set(known.lower().split())]
    if 0 < len(holding) <= _NAMES_OFFERED:
        return f" (did you mean {' or '.join(map(repr, holding))}?)"
    return " (a detection's name is the name: of its file under detections/)"


def pack_root(command: str, root: Path | None, start: Path | None = None) -> Path | int:
    """The pack a command works on (``--root``, else found from ``start`` or the cwd upwards), or the exit
    status of the usage error already printed."""
    try:
        return locate_pack(root, start if start is not None else Path.cwd())
    except PackRootError as exc:
        return usage_error(command, str(exc))


def print_diagnostics(lines: Iterable[Diagnostic | str], stream: TextIO | None = None) -> None:
    """Positioned problems as text, each one line in a pipe or a file (a grep or an editor finds
    ``path:line:col: message`` whole); on a terminal each wraps between words with a hanging indent
    (``hanging_lines``), its position still first, rather than being cut by the terminal mid-word."""
    out = stream or sys.stdout
    width = output_width(out) if on_terminal(out) else None
    for line in lines:
        text = printable(line.render() if isinstance(line, Diagnostic) else line)
        for part in [text] if width is None else hanging_lines(text, width):
            print(part, file=out)


def diagnostics_json(diagnostics: Sequence[Diagnostic], ok: bool, summary: str) -> str:
    """Positioned problems as the one JSON document every command with ``--format json`` prints."""
    payload = {"ok": ok, "diagnostics": [d.as_json() for d in diagnostics], "summary": summary}
    return json_text(payload, indent=2)


def print_failure(command: str, diagnostics: Sequence[Diagnostic], summary: str, as_json: bool) -> None:
    """Why a command stopped, with its positioned findings: the one JSON document on stdout (``--format json``),
    else the findings then ``contentpack <command>: <summary>`` on stderr."""
    if as_json:
        print(diagnostics_json(diagnostics, False, summary))
    else:
        print_diagnostics(diagnostics, sys.stderr)
        print(printable(f"contentpack {command}: {summary}"), file=sys.stderr)
