"""Fetching an image that a platform sent as a URL, without becoming a way into its network.

Every hop (the URL, then each redirect, at most `max_redirects`) goes through the same
steps: read the URL as a client would and refuse what is not plain http(s) on port 80 or 443
without credentials (`addresses.check_url`); resolve the host name once and refuse it if
*any* answer is not a public address (`addresses.check_resolved`); connect to a checked
address itself, so there is no second lookup for DNS rebinding to answer differently; speak
TLS with the host name as SNI and verify the certificate against that name.

HTTP/1.1 is spoken with h11 over a socket opened here. httpx (which drives h11 itself) can
connect to a checked IP with the `sni_hostname` extension, but its timeouts apply to each
socket operation: a server dripping one header byte every few seconds holds a worker for as
long as it likes. Here one deadline covers lookup, connect, TLS handshake and every read and
write; each blocking call gets only the time left (CPython bounds a TLS read or handshake as a
whole, not per retry). Owning the socket also means no proxy taken from the environment, no
connection pool, no cookies, no automatic redirects and no decompression (tamis asks for
`identity` and refuses anything else). Bodies are counted as they stream and cut at
`max_bytes`; Content-Length only lets tamis refuse early, and a body that runs past its
declared length is refused.

Errors are `InvalidInput` (422) whose messages name the URL and what went wrong, never the
body a server sent.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http import HTTPStatus
from ipaddress import IPv4Address, IPv6Address
from typing import Protocol
from urllib.parse import urljoin

import certifi
import h11

from tamis.errors import InvalidInput
from tamis.media.addresses import (
    FetchRefused,
    Target,
    check_resolved,
    check_url,
    is_public,
    shown,
)

__all__ = [
    "FetchFailed",
    "FetchLimits",
    "FetchRefused",
    "FetchTimedOut",
    "FetchTooLarge",
    "Fetched",
    "Fetcher",
    "Resolver",
    "SystemResolver",
    "is_public",
]

USER_AGENT = "tamis-image-fetch/1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


class FetchFailed(InvalidInput):
    """The server could not be reached, or did not answer with an image tamis can take."""

    title = "Image not fetched"


class FetchTooLarge(FetchFailed):
    title = "Image too large"


class FetchTimedOut(FetchFailed):
    title = "Image fetch timed out"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int = 8 * 1024 * 1024
    timeout_s: float = 10.0  # the whole fetch: lookups, connects, redirects, reads
    max_redirects: int = 3

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.timeout_s <= 0 or self.max_redirects < 0:
            raise ValueError("fetch limits must be positive")


@dataclass(frozen=True, slots=True)
class Fetched:
    data: bytes
    media_type: str | None
    url: str  # the final URL, after redirects


class Resolver(Protocol):
    def resolve(self, host: str, port: int) -> list[str]: ...  # IP address strings


class SystemResolver:
    """getaddrinfo on the name made absolute (a final dot): resolv.conf's `search` and
    `ndots` would otherwise try `host.<an internal domain>` first."""

    def resolve(self, host: str, port: int) -> list[str]:
        infos = socket.getaddrinfo(
            host + ".", port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
        return [str(info[4][0]) for info in infos]


_lookups: ThreadPoolExecutor | None = None
_lookups_lock = threading.Lock()


def _lookup_pool() -> ThreadPoolExecutor:
    # getaddrinfo takes no timeout; a lookup that hangs keeps a pool thread, not the caller.
    global _lookups
    with _lookups_lock:
        if _lookups is None:
            _lookups = ThreadPoolExecutor(max_workers=8, thread_name_prefix="tamis-lookup")
        return _lookups


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


class _Clock:
    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.timeout_s

    def left(self, what: str) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.expired(what)
        return left

    def expired(self, what: str) -> FetchTimedOut:
        return FetchTimedOut(f"{what} took longer than {self.limits.timeout_s:g} s")


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


class Fetcher:
    def __init__(
        self,
        limits: FetchLimits = FetchLimits(),
        *,
        resolver: Resolver | None = None,
        permit: Callable[[IPv4Address | IPv6Address], bool] = is_public,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """`permit` decides which addresses count as public (tests let one loopback address
        in); `tls` replaces the default context (certifi's roots, hostname checked)."""
        self.limits = limits
        self._resolver: Resolver = resolver or SystemResolver()
        self._permit = permit
        self._tls = tls or ssl.create_default_context(cafile=certifi.where())

    def fetch(self, url: str) -> Fetched:
        clock = _Clock(self.limits)
        came_from: tuple[Target, str] | None = None  # the last hop and its Location
        for hop in range(self.limits.max_redirects + 1):
            try:
                next_url = url if came_from is None else _follow(*came_from)
                target = check_url(next_url, self._permit)
                answer = self._hop(target, clock)
            except InvalidInput as exc:
                if hop == 0:
                    raise
                raise type(exc)(f"{exc.message} (redirected from {shown(url)})") from None
            if isinstance(answer, Fetched):
                return answer
            came_from = (target, answer.location)
        raise FetchRefused(
            f"{shown(url)} redirected more than {self.limits.max_redirects} times; "
            f"tamis follows at most {self.limits.max_redirects} redirects"
        )

    def _hop(self, target: Target, clock: _Clock) -> Fetched | _Redirect:
        addresses = [target.address] if target.address is not None else self._resolve(target, clock)
        sock = self._connect(target, addresses, clock)
        try:
            if target.scheme == "https":
                sock = self._handshake(sock, target, clock)
            return _exchange(sock, target, clock)
        finally:
            sock.close()

    def _resolve(self, target: Target, clock: _Clock) -> list[IPv4Address | IPv6Address]:
        what = f"looking up {target.host} for {shown(target.url)}"
        future = _lookup_pool().submit(self._resolver.resolve, target.host, target.port)
        try:
            answers = future.result(timeout=clock.left(what))
        except FutureTimeout:
            future.cancel()
            raise clock.expired(what) from None
        except OSError:
            raise FetchFailed(f"{target.host} (in {shown(target.url)}) does not resolve") from None
        return check_resolved(target, answers, self._permit)

    def _connect(
        self, target: Target, addresses: list[IPv4Address | IPv6Address], clock: _Clock
    ) -> socket.socket:
        what = f"the server at {shown(target.url)}"
        problem = "no address"
        for i, ip in enumerate(addresses):
            left = clock.left(what)
            family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(min(left, max(1.0, left / (len(addresses) - i))))
            try:
                sock.connect((str(ip), target.port))
            except OSError as exc:
                sock.close()
                problem = f"{ip}: {exc.strerror or 'timed out'}"
                continue
            return sock
        clock.left(what)
        raise FetchFailed(f"could not connect to {shown(target.url)} ({problem})")

    def _handshake(self, sock: socket.socket, target: Target, clock: _Clock) -> ssl.SSLSocket:
        what = f"the server at {shown(target.url)}"
        left = clock.left(what)
        tls = self._tls.wrap_socket(
            sock, server_hostname=target.host, do_handshake_on_connect=False
        )
        try:
            tls.settimeout(left)
            tls.do_handshake()  # bounded as a whole by `left`, however the records trickle in
        except TimeoutError:
            tls.close()
            raise clock.expired(what) from None
        except ssl.SSLCertVerificationError as exc:
            tls.close()
            raise FetchFailed(
                f"the certificate of {target.host} could not be verified "
                f"({exc.verify_message}); tamis fetches https images only from servers "
                f"with a valid certificate"
            ) from None
        except OSError:
            tls.close()
            raise FetchFailed(f"TLS with the server at {shown(target.url)} failed") from None
        return tls


def _follow(target: Target, location: str) -> str:
    """The absolute URL a Location header points to, relative to the URL that sent it."""
    if "\\" in location or any(not c.isprintable() or c.isspace() for c in location):
        raise FetchRefused(
            f"{shown(target.url)} redirects to {shown(location)}, which is not a valid URL"
        )
    if _ABSOLUTE.match(location):
        return location  # check_url reads it strictly; urljoin would forgive "http:/host"
    if location.startswith("//"):
        return f"{target.scheme}:{location}"  # and "///host" has no host, as for check_url
    return urljoin(target.url, location)


def _exchange(sock: socket.socket, target: Target, clock: _Clock) -> Fetched | _Redirect:
    what = f"the server at {shown(target.url)}"
    conn = h11.Connection(h11.CLIENT)
    request = h11.Request(
        method="GET",
        target=target.path,
        headers=[
            ("Host", target.authority),
            ("User-Agent", USER_AGENT),
            ("Accept", "image/*"),
            ("Accept-Encoding", "identity"),
            ("Connection", "close"),
        ],
    )
    try:
        _send(sock, (conn.send(request) or b"") + (conn.send(h11.EndOfMessage()) or b""), clock)
        response = _response(sock, conn, clock, what)
        answer = _judge(response, target)
        if isinstance(answer, _Redirect):
            return answer
        data = _body(sock, conn, response, clock, target, what)
    except TimeoutError:
        raise clock.expired(what) from None
    except h11.RemoteProtocolError:
        raise FetchFailed(f"{what} sent a malformed HTTP answer") from None
    except OSError as exc:
        raise FetchFailed(f"{what} broke the connection ({exc.strerror or 'error'})") from None
    return Fetched(data, _media_type(response), target.url)


def _send(sock: socket.socket, data: bytes, clock: _Clock) -> None:
    view = memoryview(data)
    while view:
        sock.settimeout(clock.left("sending the request"))
        view = view[sock.send(view) :]


def _recv(sock: socket.socket, conn: h11.Connection, clock: _Clock, what: str) -> None:
    sock.settimeout(clock.left(what))
    conn.receive_data(sock.recv(_CHUNK))


def _response(sock: socket.socket, conn: h11.Connection, clock: _Clock, what: str) -> h11.Response:
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            _recv(sock, conn, clock, what)
        elif isinstance(event, h11.Response):
            return event
        elif isinstance(event, h11.ConnectionClosed):
            raise FetchFailed(f"{what} closed the connection without answering")
        # an InformationalResponse (1xx) is skipped; the deadline bounds how many


def _header(response: h11.Response, name: bytes) -> str | None:
    values = [v for k, v in response.headers if k == name]
    if len(values) > 1 and len(set(values)) > 1:
        raise h11.RemoteProtocolError(f"conflicting {name.decode()} headers")
    return values[0].decode("latin-1") if values else None


def _judge(response: h11.Response, target: Target) -> _Redirect | None:
    url = shown(target.url)
    status = response.status_code
    if status in _REDIRECTS:
        location = _header(response, b"location")
        if not location:
            raise FetchFailed(f"{url} answered {status} without saying where to")
        raw = location.encode("latin-1")
        try:
            return _Redirect(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise FetchRefused(f"{url} redirects to a URL that is not valid UTF-8") from None
    if status != 200:
        try:
            phrase = f" ({HTTPStatus(status).phrase})"
        except ValueError:
            phrase = ""
        raise FetchFailed(f"{url} answered {status}{phrase}")
    encoding = (_header(response, b"content-encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise FetchFailed(f"{url} sent the image compressed ({shown(encoding, 40)})")
    return None


def _body(
    sock: socket.socket,
    conn: h11.Connection,
    response: h11.Response,
    clock: _Clock,
    target: Target,
    what: str,
) -> bytes:
    limit = clock.limits.max_bytes
    too_large = FetchTooLarge(f"the image at {shown(target.url)} is over the {_size(limit)} limit")
    declared = _header(response, b"content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            _recv(sock, conn, clock, what)
        elif isinstance(event, h11.Data):
            body += event.data
            if len(body) > limit:
                raise too_large
        elif isinstance(event, h11.EndOfMessage):
            break
    if conn.trailing_data[0] or _more_waiting(sock):
        raise FetchFailed(f"{what} sent more bytes than its Content-Length said")
    return bytes(body)


def _more_waiting(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return bool(sock.recv(1))
    except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
        return False
    except OSError:
        return False


def _media_type(response: h11.Response) -> str | None:
    value = _header(response, b"content-type")
    if value is None:
        return None
    media_type = value.partition(";")[0].strip().lower()
    kind, slash, sub = media_type.partition("/")
    return media_type if slash and kind and sub and media_type.isascii() else None
