"""The image fetcher against real sockets: every bypass refused, and the canary never hit.

127.0.0.2 stands in for the public internet (the only address `permit` lets through) and
serves images on ports 80 and 443; a canary listens where a bypass would land (127.0.0.1,
::1 and 127.0.0.3 on 80 and 443, 127.0.0.2 on 22 and 8080). Host names are answered by DNS
stubs. Each attempt must end in a 4xx-class tamis error of the expected kind (a refusal is
`FetchRefused`, decided before any connection), and at the end the canary must have seen no
connection at all.
"""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Iterator
from ipaddress import IPv4Address, IPv6Address
from typing import Any
from urllib.parse import quote

import pytest
from PIL import Image

from tamis.errors import InvalidInput
from tamis.media.fetch import (
    Fetched,
    Fetcher,
    FetchFailed,
    FetchLimits,
    FetchRefused,
    FetchTimedOut,
    FetchTooLarge,
    Resolver,
)
from tests.integration.ssrf_servers import (
    SITE,
    SITE_IP,
    SITE_NAME,
    Canary,
    CannotBind,
    HangingResolver,
    Pki,
    RebindingResolver,
    Site,
    TableResolver,
    TricklingRelay,
    loopback_v6,
    make_pki,
)

pytestmark = pytest.mark.slow

DNS = {
    SITE_NAME: [SITE_IP],
    "wrong.test": [SITE_IP],
    "loop.test": ["127.0.0.1"],
    "loop6.test": ["::1"],
    "other-loop.test": ["127.0.0.3"],
    "private.test": ["10.0.0.5"],
    "metadata.test": ["169.254.169.254"],
    "cgnat.test": ["100.64.0.1"],
    "zero.test": ["0.0.0.0"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "mapped-site.test": ["::ffff:127.0.0.2"],
    "compatible.test": ["::7f00:1"],
    "nat64.test": ["64:ff9b::7f00:1"],
    "sixtofour.test": ["2002:7f00:1::1"],
    "ula.test": ["fd00::1"],
    "scoped.test": ["fe80::1%lo"],
    "mixed.test": [SITE_IP, "127.0.0.1"],
    "mixed-rev.test": ["127.0.0.1", SITE_IP],
    "mixed-v6.test": [SITE_IP, "::1"],
    "garbage.test": ["localhost"],
    "number.test": ["2130706433"],
    "empty.test": [],
}

# Each of these is tried as the URL itself and as where the permitted site redirects to.
BYPASSES = [
    # the canary's own addresses, every spelling
    "http://127.0.0.1/",
    "https://127.0.0.1/",
    "http://127.0.0.1:80/ok.png",
    "https://127.0.0.1:443/ok.png",
    "HTTP://127.0.0.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://127.1/",
    "http://127.0.1/",
    "http://0x7f.1/",
    "http://0x7F.0.0.0x1/",
    "http://0177.0x0.0.01/",
    "http://127.000.000.001/",
    "http://127.0.0.1./",
    "http://%31%32%37.0.0.1/",
    "http://１２７．０．０．１/",
    "http://127。0。0。1/",
    "http://０ｘ７ｆ.１/",
    "http://0/",
    "http://0.0.0.0/",
    "http://127.0.0.3/",
    "http://localhost/",
    "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/",
    "http://[::1]/",
    "https://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:2]/ok.png",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    # userinfo and separator tricks
    "http://evil@127.0.0.1/",
    f"http://{SITE_NAME}@127.0.0.1/",
    f"http://127.0.0.1#@{SITE_NAME}/ok.png",
    f"http://127.0.0.1?@{SITE_NAME}/ok.png",
    f"http://{SITE_NAME}\\@127.0.0.1/",
    f"http://user:pass@{SITE_NAME}/ok.png",
    "http://user:pass@127.0.0.2/ok.png",
    "http:/127.0.0.1/",
    "http:127.0.0.1/",
    # the permitted host on ports it must not use
    "http://127.0.0.2:8080/ok.png",
    "http://127.0.0.2:22/",
    f"http://{SITE_NAME}:8080/ok.png",
    f"https://{SITE_NAME}:22/",
    f"http://{SITE_NAME}:080/ok.png",
    # host names whose DNS answers are not the permitted address
    "http://loop.test/",
    "https://loop.test/",
    "http://loop6.test/",
    "http://other-loop.test/",
    "http://private.test/",
    "http://metadata.test/latest/meta-data/",
    "http://cgnat.test/",
    "http://zero.test/",
    "http://mapped.test/",
    "http://mapped-site.test/ok.png",
    "http://compatible.test/",
    "http://nat64.test/",
    "http://sixtofour.test/",
    "http://ula.test/",
    "http://scoped.test/",
    "http://mixed.test/ok.png",
    "http://mixed-rev.test/ok.png",
    "http://mixed-v6.test/ok.png",
    "http://garbage.test/",
    "http://number.test/",
    "http://empty.test/",
    # other schemes
    "file:///etc/passwd",
    f"ftp://{SITE_NAME}/ok.png",
    "gopher://127.0.0.1:80/_GET%20/%20HTTP/1.0%0d%0a",
    "dict://127.0.0.1:80/info",
    "data:image/png;base64,iVBORw0KGgo=",
]

# Locations that only mean something relative to the page that sends them.
RELATIVE_BYPASSES = [
    "//127.0.0.1/",
    "//127.0.0.1:80/ok.png",
    "///127.0.0.1/",
    "//[::1]/",
    "//2130706433/",
    "/\\127.0.0.1/",
    "\\\\127.0.0.1\\",
    "http://127.0.0.1\t/",
    "//localhost/",
]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), [SITE_NAME])


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    canary = Canary()
    try:
        for host in ("127.0.0.1", "127.0.0.3"):
            for port in (80, 443):
                canary.listen(socket.AF_INET, host, port, must=True)
        canary.listen(socket.AF_INET, SITE_IP, 8080, must=True)
        canary.listen(socket.AF_INET, SITE_IP, 22, must=False)
        if loopback_v6():
            for port in (80, 443):
                canary.listen(socket.AF_INET6, "::1", port, must=True)
    except CannotBind as exc:
        pytest.fail(f"the SSRF tests need their canary: {exc}", pytrace=False)
    canary.start()
    yield canary
    time.sleep(0.2)
    canary.close()
    assert canary.hits == [], f"the canary was reached: {canary.hits}"


