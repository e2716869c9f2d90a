"""The commands the README and docs/ show keep working as written: every option a documented `contentpack`
line names exists on that sub-command, and every documented `contentpack search` example runs in the pack and
returns rows. (docs/ci.md's recipes have their own test, tests/test_ci_docs.py.)"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from contentpack.cli import SUBCOMMANDS, main, make_parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMAND = re.compile(r"^\s*(?:\.venv/bin/)?contentpack ([a-z-]+)\b(.*)$")


def _lines(path: Path) -> list[str]:
    """The document's lines, a line ending in a backslash joined to the next (shell continuation)."""
    return path.read_text(encoding="utf-8").replace("\\\n", " ").splitlines()


def documented_commands() -> list[tuple[str, str, str]]:
    found = []
    for path in DOCS:
        for line in _lines(path):
            match = COMMAND.match(line)
            if match:
                found.append((path.name, match.group(1), match.group(2).split("#")[0]))
    return found


def test_the_docs_show_commands() -> None:
    assert {command for _, command, _ in documented_commands()} == set(SUBCOMMANDS)


@pytest.mark.parametrize(("doc", "command", "rest"), documented_commands(),
                         ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "")
def test_every_documented_option_exists(doc: str, command: str, rest: str) -> None:
    assert command in SUBCOMMANDS, f"{doc}: no sub-command {command!r}"
    parser = make_parser(command).get_default("sub").choices[command]
    options = {name for action in parser._actions for name in action.option_strings}
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest))
    assert named <= options, f"{doc}: contentpack {command} has no {sorted(named - options)}"


def shell_blocks(path: Path) -> list[str]:
    """The text of each fenced block marked ``sh`` or unmarked (not yaml, python...)."""
    blocks: list[str] = []
    current: list[str] = []
    language: str | None = None  # of the open block; None between blocks
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if language is None:
                language, current = line[3:].strip() or "sh", []
            else:
                if language == "sh":
                    blocks.append("\n".join(current))
                language = None
        elif language is not None:
            current.append(line)
    return blocks


def documented_searches() -> list[list[str]]:
    """Each fenced example that runs `contentpack search`, as the shell would split it."""
    examples = []
    for path in DOCS:
        for block in shell_blocks(path):
            words = shlex.split(block.replace("\\\n", " "), comments=True)
            if words[:2] in (["contentpack", "search"], [".venv/bin/contentpack", "search"]):
                examples.append(words[1:])
    return examples


def test_there_are_search_examples() -> None:
    assert len(documented_searches()) >= 2


