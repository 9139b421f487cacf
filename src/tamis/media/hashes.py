"""The hashes hash banks match images by: MD5 of the bytes as sent, and PDQ of what they show.

Banks of known abuse (NCMEC, StopNCII, GIFCT, Tech Against Terrorism...) publish MD5s of files
exactly as they circulated, and PDQ hashes that survive resizing and re-compression. MD5
therefore runs over the original upload, never over tamis' re-encoded copy; PDQ runs over
decoded pixels. Both are pure functions so that the decoder's sandboxed worker (the only
place that sees pixels from an upload) and any test can call them alike.

A frame of more than twice `PDQ_SIDE`² pixels is resized to `PDQ_SIDE` × `PDQ_SIDE` before
hashing, as Meta's reference hasher (pdq/cpp/io/pdqio.cpp) does for anything over 512: PDQ
reduces every image to 64 × 64 anyway, and a 1024-pixel frame costs four times as much to
hash. Smaller frames (a 640 × 480 photo) are hashed as they are: squashing them would cost
more than hashing them (2.7 + 4.7 ms against 3.2). Hashes of one photo made by
different tools differ by a few bits for this reason alone (the reference's nearest-neighbour
512 × 512 copy and a full-size hash are 8 bits apart on average on the SFW photo set; the
bilinear copy used here sits 4 bits from the former and 7 from the latter), well inside the
31 bits within which banks call two hashes a match.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pdqhash  # type: ignore[import-untyped,unused-ignore]

PDQ_SIDE = 512
"""Frames of more than twice PDQ_SIDE² pixels are hashed from a PDQ_SIDE-pixel square copy."""

_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A 256-bit PDQ hash in the usual 64-hex-digit form, and PDQ's own quality (0-100).

    Meta advises ignoring matches on hashes of quality below 50: such frames are nearly
    flat (a blank or single-colour frame) and collide with every other flat frame.
    """

    hash: str
    quality: int

    def __post_init__(self) -> None:
        if len(self.hash) != 64 or not _HEX.issuperset(self.hash):
            raise ValueError("a PDQ hash is 64 lower-case hex digits")
        if not 0 <= self.quality <= 100:
            raise ValueError("PDQ quality lies between 0 and 100")


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def pdq(frame: npt.NDArray[np.uint8]) -> PdqHash:
    """PDQ of an RGB frame (height × width × 3, uint8), as Meta's reference computes it."""
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise ValueError("pdq wants an RGB uint8 frame, height × width × 3")
    bits, quality = pdqhash.compute(frame)
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return PdqHash(packed.tobytes().hex(), int(quality))


def hamming(a: str, b: str) -> int:
    """Bits that differ between two PDQ hashes (0-256); matching banks use about 31."""
    if len(a) != 64 or len(b) != 64:
        raise ValueError("PDQ hashes are 64 hex digits")
    return (int(a, 16) ^ int(b, 16)).bit_count()
