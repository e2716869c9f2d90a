"""``contentpack deploy``: put the built app on a Splunk search head, in one of two modes, idempotently.

*package* — ``POST apps/local`` with ``name=<location> filename=true update=true`` (REST API reference,
*Application endpoint descriptions*: "Full Unix or Windows path of the .tgz or .spl app source file. The path
can be on the local disk or a URL"). The location is read by the **server**: a path on the search head or a
URL it can fetch; nothing is uploaded. The installed app's ``version`` is compared with the build's, so a
second run changes nothing (``--force`` reinstalls the same version). Splunk Cloud Platform does not offer
``apps/local`` to customers: private apps are installed through the Admin Config Service (``acs apps install
private``) after AppInspect vetting — this command does not do that, and refuses such a server (and a search
head cluster member, whose apps come from its deployer) by its ``server/info``.

*objects* — the app's saved searches, macros, analytic stories and lookup definitions (``savedsearches``,
``macros``, ``analyticstories``, ``transforms`` .conf stanzas, exactly as the build renders them) are written
one by one through ``configs/conf-<file>`` in the app's namespace (owner ``nobody``). Each stanza is read
first and written only when a key differs, so a second run makes no change. Splunk stores REST writes in the
app's ``local/`` folder, where they override ``default/`` — including a later package upgrade's. The command
warns about it; ``--remove-local`` deletes the local copies of the pack's stanzas so a package's ``default/``
applies again. Lookup CSV files cannot be uploaded through splunkd's REST API (``data/lookup-table-files`` only
moves a file already in the server's staging folder), so objects mode only checks that they are there.

``--dry-run`` reads everything and reports the changes it would make without writing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from splunklib import client
from splunklib.binding import UrlEncoded

from contentpack.esapp.builder import BuiltApp
from contentpack.esapp.conf import Stanza, read_conf
from contentpack.splunk.client import SplunkConnection, SplunkError
from contentpack.splunk.credentials import location_secrets, shown_location

OBJECT_FILES = ("macros", "transforms", "savedsearches", "analyticstories")
LOCAL_WARNING = ("objects mode writes to the app's local/ folder on the server; those copies override default/, "
                 "also after a later package upgrade. Run `contentpack deploy --mode objects --remove-local` "
                 "before switching to package mode")
CLOUD_REFUSAL = ("the server is Splunk Cloud Platform (server/info instance_type cloud), where apps/local is not "
                 "available to customers: install the tarball as a private app with the Admin Config Service "
                 "(acs apps install private), which vets it with AppInspect first")
SHC_REFUSAL = ("the server is a search head cluster member (server/info server_roles {role}): an app installed on "
               "one member is not on the others; untar the tarball into the deployer's "
               "$SPLUNK_HOME/etc/shcluster/apps/ and run splunk apply shcluster-bundle there")
# How splunkd may write back a boolean it was given (assumed: the REST reference shows 0/1 in answers).
_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n"}


@dataclass(frozen=True)
class Change:
    action: str  # create | update | unchanged | remove | absent | install | upgrade | missing
    kind: str
    name: str
    keys: tuple[str, ...] = ()

    @property
    def changes_something(self) -> bool:
        return self.action in ("create", "update", "remove", "install", "upgrade")

    def render(self, dry_run: bool) -> str:
        verb = {"create": "create", "update": "update", "remove": "remove local copy of", "install": "install",
                "upgrade": "upgrade", "unchanged": "unchanged:", "absent": "no local copy of",
                "missing": "missing on the server:"}[self.action]
        if dry_run and self.action == "remove":
            verb = "would remove any local copy of"  # a dry run does not ask whether there is one (remove_local)
        elif dry_run and self.changes_something:
            verb = f"would {verb}"
        keys = f" ({', '.join(self.keys[:6])}{', ...' if len(self.keys) > 6 else ''})" if self.keys else ""
        return f"{verb} {self.kind} {self.name}{keys}"


@dataclass(frozen=True)
class DeployReport:
    changes: tuple[Change, ...]
    warnings: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(1 for change in self.changes if change.changes_something)

    def lines(self) -> list[str]:
        """One line per change, then a summary. An object ``--remove-local`` found no local copy of is counted,
        not listed: after a package install that is every object, one line each said nothing to do. A dry run's
        removals are counted as "up to": it reads each stanza's merged values, which do not say whether a local
        copy is among them, so it cannot know which the real run will find."""
        shown = [c.render(self.dry_run) for c in self.changes
                 if c.action != "unchanged" and (c.action != "absent" or c.kind == "app")]
        unchanged = sum(1 for c in self.changes if c.action == "unchanged")
        absent = sum(1 for c in self.changes if c.action == "absent" and c.kind != "app")
        removals = sum(1 for c in self.changes if c.action == "remove")
        if self.changed == 0:
            shown.append(f"no changes: no local copy of the app's {absent} object(s)" if absent
                         else f"no changes: {unchanged} object(s) already up to date")
        elif self.dry_run and removals:
            shown.append(f"would remove the local copies of up to {removals} object(s): a dry run does not ask "
                         "which have one")
        elif absent:
            shown.append(f"removed the local copies of {removals} object(s), {absent} had none")
        else:
            summary = "would change" if self.dry_run else "changed"
            shown.append(f"{summary} {self.changed} object(s), {unchanged} already up to date")
        return shown


def _same(current: str | None, wanted: str) -> bool:
    if current is None:
        return False
    a, b = current.strip(), wanted.strip()
    if a == b:
        return True
    return (a.lower() in _TRUE and b.lower() in _TRUE) or (a.lower() in _FALSE and b.lower() in _FALSE)


def differing_keys(current: Mapping[str, object], wanted: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """Keys of ``wanted`` whose value on the server is missing or different."""
    out = []
    for key, value in wanted:
        have = current.get(key)
        if not _same(None if have is None else str(have), value):
            out.append(key)
    return tuple(out)


def app_objects(built: BuiltApp) -> dict[str, tuple[Stanza, ...]]:
    """The stanzas of the object .conf files the build renders, by file name (without ``.conf``)."""
    out: dict[str, tuple[Stanza, ...]] = {}
    for name in OBJECT_FILES:
        data = built.files.get(f"default/{name}.conf")
        if data is not None:
            out[name] = read_conf(data.decode("utf-8"), f"default/{name}.conf").stanzas
    return out


# splunklib's post(path, owner, app, sharing, headers, **query) takes these names itself: a .conf key spelled
# like one of them cannot be passed through it.
_RESERVED_KEYS = frozenset({"path_segment", "owner", "app", "sharing", "headers", "name", "body"})


def _checked(conf: str, stanza: Stanza) -> dict[str, str]:
    clash = [key for key, _ in stanza.entries if key in _RESERVED_KEYS]
    if clash:
        raise SplunkError(f"{conf}.conf [{stanza.name}]: key {clash[0]!r} cannot be sent through splunklib")
    return dict(stanza.entries)


def _stanza_path(conf: str, name: str) -> UrlEncoded:
    return UrlEncoded(f"configs/conf-{conf}/", skip_encode=True) + UrlEncoded(name, encode_slash=True)


@dataclass
class _Deployer:
    connection: SplunkConnection
    built: BuiltApp
    dry_run: bool
    changes: list[Change] = field(default_factory=list)

    @property
    def service(self) -> client.Service:
        return self.connection.service

    def installed(self) -> Mapping[str, object] | None:
        """The ``apps/local`` entry of the app on the server (its ``version``, ``author``...), None when it is not
        there."""
        with self.connection.errors(f"look up app {self.built.appid}"):
            try:
                return dict(self.service.apps[self.built.appid].content)
            except KeyError:
                return None

    def installed_version(self) -> str | None:
        """The app's version on the server (:func:`version_of`)."""
        return version_of(self.installed())

    def current(self, conf: str, name: str) -> Mapping[str, object] | None:
        with self.connection.errors(f"read {conf}.conf [{name}]"):
            try:
                entity = client.Collection(self.service, f"configs/conf-{conf}")[name]
            except KeyError:
                return None
            return dict(entity.content)

    def write(self, conf: str, stanza: Stanza) -> None:
        current = self.current(conf, stanza.name)
        if current is None:
            self.changes.append(Change("create", f"{conf}.conf", f"[{stanza.name}]"))
            if not self.dry_run:
                self.create(conf, stanza)
            return
        keys = differing_keys(current, stanza.entries)
        if not keys:
            self.changes.append(Change("unchanged", f"{conf}.conf", f"[{stanza.name}]"))
            return
        self.changes.append(Change("update", f"{conf}.conf", f"[{stanza.name}]", keys))
        if not self.dry_run:
            values = _checked(conf, stanza)
            with self.connection.errors(f"update {conf}.conf [{stanza.name}]"):
                self.service.post(_stanza_path(conf, stanza.name), **{k: values[k] for k in keys})

    def create(self, conf: str, stanza: Stanza) -> None:
        what = f"create {conf}.conf [{stanza.name}]"
        try:
            with self.connection.errors(what):
                self.service.post(f"configs/conf-{conf}", name=stanza.name, **_checked(conf, stanza))
        except SplunkError as exc:
            if exc.status != 409:
                raise
            # someone created it since we looked: write our values over it instead
            with self.connection.errors(f"update {conf}.conf [{stanza.name}]"):
                self.service.post(_stanza_path(conf, stanza.name), **_checked(conf, stanza))

    def remove_local(self, conf: str, stanza: Stanza) -> None:
        if self.current(conf, stanza.name) is None:
            self.changes.append(Change("absent", f"{conf}.conf", f"[{stanza.name}]"))
            return
        if self.dry_run:
            self.changes.append(Change("remove", f"{conf}.conf", f"[{stanza.name}]"))
            return
        try:
            with self.connection.errors(f"remove the local copy of {conf}.conf [{stanza.name}]"):
                self.service.delete(_stanza_path(conf, stanza.name))
            self.changes.append(Change("remove", f"{conf}.conf", f"[{stanza.name}]"))
        except SplunkError as exc:
            if exc.status != 404:
                raise
            self.changes.append(Change("absent", f"{conf}.conf", f"[{stanza.name}]"))

    def lookup_files(self) -> list[str]:
        warnings = []
        for path in sorted(self.built.files):
            if not path.startswith("lookups/"):
                continue
            name = path.split("/", 1)[1]
            with self.connection.errors(f"look up lookup file {name}"):
                try:
                    client.Collection(self.service, "data/lookup-table-files")[name]
                    self.changes.append(Change("unchanged", "lookup file", name))
                except KeyError:
                    self.changes.append(Change("missing", "lookup file", name))
                    warnings.append(f"lookup file {name} is not on the server: splunkd's REST API cannot upload it; "
                                    "deploy the package, or upload it in Splunk Web (Settings > Lookups > Lookup "
                                    "table files)")
        return warnings


