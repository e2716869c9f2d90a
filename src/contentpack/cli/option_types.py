"""Numeric options with bounds, checked by argparse itself (``type=``), so an out-of-range value is the same
usage error as a misspelt option (``contentpack <command>: error: argument --timeout: ...``, exit 2).

Why bounds at all: each of these numbers sizes something the command then does without further checks --
``--retries 100000`` slept through doubling back-offs for ever, ``--timeout inf`` overflowed the socket layer,
``--wait nan`` never reached its deadline, ``--concurrency 10**9`` would start a thread per search job. The
limits themselves live beside the code they protect (``splunk.client``, ``splunk.ingest``, ...).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

N = TypeVar("N", int, float)


def _bounded(parse: Callable[[str], N], what: str, low: N, high: N, unit: str) -> Callable[[str], N]:
    def checked(text: str) -> N:
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
        if not low <= value <= high:  # NaN compares false: refused too
            raise argparse.ArgumentTypeError(f"must be {low:g} to {high:g}{unit}, not {text!r}")
        return value

    return checked


def seconds_between(low: float, high: float) -> Callable[[str], float]:
    """A number of seconds from ``low`` to ``high`` (finite: ``nan``/``inf`` are refused)."""
    return _bounded(float, "a number of seconds", low, high, " seconds")


def count_between(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""
    return _bounded(int, "a whole number", low, high, "")