@pytest.fixture(scope="module")
def site(pki: Pki, canary: Canary) -> Iterator[Site]:
    site = Site(small_png(), pki)
    try:
        site.start()
    except CannotBind as exc:
        pytest.fail(f"the SSRF tests need their image site: {exc}", pytrace=False)
    yield site
    site.close()


def small_png() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((96, 64)).convert("RGB").save(out, "PNG")
    return out.getvalue()


def permit(ip: IPv4Address | IPv6Address) -> bool:
    return ip == SITE


@pytest.fixture
def fetcher(pki: Pki, site: Site) -> Fetcher:
    return Fetcher(resolver=TableResolver(DNS), permit=permit, tls=pki.client_context())


def make(pki: Pki, resolver: Resolver | None = None, **limits: Any) -> Fetcher:
    return Fetcher(
        FetchLimits(**limits),
        resolver=resolver or TableResolver(DNS),
        permit=permit,
        tls=pki.client_context(),
    )


def refused(fetcher: Fetcher, canary: Canary, url: str, kind: type[InvalidInput]) -> str:
    """Fetches `url`, expecting exactly a `kind` error; returns its message."""
    before = len(canary.hits)
    with pytest.raises(InvalidInput) as caught:
        fetcher.fetch(url)
    error = caught.value
    assert type(error) is kind, f"{url}: {type(error).__name__}: {error.message}"
    assert 400 <= error.status < 500
    assert len(canary.hits) == before, f"{url} reached the canary"
    return error.message


def redirect(to: str, status: int = 302) -> str:
    return f"http://{SITE_NAME}/redirect?to={quote(to, safe='')}&status={status}"


# -- what must work -----------------------------------------------------------------------


def test_a_plain_fetch_returns_the_bytes_and_their_type(fetcher: Fetcher, site: Site) -> None:
    got = fetcher.fetch(f"http://{SITE_NAME}/ok.png")
    assert got == Fetched(site.image, "image/png", f"http://{SITE_NAME}/ok.png")
    assert site.seen[-1].host == SITE_NAME
    assert fetcher.fetch("http://127.0.0.2/ok.png").data == site.image


def test_https_sends_the_host_name_as_sni_and_verifies_it(fetcher: Fetcher, site: Site) -> None:
    got = fetcher.fetch(f"https://{SITE_NAME}/ok.png")
    assert got.data == site.image and got.media_type == "image/png"
    assert (site.seen[-1].sni, site.seen[-1].host) == (SITE_NAME, SITE_NAME)


