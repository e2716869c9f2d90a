"""Splunk's automatic JSON extraction reads an event's first 5000 bytes only (``events.AUTO_EXTRACTION_CUTOFF``).

limits.conf.spec (10.6), ``[spath] extraction_cutoff`` (default 5000): "For 'extract-all' spath extraction mode,
this setting applies extraction only to the first <integer> number of bytes. This setting applies both the auto
kv extraction and the spath command, when explicitly extracting fields"; ``[kv] maxchars`` (default 10240
characters): "When non-zero, truncate _raw to this size and then do auto KV", so the smaller, 5000, binds. The
spath reference: in "auto-extract" mode (no path) spath "finds and extracts all the fields from the first 5,000
characters in the input field". A real Consent to application record logs its AppId entry (additionalDetails)
after the ConsentAction.Permissions list, so a consent of many scopes pushes it past the cut: the engine must not
find a field there that Splunk does not. Assumed, as ``events.AUTO_EXTRACTION_CUTOFF`` says: a value the cut
splits is left out, and ``spath`` with a path reads the whole event.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.backtest.inputs import EventReader
from contentpack.backtest.rawfilter import RawFilter
from contentpack.spl import Engine
from contentpack.spl.events import AUTO_EXTRACTION_CUTOFF, auto_extracted, decode_json, flatten_json

ATTACK_DATA = Path(__file__).parents[2] / "attack_data"
REAL = ATTACK_DATA / "real_records" / "amended_consent.log"
APP_ID = "96f6a3d6-d5aa-4af5-a77a-9319b5283712"
NOW = 4_000_000_000.0


def _long_consent() -> str:
    """The real consent record with scopes added to its grant, one at a time, until its AppId entry lies past
    the cut; the Permissions entry then still ends before it (the entries between are longer than a scope)."""
    line = next(text for text in REAL.read_text(encoding="utf-8").splitlines() if '"Consent to application"' in text)
    assert len(line.encode()) < AUTO_EXTRACTION_CUTOFF
    record = json.loads(line)
    permissions = record["properties"]["targetResources"][0]["modifiedProperties"][4]
    assert permissions["displayName"] == "ConsentAction.Permissions"
    granted = permissions["newValue"]
    text, count = line, 0
    while text.encode().index(APP_ID.encode()) <= AUTO_EXTRACTION_CUTOFF:
        count += 1
        scopes = " ".join(f"Custom.Scope{n}" for n in range(count))
        permissions["newValue"] = granted.replace("Scope:  User.Read,", f"Scope:  User.Read {scopes},")
        text = json.dumps(record)
    assert text.encode().index(b'"ConsentAction.Permissions"') + len(json.dumps(permissions)) < AUTO_EXTRACTION_CUTOFF
    return text


@pytest.fixture(scope="module")
def long_consent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cutoff") / "consent.log"
    path.write_text(_long_consent() + "\n", encoding="utf-8")
    return path


SEARCH = ('* | table _time operationName properties.targetResources{}.modifiedProperties{}.displayName '
          'properties.additionalDetails{}.key properties.additionalDetails{}.value')


@pytest.mark.parametrize("lazy", [False, True], ids=["loaded", "scanned"])
def test_a_field_past_the_first_5000_bytes_is_not_extracted(long_consent: Path, lazy: bool) -> None:
    engine = Engine()
    engine.register_events(long_consent, sourcetype="azure:monitor:aad", lazy=lazy)
    (row,) = engine.search(SEARCH, now=NOW).rows
    assert row["operationName"] == "Consent to application"
    assert row["properties.targetResources{}.modifiedProperties{}.displayName"] == (
        "ConsentContext.IsAdminConsent", "ConsentContext.IsAppOnly", "ConsentContext.OnBehalfOfAll",
        "ConsentContext.Tags", "ConsentAction.Permissions")
    # the AppId entry's key ends before the cut, its value after it: a detection's
    # mvindex(detail_value, mvfind(detail_key, "^AppId$")) finds no application id
    assert row["properties.additionalDetails{}.key"] == ("User-Agent", "AppId")
    assert row["properties.additionalDetails{}.value"] == "EvoSTS"
    assert row["_time"] == 1792707600.008  # "time" is read when the event is indexed, not cut


@pytest.mark.assumed
@pytest.mark.parametrize("lazy", [False, True], ids=["loaded", "scanned"])
def test_raw_and_spath_with_a_path_still_read_all_of_the_event(long_consent: Path, lazy: bool) -> None:
    """``spath`` with a path reads past the cut (assumed: the spath reference and the spec put the limit on the
    mode without a path, the SPL2 spath page on "auto-extract" mode, "subject to any character read limits", and
    say nothing of the mode with one; docs/spl_engine.md, *Automatic JSON extraction reads an event's first
    5,000 bytes*)."""
    engine = Engine()
    engine.register_events(long_consent, sourcetype="azure:monitor:aad", lazy=lazy)
    search = ('* | spath output=detail path=properties.additionalDetails{}.value | rex "\\"AppId\\", \\"value\\": '
              '\\"(?<rex_app>[^\\"]+)" | table detail rex_app')
    (row,) = engine.search(search, now=NOW).rows
    assert row == {"detail": ("EvoSTS", APP_ID), "rex_app": APP_ID}


def test_spath_without_a_path_cuts_as_automatic_extraction_does(long_consent: Path) -> None:
    engine = Engine()
    engine.register_events(long_consent, sourcetype="azure:monitor:aad")
    search = ('* | eval copy=_raw | fields copy | spath input=copy '
              '| table properties.additionalDetails{}.value properties.category')
    (row,) = engine.search(search, now=NOW).rows
    assert row == {"properties.additionalDetails{}.value": "EvoSTS", "properties.category": "ApplicationManagement"}


@pytest.mark.parametrize("fields", [frozenset({"operationName", "properties.additionalDetails{}.key"}), None],
                         ids=["planned", "every-field"])
def test_the_backtest_reader_cuts_too(long_consent: Path, fields: frozenset[str] | None) -> None:
    (event,) = EventReader(RawFilter([()]), fields and fields | {"properties.additionalDetails{}.value"}).read(
        [long_consent])
    assert event["operationName"] == "Consent to application"
    assert event["properties.additionalDetails{}.key"] == ("User-Agent", "AppId")
    assert event["properties.additionalDetails{}.value"] == "EvoSTS"
    assert event["_time"] == 1792707600.008


@pytest.mark.assumed
def test_the_cut_keeps_whole_values_and_drops_the_one_it_splits() -> None:
    """A value the cut splits is left out, not kept truncated (assumed: no page says which; docs/spl_engine.md,
    *Automatic JSON extraction reads an event's first 5,000 bytes*)."""
    data = json.dumps({"a": "x" * 10, "b": {"c": [1, 2, "yyyy"], "d": "z"}, "e": 12345}).encode()
    assert auto_extracted(data, len(data)) == data
    cut = data.index(b'"yyyy"') + 3  # inside the array's third value
    assert flatten_json(decode_json(auto_extracted(data, cut))) == {"a": "x" * 10, "b.c{}": ("1", "2")}
    number = data.index(b"12345") + 5  # the number's last digit is the last byte: not known to be whole
    assert flatten_json(decode_json(auto_extracted(data, number)))["b.d"] == "z"
    assert "e" not in flatten_json(decode_json(auto_extracted(data, number)))
    assert auto_extracted(data, 3) == b"{}"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=4), JSON_VALUES, min_size=1, max_size=5), st.booleans())