def deploy_objects(connection: SplunkConnection, built: BuiltApp, *, dry_run: bool = False,
                   remove_local: bool = False) -> DeployReport:
    """Create or update (or, with ``remove_local``, delete the local copies of) every object of the app."""
    deployer = _Deployer(connection, built, dry_run)
    installed = deployer.installed()
    refusal = another_app(built, installed)
    if refusal is not None:
        raise SplunkError(f"{refusal}; check contentpack.yml app.appid")
    if installed is None:
        if remove_local:
            return DeployReport((Change("absent", "app", built.appid),), (), dry_run)
        deployer.changes.append(Change("create", "app", built.appid))
        if not dry_run:
            with connection.errors(f"create app {built.appid}"):
                connection.service.post("apps/local", name=built.appid, version=built.version, visible="true")
    for conf, stanzas in app_objects(built).items():
        for stanza in stanzas:
            (deployer.remove_local if remove_local else deployer.write)(conf, stanza)
    warnings = [] if remove_local else [LOCAL_WARNING, *deployer.lookup_files()]
    return DeployReport(tuple(deployer.changes), tuple(warnings), dry_run)


def version_of(installed: Mapping[str, object] | None) -> str | None:
    """The version of an ``apps/local`` entry (:meth:`_Deployer.installed`), "" when it has none, None when the app
    is not there."""
    return None if installed is None else str(installed.get("version") or "")


