"""Identifier factories driven by a seeded ``random.Random`` so every id is reproducible.

``uuid.uuid4`` reads the OS entropy pool, which would make scenarios differ between runs; these helpers
take the random source explicitly instead.
"""

from __future__ import annotations

import base64
import random

_VARIANT = "89ab"


def guid(rng: random.Random) -> str:
    """A version-4 shaped GUID (lower-case, 8-4-4-4-12) from ``rng``."""
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def token_id(rng: random.Random) -> str:
    """A 22-character base64url token like ``properties.uniqueTokenIdentifier`` (16 random bytes)."""
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "little")).decode("ascii")[:22]


def audit_id(rng: random.Random, correlation_id: str) -> str:
    """An audit ``properties.id``: ``Directory_<correlationId>_<5 upper-case chars>_<number>`` as in real records."""
    letters = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(5))
    return f"Directory_{correlation_id}_{letters}_{rng.randrange(1_000_000, 400_000_000)}"


def derived_rng(seed: int, *labels: str | int) -> random.Random:
    """An independent random stream for one part of the output (a scenario, a scale chunk).

    Seeding from a string of the labels keeps streams stable when another part of the generator starts
    drawing more numbers, so one scenario's bytes never depend on another's.
    """
    return random.Random("/".join([str(seed), *map(str, labels)]))