@pytest.mark.parametrize("argv", documented_searches(), ids=lambda argv: argv[1][:40])
def test_every_documented_search_runs_in_the_pack_and_finds_rows(
        argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main([*argv, "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("[\n  {"), captured.err  # one row or more
    assert captured.err == ""


def test_every_option_the_prose_names_exists() -> None:
    """An option written in backquotes in running text (`--events FILE`, `--remove-local`) is one of some
    sub-command's: prose names options without the command line around them, which the tests above read."""
    options = {name for command in SUBCOMMANDS
               for action in make_parser(command).get_default("sub").choices[command]._actions
               for name in action.option_strings}
    named = [(f"{path.name}:{number}", option) for path in DOCS
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for option in re.findall(r"`(--[a-z][a-z-]*)", line)]
    assert len(named) > 100
    assert [(where, option) for where, option in named if option not in options] == []


def test_the_job_count_the_docs_give_for_a_weeks_splunk_backtest_is_the_packs() -> None:
    """README.md and docs/splunk.md tell a Splunk admin how many search jobs `backtest --splunk` dispatches for
    their example week (`--from 2026-10-01 --to 2026-10-08`): one per scheduled run of a search over events
    (``simulate.scheduled_runs``, what ``splunk.remote_backtest`` dispatches). They said 10 × 168 = 1,680,
    "every detection runs hourly", while four of the pack's searches run every 10 minutes."""
    from contentpack.spl.events import parse_timestamp
    from contentpack.simulate.simulation import scheduled_runs
    from real_pack_runs import real_pack

    start, end = parse_timestamp("2026-10-01"), parse_timestamp("2026-10-08")
    assert start is not None and end is not None
    jobs = f"= {len(scheduled_runs(real_pack(), start, end)):,} jobs"
    for page in (ROOT / "README.md", ROOT / "docs" / "splunk.md"):
        text = " ".join(page.read_text(encoding="utf-8").split())  # wrapped lines joined
        assert "--from 2026-10-01 --to 2026-10-08" in text and jobs in text, f"{page.name}: no '{jobs}'"


def test_the_pack_counts_the_docs_give_are_the_packs() -> None:
    """Example output and "last run" lines that count the repository's pack are its counts now. docs/replay.md
    showed `PASS: 86 test(s)` while the pack had 125 tests (and its per-detection lines kept counts of weeks before), and docs/build.md's contentctl comparison named "12
    detections, 6 macros + 12 filters" for a pack of 16 detections and 11 macros: both read as the pack today."""
    from real_pack_runs import real_pack

    pack = real_pack()
    tests = sum(len(detection.tests) for detection in pack.detections)
    replay = (ROOT / "docs" / "replay.md").read_text(encoding="utf-8")
    passed = re.findall(r"^PASS: (\d+) test\(s\), (\d+) passed, 0 failed \(.*, scheduled\)$", replay, re.M)
    assert passed and all(shown == (str(tests), str(tests)) for shown in passed), (passed, tests)
    per_detection = {detection.name: len(detection.tests) for detection in pack.detections}
    shown_lines = re.findall(r"^pass  (.+): (\d+) test\(s\)$", replay, re.M)
    assert shown_lines and all(per_detection.get(name) == int(count) for name, count in shown_lines), (
        [(name, count, per_detection.get(name)) for name, count in shown_lines])
    build = " ".join((ROOT / "docs" / "build.md").read_text(encoding="utf-8").split())
    counts = re.search(r"the repository's pack: (\d+) detections, (\d+) macros \+ (\d+) filters, (\d+) story, "
                       r"(\d+) lookups", build)
    assert counts is not None, "docs/build.md: no count of the pack in the contentctl comparison's last run"
    assert tuple(map(int, counts.groups())) == (
        len(pack.detections), len(pack.macros), len(pack.detections), len(pack.stories), len(pack.lookups))


def test_the_runs_docs_backtest_gives_for_a_year_are_the_packs() -> None:
    """docs/backtest.md sizes a long backtest by its runs ("a year of the pack's N detections is about K runs"):
    the run count sets the time and memory a backtest takes, so a reader plans by it. It said twelve detections
    and 237,000 runs while the pack had sixteen, whose year is 359,160 runs (a backtest over 2026 reports 8,760
    runs for each hourly search and 52,560 for each every-10-minutes one). Each detection runs at its cron's
    ticks in (from, to], as the simulation schedules them."""
    from contentpack.simulate.dispatch import schedule_of
    from contentpack.spl.events import parse_timestamp
    from real_pack_runs import real_pack

    pack = real_pack()
    start, end = parse_timestamp("2026-01-01"), parse_timestamp("2027-01-01")
    assert start is not None and end is not None
    runs = sum(len(list(schedule_of(d).cron.ticks(start, end))) for d in pack.detections)
    text = " ".join((ROOT / "docs" / "backtest.md").read_text(encoding="utf-8").split())
    said = re.search(r"a year of the pack's (\w+) detections is about ([\d,]+) runs", text)
    assert said is not None, "docs/backtest.md: no year of runs"
    words = {"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
             "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
    assert (words.get(said.group(1)), said.group(2)) == (len(pack.detections), f"{round(runs, -3):,}"), runs


_CURL = re.compile(r"\bcurl\b[^`\n]*")
_NO_VERIFY = re.compile(r"(?:^|\s)(?:-k|--insecure|-[a-zA-Z]*k[a-zA-Z]*)(?=\s|$)")


def test_the_curl_recipes_verify_tls() -> None:
    """A recipe the docs give to copy verifies the server's certificate, as the pack's commands do (docs/splunk.md,
    "Credentials and TLS"): the README's REST export once read `curl -k -u USER https://SPLUNK:8089/...`, the password
    sent to whoever answered, beside its own advice to verify TLS."""
    recipes = [(path.name, found.group(0)) for path in DOCS for found in _CURL.finditer(" ".join(_lines(path)))]
    assert any("search/jobs/export" in recipe and "--cacert" in recipe for _, recipe in recipes)
    assert [(name, recipe) for name, recipe in recipes if _NO_VERIFY.search(recipe)] == []


_WRITTEN = re.compile(r"(?<![\w-])(--out|--output|--events)[ =]([a-z][\w.-]*(?:/[\w.-]*)*)")
_REDIRECT = re.compile(r"\s>\s*([a-z][\w.-]*(?:/[\w.-]*)*)$")


def documented_pack_paths() -> list[tuple[str, str]]:
    """(document, path) for each relative path a documented command reads logs from or writes its output to
    (``--events``, ``--out``, ``--output``, a curl recipe's ``> FILE``), but for the pack's own attack data. The
    folders ``build`` and ``backtest`` write end in ``/``, as git matches a pattern like ``dist/`` on a folder."""
    found = [(doc, path if path.endswith("/") or option == "--events" or command == "generate-data" else f"{path}/")
             for doc, command, rest in documented_commands() for option, path in _WRITTEN.findall(rest)]
    found += [(path.name, target.group(1)) for path in DOCS for recipe in _CURL.finditer(" ".join(_lines(path)))
              if (target := _REDIRECT.search(recipe.group(0)))]
    return [(doc, path) for doc, path in found if not path.startswith("attack_data/")]


def test_the_tenant_logs_and_outputs_the_docs_put_in_the_pack_are_ignored_by_git(tmp_path: Path) -> None:
    """README's "Backtest on your tenant" runs inside the pack with ``--events exports/`` and ``--out backtest/``,
    then ``--out backtest-tuned/``, and the REST export wrote ``> week.json`` there: only ``backtest/`` was ignored,
    so a tenant's sign-in logs (user names, IP addresses) and its backtests stood among the untracked files, one
    ``git add`` from a commit (and generate-data's 3.4 GB ``big.log`` beside them)."""
    paths = documented_pack_paths()
    assert {"exports/", "backtest/", "backtest-tuned/", "backtest-week/", "big.log",
            "exports/week.json"} <= {path for _, path in paths}
    # git's own reading of the pack's .gitignore, in a repository of its own: a source archive has no .git
    shutil.copyfile(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, capture_output=True)
    listed = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", "--non-matching", "--stdin"],
                            cwd=tmp_path, input="\n".join(path for _, path in paths), capture_output=True, text=True)
    missed = [(doc, line.split("\t")[-1]) for (doc, _), line in zip(paths, listed.stdout.splitlines())
              if line.startswith("::")]
    assert missed == []


def documented_macro_files() -> list[tuple[str, str]]:
    """Each fenced ``yaml`` example of README.md and docs/ that starts ``# macros/<file>.yml``: (file, its text)."""
    found = []
    for path in DOCS:
        for block in re.findall(r"^```yaml\n(.*?)^```$", path.read_text(encoding="utf-8"), re.M | re.S):
            named = re.match(r"# (macros/[a-z0-9_]+\.yml)\n", block)
            if named:
                found.append((named.group(1), block))
    return found


def test_the_filter_macro_the_readme_shows_tunes_a_detection_of_the_pack(tmp_path: Path) -> None:
    """README's step 4 told a newcomer to "add a macros/<name>_filter.yml" without its keys (``description`` is
    required, CP011) nor what ``<name>`` is; one wrote ``entra_id_user_declined_filter``, which tuned nothing. The
    example, written into a copy of the pack, validates clean as one detection's filter macro."""
    from contentpack.content.validate import validate_pack
    from pack_copies import pack_copy

    examples = documented_macro_files()
    assert [file for file, _ in examples] == ["macros/entra_id_user_declined_oauth_application_consent_filter.yml"]
    root = pack_copy(tmp_path)
    for file, text in examples:
        (root / file).write_text(text, encoding="utf-8")
    result = validate_pack(root)
    assert [d.render() for d in result.diagnostics] == []
    assert result.pack is not None
    filters = {detection.filter_macro for detection in result.pack.detections}
    assert {Path(file).stem for file, _ in examples} <= filters


def test_an_index_set_in_the_repositorys_macro_is_why_replay_and_backtest_find_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """README's advice on the index: set in the repository's macro instead of Splunk's, ``index=entra`` makes a
    detection's replay tests find nothing (their data is indexed in ``main``) and the backtest find nothing in
    records without an index, until ``--index entra`` gives them that index. The README says both."""
    from pack_copies import pack_with_edit

    readme = " ".join(_lines(ROOT / "README.md"))
    assert "a test's attack data is indexed in `main`" in readme and "unless `--index <yours>`" in readme
    root = pack_with_edit(tmp_path, Path("macros/entra_id_signin_and_audit_logs.yml"),
                          "definition: sourcetype=azure:monitor:aad",
                          "definition: index=entra sourcetype=azure:monitor:aad")
    declined = "Entra ID User Declined OAuth Application Consent"
    assert main(["replay", "--root", str(root), "--all-time", "--detection", declined]) == 1
    assert "expected_results: 0 result(s)" in capsys.readouterr().out
    log = str(ROOT / "attack_data" / "single_user_declines" / "single_user_declines.log")
    found = {}
    for index in ((), ("--index", "entra")):
        assert main(["backtest", "--root", str(root), "--events", log, "--detection", declined, "--format", "json",
                     *index]) == 0
        found[index] = json.loads(capsys.readouterr().out)["totals"][declined]["risk_events"]
    assert found == {(): 0, ("--index", "entra"): 1}
