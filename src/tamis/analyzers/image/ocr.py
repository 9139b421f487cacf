"""The OCR analyzer: words in images, handed to the text analyzers with where they were read.

A meme says its insult in pixels. This analyzer reads the lines of text in each frame and
returns them as `FoundText`; the pipeline runs the text analyzers on them and points their
evidence at the boxes the lines were read in. It scores nothing and covers no category
itself: whether the words are an insult is the text analyzers' call, in every language they
know.

Only frames that pass the text test (`textness`, about 3-5 ms) reach the recognizer (about
200 ms for a 640×480 frame on one core), so a photo without text costs almost nothing.
Arabic script, which the bundled recognizer cannot read, has its own test and reader
(`arabic`: rows of joined script on plain grounds, outlined captions, and colour, white or
black ones without an outline, read by tesseract), which runs on every frame after the
recognizer and skips what it has read; their lines join.

The recognizer is rapidocr 3 with the models inside its wheel (PP-OCRv6 small detection and
recognition; its orientation classifier is never loaded: captions and signs stand upright,
and it turned some of them upside down). It is configured so that it cannot fetch anything:
every model path is given explicitly from the package directory (rapidocr downloads a model
whenever a path is left to its `default_models.yaml`), frames go in as arrays (a string
would be opened, and fetched if it looks like a URL), its logger is lowered to errors, and
its onnxruntime sessions get one intra-op thread unless told otherwise (the server runs a
process per core).

Detection is most of the cost and grows with the pixels it sees (a 640×100 band: 80 ms, a
whole 640×480 frame: 400 ms), so it runs on a copy of each band scaled down until the
smallest letters the text test found there are `DET_LETTER` (20) pixels tall, never up, and
at most 960 px on the long side (rapidocr's default scales the short side *up* to 736 px).
Each line it finds is then cut from the band at full size, straightened, and recognized on
its own. Against detecting at full size (`bench/ocr.py --scale`): drawn memes cost 31 % less
and photos with text 15 % less; of the words read at full size, 99 % are still read in
photos, 100 % in captions and screenshots, 94-96 % in memes and small text, 91 % in colour
text without an outline. At 12 or 16 px it would cost half as much and lose a quarter of
the colour text.

Lines whose recognition confidence is under `MIN_CONFIDENCE` (0.8) are dropped: drawn text
reads at 0.95 or more and real signs at 0.8-1.0, while most of what the recognizer makes of
foliage, fences and shelves (`HHT`, `S=1`, `AOOS`) scores 0.3-0.75. Lines come in reading
order, top to bottom, then left to right within a row; each carries an `ImageBox` labelled
`text` in frame pixels (`frame_ms` set for animations only, as the nudity analyzer does).

What the bundled recognizer reads (`bench/ocr.py --scripts`: lines drawn in DejaVu Sans
32 px, character accuracy = 1 - edit distance / length):

- Latin without accents, French accents (é è à ç ô œ ù ï ë), German (ä ö ü ß), digits and
  `% / : + = -`: 100 %;
- Spanish 98.5 %: ñ, á, é, ó, ¿ are read, but `¡` is not in the model's 18,708-character
  dictionary and is silently left out;
- Arabic script: 0 % — the dictionary holds no Arabic letter at all (rapidocr can download a
  PP-OCRv5 Arabic model; tamis never downloads); `arabic` reads it instead.

In condensed bold capitals, the usual meme face, it sometimes loses a narrow word space
("TONTODEL CULO", "LUNDIMATIN"); the letters themselves come back right.

An animation can have many sampled frames; the recognizer runs on at most `MAX_FRAMES` of those
that pass the text test, the first ones.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, ClassVar, Final

import cv2
import numpy as np
import numpy.typing as npt

from tamis.analyzers.base import Analysis, FoundText, PartContext
from tamis.analyzers.image.arabic import ArabicReader, Row, tessdata
from tamis.analyzers.image.textness import textness
from tamis.core.content import Frame, MediaPart, Part, PartKind
from tamis.core.verdict import ImageBox
from tamis.errors import ConfigurationError

__all__ = [
    "DET_LETTER",
    "DET_SIDE",
    "MAX_FRAMES",
    "MIN_CONFIDENCE",
    "MODELS",
    "Line",
    "OcrAnalyzer",
    "bands",
    "engine_params",
    "model_dir",
    "reading_order",
    "upright_crop",
]

log = logging.getLogger(__name__)

MIN_CONFIDENCE: Final = 0.8
DET_SIDE: Final = 960
DET_LETTER: Final = 20
"""Height in pixels that the smallest letters of a band are scaled down to for detection."""
MAX_FRAMES: Final = 4
MODELS: Final = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
"""The rapidocr stage → the model file it loads from rapidocr's own `models` directory."""