def test_redirects_are_followed_up_to_three(fetcher: Fetcher, site: Site) -> None:
    assert fetcher.fetch(f"http://{SITE_NAME}/chain/3").url == f"http://{SITE_NAME}/chain/0"
    assert fetcher.fetch(redirect("/ok.png", 301)).data == site.image
    assert fetcher.fetch(redirect(f"//{SITE_NAME}/ok.png", 307)).data == site.image
    assert fetcher.fetch(redirect(f"https://{SITE_NAME}/ok.png", 308)).data == site.image


def test_informational_answers_are_skipped(fetcher: Fetcher, site: Site) -> None:
    assert fetcher.fetch(f"http://{SITE_NAME}/informational").data == site.image


# -- every bypass, as the URL and as a redirect --------------------------------------------


@pytest.mark.parametrize("url", BYPASSES)
def test_bypass_url_is_refused(fetcher: Fetcher, canary: Canary, url: str) -> None:
    refused(fetcher, canary, url, FetchRefused)


@pytest.mark.parametrize("url", BYPASSES + RELATIVE_BYPASSES)
def test_redirect_to_bypass_is_refused(fetcher: Fetcher, canary: Canary, url: str) -> None:
    message = refused(fetcher, canary, redirect(url), FetchRefused)
    assert "redirected from" in message


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("to", ["http://127.0.0.1/", "http://loop.test/", "file:///etc/passwd"])
def test_every_redirect_status_is_rechecked(
    fetcher: Fetcher, canary: Canary, status: int, to: str
) -> None:
    refused(fetcher, canary, redirect(to, status), FetchRefused)


@pytest.mark.parametrize("status", [300, 305])
def test_redirects_that_are_not_redirects_are_not_followed(
    fetcher: Fetcher, canary: Canary, status: int
) -> None:
    message = refused(fetcher, canary, redirect("http://127.0.0.1/", status), FetchFailed)
    assert f"answered {status}" in message


def test_a_fourth_redirect_is_refused(fetcher: Fetcher, canary: Canary) -> None:
    message = refused(fetcher, canary, f"http://{SITE_NAME}/chain/4", FetchRefused)
    assert "more than 3 times" in message


def test_https_redirect_to_the_canary_is_refused(fetcher: Fetcher, canary: Canary) -> None:
    url = f"https://{SITE_NAME}/redirect?to={quote('http://[::1]/', safe='')}"
    refused(fetcher, canary, url, FetchRefused)


def test_a_location_that_is_not_utf8_is_refused(fetcher: Fetcher, canary: Canary) -> None:
    url = f"http://{SITE_NAME}/redirect?to=http%3A%2F%2F%FF127.0.0.1%2F"
    refused(fetcher, canary, url, FetchRefused)


# -- DNS: one lookup per hop, every answer checked, no rebinding ---------------------------


def test_each_hop_is_looked_up_once_and_connected_to_as_checked(
    pki: Pki, site: Site, canary: Canary
) -> None:
    rebinding = RebindingResolver([[SITE_IP], ["127.0.0.1"]])
    assert make(pki, rebinding).fetch(f"http://{SITE_NAME}/ok.png").data == site.image
    assert rebinding.asked == [SITE_NAME]
    rebinding = RebindingResolver([[SITE_IP], ["127.0.0.1"]])
    assert make(pki, rebinding).fetch(f"https://{SITE_NAME}/ok.png").data == site.image
    assert rebinding.asked == [SITE_NAME]


def test_rebinding_between_hops_is_caught(pki: Pki, site: Site, canary: Canary) -> None:
    rebinding = RebindingResolver([[SITE_IP], ["127.0.0.1"]])
    url = redirect(f"http://{SITE_NAME}/ok.png")
    message = refused(make(pki, rebinding), canary, url, FetchRefused)
    assert f"{SITE_NAME} resolves to 127.0.0.1" in message
    assert rebinding.asked == [SITE_NAME, SITE_NAME]


def test_rebinding_to_a_mixed_answer_is_caught(pki: Pki, site: Site, canary: Canary) -> None:
    rebinding = RebindingResolver([[SITE_IP], [SITE_IP, "::1"]])
    refused(make(pki, rebinding), canary, redirect(f"http://{SITE_NAME}/"), FetchRefused)


def test_an_unknown_host_is_a_failure_not_a_guess(fetcher: Fetcher, canary: Canary) -> None:
    message = refused(fetcher, canary, "http://nowhere.test/a.png", FetchFailed)
    assert "nowhere.test" in message and "does not resolve" in message


def test_a_hanging_lookup_ends_at_the_time_limit(pki: Pki, canary: Canary) -> None:
    hanging = HangingResolver()
    try:
        refused(make(pki, hanging, timeout_s=0.5), canary, "http://slow.test/", FetchTimedOut)
    finally:
        hanging.release.set()


