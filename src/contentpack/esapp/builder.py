"""Orchestration: validated pack -> in-memory app files (round-trip checked) -> dist/ replaced atomically.

Every .conf is rendered in memory and read back before it is written, and everything is written into a staging
folder that replaces dist/ only when the whole build succeeded, so a failure (unsafe text, a round-trip
difference, an unreadable lookup, a full disk) leaves the previous dist/ untouched. Big packs write docs/ from
a forked child meanwhile (``contentpack.forking``).
Problems are collected as ``path:line:col: message`` strings and returned, never printed here.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from contentpack import forking
from contentpack.attack import AttackCatalog, AttackDataError, licence_text
from contentpack.attack import load as load_attack
from contentpack.esapp import app as appfiles
from contentpack.esapp.conf import ConfError, ConfFile, check_round_trip, encode_value, render
from contentpack.esapp.dates import BuildDate, BuildDateError, build_date
from contentpack.esapp.docs import detection_page, index_page, page_name
from contentpack.esapp.install_safety import exported_default_problems
from contentpack.esapp.jsonvalues import JsonStyle
from contentpack.esapp.macros import macros_conf
from contentpack.esapp.navigator import layer_json
from contentpack.esapp.package import (
    PackageError,
    check_replaceable,
    staged_output,
    tarball_bytes,
    write_tree,
    write_until_taken,
)
from contentpack.esapp.savedsearches import savedsearches_conf
from contentpack.esapp.stories import analyticstories_conf
from contentpack.esapp.transforms import shipped_lookups, transforms_conf
from contentpack.content.model import Detection, Pack


class BuildFailed(Exception):
    """The build stopped; ``problems`` are the collected, positioned messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class BuiltApp:
    """The app as bytes, keyed by path relative to the app folder, plus the date it was built for."""

    appid: str
    version: str
    files: Mapping[str, bytes]
    date: BuildDate

    @property
    def tarball_name(self) -> str:
        return f"{self.appid}-{self.version}.tar.gz"


# Detection text fields that go into .conf values: (attribute, YAML node for positions, label in messages).
_TEXT_FIELDS: tuple[tuple[str, tuple[str | int, ...], str], ...] = tuple(
    (attr, (attr,), attr) for attr in ("name", "description", "search", "how_to_implement", "known_false_positives"))


def detection_text_problems(detection: Detection) -> list[str]:
    """Check every text a detection contributes to a .conf, reporting the YAML position of each bad one."""
    texts: list[tuple[str, tuple[str | int, ...], str]] = [
        (getattr(detection, attr), node, label) for attr, node, label in _TEXT_FIELDS]
    if detection.rba is not None:
        texts.append((detection.rba.message, ("rba", "message"), "rba.message"))
    for i, drill in enumerate(detection.drilldown_searches):
        texts.append((drill.name, ("drilldown_searches", i, "name"), f"drilldown_searches.{i}.name"))
        texts.append((drill.search, ("drilldown_searches", i, "search"), f"drilldown_searches.{i}.search"))
    problems: list[str] = []
    for text, node, label in texts:
        try:
            encode_value(text, label)
        except ConfError as exc:
            problems.append(f"{detection.source.at(*node)}: {exc}")
    for ch in ("[", "]", "\n", "\r"):
        if ch in detection.name:
            problems.append(f"{detection.source.at('name')}: name contains {ch!r}, which cannot appear in a "
                            "savedsearches.conf stanza name")
    return problems


def _conf_bytes(conf: ConfFile, filename: str, problems: list[str]) -> bytes | None:
    try:
        rendered = render(conf, filename)
        check_round_trip(rendered, filename)
    except ConfError as exc:
        problems.append(str(exc))
        return None
    return rendered.text.encode("utf-8")


def render_app(pack: Pack, date: BuildDate, style: JsonStyle = "compact") -> BuiltApp:
    """All files of the app, in memory; raises :class:`BuildFailed` with every problem found."""
    problems: list[str] = []
    for detection in pack.detections:
        problems += detection_text_problems(detection)
    if problems:
        raise BuildFailed(problems)
    app = pack.app
    lookups = shipped_lookups(pack.lookups, date.day)
    confs: dict[str, ConfFile] = {
        "default/app.conf": appfiles.app_conf(app, date),
        "default/savedsearches.conf": savedsearches_conf(app, pack.detections, style),
        "default/macros.conf": macros_conf(pack.macros, pack.detections),
        "default/analyticstories.conf": analyticstories_conf(pack, style),
        "default/content-version.conf": appfiles.content_version_conf(app),
        "default/server.conf": appfiles.server_conf(),
        "metadata/default.meta": appfiles.default_meta(),
    }
    if lookups:
        confs["default/transforms.conf"] = transforms_conf(lookups)
    files: dict[str, bytes] = {}
    for path, conf in confs.items():
        data = _conf_bytes(conf, path, problems)
        if data is not None:
            files[path] = data
    for item in lookups:
        source = Path(pack.root) / "lookups" / item.source_name
        if "/" in item.source_name or "\\" in item.source_name or item.source_name.startswith("."):
            problems.append(f"{item.lookup.source.at('filename')}: lookup file name {item.source_name!r} must be a "
                            "plain file name inside lookups/")
            continue
        try:
            files[f"lookups/{item.app_filename}"] = source.read_bytes()
        except OSError as exc:
            problems.append(f"{source}: cannot read lookup file: {exc.strerror}")
    files["app.manifest"] = appfiles.app_manifest(app, date).encode("utf-8")
    files["README.md"] = appfiles.readme(pack).encode("utf-8")
    if app.visible:
        files["default/data/ui/nav/default.xml"] = appfiles.nav_xml(app).encode("utf-8")
    if not problems:
        problems += exported_default_problems(files)
    if problems:
        raise BuildFailed(problems)
    return BuiltApp(app.appid, app.version, files, date)


