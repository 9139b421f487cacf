"""One preparation of a text for both classifier tiers, so training and serving see the same.

Both tiers read the lexicon's evasion-resistant normalised view (`c o n n a r d`, `f\u200buck`,
`ѕhit` and `fuuuck` all arrive as one spelling), with handles, links and e-mail addresses
replaced by the placeholders the labelled data sets use (`@user`, `url`, `email`), so that a
real handle does not look like a word the model never saw.

The linear tier hashes character n-grams (inside word boundaries) and word unigrams and
bigrams into a fixed number of buckets. The hash is a polynomial over code points computed
with numpy, stable across processes and platforms (Python's `hash()` is salted per process).
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import numpy.typing as npt

from tamis.analyzers.text.normalize import normalize

__all__ = ["BUCKETS", "E5_MAX_CHARS", "features", "leet_variant", "prepare"]

BUCKETS = 1 << 18
CHAR_ORDERS = (2, 3, 4, 5)
E5_MAX_CHARS = 300
"""The embedding tier reads this many characters: comments fit, long e-mails are cut."""

# A name or address starts only where its run of characters starts, never inside it: tried
# at every position of a long run (`1.1.1.…`, `a-a-a-…`), the scan is quadratic. What leads
# the run before its first letter or digit is kept as it is, as `\b` left it out.
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w\-])(-*)\w[\w\-]*\.(?:com|net|org|info|fr|es|ma|dz|ly|io|co|be)\b\S*",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+\-])([.+\-]*)\w[\w.+\-]*@[\w\-]+\.[\w.\-]+\b")
_HANDLE_RE = re.compile(r"@\w+")
_SPACES_RE = re.compile(r"\s+")
_TRAILING_RE = re.compile(r"(?<![\w@])(?=[a-z0-9]{2,}\b)[a-z]*[0134579][a-z0-9]*")
_LEET = str.maketrans("0134579", "oieastg")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_MOD = np.uint64(BUCKETS - 1)
_P = np.uint64(1_000_003)
_WORD_SALT = np.uint64(0x9E3779B1)
_BIGRAM_SALT = np.uint64(0x85EBCA77)


def _placeholders(text: str) -> str:
    if "@" in text or "." in text:
        text = _EMAIL_RE.sub(lambda m: f"{m[1]} email ", text)
        text = _URL_RE.sub(lambda m: f"{m[1] or ''} url ", text)
        text = _HANDLE_RE.sub(" @user ", text)
    return text


def prepare(text: str) -> str:
    """The normalised text with handles, links and addresses as placeholders."""
    return _SPACES_RE.sub(" ", normalize(_placeholders(text)).text).strip()


def leet_variant(text: str) -> str | None:
    """The text read with every leetspeak digit of a word as a letter (`l35` as `les`), where
    that differs from `prepare(text)`.

    Normalisation keeps Arabizi digits (`3a9el`) and trailing digits (`covid19`) as written;
    the linear tier also reads this variant, so `mierd4` and `stup3d` still reach the words.
    """
    norm = normalize(_placeholders(text))
    view = norm.alt.text if norm.alt is not None else norm.text
    if not _TRAILING_RE.search(view) and norm.alt is None:
        return None
    variant = _SPACES_RE.sub(" ", _TRAILING_RE.sub(_unleet, view)).strip()
    return variant if variant != _SPACES_RE.sub(" ", norm.text).strip() else None


def _unleet(match: re.Match[str]) -> str:
    return match[0].translate(_LEET)


def _codes(text: str) -> npt.NDArray[np.uint64]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _char_ngrams(padded: str) -> list[npt.NDArray[np.uint64]]:
    codes = _codes(padded)
    out = []
    acc = codes.copy()
    for order in range(2, max(CHAR_ORDERS) + 1):
        if len(codes) < order:
            break
        acc = acc[:-1] * _P + codes[order - 1 :]
        if order in CHAR_ORDERS:
            out.append(acc * np.uint64(order + 1))
    return out


def _word_hashes(words: list[str]) -> npt.NDArray[np.uint64]:
    return np.array([zlib.crc32(w.encode()) for w in words], dtype=np.uint64)


def features(prepared: str, variant: str | None = None) -> npt.NDArray[np.int64]:
    """Bucket indices of the text's n-grams (with repeats: counts matter), plus once each
    n-gram of the leetspeak variant that the text itself lacks."""
    found = _features(prepared)
    if variant is None:
        return found
    extra = np.setdiff1d(_features(variant), found)
    return np.concatenate([found, extra]) if len(extra) else found


def _features(prepared: str) -> npt.NDArray[np.int64]:
    padded = " " + prepared + " "
    parts = _char_ngrams(padded)
    words = _WORD_RE.findall(prepared)
    if words:
        unigrams = _word_hashes(words)
        parts.append(unigrams ^ _WORD_SALT)
        if len(words) > 1:
            parts.append((unigrams[:-1] * _P + unigrams[1:]) ^ _BIGRAM_SALT)
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return (np.concatenate(parts) & _MOD).astype(np.int64)
