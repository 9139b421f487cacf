"""The nudity analyzer: false positives on safe-for-work photos, and its cost beside NudeNet's.

Why: the analyzer runs on every uploaded image, so it must leave ordinary photos alone and cost
no more than the model it wraps. This prints, on ../shared/data/images (332 SFW photos, mostly
grocery shelves; see its README for sources and licences):

- false positives: the distribution of each photo's `sexual/explicit` and `sexual/suggestive`
  scores (decoded with Pillow, RGB, long side ≤ 1024), and the share reaching each threshold;
- speed: ms per 640×480 frame for the whole analyzer (letterbox, model, decoding of the
  boxes, the Analysis) beside NudeNet's own `NudeDetector().detect()` on the same frames (its
  preprocessing, model and postprocessing), in the same run, interleaved round by round; both
  with NudeNet's default session (all cores) and with one thread, the server's setting.

    .venv/bin/python bench/nudity.py [--skip-fp] [--frames 40] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import onnxruntime as ort
from nudenet import NudeDetector
from PIL import Image, ImageOps

from tamis.analyzers.base import PartContext
from tamis.analyzers.image.nudity import NudityAnalyzer, letterbox
from tamis.core.content import Frame, MediaPart, Picture

IMAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "images"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
CONTEXT = PartContext(index=0, languages=())


def _photos() -> list[Path]:
    return sorted(p for p in IMAGES.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"})


def _part(frame: Frame) -> MediaPart:
    picture = Picture("jpeg", frame.shape[1], frame.shape[0], (frame,))
    return MediaPart("image", "sha256:bench", picture=picture)


def false_positives(analyzer: NudityAnalyzer) -> None:
    photos = _photos()
    scores: dict[str, list[float]] = {"sexual/explicit": [], "sexual/suggestive": []}
    worst: list[tuple[float, str, str]] = []
    for path in photos:
        with Image.open(path) as image:
            image.draft("RGB", (1024, 1024))
            image = image.convert("RGB")
            image.thumbnail((1024, 1024))
            frame = np.asarray(image)
        analysis = analyzer.analyze(_part(frame), CONTEXT)
        found = {s.category: s.score for s in analysis.signals}
        for category, values in scores.items():
            values.append(found.get(category, 0.0))
        labels = ",".join(sorted({b.label for s in analysis.signals for b in s.evidence}))
        worst.append((max(found.values(), default=0.0), path.name, labels))
    print(f"false positives on {len(photos)} SFW photos ({IMAGES})")
    print(f"{'category':<19}{'>0':>5}{'p50':>7}{'p90':>7}{'p99':>7}{'max':>7}", end="")
    print("".join(f"{'≥' + str(t):>8}" for t in THRESHOLDS))
    either = np.maximum(*(np.array(v) for v in scores.values()))
    for category, values in (*scores.items(), ("either", list(either))):
        v = np.array(values)
        p50, p90, p99 = np.quantile(v, [0.5, 0.9, 0.99])
        print(f"{category:<19}{int((v > 0).sum()):>5}{p50:>7.2f}{p90:>7.2f}{p99:>7.2f}", end="")
        print(f"{v.max():>7.2f}" + "".join(f"{(v >= t).mean():>8.1%}" for t in THRESHOLDS))
    print("highest:")
    for score, name, labels in sorted(worst, reverse=True)[:8]:
        print(f"  {score:.2f}  {name}  {labels}")
    print()


def _frames(count: int) -> list[Frame]:
    frames = []
    for path in _photos()[:: max(1, len(_photos()) // count)][:count]:
        with Image.open(path) as image:
            fitted = ImageOps.fit(image.convert("RGB"), (640, 480))
            frames.append(np.asarray(fitted))
    return frames


def _one_thread_detector() -> NudeDetector:
    detector = NudeDetector()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    path = str(resources.files("nudenet").joinpath("320n.onnx"))
    detector.onnx_session = ort.InferenceSession(
        path, sess_options=options, providers=["CPUExecutionProvider"]
    )
    return detector


def speed(frame_count: int, rounds: int) -> None:
    frames = _frames(frame_count)
    parts = [_part(f) for f in frames]
    bgr = [np.ascontiguousarray(f[..., ::-1]) for f in frames]  # what cv2.imread would give
    ours_1, ours_n = NudityAnalyzer(threads=1), NudityAnalyzer(threads=0)
    theirs_1, theirs_n = _one_thread_detector(), NudeDetector()
    runs: dict[str, Callable[[], object]] = {
        "nudenet detect, default threads": lambda: [theirs_n.detect(f) for f in bgr],
        "tamis image-nudity, threads=0 (all)": lambda: [ours_n.analyze(p, CONTEXT) for p in parts],
        "nudenet detect, 1 thread": lambda: [theirs_1.detect(f) for f in bgr],
        "tamis image-nudity, threads=1": lambda: [ours_1.analyze(p, CONTEXT) for p in parts],
        "  of which letterbox": lambda: [letterbox(f) for f in frames],
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()  # warm-up
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000 / len(frames))
    ms = {name: statistics.median(values) for name, values in times.items()}
    print(f"speed on {len(frames)} 640×480 frames, median of {rounds} rounds (ms per frame)")
    peers = {
        "tamis image-nudity, threads=0 (all)": "nudenet detect, default threads",
        "tamis image-nudity, threads=1": "nudenet detect, 1 thread",
    }
    for name, value in ms.items():
        line = f"{name:<40}{value:>8.2f}"
        if name in peers:
            line += f"   {value / ms[peers[name]]:.2f}× nudenet ({peers[name]})"
        print(line)
    ratio = ms["tamis image-nudity, threads=1"] / ms["nudenet detect, default threads"]
    print(f"{'tamis (1 thread) / nudenet (default)':<40}{ratio:>8.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-fp", action="store_true", help="only time the analyzer")
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.skip_fp:
        false_positives(NudityAnalyzer())
    speed(args.frames, args.rounds)


if __name__ == "__main__":
    main()
