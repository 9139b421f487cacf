"""The whole image pipeline on 640×480 JPEGs, beside NudeNet's own detector in the same run.

Why: the bar is "decode + nudity + PDQ/MD5 + OCR when text is likely, ≥ 30 images/s on 2
cores, and within 1.3× of NudeNet's bare model time measured in the same run". The pipeline is
`tamis.moderate(image=...)` exactly as shipped: sniffing, the sandboxed decode (a separate
process), re-encoding, MD5 and PDQ, the nudity analyzer, the text-likely gate and OCR where it
fires, and the text analyzers on what OCR read. The peer is `NudeDetector().detect(path)`, its
own decoding, preprocessing, model and postprocessing, on the same files.

Both sides run the images through a pool of `--workers` processes (default: one per core, as
`tamis serve` runs), and NudeNet also in one process with as many threads (its session uses
every core); the faster NudeNet figure is the peer. Rounds alternate between them so drift
hits all alike.

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
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

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


def gate_fires(images: list[bytes]) -> list[bool]:
    """Which images the text-likely test sends to the recognizer."""
    from tamis.analyzers.image.textness import textness
    from tamis.media.decode import Decoder

    with Decoder() as decoder:
        return [textness(decoder.decode(data).picture.frames[0]).likely for data in images]


_STATE: dict[str, Any] = {}


def _setup(images: list[bytes], folder: str, side: str) -> None:
    """A pool process: the images, and the side's models loaded before any timing."""
    _STATE["images"] = images
    _STATE["paths"] = [str(Path(folder) / f"{i}.jpg") for i in range(len(images))]
    if side == "tamis":
        import tamis

        for data in images[:4]:
            tamis.moderate(image=data)
        _STATE["run"] = lambda i: tamis.moderate(image=_STATE["images"][i])
    else:
        from nudenet import NudeDetector

        detector = NudeDetector()
        detector.detect(_STATE["paths"][0])
        _STATE["run"] = lambda i: detector.detect(_STATE["paths"][i])


def _run(i: int) -> None:
    _STATE["run"](i)


def timed(pool: Executor, indices: list[int]) -> float:
    started = time.perf_counter()
    list(pool.map(_run, indices, chunksize=4))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=0, help="use only this many photos")
    args = parser.parse_args()

    images = corpus(args.limit)
    n = len(images)
    with tempfile.TemporaryDirectory() as tmp:
        for i, data in enumerate(images):
            (Path(tmp) / f"{i}.jpg").write_bytes(data)
        times: dict[str, list[float]] = {}
        pools: dict[str, Executor] = {}
        for side in ("tamis", "nudenet"):
            pools[side] = ProcessPoolExecutor(
                args.workers, initializer=_setup, initargs=(images, tmp, side)
            )
            timed(pools[side], list(range(args.workers)))  # start and warm every process
        # NudeNet's own session uses every core, so it also gets one process with threads.
        _setup(images, tmp, "nudenet")
        pools["nudenet, threads"] = ThreadPoolExecutor(args.workers)
        for _ in range(args.rounds):
            for side, pool in pools.items():
                times.setdefault(side, []).append(timed(pool, list(range(n))))
        fires = gate_fires(images)
        subsets = {
            "no text likely": [i for i in range(n) if not fires[i]],
            "text likely (OCR)": [i for i in range(n) if fires[i]],
        }
        split = {k: 1000 * timed(pools["tamis"], v) / len(v) for k, v in subsets.items() if v}
        for pool in pools.values():
            pool.shutdown()
    fired = sum(fires)
    ms = {side: 1000 * statistics.median(t) / n for side, t in times.items()}
    ours_ms = ms.pop("tamis")
    peer, theirs_ms = min(ms.items(), key=lambda kv: kv[1])
    rate = 1000 / ours_ms
    memes = n // 11
    print(
        f"{n} JPEGs of {SIZE[0]}×{SIZE[1]} ({n - memes} photos, {memes} memes), "
        f"{args.workers} workers, {args.rounds} rounds (median); the text test sent "
        f"{fired} ({100 * fired / n:.0f}%) to OCR"
    )
    print(f"  tamis pipeline ({args.workers} processes)   {ours_ms:6.2f} ms/image  {rate:6.1f}/s")
    for side, value in ms.items():
        label = f"NudeNet detect(path) ({side})"
        print(f"  {label:32} {value:6.2f} ms/image  {1000 / value:6.1f}/s")
    print(f"  ratio tamis / NudeNet's faster  {ours_ms / theirs_ms:.2f}x ({peer})")
    for label, value in split.items():
        print(f"    tamis, {label:18} {value:6.2f} ms/image, {value / theirs_ms:.2f}x NudeNet")
    ratio_ok = ours_ms / theirs_ms <= BAR_RATIO
    print(
        f"bar >= {BAR_RATE:.0f} images/s: {'meets' if rate >= BAR_RATE else 'misses'}; "
        f"bar <= {BAR_RATIO}x NudeNet: {'meets' if ratio_ok else 'misses'}"
    )


if __name__ == "__main__":
    main()
