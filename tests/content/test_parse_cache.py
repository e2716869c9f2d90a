"""The parse cache: a hit gives exactly what parsing gives, changed files are parsed again, a bad cache is
ignored, and the cache never lives inside the pack."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from contentpack.content import cache_files, parse_cache
from contentpack.content.loader import LoadedDocument
from contentpack.content.parse_cache import cache_path, load_cached
from contentpack.content.validate import validate_pack

from .helpers import TTP, VALID

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
    return sorted(p.name for p in tmp_path.iterdir())


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


def load(pack: Path, shown: list[str]) -> list:
    """One run's load, then the cache save that the rest of a run does."""
    results, update = parse_cache.load_cached(pack, shown)[:2]
    if update is not None:
        update.save()
    return results


def uncached(pack: Path, shown: list[str]) -> list[object]:
    """What parsing gives with the cache off: the answer a cache that cannot be used must give too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTENTPACK_CACHE", "off")
        return _plain(load(pack, shown))


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Records which files each run really parsed (one list per ``load_cached`` call)."""
    calls: list[list[str]] = []
    real_load, real_parse = parse_cache.load_cached, parse_cache.load_yaml_bytes

    def run(*args: object, **kwargs: object) -> object:
        calls.append([])
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    def counting(raw: bytes, shown: str) -> object:
        calls[-1].append(shown)
        return real_parse(raw, shown)

    monkeypatch.setattr(parse_cache, "load_cached", run)
    monkeypatch.setattr(parse_cache, "load_yaml_bytes", counting)
    return calls


def test_a_hit_is_exactly_what_parsing_gives(tmp_path: Path, cache_dir: Path, parsed: list[list[str]]) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    first = load(pack, shown)
    second = load(pack, shown)
    assert parsed == [shown, []]  # the second run parsed nothing
    assert _plain(second) == _plain(first)
    assert sum(doc is None for doc, _ in second) == 4  # failures (and their diagnostics) are cached too
    dated = next(d for d, _ in second if d is not None and d.path == "date.yml")
    assert dated.data == {"date": "2025-05-02", "when": "2025-05-02T10:00:00+00:00", "on": True}
    assert list(cache_dir.iterdir()) and not list(pack.glob(".*"))  # outside the pack


