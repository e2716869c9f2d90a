"""Compare our app with contentctl 5.6.2's, file by file: every .conf (and default.meta) stanza by stanza and
key by key, app.manifest key by key, lookups byte for byte, every other file by its bytes, and which files exist.

Every difference must match one entry of ``INTENDED``, the documented list of deliberate differences with their
reasons (docs/build.md repeats it for readers). Anything else is a compatibility bug. JSON values are compared
parsed in the ``compact`` style (spacing is the point of that style) and byte for byte in the ``contentctl``
style (which promises contentctl's exact text).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from contentpack.esapp.conf import ConfError, Stanza, read_conf
from contentpack.esapp.jsonvalues import JsonStyle
from contentpack.esapp.macros import FILTER_DESCRIPTION
from contentpack.esapp.savedsearches import DEFAULT_STANZA, PLACEHOLDER_ENTITIES, SOURCETYPE_TECHNOLOGIES

WHOLE_FILE = "<file>"  # the key of a difference about a whole file (present on one side only, or other bytes)
CONTENT = "<content>"


@dataclass(frozen=True)
class Difference:
    file: str
    stanza: str
    key: str  # "" for a whole-stanza difference
    ours: str | None  # None: missing on our side
    theirs: str | None  # None: missing on contentctl's side
    intended: str | None = None  # the INTENDED entry that explains it, if any

    def render(self) -> str:
        where = f"{self.file} [{self.stanza}]" + (f" {self.key}" if self.key else "")
        status = f"intended: {self.intended}" if self.intended else "UNEXPECTED"
        return f"{where}: ours={_short(self.ours)} contentctl={_short(self.theirs)} ({status})"


def _short(value: str | None) -> str:
    if value is None:
        return "<absent>"
    return repr(value if len(value) <= 70 else value[:67] + "...")


def _json(value: str | None) -> object:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _is_json(value: str | None) -> bool:
    return value is not None and value[:1] in "[{" and _json(value) is not None


@dataclass(frozen=True)
class Intended:
    """One deliberate improvement: a name for reports and a test on a difference."""

    name: str
    applies: Callable[[Difference], bool]


def _entities(d: Difference) -> bool:
    return d.key == "action.notable.param._entities" and _json(d.theirs) == PLACEHOLDER_ENTITIES


def _default_stanza(d: Difference) -> bool:
    return (d.file.endswith("savedsearches.conf") and d.stanza == "default"
            and d.key in {k for k, _ in DEFAULT_STANZA.entries})


def _filter_description(d: Difference) -> bool:
    return d.file.endswith("macros.conf") and d.stanza.endswith("_filter") and d.key == "description" \
        and d.ours == FILTER_DESCRIPTION


def _indented_continuation(d: Difference) -> bool:
    """Our writer indents continuation lines that look like a stanza, comment or setting (defence in depth)."""
    if d.ours is None or d.theirs is None or d.ours == d.theirs:
        return False
    ours, theirs = d.ours.split("\n"), d.theirs.split("\n")
    return len(ours) == len(theirs) and all(o == t or o == " " + t for o, t in zip(ours, theirs))


def _status_wording(d: Difference) -> bool:
    return d.key in ("description", "action.escu.eli5", "explanation") and d.ours is not None \
        and d.ours.startswith("NOTE: this ") and d.theirs is not None and d.theirs.startswith("**WARNING**")


# Files contentctl's app template adds that describe objects this pack does not ship, or ESCU's own
# branding/dashboards, and files only our build writes. (glob, reason)
THEIRS_ONLY_FILES: tuple[tuple[str, str], ...] = (
    ("README/essoc_*.txt", "ESCU's Security Essentials texts from contentctl's app template: not this pack's"),
    ("default/analytic_stories.conf", "template file for ES's legacy use-case library: the pack ships none"),
    ("default/collections.conf", "template KV store collections: the pack uses none"),
    ("default/commands.conf", "template custom commands: the pack ships none"),
    ("default/es_investigations.conf", "template investigations: the pack ships none"),
    ("default/use_case_library.conf", "template use-case library: the pack ships none"),
    ("default/workflow_actions.conf", "template workflow actions: the pack ships none"),
    ("default/data/ui/views/*.xml", "ESCU's summary and feedback dashboards: the pack ships no dashboards"),
    ("static/*.png", "ESCU's icons from the template: the pack ships no icons (AppInspect does not require them)"),
    ("lookups/data_sources_<date>.csv", "contentctl's generated data_sources lookup: no detection reads it"),
    ("lookups/mitre_enrichment.csv", "contentctl's generated ATT&CK lookup: annotations are in the searches"),
)
# Files both write whose text is ours by design. (path, reason)
OWN_TEXT_FILES: tuple[tuple[str, str], ...] = (
    ("README.md", "our README describes the pack's detections and the drilldown-token caveat (contentctl's is a "
                  "placeholder about contentctl)"),
    ("default/data/ui/nav/default.xml", "our nav opens search and links to ES Content Management (contentctl's "
                                        "opens ESCU's summary dashboard, which the pack does not ship)"),
)
# app.manifest keys where ours differs. (JSON path, reason)
MANIFEST_KEYS: tuple[tuple[str, str], ...] = (
    ("schemaVersion", "schema 2.0.0, the version AppInspect and the packaging toolkit expect (contentctl: 1.0.0)"),
    ("supportedDeployments", "part of manifest schema 2.0.0"),
    ("info.classification.*", "the app's Splunkbase classification (contentctl leaves it empty)"),
    ("info.releaseNotes.*", "release notes point at README.md by name"),
    ("info.releaseDate", "the build date (SOURCE_DATE_EPOCH / last commit / content), not the wall clock"),
)
# .conf files contentctl's template ships and we do not (their reload triggers and replication settings go too).
TEMPLATE_ONLY_CONFS = ("analytic_stories", "es_investigations", "use_case_library", "collections", "commands",
                       "workflow_actions")


def _dated(path: str) -> str:
    """Lookup file names with their date stamp replaced by ``<date>`` (each side dates them differently)."""
    return re.sub(r"_\d{8}(\.csv)$", r"_<date>\1", path) if path.startswith("lookups/") else path


def _file_only_theirs(d: Difference) -> str | None:
    if d.key != WHOLE_FILE or d.ours is not None:
        return None
    return next((reason for glob, reason in THEIRS_ONLY_FILES if fnmatch.fnmatchcase(d.file, glob)), None)


def _own_text(d: Difference) -> str | None:
    if d.key != CONTENT:
        return None
    return next((reason for path, reason in OWN_TEXT_FILES if d.file == path), None)


def _manifest_key(d: Difference) -> str | None:
    if d.file != "app.manifest":
        return None
    return next((reason for glob, reason in MANIFEST_KEYS if fnmatch.fnmatchcase(d.stanza, glob)), None)


def _build_stamp(d: Difference) -> bool:
    return d.file == "default/app.conf" and d.stanza == "install" and d.key == "build"


def _template_conf_setting(d: Difference) -> bool:
    """reload triggers / search head replication for .conf files only contentctl's template ships."""
    return d.ours is None and d.file in ("default/app.conf", "default/server.conf") and any(
        d.key in (f"reload.{name}", f"conf_replication_include.{name}") for name in TEMPLATE_ONLY_CONFS)


