"""The OCR analyzer on text it draws itself: the words come back, in reading order, with boxes
where they were drawn; frames without text never reach the recognizer; a meme with an insult
is flagged with the image region as evidence; and loading the models touches no network.

Read text is compared loosely (`loose`): case folded, accents and everything but letters and
digits removed, then at least 90 % similar. The recognizer drops narrow word spaces in
condensed bold capitals ("TONTODEL CULO") and its dictionary has no `¡`; whether accents are
read is proved separately, on plain captions, where it reads them exactly.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from tamis.analyzers.base import Analysis, PartContext
from tamis.analyzers.image.ocr import (
    DET_LETTER,
    MODELS,
    Line,
    OcrAnalyzer,
    bands,
    engine_params,
    model_dir,
    upright_crop,
)
from tamis.analyzers.image.ocr import reading_order as order
from tamis.analyzers.image.textness import textness
from tamis.analyzers.text.lexicon import LexiconAnalyzer
from tamis.core import policy as policies
from tamis.core.content import Content, Frame, MediaPart, Picture, TextPart
from tamis.core.pipeline import moderate
from tamis.core.verdict import ImageBox
from tamis.testing import AnalyzerConformance
from tests.drawn import FONTS, REGULAR, Box, backdrop, bricks, write

IMAGES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "images"

if not (FONTS / REGULAR).exists():  # Pillow's own font has no accents to speak of
    pytest.skip(f"{FONTS} (Debian package fonts-dejavu-core) is not here", allow_module_level=True)

ANALYZER = OcrAnalyzer()
READER = OcrAnalyzer(gate=False)


def meme(top: str, bottom: str = "", seed: int = 1, size: int = 44) -> tuple[Frame, list[Box]]:
    image = backdrop(seed)
    boxes = [write(image, top, size, 14)]
    if bottom:
        boxes.append(write(image, bottom, size, image.height - size - 24))
    return np.asarray(image), boxes


def caption(lines: list[str], size: int = 28) -> tuple[Frame, list[Box]]:
    image = Image.new("RGB", (640, 480), "white")
    boxes = [
        write(image, line, size, 40 + 60 * i, x=24, fill="black", outline=None, name=REGULAR)
        for i, line in enumerate(lines)
    ]
    return np.asarray(image), boxes


def image_part(*frames: Frame, frame_ms: tuple[int, ...] = (0,)) -> MediaPart:
    h, w = frames[0].shape[:2]
    return MediaPart(
        "image", "sha256:" + "0" * 64, "image/png", None, Picture("png", w, h, frames, frame_ms)
    )


def loose(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def alike(read: str, drawn: str) -> bool:
    return difflib.SequenceMatcher(None, loose(read), loose(drawn)).ratio() >= 0.9


def covers(box: ImageBox, drawn: Box) -> bool:
    """`box` holds at least 80 % of the drawn text's box and is not more than twice its size."""
    x, y, w, h = drawn
    ix = max(0, min(box.x + box.width, x + w) - max(box.x, x))
    iy = max(0, min(box.y + box.height, y + h) - max(box.y, y))
    return ix * iy >= 0.8 * w * h and box.width * box.height <= 2 * w * h


def analyze(analyzer: OcrAnalyzer, part: MediaPart | TextPart, index: int = 0) -> Analysis:
    return analyzer.analyze(part, PartContext(index=index, languages=()))


