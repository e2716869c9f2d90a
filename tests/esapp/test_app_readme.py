"""The built app's README.md tells the Splunk admin installing it on a shared search head what the app cannot set
for them, from the pack's own objects (docs/build.md, "The app's README")."""

from __future__ import annotations

from real_pack_runs import real_pack

from contentpack.esapp.builder import render_app
from contentpack.esapp.dates import BuildDate


def _readme() -> str:
    return render_app(real_pack(), BuildDate(1767225600, "SOURCE_DATE_EPOCH")).files["README.md"].decode("utf-8")


def test_it_says_to_set_the_index_of_the_data_source_macro() -> None:
    """The macro's own description: "Edit the definition to add the index (and source) your environment writes
    these records to". A scheduled search runs as its owner (default.meta: ``owner = admin``) and, naming no
    index, reads the role's ``srchIndexesDefault`` only (docs/splunk.md, "Indexes")."""
    text = _readme()
    assert ("- **Set the index in the `entra_id_signin_and_audit_logs` macro.** Its definition, "
            "`sourcetype=azure:monitor:aad`, names no index.") in text
    assert "(`srchIndexesDefault`)" in text and "`index=<your index> sourcetype=azure:monitor:aad`" in text


def test_it_names_the_date_stamped_lookup_files_and_how_to_keep_local_rows() -> None:
    """The build ships ``lookups/<stem>_<YYYYMMDD>.csv`` (esapp.transforms): a new version's transforms.conf names a
    new file, so rows added inside the installed app are left behind; the pack's docs (detections_overview.md,
    "Tuning") keep them in the source CSV."""
    text = _readme()
    assert ("  - `entra_id_known_applications` (`lookups/entra_id_known_applications_20260101.csv`, from the pack's "
            "`lookups/entra_id_known_applications.csv`): Client and resource applications") in text
    assert "rows added to a file inside the installed app are not read after an upgrade" in text
    assert "Keep your rows in the pack's source file and rebuild the app" in text
    assert "(`| inputlookup entra_id_known_applications`), never by a file name" in text


def test_it_explains_the_system_wide_export_and_allow_skew() -> None:
    text = _readme()
    assert "## Sharing and scheduling" in text
    assert "exports its objects system-wide (`metadata/default.meta`: `export = system`), as ESCU does" in text
    assert "every macro and lookup name starts with `entra_id_`" in text
    assert "`allow_skew = 100%`, as ESCU's do" in text and "*Offset scheduled search start times*" in text


def test_it_names_the_add_on_the_searches_need() -> None:
    """The searches read the fields the Splunk Add-on for Microsoft Cloud Services extracts; the admin installing
    the app from its tarball read of the add-on nowhere in it. It is named from the data sources' supported_TA."""
    assert ("The searches read the fields extracted at search time by **Splunk Add-on for Microsoft Cloud Services** "
            "(https://splunkbase.splunk.com/app/3110), written against version 5.0.0: install it on the same search "
            "head(s), or the searches find nothing.") in _readme()


def test_it_names_each_detection_s_filter_macro() -> None:
    """'Tune false positives by overriding each detection's `<name>_filter` macro' left the admin to guess that
    `<name>` is the file stem (Entra ID OAuth Consent Granted by Guest User's macro is
    entra_id_oauth_consent_granted_by_guest_user_filter), never shown in ES; each detection's line names it."""
    text = _readme()
    assert ("- **Entra ID Tenant-Wide Admin Consent Granted** (TTP, production) - disabled by default; filter macro "
            "`entra_id_tenant_wide_admin_consent_granted_filter`") in text
    assert "`<name>_filter`" not in text


def test_it_says_how_to_install_on_a_search_head_cluster() -> None:
    """Splunk, Distributed Search manual, *Use the deployer to distribute apps and configuration updates*: "You must
    use the deployer, not the deployment server, to distribute apps to cluster members"; the manifest declares
    _search_head_clustering, and the README said only 'search head(s)'."""
    assert ("On a search head cluster, install it through the deployer (`$SPLUNK_HOME/etc/shcluster/apps/` there, "
            "then `splunk apply shcluster-bundle`), not on a member") in _readme()


def test_it_says_the_saved_searches_owner_must_exist() -> None:
    """default.meta makes ``admin`` the owner of every saved search; Splunk's Knowledge Manager Manual, *Manage
    orphaned knowledge objects*: "The search scheduler cannot run a scheduled report on behalf of a nonexistent
    owner". A shared search head without that user ran none of the pack's searches, with nothing in the README
    saying why."""
    text = _readme()
    assert "- **Check that the user `admin` exists**: the scheduler does not run a scheduled search whose owner" in text
    assert "Reassign Knowledge Objects" in text
