#!/usr/bin/env python3
"""Regenerate the committed attack data (a thin wrapper over ``contentpack generate-data``).

Puts ``src/`` on the import path, so it works from a checkout without ``pip install -e``; the
dependencies are still needed, so run it with the project's interpreter (``.venv/bin/python``).

Usage::

    python scripts/generate_attack_data.py                      # every scenario into attack_data/
    python scripts/generate_attack_data.py --scenario baseline_tenant
    python scripts/generate_attack_data.py --events 1000000 --out /tmp/big.log
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from contentpack.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["generate-data", *sys.argv[1:]]))
