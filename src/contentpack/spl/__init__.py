"""A self-contained engine for Splunk's Search Processing Language (SPL1) over JSON events.

This subpackage imports nothing from the rest of ``contentpack``; it could be published on its own.
Public API: :class:`Engine`, :class:`Limits`, :class:`Results`, :func:`parse`, :class:`MacroDef`, the error types and
:mod:`contentpack.spl.events` (``flatten_json``, ``read_events``).
"""

from contentpack.spl.engine import Engine, Results
from contentpack.spl.errors import SplError, SplMacroError, SplRuntimeError, SplSyntaxError, SplUnsupportedError
from contentpack.spl.limits import Limits
from contentpack.spl.macros import MacroDef
from contentpack.spl.parser import parse

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