def test_every_cut_is_json_whose_fields_the_whole_event_has(document: dict[str, object], spaced: bool) -> None:
    """Wherever the cut falls (inside a string, an escape, a multi-byte character, a number), what is left is
    a JSON object, so a long event is never called malformed, and each of its fields is the whole event's field
    or the first values of one (an array cut short)."""
    data = json.dumps(document, ensure_ascii=False, separators=None if spaced else (",", ":")).encode()
    whole = flatten_json(decode_json(data))
    for cut in range(len(data) + 1):
        fields = flatten_json(decode_json(auto_extracted(data, cut)))
        for name, value in fields.items():
            values, full = _values(value), _values(whole[name])
            assert full[:len(values)] == values


def _values(value: object) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else (value,)


#: limits.conf.spec ``[kv] limit`` (default 100): "The maximum number of fields that an automatic key-value field
#: extraction (auto kv) can generate at search time".
KV_LIMIT = 100


def test_no_event_of_the_pack_has_more_fields_than_auto_kv_makes() -> None:
    """The engine extracts every field of an event and does not model ``[kv] limit``: no page says which fields
    Splunk keeps of an event over it. That is sound only while no event the pack replays has more fields than the
    limit (counted on the whole event: the cut only removes fields), real records and generated ones alike; an
    event added over it makes this fail, and its late fields would need the same ``spath`` care as those past the
    cut."""
    over, read = [], 0
    for path in sorted(ATTACK_DATA.rglob("*.log")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("{"):
                read += 1
                count = len(flatten_json(decode_json(line)))
                if count > KV_LIMIT:
                    over.append(f"{path.relative_to(ATTACK_DATA)}:{number}: {count} fields")
    assert read > 3000  # the attack data was found: with none, no event was over the limit
    assert over == []
