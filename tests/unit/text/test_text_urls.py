"""Finding links in text, disguised or not, with offsets into the original, and normal forms."""

from __future__ import annotations

import pytest

from tamis.analyzers.text.urls import find_links, normalize_host, shortener


def _found(text: str) -> list[tuple[str, str]]:
    return [(text[link.start : link.end], link.url) for link in find_links(text)]


@pytest.mark.parametrize(
    ("text", "written", "url"),
    [
        # French
        (
            "Gagnez un iPhone sur exemple[.]com avant ce soir",
            "exemple[.]com",
            "http://exemple.com/",
        ),
        ("Allez voir exemple(.)fr/promo vite", "exemple(.)fr/promo", "http://exemple.fr/promo"),
        ("c'est sur exemple . com les amis", "exemple . com", "http://exemple.com/"),
        ("tout est sur exemple point com", "exemple point com", "http://exemple.com/"),
        ("inscris-toi sur ｅｘｅｍｐｌｅ．ｃｏｍ", "ｅｘｅｍｐｌｅ．ｃｏｍ", "http://exemple.com/"),
        # English
        (
            "Visit hxxps://evil[.]example[.]com/login now",
            "hxxps://evil[.]example[.]com/login",
            "https://evil.example.com/login",
        ),
        ("free money at example dot com !!!", "example dot com", "http://example.com/"),
        (
            "see www.Example.COM/Path?b=2&a=1#top.",
            "www.Example.COM/Path?b=2&a=1#top",
            "http://www.example.com/Path?a=1&b=2",
        ),
        (
            "(https://en.wikipedia.org/wiki/Sieve_(disambiguation))",
            "https://en.wikipedia.org/wiki/Sieve_(disambiguation)",
            "https://en.wikipedia.org/wiki/Sieve_(disambiguation)",
        ),
        # Spanish
        ("Entra en ejemplo punto com y gana", "ejemplo punto com", "http://ejemplo.com/"),
        (
            "¡Oferta! www.ejemplo.es/oferta?utm_source=fb&id=7",
            "www.ejemplo.es/oferta?utm_source=fb&id=7",
            "http://www.ejemplo.es/oferta?id=7",
        ),
        # Arabic, the link inside right-to-left text
        ("زوروا موقعنا example[.]com الآن", "example[.]com", "http://example.com/"),
        ("الرابط example نقطة com للتسجيل", "example نقطة com", "http://example.com/"),
        ("موقع الأخبار hespress.ma اليوم", "hespress.ma", "http://hespress.ma/"),
    ],
)
def test_links_are_found_with_offsets_into_the_original(text: str, written: str, url: str) -> None:
    assert _found(text) == [(written, url)]


@pytest.mark.parametrize(
    "text",
    [
        "e.g. the figure, i.e. 3.5 or 2.0.1, at 10.30 a.m.",
        "J'habite à Paris.Je pense que c'est fini.Le reste suit.",
        "Mr. Smith vs. Mrs. Jones, etc. See fig. 3 and No.5",
        "Écrivez à contact@exemple.fr pour en savoir plus",
        "Run setup.py then read README.md and notes.sh",
        "the dot com bubble burst, a dot in the middle",
        "Lo compré online. Club de fans, y mi punto es este",
        "version 1.2.3 released on 12.05.2024",
        "مرحبا بكم في الموقع. شكرا",
    ],
)
def test_ordinary_text_holds_no_link(text: str) -> None:
    assert find_links(text) == []


def test_several_links_keep_their_order_and_trailing_punctuation_stays_out() -> None:
    text = "Deux sites : site.fr. Et bit.ly/abc, puis http://x.org/a)."
    assert _found(text) == [
        ("site.fr", "http://site.fr/"),
        ("bit.ly/abc", "http://bit.ly/abc"),
        ("http://x.org/a", "http://x.org/a"),
    ]


def test_tracking_parameters_fragments_and_default_ports_are_dropped() -> None:
    [link] = find_links(
        "https://shop.example.com:443/p?utm_medium=x&fbclid=1&gclid=2&mc_eid=3&z=1&a=2#f"
    )
    assert link.url == "https://shop.example.com/p?a=2&z=1"
    assert link.target == "shop.example.com/p?a=2&z=1"
    [kept] = find_links("http://example.com:8080/")
    assert kept.url == "http://example.com:8080/"


def test_hosts_become_punycode() -> None:
    [link] = find_links("voir пример.рф et BÜCHER.de")[:1]
    assert link.host == "xn--e1afmkfd.xn--p1ai" and link.homoglyph is None
    assert normalize_host("Bücher.DE") == "xn--bcher-kva.de"


@pytest.mark.parametrize(
    ("text", "scripts"),
    [
        ("connectez-vous sur pаypal.com", "Latn+Cyrl"),  # Cyrillic а
        ("login at gοogle.com today", "Latn+Grek"),  # Greek ο
        ("paypal.соm/secure", "Latn+Cyrl"),  # Cyrillic с and о in the TLD
        ("or xn--pypal-4ve.com", "Latn+Cyrl"),  # the same, written in punycode
    ],
)
def test_look_alike_hosts_are_reported(text: str, scripts: str) -> None:
    [link] = find_links(text)
    assert link.homoglyph == scripts


def test_disguise_is_reported_and_plain_links_are_not_disguised() -> None:
    assert [link.obfuscated for link in find_links("a.com b[.]com hxxp://c.com d.com")] == [
        False,
        True,
        True,
        False,
    ]


def test_shorteners_cover_their_subdomains_only_by_suffix() -> None:
    assert shortener("bit.ly") == "bit.ly"
    assert shortener("m.bit.ly") == "bit.ly"
    assert shortener("notbit.ly") is None
    assert shortener("t.co") == "t.co" and shortener("microsoft.com") is None
