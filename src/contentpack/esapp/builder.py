"""Orchestration, one straight line: validated pack -> in-memory app files (round-trip checked) -> a staging
folder -> swapped in for dist/.

Every .conf is rendered in memory and read back before it is written, and everything is written into a staging
folder that replaces dist/ only when the whole build succeeded, so a failure (unsafe text, a round-trip
difference, an unreadable lookup, a full disk) leaves the previous dist/ untouched (``output``).
Problems are collected as diagnostics with rule ids of their own (``build_rules``: ``BDxxx``) and returned,
never printed here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contentpack import collector
from contentpack.attack import DATA_FILE, AttackCatalog, AttackDataError, licence_text
from contentpack.attack import load as load_attack
from contentpack.esapp import app as appfiles
from contentpack.esapp import build_rules as rules
from contentpack.esapp.build_rules import build_error, conf_problem, shown_path
from contentpack.esapp.conf import ConfError, ConfFile, Stanza, check_round_trip, encode_value, render
from contentpack.esapp.dates import BuildDate, BuildDateError, build_date
from contentpack.esapp.docs import detection_page, index_page, page_name
from contentpack.esapp.install_safety import exported_default_problems
from contentpack.esapp.jsonvalues import JsonStyle
from contentpack.esapp.macros import macros_conf
from contentpack.esapp.navigator import layer_json
from contentpack.esapp.output import OutputError, prepared, staged_output
from contentpack.esapp.package import PackageError, tarball_bytes, write_tree
from contentpack.esapp.savedsearches import savedsearches_conf, shared_table
from contentpack.esapp.stories import analyticstories_conf
from contentpack.esapp.transforms import shipped_lookups, transforms_conf
from contentpack.content.diagnostics import Diagnostic
from contentpack.content.model import Detection, Pack
from contentpack.spl.files import os_reason


class BuildFailed(Exception):
    """The build stopped; ``problems`` are the collected diagnostics (``BDxxx``)."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__("; ".join(p.render() for p in problems))
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


def detection_text_problems(detection: Detection) -> list[Diagnostic]:
    """Check every text a detection contributes to a .conf, reporting the YAML position of each bad one (BD004;
    the validator's CP022/CP049 refuse the same texts first, so this is the build's own last word)."""
    texts: list[tuple[str, tuple[str | int, ...], str]] = [
        (getattr(detection, attr), node, label) for attr, node, label in _TEXT_FIELDS]
    if detection.rba is not None:
        texts.append((detection.rba.message, ("rba", "message"), "rba.message"))
    for i, drill in enumerate(detection.drilldown_searches):
        texts.append((drill.name, ("drilldown_searches", i, "name"), f"drilldown_searches.{i}.name"))
        texts.append((drill.search, ("drilldown_searches", i, "search"), f"drilldown_searches.{i}.search"))
    problems: list[Diagnostic] = []
    for text, node, label in texts:
        try:
            encode_value(text, label)
        except ConfError as exc:
            problems.append(build_error(detection.source.at(*node), rules.CONF_FILE, exc.message))
    for ch in ("[", "]", "\n", "\r"):
        if ch in detection.name:
            problems.append(build_error(detection.source.at("name"), rules.CONF_FILE,
                                        f"name contains {ch!r}, which cannot appear in a savedsearches.conf "
                                        "stanza name"))
    return problems


def _conf_bytes(conf: ConfFile, filename: str, problems: list[Diagnostic],
                read: dict[str, tuple[Stanza, ...]]) -> bytes | None:
    """The file's bytes, once they read back as meant (what was read is kept in ``read``); None on a problem."""
    try:
        rendered = render(conf, filename)
        read[filename] = check_round_trip(rendered, filename)
    except ConfError as exc:
        problems.append(conf_problem(filename, exc))
        return None
    return rendered.text.encode("utf-8")


