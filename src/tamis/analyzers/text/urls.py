"""Links in free text: found however they are disguised, and reduced to one canonical form.

Spam and scams travel as links, and the people who post them know that filters look for
`http://`. So links are also found without a scheme (`exemple.fr`), with the dot bracketed or
spelt out (`exemple[.]fr`, `exemple (dot) com`, `exemple . com`, `exemple نقطة com`), with a
defanged scheme (`hxxp://`) and in fullwidth letters (`ｅｘａｍｐｌｅ．ｃｏｍ`). Evidence points
into the original text, so the scan runs on a view with exactly one code point per original
code point (compatibility forms folded one to one): offsets carry over unchanged.

A word followed by a dot is everywhere in prose ("e.g.", "3.5", "fin.Le"), so a candidate
without a scheme must end in a known top-level domain (linklists/tlds.txt), and the looser
disguises (a spelt-out or spaced dot) only in a common generic one.

Normal forms make rules and duplicates comparable: the host lower-cased and IDNA-encoded
(punycode), default ports, fragments and tracking parameters dropped, other query parameters
sorted. A host that mixes Latin with look-alike Cyrillic or Greek letters (`pаypal.com`) is
reported, since it exists to pass for another.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import idna

from tamis.analyzers.text.normalize import fold_char

__all__ = [
    "Link",
    "find_links",
    "lists_digest",
    "normalize_host",
    "normalize_rest",
    "shortener",
]

_LISTS = Path(__file__).with_name("linklists")

_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_DOT_WORDS = r"dot|point|punto|نقطة"
_SEP = (
    r"(?:\s?[\[\(\{]\s*(?:\.|" + _DOT_WORDS + r")\s*[\]\)\}]\s?"
    r"|\s+(?:" + _DOT_WORDS + r")\s+"
    r"|[ \t]+\.[ \t]*"
    r"|\.)"
)
_LINK_RE = re.compile(
    r"(?<![\w@.\-/])"
    r"(?:(?P<scheme>h(?:tt|xx|\*\*)ps?|ftp)(?::|\[:\])//)?"
    rf"(?P<host>{_LABEL}(?:{_SEP}{_LABEL})+)"
    r"(?P<port>:\d{1,5}(?![\w.]))?"
    r"(?P<rest>[/?#][^\s<>\"'«»]*)?",
    re.IGNORECASE,
)
_SEP_RE = re.compile(_SEP, re.IGNORECASE)
_HINT_RE = re.compile(r"[.]|" + _DOT_WORDS, re.IGNORECASE)
_TRAILING = ".,;:!?'\"»…"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_MAX_LABELS = 127
_IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# Words that read as a domain's first label in "the dot com bubble": not a link.
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "my",
        "your",
        "our",
        "le",
        "la",
        "les",
        "un",
        "une",
        "du",
        "des",
        "de",
        "ce",
        "el",
        "los",
        "las",
        "lo",
        "una",
        "mi",
        "su",
    }
)

_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "mc_eid",
        "mc_cid",
        "mkt_tok",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "rb_clickid",
        "s_cid",
        "epik",
        "srsltid",
    }
)
_TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": ":80", "https": ":443", "ftp": ":21"}
_SCRIPTS = (
    ("Latn", re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")),
    ("Grek", re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")),
    ("Cyrl", re.compile(r"[\u0400-\u052f]")),
)


def _lines(name: str) -> list[str]:
    text = (_LISTS / name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


@cache
def lists_digest() -> str:
    """A digest of the bundled lists: part of the links analyzer's version."""
    digest = hashlib.sha256()
    for name in ("shorteners.txt", "tlds.txt"):
        digest.update((_LISTS / name).read_bytes())
    return digest.hexdigest()[:12]


@cache
def _tlds() -> dict[str, str]:
    return dict(line.split("\t", 1) for line in _lines("tlds.txt"))


@cache
def _shorteners() -> frozenset[str]:
    return frozenset(_lines("shorteners.txt"))


def shortener(host: str) -> str | None:
    """The listed shortener a (normalised) host belongs to, if any."""
    listed = _shorteners()
    labels = host.split(".")
    for i in range(len(labels) - 1):
        suffix = ".".join(labels[i:])
        if suffix in listed:
            return suffix
    return None


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in a text: where it is (code points of the original) and its normal form."""

    start: int
    end: int
    url: str
    """The normal form: scheme, IDNA host, path and sorted query without tracking."""
    host: str
    target: str
    """Host, path and query without the scheme: what tenants' rules match against."""
    obfuscated: bool
    """Written to dodge filters: a bracketed, spaced or spelt-out dot, `hxxp`, fullwidth."""
    homoglyph: str | None
    """The scripts a host mixes (`Latn+Cyrl`), where it mixes look-alike ones."""


@lru_cache(maxsize=4096)
def _fold1(char: str) -> str:
    if char in "。｡":
        return "."
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def _view(text: str) -> str:
    if text.isascii():
        return text
    return "".join([_fold1(c) for c in text])


