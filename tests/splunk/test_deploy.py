"""`contentpack deploy` against the splunkd test double (a protocol-level double, not Splunk)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contentpack.content.model import Pack
from contentpack.esapp.builder import render_app
from contentpack.esapp.conf import Stanza
from contentpack.esapp.dates import BuildDate, build_date
from contentpack.esapp.package import tarball_bytes
from contentpack.splunk.deploy import _Deployer, app_objects, differing_keys

from .helpers import FAST, ROOT, cli, connection, token_env
from .splunkd_double import Layered, SplunkdDouble

APP = "DA-ESS-EntraConsent"
DATE = BuildDate(1_764_000_000, "test")


def deploy(capsys: pytest.CaptureFixture[str], double: SplunkdDouble, *extra: str) -> tuple[int, str, str]:
    run = cli(capsys, ["deploy", "--splunk", double.url, "--ca-file", str(double.ca_file), "--root", str(ROOT),
                       *FAST, *extra])
    return run.code, run.out, run.err


def test_objects_deploy_twice_second_run_reports_no_changes(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    code, out, err = deploy(capsys, double)
    assert code == 0, err
    assert "create app DA-ESS-EntraConsent" in out and "create savedsearches.conf [ECP - Entra ID" in out
    assert "contentpack deploy: warning: " in err and "local/" in err  # local/ shadowing package upgrades
    writes = double.state.writes
    stanzas = double.state.confs[(APP, "savedsearches")]
    assert "ECP - Entra ID User Declined OAuth Application Consent - Rule" in stanzas
    code, out, err = deploy(capsys, double)
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("no changes:")
    assert double.state.writes == writes  # nothing was written the second time


def test_dry_run_writes_nothing(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    code, out, _ = deploy(capsys, double, "--dry-run")
    assert code == 0 and "would create app" in out and "would change" in out
    assert double.state.writes == 0 and double.state.apps == {}


def test_an_object_that_already_exists_with_other_values_is_updated(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    assert deploy(capsys, double)[0] == 0
    double.conf(APP, "macros")["entra_id_signin_and_audit_logs"].local["definition"] = "index=tampered"  # type: ignore[index]
    code, out, _ = deploy(capsys, double)
    assert code == 0 and "update macros.conf [entra_id_signin_and_audit_logs] (definition)" in out
    assert double.conf(APP, "macros")["entra_id_signin_and_audit_logs"].merged()["definition"] == "sourcetype=azure:monitor:aad"


def test_create_that_meets_409_updates_instead(double: SplunkdDouble, real_pack: Pack) -> None:
    """Someone created the stanza between our read and our write: splunkd answers 409 (REST API reference,
    response codes: "409 Request error: this operation is invalid for this item"), and we update instead."""
    built = render_app(real_pack, DATE)
    conn = connection(double, app=APP)
    double.conf(APP, "macros")["entra_id_signin_and_audit_logs"] = Layered(local={"definition": "old"})
    stanza = next(s for s in app_objects(built)["macros"] if s.name == "entra_id_signin_and_audit_logs")
    _Deployer(conn, built, dry_run=False).create("macros", stanza)
    assert double.conf(APP, "macros")["entra_id_signin_and_audit_logs"].merged()["definition"] == "sourcetype=azure:monitor:aad"
    assert ("POST", f"/servicesNS/nobody/{APP}/configs/conf-macros") in double.state.requests


@pytest.mark.assumed
def test_remove_local_deletes_the_local_copies(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Assumed (the REST reference documents DELETE on configs/conf-<file>/<stanza>, not which layer it removes):
    DELETE removes the app's local/ copy and what default/ ships stays."""
    token_env(monkeypatch, double)
    assert deploy(capsys, double)[0] == 0
    code, out, _ = deploy(capsys, double, "--remove-local")
    assert code == 0 and "remove local copy of macros.conf [entra_id_signin_and_audit_logs]" in out
    assert all(entry.local is None for conf in double.state.confs.values() for entry in conf.values())
    code, out, _ = deploy(capsys, double, "--remove-local")
    assert code == 0 and out.strip().splitlines()[-1].startswith("no changes:")