def render_app(pack: Pack, date: BuildDate, style: JsonStyle = "compact") -> BuiltApp:
    """All files of the app, in memory; raises :class:`BuildFailed` with every problem found."""
    problems: list[Diagnostic] = []
    for detection in pack.detections:
        problems += detection_text_problems(detection)
    if problems:
        raise BuildFailed(problems)
    app = pack.app
    lookups = shipped_lookups(pack.lookups, date.day)
    shared = shared_table(pack.detections, style, pack.data_sources)  # what both savedsearches and analyticstories write
    confs: dict[str, ConfFile] = {
        "default/app.conf": appfiles.app_conf(app, date),
        "default/savedsearches.conf": savedsearches_conf(app, pack.detections, style, shared),
        "default/macros.conf": macros_conf(pack.macros, pack.detections),
        "default/analyticstories.conf": analyticstories_conf(pack, style, shared),
        "default/content-version.conf": appfiles.content_version_conf(app),
        "default/server.conf": appfiles.server_conf(),
        "metadata/default.meta": appfiles.default_meta(),
    }
    if lookups:
        confs["default/transforms.conf"] = transforms_conf(lookups)
    files: dict[str, bytes] = {}
    read: dict[str, tuple[Stanza, ...]] = {}
    for path, conf in confs.items():
        data = _conf_bytes(conf, path, problems, read)
        if data is not None:
            files[path] = data
    for item in lookups:
        source = Path(pack.root) / "lookups" / item.source_name
        if "/" in item.source_name or "\\" in item.source_name or item.source_name.startswith("."):
            problems.append(build_error(item.lookup.source.at("filename"), rules.LOOKUP_FILE,
                                        f"lookup file name {item.source_name!r} must be a plain file name inside "
                                        "lookups/"))
            continue
        try:
            files[f"lookups/{item.app_filename}"] = source.read_bytes()
        except OSError as exc:
            problems.append(build_error(shown_path(source, Path(pack.root)), rules.LOOKUP_FILE,
                                        f"cannot read lookup file: {os_reason(exc)}"))
    files["app.manifest"] = appfiles.app_manifest(app, date).encode("utf-8")
    files["README.md"] = appfiles.readme(pack, lookups).encode("utf-8")
    if app.visible:
        files["default/data/ui/nav/default.xml"] = appfiles.nav_xml(app).encode("utf-8")
    if not problems:
        problems += exported_default_problems(files, read)
    if problems:
        raise BuildFailed(problems)
    return BuiltApp(app.appid, app.version, files, date)


@dataclass(frozen=True)
class BuildReport:
    """Outcome of a build, with the validator's findings and the build's own problems kept apart.

    ``diagnostics`` are every finding of the validator, errors and warnings, positioned. ``build_problems`` are
    what stopped the build itself once the validator had accepted the pack (output folder, lookup files, build
    date...), as diagnostics with rule ids of their own (``build_rules``); or BD000 should the validator refuse a
    pack without a finding, so that a failure never goes unexplained. Two fields, not one list: a reader (a
    test, a benchmark, ``stopped_by``) never has to tell them apart by their rule ids or wording.
    """

    ok: bool
    diagnostics: tuple[Diagnostic, ...] = ()
    build_problems: tuple[Diagnostic, ...] = ()
    tarball: Path | None = None
    detections: int = 0
    reused_files: int = 0  # identical to the previous output's, hard-linked instead of written
    notes: tuple[str, ...] = ()  # worth telling, not a problem (e.g. where the build date came from)

    @property
    def stopped_by(self) -> tuple[Diagnostic, ...]:
        """What stopped a failed build, as the command prints it: its own problems when it ran (the validator
        had then accepted the pack, so its findings are warnings at most), else the validator's findings."""
        return self.build_problems or self.diagnostics


def docs_files(pack: Pack, catalog: AttackCatalog) -> dict[str, bytes]:
    """Every file of ``docs/``: the index, one page per detection, the ATT&CK Navigator layer and its licence."""
    files = {
        "index.md": index_page(pack).encode(),
        "attack_navigator_layer.json": layer_json(pack, catalog),
        "ATTACK_LICENSE.txt": licence_text().encode("utf-8"),
    }
    for detection in pack.detections:
        files[page_name(detection)] = detection_page(pack, detection, catalog).encode()
    return files


