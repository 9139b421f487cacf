"""A corpus of hostile and odd image files, built in code (nothing binary is committed).

Each case says whether tamis must decode it (odd but valid images: CMYK, 16-bit, palette with
transparency, polyglots whose image part is sound...) or refuse it, and with which HTTP
status. Polyglots also name the bytes of their other personality, which must never survive
into the re-encoded copy tamis stores.

    from tests.hostile_media import cases, corpus, valid
    corpus()["endless_gif"]          # the bytes
    cases()["endless_gif"].status    # 413

Everything drawn here is shapes, gradients and noise: safe for work by construction.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Case:
    data: bytes = field(repr=False)
    status: int | None
    """None: tamis must decode it; otherwise the 4xx status it must answer."""
    why: str
    declared_type: str | None = None
    """What a client might claim the file is (often a lie)."""
    payload: bytes | None = None
    """A polyglot's other content: must not appear in what tamis stores."""

    @property
    def valid(self) -> bool:
        return self.status is None


def corpus() -> dict[str, bytes]:
    return {name: case.data for name, case in cases().items()}


def valid() -> frozenset[str]:
    """Names of the cases tamis must decode (the rest it must refuse)."""
    return frozenset(name for name, case in cases().items() if case.valid)


def seeds() -> dict[str, bytes]:
    """Small files for a fuzzer to start from: every case under 64 KiB."""
    return {name: case.data for name, case in cases().items() if len(case.data) < 65536}


# --- drawing --------------------------------------------------------------------------------


def photo(size: tuple[int, int] = (320, 240), seed: int = 0) -> Image.Image:
    """A photo-like RGB picture: a smooth gradient, shapes and a little sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack(
        [
            120 + 100 * np.sin(x / (w / 3.0) + seed),
            120 + 100 * np.cos(y / (h / 2.5) - seed),
            120 + 80 * np.sin((x + y) / (w / 2.0)),
        ],
        axis=-1,
    )
    base += rng.normal(0, 6, base.shape)
    im = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(im)
    r = random.Random(seed)
    for _ in range(6):
        x0, y0 = r.randrange(w), r.randrange(h)
        box = (x0, y0, x0 + r.randrange(8, w // 2 + 9), y0 + r.randrange(8, h // 2 + 9))
        colour = (r.randrange(256), r.randrange(256), r.randrange(256))
        (draw.ellipse if r.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return im


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


# --- hand-made containers -------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_file(
    width: int,
    height: int,
    idat: bytes,
    *,
    depth: int = 8,
    colour: int = 2,
    before: bytes = b"",
    after: bytes = b"",
    ihdr_crc: int | None = None,
    idat_crc: int | None = None,
) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", ihdr, ihdr_crc)
        + before
        + png_chunk(b"IDAT", idat, idat_crc)
        + png_chunk(b"IEND", b"")
        + after
    )


def zero_png(width: int, height: int, colour: int = 6) -> bytes:
    """A PNG of blank pixels compressed row by row: megabytes of pixels in a small file."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    row = b"\0" * (1 + width * channels)
    packer = zlib.compressobj(9)
    parts = [packer.compress(row) for _ in range(height)]
    parts.append(packer.flush())
    return png_file(width, height, b"".join(parts), colour=colour)


GIF_PIXEL = b"\x02\x02\x44\x01\x00"
"""LZW data of one pixel of colour 0 (minimum code size 2)."""


def gif_file(
    width: int,
    height: int,
    frames: list[bytes],
    *,
    loop: bool = True,
    trailer: bytes = b";",
) -> bytes:
    """A GIF89a with a 4-colour global table and the given frame blocks."""
    screen = struct.pack("<HHBBB", width, height, 0x81, 0, 0)
    table = bytes([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255])
    netscape = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00" if loop else b""
    return b"GIF89a" + screen + table + netscape + b"".join(frames) + trailer


