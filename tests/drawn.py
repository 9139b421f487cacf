"""Images the tests draw themselves: safe for work by construction, distinct by seed."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")


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
    font = font_of(size[1] // 9)
    lines = text.upper().split("\n")
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


def font_of(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONTS / "DejaVuSans-Bold.ttf"
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)


def encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()
