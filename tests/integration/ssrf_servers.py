"""Real servers on loopback for the SSRF tests: an image site that misbehaves on request,
a canary that records every connection made to an address tamis must never reach, DNS
stubs, and a private certificate authority.

The image site listens on 127.0.0.2, the one address the tests let stand in for the public
internet, on ports 80 and 443 (the only ports tamis fetches from, so binding them needs root
or a lowered `net.ipv4.ip_unprivileged_port_start`). The canary listens where a bypass would
land: 127.0.0.1 and ::1 on 80 and 443, and 127.0.0.2 on the ports tamis must not use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import selectors
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SITE_IP = "127.0.0.2"
SITE = IPv4Address(SITE_IP)
SITE_NAME = "images.test"
DRIP_SECONDS = 4.0  # a dripping answer completes after this long; the tests allow 1 s


class CannotBind(RuntimeError):
    pass


def bind(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = (
            " (binding ports below 1024 needs root, or a lower net.ipv4.ip_unprivileged_port_start)"
            if exc.errno == errno.EACCES
            else ""
        )
        raise CannotBind(f"cannot listen on {host} port {port}: {exc.strerror}{hint}") from exc
    sock.listen(64)
    return sock


# -- the canary ----------------------------------------------------------------------------


@dataclass
class Hit:
    listener: str
    first_bytes: bytes


@dataclass
class Canary:
    """Accepts on every listener and records each connection; answers nothing."""

    hits: list[Hit] = field(default_factory=list)
    listeners: dict[socket.socket, str] = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)

    def listen(self, family: socket.AddressFamily, host: str, port: int, *, must: bool) -> None:
        try:
            sock = bind(family, host, port)
        except CannotBind as exc:
            if must:
                raise
            self.unavailable.append(str(exc))
            return
        sock.setblocking(False)
        self.listeners[sock] = f"{host} port {port}"

    def start(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with selectors.DefaultSelector() as sel:
            for sock in self.listeners:
                sel.register(sock, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in sel.select(timeout=0.05):
                    listener = key.fileobj
                    assert isinstance(listener, socket.socket)
                    try:
                        conn, _ = listener.accept()
                    except BlockingIOError:
                        continue
                    conn.settimeout(0.2)
                    try:
                        first = conn.recv(1024)
                    except OSError:
                        first = b""
                    conn.close()
                    self.hits.append(Hit(self.listeners[listener], first))

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self.listeners:
            sock.close()


# -- a private certificate authority -----------------------------------------------------


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    cert_file: Path
    key_file: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_pki(directory: Path, names: list[str]) -> Pki:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tamis test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
    pki.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pki


# -- the image site ------------------------------------------------------------------------


@dataclass
class Seen:
    path: str
    host: str | None
    sni: str | None


@dataclass
class Site:
    """127.0.0.2 on port 80 (http) and 443 (https); misbehaves as the path asks."""

    image: bytes
    pki: Pki
    seen: list[Seen] = field(default_factory=list)
    sni_by_thread: dict[int, str | None] = field(default_factory=dict)

    def start(self) -> None:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(self.pki.cert_file, self.pki.key_file)
        tls.sni_callback = self._sni
        self.servers = [_server(self, None), _server(self, tls)]
        self.threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            for s in self.servers
        ]
        for thread in self.threads:
            thread.start()

    def _sni(self, sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, _: object) -> None:
        self.sni_by_thread[threading.get_ident()] = name

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site: Site
    tls: ssl.SSLContext | None

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-drip is the point of several tests


def _server(site: Site, tls: ssl.SSLContext | None) -> _Quiet:
    server = _Quiet((SITE_IP, 443 if tls else 80), _Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = bind(socket.AF_INET, SITE_IP, 443 if tls else 80)
    server.site, server.tls = site, tls
    return server


class _Handler(BaseHTTPRequestHandler):
    server: _Quiet

    def setup(self) -> None:
        if self.server.tls is not None:
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self.server.tls is not None:
                self.request.close()  # the TLS wrapper owns the socket now

    def log_message(self, *args: object) -> None:
        pass

    def raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def head(self, status: str, *headers: str, length: int | None = None) -> None:
        lines = [f"HTTP/1.1 {status}", *headers]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        self.raw(("\r\n".join([*lines, "Connection: close"]) + "\r\n\r\n").encode())

    def do_GET(self) -> None:
        site = self.server.site
        sni = site.sni_by_thread.pop(threading.get_ident(), None)
        site.seen.append(Seen(self.path, self.headers.get("Host"), sni))
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client gave up, as it should
            self.route(url.path, query, site)

    def route(self, path: str, query: dict[str, list[str]], site: Site) -> None:
        if path == "/ok.png":
            self.head("200 OK", "Content-Type: image/png; charset=binary", length=len(site.image))
            self.raw(site.image)
        elif path == "/redirect":
            to = unquote_to_bytes(self.path.partition("to=")[2].partition("&")[0])
            status = query.get("status", ["302"])[0]
            self.raw(f"HTTP/1.1 {status} Moved\r\nLocation: ".encode() + to + b"\r\n")
            self.raw(b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left == 0:
                self.head("200 OK", "Content-Type: image/png", length=len(site.image))
                self.raw(site.image)
            else:
                self.head("302 Found", f"Location: /chain/{left - 1}", length=0)
        elif path == "/no-location":
            self.head("302 Found", length=0)
        elif path == "/missing":
            secret = b"SECRET-FILE-CONTENTS root:x:0:0"
            self.head("404 Not Found", "Content-Type: text/plain", length=len(secret))
            self.raw(secret)
        elif path == "/gzip":
            self.head("200 OK", "Content-Type: image/png", "Content-Encoding: gzip", length=10)
            self.raw(b"\x1f\x8b" + bytes(8))
        elif path == "/informational":
            self.raw(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n")
            self.head("200 OK", "Content-Type: image/png", length=len(site.image))
            self.raw(site.image)
        elif path == "/declared-huge":
            self.head("200 OK", "Content-Type: image/png", length=100 * 1024 * 1024)
            self.raw(site.image)
            time.sleep(DRIP_SECONDS)
        elif path == "/undeclared-huge":
            self.head("200 OK", "Content-Type: image/png")
            self.flood(64 * 1024 * 1024)
        elif path == "/lying-length":
            # claims 1000 bytes, sends them and then keeps going, all in the same writes
            self.raw(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n"
                b"Connection: close\r\n\r\n" + b"\x89" * (1000 + 64 * 1024)
            )
            self.flood(64 * 1024 * 1024)
        elif path == "/endless-chunked":
            self.head("200 OK", "Content-Type: image/png", "Transfer-Encoding: chunked")
            chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"\x00" * 64 * 1024)
            for _ in range(2048):  # 128 MiB at most, should the client never stop
                self.raw(chunk)
        elif path == "/drip-head":
            self.drip(
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n"
                + f"Content-Length: {len(site.image)}\r\n\r\n".encode()
            )
            self.raw(site.image)
        elif path == "/drip-body":
            self.head("200 OK", "Content-Type: image/png", length=len(site.image))
            self.drip(site.image)
        elif path == "/drip-chunk-size":
            self.head("200 OK", "Content-Type: image/png", "Transfer-Encoding: chunked")
            self.drip(b"0" * 400)  # one chunk-size line, zero after zero
            self.raw(b"\r\n\r\n")
        elif path == "/silent":
            time.sleep(DRIP_SECONDS)
            self.head("200 OK", "Content-Type: image/png", length=len(site.image))
            self.raw(site.image)
        else:
            self.head("404 Not Found", length=0)

    def flood(self, total: int) -> None:
        block = b"\x89" * (64 * 1024)
        for _ in range(total // len(block)):
            self.raw(block)

    def drip(self, data: bytes) -> None:
        """Sends `data` evenly over DRIP_SECONDS: each byte arrives well within any
        per-read timeout, and the answer is complete and valid in the end."""
        pause = DRIP_SECONDS / len(data)
        step = max(1, int(0.05 / pause)) if pause < 0.05 else 1
        for i in range(0, len(data), step):
            self.raw(data[i : i + step])
            time.sleep(pause * step)


# -- DNS stubs -----------------------------------------------------------------------------


@dataclass
class TableResolver:
    """Answers from a table; records every question."""

    table: dict[str, list[str]]
    asked: list[str] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.table[host])


@dataclass
class RebindingResolver:
    """A different answer on each call (the last one repeats): DNS rebinding."""

    answers: list[list[str]]
    asked: list[str] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return list(self.answers[min(len(self.asked), len(self.answers)) - 1])


@dataclass
class HangingResolver:
    """Never answers until released: a lookup that hangs."""

    release: threading.Event = field(default_factory=threading.Event)

    def resolve(self, host: str, port: int) -> list[str]:
        self.release.wait(30)
        return [SITE_IP]


def loopback_v6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


# -- a relay that trickles the server's TLS records ---------------------------------------


@dataclass
class TricklingRelay:
    """Listens on `host` port 443 and relays to the site's TLS port, passing the client's
    bytes on at once but the server's one byte at a time over about DRIP_SECONDS: every
    byte arrives well within any per-read timeout, and the handshake alone takes seconds.
    Records how many bytes the client sent, to tell whether it ever finished a handshake."""

    host: str
    client_bytes: bytearray = field(default_factory=bytearray)

    def start(self) -> None:
        self.listener = bind(socket.AF_INET, self.host, 443)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            client, _ = self.listener.accept()
            upstream = socket.create_connection((SITE_IP, 443))
            with client, upstream:
                threading.Thread(target=self._up, args=(client, upstream), daemon=True).start()
                self._down(upstream, client)

    def _up(self, client: socket.socket, upstream: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := client.recv(4096):
                self.client_bytes += data
                upstream.sendall(data)

    def _down(self, upstream: socket.socket, client: socket.socket) -> None:
        while data := upstream.recv(4096):
            for i in range(len(data)):
                client.sendall(data[i : i + 1])
                time.sleep(0.004)

    def client_finished_a_handshake(self) -> bool:
        """True if the client sent anything after its first TLS record (the ClientHello)."""
        hello = 5 + int.from_bytes(self.client_bytes[3:5], "big")
        return len(self.client_bytes) > hello

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=10)