# -- time and size caps ---------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("path", ["drip-head", "drip-body", "drip-chunk-size", "silent"])
def test_a_slow_server_is_cut_off_at_the_total_time(
    pki: Pki, site: Site, canary: Canary, scheme: str, path: str
) -> None:
    # each byte comes quickly and the answer would be complete after 4 s: only a cap on the
    # whole fetch, not on each read, stops it at 1 s
    message = refused(
        make(pki, timeout_s=1.0), canary, f"{scheme}://{SITE_NAME}/{path}", FetchTimedOut
    )
    assert message == f"the server at {scheme}://{SITE_NAME}/{path} took longer than 1 s"


def test_a_slow_server_behind_a_redirect_is_cut_off(pki: Pki, site: Site, canary: Canary) -> None:
    refused(make(pki, timeout_s=1.0), canary, redirect("/drip-body"), FetchTimedOut)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("declared-huge", FetchTooLarge),  # refused on its Content-Length, before the body
        ("undeclared-huge", FetchTooLarge),  # no Content-Length: counted as it streams
        ("endless-chunked", FetchTooLarge),
        ("lying-length", FetchFailed),  # says 1000 bytes, sends 64 MiB
    ],
)
def test_oversized_bodies_are_cut_at_the_cap(
    pki: Pki, site: Site, canary: Canary, path: str, kind: type[InvalidInput]
) -> None:
    fetcher = make(pki, max_bytes=256 * 1024)
    message = refused(fetcher, canary, f"http://{SITE_NAME}/{path}", kind)
    if kind is FetchTooLarge:
        assert message == f"the image at http://{SITE_NAME}/{path} is over the 256 KiB limit"


def test_an_endless_body_stops_at_the_default_cap(fetcher: Fetcher, canary: Canary) -> None:
    message = refused(fetcher, canary, f"https://{SITE_NAME}/endless-chunked", FetchTooLarge)
    assert message.endswith("is over the 8 MiB limit")


# -- answers that are not an image -----------------------------------------------------------


def test_an_error_status_is_named_and_its_body_never_echoed(
    fetcher: Fetcher, canary: Canary
) -> None:
    message = refused(fetcher, canary, f"http://{SITE_NAME}/missing", FetchFailed)
    assert message == f"http://{SITE_NAME}/missing answered 404 (Not Found)"
    assert "SECRET" not in message


@pytest.mark.parametrize("path", ["no-location", "gzip"])
def test_answers_tamis_cannot_use_are_refused(fetcher: Fetcher, canary: Canary, path: str) -> None:
    refused(fetcher, canary, f"http://{SITE_NAME}/{path}", FetchFailed)


@pytest.mark.parametrize(
    "url", ["https://wrong.test/ok.png", "https://127.0.0.2/ok.png"], ids=["name", "address"]
)
def test_a_certificate_for_another_name_is_refused(
    fetcher: Fetcher, canary: Canary, url: str
) -> None:
    assert "could not be verified" in refused(fetcher, canary, url, FetchFailed)


def test_the_default_trust_store_does_not_trust_the_test_ca(site: Site, canary: Canary) -> None:
    fetcher = Fetcher(resolver=TableResolver(DNS), permit=permit)
    refused(fetcher, canary, f"https://{SITE_NAME}/ok.png", FetchFailed)


def test_zz_the_canary_saw_nothing(canary: Canary) -> None:
    time.sleep(0.3)  # let the canary's loop accept anything still queued
    assert canary.hits == []
    assert canary.listeners, "the canary listened nowhere"


def test_a_trickled_tls_handshake_is_cut_off_at_the_total_time(
    pki: Pki, site: Site, canary: Canary
) -> None:
    # 127.0.0.4 relays to the site, trickling its TLS records; each byte comes quickly, so
    # only a bound on the handshake as a whole stops it before it completes
    relay = TricklingRelay("127.0.0.4")
    relay.start()
    try:
        fetcher = Fetcher(
            FetchLimits(timeout_s=1.0),
            resolver=TableResolver({SITE_NAME: ["127.0.0.4"]}),
            permit=lambda ip: ip == IPv4Address("127.0.0.4"),
            tls=pki.client_context(),
        )
        refused(fetcher, canary, f"https://{SITE_NAME}/ok.png", FetchTimedOut)
    finally:
        relay.close()
    assert relay.client_bytes, "the client never reached the relay"
    assert not relay.client_finished_a_handshake()
