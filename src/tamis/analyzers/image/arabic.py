"""Arabic text in images: rows of joined script on plain grounds, in outlined captions, and in
colour, white or black over a picture, read by tesseract.

rapidocr's bundled recognizer has no Arabic letter, and the text test (`textness`) looks for
rows of separate letters of even height, which Arabic is not: a word is a few pieces of very
different heights (the letters of a piece are joined), with dots around them. What the pieces
of a line share is the baseline, the stroke that joins the letters; in a wide piece it is the
row of pixels with the most ink. `rows` finds pieces that share one, and `ArabicReader` reads
each row with tesseract's Arabic model (Debian's `tesseract-ocr-ara`, which
`scripts/bootstrap.sh` installs, through the `tesserocr` wheel, in process; nothing is
fetched).

Where it looks. On busy photos, pieces standing on a common line are everywhere (a loose
version of the test found such a row in two thirds of the SFW photos of ../shared/data/images),
so rows are sought only in frames of which at least `FLAT_FRAME` (a fifth) is flat, and a row
counts only when the strips just above and below it are at least `PLAIN_MARGIN` (80 %) flat:
typed text on a plain ground (screenshots, captions, caption bands over a picture).

Outlined captions, the meme's white letters with a black edge, stand on a busy picture, so
they are found another way: a patch of light grey pixels of which at least `LETTER_RINGED`
(80 %) lies within four pixels of dark ones is a letter (a white wall beside a dark door is
mostly far from it), sought only in bands of pixel rows that each hold a few such pixels
(0.8 ms a 640×480 frame); specks are opened away, and a band of letters, as wide as twice
its height, holding four pieces a third of its height or taller over an eighth of its box,
is a line. Tesseract reads the letters' mask itself, black on white, so the picture behind
them does not get in the way.

Colour text without an outline (red, yellow, cyan, green captions) is found the same way
from another mask: the pixels at least 80 levels more coloured (chroma: largest channel less
smallest) than the mean of the 31-px square around them, which a duller picture behind them
does not give (no SFW photo gives a line of them).

White or black text without an outline is found from the nearly pure white pixels (every
channel at least `WHITE_INK`, 235) and the nearly pure black ones (none above `BLACK_INK`, 25):
typed captions are drawn in pure white or black, which a photo holds mostly in solid areas (a
sky, a lamp, a shadow). Whatever a 15-px square fits in is taken out with its edge before
lines are sought, so that only strokes remain; the line is then read from the whole mask,
where the small dots of the letters are still there (without them ش reads as س and
tesseract's confidence falls under the bar).

Tesseract then judges: a row is kept only when its mean confidence is at least
`MIN_CONFIDENCE` (70) and it holds at least three Arabic letters. Latin text and textures come
back from the Arabic model as junk at 40-50; rows that overlap a line the Latin recognizer has
already read are not read again (`ArabicReader.read`'s `beside`).

Measured (`bench/ocr.py --arabic --count 192`, frames drawn in DejaVu Sans, 2026-12-07):
91 % of the lines of screenshots, 94 % of captions on plain frames, 94 % of caption bands
over photos, 100 % of outlined captions, 78 % of colour captions and 59 % of white or black
captions without an outline over photos are read (at least 80 % of their Arabic letters, in
order; 3 % of the last before they were sought). The outlined path's thresholds were chosen
on this bench's frames and the SFW photos, the colour path's (80 levels, 31 px) and the
white-or-black path's (235 and 25, 15 px) on frames drawn with other seeds and the SFW
photos; on two seeds not looked at while choosing, white text was read in 61-71 % and black
in 48-52 %. No Arabic is read in any of the 332 SFW photos nor in 180 frames of Latin text
(which tesseract rejects).

It does not read white or black letters that touch the same white or black in the picture
(a white cup, a dark doorway: they go with the solid area), nor colour text over a picture as
colourful as it: there nothing separates a line from texture.

Tesseract's PSM 7 (one line) answers nothing at all for some lines 40 px tall or more, so a
row is scaled down to `LINE_HEIGHT` (32 px, margins included) and read again as a raw line
(PSM 13) when PSM 7 answers nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from tamis.analyzers.image.textness import (
    BLACK_INK,
    WHITE_INK,
    WORK_AREA,
    Gray,
    IntArray,
    binarized,
    extremes,
    flat,
    flat_share,
    scaled,
)
from tamis.core.content import Frame

__all__ = [
    "FLAT_FRAME",
    "LETTER_RINGED",
    "LINE_HEIGHT",
    "MIN_CONFIDENCE",
    "PLAIN_MARGIN",
    "ArabicReader",
    "Row",
    "rows",
    "tessdata",
]

FLAT_FRAME: Final = 0.2
PLAIN_MARGIN: Final = 0.8
MIN_CONFIDENCE: Final = 70
LINE_HEIGHT: Final = 32
_LEVELS: Final = ((1.0, 4, 20), (0.5, 7, 10_000))
"""(scale of the working copy, lowest and highest piece height kept), as the text test."""
_MIN_PIECES: Final = 3
_MAX_ASPECT: Final = 8
_WIDE_FILL: Final = 0.6
_STROKE: Final = 0.3
_MIN_LETTERS: Final = 3
LETTER_RINGED: Final = 0.8
"""The share of a light patch that must lie by dark pixels for it to count as an outlined letter."""
_LIGHT: Final = 200
_GREY: Final = 40
_DARK: Final = 70
_RING_KERNEL: Final = np.ones((9, 9), np.uint8)
_ROW_FILL: Final = 8
_MIN_HEIGHT: Final = 10
_SPECK: Final = np.ones((3, 3), np.uint8)
_MIN_TALL: Final = 4
_MIN_FILL: Final = 0.12
_COLOURED: Final = 80
_COLOUR_BLOCK: Final = 31
_SOLID: Final = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
_SOLID_EDGE: Final = np.ones((5, 5), np.uint8)

Mask = npt.NDArray[np.bool_]
_A = TypeVar("_A", bound=npt.NDArray[Any])


@dataclass(frozen=True, slots=True)
class Row:
    """A row of joined script, in frame pixels."""

    x: int
    y: int
    width: int
    height: int


def rows(frame: Frame) -> list[Row]:
    """The rows of joined script in `frame` (H×W×3 uint8 RGB): typed on a plain ground, or
    outlined, colour, white or black letters over a picture."""
    return [row for row, _ in _found(frame)]


def _found(frame: Frame) -> list[tuple[Row, Gray]]:
    """Each row of joined script in `frame`, top to bottom, with the black-on-white image to
    read it in."""
    gray = _gray(frame)
    found = [(row, _prepared(gray, row)) for row in _rows(gray)]
    high, low = extremes(frame)
    chroma: Gray = np.asarray(cv2.subtract(high, low), dtype=np.uint8)
    masks = [
        (letters, letters)
        for letters in (_outlined_letters(high, low, chroma), _coloured_letters(chroma))
        if letters is not None
    ]
    masks += _plain_letters(high, low)  # found in one mask, read from another
    for letters, ink in masks:
        found += [
            (row, _fitted(np.where(_cut(ink, row), 0, 255).astype(np.uint8)))
            for row in _lines(letters)
            if not any(_overlap(row, other) for other, _ in found)
        ]
    return sorted(found, key=lambda item: (item[0].y, item[0].x))


def _gray(frame: Frame) -> Gray:
    return np.asarray(cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY))


def _rows(gray: Gray) -> list[Row]:
    small = scaled(gray, min(1.0, (WORK_AREA / gray.size) ** 0.5))
    if flat_share(small) < FLAT_FRAME:
        return []
    found: list[Row] = []
    for scale, lo, hi in _LEVELS:
        image = scaled(small, scale)
        sx, sy = gray.shape[1] / image.shape[1], gray.shape[0] / image.shape[0]
        level = flat(image)
        for binary in binarized(image):
            for x0, y0, x1, y1 in _joined(binary, lo, min(hi, int(image.shape[0] * 0.4))):
                margin = max(1, (y1 - y0) // 3)
                strips = np.concatenate(
                    (level[max(0, y0 - margin) : y0, x0:x1], level[y1 : y1 + margin, x0:x1]),
                    axis=None,
                )
                if strips.size and strips.mean() >= PLAIN_MARGIN:
                    left, top = round(x0 * sx), round(y0 * sy)
                    found.append(Row(left, top, round(x1 * sx) - left, round(y1 * sy) - top))
    return _merged(found)


def _joined(binary: Gray, lo: int, hi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of runs of pieces that share a baseline, in one binary image."""
    count, labels, found, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    stats: IntArray = np.asarray(found, dtype=np.int64)
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    fill = area / np.maximum(w * h, 1)
    thin = w * 3 <= h
    piece = (h >= lo) & (h < hi) & (w <= _MAX_ASPECT * h) & (area >= 6) & (fill > 0.1)
    piece &= (fill < 0.9) | thin
    piece[0] = False
    chosen = np.flatnonzero(piece)
    if chosen.size < _MIN_PIECES:
        return []
    # Each piece's ink per pixel row; the fullest row of a wide piece is its baseline.
    index = np.full(count, -1, dtype=np.int64)
    index[chosen] = np.arange(chosen.size)
    ys, xs = np.nonzero(binary)
    owner = index[labels[ys, xs]]
    inside = owner >= 0
    height = binary.shape[0]
    profile = np.bincount(
        owner[inside] * height + ys[inside], minlength=chosen.size * height
    ).reshape(chosen.size, height)
    x, y, w, h, fill = stats[chosen, 0], stats[chosen, 1], w[chosen], h[chosen], fill[chosen]
    base = profile.argmax(axis=1)
    wide = (w >= h) & (fill <= _WIDE_FILL) & (profile.max(axis=1) >= _STROKE * w)
    used = np.zeros(chosen.size, dtype=bool)
    boxes = []
    for seed in np.flatnonzero(wide):
        if used[seed]:
            continue
        tol = 0.15 * h[seed] + 1
        line = base[seed]
        near = np.where(wide, np.abs(base - line) <= tol, (y - tol <= line) & (y + h + tol >= line))
        members = np.flatnonzero(near & ~used)
        members = members[np.argsort(x[members], kind="stable")]
        typical = float(np.median(h[members]))
        ends = np.maximum.accumulate(x[members] + w[members])
        breaks = np.flatnonzero(x[members][1:] - ends[:-1] >= typical) + 1
        for run in np.split(members, breaks):
            x0, x1 = int(x[run].min()), int((x[run] + w[run]).max())
            if run.size >= _MIN_PIECES and wide[run].any() and x1 - x0 >= 4 * typical:
                boxes.append((x0, int(y[run].min()), x1, int((y[run] + h[run]).max())))
                used[run] = True
    return boxes