@dataclass(frozen=True)
class BuildReport:
    """Outcome of a build: ``problems`` stop it, ``warnings`` are the validator's non-fatal diagnostics."""

    ok: bool
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    tarball: Path | None = None
    app_dir: Path | None = None
    detections: int = 0
    reused_files: int = 0  # identical to the previous output's, hard-linked instead of written
    notes: tuple[str, ...] = ()  # worth telling, not a problem (e.g. where the build date came from)


# From this many detections on, the pack-wide rules are run, and docs/ (one page per detection) is written, by a
# forked child while this process renders the app (and then helps with the pages that are left): on 2,000
# detections that overlaps ~0.7 s of work.
DOCS_CHILD_MIN_DETECTIONS = 200


def _owned(entry: Path) -> bool:
    """What earlier builds of any app leave in the output folder (and a rebuild may therefore replace)."""
    if entry.is_dir():
        return entry.name == "docs" or (entry / "default" / "app.conf").is_file()
    return entry.name.endswith(".tar.gz")


def _docs_pages(pack: Pack, catalog: AttackCatalog) -> tuple[list[str], Callable[[str], bytes]]:
    """The per-detection pages of docs/ in name order, and how to render one (pages are rendered one by one,
    just before they are written, so that two processes can share the list)."""
    by_name = {page_name(d): d for d in pack.detections}
    return sorted(by_name), lambda name: detection_page(pack, by_name[name], catalog).encode()


def write_docs(pack: Pack, catalog: AttackCatalog, folder: Path, previous: Path, epoch: int) -> int:
    """Render and write ``docs/`` into a folder that holds none of it yet; returns how many files were taken
    over from the previous output. The pages go in name order, stopping early if another process writing
    them from the other end (``help_write_docs``) got there first."""
    others = {
        "index.md": index_page(pack).encode(),
        "attack_navigator_layer.json": layer_json(pack, catalog),
        "ATTACK_LICENSE.txt": licence_text().encode("utf-8"),
    }
    reused = write_tree(folder, others, epoch, previous)
    names, render = _docs_pages(pack, catalog)
    return reused + write_until_taken(folder, names, render, epoch, previous)


def help_write_docs(pack: Pack, catalog: AttackCatalog, folder: Path, previous: Path, epoch: int) -> int:
    """Write docs/ pages from the last one backwards while ``write_docs`` runs in the docs child, until the two
    meet. Creating files is the step that can be slow (see ``package.write_tree``): on a file system in that
    state the child would otherwise be the last to finish by far."""
    names, render = _docs_pages(pack, catalog)
    return write_until_taken(folder, reversed(names), render, epoch, previous)


# The rest of the validation, run beside the build: ``gate_work`` runs in the docs/ child (or here), its answer
# goes to ``gate`` (None when it did not run, e.g. the build failed first: the gate then does the work itself),
# which returns the problems that must stop the build.
Gate = Callable[[Any], Sequence[str]]


@dataclass(frozen=True)
class SideWork:
    """Work a build does beside its own (see ``build_pack``): ``gate_work`` runs in the docs/ child and
    ``gate`` judges its answer; ``after`` runs in that child once it has answered, and nothing waits for it."""

    gate: Gate
    gate_work: Callable[[], object]
    after: Callable[[], object] | None = None