def _generated_lookup_stanza(d: Difference) -> bool:
    return d.file == "default/transforms.conf" and d.stanza in ("data_sources", "mitre_enrichment") \
        and d.key == "" and d.ours is None


def _lookup_file_date(d: Difference) -> bool:
    return d.file == "default/transforms.conf" and d.key == "filename" and d.ours is not None \
        and d.theirs is not None and _dated("lookups/" + d.ours) == _dated("lookups/" + d.theirs)


def _fields_list(d: Difference) -> bool:
    return d.file == "default/transforms.conf" and d.key == "fields_list" and d.theirs is None


_SOURCETYPE_TECHS = {tech for _, techs in SOURCETYPE_TECHNOLOGIES for tech in techs}


def _sourcetype_technologies(d: Difference) -> bool:
    """Technologies of the data sources' sourcetypes where contentctl, seeing no macro name it knows, writes null."""
    if d.key not in ("action.escu.providing_technologies", "providing_technologies") or d.theirs != "null":
        return False
    ours = _json(d.ours) if d.ours is not None and _is_json(d.ours) else None
    return isinstance(ours, list) and bool(ours) and set(ours) <= _SOURCETYPE_TECHS


def _content_version_unexported(d: Difference) -> bool:
    return d.file == "metadata/default.meta" and d.stanza == "content-version" and d.key == "" \
        and d.theirs is None


def _reason(reason: Callable[[Difference], str | None]) -> Callable[[Difference], bool]:
    return lambda d: reason(d) is not None


