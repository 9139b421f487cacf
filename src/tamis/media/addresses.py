"""What an image URL's host means and whether tamis may connect there: pure, no I/O.

An image URL is chosen by whoever posted the image, so it is an attacker's first tool for
making tamis reach a service inside the operator's network (a metadata endpoint, an admin
port, a database). Two rules keep that out:

- A URL's host is read the way a connecting client reads it (the WHATWG URL standard, which
  browsers and most HTTP clients follow): `2130706433`, `0x7f.1` and `０x７f.1` are all
  127.0.0.1 there. tamis connects to what it has read, so nothing can mean one thing to the
  check and another to the connection. Spellings that only exist to confuse (credentials,
  percent-encoded or dotless hosts, IPv4 numbers not written as four decimals, backslashes,
  control characters) are refused outright, with a message saying what to write instead.
- An address must be globally reachable unicast. The tables below follow the IANA
  special-purpose registries and refuse a little more where nothing can serve an image
  (IETF protocol assignments, Teredo, deprecated relays). IPv6 must lie in 2000::/3, the only
  range allocated for global unicast, except NAT64's well-known prefix, which is judged by
  the IPv4 address it embeds, as is 6to4's. IPv4-mapped and IPv4-compatible forms are always
  refused: a resolver has no business answering them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

import idna

from tamis.errors import InvalidInput

IPAddress = IPv4Address | IPv6Address
Permit = Callable[[IPAddress], bool]

__all__ = [
    "FetchRefused",
    "IPAddress",
    "Permit",
    "Target",
    "check_resolved",
    "check_url",
    "is_public",
    "parse_url",
    "why_not_public",
]

MAX_URL_CHARS = 8192
PORTS = frozenset({80, 443})
_DEFAULT_PORT = {"http": 80, "https": 443}


class FetchRefused(InvalidInput):
    """The URL, or an address it leads to, is one tamis will not fetch from."""

    title = "Image URL refused"


_V4_REFUSED: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), what)
    for net, what in (
        ("0.0.0.0/8", "a 'this network' address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.0.2.0/24", "a documentation address"),
        ("192.88.99.0/24", "a 6to4 relay address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
    )
)

_V6_REFUSED: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), what)
    for net, what in (
        ("::/128", "the unspecified address"),
        ("::1/128", "a loopback address"),
        ("64:ff9b:1::/48", "a local-use NAT64 address"),
        ("100::/64", "a discard-only address"),
        ("2001::/32", "a Teredo tunnel address"),
        ("2001:2::/48", "a benchmarking address"),
        ("2001::/23", "an IETF protocol address"),
        ("2001:db8::/32", "a documentation address"),
        ("3fff::/20", "a documentation address"),
        ("fc00::/7", "a unique local address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", "a multicast address"),
    )
)
_GLOBAL_UNICAST = IPv6Network("2000::/3")
_MAPPED = IPv6Network("::ffff:0:0/96")
_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")


def why_not_public(ip: IPAddress) -> str | None:
    """Why tamis must not connect to `ip` ("a loopback address"), or None if it may."""
    if isinstance(ip, IPv4Address):
        return next((what for net, what in _V4_REFUSED if ip in net), None)
    if ip.scope_id:
        return "an IPv6 address with a zone"
    if ip in _MAPPED:
        return f"an IPv4-mapped IPv6 address (of {ip.ipv4_mapped})"
    if ip in _NAT64:
        return _embedding("a NAT64 address", IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in _SIX_TO_FOUR and ip.sixtofour is not None:
        return _embedding("a 6to4 address", ip.sixtofour)
    if ip.teredo is not None:
        server, client = ip.teredo
        return f"a Teredo tunnel address (server {server}, client {client})"
    for net, what in _V6_REFUSED:
        if ip in net:
            return what
    if ip in _COMPATIBLE:
        return f"an IPv4-compatible IPv6 address (of {IPv4Address(int(ip))})"
    if ip not in _GLOBAL_UNICAST:
        return "outside 2000::/3, the global unicast range"
    return None


def _embedding(kind: str, v4: IPv4Address) -> str | None:
    inner = why_not_public(v4)
    return None if inner is None else f"{kind} of {v4}, {inner}"


def is_public(ip: IPAddress) -> bool:
    return why_not_public(ip) is None


@dataclass(frozen=True, slots=True)
class Target:
    """One URL as tamis reads it: where to connect and what to ask for."""

    url: str  # canonical: scheme://authority/path?query, no fragment
    scheme: str
    host: str  # lower-case ASCII (IDNA A-labels); an IPv6 literal without brackets
    port: int
    address: IPAddress | None  # set when the host is an IP literal
    path: str  # the request target: path and query, ASCII

    @property
    def authority(self) -> str:
        return _authority(self.scheme, self.host, self.port)


def _authority(scheme: str, host: str, port: int) -> str:
    bracketed = f"[{host}]" if ":" in host else host
    return bracketed if port == _DEFAULT_PORT[scheme] else f"{bracketed}:{port}"


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_PORT = re.compile(r"[1-9][0-9]{0,4}")
_HOST_CHARS = re.compile(r"[a-z0-9_.\-]+")
_V6_CHARS = re.compile(r"[0-9a-fA-F:.]+")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def shown(url: str, limit: int = 200) -> str:
    """A URL as messages quote it: bounded, and without invisible characters."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in url[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_url(url: str) -> Target:
    """Read `url` as a client would, or raise FetchRefused saying what to change."""
    text = url.strip(_C0_AND_SPACE)
    if len(text) > MAX_URL_CHARS:
        raise FetchRefused(f"image URLs must be at most {MAX_URL_CHARS} characters long")
    if any(not c.isprintable() or c.isspace() for c in text):
        raise FetchRefused(f"{shown(text)} contains a space or a control character; encode it")
    if "\\" in text:
        raise FetchRefused(f"{shown(text)} contains a backslash; URLs use '/'")
    scheme_match = _SCHEME.match(text)
    if scheme_match is None:
        raise FetchRefused(f"{shown(text)} is not an absolute http:// or https:// URL")
    scheme = scheme_match.group()[:-1].lower()
    if scheme not in _DEFAULT_PORT:
        raise FetchRefused(f"tamis fetches images only over http and https, not {scheme}:")
    rest = text[scheme_match.end() :]
    if not rest.startswith("//"):
        raise FetchRefused(f"{shown(text)} is malformed: write {scheme}://host/path")
    rest = rest[2:]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:].partition("#")[0]
    if "@" in authority:
        raise FetchRefused(
            "tamis sends no user name or password with image URLs; remove the part of the "
            "host that ends with '@'"
        )
    host_text, port = _host_and_port(authority, scheme, text)
    host, address = _host(host_text, text)
    path = tail if tail.startswith("/") else "/" + tail
    path = "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode()) for c in path)
    canonical = f"{scheme}://{_authority(scheme, host, port)}{path}"
    return Target(canonical, scheme, host, port, address, path)


