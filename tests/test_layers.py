"""The house's layers only point down: every import between contentpack's packages goes to a lower layer.

The walk reads every ``import`` and ``from ... import`` under ``src/contentpack`` (function-level ones too, with
``ast``, nothing is imported), maps each side to its top-level package, and fails on an import that goes up
or sideways, on any cycle between packages, and on a package the table does not place.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "contentpack"

# Bottom to top (README, "Layout"): a package may import only from lower layers (and itself). The leaves import
# nothing of contentpack but the root package's ``__init__`` (``contentpack``: the version string only).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"contentpack"}),
    frozenset({"spl", "cron", "durations", "junit", "attack", "printable", "layout", "atomic_write",
               "collector", "cut_lists"}),
    frozenset({"content"}),
    frozenset({"esapp", "simulate"}),
    # datagen's timing variants share the simulation's delay model (simulate.delays), so it sits above it
    frozenset({"replay", "datagen"}),
    frozenset({"backtest"}),
    frozenset({"splunk"}),
    frozenset({"cli"}),
    frozenset({"__main__"}),  # python -m contentpack
)
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}
SELF_CONTAINED = {"spl"}  # imports nothing else of contentpack, not even the lower leaves


def package_of(module: str) -> str | None:
    """``contentpack.esapp.builder`` -> ``esapp``; ``contentpack`` -> ``contentpack``; other roots -> None."""
    parts = module.split(".")
    if parts[0] != "contentpack":
        return None
    return parts[1] if len(parts) > 1 else "contentpack"


def owner(file: Path) -> str:
    relative = file.relative_to(SRC).with_suffix("")
    first = relative.parts[0]
    return "contentpack" if first == "__init__" else first


def imported_modules(tree: ast.AST) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            if node.module == "contentpack":  # from contentpack import attack: the named submodules
                for alias in node.names:
                    yield f"contentpack.{alias.name}" if (SRC / alias.name).exists() or \
                        (SRC / f"{alias.name}.py").exists() else "contentpack", node.lineno
            else:
                yield node.module, node.lineno


def source_files() -> list[Path]:
    """Every module of the package. Never none: with SRC pointing nowhere, every check below passed on nothing."""
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 100, f"{SRC}: {len(files)} modules found, the package has hundreds"
    return files


def import_edges() -> dict[tuple[str, str], list[str]]:
    """(importer package, imported package) -> where (``file:line``)."""
    edges: dict[tuple[str, str], list[str]] = {}
    for file in source_files():
        tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        assert not any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in ast.walk(tree)), \
            f"{file}: relative import (the walk maps absolute names only)"
        source = owner(file)
        for module, line in imported_modules(tree):
            target = package_of(module)
            if target is not None and target != source:
                edges.setdefault((source, target), []).append(f"{file.relative_to(SRC.parent)}:{line}")
    return edges


def test_every_package_has_a_layer() -> None:
    packages = {owner(f) for f in source_files()}
    unplaced = sorted(packages - LEVEL.keys())
    assert not unplaced, f"place these packages in LAYERS (tests/test_layers.py): {unplaced}"


def test_imports_only_point_down() -> None:
    wrong = []
    for (source, target), where in sorted(import_edges().items()):
        if source in SELF_CONTAINED:
            wrong.append(f"{source} must import nothing else of contentpack, imports {target}: {where[0]}")
        elif LEVEL.get(target, 99) >= LEVEL.get(source, -1):
            wrong.append(f"{source} (layer {LEVEL.get(source)}) imports {target} (layer {LEVEL.get(target)}): "
                         f"{', '.join(where[:3])}")
    assert not wrong, "\n".join(wrong)


def test_no_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for source, target in import_edges():
        graph.setdefault(source, set()).add(target)
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            raise AssertionError(f"import cycle: {' -> '.join(path[path.index(node):] + [node])}")
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, path + [node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])


def test_the_walk_sees_upward_imports() -> None:
    """The checker itself: an upward and a sideways import in sample code are found."""
    tree = ast.parse("from contentpack.esapp.savedsearches import stanza_name\nimport contentpack.cli\n"
                     "def f():\n    from contentpack import replay\n")
    found = [package_of(module) for module, _ in imported_modules(tree)]
    assert found == ["esapp", "cli", "replay"]
    assert LEVEL["esapp"] > LEVEL["content"] and LEVEL["replay"] > LEVEL["esapp"] and LEVEL["esapp"] == LEVEL["simulate"]
