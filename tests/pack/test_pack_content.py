"""Facts about the real pack's content that a schema cannot see: how the searches are written, what they
need from macros and lookups, the 65001-vs-65004 separation, and the add-on field emulation data."""

from __future__ import annotations

import re
from typing import Any

import yaml

from contentpack import attack
from contentpack.content.model import detection_file_stem
from contentpack.content.spl_macros import pack_macros
from contentpack.content.validate import validate_pack
from contentpack.spl.macros import expand_text

from .pack_content_files import REPO, ContentFile, csv_header, csv_rows, detection_named

LABEL = yaml.safe_load((REPO / "contentpack.yml").read_text(encoding="utf-8"))["app"]["label"]
MACRO_CALL = re.compile(r"`([^`\s(]+)(?:\(([^`]*)\))?`")
LOOKUP_CALL = re.compile(r"\|\s*lookup\s+(\S+)\s+(\S+)(?:\s+as\s+\S+)?\s+OUTPUT(?:NEW)?\s+([^|]+)", re.I)
DECLINE_DETECTIONS = (
    "Entra ID User Declined OAuth Application Consent",
    "Entra ID OAuth Consent Declined by Many Users",
    "Entra ID OAuth Consent Declined Across Many Applications",
    "Entra ID OAuth Consent Declined Across Many Applications Over a Day",
)


def test_pack_has_the_first_detection_and_the_story(detections: list[ContentFile], stories: list[ContentFile]) -> None:
    first = detection_named(detections, "Entra ID User Declined OAuth Application Consent")
    assert "properties.status.errorCode=65004" in first.data["search"]
    # a single refusal is risk only (docs/detections_overview.md, "Risk model"): ESCU's TTP becomes an Anomaly
    assert first.data["type"] == "Anomaly" and first.data["status"] == "production"
    assert [s.data["name"] for s in stories] == ["Entra ID OAuth Consent Abuse"]
    assert len(detections) >= 8


def test_names_fit_contentctl_limits_and_file_names(detections: list[ContentFile]) -> None:
    for item in detections:
        name = item.data["name"]
        assert len(name) <= 67, name
        assert len(f"{LABEL} - {name} - Rule") <= 81, name
        assert item.path.name == detection_file_stem(name) + ".yml"
        assert item.path.parent == REPO / "detections" / "cloud"
        assert f"`{detection_file_stem(name)}_filter`" in item.data["search"]


def test_every_macro_a_search_uses_exists_with_its_arity(
    detections: list[ContentFile], macros: list[ContentFile]
) -> None:
    defined = {(m.data["name"], len(m.data.get("arguments", []))) for m in macros}
    for item in detections:
        texts = [item.data["search"]] + [d["search"] for d in item.data.get("drilldown_searches", [])]
        for text in texts:
            for name, args in MACRO_CALL.findall(text):
                if name == detection_file_stem(item.data["name"]) + "_filter":
                    continue
                arity = len(args.split(",")) if args else 0
                assert (name, arity) in defined, f"{item.path.name}: macro {name}({arity}) is not defined"


def test_a_macro_a_description_credits_is_one_its_search_calls(detections: list[ContentFile]) -> None:
    """A description's ``(macro NAME ...)`` names the macro the detection's search calls for that step, not one a
    called macro runs inside: User Consent Policy Weakened credited its user-by-object-id fallback to
    ``entra_id_initiating_user`` after v25 made it call ``entra_id_grant_initiator``, and Per-User Delegated
    Permission Grant Made Without Consent its added scopes to ``entra_id_mv_added`` (run by
    ``entra_id_grant_scope_added``); a reader searching the search for the name found nothing."""
    for item in detections:
        called = {name for name, _ in MACRO_CALL.findall(item.data["search"])}
        for credited in re.findall(r"\(macro (\w+)", item.data["description"]):
            assert credited in called, f"{item.path.name}: the description credits macro {credited}, not called"