@dataclass(frozen=True, slots=True)
class Line:
    """A line of text read in a frame, with its box in that frame's pixels."""

    text: str
    confidence: float
    x: int
    y: int
    width: int
    height: int


def model_dir() -> Path:
    """rapidocr's own `models` directory, where its wheel puts the models."""
    return Path(str(resources.files("rapidocr").joinpath("models")))


def engine_params(threads: int, det_side: int) -> dict[str, Any]:
    """rapidocr settings that load only the bundled models and never download."""
    models = model_dir()
    missing = [name for name in MODELS.values() if not (models / name).is_file()]
    if missing:
        raise ConfigurationError(
            f"rapidocr's bundled models {', '.join(missing)} are not in {models}: install "
            f"rapidocr {metadata.version('rapidocr')} from its wheel (tamis never downloads "
            "models)"
        )
    params: dict[str, Any] = {
        "Global.log_level": "error",
        "Global.text_score": 0.0,
        "Global.use_cls": False,
        "Global.model_root_dir": str(models),
        "Det.limit_type": "max",
        "Det.limit_side_len": det_side,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    for stage, name in MODELS.items():
        params[f"{stage}.model_path"] = str(models / name)
    return params


class OcrAnalyzer:
    """Lines of text in images, for the text analyzers to judge."""

    name: ClassVar[str] = "image-ocr"
    version: ClassVar[str] = (
        f"1.4.0+rapidocr{metadata.version('rapidocr')}+tesserocr{metadata.version('tesserocr')}"
    )
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"image"})

    def __init__(
        self,
        threads: int = 1,
        min_confidence: float = MIN_CONFIDENCE,
        *,
        gate: bool = True,
        max_frames: int = MAX_FRAMES,
        det_side: int = DET_SIDE,
        det_letter: int = DET_LETTER,
        arabic: bool = True,
    ) -> None:
        """`threads` for each model (0: onnxruntime's default, every core); lines read with
        less than `min_confidence` are dropped; `gate=False` reads every frame, text test or
        not; at most `max_frames` frames of an animation are read; detection runs with the
        frame's long side scaled down to `det_side` pixels when it is larger, and a band's
        smallest letters (by the text test) to `det_letter` pixels; `arabic=False` leaves
        Arabic rows unread (see `arabic`)."""
        from rapidocr import RapidOCR

        self._engine = RapidOCR(params=engine_params(threads if threads > 0 else -1, det_side))
        self.arabic: ArabicReader | None = None
        if arabic:
            folder = tessdata()
            if folder is None:
                log.warning(
                    "Arabic text in images is not read: tesseract's Arabic model "
                    "(ara.traineddata) was not found; install Debian's tesseract-ocr-ara "
                    "(scripts/bootstrap.sh does) or set TESSDATA_PREFIX"
                )
            else:
                self.arabic = ArabicReader(folder)
        self._lock = threading.Lock()
        self.min_confidence = min_confidence
        self.gate = gate
        self.max_frames = max_frames
        self.det_letter = det_letter

    def read(self, frame: Frame, letters: int | None = None) -> list[Line]:
        """The lines of text in one RGB frame, in reading order (no text test). `letters`:
        the height of the smallest letters expected there, when known; detection then runs
        on a copy scaled down so that they are `det_letter` pixels tall."""
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3 or frame.size == 0:
            raise ValueError(f"expected an H×W×3 uint8 RGB frame, got {frame.dtype} {frame.shape}")
        bgr = np.ascontiguousarray(frame[:, :, ::-1])
        height, width = frame.shape[:2]
        scale = min(1.0, self.det_letter / letters) if letters else 1.0
        small = bgr
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            small = np.asarray(cv2.resize(bgr, size, interpolation=cv2.INTER_AREA), np.uint8)
        back = np.array([width / small.shape[1], height / small.shape[0]])
        lines: list[Line] = []
        with self._lock:
            found: Any = self._engine(small, use_det=True, use_cls=False, use_rec=False)
            quads = getattr(found, "boxes", None)
            for quad in quads if quads is not None else ():
                points = np.asarray(quad, dtype=np.float64).reshape(-1, 2) * back
                read: Any = self._engine(
                    upright_crop(bgr, points), use_det=False, use_cls=False, use_rec=True
                )
                text = " ".join(str((getattr(read, "txts", None) or ("",))[0]).split())
                score = float((getattr(read, "scores", None) or (0.0,))[0])
                x0, y0 = (int(v) for v in np.clip(np.floor(points.min(0)), 0, (width, height)))
                x1, y1 = (int(v) for v in np.clip(np.ceil(points.max(0)), 0, (width, height)))
                if text and score >= self.min_confidence and x1 > x0 and y1 > y0:
                    lines.append(Line(text, round(score, 4), x0, y0, x1 - x0, y1 - y0))
        return reading_order(lines)

    def read_bands(self, frame: Frame, spans: list[tuple[int, int, int]]) -> list[Line]:
        """The lines read in horizontal bands of `frame` (top, bottom, smallest letters'
        height), in frame pixels."""
        lines: list[Line] = []
        for top, bottom, letters in spans:
            band = np.ascontiguousarray(frame[top:bottom])
            lines.extend(
                Line(ln.text, ln.confidence, ln.x, ln.y + top, ln.width, ln.height)
                for ln in self.read(band, letters)
            )
        return reading_order(lines)

    def read_arabic(self, frame: Frame, beside: list[Line] | None = None) -> list[Line]:
        """The rows of Arabic read in one RGB frame, but where they overlap lines `beside`,
        already read by the recognizer (none without tesseract's Arabic model)."""
        if self.arabic is None:
            return []
        taken = [Row(ln.x, ln.y, ln.width, ln.height) for ln in beside or ()]
        return [
            Line(text, round(confidence, 4), row.x, row.y, row.width, row.height)
            for row, text, confidence in self.arabic.read(frame, taken)
        ]

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if not isinstance(part, MediaPart) or part.kind != "image" or part.picture is None:
            return Analysis()
        picture = part.picture
        animated = len(picture.frames) > 1
        found: list[FoundText] = []
        read = 0
        for i, frame in enumerate(picture.frames):
            if read >= self.max_frames:
                break
            test = textness(frame) if self.gate else None
            if test is None:
                lines = self.read(frame)
            elif test.likely:
                lines = self.read_bands(frame, bands(test.rows, frame.shape[0]))
            else:
                lines = []
            arabic = self.read_arabic(frame, lines)
            if test is not None and not test.likely and not arabic:
                continue
            read += 1
            lines = reading_order(lines + arabic)
            if not lines:
                continue
            frame_ms = picture.frame_ms[i] if animated and i < len(picture.frame_ms) else None
            boxes = tuple(
                ImageBox(context.index, ln.x, ln.y, ln.width, ln.height, "text", frame_ms)
                for ln in lines
            )
            found.append(FoundText(tuple(ln.text for ln in lines), boxes))
        return Analysis(texts=tuple(found))


