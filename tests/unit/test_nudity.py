"""The nudity analyzer on NudeNet's model: gender-neutral by construction, faces never out.

Safe-for-work photos only (../shared/data/images, see its README): the portrait proves the
model does see a face that the analyzer never reports, and a pomegranate the model mistakes
for a body part gives real detections to check labels and box geometry on.
"""

from __future__ import annotations

import ast
import inspect
import re
from importlib import resources
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from nudenet import NudeDetector
from PIL import Image

from tamis.analyzers.base import Analysis, PartContext
from tamis.analyzers.image import nudity
from tamis.analyzers.image.nudity import PARTS, WEIGHTS, NudityAnalyzer, letterbox
from tamis.core import taxonomy
from tamis.core.content import Frame, MediaPart, Picture, TextPart
from tamis.core.verdict import ImageBox
from tamis.testing import AnalyzerConformance

IMAGES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "images"
PORTRAIT = IMAGES / "skimage/astronaut.jpg"
FRUIT = IMAGES / "grocery/grocery_Fruit_Pomegranate_Pomegranate_013.jpg"
PEOPLE = (
    PORTRAIT,
    IMAGES / "skimage/camera.jpg",
    IMAGES / "coco/coco_train_790.jpg",
    IMAGES / "coco/coco_val_229358.jpg",
    IMAGES / "kodak/kodim04.jpg",
    IMAGES / "kodak/kodim15.jpg",
    IMAGES / "kodak/kodim17.jpg",
    IMAGES / "kodak/kodim18.jpg",
)
"""Photos in which the raw model sees at least one face."""
REVIEW = 0.6
"""The review threshold recommended for the default policy (bench/nudity.py, FP figures)."""

GENDER_OR_FACE = re.compile(r"(?i)(?<![a-z])(fe)?male|face(?![a-z])|\bm[ae]n\b|wom[ae]n")

if not IMAGES.is_dir():
    pytest.skip(f"{IMAGES} (the shared SFW photos) is not here", allow_module_level=True)


def frame_of(path: Path) -> Frame:
    with Image.open(path) as image:
        image = image.convert("RGB")
        image.thumbnail((1024, 1024))
        return np.asarray(image)


def image_part(*frames: Frame, frame_ms: tuple[int, ...] = (0,)) -> MediaPart:
    height, width = frames[0].shape[:2]
    picture = Picture("jpeg", width, height, frames, frame_ms)
    return MediaPart("image", "sha256:test", "image/jpeg", picture=picture)


def model_labels() -> list[str]:
    """The model's own class names, from its metadata (NudeNet's order)."""
    model = resources.files("nudenet").joinpath("320n.onnx").read_bytes()
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    names = ast.literal_eval(session.get_modelmeta().custom_metadata_map["names"])
    return [names[i] for i in range(len(names))]


@pytest.fixture(scope="module")
def analyzer() -> NudityAnalyzer:
    return NudityAnalyzer()


@pytest.fixture(scope="module")
def raw_model() -> NudeDetector:
    return NudeDetector()


def raw_faces(detector: NudeDetector, frame: Frame) -> list[list[int]]:
    """Face boxes as NudeNet itself reports them (its array path feeds the model RGB too)."""
    return [d["box"] for d in detector.detect(frame) if d["class"].startswith("FACE_")]


def assert_neutral(analysis: Analysis) -> None:
    assert not GENDER_OR_FACE.search(repr(analysis)), repr(analysis)
    for signal in analysis.signals:
        for box in signal.evidence:
            assert isinstance(box, ImageBox)
            assert box.label in WEIGHTS


# The collapse table


def test_every_model_class_maps_to_a_neutral_part_or_is_dropped() -> None:
    labels = model_labels()
    table = nudity._NEUTRAL
    assert len(table) == len(labels) == 18
    for label, neutral in zip(labels, table, strict=True):
        words = label.lower().split("_")
        if words[0] in {"face", "feet", "belly", "armpits"}:
            assert neutral is None, label
        else:
            assert neutral == "_".join(w for w in words if w not in {"female", "male"}), label
    assert {n for n in table if n is not None} == set(WEIGHTS) == set(PARTS)
    assert set(WEIGHTS) == {
        f"{part}_{state}"
        for part in ("breast", "genitalia", "buttocks", "anus")
        for state in ("exposed", "covered")
    }