def build_pack(pack: Pack, output: Path, style: JsonStyle = "compact",
               environ: Mapping[str, str] | None = None, force: bool = False) -> BuildReport:
    """Build a validated pack into ``output``.

    Everything goes into a staging folder next to ``output`` that replaces it only once every file is written
    and every .conf has read back as meant; any failure removes the staging folder and leaves ``output`` as
    it was. Files identical to the previous output's are hard-linked from it (``write_tree``). ``force``:
    replace ``output`` even when it is not a previous build output (``output.check_replaceable``). A refused
    output folder is reported at ``output`` as given (BD001), the words the user typed.
    """
    given = str(output)
    output = output.absolute()
    root = Path(pack.root)
    try:
        built, reused = _build_into(pack, output, given, style, environ, force)
    except BuildFailed as exc:
        return BuildReport(False, build_problems=tuple(exc.problems))
    except BuildDateError as exc:
        return BuildReport(False, build_problems=(date_problem(exc),))
    except PackageError as exc:
        return BuildReport(False, build_problems=(build_error(exc.path, rules.PACKAGE_MEMBER, exc.reason),))
    except OutputError as exc:  # raised again by the staging step, should the folder change meanwhile
        return BuildReport(False, build_problems=(_output_problem(given, exc),))
    except AttackDataError as exc:
        return BuildReport(False, build_problems=(
            build_error(DATA_FILE, rules.ATTACK_DATA, str(exc).removeprefix(f"{DATA_FILE}: ")),))
    except OSError as exc:
        where = shown_path(exc.filename, root) if exc.filename else given
        return BuildReport(False, build_problems=(build_error(where, rules.WRITE_FAILED, os_reason(exc)),))
    notes = (built.date.note,) if built.date.note else ()
    return BuildReport(True, tarball=output / built.tarball_name, detections=len(pack.detections), reused_files=reused,
                       notes=notes)


def _output_problem(given: str, exc: OutputError) -> Diagnostic:
    """A refused output folder (BD001), at the folder as the user gave it."""
    return build_error(given, rules.OUTPUT_FOLDER, str(exc))


def date_problem(exc: BuildDateError) -> Diagnostic:
    """No build date (BD002), reported at ``SOURCE_DATE_EPOCH``: setting it is the fix whatever went wrong."""
    return build_error(rules.DATE_ENV, rules.BUILD_DATE, str(exc))


def _build_into(pack: Pack, output: Path, given: str, style: JsonStyle, environ: Mapping[str, str] | None,
                force: bool) -> tuple[BuiltApp, int]:
    date = build_date(Path(pack.root), environ, max((d.date for d in pack.detections), default=None))
    catalog = load_attack()
    try:
        prepared(Path(given), Path(pack.root), force)
    except OutputError as exc:  # report the content's own problems too: all errors in one run
        problems = [_output_problem(given, exc)]
        try:
            render_app(pack, date, style)
        except BuildFailed as failed:
            problems = [*failed.problems, *problems]
        raise BuildFailed(problems) from None
    built = render_app(pack, date, style)
    tarball = tarball_bytes(built.appid, built.files, date.epoch)
    docs = docs_files(pack, catalog)
    with staged_output(output, Path(pack.root), force) as staging:
        reused = (write_tree(staging / built.appid, built.files, date.epoch, output / built.appid)
                  + write_tree(staging, {built.tarball_name: tarball}, date.epoch, output)
                  + write_tree(staging / "docs", docs, date.epoch, output / "docs"))
    return built, reused


def build(root: Path, output: Path, style: JsonStyle = "compact", environ: Mapping[str, str] | None = None,
          force: bool = False) -> BuildReport:
    """Validate the pack under ``root`` and build it; invalid content builds nothing and leaves dist/ alone."""
    # heavy (JSON Schema); only the full build needs it
    from contentpack.content.validate import validate_pack

    # One pause for load and render: re-enabling the collector between them would make it re-scan the whole
    # freshly loaded pack while rendering allocates. The pack is dropped before the pause ends (``del``: a
    # ``return`` inside the block would keep it alive until after the collector is back on, and the first
    # collection would then walk every object of it).
    with collector.cyclic_gc_paused():
        result = validate_pack(Path(root))
        diagnostics = tuple(result.diagnostics)
        if not result.ok or result.pack is None:
            unexplained = build_error(str(root), rules.UNEXPLAINED, "validation failed without a finding")
            report = BuildReport(False, diagnostics, () if diagnostics else (unexplained,))
        else:
            report = dataclasses.replace(build_pack(result.pack, Path(output), style, environ, force),
                                         diagnostics=diagnostics)
        del result
    return report
