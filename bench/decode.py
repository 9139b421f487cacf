"""The sandboxed image decoder: what an upload costs before any analyzer sees it.

Why: every image goes through `tamis.media.decode.Decoder` (a worker process; decode, EXIF
orientation, the stored JPEG/PNG/WebP, analysis frames, MD5 and PDQ, pipes back), and the
image pipeline must do >= 30 images/s on 2 cores with a ~20 ms NudeNet run on top. This
prints, per image and interleaved round by round in one run:

- `pillow decode`: Pillow's bare in-process decode of the same file (every frame), the peer;
- `worker code`: the worker's whole job run in-process (`sandbox.answer`), no IPC;
- `tamis decode`: `Decoder.decode`, sandboxed, replies checked: what the server pays;
- its ratio to the peer, and the IPC + checking overhead (tamis decode - worker code);

for the SFW photos whose long side is 640 (../shared/data/images, COCO; see its README), a
drawn 12 MP JPEG (where JPEG draft mode decodes at 1/2 scale) and a drawn 40-frame GIF; then
the throughput of two workers fed by two threads on the 640-pixel photos.

    .venv/bin/python bench/decode.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageSequence

from tamis.media import sandbox
from tamis.media.decode import DecodeLimits, Decoder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.hostile_media draws the GIF and the big JPEG
from tests.hostile_media import encode, photo  # noqa: E402

IMAGES = ROOT.parent / "shared" / "data" / "images"


def _photos_640() -> list[bytes]:
    out = []
    for path in sorted(IMAGES.rglob("*.jpg")):
        with Image.open(path) as image:
            if max(image.size) == 640:
                out.append(path.read_bytes())
    return out


def _gif() -> bytes:
    frames = [
        photo((320, 240), seed=i).convert("P", palette=Image.Palette.ADAPTIVE) for i in range(40)
    ]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=60, loop=0)


def _pillow(data: bytes) -> None:
    """Decode every frame, nothing else."""
    with Image.open(io.BytesIO(data)) as image:
        for frame in ImageSequence.Iterator(image):
            frame.load()


def _ms_per_image(fn: Callable[[bytes], object], files: list[bytes]) -> float:
    started = time.perf_counter()
    for data in files:
        fn(data)
    return (time.perf_counter() - started) * 1000 / len(files)


def compare(name: str, files: list[bytes], decoder: Decoder, rounds: int) -> None:
    limits = decoder.limits
    runs: dict[str, list[float]] = {"pillow decode": [], "worker code": [], "tamis decode": []}
    for _ in range(rounds):
        runs["pillow decode"].append(_ms_per_image(_pillow, files))
        runs["worker code"].append(_ms_per_image(lambda d: sandbox.answer(d, limits), files))
        runs["tamis decode"].append(_ms_per_image(decoder.decode, files))
    median = {k: statistics.median(v) for k, v in runs.items()}
    print(f"\n{name} ({len(files)} files, median of {rounds} rounds, ms per image)")
    for key, value in median.items():
        print(f"  {key:14s} {value:8.2f}")
    print(f"  ratio tamis/pillow {median['tamis decode'] / median['pillow decode']:6.1f}x")
    print(f"  IPC + checks   {median['tamis decode'] - median['worker code']:8.2f}")


def throughput(files: list[bytes], seconds: float = 5.0) -> None:
    with Decoder(processes=2) as decoder:
        for data in files[:2]:
            decoder.decode(data)
        done = [0, 0]
        stop = time.monotonic() + seconds

        def feed(slot: int) -> None:
            i = slot
            while time.monotonic() < stop:
                decoder.decode(files[i % len(files)])
                done[slot] += 1
                i += 2

        started = time.perf_counter()
        threads = [threading.Thread(target=feed, args=(slot,)) for slot in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    print(f"\nthroughput, 2 workers fed by 2 threads: {sum(done) / elapsed:.0f} images/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # as the worker does
    photos = _photos_640()
    big = encode(photo((4000, 3000), seed=7), "JPEG", quality=90)
    with Decoder(DecodeLimits()) as decoder:
        decoder.decode(photos[0])
        compare("640-pixel SFW photos (JPEG)", photos, decoder, args.rounds)
        compare("drawn 4000×3000 JPEG", [big], decoder, args.rounds)
        compare("drawn 320×240 GIF, 40 frames", [_gif()], decoder, max(1, args.rounds // 2))
    throughput(photos)


if __name__ == "__main__":
    main()
