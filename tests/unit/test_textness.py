"""The text test that decides whether a frame is worth the recognizer.

Text is drawn here (DejaVu fonts, or Pillow's own when they are missing) over drawn
"photos": smooth gradients, blurred blobs and grain, so nothing depends on outside files
except the last tests, which use the shared SFW photos when they are present.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from tamis.analyzers.image.textness import Textness, textness
from tests.drawn import REGULAR, backdrop, bricks, font_of, write

IMAGES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "images"


def overlaps(row: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> bool:
    rx, ry, rw, rh = row
    bx, by, bw, bh = box
    return rx < bx + bw and bx < rx + rw and ry < by + bh and by < ry + rh


@pytest.mark.parametrize("size", [28, 40, 56, 72])
@pytest.mark.parametrize("seed", [1, 2])
def test_an_outlined_meme_caption_passes_and_the_rows_are_where_it_was_drawn(
    size: int, seed: int
) -> None:
    image = backdrop(seed)
    box = write(image, "QUAND TU ES UN IMBÉCILE", size, 12)
    found = textness(np.asarray(image))
    assert found.likely
    assert any(overlaps(row, box) for row in found.rows)
    assert all(not overlaps(row, (0, 200, 640, 80)) for row in found.rows)


@pytest.mark.parametrize(
    ("text", "fill", "band"),
    [
        ("espèce de connard, va", (0, 0, 0), (255, 255, 255)),
        ("you are such a stupid moron", (255, 255, 255), (0, 0, 0)),
        ("¿qué pasa, pendejo? ¡mañana!", (30, 40, 90), (240, 230, 200)),
    ],
)
@pytest.mark.parametrize("size", [20, 32])
def test_captions_on_plain_bands_pass(
    text: str, fill: tuple[int, int, int], band: tuple[int, int, int], size: int
) -> None:
    image = backdrop(3)
    ImageDraw.Draw(image).rectangle((0, 380, 640, 480), fill=band)
    box = write(image, text, size, 400, fill=fill, outline=None, name=REGULAR)
    found = textness(np.asarray(image))
    assert found.likely
    assert any(overlaps(row, box) for row in found.rows)


def test_a_screenshot_of_several_lines_passes() -> None:
    image = Image.new("RGB", (480, 640), "white")
    for i, line in enumerate(["Bonjour à tous,", "voici le compte rendu", "de la réunion d'hier."]):
        ImageDraw.Draw(image).text(
            (16, 20 + 40 * i), line, font=font_of(22, REGULAR), fill=(20, 20, 20)
        )
    assert textness(np.asarray(image)).likely


@pytest.mark.parametrize("size", [(473, 1024), (1024, 768)], ids=["phone", "desktop"])
def test_screenshots_of_16_px_text_pass(size: tuple[int, int]) -> None:
    image = Image.new("RGB", size, (250, 250, 250))
    face = font_of(16, REGULAR)
    for y in range(12, 300, 26):
        ImageDraw.Draw(image).text((8, y), "t'es vraiment trop con, personne", font=face, fill=0)
    assert textness(np.asarray(image)).likely


def test_a_large_frame_gets_rows_in_its_own_pixels() -> None:
    image = backdrop(4, (1024, 768))
    box = write(image, "SHUT UP YOU MORON", 90, 640)
    found = textness(np.asarray(image))
    assert found.likely
    assert any(overlaps(row, box) for row in found.rows)
    assert all(x >= 0 and x + w <= 1024 and y >= 0 and y + h <= 768 for x, y, w, h in found.rows)


@pytest.mark.parametrize("seed", range(6))
def test_drawn_photos_without_text_decline(seed: int) -> None:
    assert textness(np.asarray(backdrop(seed))) == Textness(False)


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((480, 640, 3), np.uint8),
        np.full((480, 640, 3), 255, np.uint8),
        np.zeros((1, 1, 3), np.uint8),
        np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8),
    ],
    ids=["black", "white", "one-pixel", "noise"],
)
def test_frames_without_text_decline(frame: np.ndarray) -> None:
    assert not textness(frame).likely


@pytest.mark.parametrize(
    "frame",
    [np.zeros((10, 10), np.uint8), np.zeros((10, 10, 4), np.uint8), np.zeros((0, 5, 3), np.uint8)],
    ids=["gray", "rgba", "empty"],
)
def test_what_is_not_an_rgb_frame_is_refused(frame: np.ndarray) -> None:
    with pytest.raises(ValueError, match="RGB frame"):
        textness(frame)
    with pytest.raises(ValueError, match="RGB frame"):
        textness(frame.astype(np.float32))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 90),
    st.integers(1, 90),
    st.integers(0, 2**32 - 1),
)
def test_any_frame_gives_an_answer_with_rows_inside_it(h: int, w: int, seed: int) -> None:
    frame = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    frame[h // 3 : h // 2] = 255
    found = textness(frame)
    assert found.likely == bool(found.rows)
    assert all(x >= 0 and x + rw <= w and y >= 0 and y + rh <= h for x, y, rw, rh in found.rows)


@pytest.mark.parametrize("ink", [(220, 0, 0), (230, 210, 0), (0, 190, 240)], ids=str)
@pytest.mark.parametrize("seed", [1, 2])
def test_colour_text_as_bright_as_its_busy_ground_passes_by_its_colour(
    ink: tuple[int, int, int], seed: int
) -> None:
    image = bricks(ink, seed)
    box = write(image, "espèce de connard", 36, 200, fill=ink, outline=None)
    found = textness(np.asarray(image))
    assert found.likely
    assert any(overlaps(row, box) for row in found.rows)


@pytest.mark.parametrize("seed", range(4))
def test_a_colourful_busy_picture_without_text_declines(seed: int) -> None:
    rng = np.random.default_rng(seed)
    patches = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    frame = np.asarray(Image.fromarray(patches).resize((640, 480), Image.Resampling.BICUBIC))
    assert not textness(frame).likely


PHOTOS = ("kodak/kodim02.jpg", "kodak/kodim12.jpg", "kodak/kodim23.jpg", "skimage/coffee.jpg")


def shared_photo(name: str) -> Image.Image:
    """A photo of ../shared/data/images as the decoder gives it (at most 1024 px)."""
    path = IMAGES / name
    if not path.exists():
        pytest.skip(f"{path} (the shared SFW photos) is not here")
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    image.thumbnail((1024, 1024))
    return image


@pytest.mark.parametrize("name", PHOTOS)
def test_real_photos_without_text_decline_and_with_a_caption_pass(name: str) -> None:
    image = shared_photo(name)
    assert not textness(np.asarray(image)).likely
    box = write(image, "ESPÈCE DE CONNARD", image.height // 9, image.height - image.height // 6)
    found = textness(np.asarray(image))
    assert found.likely
    assert any(overlaps(row, box) for row in found.rows)


@pytest.mark.parametrize("ink", [(255, 255, 255), (0, 0, 0)], ids=["white", "black"])
@pytest.mark.parametrize(
    "name", ["kodak/kodim05.jpg", "kodak/kodim08.jpg", "kodak/kodim23.jpg", "skimage/coffee.jpg"]
)
def test_white_or_black_text_without_an_outline_over_a_real_photo_passes(
    name: str, ink: tuple[int, int, int]
) -> None:
    image = shared_photo(name)
    box = write(
        image,
        "espèce de connard, va",
        image.height // 14,
        image.height // 2,
        fill=ink,
        outline=None,
    )
    found = textness(np.asarray(image))
    assert found.likely
    assert any(overlaps(row, box) for row in found.rows)