def gif_frame(
    *,
    x: int = 0,
    y: int = 0,
    w: int = 1,
    h: int = 1,
    delay_cs: int = 0,
    lzw: bytes = GIF_PIXEL,
) -> bytes:
    control = b"!\xf9\x04" + struct.pack("<BHBB", 0x04, delay_cs, 0, 0)
    return control + b"," + struct.pack("<HHHHB", x, y, w, h, 0) + lzw


def _patched_jpeg_size(jpeg: bytes, width: int, height: int) -> bytes:
    at = jpeg.index(b"\xff\xc0") + 5
    return jpeg[:at] + struct.pack(">HH", height, width) + jpeg[at + 4 :]


def _patched_webp_size(webp: bytes, width: int, height: int) -> bytes:
    """Rewrite the dimensions in a WebP's first chunk (VP8, VP8L or VP8X)."""
    data = bytearray(webp)
    kind = bytes(data[12:16])
    if kind == b"VP8 ":
        struct.pack_into("<HH", data, 26, width & 0x3FFF, height & 0x3FFF)
    elif kind == b"VP8L":
        (bits,) = struct.unpack_from("<I", data, 21)
        bits = (bits & ~0x0FFFFFFF) | ((width - 1) & 0x3FFF) | (((height - 1) & 0x3FFF) << 14)
        struct.pack_into("<I", data, 21, bits)
    else:
        data[24:27] = (width - 1).to_bytes(3, "little")
        data[27:30] = (height - 1).to_bytes(3, "little")
    return bytes(data)


def _exif(orientation: int = 1, *, gps: bool = False) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TamisCam"
    if gps:
        ifd = exif.get_ifd(0x8825)
        ifd.update({1: "N", 2: (48.0, 51.0, 29.5), 3: "E", 4: (2.0, 17.0, 40.0)})
    return exif.tobytes()


def _looping_exif() -> bytes:
    """EXIF whose IFD0 points back at itself from its Exif, GPS and next-IFD links, with an
    entry claiming four billion values."""
    entries = [
        (0x0112, 3, 1, 1 << 16),  # Orientation = 1 (SHORT, left-justified)
        (0x8769, 4, 1, 8),  # Exif IFD -> IFD0
        (0x8825, 4, 1, 8),  # GPS IFD -> IFD0
        (0x010E, 2, 0xFFFFFFFF, 8),  # ImageDescription: 4 G characters at IFD0
    ]
    ifd = struct.pack(">H", len(entries))
    ifd += b"".join(struct.pack(">HHII", *entry) for entry in entries)
    ifd += struct.pack(">I", 8)  # next IFD -> IFD0
    return b"Exif\0\0" + b"MM\0*" + struct.pack(">I", 8) + ifd


def _laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        entities.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    return (
        '<?xml version="1.0"?><!DOCTYPE svg [' + "".join(entities) + "]>"
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>'
    ).encode()


def _insert_app(jpeg: bytes, marker: int, body: bytes) -> bytes:
    segment = bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    return jpeg[:2] + segment + jpeg[2:]


# --- the corpus -----------------------------------------------------------------------------


