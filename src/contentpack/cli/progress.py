"""Progress bars, opened one way by every command that draws them: ``backtest`` (reading, then simulating),
``backtest --splunk`` (its search jobs) and ``replay --sweep`` (the tests swept). Each draws its bars only when
stderr is a terminal; the columns and what moves them are its own."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import Progress, ProgressColumn


def stderr_bars(*columns: str | ProgressColumn, auto_refresh: bool = True) -> Progress:
    """Bars on stderr, so stdout holds the output alone (a table, or JSON piped on), and transient: gone when the
    run ends, so the terminal keeps what the command printed and not a finished bar. ``auto_refresh=False``: the
    caller redraws them itself (rich's refresh thread is not started)."""
    return Progress(*columns, console=Console(file=sys.stderr), transient=True, auto_refresh=auto_refresh)