def test_lookups_used_by_searches_exist_with_the_fields_they_read(
    detections: list[ContentFile], lookups: list[ContentFile]
) -> None:
    by_name = {lk.data["name"]: lk for lk in lookups}
    used = 0
    for item in detections:
        for name, key, outputs in LOOKUP_CALL.findall(item.data["search"]):
            used += 1
            assert name in by_name, f"{item.path.name}: lookup {name} has no lookups/{name}.yml"
            header = csv_header(by_name[name].path.with_suffix(".csv"))
            assert key in header
            # OUTPUT a [AS b] c ...: every word that is not AS or the name after an AS is a lookup column
            words = outputs.split()
            columns = [w for i, w in enumerate(words) if w.lower() != "as" and (i == 0 or words[i - 1].lower() != "as")]
            assert columns and set(columns) <= set(header), f"{item.path.name}: {columns}"
    assert used >= 2


# A lookup keyed by more than its first column: the columns its searches match on (macro entra_id_scope_risk).
KEY_COLUMNS = {"entra_id_risky_oauth_resource_scopes": ("resource_app_id", "scope")}


def test_lookup_files_are_well_formed(lookups: list[ContentFile]) -> None:
    for lk in lookups:
        assert lk.path.stem == lk.data["name"]
        rows = csv_rows(lk.path.with_suffix(".csv"))
        assert rows, lk.path
        columns = KEY_COLUMNS.get(lk.path.stem, (csv_header(lk.path.with_suffix(".csv"))[0],))
        keys = [tuple(r[column].lower() for column in columns) for r in rows]
        assert len(keys) == len(set(keys)), f"duplicate keys in {lk.path.name}"


def test_known_applications_are_keyed_by_guid(lookups: list[ContentFile]) -> None:
    guid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    rows = csv_rows(REPO / "lookups" / "entra_id_known_applications.csv")
    assert all(guid.match(r["appId"]) for r in rows)
    assert {"true", "false"} >= {r["first_party"] for r in rows}


# Microsoft applications that Microsoft gives one display name and several application ids: Microsoft Learn,
# "Verify first-party Microsoft applications in sign-in reports" (its table of commonly used applications, 2023-12-05
# edition, MicrosoftDocs/SupportArticles-docs), and Microsoft Graph's applications owned by Microsoft's service tenant
# f8cdef31-a31e-4b4a-93e4-5f571e91255a (merill/microsoft-info, _info/MicrosoftApps.csv). None of the display names
# the lookup's Microsoft rows give is among them.
MICROSOFT_TWINS = {
    "Media Analysis and Transformation Service": {"944f0bd1-117b-4b1c-af26-804ed95e767e",
                                                  "0cd196ee-71bf-4fd6-a57c-b491ffd4fb1e"},
    "Microsoft Approval Management": {"65d91a3d-ab74-42e6-8a2f-0add61688c74", "38049638-cc2c-4cde-abe4-4479d721ed44"},
    "Microsoft Teams Web Client": {"5e3ce6c0-2b1f-4285-8d4b-75ee78787346", "e1829006-9cf1-4d05-8b48-2e665cb48e6a"},
    "Microsoft To-Do": {"c830ddb0-63e6-4f22-bd71-2ad47198a23e", "2087bd82-7206-4c0a-b305-1321a39e5926"},
}


def test_known_applications_list_every_id_microsoft_gives_a_listed_name() -> None:
    """Prompts for Unlisted Application marks an unlisted application whose name is a listed one's, so a row for
    one of Microsoft's same-named registrations alone would mark the other, Microsoft's own, as imitating it: the
    false alarm that teaches analysts to ignore the mark. Its ids are listed all together or not at all."""
    rows = csv_rows(REPO / "lookups" / "entra_id_known_applications.csv")
    listed = {r["appId"].lower() for r in rows}
    names = {r["app_name"] for r in rows}
    for name, ids in MICROSOFT_TWINS.items():
        assert not (listed & ids) or ids <= listed, f"{name}: list all of {sorted(ids)} or none"
        assert name not in names or ids <= listed, f"{name} is listed without all of {sorted(ids)}"