def _outlined_letters(high: Gray, low: Gray, chroma: Gray) -> Mask | None:
    """The light, grey pixels (a caption's fill) of each connected patch lying almost wholly
    within four pixels of dark ones (its outline): the letters of outlined text, not the
    white wall beside a dark door. Only bands at least `_MIN_HEIGHT` rows tall in which each
    row holds `_ROW_FILL` such pixels or more are searched; None when there is none."""
    light = ((low >= _LIGHT) & (chroma < _GREY)).view(np.uint8)
    ringed = light & np.asarray(cv2.dilate((high < _DARK).view(np.uint8), _RING_KERNEL))
    spans = [
        (top, bottom)
        for top, bottom in _runs(np.count_nonzero(ringed, axis=1) >= _ROW_FILL, part=0.25)
        if bottom - top >= _MIN_HEIGHT
    ]
    if not spans:
        return None
    top = max(0, spans[0][0] - _MIN_HEIGHT)
    bottom = spans[-1][1] + _MIN_HEIGHT
    count, labels, stats, _ = cv2.connectedComponentsWithStats(light[top:bottom], connectivity=8)
    patches = np.asarray(labels)
    area = np.asarray(stats)[:, 4]
    letter = np.bincount(patches[ringed[top:bottom] > 0], minlength=count) >= LETTER_RINGED * area
    letter[0] = False
    letters = np.zeros(light.shape, dtype=bool)
    letters[top:bottom] = letter[patches]
    return letters


