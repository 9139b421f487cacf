"""Is there text in this frame? A cheap test, run before the costly OCR.

The recognizer costs about 200 ms a 640×480 frame on one core; most photos carry no text worth
reading, and they must cost almost nothing. A meme's caption, a screenshot, a sign have one
thing in common that textures rarely have: rows of small, separate, similar-sized blobs
standing on a common line, with nothing of their size just above or below. That is what this
test looks for, on small grayscale copies of the frame: one of about 320×240 pixels, one of
half that for big letters, and, when a third of the frame or more is flat (screenshots,
captions on plain bands, products on white), one twice as large, up to the frame's own size,
for small letters.

1. Binarize against the local mean (15-px blocks, 12 grey levels), both ways: light on dark
   and dark on light, so outlined meme text, dark captions and light text on dark bands all
   give blobs. Colour text without an outline is often no brighter than the photo behind it
   (red on brick, yellow on a pale sky), but it is far more coloured: the working copy's
   chroma (largest channel less smallest) is binarized too, one way, ink at least 48 levels
   more coloured than its surroundings (chosen on frames drawn with another seed than the
   bench's, and on the SFW photos: from 12 to 48 levels, more colour captions passed and
   fewer photos fired). Typed white or black text merges with the bright or dark parts of a
   photo under a local threshold, so the pixels that are nearly pure white (every channel
   235 or more) or nearly pure black (none above 25) make one more image of ink.
2. Keep blobs shaped like letters: at least 4 px tall, at most twice as wide as tall, filling
   15-90 % of their box (thin strokes like `l` or `I` whatever their fill).
3. Per height band (letters within a factor 2.2), chain blobs left to right along a row when
   the gap between neighbours is under the taller one's height.
4. A row says "text" when it has at least six letters, four in five of them within 30 % of the
   row's mean height and three in five sharing its top or bottom line; the letters cover at
   least a fifth of the row's box; other blobs wholly inside the box cover under 8 % of it;
   and fewer than 0.3 letter-like blobs per letter sit within 0.75 letter heights above or
   below it (texture is two-dimensional, a line of text is not).

Why not the detection model at a tiny size: at 128×96 it already costs 4 ms on one core and
cannot see a 16-px caption; at 320×240 it costs 23 ms, as much as the nudity model. This test
takes 4-5 ms on a 640×480 photo (connected components are most of it; the chroma and the
white-or-black images about 2 ms together, and they add one SFW photo of 332 to those the
test fires on); flat frames pay
for the larger copy, up to 10-12 ms for a 1024-px screenshot, which then goes to the
recognizer anyway.

Measured (`bench/ocr.py --gate --reference`, text drawn on 640×480 frames; the 332 SFW
photos of ../shared/data/images, split by whether the recognizer reads a line of three
letters or digits or more in them): it passes all outlined memes (60 of 60), captions on
plain bands (30 of 30) and screenshots (30 of 30), and 93 % of bold text without an outline
on busy photos (red, yellow, cyan, white or black; 53 % before the chroma and white-or-black
images; on 200 frames drawn with another seed, 49 % before and 96 % after, white and black
text 87-91 %; saved as JPEG at quality 75, 46 % and 93 %);
it misses 12-18 px text straight on photos (37 %): a known gap, which the recognizer would
mostly have read. Screenshots of 16-px text pass at
1024 px too (tests). It fires on 4.8 % of the 208 photos the recognizer reads nothing in,
and on 13 % of the 124 it reads something in, mostly small product labels (by source:
grocery shelves 4.3 % of 253, COCO 17 % of 29, Kodak 17 % of 24, scikit-image 8 % of 12,
product shots 33 % of 12): it is a gate for captions, not a reader of every label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from tamis.core.content import Frame

__all__ = [
    "BLACK_INK",
    "WHITE_INK",
    "WORK_AREA",
    "Gray",
    "IntArray",
    "Textness",
    "binarized",
    "extremes",
    "flat",
    "flat_share",
    "scaled",
    "textness",
]

WORK_AREA: Final = 320 * 240
"""Pixels of the grayscale copy the test runs on (never upscaled)."""
# Per copy: letter heights kept [lo, hi), and the lower bounds of the height bands searched.
_COARSE: Final = (4, 20, (4, 6, 9))
_BIG: Final = (7, 10_000, (7, 10, 15, 22, 33))
"""On a half-size copy: letters 14 px and taller in the working copy."""
_FINE: Final = (4, 20, (4, 6, 9))
"""On a copy _FINE_ZOOM times larger (at most the frame), when _FLAT of it or more is flat."""
_FINE_ZOOM: Final = 2.0
_FLAT: Final = 0.3
_BAND: Final = 2.2
_BLOCK: Final = 15
_CONTRAST: Final = 12
_CHROMA_CONTRAST: Final = 48
WHITE_INK: Final = 235
"""Nearly pure white ink: every channel at least this."""
BLACK_INK: Final = 25
"""Nearly pure black ink: no channel above this."""
_MIN_LETTERS: Final = 6
_SAME_HEIGHT: Final = 0.8
_ALIGNED: Final = 0.6
_MIN_INK: Final = 0.2
_MAX_CLUTTER: Final = 0.08
_STRIP: Final = 0.75
_MAX_CROWD: Final = 0.3

Gray = npt.NDArray[np.uint8]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Textness:
    """The verdict of the test, and the rows that made it: (x, y, width, height) in pixels
    of the frame it was given."""

    likely: bool
    rows: tuple[tuple[int, int, int, int], ...] = ()


def textness(frame: Frame) -> Textness:
    """Whether `frame` (H×W×3 uint8 RGB) likely shows a line of text."""
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3 or frame.size == 0:
        raise ValueError(f"expected an H×W×3 uint8 RGB frame, got {frame.dtype} {frame.shape}")
    gray: Gray = np.asarray(cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY))
    base = min(1.0, (WORK_AREA / gray.size) ** 0.5)
    small = scaled(gray, base)
    most, least = (scaled(channel, base) for channel in extremes(frame))
    colour: Gray = np.asarray(cv2.subtract(most, least))
    ink = binarized(colour, _CHROMA_CONTRAST, dark_ink=False)
    ink.append(((least >= WHITE_INK) | (most <= BLACK_INK)).view(np.uint8))
    levels = [
        (binarized(small), _COARSE),
        (ink, _COARSE),
        (binarized(scaled(small, 0.5)), _BIG),
    ]
    if flat_share(small) >= _FLAT:
        levels.insert(0, (binarized(scaled(gray, base * _FINE_ZOOM)), _FINE))
    rows: list[tuple[int, int, int, int]] = []
    for binaries, (lo, hi, bands) in levels:
        height, width = binaries[0].shape
        sx, sy = gray.shape[1] / width, gray.shape[0] / height
        for x0, y0, x1, y1 in _find(binaries, lo, min(hi, int(height * 0.4)), bands):
            left, top = round(x0 * sx), round(y0 * sy)
            rows.append((left, top, round(x1 * sx) - left, round(y1 * sy) - top))
    unique = tuple(dict.fromkeys(rows))
    return Textness(bool(unique), unique)


def scaled(gray: Gray, scale: float) -> Gray:
    if scale >= 1:
        return gray
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    return np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA))


def extremes(frame: Frame) -> tuple[Gray, Gray]:
    """Each pixel's largest channel and its smallest."""
    red, green, blue = cv2.split(np.ascontiguousarray(frame))
    return np.asarray(cv2.max(cv2.max(red, green), blue)), np.asarray(
        cv2.min(cv2.min(red, green), blue)
    )