def test_the_mapping_targets_sexual_categories_only() -> None:
    categories = {category for category, _ in WEIGHTS.values()}
    assert categories == nudity.CATEGORIES == {"sexual/explicit", "sexual/suggestive"}
    assert all(taxonomy.is_category(c) for c in categories)
    assert all(0 < factor <= 1 for _, factor in WEIGHTS.values())
    assert {p for p, (c, _) in WEIGHTS.items() if c == "sexual/explicit"} == {
        "genitalia_exposed",
        "anus_exposed",
    }


def test_no_model_class_name_lives_in_the_module_beyond_comments() -> None:
    said = {"female", "male", "face"}
    labels = {label.lower() for label in model_labels() if said & set(label.lower().split("_"))}
    assert len(labels) == 8
    source = inspect.getsource(nudity)
    strings = [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert strings
    for text in strings:
        assert not any(label in text.lower() for label in labels), text
        assert not re.search(r"(?i)(?<![a-z])(fe)?male(?![a-z])", text), text
    for name in nudity.__all__ + [n for n in vars(nudity) if not n.startswith("_")]:
        assert not GENDER_OR_FACE.search(name), name
        value = getattr(nudity, name)
        if isinstance(value, str | tuple | frozenset | dict):
            assert not GENDER_OR_FACE.search(repr(value)), name


# The real model on safe-for-work photos


def test_the_model_sees_a_face_that_never_leaves_the_adapter(
    analyzer: NudityAnalyzer, raw_model: NudeDetector
) -> None:
    frame = frame_of(PORTRAIT)
    faces = raw_faces(raw_model, frame)
    assert faces, "the raw model should see the astronaut's face"
    fx, fy, fw, fh = faces[0]

    analysis = analyzer.analyze(image_part(frame), PartContext(index=0, languages=()))
    assert analysis.covered == {"sexual/explicit", "sexual/suggestive"}
    assert all(s.score < REVIEW for s in analysis.signals), analysis
    assert_neutral(analysis)

    faint = NudityAnalyzer(min_confidence=0.01).detect(frame)
    assert faint, "even faint detections should exist to compare with the face"
    for d in faint:
        assert d.part in WEIGHTS
        ix = max(0, min(fx + fw, d.x + d.width) - max(fx, d.x))
        iy = max(0, min(fy + fh, d.y + d.height) - max(fy, d.y))
        union = fw * fh + d.width * d.height - ix * iy
        assert ix * iy / union < 0.5, f"{d} covers the face box {faces[0]}"


@pytest.mark.parametrize("path", PEOPLE, ids=lambda p: p.name)
def test_photos_of_people_stay_below_review(
    analyzer: NudityAnalyzer, raw_model: NudeDetector, path: Path
) -> None:
    frame = frame_of(path)
    assert raw_faces(raw_model, frame), "the raw model should see a face here"
    analysis = analyzer.analyze(image_part(frame), PartContext(index=2, languages=()))
    assert all(s.score < REVIEW for s in analysis.signals), analysis
    assert_neutral(analysis)


def test_detections_carry_neutral_labels_and_frame_pixel_boxes(analyzer: NudityAnalyzer) -> None:
    frame = frame_of(FRUIT)
    analysis = analyzer.analyze(image_part(frame), PartContext(index=3, languages=()))
    assert analysis.signals, "the pomegranate is a known false positive, used for geometry"
    assert_neutral(analysis)
    height, width = frame.shape[:2]
    for signal in analysis.signals:
        assert signal.part == 3 and signal.analyzer == "image-nudity"
        assert signal.evidence
        for box in signal.evidence:
            assert isinstance(box, ImageBox)
            assert box.part == 3 and box.frame_ms is None
            assert WEIGHTS[box.label][0] == signal.category
            assert 0 <= box.x < box.x + box.width <= width
            assert 0 <= box.y < box.y + box.height <= height


def test_boxes_follow_the_content_when_the_frame_is_shifted(analyzer: NudityAnalyzer) -> None:
    frame = frame_of(FRUIT)
    height, width = frame.shape[:2]
    assert height > width
    shift = 93  # about 64 model pixels (two 32-pixel strides) at this scale
    shifted = np.zeros((height, width + shift, 3), dtype=np.uint8)
    shifted[:, shift:] = frame
    before = analyzer.detect(frame)
    after = analyzer.detect(shifted)
    assert before
    best, moved = before[0], next(d for d in after if d.part == before[0].part)
    assert abs(moved.x - (best.x + shift)) <= 4
    assert abs(moved.y - best.y) <= 4
    assert abs(moved.width - best.width) <= 4 and abs(moved.height - best.height) <= 4


def test_letterbox_keeps_rgb_order_scale_and_position() -> None:
    frame = np.zeros((200, 640, 3), dtype=np.uint8)
    frame[:, :, 0] = 255  # red everywhere
    frame[100:, 320:, 2] = 255  # blue in the bottom-right quarter
    blob, fx, fy = letterbox(frame)
    assert blob.shape == (1, 3, 128, 320) and blob.dtype == np.float32, "padded to stride 32"
    assert fx == 2.0 and fy == 2.0
    image = blob[0]
    assert np.allclose(image[0, :100, :], 1.0) and np.allclose(image[1, :100, :], 0.0)
    assert np.allclose(image[2, :48, :], 0.0) and np.allclose(image[2, 52:100, 162:], 1.0)
    assert np.allclose(image[2, 52:100, :158], 0.0)
    assert not image[:, 100:, :].any(), "padding is black, below the picture"

    tall = np.full((1000, 10, 3), 7, dtype=np.uint8)
    blob, fx, fy = letterbox(tall)
    assert blob[0, :, :, :3].any() and not blob[0, :, :, 3:].any()
    assert fx == 10 / 3 and fy == 1000 / 320

    mirrored, _, _ = letterbox(frame[:, ::-1])
    assert np.allclose(mirrored[0, 2, 52:100, :158], 1.0), "views are read as they look"

    with pytest.raises(ValueError, match="RGB frame"):
        letterbox(np.zeros((10, 10), dtype=np.uint8))


def test_an_animation_scores_its_worst_frame(analyzer: NudityAnalyzer) -> None:
    fruit = frame_of(FRUIT)
    blank = np.full_like(fruit, 128)
    still = analyzer.analyze(image_part(fruit), PartContext(index=0, languages=()))
    animated = analyzer.analyze(
        image_part(blank, fruit, blank, frame_ms=(0, 500, 1000)),
        PartContext(index=0, languages=()),
    )
    assert {s.category: s.score for s in animated.signals} == {
        s.category: s.score for s in still.signals
    }
    boxes = [b for s in animated.signals for b in s.evidence if isinstance(b, ImageBox)]
    assert boxes and {b.frame_ms for b in boxes} == {500}


def test_nothing_to_look_at_covers_nothing(analyzer: NudityAnalyzer) -> None:
    context = PartContext(index=0, languages=())
    assert analyzer.analyze(MediaPart("image", "sha256:x"), context) == Analysis()
    assert analyzer.analyze(TextPart("hello"), context) == Analysis()
    blank = np.zeros((48, 64, 3), dtype=np.uint8)
    analysis = analyzer.analyze(image_part(blank), context)
    assert analysis.signals == () and analysis.covered == nudity.CATEGORIES


class TestConformance(AnalyzerConformance):
    analyzer = NudityAnalyzer()
    samples = (
        image_part(frame_of(PORTRAIT)),
        image_part(frame_of(FRUIT)),
        MediaPart("image", "sha256:none"),
        TextPart("not an image"),
    )