def _coloured_letters(chroma: Gray) -> Mask:
    """The pixels at least `_COLOURED` levels more coloured (`chroma`: largest channel less
    smallest) than the mean of the `_COLOUR_BLOCK` px square around them: the letters of colour
    text on a duller picture."""
    level = cv2.adaptiveThreshold(
        chroma, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, _COLOUR_BLOCK, -_COLOURED
    )
    return np.asarray(level, dtype=bool)


def _plain_letters(high: Gray, low: Gray) -> list[tuple[Mask, Mask]]:
    """For nearly pure white ink (every channel at least `WHITE_INK`) and nearly pure black ink
    (none above `BLACK_INK`): the mask to find lines in, without the solid areas (a white sky, a
    black night: whatever a 15-px square fits in, and its edge), and the whole mask to read
    them from, where the dots of the letters are still there."""
    out = []
    for ink in ((low >= WHITE_INK).view(np.uint8), (high <= BLACK_INK).view(np.uint8)):
        solid = cv2.dilate(cv2.morphologyEx(ink, cv2.MORPH_OPEN, _SOLID), _SOLID_EDGE)
        out.append((np.asarray(cv2.subtract(ink, solid), dtype=bool), np.asarray(ink, dtype=bool)))
    return out


def _lines(letters: Mask) -> list[Row]:
    """Lines in a mask of letters (outlined, coloured, white or black): bands of pixel rows
    that hold letters (a gap under a quarter of the band, between a word and its dots, does
    not end one), cut where letters lie further apart than the band is tall, kept where they
    look like words."""
    strokes = cv2.morphologyEx(letters.astype(np.uint8), cv2.MORPH_OPEN, _SPECK).astype(bool)
    found = []
    for top, bottom in _runs(np.asarray(strokes.any(axis=1)), part=0.25):
        height = bottom - top
        if not _MIN_HEIGHT <= height <= letters.shape[0] * 0.4:
            continue
        band = strokes[top:bottom]
        for left, right in _runs(np.asarray(band.any(axis=0)), gap=height):
            if right - left >= 2 * height and _wordlike(band[:, left:right]):
                found.append(Row(left, top, right - left, height))
    return found