def flat_share(gray: Gray) -> float:
    """Share of pixels equal to their right and lower neighbours: drawn backgrounds."""
    if min(gray.shape) < 2:
        return 1.0
    level = flat(gray)
    return float(np.count_nonzero(level)) / float(level.size)


def flat(gray: Gray) -> npt.NDArray[np.bool_]:
    """Which pixels (but the last row and column) equal their right and lower neighbours."""
    return (gray[:-1, :-1] == gray[:-1, 1:]) & (gray[:-1, :-1] == gray[1:, :-1])  # type: ignore[no-any-return]


def _find(
    binaries: list[Gray], lo: int, hi: int, bands: tuple[int, ...]
) -> list[tuple[float, float, float, float]]:
    """Rows of letters in 0/1 images of ink, as (x0, y0, x1, y1)."""
    found = []
    for binary in binaries:
        blobs, is_letter = _blobs(binary, lo, hi)
        letters = blobs[is_letter]
        if letters.shape[0] < _MIN_LETTERS:
            continue
        for band in bands:
            chosen = (letters[:, 3] >= band) & (letters[:, 3] < band * _BAND)
            if np.count_nonzero(chosen) < _MIN_LETTERS:
                continue
            others = np.ones(len(blobs), dtype=bool)
            others[np.flatnonzero(is_letter)[chosen]] = False
            for shift in (0.0, 0.5):
                found += _rows(letters[chosen], letters, blobs[others], band, shift)
    return found