def test_scope_parsing_regexes_survive_yaml_unchanged(
    detections: list[ContentFile], macros: list[ContentFile]
) -> None:
    """ESCU's 2025 reformatting turned ``"Scope: (?<Scope>[^,]+)"`` into a different regex through YAML
    double-quote escaping (escu_format.md §2 finding 4); assert the regexes *after* YAML parsing. Scopes and the
    consent type are read by one macro, from the new side of ``[old grants] => [new grants]``."""
    risky = detection_named(detections, "Entra ID User Consent Granted for Risky Delegated Scopes").data["search"]
    assert 'mvfind(property_name, "^ConsentAction\\.Permissions$")' in risky
    assert 'mvfind(property_name, "^ConsentContext\\.OnBehalfOfAll$")' in risky
    assert 'mvfind(detail_key, "^AppId$")' in risky
    for name in ("Entra ID User Consent Granted for Risky Delegated Scopes", "Entra ID Tenant-Wide Admin Consent Granted",
                 "Entra ID User Consent Blocked for Risky Application",
                 "Entra ID OAuth Consent Granted to Application Other Users Declined"):
        search = detection_named(detections, name).data["search"]
        assert "`entra_id_consent_new_permissions(permissions)`" in search and "Scope: (?<" not in search, name
    [macro] = [m.data["definition"] for m in macros if m.data["name"] == "entra_id_consent_new_permissions"]
    # the sides split at the first "=>": a scope value may hold "=>" (permissionScope allows "=", ">", "[" and "]",
    # https://learn.microsoft.com/en-us/graph/api/resources/permissionscope); a split too early can only move old
    # grants to the new side (more reported), never a new grant to the old side, as the bracket-matching split did
    split = r"^(?<consent_old_side>[\s\S]*?)=>(?<consent_new_side>[\s\S]*)$"
    assert f'rex field=$permissions$ "{split}"' in macro
    assert "consent_new_side=coalesce(consent_new_side, $permissions$)" in macro
    # the consent type at the grant's first "ConsentType:": the fields before it are ids Entra writes, a later one
    # only the text of a scope value (permissionScope allows ":"), which made a user's own consent look tenant-wide
    consent_type = r"^.*?ConsentType:\s*([^,\]]*).*$"
    assert '"^.*Scope:\\s*([^,\\]]*).*$"' in macro and f'"{consent_type}"' in macro
    own_api = "[Id: j, ConsentType: Principal, Scope: ConsentType:AllPrincipals, CreatedDateTime: ]"
    assert re.sub(consent_type, r"\1", own_api) == "Principal"
    sample = ("[[Id: g, ConsentType: AllPrincipals, Scope: User.Read, CreatedDateTime: ]] => "
              "[[Id: g, ConsentType: AllPrincipals, Scope: User.Read, CreatedDateTime: ], "
              "[Id: h, ConsentType: Principal, Scope: Mail.Read, CreatedDateTime: ], "
              "[Id: i, ConsentType: Principal, Scope: ]]=>, CreatedDateTime: ]]; ")
    sides = re.fullmatch(split.replace("(?<", "(?P<"), sample)
    assert sides is not None
    left, right = sides.groups()
    assert "Scope: Mail.Read" not in left and "Principal, Scope: Mail.Read" in right
    assert right.startswith(" [[Id: g")


def test_decline_detections_key_on_65004_only(detections: list[ContentFile]) -> None:
    """AADSTS65001 (consent missing) is not a decision; only 65004 may feed the decline detections (read with
    their macros expanded: the three campaign detections open with ``entra_id_unlisted_consent_refusals``)."""
    pack = validate_pack(REPO).pack
    assert pack is not None
    macros = pack_macros(pack)
    for name in DECLINE_DETECTIONS:
        search = expand_text(detection_named(detections, name).data["search"], macros)
        assert "properties.status.errorCode=65004" in search
        assert "65001" not in search
    hunting = detection_named(detections, "Entra ID OAuth Consent Prompts for Unlisted Application").data
    assert hunting["type"] == "Hunting"
    assert "properties.status.errorCode=65001" in hunting["search"] and "65004" not in hunting["search"]