def test_only_changed_files_are_parsed_again(tmp_path: Path, cache_dir: Path, parsed: list[list[str]]) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    load(pack, shown)
    (pack / "r005.yml").write_text("name: Edited\n", encoding="utf-8")
    again = load(pack, shown)
    assert parsed[-1] == ["r005.yml"]
    assert again[shown.index("r005.yml")][0].data == {"name": "Edited"}


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", None])
def test_a_corrupt_or_foreign_cache_counts_as_empty(tmp_path: Path, cache_dir: Path, parsed: list[list[str]],
                                                   damage: bytes | None, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    expected = _plain(load(pack, shown))
    target = cache_path(pack)
    assert target is not None
    if damage is None:  # written by another loader version
        monkeypatch.setattr(parse_cache, "_salt", lambda: "another loader")
    else:
        target.write_bytes(damage)
    assert _plain(load(pack, shown)) == expected
    assert parsed[-1] == shown  # everything parsed again


def test_turned_off_writes_nothing(tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENTPACK_CACHE", "off")
    pack = tmp_path / "pack"
    pack.mkdir()
    load(pack, _files(pack))
    assert not cache_dir.exists()


def test_validation_through_the_cache_reports_the_same_problems(tmp_path: Path, cache_dir: Path) -> None:
    root = tmp_path / "pack"
    shutil.copytree(VALID, root)
    ttp = root / TTP
    ttp.write_text(ttp.read_text(encoding="utf-8").replace("status: production", "status: nonsense", 1),
                   encoding="utf-8")
    cold = validate_pack(root)
    warm = validate_pack(root)
    assert cold.errors and warm.diagnostics == cold.diagnostics and warm.pack == cold.pack


def test_no_home_directory_means_no_cache_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONTENTPACK_CACHE_DIR", "XDG_CACHE_HOME", "CONTENTPACK_CACHE"):
        monkeypatch.delenv(name, raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache_path(tmp_path) is None
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    assert _plain(load(pack, shown)) == uncached(pack, shown)


def test_an_unwritable_cache_folder_changes_nothing_but_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CONTENTPACK_CACHE_DIR", str(blocker))
    monkeypatch.delenv("CONTENTPACK_CACHE", raising=False)
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    expected = uncached(pack, shown)
    assert len(expected) == len(shown)
    assert _plain(load(pack, shown)) == expected and _plain(load(pack, shown)) == expected  # a save tried between
    assert blocker.read_text() == "a file where the cache folder should be"


def test_a_file_changed_after_it_was_parsed_is_not_filed_under_its_new_bytes(tmp_path: Path, cache_dir: Path,
                                                                           parsed: list[list[str]]) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    update = parse_cache.load_cached(pack, shown).update
    assert update is not None
    (pack / "r007.yml").write_text("name: Changed meanwhile\n", encoding="utf-8")  # after parsing, before saving
    update.save()
    again = load(pack, shown)
    assert "r007.yml" in parsed[-1]  # not a hit: parsed again
    assert again[shown.index("r007.yml")][0].data == {"name": "Changed meanwhile"}


def test_nothing_new_means_nothing_to_save(tmp_path: Path, cache_dir: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    load(pack, shown)
    assert load_cached(pack, shown)[1] is None
    assert load_cached(pack, shown[1:])[1] is not None  # a file is gone: the cache drops it


def test_temp_files_of_killed_saves_are_cleared_by_the_next_save(tmp_path: Path, cache_dir: Path) -> None:
    import os
    import time

    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    cache_dir.mkdir(parents=True, exist_ok=True)
    old = cache_dir / ".parsed-killedsave"
    recent = cache_dir / ".parsed-inprogress"  # another run's save, right now: not ours to remove
    stranger = cache_dir / "notes.txt"
    for f in (old, recent, stranger):
        f.write_bytes(b"x")
    hours_ago = time.time() - 2 * cache_files.STALE_TEMP_SECONDS
    os.utime(old, (hours_ago, hours_ago))
    os.utime(stranger, (hours_ago, hours_ago))
    load(pack, shown)
    assert not old.exists() and recent.exists() and stranger.exists()


def test_validation_saves_the_cache_before_it_returns(tmp_path: Path, cache_dir: Path) -> None:
    """Saved in the same process, in line: once ``validate_pack`` returns, the next run is all hits."""
    from contentpack.content.validate import _discover

    root = tmp_path / "pack"
    shutil.copytree(VALID, root)
    validate_pack(root)
    target = cache_path(root)
    assert target is not None and target.is_file()
    shown = [path for _, path in _discover(root)[0]]
    assert load_cached(root, shown)[1] is None  # every file a hit: nothing left to save


@pytest.mark.parametrize("cache", ["on", "off"])
def test_the_files_whose_bytes_vouch_for_their_texts(tmp_path: Path, cache_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch, cache: str) -> None:
    """Told by their bytes (``conf_text.yaml_bytes_fit``), the same whether the cache is on or off, hit or miss;
    never for a file that could not be read."""
    if cache == "off":
        monkeypatch.setenv("CONTENTPACK_CACHE", "off")
    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    (pack / "slash.yml").write_text("name: a \\ b\n", encoding="utf-8")
    (pack / "nel.yml").write_text("name: a\x85b\n", encoding="utf-8")
    shown += ["slash.yml", "nel.yml", "missing.yml"]
    expected = set(shown) - {"slash.yml", "nel.yml", "missing.yml"}  # bytes.yml too: never modelled (not UTF-8)
    for _ in range(2):  # a miss, then (with the cache on) a hit
        first = parse_cache.load_cached(pack, shown)
        assert first.texts_fit == expected
        if first.update is not None:
            first.update.save()


def _stored(pack: Path) -> tuple[str, dict[str, tuple[bytes, bytes]]]:
    """The salt and the entries the last save wrote for ``pack``."""
    target = cache_path(pack)
    assert target is not None
    entries = cache_files.read_entries(target, parse_cache._salt())
    assert entries
    return parse_cache._salt(), entries


def test_a_damaged_cache_file_is_never_believed(tmp_path: Path, cache_dir: Path, parsed: list[list[str]]) -> None:
    # marshal reads most damage without complaint; here each entry is changed to "no document, no problem", in a
    # file of the format before the digest (which is what damage to the digest's file looks like to it).
    import marshal

    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    expected = _plain(load(pack, shown))
    salt, entries = _stored(pack)
    damaged = {name: (digest, marshal.dumps((None, []))) for name, (digest, _) in entries.items()}
    target = cache_path(pack)
    assert target is not None
    target.write_bytes(marshal.dumps((salt, damaged)))
    assert _plain(load(pack, shown)) == expected
    assert parsed[-1] == shown


@pytest.mark.parametrize("forge", ["not a pair", "no document no problem", "another file's answer", "bad positions"])
def test_a_forged_entry_that_cannot_be_the_loaders_answer_is_a_miss(tmp_path: Path, cache_dir: Path,
                                                                    parsed: list[list[str]], forge: str) -> None:
    # Written as the cache writes (a right digest and salt): a forgery, not damage. What the loader could never
    # answer is parsed again; before, "not a pair" ended validate in "internal error: TypeError" and "no
    # document no problem" made every file vanish from validate and build.
    import marshal

    pack = tmp_path / "pack"
    pack.mkdir()
    shown = _files(pack)
    expected = _plain(load(pack, shown))
    salt, entries = _stored(pack)
    other = entries["r000.yml"][1]
    forged: dict[str, object] = {}
    for name, (digest, answer) in entries.items():
        plain, problems = marshal.loads(answer)
        if forge == "not a pair":
            forged[name] = 5
        elif forge == "no document no problem":
            forged[name] = (digest, marshal.dumps((None, [])))
        elif forge == "another file's answer":
            forged[name] = (digest, other if name != "r000.yml" else entries["r001.yml"][1])
        else:
            bad: Any = None if plain is None else (plain[0], plain[1], [])  # no positions for its nodes
            forged[name] = (digest, marshal.dumps((bad, problems if bad is None else [])))
    target = cache_path(pack)
    assert target is not None
    cache_files.write_entries(target, salt, forged)
    assert _plain(load(pack, shown)) == expected
    reparsed = set(parsed[-1])
    assert reparsed == set(shown) if forge != "bad positions" else reparsed >= {n for n in shown if n.startswith("r")}