def binarized(image: Gray, contrast: int = _CONTRAST, *, dark_ink: bool = True) -> list[Gray]:
    """`image` binarized against its local mean into 0/1 images of ink: light ink on a darker
    ground, then (unless `dark_ink` is False) dark ink on a lighter one."""
    ways = [(cv2.THRESH_BINARY, -contrast)]
    if dark_ink:
        ways.append((cv2.THRESH_BINARY_INV, contrast))
    return [
        np.asarray(
            cv2.adaptiveThreshold(image, 1, cv2.ADAPTIVE_THRESH_MEAN_C, kind, _BLOCK, offset)
        )
        for kind, offset in ways
    ]


def _blobs(binary: Gray, lo: int, hi: int) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """All blobs as rows of (x, y, w, h, area), and which of them look like letters."""
    _, _, found, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    stats: IntArray = np.asarray(found, dtype=np.int64)[1:]
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    fill = area / np.maximum(w * h, 1)
    thin = w * 3 <= h
    keep = (h >= lo) & (h < hi) & (w <= 2 * h) & (area >= 6) & (fill > 0.15) & ((fill < 0.9) | thin)
    return stats, keep


def _rows(
    letters: IntArray, near: IntArray, others: IntArray, band: int, shift: float
) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, y0, x1, y1) of the rows of `letters` that look like a line of text."""
    x, y, w, h, area = (letters[:, i] for i in range(5))
    line = np.floor((y + h / 2) / band + shift).astype(np.int64)
    order = np.lexsort((x, line))
    x, y, w, h, area, line = x[order], y[order], w[order], h[order], area[order], line[order]
    gap = x[1:] - (x[:-1] + w[:-1])
    linked = (line[1:] == line[:-1]) & (gap < np.maximum(h[1:], h[:-1])) & (2 * gap > -w[:-1])
    starts = np.flatnonzero(np.concatenate(([True], ~linked)))
    row = np.cumsum(np.concatenate(([0], ~linked)))
    count = np.diff(np.append(starts, len(x))).astype(np.float64)
    if count.max() < _MIN_LETTERS:
        return []
    hf, top, bottom = h.astype(np.float64), y.astype(np.float64), (y + h).astype(np.float64)
    n = len(starts)
    mean_h = np.bincount(row, hf, n) / count
    mean_top = np.bincount(row, top, n) / count
    mean_bottom = np.bincount(row, bottom, n) / count
    tol = mean_h[row]
    same = np.bincount(row, np.abs(hf - tol) < 0.3 * tol, n) / count
    on_line = (np.abs(top - mean_top[row]) < 0.2 * tol) | (
        np.abs(bottom - mean_bottom[row]) < 0.2 * tol
    )
    aligned = np.bincount(row, on_line, n) / count
    x0 = x[starts].astype(np.float64)
    x1 = np.maximum.reduceat(x + w, starts).astype(np.float64)
    y0 = np.minimum.reduceat(y, starts).astype(np.float64)
    y1 = np.maximum.reduceat(y + h, starts).astype(np.float64)
    box_area = np.maximum((x1 - x0) * (y1 - y0), 1.0)
    ink = np.bincount(row, area.astype(np.float64), n) / box_area
    good = np.flatnonzero(
        (count >= _MIN_LETTERS) & (same >= _SAME_HEIGHT) & (aligned >= _ALIGNED) & (ink >= _MIN_INK)
    )
    if good.size == 0:
        return []
    cx = near[:, 0] + near[:, 2] / 2
    cy = near[:, 1] + near[:, 3] / 2
    pad = _STRIP * mean_h[good, None]
    beside = (cx[None, :] >= x0[good, None]) & (cx[None, :] <= x1[good, None])
    above = (cy[None, :] < y0[good, None]) & (cy[None, :] >= y0[good, None] - pad)
    below = (cy[None, :] > y1[good, None]) & (cy[None, :] <= y1[good, None] + pad)
    crowd = np.count_nonzero(beside & (above | below), axis=1) / count[good]
    good = good[crowd <= _MAX_CROWD]
    if good.size == 0 or others.shape[0] == 0:
        return [(x0[i], y0[i], x1[i], y1[i]) for i in good]
    ox, oy = others[:, 0], others[:, 1]
    ox1, oy1 = ox + others[:, 2], oy + others[:, 3]
    within = (
        (ox[None, :] >= x0[good, None])
        & (oy[None, :] >= y0[good, None])
        & (ox1[None, :] <= x1[good, None])
        & (oy1[None, :] <= y1[good, None])
    )
    clutter = (within * others[:, 4][None, :]).sum(axis=1) / box_area[good]
    return [(x0[i], y0[i], x1[i], y1[i]) for i in good[clutter <= _MAX_CLUTTER]]
