"""Every CLI process pays for what it imports before it does anything: ``contentpack --help``, a mistyped command
and a command's own ``--help`` or argument parsing import no layer they do not use (the SPL engine, the
simulation, the generator, the backtest report, the Splunk SDK), and a run that does not talk to Splunk does not
import its SDK. Each case runs in a fresh interpreter, whose ``sys.modules`` is what the command imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

VALID_PACK = Path(__file__).parent / "content" / "fixtures" / "valid"

# The command runs as ``python -m contentpack`` would run it, then its exit status and the modules it imported
# are printed.
_IMPORTED = (
    "import contextlib, io, json, sys\n"
    "from contentpack.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    "    try:\n"
    "        status = main(sys.argv[1:])\n"
    "    except SystemExit as exc:\n"
    "        status = exc.code\n"
    "print(json.dumps([status, sorted(sys.modules)]))\n"
)

ENGINE = ("contentpack.spl.engine", "contentpack.spl.commands")
LAYERS = ("contentpack.simulate", "contentpack.replay", "contentpack.datagen", "contentpack.backtest.report",
          "contentpack.esapp.builder")
SPLUNK = ("splunklib", "contentpack.splunk.client")


def imported(*argv: str, status: int = 0) -> list[str]:
    """The modules ``contentpack ARGV`` imported, once it ended with ``status``: a run that stopped sooner (a pack
    not found, say) imported less, and passed the checks below without running what they are about. The parse
    cache is off, so a command reads every file itself."""
    done = subprocess.run([sys.executable, "-c", _IMPORTED, *argv], capture_output=True, text=True, check=True,
                          env={**os.environ, "CONTENTPACK_CACHE": "off"})
    ended, modules = json.loads(done.stdout)
    assert ended == status, (argv, ended)
    return list(modules)


def among(modules: list[str], heavy: tuple[str, ...]) -> list[str]:
    """The modules of ``heavy`` (packages with their submodules) that were imported."""
    return [name for name in modules if any(name == root or name.startswith(f"{root}.") for root in heavy)]


@pytest.mark.parametrize(("argv", "status"), [(["--help"], 0), (["valdate"], 2), ([], 2), (["--version"], 0)])
def test_the_command_list_imports_no_command(argv: list[str], status: int) -> None:
    """``contentpack --help`` lists the commands from ``cli.SUBCOMMANDS`` alone: it imported every command's
    module, and with them the pack's loader, the SPL engine, the simulation, the generator and the Splunk SDK."""
    assert among(imported(*argv, status=status), ("contentpack.content", *ENGINE, *LAYERS, *SPLUNK)) == []


@pytest.mark.parametrize(("argv", "status"), [(["validate", "--help"], 0),
                                              (["validate", "--root", "/nonexistent/pack", "--strict"], 2),
                                              (["build", "--help"], 0), (["deploy", "--help"], 0)])
def test_the_pack_commands_parse_without_the_engine_or_splunk(argv: list[str], status: int) -> None:
    """validate's, build's and deploy's options need no SPL engine, no simulation and no Splunk SDK (deploy's
    connection options' defaults and bounds are in ``splunk.options``)."""
    assert among(imported(*argv, status=status), (*ENGINE, *LAYERS, *SPLUNK)) == []


def test_validate_checks_searches_without_the_engine() -> None:
    """validate parses every search and its rules read the parsed searches (``spl.hints``), but run none: the
    hints named the engine's class in annotations only, and importing it for them cost every validate run."""
    assert among(imported("validate", "--root", str(VALID_PACK)), ("contentpack.spl.engine", *LAYERS, *SPLUNK)) == []


@pytest.mark.parametrize(("argv", "status"), [
    (["replay", "--help"], 0), (["backtest", "--help"], 0),
    (["replay", "--root", str(VALID_PACK), "--detection", "no such detection"], 2),
    (["backtest", "--root", str(VALID_PACK), "--detection", "no such detection"], 2)])
def test_local_replay_and_backtest_do_not_import_the_splunk_sdk(argv: list[str], status: int) -> None:
    """``--splunk`` is an option of replay and backtest; its options' defaults and bounds are in
    ``splunk.options``, and the SDK is imported only when the command talks to Splunk."""
    assert among(imported(*argv, status=status), SPLUNK) == []


# What each command's run needs and its options do not: ``--help`` and a usage error import none of it.
_RUN_LAYERS = {
    "search": (*ENGINE, *LAYERS, "contentpack.backtest", "contentpack.content.model", *SPLUNK),
    "backtest": (*ENGINE, *LAYERS, "contentpack.backtest", *SPLUNK),
    "generate-data": (*ENGINE, *LAYERS, "contentpack.content", *SPLUNK),
}


@pytest.mark.parametrize(("argv", "status"), [
    (["search", "--help"], 0), (["search", "--format", "yaml", "| makeresults"], 2), (["backtest", "--help"], 0),
    (["backtest", "--format", "yaml"], 2), (["generate-data", "--help"], 0), (["generate-data", "--seed", "x"], 2)])
def test_the_heavy_commands_parse_without_what_they_run(argv: list[str], status: int) -> None:
    """search's, backtest's and generate-data's options are registered from modules of their own
    (``cli.search_options``, ``cli.backtest_options``, ``cli.generate_options``), and each command's run module is
    imported when it runs (``cli.run_from``): importing it for ``--help`` brought the SPL engine, the simulation,
    the replay and the backtest report (and the generator). generate-data's help names the scenarios from
    ``datagen.seeds`` alone."""
    loaded = among(imported(*argv, status=status), _RUN_LAYERS[argv[0]])
    if argv[0] == "generate-data":  # the package and its list of scenario names, which import nothing
        loaded = [name for name in loaded if name not in ("contentpack.datagen", "contentpack.datagen.seeds")]
    assert loaded == []


def test_reading_events_does_not_import_the_replay_runner() -> None:
    """``backtest.inputs`` (search's and backtest's event reader) names the replay's rule code for attack data, in
    ``replay.attack_data``: the ``contentpack.replay`` package imported its runner, the drilldowns and the
    scheduled replay with it, which a search never runs."""
    loaded = among(imported("search", "--no-pack", "| makeresults"), ("contentpack.replay",))
    assert loaded == ["contentpack.replay", "contentpack.replay.attack_data"]


def test_a_search_without_the_pack_does_not_import_the_simulator() -> None:
    """``search --no-pack`` builds a bare engine: only a search with the pack builds the pack's engine
    (``simulate.engine_setup``), and importing that module at the top of ``cli.search`` brought the whole
    ``contentpack.simulate`` package (dispatch, throttling, notables, risk) to every search."""
    assert among(imported("search", "--no-pack", "| makeresults"), ("contentpack.simulate",)) == []
    assert among(imported("search", "--root", str(VALID_PACK), "| makeresults"), ("contentpack.simulate",)) != []