def _host_and_port(authority: str, scheme: str, url: str) -> tuple[str, int]:
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise FetchRefused(f"{shown(url)} has an unclosed '[' in its host")
        host, after = authority[: close + 1], authority[close + 1 :]
        if after and not after.startswith(":"):
            raise FetchRefused(f"{shown(url)} has characters after its IPv6 address")
        port_text = after[1:] if after else None
    else:
        if authority.count(":") > 1:
            raise FetchRefused(
                f"{shown(url)} has more than one ':' in its host; "
                "write IPv6 addresses in brackets, [like::this]"
            )
        host, colon, port_text_or_empty = authority.partition(":")
        port_text = port_text_or_empty if colon else None
    if port_text is None:
        return host, _DEFAULT_PORT[scheme]
    if not _PORT.fullmatch(port_text):
        raise FetchRefused(f"{shown(url)} has a malformed port; write :80, :443 or none")
    port = int(port_text)
    if port not in PORTS:
        raise FetchRefused(f"tamis fetches images only from ports 80 and 443, not {port}")
    return host, port


def _host(text: str, url: str) -> tuple[str, IPAddress | None]:
    if not text:
        raise FetchRefused(f"{shown(url)} has no host")
    if text.startswith("["):
        inner = text[1:-1]
        try:
            if not _V6_CHARS.fullmatch(inner):
                raise ValueError(inner)
            v6 = IPv6Address(inner)
        except ValueError:
            raise FetchRefused(f"{shown(url)}: [{inner}] is not an IPv6 address") from None
        return str(v6), v6
    if "%" in text:
        raise FetchRefused(f"{shown(url)} has a percent-encoded host; write the host plainly")
    host = text.lower()
    if not host.isascii():
        try:
            host = idna.encode(text, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise FetchRefused(f"{shown(url)}: {shown(text)} is not a valid host name") from None
    if not _HOST_CHARS.fullmatch(host):
        raise FetchRefused(f"{shown(url)}: {shown(text)} is not a valid host name")
    if host.endswith("."):
        raise FetchRefused(f"{shown(url)}: write the host without its final dot")
    labels = host.split(".")
    if _ends_in_number(labels[-1]):
        return host, _ipv4_literal(host, text, url)
    if "" in labels or len(host) > 253 or any(len(label) > 63 for label in labels):
        raise FetchRefused(f"{shown(url)}: {shown(text)} is not a valid host name")
    if len(labels) < 2 or labels[-1] == "localhost":
        raise FetchRefused(
            f"tamis fetches images only from public addresses; {host} is not a public host name"
        )
    return host, None


def _ipv4_literal(host: str, text: str, url: str) -> IPv4Address:
    v4 = _whatwg_ipv4(host)
    if v4 is None:
        raise FetchRefused(f"{shown(url)}: {shown(text)} is neither a host name nor an address")
    if str(v4) == text:
        return v4
    why = why_not_public(v4)
    if why is not None:
        raise FetchRefused(
            f"tamis fetches images only from public addresses; {shown(text)} means {v4}, {why}"
        )
    raise FetchRefused(f"{shown(url)}: write the IPv4 address as four decimal numbers, {v4}")


def _ends_in_number(label: str) -> bool:
    return (label != "" and all(c in "0123456789" for c in label)) or _ipv4_part(label) is not None


def _ipv4_part(part: str) -> int | None:
    if not part:
        return None
    digits = "0123456789"
    if part[:2] in ("0x", "0X"):
        part, radix, digits = part[2:], 16, "0123456789abcdefABCDEF"
    elif len(part) > 1 and part[0] == "0":
        part, radix, digits = part[1:], 8, "01234567"
    else:
        radix = 10
    if not all(c in digits for c in part):
        return None
    return int(part, radix) if part else 0


def _whatwg_ipv4(host: str) -> IPv4Address | None:
    parts = [_ipv4_part(p) for p in host.split(".")]
    if len(parts) > 4:
        return None
    numbers = [n for n in parts if n is not None]
    if len(numbers) != len(parts) or any(n > 255 for n in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return IPv4Address(value)


def _refusal(ip: IPAddress, permit: Permit) -> str | None:
    if permit(ip):
        return None
    return why_not_public(ip) or "not an address tamis is allowed to reach"


def check_url(url: str, permit: Permit = is_public) -> Target:
    """`parse_url`, and refuse an IP-literal host that `permit` does not allow."""
    target = parse_url(url)
    if target.address is not None and (why := _refusal(target.address, permit)) is not None:
        raise FetchRefused(
            f"tamis fetches images only from public addresses; {target.address} is {why}"
        )
    return target


def check_resolved(
    target: Target, answers: Iterable[str], permit: Permit = is_public
) -> list[IPAddress]:
    """The addresses a host name resolved to, refused as a whole if any one is not allowed.

    A public image host never publishes a private address next to its public ones, and
    picking only the good ones would make the outcome depend on answer order: any bad
    answer means the name is not one to fetch from.
    """
    addresses: list[IPAddress] = []
    for answer in answers:
        try:
            ip = ip_address(answer)
        except ValueError:
            raise FetchRefused(
                f"{target.host} resolves to {shown(answer)}, not an address"
            ) from None
        if (why := _refusal(ip, permit)) is not None:
            raise FetchRefused(
                f"tamis fetches images only from public addresses; "
                f"{target.host} resolves to {ip}, {why}"
            )
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchRefused(f"{target.host} has no address")
    return addresses
