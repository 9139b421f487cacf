"""MD5 and PDQ as hash banks use them: stable, in the reference bit order, robust to resizing
and re-compression, and far apart for different photos. Photos: /work/shared/data/images
(Kodak test suite, COCO; see its README for credits)."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from tamis.media import hashes, sandbox
from tamis.media.decode import DecodeLimits
from tests.hostile_media import encode, photo

PHOTOS = Path("/work/shared/data/images")
KODAK = sorted((PHOTOS / "kodak").glob("*.jpg"))
COCO = sorted((PHOTOS / "coco").glob("*.jpg"))
MATCH = 31
"""Bits within which hash banks call two PDQ hashes the same picture."""


def pdq_of(data: bytes) -> hashes.PdqHash:
    """PDQ as tamis computes it on an upload: the worker's own code, run in-process."""
    header, _ = sandbox.answer(data, DecodeLimits())
    digest, quality = header["pdq"][0]
    return hashes.PdqHash(digest, quality)


def test_md5_is_of_the_bytes_as_sent() -> None:
    assert hashes.md5_hex(b"abc") == "900150983cd24fb0d6963f7d28e17f72"
    data = encode(photo(), "JPEG")
    header, _ = sandbox.answer(data, DecodeLimits())
    assert header["md5"] == hashes.md5_hex(data)


def test_pdq_hex_keeps_the_reference_bit_order() -> None:
    frame = np.asarray(photo((200, 150), seed=1))
    bits, quality = pdqhash.compute(frame)
    digest = hashes.pdq(frame)
    assert digest.quality == quality
    as_bits = bin(int(digest.hash, 16))[2:].zfill(256)
    assert as_bits == "".join(str(int(b)) for b in bits)


def test_pdq_is_stable() -> None:
    data = encode(photo((320, 240), seed=3), "PNG")
    expected = "150f39e1e5293d4b5ad4c7528c632aadafadc4735154155eac23e2a53aaf1d4a"
    assert pdq_of(data) == hashes.PdqHash(expected, 89)
    assert pdq_of(data) == pdq_of(data)


def test_a_flat_frame_has_low_quality() -> None:
    flat = np.full((64, 64, 3), 128, dtype=np.uint8)
    assert hashes.pdq(flat).quality < 50


def test_pdq_wants_rgb_bytes() -> None:
    with pytest.raises(ValueError, match="RGB"):
        hashes.pdq(np.zeros((8, 8), dtype=np.uint8))
    with pytest.raises(ValueError, match="RGB"):
        hashes.pdq(np.zeros((8, 8, 3), dtype=np.float32))  # type: ignore[arg-type]


def test_pdq_hash_checks_its_fields() -> None:
    with pytest.raises(ValueError):
        hashes.PdqHash("abc", 50)
    with pytest.raises(ValueError):
        hashes.PdqHash("0" * 64, 101)


def test_hamming() -> None:
    zero, ones = "0" * 64, "f" * 64
    assert hashes.hamming(zero, zero) == 0
    assert hashes.hamming(zero, ones) == 256
    assert hashes.hamming(zero, "8" + "0" * 63) == 1
    with pytest.raises(ValueError):
        hashes.hamming(zero, "0")


@pytest.mark.parametrize("path", KODAK[:8] + COCO[:8], ids=lambda p: p.name)
def test_a_resized_recompressed_copy_stays_a_match(path: Path) -> None:
    original = path.read_bytes()
    im = Image.open(io.BytesIO(original))
    copy = im.resize((im.width * 3 // 5, im.height * 3 // 5), Image.Resampling.LANCZOS)
    assert hashes.hamming(pdq_of(original).hash, pdq_of(encode(copy, "JPEG", quality=70)).hash) <= (
        MATCH
    )
    assert hashes.hamming(pdq_of(original).hash, pdq_of(encode(im, "WEBP", quality=60)).hash) <= (
        MATCH
    )


def test_different_photos_are_far_apart() -> None:
    digests = [pdq_of(path.read_bytes()).hash for path in KODAK]
    distances = [hashes.hamming(a, b) for a, b in itertools.combinations(digests, 2)]
    assert len(digests) == 24
    assert min(distances) > 2 * MATCH
