"""The nudity analyzer: NudeNet 3.4's bundled detector, made gender-neutral at the adapter.

Why its own session and pre/postprocessing rather than `nudenet.NudeDetector`: the detector
reads files (`cv2.imread`), takes all cores, and returns the model's own class names, some of
which say a person's gender (and two of which are faces). Here the decoded RGB frame goes
straight into a letterbox, one onnxruntime session per analyzer runs it on as many threads as
it is given (one by default: the server runs a process per core), and the output's class
columns are read through `_NEUTRAL`, a table from column to gender-neutral body part. Columns
the table drops (faces, feet, bellies, armpits) are never read, so nothing about them exists
past `_detect`; nothing here logs.

Preprocessing follows what the model was trained on (Ultralytics YOLOv8, 320×320): RGB,
scaled to 0..1, the long side fitted to 320 with bilinear resizing, padded with black to the
right and bottom as NudeNet does, but only up to the next multiple of 32 (the model's largest
stride; its input size is free), as Ultralytics' own rectangular inference does, not to a
square: a 4:3 frame runs at 320×256 and costs a quarter less. Measured when this was chosen:
24.6 → 18.3 ms a 640×480 frame on one core; on the 332 SFW photos the explicit and suggestive
scores moved by 0.0002 and 0.0016 on average, and the same photos crossed 0.6. (NudeNet
3.4.2 reading a file feeds the model BGR by swapping channels twice, NudeNet issue #203; this
adapter feeds RGB, the training order.)
Postprocessing is YOLOv8's: centre boxes, a confidence floor (`MIN_CONFIDENCE`, 0.25, the
YOLOv8 default, a little above NudeNet's 0.2), then per-part non-maximum suppression.

From body parts to the taxonomy. The adapter no longer knows whose body it sees, so one
mapping applies to everyone:

- exposed genitalia, exposed anus → `sexual/explicit` at the detector's confidence;
- exposed breast, exposed buttocks → `sexual/suggestive` at its confidence. A bare chest is
  "exposed breast" whoever it belongs to, so calling it explicit would hide every shirtless
  swimmer; nudity without genitals is reviewed, not hidden, whoever is pictured;
- covered genitalia or anus → `sexual/suggestive` at half the confidence, covered breast or
  buttocks at 0.4 of it: swimwear and underwear look alike to the detector, and a beach photo
  should not reach a review threshold on its own.

A frame's score per category is its most confident detection; an animation's is the highest
over its frames. Boxes are kept as evidence, labelled with the neutral part, in pixels of the
frame the analyzer was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata, resources
from typing import ClassVar, Final

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort  # type: ignore[import-untyped]

from tamis.analyzers.base import Analysis, PartContext
from tamis.core.content import Frame, MediaPart, Part, PartKind
from tamis.core.verdict import ImageBox, Signal
from tamis.errors import ConfigurationError

__all__ = [
    "CATEGORIES",
    "MIN_CONFIDENCE",
    "PARTS",
    "WEIGHTS",
    "Detection",
    "NudityAnalyzer",
    "letterbox",
]

EXPLICIT = "sexual/explicit"
SUGGESTIVE = "sexual/suggestive"
CATEGORIES: Final = frozenset({EXPLICIT, SUGGESTIVE})

# The model's output columns after the four box values, in its order. Only the neutral part
# leaves this table; None marks a column that is never read.
_NEUTRAL: Final[tuple[str | None, ...]] = (
    "genitalia_covered",  # 0  FEMALE_GENITALIA_COVERED
    None,  # 1  FACE_FEMALE: dropped
    "buttocks_exposed",  # 2  BUTTOCKS_EXPOSED
    "breast_exposed",  # 3  FEMALE_BREAST_EXPOSED
    "genitalia_exposed",  # 4  FEMALE_GENITALIA_EXPOSED
    "breast_exposed",  # 5  MALE_BREAST_EXPOSED
    "anus_exposed",  # 6  ANUS_EXPOSED
    None,  # 7  FEET_EXPOSED
    None,  # 8  BELLY_COVERED
    None,  # 9  FEET_COVERED
    None,  # 10 ARMPITS_COVERED
    None,  # 11 ARMPITS_EXPOSED
    None,  # 12 FACE_MALE: dropped
    None,  # 13 BELLY_EXPOSED
    "genitalia_exposed",  # 14 MALE_GENITALIA_EXPOSED
    "anus_covered",  # 15 ANUS_COVERED
    "breast_covered",  # 16 FEMALE_BREAST_COVERED
    "buttocks_covered",  # 17 BUTTOCKS_COVERED
)

WEIGHTS: Final[dict[str, tuple[str, float]]] = {
    "genitalia_exposed": (EXPLICIT, 1.0),
    "anus_exposed": (EXPLICIT, 1.0),
    "breast_exposed": (SUGGESTIVE, 1.0),
    "buttocks_exposed": (SUGGESTIVE, 1.0),
    "genitalia_covered": (SUGGESTIVE, 0.5),
    "anus_covered": (SUGGESTIVE, 0.5),
    "breast_covered": (SUGGESTIVE, 0.4),
    "buttocks_covered": (SUGGESTIVE, 0.4),
}
"""Neutral part → (category, factor applied to the detector's confidence)."""

PARTS: Final = tuple(sorted(WEIGHTS))
"""The neutral parts, in the order the analyzer scores them."""

MIN_CONFIDENCE: Final = 0.25
_IOU: Final = 0.45
_SIZE: Final = 320
_STRIDE: Final = 32
_MAX_EVIDENCE: Final = 20

# For each neutral part, the output rows (4 + column) that feed it.
_ROWS: Final = tuple(
    np.array([4 + column for column, part in enumerate(_NEUTRAL) if part == name], np.intp)
    for name in PARTS
)


@dataclass(frozen=True, slots=True)
class Detection:
    """A neutral body part found in a frame, in that frame's pixels."""

    part: str
    confidence: float
    x: int
    y: int
    width: int
    height: int


def letterbox(frame: Frame, size: int = _SIZE) -> tuple[npt.NDArray[np.float32], float, float]:
    """The model's input for `frame` (1×3×H×W, the long side `size`, the other padded to a
    multiple of `_STRIDE`; RGB in 0..1, image top-left, black padding), and the factors that
    take input pixels back to frame pixels along x and y."""
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3 or frame.size == 0:
        raise ValueError(f"expected an H×W×3 uint8 RGB frame, got {frame.dtype} {frame.shape}")
    height, width = frame.shape[:2]
    scale = size / max(height, width)
    new_w = min(size, max(1, round(width * scale)))
    new_h = min(size, max(1, round(height * scale)))
    resized = cv2.resize(
        np.ascontiguousarray(frame), (new_w, new_h), interpolation=cv2.INTER_LINEAR
    )
    padded_h, padded_w = (-(-side // _STRIDE) * _STRIDE for side in (new_h, new_w))
    blob = np.zeros((1, 3, padded_h, padded_w), dtype=np.float32)
    np.multiply(resized.transpose(2, 0, 1), np.float32(1 / 255), out=blob[0, :, :new_h, :new_w])
    return blob, width / new_w, height / new_h


def _nms(boxes: npt.NDArray[np.float32], scores: npt.NDArray[np.float32]) -> list[int]:
    """Greedy non-maximum suppression on x0, y0, x1, y1 boxes; indices kept, best first."""
    order = np.argsort(-scores, kind="stable")
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep: list[int] = []
    while order.size:
        best = int(order[0])
        keep.append(best)
        rest = order[1:]
        w = np.minimum(boxes[best, 2], boxes[rest, 2]) - np.maximum(boxes[best, 0], boxes[rest, 0])
        h = np.minimum(boxes[best, 3], boxes[rest, 3]) - np.maximum(boxes[best, 1], boxes[rest, 1])
        inter = np.clip(w, 0, None) * np.clip(h, 0, None)
        iou = inter / np.maximum(areas[best] + areas[rest] - inter, 1e-9)
        order = rest[iou <= _IOU]
    return keep


def _model_bytes() -> bytes:
    return resources.files("nudenet").joinpath("320n.onnx").read_bytes()


class NudityAnalyzer:
    """Exposed and covered body parts in images, scored as explicit or suggestive."""

    name: ClassVar[str] = "image-nudity"
    version: ClassVar[str] = f"1.0.0+nudenet{metadata.version('nudenet')}"
    accepts: ClassVar[frozenset[PartKind]] = frozenset({"image"})

    def __init__(self, threads: int = 1, min_confidence: float = MIN_CONFIDENCE) -> None:
        """`threads` for the model (0: onnxruntime's default, every core); detections below
        `min_confidence` are not reported."""
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            _model_bytes(), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        columns = self._session.get_outputs()[0].shape[1]
        if columns != 4 + len(_NEUTRAL):
            raise ConfigurationError(
                f"the installed NudeNet model has {columns} output columns; image-nudity "
                f"expects {4 + len(_NEUTRAL)} (NudeNet 3.4): install nudenet 3.4"
            )
        self.min_confidence = min_confidence

    def detect(self, frame: Frame) -> list[Detection]:
        """Neutral body parts in one RGB frame, most confident first."""
        blob, fx, fy = letterbox(frame)
        (output,) = self._session.run(None, {self._input: blob})
        rows = np.asarray(output, dtype=np.float32)[0]
        per_part = np.stack([rows[feeding].max(axis=0) for feeding in _ROWS])
        best = per_part.argmax(axis=0)
        confidence = per_part.max(axis=0)
        found = np.flatnonzero(confidence >= self.min_confidence)
        if found.size == 0:
            return []
        cx, cy, w, h = rows[:4, found]
        height, width = frame.shape[:2]
        boxes = np.stack(
            (
                np.clip((cx - w / 2) * fx, 0, width),
                np.clip((cy - h / 2) * fy, 0, height),
                np.clip((cx + w / 2) * fx, 0, width),
                np.clip((cy + h / 2) * fy, 0, height),
            ),
            axis=1,
        )
        labels, scores = best[found], confidence[found]
        out: list[Detection] = []
        for label in np.unique(labels):
            mask = np.flatnonzero(labels == label)
            for i in _nms(boxes[mask], scores[mask]):
                x0, y0, x1, y1 = (round(float(v)) for v in boxes[mask[i]])
                if x1 > x0 and y1 > y0:
                    part = PARTS[int(label)]
                    out.append(Detection(part, float(scores[mask[i]]), x0, y0, x1 - x0, y1 - y0))
        out.sort(key=lambda d: -d.confidence)
        return out

    def analyze(self, part: Part, context: PartContext) -> Analysis:
        if not isinstance(part, MediaPart) or part.kind != "image" or part.picture is None:
            return Analysis()
        picture = part.picture
        animated = len(picture.frames) > 1
        found: dict[str, list[tuple[float, ImageBox]]] = {EXPLICIT: [], SUGGESTIVE: []}
        for i, frame in enumerate(picture.frames):
            frame_ms = picture.frame_ms[i] if animated and i < len(picture.frame_ms) else None
            for d in self.detect(frame):
                category, factor = WEIGHTS[d.part]
                box = ImageBox(context.index, d.x, d.y, d.width, d.height, d.part, frame_ms)
                found[category].append((min(1.0, d.confidence * factor), box))
        signals = []
        for category, hits in sorted(found.items()):
            if hits:
                hits.sort(key=lambda hit: -hit[0])
                evidence = tuple(box for _, box in hits[:_MAX_EVIDENCE])
                signals.append(
                    Signal(category, round(hits[0][0], 4), self.name, context.index, evidence)
                )
        return Analysis(signals=tuple(signals), covered=CATEGORIES)
