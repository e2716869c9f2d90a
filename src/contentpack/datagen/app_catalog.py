"""The app facts that are not in any log record — first-party ownership, publisher verification — as a
CSV the detections can use as a lookup (issue 5: such facts belong in lookups, not invented as fields).

Rows come from the catalogue of Microsoft first-party apps and from the apps the scenarios use, so the
CSV can never name an app id the data does not (or vice versa).
"""

from __future__ import annotations

import csv
import io

from contentpack.datagen import catalog
from contentpack.datagen.docs import app_facts
from contentpack.datagen.scale import third_party_apps
from contentpack.datagen.scenarios import SCENARIOS, generate

COLUMNS = ("app_id", "app_display_name", "first_party", "publisher_verified", "multi_tenant", "note")


def catalog_rows() -> list[dict[str, str]]:
    rows = {
        app.app_id: {
            "app_id": app.app_id, "app_display_name": app.display_name, "first_party": "true",
            "publisher_verified": "true", "multi_tenant": "true", "note": "Microsoft first-party application",
        }
        for app in catalog.FIRST_PARTY_APPS
    }
    for app_ in third_party_apps():  # the scale mode's ordinary third-party apps
        rows[app_.app_id] = {
            "app_id": app_.app_id, "app_display_name": app_.display_name, "first_party": "false",
            "publisher_verified": "true", "multi_tenant": "true", "note": "ordinary third-party app (scale mode)",
        }
    for name in SCENARIOS:
        for app in app_facts(generate(name).facts):
            rows[app["app_id"]] = {
                "app_id": app["app_id"], "app_display_name": app["display_name"], "first_party": "false",
                "publisher_verified": str(app["publisher_verified"]).lower(),
                "multi_tenant": str(app["multi_tenant"]).lower(), "note": app["note"],
            }
    return sorted(rows.values(), key=lambda r: (r["first_party"] != "true", r["app_display_name"]))


def catalog_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(catalog_rows())
    return out.getvalue()
