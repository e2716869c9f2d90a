"""Compatibility check: build the pack with contentctl 5.6.2 and with us, compare the .conf files.

Usage: python scripts/compat_contentctl.py --contentctl .venv-contentctl/bin/contentctl [--root .] [--keep DIR]

Steps: ``contentctl init --bare`` in a scratch folder; copy detections/, macros/, stories/, data_sources/ and
lookups/ in, with our documented YAML extensions removed (contentctl's models forbid unknown keys) and empty
stand-ins for attack-data files (contentctl checks they exist; their content does not reach any .conf) and
inline ``deployment`` blocks spelled out in full (ours override the type default key by key);
write our app settings into contentctl.yml; ``contentctl build``; then compare the whole app with ours in both
JSON styles: which files exist, every .conf and default.meta stanza by stanza and key by key, app.manifest key by
key, lookups and every other file byte for byte (contentpack.esapp.compat.compare_app). Exit 0 when every
difference is on the intended list (contentpack.esapp.compat.INTENDED, each with its reason), 1 otherwise, 2
when contentctl cannot run (its output is shown).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from contentpack.esapp.builder import BuildFailed, render_app
from contentpack.esapp.compat import Difference, compare_app
from contentpack.esapp.dates import BuildDate
from contentpack.esapp.jsonvalues import JSON_STYLES
from contentpack.content.model import Detection, Pack
from contentpack.content.schemas import SchemaKind, schema
from contentpack.content.validate import validate_pack

CONTENT_DIRS = ("detections", "macros", "stories", "data_sources", "lookups")


def _extensions(kind: SchemaKind, *path: str) -> tuple[str, ...]:
    """Our documented YAML extensions, absent from ESCU 5.x: the keys of the object at ``path`` in ``kind``'s
    schema whose description (or that of the definition they refer to) starts "extension". Read from the schema,
    so a key added there is left out of what contentctl reads without a second list to keep (a written list
    once missed expected_risk_events, and contentctl refused every test that used it)."""
    document = schema(kind)
    node: Mapping[str, Any] = document
    for part in path:
        node = node[part]

    def described(value: Mapping[str, Any]) -> str:
        ref = value.get("$ref", "")
        target = document["$defs"].get(ref.removeprefix("#/$defs/"), {}) if ref.startswith("#/$defs/") else {}
        return str(value.get("description") or target.get("description") or "")

    return tuple(key for key, value in node["properties"].items() if described(value).startswith("extension"))


DATA_SOURCE_EXTENSIONS = _extensions("data_source")
UNIT_TEST_EXTENSIONS = _extensions("detection", "$defs", "test")
APP_KEYS = ("appid", "label", "title", "version", "description", "author_name", "author_email", "author_company")


# libyaml where available: rewriting 2,000 detections with the pure-Python loader/dumper takes most of a minute.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# The loader's rules (docs/validation_rules.md, "File layer"): a file failing one of them is not YAML this script
# can read and rewrite for contentctl.
_FILE_LAYER = frozenset(f"CP00{n}" for n in range(1, 10))


def _load(text: str) -> dict:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


def _dump(data: object) -> str:
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)


def run(cmd: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def contentctl_deployment(detection: Detection) -> dict[str, object]:
    """Our effective deployment as a complete contentctl inline ``deployment`` block.

    Our inline block overrides the type's default key by key (an extension); contentctl takes an inline block
    as the whole deployment, so the scratch copy gets every key spelled out.
    """
    effective = detection.effective_deployment
    sched = effective.scheduling
    actions: dict[str, object] = {}
    if effective.notable is not None:
        title = effective.notable.rule_title
        if detection.type == "Correlation":
            title = title.removeprefix("RBA: ")  # contentctl adds the prefix itself for Correlation
        actions["notable"] = {"rule_title": title, "rule_description": effective.notable.rule_description,
                              "nes_fields": list(effective.notable.nes_fields)}
    if effective.rba_enabled:
        actions["rba"] = {"enabled": True}
    return {"scheduling": {"cron_schedule": sched.cron_schedule, "earliest_time": sched.earliest_time,
                           "latest_time": sched.latest_time, "schedule_window": sched.schedule_window},
            "alert_action": actions}


def strip_extensions(tree: Path, detections: dict[str, Detection]) -> None:
    for file in sorted((tree / "data_sources").glob("*.yml")):
        data = _load(file.read_text(encoding="utf-8"))
        for key in DATA_SOURCE_EXTENSIONS:
            data.pop(key, None)
        file.write_text(_dump(data), encoding="utf-8")
    for file in sorted((tree / "detections").rglob("*.yml")):
        data = _load(file.read_text(encoding="utf-8"))
        if "deployment" in data and data.get("name") in detections:
            data["deployment"] = contentctl_deployment(detections[data["name"]])
        for test in data.get("tests") or []:
            for key in UNIT_TEST_EXTENSIONS:
                test.pop(key, None)
            for item in test.get("attack_data") or []:
                ref = str(item.get("data", ""))
                if "://" not in ref:
                    stand_in = tree / ref
                    stand_in.parent.mkdir(parents=True, exist_ok=True)
                    stand_in.touch()
        file.write_text(_dump(data), encoding="utf-8")


def prepare_tree(contentctl: str, root: Path, pack: Pack, scratch: Path) -> Path:
    tree = scratch / "contentctl_tree"
    tree.mkdir()
    init = run([contentctl, "init", "--bare", "--path", str(tree)], tree)
    if init.returncode != 0:
        raise RuntimeError(f"contentctl init failed:\n{init.stdout[-3000:]}\n{init.stderr[-3000:]}")
    for name in CONTENT_DIRS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tree / name, dirs_exist_ok=True)
    strip_extensions(tree, {d.name: d for d in pack.detections if d.has_inline_deployment})
    config_file = tree / "contentctl.yml"
    config = _load(config_file.read_text(encoding="utf-8"))
    for key in APP_KEYS:
        config["app"][key] = getattr(pack.app, key)
    config["app"]["prefix"] = pack.app.label
    config["app"]["uid"] = pack.app.uid or config["app"].get("uid")
    config["enrichments"] = False
    config_file.write_text(_dump(config), encoding="utf-8")
    return tree


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def explain(output: str) -> str:
    """contentctl's findings without colour codes, progress bars and banners: the evidence for the report."""
    lines = [_ANSI.sub("", line).strip() for line in output.splitlines()]
    useful = [line for line in lines if re.search(r"File:|❌|Error|error|Exception|Traceback", line)]
    return "\n".join(useful[-60:]) or "\n".join(line for line in lines if line)[-4000:]


