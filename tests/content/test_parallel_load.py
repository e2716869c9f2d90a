"""Parsing on two cores gives exactly what parsing in one process gives, and falls back when the child fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack import forking
from contentpack.content import parallel_load
from contentpack.content.loader import LoadedDocument
from contentpack.content.parallel_load import load_documents
from contentpack.content.validate import validate_pack

from .helpers import VALID

GOOD = "name: Rule {i}\nid: {i}\nsearch: |\n  index=x code={i}\n  | stats count\ntags:\n  - a: [1, 2.5, true, null]\n"
BAD: dict[str, str | bytes] = {
    "dup.yml": "name: a\nname: b\n",
    "syntax.yml": "name: [unclosed\n",
    "tab.yml": "name: x\n\tsearch: y\n",
    "bytes.yml": b"name: \xff\n",
    "date.yml": "date: 2025-05-02\nwhen: 2025-05-02T10:00:00Z\non: yes\n",
}


def _files(tmp_path: Path) -> list[str]:
    for i in range(40):
        (tmp_path / f"r{i:03d}.yml").write_text(GOOD.format(i=i), encoding="utf-8")
    for name, text in BAD.items():
        target = tmp_path / name
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return sorted(p.name for p in tmp_path.iterdir())  # bad files sort among good ones: both halves get some


def _plain(results: list[tuple[LoadedDocument | None, list]]) -> list[object]:
    out: list[object] = []
    for document, problems in results:
        if document is None:
            out.append((None, problems))
        else:
            source = document.source
            out.append((document.path, document.data, dict(source.value_positions), dict(source.key_positions),
                        problems))
    return out


def test_two_processes_give_what_one_gives(tmp_path: Path) -> None:
    shown = _files(tmp_path)
    alone = load_documents(tmp_path, shown, parallel=False)
    together = load_documents(tmp_path, shown, parallel=True)
    assert _plain(together) == _plain(alone)
    assert sum(document is None for document, _ in alone) == 4  # the bad files really are bad
    dated = next(d for d, _ in together if d is not None and d.path == "date.yml")
    assert dated.data == {"date": "2025-05-02", "when": "2025-05-02T10:00:00+00:00", "on": True}


@pytest.mark.parametrize("parallel", [False, True])
def test_each_result_is_handed_on_once_with_its_index(tmp_path: Path, parallel: bool) -> None:
    shown = _files(tmp_path)
    seen: dict[int, object] = {}

    def each(index: int, loaded: tuple) -> None:
        assert index not in seen
        seen[index] = loaded

    results = load_documents(tmp_path, shown, parallel=parallel, each=each)
    assert sorted(seen) == list(range(len(shown)))
    assert all(seen[i] is results[i] for i in range(len(shown)))


@pytest.mark.parametrize("failure", ["no_fork", "child_dies", "garbled"])
def test_a_failing_child_means_the_parent_parses_those_files(tmp_path: Path, failure: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _files(tmp_path)
    real_start = forking.start
    if failure == "no_fork":
        monkeypatch.setattr(forking, "start", lambda work: None)
    elif failure == "child_dies":
        def dying(work: object) -> forking.Forked | None:
            return real_start(lambda: (_ for _ in ()).throw(RuntimeError("child bug")))
        monkeypatch.setattr(forking, "start", dying)
    else:
        monkeypatch.setattr(forking, "start", lambda work: real_start(lambda: b"\x00 not marshal"))
    assert _plain(load_documents(tmp_path, shown, parallel=True)) == _plain(
        load_documents(tmp_path, shown, parallel=False))


def test_validation_is_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENTPACK_CACHE", "off")  # parse every time: this is about parsing
    sequential = validate_pack(VALID)
    monkeypatch.setattr(parallel_load, "MIN_FILES", 1)
    parallel = validate_pack(VALID)
    assert parallel.diagnostics == sequential.diagnostics
    assert parallel.pack == sequential.pack