def _runs(filled: Mask, *, gap: int = 0, part: float = 0.0) -> list[tuple[int, int]]:
    """The runs (start, end) of True in `filled`, joined across gaps no longer than `gap`
    plus `part` of the run before the gap."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], filled.astype(np.int8), [0]))))
    runs: list[tuple[int, int]] = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        if runs and start - runs[-1][1] <= gap + part * (runs[-1][1] - runs[-1][0]):
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _wordlike(box: Mask) -> bool:
    """Whether a line's box holds letters as words do: at least `_MIN_TALL` pieces a third
    of its height or taller, covering at least `_MIN_FILL` of it (the light specks by dark
    edges of a photo are many, small and sparse)."""
    if box.mean() < _MIN_FILL:
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(box.astype(np.uint8), connectivity=8)
    heights = np.asarray(stats, dtype=np.int64)[1:, 3]
    return int(np.count_nonzero(heights * 3 >= box.shape[0])) >= _MIN_TALL


def _overlap(row: Row, other: Row) -> bool:
    width = min(row.x + row.width, other.x + other.width) - max(row.x, other.x)
    height = min(row.y + row.height, other.y + other.height) - max(row.y, other.y)
    return width > 0 and height > 0


def _merged(found: list[Row]) -> list[Row]:
    """Rows that overlap by half a height, side by side, made one: the test finds a line in
    pieces, at both scales and often in both polarities."""
    merged: list[Row] = []
    for row in sorted(set(found), key=lambda r: (r.y, r.x)):
        for i, other in enumerate(merged):
            low = min(row.height, other.height)
            overlap = min(row.y + row.height, other.y + other.height) - max(row.y, other.y)
            gap = max(row.x, other.x) - min(row.x + row.width, other.x + other.width)
            if overlap >= 0.5 * low and gap <= 2 * low:
                x0, y0 = min(row.x, other.x), min(row.y, other.y)
                x1 = max(row.x + row.width, other.x + other.width)
                y1 = max(row.y + row.height, other.y + other.height)
                merged[i] = Row(x0, y0, x1 - x0, y1 - y0)
                break
        else:
            merged.append(row)
    return merged


def tessdata() -> Path | None:
    """The folder holding tesseract's Arabic model: $TESSDATA_PREFIX, else Debian's."""
    places = []
    if prefix := os.environ.get("TESSDATA_PREFIX"):
        places += [Path(prefix), Path(prefix) / "tessdata"]
    places += sorted(Path("/usr/share/tesseract-ocr").glob("*/tessdata"), reverse=True)
    places += [Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]
    return next((p for p in places if (p / "ara.traineddata").is_file()), None)


class ArabicReader:
    """Tesseract's Arabic model, loaded once, reading one row at a time (one at a time across
    threads: a tesseract handle is not shared safely)."""

    def __init__(self, folder: Path) -> None:
        from tesserocr import PSM, PyTessBaseAPI, tesseract_version

        self._api = PyTessBaseAPI(path=str(folder), lang="ara", psm=PSM.SINGLE_LINE)
        self._modes = (PSM.SINGLE_LINE, PSM.RAW_LINE)
        self._lock = threading.Lock()
        self.version = tesseract_version().split()[1]

    def read(self, frame: Frame, beside: Sequence[Row] = ()) -> list[tuple[Row, str, float]]:
        """The rows of Arabic that tesseract is sure of in `frame`, but for those overlapping
        a box of `beside` (lines already read in another script): each with its text and
        tesseract's confidence (0-1), top to bottom."""
        read = []
        for row, ink in _found(frame):
            if any(_overlap(row, other) for other in beside):
                continue
            image = Image.fromarray(ink)
            with self._lock:
                text = ""
                for mode in self._modes:
                    self._api.SetPageSegMode(mode)
                    self._api.SetImage(image)
                    text = " ".join(self._api.GetUTF8Text().split())
                    if text:
                        break
                confidence = int(self._api.MeanTextConf())
            letters = sum(1 for c in text if "\u0621" <= c <= "\u064a")
            if confidence >= MIN_CONFIDENCE and letters >= _MIN_LETTERS:
                read.append((row, text, confidence / 100))
        return read


