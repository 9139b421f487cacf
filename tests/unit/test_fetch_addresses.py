"""Every way we know to smuggle a non-public address past an image URL check, refused.

The bypass lists below are the attempts counted in the report (`BYPASS_URLS` and
`BYPASS_ANSWERS`); the public addresses and URLs after them must still be allowed, so the
checks are not simply refusing everything.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tamis.errors import InvalidInput
from tamis.media.addresses import (
    FetchRefused,
    check_resolved,
    check_url,
    is_public,
    parse_url,
    why_not_public,
)

BYPASS_URLS: dict[str, str] = {
    # loopback, spelt every way a client would still read as 127.0.0.1
    "dotted": "http://127.0.0.1/",
    "decimal": "http://2130706433/",
    "hex": "http://0x7f000001/",
    "hex upper": "http://0X7F000001/",
    "octal parts": "http://0177.0.0.1/",
    "octal whole": "http://017700000001/",
    "two parts": "http://127.1/",
    "three parts": "http://127.0.1/",
    "hex two parts": "http://0x7f.1/",
    "mixed hex": "http://0x7F.0.0.0x1/",
    "mixed octal hex": "http://0177.0x0.0.01/",
    "zero padded": "http://127.000.000.001/",
    "trailing dot": "http://127.0.0.1./",
    "percent host": "http://%31%32%37.0.0.1/",
    "percent octet": "http://127.0.0.%31/",
    "fullwidth": "http://１２７．０．０．１/",
    "ideographic dots": "http://127。0。0。1/",
    "circled digits": "http://①②⑦.0.0.1/",
    "fullwidth hex": "http://０ｘ７ｆ.１/",
    "other loopback": "http://127.255.255.254/",
    "loopback https": "https://127.0.0.1/",
    "loopback port 80": "http://127.0.0.1:80/",
    "zero": "http://0/",
    "unspecified": "http://0.0.0.0/",
    "localhost": "http://localhost/",
    "localhost upper": "http://LOCALHOST/",
    "localhost circled": "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/",
    "sub.localhost": "http://images.localhost/",
    "dotless intranet": "http://intranet/",
    # IPv6 forms of loopback and other local addresses
    "v6 loopback": "http://[::1]/",
    "v6 loopback long": "http://[0:0:0:0:0:0:0:1]/",
    "v6 unspecified": "http://[::]/",
    "mapped dotted": "http://[::ffff:127.0.0.1]/",
    "mapped hex": "http://[::ffff:7f00:1]/",
    "mapped long": "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "mapped public": "http://[::ffff:93.184.215.14]/",
    "compatible": "http://[::127.0.0.1]/",
    "nat64 loopback": "http://[64:ff9b::127.0.0.1]/",
    "nat64 private": "http://[64:ff9b::a00:5]/",
    "nat64 metadata": "http://[64:ff9b::a9fe:a9fe]/",
    "nat64 local-use": "http://[64:ff9b:1::5db8:d70e]/",
    "6to4 loopback": "http://[2002:7f00:1::]/",
    "6to4 metadata": "http://[2002:a9fe:a9fe::1]/",
    "teredo loopback client": "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "teredo private client": "http://[2001:0:4136:e378:8000:63bf:f5ff:fffa]/",
    "v6 link-local": "http://[fe80::1]/",
    "v6 zone": "http://[fe80::1%25eth0]/",
    "ula fc": "http://[fc00::1]/",
    "ula fd": "http://[fd12:3456:789a::1]/",
    "site-local": "http://[fec0::1]/",
    "v6 multicast": "http://[ff02::1]/",
    "v6 documentation": "http://[2001:db8::1]/",
    "v6 documentation 3fff": "http://[3fff::1]/",
    "v6 discard": "http://[100::1]/",
    "v6 benchmarking": "http://[2001:2::1]/",
    "v6 ietf": "http://[2001:10::1]/",
    "ipvfuture": "http://[v1.fe80::1]/",
    "unclosed bracket": "http://[::1/",
    "unbracketed v6": "http://::1/",
    # IPv4 ranges that are not the public internet
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "private 10": "http://10.0.0.5/",
    "private 172": "http://172.16.0.1/",
    "private 172 top": "http://172.31.255.255/",
    "private 192": "http://192.168.1.1/",
    "cgnat": "http://100.64.0.1/",
    "cgnat top": "http://100.127.255.255/",
    "benchmarking": "http://198.18.0.1/",
    "benchmarking 2": "http://198.19.255.255/",
    "documentation 1": "http://192.0.2.1/",
    "documentation 2": "http://198.51.100.7/",
    "documentation 3": "http://203.0.113.9/",
    "ietf": "http://192.0.0.8/",
    "6to4 relay": "http://192.88.99.1/",
    "multicast": "http://224.0.0.1/",
    "reserved": "http://240.0.0.1/",
    "broadcast": "http://255.255.255.255/",
    "this network": "http://0.1.2.3/",
    "metadata decimal": "http://2852039166/",
    "private hex": "http://0xa000005/",
    # userinfo, fragments and separators that move the host
    "userinfo": "http://evil@127.0.0.1/",
    "credentials": "http://user:pass@images.example/a.png",
    "host as userinfo": "http://images.example@127.0.0.1/",
    "loopback as userinfo": "http://127.0.0.1:80@images.example/",
    "empty userinfo": "http://@127.0.0.1/",
    "double at": "http://a@b@127.0.0.1/",
    "fragment at": "http://127.0.0.1#@images.example/",
    "query at": "http://127.0.0.1?@images.example/",
    "backslash at": "http://images.example\\@127.0.0.1/",
    "backslashes": "http:\\\\127.0.0.1\\",
    "tab in host": "http://127.0.0.1\t/",
    "newline in host": "http://12\n7.0.0.1/",
    "nul in host": "http://images.example\x00.127.0.0.1/",
    "space in host": "http://127.0.0.1 .images.example/",
    "zero width space": "http://127.0.0.1\u200b/",
    "soft hyphen": "http://local\u00adhost/",
    # schemes
    "file": "file:///etc/passwd",
    "ftp": "ftp://images.example/a.png",
    "gopher": "gopher://127.0.0.1:6379/_INFO",
    "dict": "dict://127.0.0.1:11211/stats",
    "data": "data:image/png;base64,iVBORw0KGgo=",
    "javascript": "javascript:alert(1)",
    "one slash": "http:/127.0.0.1/",
    "no slash": "http:127.0.0.1",
    "scheme-relative": "//127.0.0.1/",
    # ports
    "ssh": "http://images.example:22/",
    "alt http": "http://images.example:8080/",
    "redis https": "https://images.example:6379/",
    "port zero": "http://images.example:0/",
    "port overflow": "http://images.example:65616/",
    "port leading zero": "http://images.example:080/",
    "port empty": "http://images.example:/",
    "port twice": "http://images.example:80:22/",
    "port plus": "http://images.example:+80/",
    "port fullwidth": "http://images.example:８０/",
    # host names that cannot be one
    "five parts": "http://1.2.3.4.5/",
    "number tld": "http://images.0x7f/",
    "octet over 255": "http://256.0.0.1/",
    "empty label": "http://images..example/",
    "bad character": "http://images$.example/",
    "bad idna": "http://⑴.example/",
}

BYPASS_ANSWERS: dict[str, list[str]] = {
    "loopback": ["127.0.0.1"],
    "private": ["10.0.0.5"],
    "metadata": ["169.254.169.254"],
    "cgnat": ["100.64.0.1"],
    "unspecified": ["0.0.0.0"],
    "v6 loopback": ["::1"],
    "v6 unspecified": ["::"],
    "mapped loopback": ["::ffff:127.0.0.1"],
    "mapped private": ["::ffff:10.0.0.5"],
    "compatible": ["::7f00:1"],
    "nat64 loopback": ["64:ff9b::7f00:1"],
    "6to4 private": ["2002:c0a8:101::1"],
    "teredo": ["2001:0:4136:e378:8000:63bf:80ff:fffe"],
    "link-local zoned": ["fe80::1%eth0"],
    "ula": ["fd00::1"],
    "public then loopback": ["93.184.215.14", "127.0.0.1"],
    "loopback then public": ["127.0.0.1", "93.184.215.14"],
    "public v6 then v6 loopback": ["2606:4700::1111", "::1"],
    "public v4 then mapped": ["93.184.215.14", "::ffff:169.254.169.254"],
    "not an address": ["images.example"],
    "number spelling": ["2130706433"],
    "short spelling": ["127.1"],
    "empty answer": [],
}

NAT64 = IPv6Network("64:ff9b::/96")

PUBLIC_ADDRESSES = [
    "93.184.215.14",
    "1.1.1.1",
    "8.8.8.8",
    "11.0.0.1",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.255",
    "192.169.0.1",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",
    "2606:4700::1111",
    "2a00:1450:4007:80c::200e",
    "2001:4860:4860::8888",
    "64:ff9b::5db8:d70e",  # NAT64 of 93.184.215.14
    "2002:5db8:d70e::1",  # 6to4 of 93.184.215.14
]

PUBLIC_URLS = {
    "https://images.example/a.png": ("images.example", 443, "/a.png"),
    "HTTPS://IMAGES.Example/a.png?x=1#top": ("images.example", 443, "/a.png?x=1"),
    "http://93.184.215.14/cat.jpg": ("93.184.215.14", 80, "/cat.jpg"),
    "https://[2606:4700::1111]/x": ("2606:4700::1111", 443, "/x"),
    "https://bücher.example/ä.png": ("xn--bcher-kva.example", 443, "/%C3%A4.png"),
    "http://images.example:80": ("images.example", 80, "/"),
    "http://images.example:443/": ("images.example", 443, "/"),
    "https://cdn_1.images.example/?q": ("cdn_1.images.example", 443, "/?q"),
}


@pytest.mark.parametrize("url", BYPASS_URLS.values(), ids=BYPASS_URLS.keys())
def test_every_url_bypass_is_refused(url: str) -> None:
    with pytest.raises(FetchRefused) as caught:
        check_url(url)
    assert caught.value.status == 422
    assert isinstance(caught.value, InvalidInput)


@pytest.mark.parametrize("answers", BYPASS_ANSWERS.values(), ids=BYPASS_ANSWERS.keys())
def test_every_resolver_bypass_is_refused(answers: list[str]) -> None:
    target = check_url("https://images.example/a.png")
    with pytest.raises(FetchRefused):
        check_resolved(target, answers)


def test_bypass_lists_are_large_and_distinct() -> None:
    assert len(set(BYPASS_URLS.values())) == len(BYPASS_URLS) >= 50
    assert len(BYPASS_ANSWERS) >= 20


@pytest.mark.parametrize("text", PUBLIC_ADDRESSES)
def test_public_addresses_are_allowed(text: str) -> None:
    ip = ip_address(text)
    assert is_public(ip), why_not_public(ip)
    target = check_url("https://images.example/a.png")
    assert check_resolved(target, [text, text]) == [ip]


@pytest.mark.parametrize("url", PUBLIC_URLS.keys())
def test_public_urls_are_read_as_a_client_reads_them(url: str) -> None:
    target = check_url(url)
    assert (target.host, target.port, target.path) == PUBLIC_URLS[url]
    assert check_url(target.url) == target  # the canonical form reads back the same


def test_messages_say_what_is_wrong() -> None:
    target = check_url("https://example.internal/a.png")
    with pytest.raises(FetchRefused, match=r"example\.internal resolves to 10\.0\.0\.5"):
        check_resolved(target, ["10.0.0.5"])
    with pytest.raises(FetchRefused, match=r"0x7f\.1 means 127\.0\.0\.1, a loopback address"):
        check_url("http://0x7f.1/")
    with pytest.raises(FetchRefused, match=r"four decimal numbers, 93\.184\.215\.14"):
        check_url("http://0x5db8d70e/")
    with pytest.raises(FetchRefused, match="ports 80 and 443, not 8080"):
        check_url("http://images.example:8080/")
    with pytest.raises(FetchRefused, match="only over http and https, not gopher:"):
        check_url("gopher://images.example/")
    with pytest.raises(FetchRefused) as caught:
        check_url("https://alice:s3cret@images.example/")
    assert "s3cret" not in caught.value.message


def test_permit_can_let_exactly_one_loopback_address_in() -> None:
    stand_in = IPv4Address("127.0.0.2")

    def permit(ip: IPv4Address | IPv6Address) -> bool:
        return ip == stand_in

    assert check_url("http://127.0.0.2/a.png", permit).address == stand_in
    for other in ("http://127.0.0.1/", "http://[::ffff:127.0.0.2]/", "http://93.184.215.14/"):
        with pytest.raises(FetchRefused):
            check_url(other, permit)
    # an unusual spelling of the permitted address is still refused: spelling rules come first
    with pytest.raises(FetchRefused):
        check_url("http://127.2/", permit)


@given(st.integers(0, 2**32 - 1))
def test_every_unusual_spelling_of_any_ipv4_is_refused_and_explained(value: int) -> None:
    v4 = IPv4Address(value)
    a, b, c, d = v4.packed
    spellings = [
        str(value),
        hex(value),
        f"0{value:o}",
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"{a}.{b}.{(c << 8) | d}",
        f"{a:#x}.0{b:o}.{c}.{d:#x}",
        f"{a}.{b}.{c}.{d}.",
    ]
    for spelling in spellings:
        if spelling == str(v4):
            continue
        with pytest.raises(FetchRefused) as caught:
            check_url(f"http://{spelling}/")
        if not spelling.endswith("."):
            assert str(v4) in caught.value.message


@given(st.integers(0, 2**32 - 1))
def test_public_ipv4_is_never_what_python_calls_non_global(value: int) -> None:
    ip = IPv4Address(value)
    if is_public(ip):
        assert ip.is_global and not ip.is_multicast
        assert is_public(IPv6Address(f"64:ff9b::{ip}"))
    else:
        assert not is_public(IPv6Address(f"::ffff:{ip}"))
        assert not is_public(IPv6Address(f"64:ff9b::{ip}"))
        assert not is_public(IPv6Address((0x2002 << 112) | (value << 80)))


@given(st.integers(0, 2**128 - 1))
def test_public_ipv6_is_global_unicast_or_a_public_embedding(value: int) -> None:
    ip = IPv6Address(value)
    if is_public(ip):
        assert ip.is_global or ip in NAT64
        assert not ip.is_multicast and not ip.is_link_local and not ip.is_private
        assert ip.ipv4_mapped is None


def test_parse_url_keeps_the_path_and_drops_the_fragment() -> None:
    target = parse_url("https://images.example/a b/ä.png?size=2#frag".replace(" ", "%20"))
    assert target.path == "/a%20b/%C3%A4.png?size=2"
    assert target.url == "https://images.example/a%20b/%C3%A4.png?size=2"
    assert target.authority == "images.example"
    assert parse_url("http://[2606:4700::1111]:443/").authority == "[2606:4700::1111]:443"