def contentctl_build(contentctl: str, tree: Path, appid: str) -> Path:
    built = run([contentctl, "build"], tree)
    if built.returncode != 0:
        verbose = run([contentctl, "build", "--verbose"], tree)
        raise RuntimeError(f"contentctl build failed (exit {built.returncode}):\n"
                           f"{explain(built.stdout + built.stderr)}\n{explain(verbose.stdout + verbose.stderr)}")
    return tree / "dist" / appid


def read_app(folder: Path) -> dict[str, bytes]:
    """Every file of a built app folder, keyed by its path inside the app."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def report(style: str, diffs: list[Difference]) -> int:
    """Print the differences of one style, grouped by file; return how many are unexpected."""
    bad = [d for d in diffs if d.intended is None]
    files = sorted({d.file for d in diffs})
    print(f"[{style}] {len(diffs)} difference(s) in {len(files)} file(s): {len(diffs) - len(bad)} intended, "
          f"{len(bad)} unexpected")
    for d in diffs:
        print("  " + d.render())
    return len(bad)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contentctl", required=True, help="path of the contentctl 5.6.2 executable")
    parser.add_argument("--root", default=".", help="pack root (default: .)")
    parser.add_argument("--keep", help="keep the scratch contentctl tree in this folder")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    contentctl = shutil.which(args.contentctl) or args.contentctl
    contentctl = str(Path(contentctl).resolve())
    result = validate_pack(root)
    if result.pack is None:
        print("compat: contentpack.yml is unusable; nothing to compare", file=sys.stderr)
        return 1
    unreadable = [d for d in result.errors if d.rule in _FILE_LAYER]
    if unreadable:  # the copy given to contentctl is read and rewritten as YAML: a file that is not YAML stops it
        print("compat: the pack has files that are not valid YAML; fix them first (contentpack validate):\n"
              + "\n".join(d.render() for d in unreadable), file=sys.stderr)
        return 1
    if result.errors:
        print(f"compat: note: the pack has {len(result.errors)} validation error(s); comparing what loaded",
              file=sys.stderr)
    pack = result.pack
    scratch = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="compat-contentctl-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        try:
            tree = prepare_tree(contentctl, root, pack, scratch)
            theirs_dir = contentctl_build(contentctl, tree, pack.app.appid)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            print(f"compat: contentctl could not build the pack: {exc}", file=sys.stderr)
            return 2
        theirs = read_app(theirs_dir)
        unexpected = 0
        for style in JSON_STYLES:
            try:
                ours = render_app(pack, BuildDate(0, "compat"), style).files
            except BuildFailed as exc:
                print("compat: our build failed:\n" + "\n".join(p.render() for p in exc.problems), file=sys.stderr)
                return 1
            diffs = compare_app(ours, theirs, style)
            unexpected += report(style, diffs)
        print("compat: OK, every difference is intended" if not unexpected
              else f"compat: FAILED, {unexpected} unexpected difference(s)")
        return 0 if not unexpected else 1
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