@functools.cache
def cases() -> dict[str, Case]:
    pic = photo()
    jpeg = encode(pic, "JPEG", quality=88)
    png = encode(pic, "PNG")
    rng = random.Random(5)
    out: dict[str, Case] = {}

    def ok(name: str, data: bytes, why: str, **kw: object) -> None:
        out[name] = Case(data, None, why, **kw)  # type: ignore[arg-type]

    def no(name: str, data: bytes, status: int, why: str, **kw: object) -> None:
        out[name] = Case(data, status, why, **kw)  # type: ignore[arg-type]

    # Not images at all, whatever they claim to be.
    no("empty", b"", 422, "zero bytes", declared_type="image/jpeg")
    no("one_byte", b"\xff", 415, "a single byte")
    no("random_bytes", b"\x00" + rng.randbytes(4095), 415, "noise")
    no("plain_text", b"hello, this is not a picture\n", 415, "text", declared_type="image/png")
    no(
        "pdf_as_png",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        415,
        "a PDF labelled image/png",
        declared_type="image/png",
    )
    no(
        "svg_as_png",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><script>alert(document.cookie)</script></svg>',
        415,
        "an SVG with a script, labelled image/png",
        declared_type="image/png",
    )
    no("svg_laughs", _laughs(), 415, "an SVG billion-laughs bomb", declared_type="image/svg+xml")
    no(
        "html_page",
        b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        415,
        "an HTML page labelled image/gif",
        declared_type="image/gif",
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("tamis-polyglot-payload.txt", "not an image")
    zip_bytes = archive.getvalue()
    no("zip_archive", zip_bytes, 415, "a ZIP archive", declared_type="image/jpeg")
    no("bmp", encode(pic, "BMP"), 415, "a BMP, a format tamis does not read")
    no("tiff", encode(pic, "TIFF"), 415, "a TIFF")
    no("heic_header", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + rng.randbytes(64), 415, "HEIC")
    no("mp4_header", b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2mp41" + rng.randbytes(64), 415, "MP4")

    # Right magic, nothing behind it.
    no("jpeg_magic_only", b"\xff\xd8\xff", 422, "a JPEG signature and nothing else")
    no("png_signature_only", PNG_SIGNATURE, 422, "a PNG signature and nothing else")
    no("gif_header_only", b"GIF89a", 422, "a GIF signature and nothing else")
    no("webp_header_only", b"RIFF\x04\0\0\0WEBP", 422, "a RIFF/WEBP header and nothing else")
    no("jpeg_magic_random", b"\xff\xd8\xff\xe0" + rng.randbytes(2000), 422, "noise after SOI")
    no("png_then_html", PNG_SIGNATURE + b"<html><script>alert(1)</script></html>", 422, "no IHDR")

    # Truncated and corrupt.
    no("truncated_jpeg", jpeg[: len(jpeg) // 2], 422, "half a JPEG")
    no("truncated_png", png[: len(png) // 2], 422, "half a PNG")
    animated = [
        photo((64, 48), seed=i).convert("P", palette=Image.Palette.ADAPTIVE) for i in range(6)
    ]
    gif = encode(animated[0], "GIF", save_all=True, append_images=animated[1:], duration=80, loop=0)
    no("truncated_gif", gif[: len(gif) // 2], 422, "half an animated GIF")
    no("truncated_webp", encode(pic, "WEBP")[:300], 422, "the start of a WebP")
    raw = b"".join(b"\0" + bytes(range(48)) for _ in range(16))
    no(
        "png_bad_ihdr_crc",
        png_file(16, 16, zlib.compress(raw), ihdr_crc=0xDEADBEEF),
        422,
        "IHDR with a wrong CRC",
    )
    no(
        "png_bad_text_crc",
        png_file(16, 16, zlib.compress(raw), before=png_chunk(b"tEXt", b"k\0v", crc=5)),
        422,
        "an ancillary chunk with a wrong CRC (Pillow refuses the file)",
    )
    no(
        "png_garbage_idat",
        png_file(16, 16, b"\x78\x9c" + rng.randbytes(200)),
        422,
        "IDAT that is not a zlib stream",
    )
    no(
        "png_ztxt_bomb",
        png_file(
            16,
            16,
            zlib.compress(raw),
            before=png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"A" * 50_000_000, 9)),
        ),
        422,
        "a compressed text chunk inflating to 50 MB",
    )

    # Decompression bombs and absurd sizes.
    no("jpeg_65500", _patched_jpeg_size(jpeg, 65500, 65500), 413, "a JPEG claiming 65500×65500")
    no("png_100000_square", png_file(100_000, 100_000, zlib.compress(raw)), 413, "IHDR 100000²")
    no("png_bomb_56mp", zero_png(7_500, 7_500, colour=2), 413, "56 MP of zeros in ~160 KB")
    no("gif_screen_65535", gif_file(65535, 65535, [gif_frame()]), 413, "a 65535² GIF screen")
    no(
        "gif_frame_grows_canvas",
        gif_file(10, 10, [gif_frame(), gif_frame(w=16_000, h=16_000)]),
        413,
        "a 10×10 GIF whose second frame claims 16000×16000",
    )
    webp_lossless = encode(pic, "WEBP", lossless=True)
    no("webp_vp8l_16384", _patched_webp_size(webp_lossless, 16384, 16384), 413, "VP8L 16384²")
    no("webp_vp8_16383", _patched_webp_size(encode(pic, "WEBP"), 16383, 16383), 413, "VP8 16383²")
    frames = [photo((32, 24), seed=i) for i in range(3)]
    webp_anim = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=70)
    no("webp_vp8x_100000", _patched_webp_size(webp_anim, 100_000, 100_000), 413, "VP8X 100000²")
    strip = Image.new("RGB", (100_000, 1), (200, 30, 30))
    no("strip_100000x1", encode(strip, "PNG"), 413, "100,000×1")
    no(
        "strip_1x100000",
        encode(strip.transpose(Image.Transpose.ROTATE_90), "PNG"),
        413,
        "1×100,000",
    )
    no("thin_8000x40", encode(Image.new("L", (8000, 40), 90), "PNG"), 422, "aspect 200:1")
    no(
        "endless_gif",
        gif_file(1, 1, [gif_frame(delay_cs=0)] * 5000),
        413,
        "5,000 frames of zero delay, looping forever",
    )
    no(
        "gif_animation_budget",
        gif_file(2000, 2000, [gif_frame(delay_cs=2)] * 60),
        413,
        "60 frames on a 2000×2000 canvas: 240 MP to draw",
    )
    no(
        "gif_js_header_polyglot",
        b"GIF89a/*\x01\x00\x80\x00\x00" + bytes(6) + b",\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0"
        b";*/=1;alert(document.domain);",
        422,
        "the classic GIF/JavaScript polyglot: its width is '/*', 10799 by 1",
        declared_type="image/gif",
    )

    # Odd but valid: tamis decodes these.
    ok("jpeg_photo", jpeg, "an ordinary JPEG")
    ok("png_photo", png, "an ordinary PNG")
    ok("jpeg_progressive", encode(pic, "JPEG", progressive=True, quality=80), "progressive")
    ok("jpeg_grey", encode(pic.convert("L"), "JPEG"), "greyscale JPEG")
    cmyk = Image.merge("CMYK", [*pic.split(), Image.new("L", pic.size, 30)])
    ok("jpeg_cmyk", encode(cmyk, "JPEG"), "CMYK JPEG (print workflows)")
    ok("jpeg_exif_rotated", encode(pic, "JPEG", exif=_exif(6)), "EXIF orientation 6")
    ok(
        "jpeg_gps_exif",
        encode(pic, "JPEG", exif=_exif(1, gps=True)),
        "EXIF with GPS coordinates",
        payload=b"TamisCam",
    )
    xmp = b"http://ns.adobe.com/xap/1.0/\0" + _laughs()
    ok(
        "jpeg_odd_metadata",
        _insert_app(encode(pic, "JPEG", exif=_looping_exif()), 0xE1, xmp),
        "EXIF IFDs looping onto themselves, a 4 G-long tag, XMP with an entity bomb",
        payload=b"lol9",
    )
    corrupt = bytearray(jpeg)
    scan = jpeg.index(b"\xff\xda") + 200
    for _ in range(12):
        corrupt[rng.randrange(scan, len(jpeg) - 10)] = rng.randrange(256)
    ok("jpeg_corrupt_scan", bytes(corrupt), "flipped bytes in the scan: libjpeg draws on")
    ok(
        "jpeg_zip_polyglot",
        jpeg + zip_bytes,
        "a JPEG with a ZIP archive appended",
        declared_type="application/zip",
        payload=b"tamis-polyglot-payload",
    )
    grey16 = np.linspace(0, 65535, 64 * 48, dtype=np.uint16).reshape(48, 64)
    ok("png_16bit_grey", encode(Image.fromarray(grey16), "PNG"), "16-bit greyscale")
    rgb16 = np.zeros((24, 32, 3), dtype=">u2")
    rgb16[..., 0] = np.linspace(0, 65535, 32, dtype=np.uint16)
    rgb16[..., 2] = 40000
    rows16 = b"".join(b"\0" + row.tobytes() for row in rgb16)
    ok("png_16bit_rgb", png_file(32, 24, zlib.compress(rows16), depth=16), "16-bit RGB")
    palette = pic.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    ok("png_palette_trns", encode(palette, "PNG", transparency=0), "palette + tRNS")
    ok("png_grey_alpha", encode(pic.convert("LA"), "PNG"), "grey with alpha")
    ok("png_1bit", encode(pic.convert("1"), "PNG"), "1-bit")
    ok("png_interlaced", _adam7(pic), "Adam7 interlaced")
    ok("png_bad_idat_crc", png_file(16, 16, zlib.compress(raw), idat_crc=1), "wrong IDAT CRC")
    texts = b"".join(png_chunk(b"tEXt", b"k%d\0v" % i) for i in range(20_000))
    ok("png_many_text_chunks", png_file(16, 16, zlib.compress(raw), before=texts), "20k tEXt")
    html = b"<html><script>alert('tamis-polyglot')</script></html>"
    ok(
        "png_html_polyglot",
        png_file(16, 16, zlib.compress(raw), before=png_chunk(b"tEXt", b"Comment\0" + html)) + html,
        "HTML in a text chunk and after IEND",
        declared_type="text/html",
        payload=b"tamis-polyglot",
    )
    ok("png_in_limits_bomb", zero_png(7_000, 7_000), "49 MP RGBA of zeros: decodes, 196 MB")
    ok("png_1x1", encode(Image.new("RGB", (1, 1), (1, 2, 3)), "PNG"), "one pixel")
    ok("gif_1x1", gif_file(1, 1, [gif_frame()], loop=False), "one pixel")
    ok("gif_animated", gif, "six frames")
    transparent = palette.copy()
    ok(
        "gif_still_transparent",
        encode(transparent, "GIF", transparency=0),
        "palette + transparency",
    )
    ok(
        "gif_js_trailer_polyglot",
        gif + b"\n/*tamis*/alert('gif-polyglot');",
        "script after the GIF trailer",
        payload=b"gif-polyglot",
    )
    ok("gif_zero_screen", gif_file(0, 0, [gif_frame(w=1, h=1)]), "0×0 screen, a 1×1 frame")
    ok("gif_no_trailer", gif_file(4, 4, [gif_frame()] * 3, trailer=b""), "missing trailer")
    ok("webp_lossy", encode(pic, "WEBP", quality=80), "lossy WebP")
    ok("webp_lossless", webp_lossless, "lossless WebP")
    ok("webp_alpha", encode(pic.convert("RGBA"), "WEBP", quality=80), "lossy WebP with alpha")
    ok("webp_animated", webp_anim, "animated WebP")
    apng = [photo((40, 30), seed=i).convert("RGBA") for i in range(4)]
    ok(
        "apng",
        encode(apng[0], "PNG", save_all=True, append_images=apng[1:], duration=[60, 70, 80, 90]),
        "animated PNG",
    )
    return out


def _adam7(im: Image.Image) -> bytes:
    """An interlaced PNG (Pillow writes none), from its own filtered rows per Adam7 pass."""
    arr = np.asarray(im.convert("RGB"))
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2))
    passes += ((0, 1, 1, 2),)
    rows = []
    for x0, y0, dx, dy in passes:
        sub = arr[y0::dy, x0::dx]
        if sub.size:
            rows.extend(b"\0" + row.tobytes() for row in sub)
    h, w = arr.shape[:2]
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + png_chunk(b"IEND", b"")
    )
