"""The ``contentpack`` command. Sub-commands only parse arguments and call the layers below.

Each sub-command lives in its own module exposing ``register(subparsers)``; the module sets
``func`` on its parser to a callable taking the parsed ``argparse.Namespace`` and returning the exit status.
Exit statuses: 0 success, 1 invalid content (or failed checks), 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from contentpack import __version__
from contentpack.cli import build, generate, replay, search, validate

SUBCOMMANDS = (validate, build, search, generate, replay)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contentpack",
        description="Validate, build and replay the Entra ID consent detection pack.",
    )
    parser.add_argument("--version", action="version", version=f"contentpack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in SUBCOMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("contentpack: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback reaches the user
        if os.environ.get("CONTENTPACK_DEBUG"):
            raise
        print(
            f"contentpack: internal error: {type(exc).__name__}: {exc}\n"
            "(set CONTENTPACK_DEBUG=1 to see the traceback, and please report it)",
            file=sys.stderr,
        )
        return 2