def another_app(built: BuiltApp, installed: Mapping[str, object] | None) -> str | None:
    """Why the app installed under the build's id is another app (its ``author`` set and not the build's), None when
    it may be this pack's (absent, no author, or the same one).

    Why: objects mode writes the pack's stanzas into that app's ``local/`` and package mode's ``update=true``
    replaces it, so an ``appid`` copied from another app's (``DA-ESS-ContentUpdate``,
    ``SplunkEnterpriseSecuritySuite``) changed ESCU or ES itself; package mode read any installed version other
    than the build's as one to upgrade.
    """
    author = "" if installed is None else str(installed.get("author") or "")
    ours = built_author(built)
    if not author or author == ours:
        return None
    return (f"the app {built.appid} on the server is by {author!r}, not by this pack's {ours!r} (app.conf [launcher] "
            "author): deploying would change another app")


def built_author(built: BuiltApp) -> str:
    """The ``[launcher] author`` of the built app.conf: what splunkd's ``apps/local`` entry reports as the app's
    ``author`` once it is installed (assumed: no Splunk page read here lists that entry's keys; third-party
    clients of the endpoint read ``author`` beside ``version``)."""
    for stanza in read_conf(built.files["default/app.conf"].decode("utf-8"), "default/app.conf").stanzas:
        if stanza.name == "launcher":
            return dict(stanza.entries).get("author", "")
    return ""


