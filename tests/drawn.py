"""Images the tests draw themselves: safe for work by construction, distinct by seed."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
BOLD = "DejaVuSansCondensed-Bold.ttf"
REGULAR = "DejaVuSans.ttf"
Box = tuple[int, int, int, int]


def picture(seed: int = 0, size: tuple[int, int] = (160, 120), fmt: str = "JPEG") -> bytes:
    """Coloured shapes on a gradient; a different picture for every seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    w, h = size
    for _ in range(8):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        box = (x0, y0, x0 + rng.randrange(10, w // 2 + 11), y0 + rng.randrange(10, h // 2 + 11))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return encode(image, fmt)


def meme(text: str, size: tuple[int, int] = (640, 480), seed: int = 0) -> bytes:
    """A caption in large outlined capitals over a drawn picture, as memes are made."""
    base = Image.open(io.BytesIO(picture(seed, size, "PNG"))).convert("RGB")
    draw = ImageDraw.Draw(base)
    lines = text.upper().split("\n")
    font = font_of(size[1] // 9)
    longest = max(lines, key=lambda line: draw.textlength(line, font=font))
    while draw.textlength(longest, font=font) > 0.92 * size[0] and font.size > 10:
        font = font_of(int(font.size * 0.9))
    y = size[1] // 12
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(
            ((size[0] - width) / 2, y),
            line,
            font=font,
            fill="white",
            stroke_width=max(2, size[1] // 120),
            stroke_fill="black",
        )
        y += int(size[1] / 7)
    return encode(base, "JPEG")


def backdrop(seed: int | random.Random, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture without text: a tinted gradient, soft blobs, grain."""
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grey = rng.uniform(40, 200) + rng.uniform(-60, 60) * xx / w + rng.uniform(-60, 60) * yy / h
    tint = np.array([rng.uniform(0.6, 1.2) for _ in range(3)], dtype=np.float32)
    image = Image.fromarray(np.clip(grey[..., None] * tint, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(20, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(6))
    grain = np.random.default_rng(rng.randrange(2**32)).normal(0, 6, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(image) + grain, 0, 255).astype(np.uint8))


def bricks(ink: tuple[int, int, int], seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A colourless busy picture as bright on average as `ink`: bricks of random greys, light
    mortar and grain, so that brightness alone cannot tell letters in that ink from it."""
    rng = np.random.default_rng(seed)
    w, h = size
    level = 0.299 * ink[0] + 0.587 * ink[1] + 0.114 * ink[2]
    grey = rng.normal(level, 25, (h // 30 + 1, w // 80 + 1)).repeat(30, 0).repeat(80, 1)[:h, :w]
    grey[::30, :] = level + 50
    grey += rng.normal(0, 8, grey.shape)
    return Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8)).convert("RGB")


def write(
    image: Image.Image,
    text: str,
    size: int,
    y: int,
    *,
    x: int | None = None,
    fill: str | tuple[int, int, int] = "white",
    outline: str | None = "black",
    name: str = BOLD,
    fit: bool = False,
) -> Box:
    """Draw `text` with its top at `y` (from the bottom when negative), centred unless `x` is
    given, outlined unless `outline` is None, shrunk to the width when `fit`; its box."""
    draw = ImageDraw.Draw(image)
    stroke = max(2, size // 14) if outline else 0
    while True:
        face = font_of(size, name)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=face, stroke_width=stroke)
        if not fit or right - left <= image.width - 20 or size <= 8:
            break
        size -= 2
    x = (image.width - (right - left)) // 2 if x is None else x
    y = y if y >= 0 else image.height - (bottom - top) + y
    draw.text(
        (x - left, y - top), text, font=face, fill=fill, stroke_width=stroke, stroke_fill=outline
    )
    return (x, y, right - left, bottom - top)


def font_of(size: int, name: str = "DejaVuSans-Bold.ttf") -> ImageFont.FreeTypeFont:
    path = FONTS / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    font = ImageFont.load_default(size)
    assert isinstance(font, ImageFont.FreeTypeFont), "Pillow without FreeType draws no text"
    return font


def encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()