def test_audit_searches_read_the_initiator_and_the_target_name_from_the_whole_record(
        detections: list[ContentFile]) -> None:
    """Automatic JSON extraction reads an event's first 5,000 bytes (limits.conf ``[spath] extraction_cutoff``) and
    an audit record's caller-chosen User-Agent comes before ``initiatedBy`` and ``targetResources`` (assumed,
    attack_data/real_records/README.md), so each detection lost who acted, or the application's name, behind a
    long one (docs/content_changes.md, 2026-12-07). Every search that reads audit records
    (``entra_id_audit_fields``) runs ``entra_id_initiator_fields`` before anything reads ``initiatedBy``, and every
    search that reads ``targetResources{}.displayName`` runs ``entra_id_target_name_fields`` first (read with
    their macros expanded: the tiers run both inside ``entra_id_application_permission_grants``), so a new audit
    detection cannot leave either to automatic extraction. The searches that must are those of the detections
    reading audit records (a data source other than the sign-ins), not a count: pinned at 10, it failed a new audit
    detection that followed every convention with ``assert 11 == 10``, and let one leave ``entra_id_audit_fields``
    out as long as it read no ``initiatedBy``."""
    pack = validate_pack(REPO).pack
    assert pack is not None
    macros = pack_macros(pack)
    audit, initiator, name = (expand_text(f"`{m}`", macros) for m in
                              ("entra_id_audit_fields", "entra_id_initiator_fields", "entra_id_target_name_fields"))
    reading_audit = {item.path.name for item in detections
                     if any(source != "Azure Active Directory Sign-in activity" for source in item.data["data_source"])}
    audit_searches: set[str] = set()
    for item in detections:
        search = expand_text(item.data["search"], macros)
        if audit not in search:
            assert "initiatedBy" not in search, item.path.name
            continue
        audit_searches.add(item.path.name)
        assert initiator in search, item.path.name
        assert "initiatedBy" not in search[:search.index(initiator)].replace(audit, ""), item.path.name
        if "targetResources{}.displayName" in search.replace(name, ""):
            assert name in search, item.path.name
            assert "targetResources{}.displayName" not in search[:search.index(name)], item.path.name
    # each detection of audit records calls entra_id_audit_fields (directly or through a macro), and no other does
    assert audit_searches == reading_audit and reading_audit


def test_drilldowns_key_on_values_an_attacker_cannot_choose(
    detections: list[ContentFile], data_sources: list[ContentFile]
) -> None:
    attacker_fields = {f for ds in data_sources for f in ds.data.get("attacker_controlled_fields", [])}
    attacker_fields |= {"appDisplayName", "status.failureReason"}
    for item in detections:
        for drill in item.data.get("drilldown_searches", []):
            tokens = set(re.findall(r"\$([^$\s]+)\$", drill["name"] + drill["search"]))
            tokens -= {"info_min_time", "info_max_time"}
            assert tokens, drill["name"]
            assert not tokens & attacker_fields, f"{item.path.name}: drilldown keyed on {tokens & attacker_fields}"


def test_rba_fields_and_message_tokens_occur_in_the_search(detections: list[ContentFile]) -> None:
    for item in detections:
        rba = item.data.get("rba")
        if rba is None:
            assert item.data["type"] in ("Hunting", "Correlation")
            continue
        search = item.data["search"].lower()
        for obj in rba["risk_objects"] + rba["threat_objects"]:
            assert obj["field"].lower() in search
        for token in re.findall(r"\$([^\s.]*)\$", rba["message"]):
            assert token.lower() in search, f"{item.path.name}: ${token}$"


def test_output_fields_of_data_sources_are_in_every_search(
    detections: list[ContentFile], data_sources: list[ContentFile]
) -> None:
    by_name = {ds.data["name"]: ds.data for ds in data_sources}
    for item in detections:
        for source in item.data.get("data_source", []):
            for part in source.split(" AND "):
                assert part in by_name, f"{item.path.name}: unknown data source {part}"
                for out in by_name[part]["output_fields"]:
                    assert out in item.data["search"], f"{item.path.name}: {out}"