@pytest.mark.parametrize(
    ("drawn", "kind"),
    [
        (("QUAND TU ES UN IMBÉCILE", "ESPÈCE DE CONNARD"), "meme"),
        (("SHUT UP, YOU STUPID MORON", "NOBODY LIKES YOU"), "meme"),
        (("¿QUÉ MIRAS, IDIOTA?", "ERES UN PENDEJO"), "meme"),
        (("Ce garçon est un abruti fini", "et sa sœur une peste"), "caption"),
        (("You are the worst person here", "Go away and never come back"), "caption"),
        (("Mañana será otro día, señor", "pero tú sigues siendo tonto"), "caption"),
    ],
)
def test_drawn_text_comes_back_in_order_with_boxes_where_it_was_drawn(
    drawn: tuple[str, str], kind: str
) -> None:
    frame, boxes = meme(*drawn) if kind == "meme" else caption(list(drawn))
    assert textness(frame).likely
    analysis = analyze(ANALYZER, image_part(frame), index=2)
    [found] = analysis.texts
    assert len(found.lines) == len(found.boxes) == 2, found.lines
    for line, box, text, where in zip(found.lines, found.boxes, drawn, boxes, strict=True):
        assert alike(line, text), (line, text)
        assert covers(box, where), (box, where)
        assert (box.part, box.label, box.frame_ms) == (2, "text", None)
    assert analysis.signals == () and analysis.covered == frozenset()


@pytest.mark.parametrize(
    ("text", "ink"),
    [("espèce de connard", (220, 0, 0)), ("eres un pendejo", (230, 210, 0))],
)
def test_colour_text_without_an_outline_over_a_busy_ground_is_read(
    text: str, ink: tuple[int, int, int]
) -> None:
    image = bricks(ink, seed=3)
    drawn = write(image, text, 36, 240, fill=ink, outline=None)
    [found] = analyze(ANALYZER, image_part(np.asarray(image))).texts
    assert any(alike(line, text) for line in found.lines), found.lines
    assert any(covers(box, drawn) for box in found.boxes), (found.boxes, drawn)


def test_bands_widen_each_row_merge_where_they_touch_and_keep_the_smallest_letters() -> None:
    rows = ((10, 100, 300, 40), (20, 150, 200, 20), (0, 400, 100, 10))
    assert bands(rows, 420) == [(60, 190, 20), (390, 420, 10)]


@pytest.mark.parametrize("size", [48, 72])
def test_detecting_on_a_scaled_band_reads_what_full_size_reads_with_boxes_in_frame_pixels(
    size: int,
) -> None:
    frame, drawn = caption(["tous des idiots"], size=size)
    letters = textness(frame).rows[0][3]
    assert letters > DET_LETTER, "detection runs on a smaller copy"
    full, scaled = ANALYZER.read(frame), ANALYZER.read(frame, letters)
    assert [ln.text for ln in scaled] == [ln.text for ln in full]
    (line,) = scaled
    assert all(type(v) is int for v in (line.x, line.y, line.width, line.height))
    box = ImageBox(0, line.x, line.y, line.width, line.height, "text")
    assert covers(box, drawn[0]), (line, drawn[0])


@pytest.mark.parametrize(
    "text",
    [
        "Élève très gâté à l'hôtel",
        "Le garçon naïf ôte son cœur",
        "¿Qué pasa, señor Muñoz?",
        "Größe und Übermaß in Köln",
    ],
)
def test_accents_are_read_exactly_on_plain_captions(text: str) -> None:
    frame, _ = caption([text], size=32)
    assert [ln.text for ln in ANALYZER.read(frame)] == [text]


def test_lines_on_one_row_read_left_to_right_then_rows_top_to_bottom() -> None:
    image = Image.new("RGB", (640, 480), "white")
    style = {"fill": "black", "outline": None, "name": REGULAR}
    write(image, "tout en bas", 30, 400, x=200, **style)
    write(image, "à droite", 30, 40, x=400, **style)
    write(image, "au milieu de tout", 30, 220, x=150, **style)
    write(image, "à gauche", 30, 46, x=30, **style)
    lines = [ln.text for ln in ANALYZER.read(np.asarray(image))]
    assert [loose(t) for t in lines] == [
        loose(t) for t in ("à gauche", "à droite", "au milieu de tout", "tout en bas")
    ]


def test_reading_order_groups_rows_by_the_first_line_of_each() -> None:
    def line(text: str, x: int, y: int, h: int = 20) -> Line:
        return Line(text, 0.99, x, y, 100, h)

    lines = [line("d", 10, 200), line("b", 300, 12), line("c", 10, 100), line("a", 10, 0, 30)]
    assert [ln.text for ln in order(lines)] == ["a", "b", "c", "d"]
    assert order([]) == []