def bands(rows: tuple[tuple[int, int, int, int], ...], height: int) -> list[tuple[int, int, int]]:
    """The horizontal bands worth reading, as (top, bottom, height of their smallest row):
    each row the text test found, widened by its own height above and below (for accents,
    descenders and lines it missed next to it), merged where they touch. Detection costs in
    proportion to the pixels it sees, so reading a caption's band instead of the whole frame
    halves the cost of a meme, and read the same lines on every meme of bench/ocr.py."""
    spans = sorted((max(0, y - h), min(height, y + 2 * h), h) for _, y, _, h in rows)
    merged: list[tuple[int, int, int]] = []
    for top, bottom, letters in spans:
        if merged and top <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], bottom), min(last[2], letters))
        else:
            merged.append((top, bottom, letters))
    return merged


def upright_crop(image: npt.NDArray[np.uint8], quad: npt.NDArray[np.float64]) -> Frame:
    """The quadrilateral `quad` (four corners clockwise from the top left, as the detector
    gives them) of `image`, straightened into a rectangle; turned a quarter when it stands
    taller than wide, so that a vertical line reads left to right."""
    top, bottom = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])
    left, right = np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])
    width, height = max(1, round(max(top, bottom))), max(1, round(max(left, right)))
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    transform = cv2.getPerspectiveTransform(quad.astype(np.float32), corners)
    crop = np.asarray(
        cv2.warpPerspective(
            image,
            transform,
            (width, height),
            flags=cv2.INTER_CUBIC,
            borderMode=cv2.BORDER_REPLICATE,
        ),
        np.uint8,
    )
    return np.ascontiguousarray(np.rot90(crop)) if height >= 1.5 * width else crop


def reading_order(lines: list[Line]) -> list[Line]:
    """Top to bottom; a line whose vertical middle falls within the height of the first line
    of the current row joins that row, and each row goes left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.y + ln.height / 2, ln.x)):
        middle = line.y + line.height / 2
        if rows and rows[-1][0].y <= middle <= rows[-1][0].y + rows[-1][0].height:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda ln: ln.x)]
