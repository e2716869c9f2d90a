"""What README.md and docs/*.md point a reader to exists: every relative Markdown link and its #anchor, every
repository file named in backquotes (`tests/replay/test_sim_mechanics.py::test_name` down to the test), and
every section a page cites by name (`docs/backtest.md`, "Inputs"). Files get renamed and headings reworded;
a page that still sends the reader to the old name is the drift this catches. (Commands and options the docs
show are tests/test_docs_commands.py's.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PACKAGE = ROOT / "src" / "contentpack"

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# A backquoted file path: a slash and a known suffix, optionally a pytest node id after it.
FILE = re.compile(r"`([\w./-]+/[\w.-]+\.(?:py|md|yml|yaml|json|sh|csv|toml|txt))(?:::(\w+))?`")
# A section of another page cited by its heading: `docs/x.md`, "Heading" or docs/x.md ("Heading").
SECTION = re.compile(r"`?docs/(\w+\.md)`?,? \(?\"([^\"]+)\"")


def _outside_fences(path: Path) -> list[tuple[int, str]]:
    """The page's lines with their numbers, fenced code blocks left out (a shell example is not a reference)."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower()).replace(" ", "-")


def _headings(path: Path) -> list[str]:
    return [re.sub(r"^#+\s+", "", line).replace("`", "") for _, line in _outside_fences(path)
            if re.match(r"#{1,6}\s", line)]


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the page's headings (a repeated heading's second is `slug-1`, and so on)."""
    anchors, seen = set(), dict[str, int]()
    for heading in _headings(path):
        slug = _slug(heading)
        anchors.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _repository_file(page: Path, name: str) -> Path | None:
    """Where a backquoted path resolves: the repository root, the page's folder, or the package (the docs name
    modules as `esapp/output.py` or, in docs/spl_engine.md, `commands/base.py`)."""
    for base in (ROOT, page.parent, PACKAGE, *(folder for folder in PACKAGE.iterdir() if folder.is_dir())):
        if (base / name).is_file():
            return base / name
    return None


def _references() -> list[tuple[str, str, str]]:
    found = []
    for page in DOCS:
        for number, line in _outside_fences(page):
            where = f"{page.relative_to(ROOT)}:{number}"
            found += [(where, "link", target) for target in LINK.findall(line)
                      if not re.match(r"[a-z]+:", target)]
            found += [(where, "file", f"{name}::{test}" if test else name) for name, test in FILE.findall(line)
                      if not name.startswith((".github/", "dist/", "../"))]  # created by the reader or the build
            found += [(where, "section", f"{name}#{heading}") for name, heading in SECTION.findall(line)]
    return found


def test_the_docs_have_references_of_each_kind() -> None:
    kinds = {kind for _, kind, _ in _references()}
    assert kinds == {"link", "file", "section"}


@pytest.mark.parametrize(("where", "kind", "target"), _references(), ids=lambda value: str(value)[:60])
def test_every_reference_resolves(where: str, kind: str, target: str) -> None:
    page = ROOT / where.split(":")[0]
    if kind == "link":
        name, _, anchor = target.partition("#")
        linked = (page.parent / name) if name else page
        assert linked.exists(), f"{where}: link to {target}: no such file"
        assert linked.resolve().is_relative_to(ROOT), f"{where}: link to {target}: outside the repository"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{where}: link to {target}: no heading gives #{anchor}"
    elif kind == "file":
        name, _, test = target.partition("::")
        path = _repository_file(page, name)
        assert path is not None, f"{where}: `{name}`: no such file in the repository"
        if test:
            assert re.search(rf"^def {test}\(", path.read_text(encoding="utf-8"), re.M), \
                f"{where}: {name} has no test {test}"
    else:
        name, _, heading = target.partition("#")
        cited = ROOT / "docs" / name
        assert cited.is_file(), f"{where}: docs/{name}: no such page"
        wanted = heading.replace("`", "")
        bold = {match.replace("`", "") for match in re.findall(r"\*\*([^*]+)\*\*", cited.read_text("utf-8"))}
        assert any(title.startswith(wanted) for title in _headings(cited)) or wanted in bold, \
            f"{where}: docs/{name} has no section {heading!r}"


def test_nothing_sends_the_reader_to_the_folder_beside_the_repository() -> None:
    """The ``shared`` folder beside the repository (reference material, sample data) is on the development
    machine only: a fresh clone has none of it. README.md told a reader to refresh the ATT&CK data from a bundle there,
    which the repository keeps under tests/fixtures; a page may name it only as material beside the repository,
    not in it (a reader then knows not to look for it), never as a path to use (fenced commands included)."""
    outside = "../" + "shared"  # split so the page scan below never meets this file's text
    named = [f"{page.relative_to(ROOT)}:{number}" for page in DOCS
             for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
             if outside in line and "beside the repository, not in it" not in line]
    assert named == []