def test_objects_mode_reports_lookup_files_it_cannot_upload(
        double: SplunkdDouble, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    code, out, err = deploy(capsys, double)
    assert code == 0 and "missing on the server: lookup file entra_id_known_applications_" in out
    assert "cannot upload" in err


def _tarball(real_pack: Pack, folder: Path, version: str | None = None) -> Path:
    built = render_app(real_pack, build_date(ROOT))  # the date the CLI builds with: same lookup file names
    files = dict(built.files)
    if version is not None:
        files["default/app.conf"] = files["default/app.conf"].replace(
            f"version = {built.version}".encode(), f"version = {version}".encode())
    path = folder / f"{built.appid}.tar.gz"
    path.write_bytes(tarball_bytes(built.appid, files, DATE.epoch))
    return path


def test_package_mode_installs_then_reports_no_changes(double: SplunkdDouble, real_pack: Pack, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """POST apps/local name=<path> filename=true update=true (REST API reference, Application endpoint
    descriptions: "Full Unix or Windows path of the .tgz or .spl app source file ... on the local disk or a URL")."""
    token_env(monkeypatch, double)
    tarball = _tarball(real_pack, tmp_path)
    code, out, err = deploy(capsys, double, "--mode", "package", "--package", str(tarball))
    assert code == 0, err
    assert "install app DA-ESS-EntraConsent 0.1.0" in out
    assert "Splunk Cloud" not in err, err  # a Splunk Enterprise server is told no cloud note
    assert double.state.apps[APP]["version"] == "0.1.0"
    assert double.conf(APP, "macros")["entra_id_signin_and_audit_logs"].default["definition"] == "sourcetype=azure:monitor:aad"
    code, out, _ = deploy(capsys, double, "--mode", "package", "--package", str(tarball))
    assert code == 0 and out.strip().splitlines()[-1].startswith("no changes:")
    # the lookup files came with the package: objects mode now finds them
    code, out, _ = deploy(capsys, double)
    assert code == 0 and "missing on the server" not in out


def test_package_mode_upgrades_an_older_version(double: SplunkdDouble, real_pack: Pack, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    double.state.apps[APP] = {"version": "0.0.9", "label": APP, "visible": "1", "disabled": "0"}
    code, out, err = deploy(capsys, double, "--mode", "package", "--package", str(_tarball(real_pack, tmp_path)))
    assert code == 0, err
    assert "upgrade app DA-ESS-EntraConsent 0.1.0 (installed: 0.0.9)" in out


def test_package_mode_detects_a_location_holding_another_build(double: SplunkdDouble, real_pack: Pack,
                                                               tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    code, _, err = deploy(capsys, double, "--mode", "package", "--package", str(_tarball(real_pack, tmp_path, "9.9")))
    assert code == 2 and "not 0.1.0" in err


def test_package_mode_needs_a_location(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    code, _, err = deploy(capsys, double, "--mode", "package")
    assert code == 2 and "--package" in err


def test_package_mode_options_are_refused_in_objects_mode(double: SplunkdDouble, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`--force` and `--package` do nothing in objects mode (the default): refused as `--remove-local` is in package
    mode, rather than a `deploy --force` that silently forces nothing."""
    token_env(monkeypatch, double)
    for extra in (["--force"], ["--package", "/opt/splunk/DA-ESS-EntraConsent-0.1.0.tar.gz"]):
        code, out, err = deploy(capsys, double, *extra)
        assert (code, out) == (2, "") and err == f"contentpack deploy: error: {extra[0]} belongs to --mode package\n"
    assert double.state.requests == []


@pytest.mark.parametrize(("package", "forbidden", "said"), [
    (True, f"apps/local/{APP}", f"look up app {APP}"),
    (False, "apps/local", f"create app {APP}"),
])
def test_a_failed_request_is_said_as_what_could_not_be_done(
        package: bool, forbidden: str, said: str, double: SplunkdDouble, real_pack: Pack, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A message led by the bare request, ``look up app X: cannot reach URL``, read to a new user as an
    instruction ("look up the app"), not as what failed (``client.failed``)."""
    token_env(monkeypatch, double)
    double.state.forbidden.add(forbidden)
    mode = ["--mode", "package", "--package", str(_tarball(real_pack, tmp_path))] if package else []
    code, _, err = deploy(capsys, double, *mode)
    failed = f"contentpack deploy: error: could not {said}: permission denied (HTTP 403)"
    assert code == 2 and err.startswith(failed), err


@pytest.mark.parametrize("command", [["deploy"], ["replay", "--index", "contentpack_replay"],
                                     ["backtest", "--index", "entra", "--from", "2026-10-05", "--to", "2026-10-06"]])
def test_a_connection_that_cannot_start_is_an_error_worded_as_every_other(
        command: list[str], double: SplunkdDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """README, "Commands": errors read `contentpack <command>: error: <message>` (exit 2) in every command; the
    credentials and the log-in are no exception (they once printed `contentpack deploy: no Splunk credentials...`)."""
    for name in ("SPLUNK_TOKEN", "SPLUNK_USERNAME", "SPLUNK_PASSWORD", "SPLUNK_NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    args = [*command, "--splunk", double.url, "--ca-file", str(double.ca_file), "--root", str(ROOT), *FAST]
    if command[0] == "backtest":
        args += ["--out", str(tmp_path / "out")]
    run = cli(capsys, args)
    assert run.code == 2 and run.err.startswith(f"contentpack {command[0]}: error: no Splunk credentials"), run.err
    monkeypatch.setenv("SPLUNK_TOKEN", "not-the-token")
    run = cli(capsys, args)
    assert run.code == 2 and run.err.startswith(f"contentpack {command[0]}: error: "), run.err


def test_deploy_of_an_invalid_pack_exits_1(double: SplunkdDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    token_env(monkeypatch, double)
    root = tmp_path / "pack"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("attack_data", ".git", "dist", ".venv*", "tests"))
    (root / "macros" / "entra_id_signin_and_audit_logs.yml").write_text("name: entra_id_signin_and_audit_logs\n")
    run = cli(capsys, ["deploy", "--splunk", double.url, "--ca-file", str(double.ca_file), "--root", str(root)])
    assert run.code == 1 and double.state.requests == []


@pytest.mark.assumed
def test_booleans_compare_as_splunk_writes_them_back() -> None:
    """Assumed (no page states it): splunkd may answer a boolean we sent as ``true`` with ``1``; that is no change."""
    assert differing_keys({"disabled": "0", "cron_schedule": "*/5 * * * *"},
                          [("disabled", "false"), ("cron_schedule", "*/5 * * * *")]) == ()
    assert differing_keys({"disabled": "1"}, [("disabled", "false")]) == ("disabled",)
    assert differing_keys({}, [("x", "1")]) == ("x",)


def test_reserved_keys_are_refused() -> None:
    from contentpack.splunk.client import SplunkError
    from contentpack.splunk.deploy import _checked

    with pytest.raises(SplunkError, match="'app'"):
        _checked("savedsearches", Stanza("x", (("app", "y"),)))


def test_remove_local_after_a_package_install_says_there_is_nothing_to_remove(
        double: SplunkdDouble, real_pack: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """After a package install every stanza is default/ only. ``--remove-local --dry-run`` said 'would remove
    local copy of' each of them and 'would change 75 object(s)'; the real run then printed 75 'no local copy of'
    lines and 'no changes: 0 object(s) already up to date' (newuser17). The dry run now says 'any local copy' and
    'up to', and the real run counts the objects that had none in one line."""
    token_env(monkeypatch, double)
    tarball = str(_tarball(real_pack, tmp_path))
    assert deploy(capsys, double, "--mode", "package", "--package", tarball)[0] == 0
    code, out, _ = deploy(capsys, double, "--mode", "package", "--package", tarball)
    assert code == 0 and out.strip().splitlines() == ["no changes: 1 object(s) already up to date"]
    objects = sum(len(stanzas) for stanzas in app_objects(render_app(real_pack, DATE)).values())
    code, out, _ = deploy(capsys, double, "--remove-local", "--dry-run")
    lines = out.strip().splitlines()
    assert code == 0 and "would remove any local copy of macros.conf [entra_id_signin_and_audit_logs]" in lines
    assert lines[-1] == (f"would remove the local copies of up to {objects} object(s): a dry run does not ask which "
                         "have one")
    code, out, _ = deploy(capsys, double, "--remove-local")
    assert code == 0 and out.strip().splitlines() == [f"no changes: no local copy of the app's {objects} object(s)"]


@pytest.mark.parametrize(("info", "said"), [
    ({"instance_type": "cloud"}, "Admin Config Service (acs apps install private)"),
    ({"server_roles": ["search_head", "shc_member"]}, "server_roles shc_member"),
    ({"server_roles": ["shc_captain", "search_head"]}, "splunk apply shcluster-bundle"),
])
@pytest.mark.parametrize("dry_run", [False, True])
def test_package_mode_refuses_a_server_apps_local_cannot_serve(
        double: SplunkdDouble, real_pack: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, info: dict[str, object], said: str, dry_run: bool) -> None:
    """Splunk's add-on library tells the two apart by server/info (solnlib ``server_info.py``:
    ``is_cloud_instance`` reads ``instance_type == 'cloud'``, ``is_shc_member`` looks for ``shc_member`` or
    ``shc_captain`` in ``server_roles``). Splunk Cloud Platform installs private apps through the Admin Config
    Service; a search head cluster's members get apps from the deployer (Distributed Search manual). deploy
    refuses before installing anything, a dry run too, and names what the server said."""
    token_env(monkeypatch, double)
    double.state.server_info.update(info)
    tarball = _tarball(real_pack, tmp_path)
    code, out, err = deploy(capsys, double, "--mode", "package", "--package", str(tarball),
                            *(["--dry-run"] if dry_run else []))
    assert code == 2 and out == "", (code, out, err)
    assert err.startswith("contentpack deploy: ") and said in err and "Traceback" not in err
    # the log-in's check read server/info; the refusal reads that answer again instead of asking a second time
    assert [path for _, path in double.state.requests].count("/services/server/info") == 1
    assert APP not in double.state.apps and double.state.writes == 0


def test_an_app_of_another_author_under_the_same_id_is_left_alone(double: SplunkdDouble, real_pack: Pack,
                                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An ``appid`` copied from another app's (ESCU's ``DA-ESS-ContentUpdate``, ES's own): package mode's
    ``update=true`` replaced that app, as any other version read as one to upgrade, and objects mode wrote the
    pack's stanzas into its ``local/``. The ``apps/local`` entry's ``author`` tells it apart."""
    token_env(monkeypatch, double)
    double.state.apps[APP] = {"version": "7.3.0", "author": "Splunk", "label": APP, "visible": "1", "disabled": "0"}
    tarball = str(_tarball(real_pack, tmp_path))
    for mode in (["--mode", "package", "--package", tarball], []):
        writes = double.state.writes
        code, out, err = deploy(capsys, double, *mode)
        assert code == 2 and out == "", out
        assert ("contentpack deploy: error: the app DA-ESS-EntraConsent on the server is by 'Splunk', not by this "
                "pack's 'Contoso Detection Engineering' (app.conf [launcher] author): deploying would change another "
                "app; check contentpack.yml app.appid") in err, err
        assert double.state.writes == writes and double.state.apps[APP]["version"] == "7.3.0"
    code, out, err = deploy(capsys, double, "--mode", "package", "--package", tarball, "--force")
    assert code == 0 and "upgrade app DA-ESS-EntraConsent 0.1.0 (installed: 7.3.0)" in out, err
    # installed now, by the pack's own author: both modes go on
    assert deploy(capsys, double)[0] == 0
    assert deploy(capsys, double, "--mode", "package", "--package", tarball)[0] == 0
