"""The whole image pipeline on 640×480 JPEGs, beside NudeNet's own detector in the same run.

Why: the bar is "decode + nudity + PDQ/MD5 + OCR when text is likely, ≥ 30 images/s on 2
cores, and within 1.3× of NudeNet's bare model time measured in the same run". The pipeline is
`tamis.moderate(image=...)` exactly as shipped: sniffing, the sandboxed decode (a separate
process), re-encoding, MD5 and PDQ, the nudity analyzer, the text-likely gate and OCR where it
fires, and the text analyzers on what OCR read. The peer is `NudeDetector().detect(path)`, its
own decoding, preprocessing, model and postprocessing, on the same files.

Both sides run the images through a pool of `--threads` threads (default: one per core), so
each gets the whole machine; rounds alternate between them so drift hits both alike.

The images are the safe-for-work photos of ../shared/data/images (see its README for sources
and licences), centre-cropped and resized to 640×480 and saved as JPEG (quality 90), plus
drawn memes (captioned pictures, a tenth of the set) so that OCR has text to read. The grocery
photos show product labels, so the gate fires on many of them, as it would in production.

    .venv/bin/python bench/images.py [--rounds 3] [--limit 0]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import drawn

PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "images"
SIZE = (640, 480)
BAR_RATE = 30.0
BAR_RATIO = 1.3
CAPTIONS = (
    "when the bus is late again",
    "quand le café est froid",
    "cuando llega el lunes",
    "you absolute idiot",
)


def corpus(limit: int) -> list[bytes]:
    files = sorted(p for p in PHOTOS.rglob("*.jpg"))
    if limit:
        files = files[:limit]
    images = []
    for path in files:
        with Image.open(path) as image:
            fitted = ImageOps.fit(image.convert("RGB"), SIZE)
        out = io.BytesIO()
        fitted.save(out, "JPEG", quality=90)
        images.append(out.getvalue())
    memes = [
        drawn.meme(CAPTIONS[i % len(CAPTIONS)], SIZE, seed=i) for i in range(len(images) // 10)
    ]
    return images + memes


def gate_fires(images: list[bytes]) -> int:
    """How many images the text-likely test sends to the recognizer."""
    from tamis.analyzers.image.textness import textness
    from tamis.media.decode import Decoder

    with Decoder() as decoder:
        return sum(textness(decoder.decode(data).picture.frames[0]).likely for data in images)


def timed(pool: ThreadPoolExecutor, work: Callable[[int], object], n: int) -> float:
    started = time.perf_counter()
    list(pool.map(work, range(n)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="use only this many photos")
    args = parser.parse_args()

    from nudenet import NudeDetector

    import tamis

    images = corpus(args.limit)
    detector = NudeDetector()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(images):
            path = Path(tmp) / f"{i}.jpg"
            path.write_bytes(data)
            paths.append(str(path))
        for data in images[:4]:
            tamis.moderate(image=data)  # load every model before timing
        detector.detect(paths[0])
        ours: list[float] = []
        theirs: list[float] = []
        with ThreadPoolExecutor(args.threads) as pool:
            for _ in range(args.rounds):
                theirs.append(timed(pool, lambda i: detector.detect(paths[i]), len(paths)))
                ours.append(timed(pool, lambda i: tamis.moderate(image=images[i]), len(images)))
    fired = gate_fires(images)
    n = len(images)
    ours_ms = 1000 * statistics.median(ours) / n
    theirs_ms = 1000 * statistics.median(theirs) / n
    rate = 1000 / ours_ms
    memes = n // 11
    print(
        f"{n} JPEGs of {SIZE[0]}×{SIZE[1]} ({n - memes} photos, {memes} memes), "
        f"{args.threads} threads, {args.rounds} rounds (median); the text test sent "
        f"{fired} ({100 * fired / n:.0f}%) to OCR"
    )
    print(f"  tamis pipeline        {ours_ms:6.2f} ms/image  {rate:6.1f} images/s")
    print(f"  NudeNet detect(path)  {theirs_ms:6.2f} ms/image  {1000 / theirs_ms:6.1f} images/s")
    print(f"  ratio tamis / NudeNet {ours_ms / theirs_ms:.2f}x")
    ratio_ok = ours_ms / theirs_ms <= BAR_RATIO
    print(
        f"bar >= {BAR_RATE:.0f} images/s: {'meets' if rate >= BAR_RATE else 'misses'}; "
        f"bar <= {BAR_RATIO}x NudeNet: {'meets' if ratio_ok else 'misses'}"
    )


if __name__ == "__main__":
    main()
