"""Arabic text in images: lines typed on plain grounds, outlined captions over a picture, and
colour, white or black text without an outline over a picture are found and read with boxes
where they were drawn; white text that touches the white of a picture is not; Latin text
gives no Arabic;
and an Arabic insult in a screenshot is flagged with its region as evidence.

Lines are drawn in DejaVu Sans with Pillow's own shaping (raqm), and compared on their Arabic
letters: at least 80 % alike, in order, as `bench/ocr.py --arabic` counts a line read.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, features

from tamis.analyzers.image import arabic
from tamis.analyzers.image.ocr import Line, OcrAnalyzer
from tamis.analyzers.text.lexicon import LexiconAnalyzer
from tamis.core import policy as policies
from tamis.core.content import Content, Frame, TextPart
from tamis.core.pipeline import moderate
from tamis.core.verdict import ImageBox
from tests.drawn import FONTS, REGULAR, Box, backdrop, bricks, write
from tests.unit.test_ocr import covers, image_part
from tests.unit.test_textness import shared_photo

if not (FONTS / REGULAR).exists() or not features.check("raqm"):
    pytest.skip("DejaVu Sans and Pillow's raqm shaping draw Arabic", allow_module_level=True)

ANALYZER = OcrAnalyzer()
BOLD = "DejaVuSans-Bold.ttf"


def letters(text: str) -> str:
    return "".join(c for c in text if "\u0621" <= c <= "\u064a")


def alike(read: str, drawn: str) -> bool:
    return difflib.SequenceMatcher(None, letters(read), letters(drawn)).ratio() >= 0.8


def screenshot(
    lines: list[str], ground: str = "white", ink: str = "black", size: int = 20
) -> tuple[Frame, list[Box]]:
    image = Image.new("RGB", (640, 480), ground)
    boxes = [
        write(image, line, size, 30 + 50 * i, x=40, fill=ink, outline=None, name=REGULAR)
        for i, line in enumerate(lines)
    ]
    return np.asarray(image), boxes


def read(frame: Frame) -> list[Line]:
    return ANALYZER.read_arabic(frame)


def test_the_model_is_found_where_debian_puts_it() -> None:
    folder = arabic.tessdata()
    assert folder is not None, "install tesseract-ocr-ara (scripts/bootstrap.sh does)"
    assert ANALYZER.arabic is not None


def test_tessdata_prefix_is_looked_at_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ara.traineddata").write_bytes(b"")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert arabic.tessdata() == tmp_path


@pytest.mark.parametrize(
    ("ground", "ink"), [("white", "black"), ("#15202b", "#e6e6e6"), ("#f0e6c8", "#1e285a")]
)
def test_each_line_of_a_screenshot_is_read_with_its_box(ground: str, ink: str) -> None:
    drawn = ["يا حمار اسكت", "شكرا على المساعدة", "ما تنساوش الموعد ديال غدا"]
    frame, boxes = screenshot(drawn, ground, ink)
    lines = read(frame)
    assert len(lines) == len(drawn), lines
    for line, text, box in zip(lines, drawn, boxes, strict=True):
        assert alike(line.text, text), (line.text, text)
        assert 0.7 <= line.confidence <= 1
        found = ImageBox(0, line.x, line.y, line.width, line.height, "text")
        assert covers(found, box), (found, box)


def test_a_caption_band_over_a_photo_is_read() -> None:
    image = backdrop(4)
    ImageDraw.Draw(image).rectangle((0, 0, 640, 120), fill="white")
    write(image, "هذا المقال رائع جدا", 32, 36, fill="black", outline=None, name=REGULAR)
    assert [alike(line.text, "هذا المقال رائع جدا") for line in read(np.asarray(image))] == [True]


@pytest.mark.parametrize(("seed", "top"), [(1, 12), (2, -12), (3, 40)])
def test_an_outlined_caption_over_a_busy_picture_is_read_with_its_box(seed: int, top: int) -> None:
    image = backdrop(seed)
    assert arabic.rows(np.asarray(image)) == []
    box = write(image, "كلكم خونة ومنافقين", 40, top)
    lines = read(np.asarray(image))
    assert [alike(line.text, "كلكم خونة ومنافقين") for line in lines] == [True], lines
    found = ImageBox(0, lines[0].x, lines[0].y, lines[0].width, lines[0].height, "text")
    assert covers(found, box), (found, box)


@pytest.mark.parametrize("ink", [(255, 255, 0), (230, 0, 0), (0, 190, 240)], ids=str)
def test_colour_text_without_an_outline_over_a_duller_picture_is_read_with_its_box(
    ink: tuple[int, int, int],
) -> None:
    image = bricks(ink, seed=2)
    box = write(image, "كلكم خونة ومنافقين", 40, 200, fill=ink, outline=None)
    lines = read(np.asarray(image))
    assert [alike(line.text, "كلكم خونة ومنافقين") for line in lines] == [True], lines
    found = ImageBox(0, lines[0].x, lines[0].y, lines[0].width, lines[0].height, "text")
    assert covers(found, box), (found, box)


@pytest.mark.parametrize("ink", ["white", "black"])
@pytest.mark.parametrize("name", ["kodak/kodim02.jpg", "kodak/kodim12.jpg", "kodak/kodim23.jpg"])
def test_white_or_black_text_without_an_outline_over_a_photo_is_read_with_its_box(
    name: str, ink: str
) -> None:
    image = shared_photo(name)
    box = write(image, "كلكم خونة ومنافقين", 40, 380, fill=ink, outline=None, name=BOLD)
    lines = read(np.asarray(image))
    assert [alike(line.text, "كلكم خونة ومنافقين") for line in lines] == [True], lines
    found = ImageBox(0, lines[0].x, lines[0].y, lines[0].width, lines[0].height, "text")
    assert covers(found, box), (found, box)


def test_white_text_over_a_photo_with_white_in_it_is_not_read() -> None:
    """The gap that is left: white letters that touch the white of the picture (a cup, a
    saucer) merge with it."""
    image = shared_photo("skimage/coffee.jpg")
    write(image, "كلكم خونة ومنافقين", 40, 200, fill="white", outline=None, name=BOLD)
    assert read(np.asarray(image)) == []


def test_lines_already_read_in_another_script_are_not_read_again() -> None:
    image = backdrop(5)
    x, y, width, height = write(image, "يا حمار اسكت", 40, 12)
    frame = np.asarray(image)
    assert len(read(frame)) == 1
    latin = Line("ya hmar", 0.9, x, y, width, height)
    assert ANALYZER.read_arabic(frame, [latin]) == []


def test_latin_text_gives_no_arabic() -> None:
    frame, _ = screenshot(["You are the worst person here", "Vous êtes nul", "eres un pendejo"])
    assert read(frame) == []


def test_an_arabic_insult_in_a_screenshot_is_flagged_where_it_is() -> None:
    frame, boxes = screenshot(["مرحبا بكم في موقعنا", "يا حمار اسكت"])
    content = Content((TextPart("شوفو هادشي"), image_part(frame)))
    verdict = moderate(content, policies.default(), [ANALYZER, LexiconAnalyzer()])
    assert verdict.flagged
    found = [e.evidence for e in verdict.evidence if isinstance(e.evidence, ImageBox)]
    assert found and all(box.part == 1 and box.label == "text" for box in found)
    assert all(covers(box, boxes[1]) for box in found), (found, boxes)


def test_without_arabic_nothing_is_read_in_arabic() -> None:
    frame, _ = screenshot(["يا حمار اسكت"])
    assert OcrAnalyzer(arabic=False).read_arabic(frame) == []