def test_data_sources_of_one_sourcetype_share_the_same_search_time_fields(data_sources: list[ContentFile]) -> None:
    """The add-on's knowledge objects belong to the sourcetype; each data source repeats them so the replay
    engine can read them from whichever data source a detection names — they must never drift apart."""
    blocks: dict[str, list[Any]] = {}
    for ds in data_sources:
        blocks.setdefault(ds.data["sourcetype"], []).append(ds.data["search_time"])
    for sourcetype, found in blocks.items():
        assert all(block == found[0] for block in found), sourcetype
    aad = blocks["azure:monitor:aad"][0]
    aliases = {(a["source_field"], a["alias"]) for a in aad["field_aliases"]}
    assert {("tenantId", "dest"), ("tenantId", "vendor_account"), ("callerIpAddress", "src"),
            ("operationName", "signature")} <= aliases
    calculated = {c["field"]: c["expression"] for c in aad["calculated_fields"]}
    assert calculated["vendor_product"] == '"Azure AD"'
    assert calculated["user"].startswith("coalesce('properties.initiatedBy.user.userPrincipalName'")
    assert calculated["status"] == 'case(\'properties.result\'=="success", "success", true(), "failure")'


def test_attacker_controlled_fields_include_names_and_user_agents(data_sources: list[ContentFile]) -> None:
    for ds in data_sources:
        fields = set(ds.data["attacker_controlled_fields"])
        assert {"properties.appDisplayName", "properties.userAgent", "properties.targetResources{}.displayName"} <= fields
        assert not fields & {"properties.appId", "properties.userPrincipalName", "callerIpAddress", "tenantId"}


def test_mitre_ids_exist_and_are_current(detections: list[ContentFile]) -> None:
    catalog = attack.load()
    for item in detections:
        for technique_id in item.data["tags"].get("mitre_attack_id", []):
            technique = catalog.technique(technique_id)
            assert technique is not None, f"{item.path.name}: {technique_id}"
            assert not (technique.revoked or technique.deprecated), f"{item.path.name}: {technique_id}"


def test_every_test_points_at_committed_attack_data(detections: list[ContentFile]) -> None:
    for item in detections:
        for test in item.data.get("tests", []):
            for data in test["attack_data"]:
                assert (REPO / data["data"]).is_file(), f"{item.path.name}: {data['data']}"
                assert data["source"] == "Azure AD" and data["sourcetype"] == "azure:monitor:aad"
            assert isinstance(test["expected_results"], int)


def test_ids_are_unique_across_content(
    detections: list[ContentFile], macros: list[ContentFile], stories: list[ContentFile],
    data_sources: list[ContentFile], lookups: list[ContentFile],
) -> None:
    ids = [c.data["id"] for group in (detections, stories, data_sources, lookups) for c in group]
    assert len(ids) == len(set(ids))
    names = [c.data["name"] for group in (detections, macros, stories, data_sources, lookups) for c in group]
    assert len(names) == len(set(names))


def test_no_third_party_prose_from_escu(detections: list[ContentFile]) -> None:
    """Our descriptions are our own: none repeats the opening sentence ESCU uses for its consent detections."""
    for item in detections:
        assert "The following analytic" not in item.data["description"]


def test_fillnull_names_its_fields_and_users_are_lower_cased_before_grouping(detections: list[ContentFile]) -> None:
    """A bare ``fillnull`` before ``stats`` turns a missing user into the user "0"; a UPN's letter case differs
    between records, so ``user`` is lower-cased before any search groups or compares by it (in the search or a
    macro it calls: the search is read with its macros expanded, as the engine expands them)."""
    pack = validate_pack(REPO).pack
    assert pack is not None
    macros = pack_macros(pack)
    for item in detections:
        search = expand_text(item.data["search"], macros)
        for segment in (s.strip() for s in search.split("|")):
            if segment.startswith("fillnull"):
                assert re.fullmatch(r'fillnull value="[^"]+"( \w+)+', segment), f"{item.path.name}: {segment}"
        if re.search(r"\b(by|dc\(|values\()[^|]*\buser\b", search) and not search.startswith("| from datamodel"):
            first_use = re.search(r"\|\s*(stats|eventstats)[^|]*\buser\b", search)
            assert first_use is not None, item.path.name
            assert re.search(r"user=lower\((coalesce\()?user", search[:first_use.start()]), item.path.name