def normalize_host(host: str) -> str | None:
    """The IDNA (punycode) form of a host, lower-case; None when it cannot be a host name."""
    host = host.strip().rstrip(".")
    if not host or len(host) > 253:
        return None
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        ascii_host = host.lower()
        if re.fullmatch(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*", ascii_host):
            return ascii_host
        return None


def _tld_tier(tld: str) -> str | None:
    tiers = _tlds()
    lowered = tld.lower()
    if lowered in tiers:
        return tiers[lowered]
    folded = "".join(fold_char(c) for c in lowered)
    if folded in tiers:
        return tiers[folded]
    if lowered.startswith("xn--"):
        try:
            return tiers.get(idna.decode(lowered))
        except (idna.IDNAError, UnicodeError):
            return None
    return None


def _scripts(host: str) -> str | None:
    letters = host
    if "xn--" in host.lower():
        try:
            letters = idna.decode(host.lower())
        except (idna.IDNAError, UnicodeError):
            letters = host
    found = [name for name, pattern in _SCRIPTS if pattern.search(letters)]
    if "Latn" in found and len(found) > 1:
        return "+".join(found)
    return None


def _trim(rest: str) -> str:
    while rest:
        last = rest[-1]
        if last in _TRAILING or (
            last in _CLOSERS and rest.count(_CLOSERS[last]) < rest.count(last)
        ):
            rest = rest[:-1]
        else:
            break
    return rest


def normalize_rest(rest: str, *, wildcards: bool = False) -> str:
    """Path and query in normal form: percent-encoded, tracking parameters out, query sorted.

    With `wildcards` (a rule's pattern), a query holding `*` is left in the order written.
    """
    if rest.startswith("?"):
        rest = "/" + rest
    path, _, query = rest.split("#", 1)[0].partition("?")
    safe = "/%:@!$&'()*+,;=-._~"
    path = quote(path or "/", safe=safe)
    if wildcards and "*" in query:
        return f"{path}?{quote(query, safe=safe + '?')}"
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    if not pairs:
        return path
    return f"{path}?{urlencode(sorted(pairs), quote_via=quote)}"


def _sep_kind(sep: str) -> str:
    core = sep.strip()
    if sep == ".":
        return "plain"
    if core[:1] in "[({":
        return "bracket"
    return "spaced" if core == "." else "word"


def _accept(
    labels: list[str], kinds: list[str], *, scheme: bool, www: bool, has_path: bool
) -> bool:
    tld = labels[-1]
    if scheme:
        dotted = ".".join(labels)
        return tld.isalpha() or tld.lower().startswith("xn--") or bool(_IPV4_RE.fullmatch(dotted))
    tier = _tld_tier(tld)
    if tier is None or (tier == "file" and not (www or has_path)):
        return False
    if ("word" in kinds or "spaced" in kinds) and (
        tier != "generic" or labels[0].lower() in _STOPWORDS or len(labels[0]) < 2
    ):
        return shortener(".".join(labels).lower()) is not None
    # "fin.Le", "Paris.Com": a sentence that forgot its space, not a link.
    return www or not (tld[0].isupper() and not tld.isupper())


def _candidate(match: re.Match[str], original: str, view: str) -> Link | None:
    host_start, host_end = match.span("host")
    labels: list[str] = []
    kinds: list[str] = []
    ends: list[int] = []
    position = host_start
    for sep in _SEP_RE.finditer(view, host_start, host_end):
        labels.append(view[position : sep.start()])
        ends.append(sep.start())
        kinds.append(_sep_kind(sep.group(0)))
        position = sep.end()
    labels.append(view[position:host_end])
    ends.append(host_end)
    scheme = match.group("scheme")
    www = labels[0].lower() == "www"
    full_rest = _trim(match.group("rest") or "")
    # A host name has at most 127 labels: a run of ten thousand is tried from that many.
    for count in range(min(len(labels), _MAX_LABELS), 1, -1):
        whole = count == len(labels)
        rest = full_rest if whole else ""
        if _accept(
            labels[:count],
            kinds[: count - 1],
            scheme=scheme is not None,
            www=www,
            has_path=bool(rest),
        ):
            break
    else:
        return None
    host = normalize_host(".".join(labels[:count]))
    if host is None:
        return None
    host_stop = ends[count - 1]
    port = (match.group("port") or "") if whole else ""
    end = host_stop + len(port) + len(rest)
    scheme_name = (scheme or "http").lower().replace("xx", "tt").replace("**", "tt")
    if port == _DEFAULT_PORTS.get(scheme_name):
        port = ""
    tail = normalize_rest(rest) if rest else "/"
    original_host = original[host_start:host_stop]
    obfuscated = (
        any(k != "plain" for k in kinds[: count - 1])
        or original_host != view[host_start:host_stop]
        or (scheme is not None and scheme_name != scheme.lower())
    )
    return Link(
        start=match.start(),
        end=end,
        url=f"{scheme_name}://{host}{port}{tail}",
        host=host,
        target=host + ("" if tail == "/" else tail),
        obfuscated=obfuscated,
        homoglyph=_scripts(original_host),
    )


def find_links(text: str) -> list[Link]:
    """Every link in `text`, in order, with code-point offsets into `text` itself."""
    view = _view(text)
    if not _HINT_RE.search(view):
        return []
    links = []
    position = 0
    while (match := _LINK_RE.search(view, position)) is not None:
        link = _candidate(match, text, view)
        if link is None:
            # Its first label is no link; a link may still start further into the match.
            first = _SEP_RE.search(view, match.start("host"), match.end("host"))
            position = first.end() if first is not None else match.end()
        else:
            links.append(link)
            position = link.end
    return links
