#!/usr/bin/env bash
# Run Splunk AppInspect (precert mode) on the built package; fail on any failure or error.
# Usage: scripts/appinspect.sh [DIST_DIR|TARBALL]   (default: dist)
# AppInspect lives in its own virtualenv (.venv-appinspect, made by `make appinspect-venv`) because
# splunk-appinspect 4.3.1 hard-pins old library versions that clash with the project's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-dist}"
bin="${APPINSPECT_BIN:-$here/.venv-appinspect/bin/splunk-appinspect}"
if [[ -d "$target" ]]; then
  shopt -s nullglob
  tarballs=("$target"/*.tar.gz)
  if [[ ${#tarballs[@]} -ne 1 ]]; then
    echo "appinspect: expected exactly one .tar.gz in $target, found ${#tarballs[@]}" >&2
    exit 2
  fi
  target="${tarballs[0]}"
fi
if [[ ! -x "$bin" ]]; then
  echo "appinspect: $bin not found; run 'make appinspect-venv'" >&2
  exit 2
fi
report="$(mktemp "${TMPDIR:-/tmp}/appinspect.XXXXXX.json")"
trap 'rm -f "$report"' EXIT
status=0
"$bin" inspect "$target" --mode precert --skip-trusted-libraries-update --ci \
  --data-format json --output-file "$report" >/dev/null || status=$?
# --ci exit codes: 101 failures, 104 future failures, 103 warnings (accepted; listed below).
"$here/.venv-appinspect/bin/python" - "$report" "$status" <<'PY'
import json, sys
report, status = json.load(open(sys.argv[1])), int(sys.argv[2])
summary = report["summary"]
print("appinspect: " + ", ".join(f"{k}={summary.get(k, 0)}" for k in
      ("failure", "error", "future_failure", "warning", "success", "not_applicable")))
for group in report["reports"][0]["groups"]:
    for check in group["checks"]:
        if check["result"] in ("failure", "error", "warning", "future_failure"):
            for msg in check["messages"] or [{"message": ""}]:
                print(f"  {check['result']}: {check['name']}: {msg.get('message', '')}")
bad = summary.get("failure", 0) + summary.get("error", 0) + summary.get("future_failure", 0)
sys.exit(1 if bad or status not in (0, 103) else 0)
PY
