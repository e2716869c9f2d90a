#!/usr/bin/env bash
# Is libmagic (the C library AppInspect's python-magic loads to identify files) available?
# Usage: scripts/libmagic.sh [--install]
#   exit 0: found (after installing it with --install, when missing and this is root with apt-get or dnf);
#   exit 1: missing, with how to install it on Debian/Ubuntu, Fedora/RHEL and macOS on stderr.
# LIBMAGIC_PROBE: the command that looks for the library (default: python3 with ctypes, as python-magic does).
set -uo pipefail
probe() {
  if [[ -n "${LIBMAGIC_PROBE:-}" ]]; then "$LIBMAGIC_PROBE"; return; fi
  "${PYTHON:-python3}" - <<'PY'
import ctypes.util, glob, sys
# python-magic's own search: the linker's paths, then the usual Homebrew/MacPorts folders on macOS.
found = (ctypes.util.find_library("magic") or ctypes.util.find_library("magic1")
         or glob.glob("/opt/homebrew/lib/libmagic*.dylib") or glob.glob("/usr/local/lib/libmagic*.dylib")
         or glob.glob("/opt/local/lib/libmagic*.dylib"))
sys.exit(0 if found else 1)
PY
}
probe && exit 0
if [[ "${1:-}" == "--install" && "$(id -u)" == 0 ]]; then
  if command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq libmagic1 >/dev/null
  elif command -v dnf >/dev/null; then
    dnf install -y -q file-libs >/dev/null
  fi
  probe && exit 0
fi
cat >&2 <<'TXT'
libmagic is missing: Splunk AppInspect (python-magic) needs it to identify the package's files.
Install it, then run the command again:
  Debian/Ubuntu:  sudo apt-get install libmagic1
  Fedora/RHEL:    sudo dnf install file-libs
  macOS:          brew install libmagic
TXT
exit 1