def test_every_detection_has_a_raw_event_drilldown_keyed_on_ids(detections: list[ContentFile]) -> None:
    """Besides ESCU's pair, a drilldown to the sign-in and audit records behind the finding, keyed on the
    application id and the lower-cased UPN, the user's object id or the client service principal's (values the
    attacker does not choose: the directory assigns the ids), or on the tenant id (``dest``) where the finding is
    a count over the tenant (Declined Across Many Applications), or on the application ids of the wave a correlation's
    campaign score rests on (``campaign_app_id``, sign-ins' ``appId`` values), or the application a grant's refusal
    named (``declined_app_id``, Granted After User Declined), never on a display name. Every finding is per
    tenant, so the drilldown keeps to its tenant, as the field ``tenantId`` (a guest's sign-in carries its home
    tenant's id too): neither an application id nor a UPN (a guest's sign-ins carry their home address in every
    tenant) does, nor Granted After User Declined's user_id, which is the address when the records name the user
    by no object id (test_pack_drilldown_keys.py shows its drilldown over two tenants)."""
    pack = validate_pack(REPO).pack
    assert pack is not None
    macros = pack_macros(pack)
    for item in detections:
        raw = [d for d in item.data.get("drilldown_searches", [])
               if d["name"].startswith("View the sign-in and audit events behind the finding")]
        assert len(raw) == 1, item.path.name
        search = raw[0]["search"]
        assert search.startswith("`entra_id_signin_and_audit_logs`") and "%original_detection_search%" not in search
        tokens = set(re.findall(r"\$([^$\s]+)\$", search))
        assert tokens and tokens <= {"app_id", "client_app_id", "campaign_app_id", "declined_app_id", "target_id",
                                     "client_sp_id", "user", "user_id", "dest"}, item.path.name
        if "user" in tokens:
            # lower-cased in the drilldown or a macro it calls (entra_id_grant_initiator names the user as the search)
            assert "lower(" in expand_text(search, macros) and 'user="$user$"' in search, item.path.name
        assert search.startswith('`entra_id_signin_and_audit_logs` tenantId="$dest$" '), item.path.name


def test_every_results_drilldown_keeps_to_the_findings_tenant(detections: list[ContentFile]) -> None:
    """ESCU's "View the detection results" re-runs the detection and keeps the finding's rows: every finding is
    per tenant, and an application id, a UPN (a guest's sign-ins carry their home address in every tenant) or a
    service principal's name can be another tenant's too, so the first key is the tenant (``dest``); keyed on
    ``app_id`` alone, the correlation's listed every tenant's finding on a multi-tenant application
    (test_pack_timeline.py shows it over two tenants' real records for the spike and the single refusal)."""
    checked = 0
    for item in detections:  # the two hunting searches have none
        for results in [d for d in item.data.get("drilldown_searches", [])
                        if d["name"].startswith("View the detection results")]:
            assert results["search"].startswith('%original_detection_search% | search  dest = "$dest$"'), item.path.name
            checked += 1
    assert checked == len(detections) - 2


