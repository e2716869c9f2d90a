"""The ``contentpack`` command. Sub-commands only parse arguments and call the layers below.

Each sub-command is named here, in ``SUBCOMMANDS``, with its one-line help and the module holding the rest; that
module exposes ``register(parser)``, which adds the command's description and options to its parser and sets
``func`` on it to a callable taking the parsed ``argparse.Namespace`` and returning the exit status. A command
whose run needs a heavy layer registers its options from a module of their own, and ``func`` is ``run_from``
its run module, imported only once the command runs.
Exit statuses: 0 success, 1 invalid content (or failed checks), 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from contentpack import __version__
from contentpack.cli.help_format import ParagraphsFormatter


@dataclass(frozen=True)
class Command:
    """A sub-command as ``contentpack --help`` lists it: its one-line help is here, not in its module, so the list
    is printed (and a mistyped command answered) without importing any command's module, each of which pulls in
    its own layer (the SPL engine, the generator, the Splunk SDK...)."""

    module: str  # exposes register(parser), and imports no layer that only the run needs
    help: str


# Sub-command name -> its module and one-line help. A module is imported only when its command is named (or
# every one, by ``make_parser()``), and a `validate` run should not pay for the others.
SUBCOMMANDS = {
    "validate": Command("contentpack.cli.validate",
                        "check every content file of the pack and print each problem with its position"),
    "build": Command("contentpack.cli.build", "validate the pack and build the Splunk ES app into dist/"),
    "search": Command("contentpack.cli.search_options",
                      "run an SPL search over log files: JSON, text, or a Splunk export (JSON, CSV)"),
    "generate-data": Command("contentpack.cli.generate_options", "generate realistic Entra ID sign-in/audit logs "
                             "(attack_data scenarios or a scale file)"),
    "replay": Command("contentpack.cli.replay",
                      "run every detection test over its attack data with the embedded SPL engine"),
    "backtest": Command("contentpack.cli.backtest_options",
                        "run the pack's detections over your own exported logs as ES would have scheduled them"),
    "deploy": Command("contentpack.cli.deploy", "deploy the pack to a Splunk search head (package or objects)"),
}


def run_from(module: str) -> Callable[[argparse.Namespace], int]:
    """A command's ``func``: ``module``'s ``run``, imported when the command runs. Its options module names it so,
    and ``--help`` and a usage error import none of what the run needs (the SPL engine, the simulation, the
    generator); ``run`` is looked up at each call, so a test that replaces it is obeyed."""

    def run(args: argparse.Namespace) -> int:
        return int(importlib.import_module(module).run(args))

    return run


def _chosen(argv: Sequence[str]) -> str | None:
    """The sub-command named on the command line, if it is one of ours (options come only after it)."""
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in SUBCOMMANDS else None


def description() -> str:
    """``contentpack --help``'s first lines, naming every command: built from ``SUBCOMMANDS``, so a command added
    there is named too (a written list left out ``search``, ``backtest`` and ``generate-data``). The list is a line
    of its own, which fits 80 columns: one line wrapped there, its second line indented as a paragraph's
    continuation, which under the usage line read as a misplaced indent."""
    *names, last = SUBCOMMANDS
    return f"The Entra ID consent detection pack's tools:\n{', '.join(names)} and {last}."


class _Parser(argparse.ArgumentParser):
    """argparse's parser, with a value outside an argument's fixed choices (``--format sumary``, a mistyped
    command) answered with the choice meant: ``argument --format: invalid choice: 'sumary' (did you mean
    'summary'?)``, else the list (``(choose from 'table', 'summary', 'json')``). The sub-command parsers are made
    of this class too (argparse's ``add_subparsers`` makes them of the parent's), so every command's every option
    with choices gets it from this one place. The wording is written here, not taken from argparse, whose own is
    not the same on every Python (later releases print the list without quotes, CPython gh-86357; 3.14 can
    suggest, worded otherwise). Its usage error also says how to give a value starting with ``-`` (``error``)."""

    _words: Sequence[str] = ()  # the words the parser was last given (``parse_known_args``), which ``error`` reads

    def _check_value(self, action: argparse.Action, value: object) -> None:
        if action.choices is None or value in action.choices:
            return
        from contentpack.printable import printable

        names = [str(choice) for choice in action.choices]
        hint = _did_you_mean([str(value)], names, quoted=True)
        listed = f" (choose from {', '.join(map(repr, names))})"
        raise argparse.ArgumentError(action, f"invalid choice: '{printable(str(value))}'{hint or listed}")

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._words = list(sys.argv[1:] if args is None else args)  # what ``error`` looks at (the sub-command's)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """argparse's usage error, with `` (write a value that starts with '-' after '=': --earliest=-7d@d)`` when an
        option was left without its value because the word after it starts with ``-``: argparse takes such a word
        for an option, and said only ``argument --earliest: expected one argument`` of ``--earliest -7d@d``, a time
        modifier as Splunk writes it. A URL it quotes from the command line is shown without its user information
        and query (``credentials.redacted``): ``https://admin:PASSWORD@sh:8089`` is refused as ``--splunk``, but a
        mistyped option before it was echoed whole."""
        from contentpack.splunk.credentials import redacted

        super().error(redacted(message + _dash_value(message, self._words) + _abbreviated(message, self._words, self)))


# The last line of ``contentpack --help``, and of what a bare ``contentpack`` prints: where a command's own help is
COMMAND_HELP = "Run 'contentpack COMMAND --help' for what a command does and its options."


def make_parser(only: str | None = None, names_only: bool = False) -> argparse.ArgumentParser:
    """The argument parser (``main`` finds the sub-command parsers in ``parser.sub``). Every sub-command is named,
    with its help; with ``only``, just that sub-command's module is imported to register its options, and with
    ``names_only`` (``contentpack --help``, a mistyped or missing command), none is."""
    parser = _Parser(prog="contentpack", description=description(), epilog=COMMAND_HELP,
                     formatter_class=ParagraphsFormatter)
    parser.add_argument("--version", action="version", version=f"contentpack {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")  # none named: ``main`` shows the list
    for name, command in SUBCOMMANDS.items():
        command_parser = sub.add_parser(name, help=command.help)
        if name == only or (only is None and not names_only):
            importlib.import_module(command.module).register(command_parser)
    parser.set_defaults(sub=sub)
    return parser


def _did_you_mean(words: Sequence[str], names: Sequence[str], quoted: bool = False) -> str:
    """`` (did you mean --format?)`` for a mistyped option (``--fromat``), `` (did you mean 'validate'?)`` for a
    mistyped command (``valdate``), as validate suggests a key; "" when no word is close to a name."""
    from contentpack.spl.suggest import closest

    for word in words:
        meant = closest(word.partition("=")[0], names)
        if meant is not None:
            return f" (did you mean '{meant}'?)" if quoted else f" (did you mean {meant}?)"
    return ""


def _dash_value(message: str, words: Sequence[str]) -> str:
    """The hint ``_Parser.error`` adds to ``argument --opt: expected one argument`` when the word after ``--opt``
    starts with a single ``-`` (``--opt --other`` is an option left without its value, not a value); "" otherwise."""
    option, _, rest = message.removeprefix("argument ").partition(": ")
    if rest != "expected one argument":
        return ""
    for at, word in enumerate(words[:-1]):
        given = words[at + 1]
        if word == option and given.startswith("-") and not given.startswith("--"):
            return f" (write a value that starts with '-' after '=': {shlex.quote(f'{option}={given}')})"
    return ""


def _abbreviated(message: str, words: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """`` ('--form' was read as --format, which it abbreviates; did you mean --from?)`` when the option an error
    names was written as a prefix of its name and another option is close to what was written: argparse takes a
    unique prefix for the option, so ``backtest --form 2026-10-12``, a typo of ``--from``, was answered ``argument
    --format: invalid choice: '2026-10-12'``, about an option the user never wrote; "" otherwise (``--form jsn``
    meant ``--format``: its error says enough)."""
    named = message.removeprefix("argument ").partition(": ")[0].split("/")
    options = [name for action in parser._actions for name in action.option_strings if name.startswith("--")]
    for word in words:
        typed = word.partition("=")[0]
        if typed.startswith("--") and typed not in options:
            full = next((name for name in named if name.startswith(typed)), None)
            if full is not None:
                from contentpack.printable import printable
                from contentpack.spl.suggest import closest

                meant = closest(typed, [name for name in options if name not in named])
                return "" if meant is None else f" ('{printable(typed)}' was read as {full}, which it abbreviates; " \
                    f"did you mean {meant}?)"
    return ""


def _closest_option(parser: argparse.ArgumentParser, unknown: Sequence[str]) -> str:
    options = [name for action in parser._actions for name in action.option_strings if name.startswith("--")]
    return _did_you_mean([word for word in unknown if word.startswith("--")], options)


def _repeat_option(parser: argparse.ArgumentParser, argv: Sequence[str], unknown: Sequence[str]) -> str:
    """`` (--events takes one value: repeat it, --events a.csv --events b.json)`` when a value left over follows
    the value of a repeatable option of one value (``search --events a.csv b.json``, as ``backtest --events``
    takes several after one flag); "" otherwise. Before, the error named the file alone, as if it were a typo."""
    once = {name for action in parser._actions if isinstance(action, argparse._AppendAction) and action.nargs is None
            for name in action.option_strings if name.startswith("--")}
    left = set(unknown)
    for at in range(1, len(argv)):
        word, before = argv[at], argv[at - 1]
        joined = before.startswith("--") and "=" in before  # --events=a.csv b.json
        option, given = before.split("=", 1) if joined else (argv[at - 2] if at >= 2 else "", before)
        if word in left and not word.startswith("-") and option in once:
            first, second = shlex.quote(given), shlex.quote(word)
            return f" ({option} takes one value: repeat it, {option} {first} {option} {second})"
    return ""


def _no_command(parser: argparse.ArgumentParser, unknown: Sequence[str]) -> int:
    """No command named (a bare ``contentpack``): the help, which lists every command with its line and says how to
    get a command's own, on stderr, and the status of a usage error, as ``git`` and ``docker`` answer. argparse's
    answer was one line, ``the following arguments are required: COMMAND``, naming none. Options alone that are
    not ours (``contentpack --verbose``) are a usage error naming them."""
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}{_closest_option(parser, unknown)}")
    parser.print_help(sys.stderr)
    return 2


def _cache_checked(command: str, loads_pack: bool = True,
                   root: Path | None = None) -> AbstractContextManager[object]:
    """Where the command runs as far as the caches go (every command but ``generate-data`` and ``search
    --no-pack`` loads a pack, which uses them: ``loads_pack``): a folder the user chose (``$CONTENTPACK_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/contentpack``: ``cache_files.chosen_folder``) that cannot be used (a file,
    ``/dev/null``, a folder this user cannot write in; missing folders are made, as for ``backtest --out``) gets
    one warning naming the variable, and the caches are off for the run. Before, they were off without a word,
    and every run parsed the whole pack again. An unusable ``$XDG_CACHE_HOME`` was silent: it is the user's own
    setting as much as ``$CONTENTPACK_CACHE_DIR`` is (and every program that caches there fails too). A relative
    ``$XDG_CACHE_HOME`` is ignored, as the XDG Base Directory Specification says
    (``cache_files.ignored_xdg_cache_home``), with one warning saying so, for the same reason. A chosen folder
    inside the pack (at ``root``, the command's ``--root`` or the nearest pack above the working directory) is
    never read (``cache_files.inside_pack``): it gets the warning too, rather than a cache that is silently off.

    Only a folder the user chose is checked: the default one (``~/.cache/contentpack``) was never asked for, and
    on a read-only home (a CI container, a sandbox) a warning on every run would be noise about a cache that only
    ever saves time; there it stays best effort, silently. ``CONTENTPACK_CACHE=off`` turns the caches off, so the
    folder is not looked at."""
    if command == "generate-data" or not loads_pack:
        return nullcontext()
    from contentpack.content.cache_files import caching_off, chosen_folder, ignored_xdg_cache_home, turned_off

    if caching_off(os.environ):
        return nullcontext()
    from contentpack.cli.common import warning

    ignored = ignored_xdg_cache_home(os.environ)
    if ignored is not None:
        warning(command, f"XDG_CACHE_HOME={ignored}: a relative path, which the XDG Base Directory Specification "
                "says to ignore; the parse cache is in the default folder, ~/.cache/contentpack")
    chosen = chosen_folder(os.environ)
    if chosen is None:
        return nullcontext()
    from contentpack.cli.report_file import folder_problem

    variable, folder = chosen
    found = folder_problem(folder)
    if found is None:
        from contentpack.cli.pack_loading import pack_root
        from contentpack.content.cache_files import inside_pack

        pack = pack_root(root)
        if pack is None or not inside_pack(folder, pack):
            return nullcontext()
        found = f"inside the pack ({pack}), whose files are never read as a cache"
    warning(command, f"{variable}={os.environ[variable]}: {found}; the parse cache is off for this run")
    return turned_off()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = _chosen(argv)
    parser = make_parser(chosen, names_only=chosen is None)
    args, unknown = parser.parse_known_args(argv)
    if args.command is None:
        return _no_command(parser, unknown)
    if unknown:  # reported by the sub-command's parser, worded like every other usage error of that command
        command = args.sub.choices[args.command]
        command.error(f"unrecognized arguments: {' '.join(unknown)}"
                      f"{_closest_option(command, unknown) or _repeat_option(command, argv, unknown)}")
    try:
        with _cache_checked(args.command, not getattr(args, "no_pack", False), getattr(args, "root", None)):
            return int(args.func(args))
    except KeyboardInterrupt:
        print("contentpack: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:  # input too big for this machine: the user's to fix, not a bug to report
        print("contentpack: out of memory (the input is too large for this machine)", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence: no traceback reaches the user
        if os.environ.get("CONTENTPACK_DEBUG"):
            raise
        from contentpack.printable import printable
        from contentpack.splunk.credentials import redacted  # a bug's message may hold what a request held

        print(
            f"contentpack: internal error: {type(exc).__name__}: {printable(redacted(str(exc)))}\n"
            "(set CONTENTPACK_DEBUG=1 to see the traceback, and please report it)",
            file=sys.stderr,
        )
        return 2


def _escape_unencodable(*streams: object) -> None:
    """Print what the streams' encoding cannot hold as ``\\uXXXX`` escapes instead of failing.

    Log values and file names reach the output as written: a JSON event may hold a lone surrogate (``"\\ud800"``
    decodes to one), which UTF-8 cannot encode, and a terminal with a legacy locale cannot show most of
    Unicode. Python's default for these streams is to raise, which ended ``search`` in "internal error:
    UnicodeEncodeError". The escape is what ``printable`` writes for a control character, and inside a JSON
    string it is the JSON escape of the same character.
    """
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


# The commands that load a whole pack, and do nearly all their work with the cycle collector paused anyway
# (``collector.cyclic_gc_paused``): run from the console, they keep it paused from start to end (see ``run``).
UNCOLLECTED = frozenset({"validate", "build"})


def run() -> None:
    """The console entry point (``contentpack``, ``python -m contentpack``).

    Once the command has returned, the process only ends. On its way out the interpreter runs full cycle
    collections over every object still alive (modules, memo caches, compiled schemas), which cannot find
    anything whose release would matter any more; ``gc.freeze`` takes those objects out of the collector's
    view first. Nothing else changes: atexit handlers run, modules are torn down, and every file a command
    writes is closed (or atomically renamed) before it returns.

    ``validate`` and ``build`` run with the collector paused throughout (``UNCOLLECTED``). They pause it while
    they load and render; what they leave alive when the pause ends (the process-wide memos of the commands
    parsed, the macro calls expanded, the values encoded: hundreds of thousands of objects on a big pack) was
    made during the pause, so the first collection after it walks all of it, just before the process ends.
    Their few reference cycles (caught errors) live until the end of the process instead.
    """
    _escape_unencodable(sys.stdout, sys.stderr)
    if _chosen(sys.argv[1:]) in UNCOLLECTED:
        gc.disable()
    code = main()
    gc.freeze()
    sys.exit(code)
