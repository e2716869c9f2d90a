"""``python -m contentpack`` runs the CLI."""

import sys

from contentpack.cli import main

sys.exit(main())