@pytest.mark.parametrize("seed", [3, 4])
def test_a_drawn_photo_without_text_is_declined_and_gives_nothing(seed: int) -> None:
    frame = np.asarray(backdrop(seed))
    assert not textness(frame).likely
    assert analyze(ANALYZER, image_part(frame)) == Analysis()


@pytest.mark.parametrize("name", ["kodak/kodim23.jpg", "skimage/coffee.jpg"])
def test_a_real_photo_without_text_is_declined_and_gives_nothing(name: str) -> None:
    path = IMAGES / name
    if not path.exists():
        pytest.skip(f"{path} (the shared SFW photos) is not here")
    with Image.open(path) as opened:
        frame = np.asarray(opened.convert("RGB"))
    assert not textness(frame).likely
    assert analyze(ANALYZER, image_part(frame)) == Analysis()


def test_without_the_gate_every_frame_is_read() -> None:
    frame, _ = meme("ESPÈCE DE CONNARD")
    assert READER.read(frame) == ANALYZER.read(frame)
    assert analyze(READER, image_part(np.asarray(backdrop(3)))).texts == ()


@pytest.mark.parametrize("shape", [(1, 1), (3, 900), (900, 3), (31, 31), (1024, 1024)])
def test_frames_of_any_size_are_read_without_error(shape: tuple[int, int]) -> None:
    frame = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    assert READER.read(frame) == []


def test_animation_frames_are_read_with_their_time_and_frames_without_text_skipped() -> None:
    first, _ = meme("QUAND TU ES UN IMBÉCILE", seed=5)
    second, _ = meme("ESPÈCE DE CONNARD", seed=6)
    part = image_part(first, np.asarray(backdrop(7)), second, frame_ms=(0, 400, 800))
    found = analyze(ANALYZER, part).texts
    assert [f.boxes[0].frame_ms for f in found] == [0, 800]
    assert alike(found[0].lines[0], "QUAND TU ES UN IMBÉCILE")
    assert alike(found[1].lines[0], "ESPÈCE DE CONNARD")

    few = OcrAnalyzer(max_frames=1)
    [only] = analyze(few, part).texts
    assert only.boxes[0].frame_ms == 0


def test_lines_under_the_confidence_floor_are_dropped() -> None:
    frame, _ = meme("ESPÈCE DE CONNARD")
    assert ANALYZER.read(frame)
    assert OcrAnalyzer(min_confidence=1.01).read(frame) == []


def test_parts_it_cannot_read_give_nothing() -> None:
    assert analyze(ANALYZER, MediaPart("image", "sha256:" + "1" * 64)) == Analysis()
    assert analyze(ANALYZER, TextPart("espèce de connard")) == Analysis()
    video = MediaPart("video", "sha256:" + "2" * 64, picture=image_part(meme("CONNARD")[0]).picture)
    assert analyze(ANALYZER, video) == Analysis()


@pytest.mark.parametrize(
    "frame",
    [np.zeros((8, 8), np.uint8), np.zeros((8, 8, 4), np.uint8), np.zeros((8, 8, 3), np.float32)],
    ids=["gray", "rgba", "float"],
)
def test_what_is_not_an_rgb_frame_is_refused(frame: np.ndarray) -> None:
    with pytest.raises(ValueError, match="RGB frame"):
        ANALYZER.read(frame)


def test_only_the_models_inside_the_rapidocr_package_are_configured() -> None:
    params = engine_params(1, 960)
    models = model_dir()
    paths = [Path(params[f"{stage}.model_path"]) for stage in MODELS]
    assert all(p.parent == models and p.is_file() for p in paths)
    assert params["EngineConfig.onnxruntime.intra_op_num_threads"] == 1
    assert params["Global.log_level"] == "error"