def test_risky_scopes_lookup_covers_microsofts_sensitive_permissions(lookups: list[ContentFile]) -> None:
    rows = {r["scope"]: r for r in csv_rows(REPO / "lookups" / "entra_id_risky_oauth_scopes.csv")}
    for scope in ("Mail.ReadBasic", "Sites.FullControl.All", "full_access_as_user", "full_access_as_app",
                  "EWS.AccessAsUser.All", "Files.ReadWrite.All", "People.Read.All", "Directory.ReadWrite.All",
                  # Microsoft's recommended user-consent policy excludes MailboxItem.Read beside Mail.Read ("Manage
                  # app consent policies", learn.microsoft.com/en-us/entra/identity/enterprise-apps/manage-app-consent-
                  # policies); "mailbox: exportItems" (learn.microsoft.com/en-us/graph/api/mailbox-exportitems) exports
                  # mailbox items "in full fidelity" with the delegated MailboxItem.Export or MailboxItem.ImportExport.
                  "MailboxItem.Read", "MailboxItem.Export", "MailboxItem.ImportExport",
                  # The same data by another name, each user-consentable: Microsoft Graph permissions reference
                  # (learn.microsoft.com/en-us/graph/permissions-reference), "Notes permissions": Notes.Read and
                  # Notes.ReadWrite, Admin Consent Required "No", beside the listed Notes.Read.All; "ChatMessage
                  # permissions": ChatMessage.Send, "No"; ChatMessage.Read (delegated id cdcdac3a-...) reads the
                  # chat messages of the listed Chat.Read.
                  "Notes.Read", "Notes.ReadWrite", "ChatMessage.Read", "ChatMessage.Send",
                  # Lookup v8, the same reference: ChannelMessage.Send ("Send channel messages", delegated, Admin
                  # Consent Required "No") posts as the user as ChatMessage.Send and Mail.Send do; Mail.ReadBasic.
                  # Shared (delegated id b11fa0e7-...) exists and is user-consentable; meeting transcripts and
                  # recordings are what was said; MailboxItem.Read.All and MailboxItem.ImportExport.All are the
                  # application roles of the listed mailbox item scopes.
                  "ChannelMessage.Send", "Mail.ReadBasic.Shared", "OnlineMeetingTranscript.Read.All",
                  "OnlineMeetingRecording.Read.All", "MailboxItem.Read.All", "MailboxItem.ImportExport.All",
                  # Lookup v9, the same reference: ChannelMessage.ReadWrite ("Read and write user channel messages",
                  # delegated id 5922d31f-..., Admin Consent Required "Yes") reads what ChannelMessage.Read.All
                  # reads and rewrites or removes channel posts as the user.
                  "ChannelMessage.ReadWrite",
                  # Lookup v11: github.com/emiliensocchi/azure-tiering rates these Tier 0 (Indirect) only beside a
                  # further permission or an existing eligible user or access package - they remove Privileged
                  # Identity Management's activation requirements, open an access package to a user the attacker
                  # controls, or switch on the temporary access pass - so high.
                  "RoleManagementPolicy.ReadWrite.Directory", "RoleManagementPolicy.ReadWrite.AzureADGroup",
                  "EntitlementManagement.ReadWrite.All", "Policy.ReadWrite.AuthenticationMethod",
                  # Lookup v12: the same research rates these Tier 0 (Indirect) only beside a password reset gained
                  # otherwise (a restricted management administrative unit opened) or as Directory.ReadWrite.All.
                  "AdministrativeUnit.ReadWrite.All", "User-PasswordProfile.ReadWrite.All"):
        assert rows[scope]["risk_level"] == "high", scope
    # Microsoft Graph permissions reference (https://learn.microsoft.com/en-us/graph/permissions-reference), on
    # RoleManagement.ReadWrite.Directory and AppRoleAssignment.ReadWrite.All: "Permissions that allow granting
    # authorization ... allow an application to grant additional privileges to itself, other applications, or any
    # user"; Application.ReadWrite.All reaches every service principal's credentials. RoleAssignmentSchedule.
    # ReadWrite.Directory assigns the same roles through PIM (rbacapplication-post-roleassignmentschedulerequests),
    # UserAuthenticationMethod.ReadWrite.All adds a temporary access pass to any administrator, and
    # Domain.ReadWrite.All creates a domain's federation configuration (domain-post-federationconfiguration): the
    # federated-domain backdoor. DelegatedPermissionGrant.ReadWrite.All: Microsoft's "Grant and revoke delegated
    # permissions" tutorial (https://learn.microsoft.com/en-us/powershell/microsoftgraph/tutorial-grant-delegated-
    # api-permissions) cautions that it lets an app "manage permission grants and elevate privileges for any app,
    # user, or group", as it says of AppRoleAssignment.ReadWrite.All. Lookup v10: the research the
    # RoleAssignmentSchedule row cites (github.com/emiliensocchi/azure-tiering, "Microsoft Graph application
    # permissions") rates PrivilegedAccess.ReadWrite.AzureADGroup and PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup
    # a direct path to Global Administrator (a user added to a role-assignable group that holds it), and
    # RoleEligibilitySchedule.ReadWrite.Directory and PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup the same
    # path through an eligible assignment the attacker's user activates; unlisted before, so their grant scored 50.
    # Lookup v11: Organization.ReadWrite.All is the only application permission that creates the tenant's
    # certificateBasedAuthConfiguration (certificatebasedauthconfiguration-post-certificatebasedauthconfiguration),
    # the certificate authorities certificate-based authentication trusts: a root whose key the attacker holds signs
    # in as any user, the trust-anchor takeover of Domain.ReadWrite.All (azure-tiering: Tier 0).
    # Lookup v12 (azure-tiering, Tier 0): Policy.ReadWrite.ConditionalAccess (was high), User.DeleteRestore.All and
    # User.EnableDisableAccount.All lock every administrator out of the tenant ("Global-Admin-like", Direct), and
    # DeviceManagementConfiguration.ReadWrite.All (or DeviceManagementScripts.ReadWrite.All, which Microsoft lists
    # for the same Intune scripts: intune-shared-devicemanagementscript-create) runs a script on an administrator's
    # managed device, or DeviceManagementRBAC.ReadWrite.All gives a user the attacker controls an Intune role that does.
    # Exactly these are critical; each reason cites its source.
    critical = {s: r for s, r in rows.items() if r["risk_level"] == "critical"}
    assert set(critical) == {
        "RoleManagement.ReadWrite.Directory", "AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All",
        "RoleAssignmentSchedule.ReadWrite.Directory", "UserAuthenticationMethod.ReadWrite.All", "Domain.ReadWrite.All",
        "DelegatedPermissionGrant.ReadWrite.All", "RoleEligibilitySchedule.ReadWrite.Directory",
        "PrivilegedAccess.ReadWrite.AzureADGroup", "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup", "Organization.ReadWrite.All",
        "Policy.ReadWrite.ConditionalAccess", "User.DeleteRestore.All", "User.EnableDisableAccount.All",
        "DeviceManagementConfiguration.ReadWrite.All", "DeviceManagementScripts.ReadWrite.All",
        "DeviceManagementRBAC.ReadWrite.All"}
    cited = re.compile(r"\((learn\.microsoft\.com|github\.com|securitylabs\.)")
    assert all(cited.search(r["reason"]) for r in critical.values())
    assert {r["risk_level"] for r in rows.values()} == {"critical", "high", "medium"}
    # Calendars.Read and Calendars.Read.Shared read what the listed medium Calendars.ReadWrite(.Shared) reach;
    # Chat.ReadBasic reads chat names and members, not messages ("Chat permissions", Admin Consent Required "No").
    # Lookup v8: User.ReadBasic.All (every user's name, address and photo: the list for internal phishing),
    # OnlineMeetingArtifact.Read.All (attendance reports), Calendars.ReadBasic(.All) and the MailboxFolder
    # application roles prepare access, as Contacts.Read and the delegated MailboxFolder rows do.
    for scope in ("Contacts.Read", "People.Read", "offline_access", "Calendars.Read", "Calendars.Read.Shared",
                  "Chat.ReadBasic", "User.ReadBasic.All", "OnlineMeetingArtifact.Read.All", "Calendars.ReadBasic",
                  "Calendars.ReadBasic.All", "MailboxFolder.Read.All", "MailboxFolder.ReadWrite.All"):
        assert rows[scope]["risk_level"] == "medium", scope
    assert {r["risk_category"] for r in rows.values()} >= {
        "mail", "files", "contacts", "chat", "directory", "application", "persistence"}
    assert all(len(r["reason"]) >= 20 for r in rows.values())


def test_shipped_texts_describe_the_detection_and_content_changes_name_real_versions(
        detections: list[ContentFile]) -> None:
    """A detection's texts ship in savedsearches.conf and its docs page, where an analyst reads what it does;
    what an earlier version did is kept in docs/content_changes.md, whose every entry names a detection of the
    pack and a version it has reached."""
    history = re.compile(r"\b(?:earlier|previous|older|old|prior) version\b", re.I)
    for item in detections:
        for key in ("description", "how_to_implement", "known_false_positives"):
            assert not history.search(item.data[key]), (item.data["name"], key)
    changes = (REPO / "docs" / "content_changes.md").read_text(encoding="utf-8")
    versions = {item.data["name"]: item.data["version"] for item in detections}
    section = ""
    entries = 0
    for line in changes.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            assert section in versions, section
        elif entry := re.match(r"- \*\*v(\d+)\*\*", line):
            assert section and int(entry.group(1)) <= versions[section], (section, line)
            entries += 1
    assert entries >= 5