def build_pack(pack: Pack, output: Path, style: JsonStyle = "compact",
               environ: Mapping[str, str] | None = None, side: SideWork | None = None) -> BuildReport:
    """Build a validated pack into ``output``.

    Everything goes into a staging folder next to ``output`` that replaces it only once every file is written
    and every .conf has read back as meant; any failure removes the staging folder and leaves ``output`` as
    it was. Files identical to the previous output's are hard-linked from it (``write_tree``).

    ``side``: the rest of the validation when it runs while this builds (``build`` passes the pack-wide
    rules, and saving the parse cache as ``after`` work): the work runs in the child that writes docs/ (two
    processes for two cores, rather than a third one competing with the render), and the gate is asked
    before the swap and whenever the build fails. Its problems take precedence, so the answer is the one a
    build after a finished validation gives.
    """
    output = output.absolute()
    try:
        try:
            built, reused = _build_into(pack, output, style, environ, side)
        except Exception:
            blocking = side.gate(None) if side is not None else ()
            if blocking:
                raise BuildFailed(list(blocking)) from None
            raise
    except BuildFailed as exc:
        return BuildReport(False, tuple(exc.problems))
    except (BuildDateError, PackageError, AttackDataError) as exc:
        return BuildReport(False, (str(exc),))
    except OSError as exc:
        return BuildReport(False, (f"{exc.filename or output}: {exc.strerror}",))
    notes = (built.date.note,) if built.date.note else ()
    return BuildReport(True, (), (), output / built.tarball_name, output / built.appid, len(pack.detections),
                       reused, notes)


def _build_into(pack: Pack, output: Path, style: JsonStyle, environ: Mapping[str, str] | None,
                side: SideWork | None) -> tuple[BuiltApp, int]:
    date = build_date(Path(pack.root), environ, max((d.date for d in pack.detections), default=None))
    catalog = load_attack()
    try:
        check_replaceable(output, _owned, Path(pack.root))
    except PackageError as exc:  # report the content's own problems too: all errors in one run
        problems = [str(exc)]
        try:
            render_app(pack, date, style)
        except BuildFailed as failed:
            problems = [*failed.problems, *problems]
        raise BuildFailed(problems) from None
    with staged_output(output, _owned, protected=Path(pack.root)) as staging:
        folder, previous_docs = staging / "docs", output / "docs"

        def side_and_docs() -> tuple[object, int]:  # the rules first: the pages are what this process can share
            answer = side.gate_work() if side is not None else None
            return answer, write_docs(pack, catalog, folder, previous_docs, date.epoch)

        def again_here() -> tuple[object, int]:  # the child failed: start docs/ over
            shutil.rmtree(folder, ignore_errors=True)
            return side_and_docs()

        docs = forking.background(side_and_docs, after=side.after if side is not None else None, retry=again_here,
                                  fork=len(pack.detections) >= DOCS_CHILD_MIN_DETECTIONS)
        try:
            built = render_app(pack, date, style)
            tarball = tarball_bytes(built.appid, built.files, date.epoch)
            reused = (write_tree(staging / built.appid, built.files, date.epoch, output / built.appid)
                      + write_tree(staging, {built.tarball_name: tarball}, date.epoch, output))
            helped = help_write_docs(pack, catalog, folder, previous_docs, date.epoch) if docs.in_child else 0
            gate_input, docs_reused = cast(tuple[Any, int], docs.join())
            reused += docs_reused + (0 if docs.answered_here else helped)
        finally:
            docs.cancel()
        blocking = side.gate(gate_input) if side is not None else ()
        if blocking:
            raise BuildFailed(list(blocking))
    return built, reused


def build(root: Path, output: Path, style: JsonStyle = "compact", environ: Mapping[str, str] | None = None,
          strict: bool = False) -> BuildReport:
    """Validate the pack under ``root`` and build it; invalid content builds nothing and leaves dist/ alone.

    The pack-wide rules run in the forked child that writes docs/ while the app renders (``build_pack``),
    which then saves the parse cache with nobody waiting for it; the output is swapped in only after the
    rules came back clean.
    """
    # heavy (JSON Schema); only the full build needs it
    from contentpack.content.validate import cyclic_gc_paused

    # One pause for load and render: re-enabling the collector between them would make it re-scan the whole
    # freshly loaded pack several times while rendering allocates (measured: ~0.1 s CPU on 2,000 detections).
    # The pack is dropped before the pause ends (it lives only inside ``_validate_and_build``): otherwise the
    # first collection afterwards would walk all of it once more (~0.2 s on 2,000 detections).
    with cyclic_gc_paused():
        return _validate_and_build(Path(root), output, style, environ, strict)


def _validate_and_build(root: Path, output: Path, style: JsonStyle, environ: Mapping[str, str] | None,
                        strict: bool) -> BuildReport:
    from contentpack.content.validate import start_validation

    pending = start_validation(root, strict=strict)
    if not pending.early_result.ok or pending.pack is None:
        result = pending.finish()
        return BuildReport(False, tuple(d.render() for d in result.diagnostics) or ("validation failed",))

    def gate(answer: Any) -> list[str]:
        result = pending.finish(answer)
        return [] if result.ok else [d.render() for d in result.diagnostics]

    absolute = output if output.is_absolute() else Path(os.getcwd()) / output
    report = build_pack(pending.pack, absolute, style, environ, SideWork(gate, pending.rule_findings, pending.save_cache))
    warnings = tuple(d.render() for d in pending.finish().diagnostics)
    return dataclasses.replace(report, warnings=() if not report.ok and report.problems == warnings else warnings)