@pytest.mark.parametrize(
    ("top", "bottom", "term"),
    [
        ("QUAND TU PARLES", "ESPÈCE DE CONNARD", "connard"),
        ("SHUT UP", "YOU STUPID MORON", "moron"),
        ("¿QUÉ DICES?", "ERES UN PENDEJO", "pendejo"),
    ],
)
def test_a_meme_with_an_insult_is_flagged_with_the_region_it_is_in(
    top: str, bottom: str, term: str
) -> None:
    frame, boxes = meme(top, bottom, seed=8)
    content = Content((TextPart("regardez ça"), image_part(frame)))
    verdict = moderate(content, policies.default(), [ANALYZER, LexiconAnalyzer()])
    assert verdict.flagged, term
    found = [e for e in verdict.evidence if isinstance(e.evidence, ImageBox)]
    assert found and {e.analyzer for e in found} == {"lexicon"}
    assert {e.category for e in found} <= {"toxicity/insult", "toxicity/profanity", "hate"}
    for attributed in found:
        box = attributed.evidence
        assert isinstance(box, ImageBox)
        assert box.part == 1 and box.label == "text"
        assert covers(box, boxes[1]), (box, boxes)
    assert {a.name for a in verdict.analyzers} >= {"image-ocr", "lexicon"}


class TestConformance(AnalyzerConformance):
    analyzer = ANALYZER
    samples = (
        image_part(meme("ESPÈCE DE CONNARD")[0]),
        image_part(np.asarray(backdrop(3))),
        MediaPart("image", "sha256:" + "3" * 64),
        TextPart("not an image"),
    )


NO_NETWORK = r"""
import json, socket, sys

def refuse(event, args):
    if event.startswith("socket.") or event in {"urllib.Request", "http.client.connect"}:
        raise RuntimeError(f"network use refused: {event}")

sys.addaudithook(refuse)

import numpy as np
from tamis.analyzers.image.nudity import NudityAnalyzer
from tamis.analyzers.image.ocr import OcrAnalyzer

frame, screenshot = np.load(sys.argv[1]), np.load(sys.argv[2])
reader = OcrAnalyzer()
lines = [line.text for line in reader.read(frame)]
arabic = [line.text for line in reader.read_arabic(screenshot)]
detections = NudityAnalyzer().detect(frame)
try:
    socket.create_connection(("192.0.2.1", 9), timeout=1)
    refused = False
except RuntimeError:
    refused = True
print(json.dumps({"lines": lines, "arabic": arabic, "detections": len(detections),
                  "refused": refused}))
"""


FILES = ("frame.npy", "screenshot.npy")


def test_models_load_and_run_without_any_network(tmp_path: Path) -> None:
    """In a fresh interpreter where every socket operation raises, rapidocr's, tesseract's
    Arabic and NudeNet's models load and run; the last line proves the refusal is real."""
    frame, _ = meme("ESPÈCE DE CONNARD")
    np.save(tmp_path / "frame.npy", frame)
    np.save(tmp_path / "screenshot.npy", caption(["شكرا على المساعدة"])[0])
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK, *(str(tmp_path / f) for f in FILES)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["refused"] is True
    assert any(alike(line, "ESPÈCE DE CONNARD") for line in result["lines"]), result
    assert result["arabic"] == ["شكرا على المساعدة"], result
    assert result["detections"] >= 0
    assert not list(tmp_path.glob("cache/**/*.onnx"))


_corner = st.tuples(st.floats(-50, 700), st.floats(-50, 500))


@given(st.lists(_corner, min_size=4, max_size=4))
@settings(max_examples=200, deadline=None)
def test_any_quadrilateral_the_detector_could_give_crops_to_a_non_empty_image(
    corners: list[tuple[float, float]],
) -> None:
    image = np.arange(480 * 640 * 3, dtype=np.uint8).reshape(480, 640, 3)
    crop = upright_crop(image, np.array(corners, dtype=np.float64))
    assert crop.dtype == np.uint8 and crop.ndim == 3 and crop.shape[0] >= 1 and crop.shape[1] >= 1