def _cut(image: _A, row: Row) -> _A:
    """The row cut from `image` with a third of its height around it."""
    margin = max(2, row.height // 3)
    return cast(
        _A,
        np.ascontiguousarray(
            image[
                max(0, row.y - margin) : row.y + row.height + margin,
                max(0, row.x - margin) : row.x + row.width + margin,
            ]
        ),
    )


def _prepared(gray: Gray, row: Row) -> Gray:
    """The row cut from the grayscale frame, black ink on white (Otsu; the ink is the
    smaller side), fitted for tesseract."""
    _, ink = cv2.threshold(_cut(gray, row), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if np.count_nonzero(ink) < ink.size / 2:  # light ink on a dark ground
        ink = 255 - ink
    return _fitted(np.asarray(ink, dtype=np.uint8))


def _fitted(ink: Gray) -> Gray:
    """Black ink on white, scaled to at most `LINE_HEIGHT` px tall and padded."""
    if ink.shape[0] > LINE_HEIGHT:
        width = max(1, round(ink.shape[1] * LINE_HEIGHT / ink.shape[0]))
        ink = np.asarray(cv2.resize(ink, (width, LINE_HEIGHT), interpolation=cv2.INTER_AREA))
    return np.asarray(cv2.copyMakeBorder(ink, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255))