def package_refusal(info: Mapping[str, Any]) -> str | None:
    """Why ``apps/local`` is the wrong way to install on the server whose ``server/info`` is ``info``; None if
    it is not.

    Splunk's own add-on library reads the same two keys (solnlib ``server_info.py``: ``is_cloud_instance`` is
    ``instance_type == 'cloud'``; ``is_shc_member`` is ``shc_member`` or ``shc_captain`` in ``server_roles``).
    Splunk Cloud Platform installs private apps through the Admin Config Service only, and a search head
    cluster takes apps from its deployer ("You must use the deployer, not the deployment server, to distribute
    apps to cluster members": Distributed Search manual). Asking the server replaces a note printed on every
    run, which a Splunk Enterprise user learned to skip.
    """
    if str(info.get("instance_type", "")).lower() == "cloud":
        return CLOUD_REFUSAL
    roles = info.get("server_roles") or []
    for role in ("shc_captain", "shc_member"):
        if role in ([roles] if isinstance(roles, str) else roles):
            return SHC_REFUSAL.format(role=role)
    return None


def deploy_package(connection: SplunkConnection, built: BuiltApp, location: str, *, dry_run: bool = False,
                   force: bool = False) -> DeployReport:
    """Install or upgrade the app from ``location`` (read by the server) unless that version is installed.
    Messages show the location without its secrets (``credentials.location_secrets``).

    An app of the same id by another author (:func:`another_app`) is refused unless ``force``.

    A server ``apps/local`` cannot serve (:func:`package_refusal`) is a :class:`SplunkError` before anything
    else is asked, a dry run included: the run would be a plan that can never be carried out.
    """
    with connection.errors(f"read server/info at {connection.target.url}"):
        refusal = package_refusal(connection.server_info())
    if refusal is not None:
        raise SplunkError(refusal)
    deployer = _Deployer(connection, built, dry_run)
    installed = deployer.installed()
    version = version_of(installed)
    refusal = another_app(built, installed)
    if refusal is not None and not force:
        raise SplunkError(f"{refusal}; check contentpack.yml app.appid, or pass --force to replace it")
    name = f"{built.appid} {built.version}"
    if version == built.version and not force:
        return DeployReport((Change("unchanged", "app", name),), (), dry_run)
    action = "install" if version is None else "upgrade"
    change = Change(action, "app", name + (f" (installed: {version or 'no version'})" if version is not None else ""))
    if not dry_run:
        connection.hide(location_secrets(location))
        shown = shown_location(location)
        with connection.errors(f"{action} app {built.appid} from {shown}"):
            connection.service.post("apps/local", name=location, filename="true", update="true")
        after = deployer.installed_version()
        if after != built.version:
            raise SplunkError(f"{shown}: the server installed version {after!r} of {built.appid}, not "
                              f"{built.version}: does the location hold this build's tarball?")
    return DeployReport((change,), (), dry_run)
