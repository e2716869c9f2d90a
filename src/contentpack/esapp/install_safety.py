"""The build-time guard: no .conf of the app exports a ``[default]`` stanza to the whole search head.

Why: settings in a ``[default]`` stanza apply to every stanza of that .conf file the app's scope reaches. The
app exports its objects system-wide (ES reads the correlation searches from its own app), so without a
guard a ``[default]`` stanza of ``savedsearches.conf`` holding ``disabled = 1`` reaches every saved search of
every app that does not set ``disabled`` itself. That is what disabled searches across whole Splunk
deployments when contentctl added such a stanza and its app template lost the guard (splunk/contentctl issue
476, splunk/security_content issue 3892). The guard is contentctl's own: ``[<conf>/default]`` with
``export = none`` in ``metadata/default.meta``, which keeps that one object inside the app.

The check reads the built files back, as Splunk would: for every ``default/<conf>.conf`` with a ``[default]``
stanza that holds settings (including settings written before any stanza, which Splunk files under
``[default]``), the metadata stanza that decides that object's export (``[<conf>/default]``, else
``[<conf>]``, else ``[]``; the most specific one wins, Admin Manual "Set access controls with default.meta")
must not say ``export = system``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from contentpack.content.diagnostics import Diagnostic
from contentpack.esapp.build_rules import CONF_FILE, build_error, conf_problem
from contentpack.esapp.conf import ConfError, Stanza, read_conf

META = "metadata/default.meta"


def export_of(meta: Mapping[str, Mapping[str, str]], conf: str, name: str) -> str:
    """The ``export`` value that applies to object ``<conf>/<name>`` (``none`` when nothing says otherwise)."""
    for stanza in (f"{conf}/{name}", conf, ""):
        settings = meta.get(stanza)
        if settings is not None and "export" in settings:
            return settings["export"].strip()
    return "none"


def _stanzas(files: Mapping[str, bytes], read: Mapping[str, Sequence[Stanza]], path: str) -> Sequence[Stanza]:
    if path in read:
        return read[path]
    return read_conf(files.get(path, b"").decode("utf-8"), path).stanzas


def _unreadable(path: str, exc: ConfError | UnicodeDecodeError, lead: str) -> Diagnostic:
    """A file the check cannot read (BD004): at the line the reader names (``ConfError.line``) when it names
    one, else at the file, as the build reports a .conf that does not read back."""
    if isinstance(exc, ConfError):
        return conf_problem(path, exc, lead)
    return build_error(path, CONF_FILE, f"{lead}{exc}")


def exported_default_problems(files: Mapping[str, bytes],
                              read: Mapping[str, Sequence[Stanza]] | None = None) -> list[Diagnostic]:
    """Problems (empty when safe) for an app given as ``{path in the app: bytes}``, each at its file, and at the
    line of an unreadable one when the reader names it (BD004).

    ``read``: stanzas already read back from some of those files by the same reader (the build's round-trip
    check reads every .conf it writes), so a big savedsearches.conf is not read twice.
    """
    read = read or {}
    problems: list[Diagnostic] = []
    try:
        meta = {s.name: dict(s.entries) for s in _stanzas(files, read, META)}
    except (ConfError, UnicodeDecodeError) as exc:
        return [_unreadable(META, exc, "cannot be read to check exported [default] stanzas: ")]
    for path in sorted(files):
        if not (path.startswith("default/") and path.endswith(".conf") and path.count("/") == 1):
            continue
        conf = path.removeprefix("default/").removesuffix(".conf")
        try:
            stanzas = _stanzas(files, read, path)
        except (ConfError, UnicodeDecodeError) as exc:
            problems.append(_unreadable(path, exc, "cannot be read to check its [default] stanza: "))
            continue
        for stanza in stanzas:
            if stanza.name != "default" or not stanza.entries:
                continue
            export = export_of(meta, conf, "default")
            if export == "system":
                keys = ", ".join(key for key, _ in stanza.entries)
                problems.append(build_error(
                    path, CONF_FILE,
                    f"its [default] stanza ({keys}) is exported system-wide by {META}, so it would change "
                    f"every app's {conf} objects; add [{conf}/default] with export = none to {META} "
                    "or drop the stanza"))
    return problems
