"""Network functions: cidrmatch, ipmask.

Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/comparison-and-conditional-functions
(``cidrmatch("192.0.2.0/24", ip)``); IPv4 and IPv6. A value that is not an address, or a malformed CIDR,
does not match.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from contentpack.spl.functions import coerce
from contentpack.spl.functions.spec import FunctionSpec, eager
from contentpack.spl.values import EvalContext, Value, make_mv

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=256)
def _network(cidr: str) -> Network | None:
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None


def cidrmatch(cidr: str, address: str) -> bool:
    network = _network(cidr)
    if network is None:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return ip.version == network.version and ip in network


@eager("cidrmatch", 2, 2)
def _cidrmatch(ctx: EvalContext, args: list[Value]) -> Value:
    cidr = coerce.text(args[0])
    if cidr is None or args[1] is None:
        return None
    return any(cidrmatch(cidr, coerce.text(value) or "") for value in coerce.values(args[1]))


def ipmask(mask: str, address: str) -> str | None:
    """Bitwise AND of two IPv4 addresses ("a quad-dotted notation of four decimal integers"); else null.

    Source: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/conversion-functions
    """
    try:
        left = ipaddress.IPv4Address(mask.strip())
        right = ipaddress.IPv4Address(address.strip())
    except ValueError:
        return None
    return str(ipaddress.IPv4Address(int(left) & int(right)))


@eager("ipmask", 2, 2, returns_text=True)
def _ipmask(ctx: EvalContext, args: list[Value]) -> Value:
    mask = coerce.text(args[0])
    if mask is None or args[1] is None:
        return None
    results = [ipmask(mask, coerce.text(value) or "") for value in coerce.values(args[1])]
    return make_mv(r for r in results if r is not None)


FUNCTIONS: tuple[FunctionSpec, ...] = (_cidrmatch, _ipmask)
