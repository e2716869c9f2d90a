"""Byte-level mutations of a valid detection and of an events file (the hostile-input sweep's fuzz): whatever
the bytes, the command ends with an exit status of 0, 1 or 2 and no internal error, and ``build`` leaves its
output folder either the complete new app or exactly the old one (builds are atomic).

Deterministic (``derandomize``) and bounded, so it runs the same few dozen cases in every CI run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import tarfile
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentpack import cli

from .support import ROOT, TTP, VALID

# The first records of a committed scenario: sign-ins and audit records, nested JSON, one a line.
EVENTS = b"".join((ROOT / "attack_data" / "quick_regrant" / "quick_regrant.log").read_bytes().splitlines(True)[:6])
# Chunks a mutation inserts: what the sweep fed the commands by hand.
_HOSTILE = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1b]0;x\x07", b"\t", b"\r", b"\n", b"\xc2\x85", b"\xe2\x80\xa8",
            b"&a [*a]", b"*a", b"!!python/object:os.system", b"<<: {}", b"{", b"[", b"}", b"]", b"- ", b": ", b"? ",
            b'"', b"'", b"|", b">", b"---\n", b"...\n", b"%YAML 1.1\n", b"#", b"\\u0000", b"\\ud800", b"1e999",
            b"[" * 200, b"`", b"$", b"9" * 40]
_MUTATION = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(_HOSTILE)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
)
_FUZZ = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])


def _mutated(data: bytes, mutations: list[tuple[str, float, object]]) -> bytes:
    for kind, where, arg in mutations:
        at = int(where * len(data))
        if kind == "insert":
            data = data[:at] + arg + data[at:]  # type: ignore[operator]
        elif kind == "delete":
            data = data[:at] + data[at + arg:]  # type: ignore[operator]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (arg or 1)]) + data[at + 1:]  # type: ignore[operator]
        elif kind == "truncate":
            data = data[:at]
    return data


def _run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, err.getvalue()


def _tree(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
            for path in sorted(folder.rglob("*"))}


@_FUZZ
@given(st.lists(_MUTATION, min_size=1, max_size=4))
def test_a_mutated_detection_is_validated_and_built_atomically(mutations: list[tuple[str, float, object]]) -> None:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "pack"
        shutil.copytree(VALID, root)
        output = Path(work) / "out" / "dist"
        assert _run("build", "--root", str(root), "--output", str(output))[0] == 0
        before = _tree(output)
        target = root / TTP
        target.write_bytes(_mutated(target.read_bytes(), mutations))
        code, err = _run("build", "--root", str(root), "--output", str(output))
        assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, err
        assert sorted(p.name for p in output.parent.iterdir()) == ["dist"]  # no temporary folder left beside it
        if code != 0:
            assert _tree(output) == before
        else:  # the complete new app: the tarball holds exactly the app folder
            tarball = next(output.glob("*.tar.gz"))
            with tarfile.open(tarball) as archive:
                members = {m.name for m in archive.getmembers() if m.isfile()}
            app = next(p for p in output.iterdir() if p.is_dir() and p.name != "docs")
            assert members == {f"{app.name}/{p.relative_to(app)}" for p in app.rglob("*") if p.is_file()}
        code, err = _run("validate", "--root", str(root))
        assert code in (0, 1) and "internal error" not in err and "Traceback" not in err, err


@_FUZZ
@given(st.lists(_MUTATION, min_size=1, max_size=4))
def test_a_mutated_events_file_is_searched_or_refused(mutations: list[tuple[str, float, object]]) -> None:
    with tempfile.TemporaryDirectory() as work:
        events = Path(work) / "events.log"
        events.write_bytes(_mutated(EVENTS, mutations))
        code, err = _run("search", "--no-pack", "--events", str(events), "--max-search-seconds", "30",
                         "| stats count by operationName")
        assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, err
