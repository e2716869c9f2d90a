"""A self-contained engine for Splunk's Search Processing Language (SPL1) over JSON events.

This subpackage imports nothing from the rest of ``contentpack``; it could be published on its own.
Public API: :class:`Engine`, :class:`Limits`, :class:`Results`, :func:`parse`, :class:`MacroDef`, the error types and
:mod:`contentpack.spl.events` (``flatten_json``, ``read_events``).

The names are imported on first use (PEP 562): ``contentpack validate`` uses only ``contentpack.spl.files``
and must not pay for importing the engine and its commands.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contentpack.spl.engine import Engine, Results
    from contentpack.spl.errors import SplError, SplMacroError, SplRuntimeError, SplSyntaxError, SplUnsupportedError
    from contentpack.spl.limits import Limits
    from contentpack.spl.macros import MacroDef
    from contentpack.spl.parser import parse

_HOMES = {
    "Engine": "contentpack.spl.engine",
    "Results": "contentpack.spl.engine",
    "Limits": "contentpack.spl.limits",
    "MacroDef": "contentpack.spl.macros",
    "SplError": "contentpack.spl.errors",
    "SplMacroError": "contentpack.spl.errors",
    "SplRuntimeError": "contentpack.spl.errors",
    "SplSyntaxError": "contentpack.spl.errors",
    "SplUnsupportedError": "contentpack.spl.errors",
    "parse": "contentpack.spl.parser",
}

__all__ = [
    "Engine",
    "Limits",
    "MacroDef",
    "Results",
    "SplError",
    "SplMacroError",
    "SplRuntimeError",
    "SplSyntaxError",
    "SplUnsupportedError",
    "parse",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
