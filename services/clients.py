"""Who a client is: the one rule for the import's password lockout, the API's and the map
points' rate limits, and the log lines.

A client is the address of the direct peer (the other end of the TCP connection), unless that
peer is one of the proxies the operator lists in FABRIQUES_TRUSTED_PROXIES: then it is the
last address of X-Forwarded-For, the one that proxy appended (nginx's
`$proxy_add_x_forwarded_for`). The entries before it were written by whoever sent the
request and are never read; nor is the header of a peer that is not listed.

The default is 127.0.0.1 alone: the documented nginx (docs/deploy.md, deploy/scale_out.py)
reaches processes that listen on 127.0.0.1, so it is seen as 127.0.0.1 and every visitor
behind it keeps their own address. A process started by `make run` listens on every address:
a local client is seen as ::ffff:127.0.0.1 (or ::1), which is not listed, so a forged header
sent from the machine itself gains nothing.

What comes out is always an IP address checked by `ipaddress` (or "local" when no peer is
known: AppTest, or a session whose peer Streamlit hides as loopback), never the text of a
header: it may be written to a log line as it is.
"""
from __future__ import annotations

import functools
import ipaddress
import os
import re

TRUSTED_PROXIES_ENV = "FABRIQUES_TRUSTED_PROXIES"
DEFAULT_TRUSTED_PROXIES = "127.0.0.1"
UNKNOWN = "local"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(text, str) or not text or len(text) > 64:
        return None
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _written(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """One spelling per address; an IPv4-mapped IPv6 address keeps its dotted form
    (Python would write ::ffff:127.0.0.1 as ::ffff:7f00:1, which nobody recognises)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


@functools.lru_cache(maxsize=8)
def _parse_proxies(raw: str) -> tuple[Network, ...]:
    networks = []
    for part in re.split(r"[\s,]+", raw):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"{TRUSTED_PROXIES_ENV} : « {part[:60]} » n'est ni une adresse IP ni un réseau "
                             "(attendu : 127.0.0.1, 10.0.0.5 ou 10.0.0.0/24).") from None
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """The proxies whose X-Forwarded-For names the client; an empty value lists none.
    ValueError (naming the variable) when an entry is not an address or a network."""
    return _parse_proxies(os.environ.get(TRUSTED_PROXIES_ENV, DEFAULT_TRUSTED_PROXIES))


def is_trusted_proxy(peer: str | None) -> bool:
    address = _address(peer)
    # ::ffff:127.0.0.1 is not 127.0.0.1 here, on purpose (see the module's docstring).
    return address is not None and any(address in network for network in trusted_proxies())


def client_address(peer: str | None, forwarded_for: str | None) -> str:
    """Who sent the request: `peer` is the direct peer's address, `forwarded_for` the
    X-Forwarded-For header (all its lines joined by commas), or None."""
    address = _address(peer)
    if address is None:
        return UNKNOWN
    if isinstance(forwarded_for, str) and is_trusted_proxy(peer):
        appended = _address(forwarded_for.rsplit(",", 1)[-1])
        if appended is not None:
            return _written(appended)
        # A listed proxy that appended no address: the proxy itself is all that is known.
    return _written(address)