INTENDED: tuple[Intended, ...] = (
    Intended("real _entities from the risk objects instead of contentctl's N/A placeholder", _entities),
    Intended("own wording for the [default] placeholder of removed searches", _default_stanza),
    Intended("own wording for the generated <stem>_filter macro description", _filter_description),
    Intended("continuation lines that look like a stanza/comment/setting are indented by one space",
             _indented_continuation),
    Intended("own wording for the experimental/deprecated notice", _status_wording),
    Intended("app.conf build stamp from the build date (SOURCE_DATE_EPOCH / last commit / content), not the "
             "wall clock", _build_stamp),
    Intended("no reload trigger or replication setting for .conf files only contentctl's template ships",
             _template_conf_setting),
    Intended("no data_sources / mitre_enrichment lookups (generated by contentctl, read by no detection)",
             _generated_lookup_stanza),
    Intended("lookup file names dated by the build date (contentctl: the lookup's own date)", _lookup_file_date),
    Intended("fields_list from the lookup's declared fields (contentctl writes none)", _fields_list),
    Intended("providing technologies of the data sources' sourcetypes, read through the pack's own macro name "
             "(contentctl knows only ESCU's macro names: null)", _sourcetype_technologies),
    Intended("[content-version] kept inside the app (export = none): ESCU ships the same stanza and shows it as "
             "its version", _content_version_unexported),
    Intended("file of contentctl's app template or generator the pack does not ship", _reason(_file_only_theirs)),
    Intended("file whose text is ours by design", _reason(_own_text)),
    Intended("app.manifest written to schema 2.0.0 with the app's own metadata", _reason(_manifest_key)),
)


def reason_of(diff: Difference) -> str | None:
    """The detailed reason of a file-level or manifest difference (for reports), when one applies."""
    for explain in (_file_only_theirs, _own_text, _manifest_key):
        found = explain(diff)
        if found:
            return found
    return None


def _values_equal(ours: str, theirs: str, style: JsonStyle) -> bool:
    if ours == theirs:
        return True
    return style == "compact" and _is_json(ours) and _is_json(theirs) and _json(ours) == _json(theirs)


def compare(file: str, ours: Iterable[Stanza], theirs: Iterable[Stanza], style: JsonStyle) -> list[Difference]:
    """All differences between two parsed files; stanza and key order are compared too (as ``<order>``)."""
    our_map = {s.name: s for s in ours}
    their_map = {s.name: s for s in theirs}
    out: list[Difference] = []
    for name in sorted(set(our_map) | set(their_map)):
        if name not in their_map:
            out.append(Difference(file, name, "", "present", None))
            continue
        if name not in our_map:
            out.append(Difference(file, name, "", None, "present"))
            continue
        ok, tk = dict(our_map[name].entries), dict(their_map[name].entries)
        for key in list(ok) + [k for k in tk if k not in ok]:
            o, t = ok.get(key), tk.get(key)
            if o is None or t is None or not _values_equal(o, t, style):
                out.append(Difference(file, name, key, o, t))
        common = [k for k in ok if k in tk]
        if common != [k for k in tk if k in ok]:
            out.append(Difference(file, name, "<order>", ",".join(common), ",".join(k for k in tk if k in ok)))
    return [classify(d) for d in out]


def classify(diff: Difference) -> Difference:
    for rule in INTENDED:
        if rule.applies(diff):
            detail = reason_of(diff)
            name = f"{rule.name}: {detail}" if detail else rule.name
            return Difference(diff.file, diff.stanza, diff.key, diff.ours, diff.theirs, name)
    return diff


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _compare_manifest(ours: bytes, theirs: bytes) -> list[Difference]:
    mine, other = _flatten(json.loads(ours)), _flatten(json.loads(theirs))
    return [Difference("app.manifest", path, "", None if path not in mine else json.dumps(mine[path]),
                       None if path not in other else json.dumps(other[path]))
            for path in sorted(set(mine) | set(other)) if mine.get(path, ...) != other.get(path, ...)]


def _is_conf(path: str) -> bool:
    return path.endswith(".conf") or path.endswith(".meta")


def compare_app(ours: Mapping[str, bytes], theirs: Mapping[str, bytes], style: JsonStyle) -> list[Difference]:
    """Every difference between two apps given as ``{path inside the app: bytes}``, classified."""
    mine = {_dated(path): data for path, data in ours.items()}
    other = {_dated(path): data for path, data in theirs.items()}
    out: list[Difference] = []
    for path in sorted(set(mine) | set(other)):
        if path not in other:
            out.append(classify(Difference(path, "", WHOLE_FILE, "present", None)))
        elif path not in mine:
            out.append(classify(Difference(path, "", WHOLE_FILE, None, "present")))
        elif _is_conf(path):
            try:
                ours_conf = read_conf(mine[path].decode("utf-8"), path).stanzas
                their_conf = read_conf(other[path].decode("utf-8"), f"contentctl:{path}").stanzas
            except (ConfError, UnicodeDecodeError) as exc:
                out.append(Difference(path, "", CONTENT, f"unreadable: {exc}", None))
                continue
            out.extend(compare(path, ours_conf, their_conf, style))
        elif path == "app.manifest":
            out.extend(classify(d) for d in _compare_manifest(mine[path], other[path]))
        elif mine[path] != other[path]:
            out.append(classify(Difference(path, "", CONTENT, f"{len(mine[path])} bytes", f"{len(other[path])} bytes")))
    return out

