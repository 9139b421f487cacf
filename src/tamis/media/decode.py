"""Images from strangers, decoded where a hostile file can do no harm.

Every upload is attacker-controlled input to C decoders (libjpeg, zlib, libwebp, Pillow's
own GIF code). Pillow's `MAX_IMAGE_PIXELS` bounds some codecs but not every path (a GIF frame
can grow the canvas, an animation can hold a million frames), and a crash or a runaway
allocation inside the server would take its model threads down with it. So tamis decodes in
separate worker processes (see `tamis.media.sandbox`), each started fresh with `python -I`
(never forked from the server) in an environment holding none of the server's settings,
capped in address space and CPU time by the kernel and, where it has Landlock, cut off from
every file, from TCP and from other processes; fed the bytes over a pipe, and killed when it
overruns the wall-clock limit. The server never
unpickles what a worker says: replies are a length-prefixed JSON header and raw pixel bytes,
every size checked against the limits before anything is read into an array.

Before a byte reaches a worker the server judges the file cheaply itself: magic bytes decide
the format (never the declared type, which is only quoted back in messages), and the
dimensions in the header are checked against the limits, so a 65,500 × 65,500 JPEG or a
100,000 × 1 strip is refused in microseconds. Every failure, whether the parent's checks,
the worker's refusal, a timeout, a crash, or a worker that answers nonsense, becomes a
tamis 4xx error whose message says what to change.

Limits (`DecodeLimits`) and why:

- `max_pixels` 50 MP per frame: a 48 MP phone photo (8000 × 6000) passes; Pillow's
  `MAX_IMAGE_PIXELS` is set to it inside the worker too.
- `memory_bytes` 1 GiB of address space per worker. An idle worker maps about 110 MB (Python,
  numpy with one BLAS thread, Pillow, PDQ). The costliest image the limits let through is a
  49 MP WebP (libwebp's animation decoder, which Pillow uses for every WebP, keeps two RGBA
  canvases and Pillow copies a third): 935 MB of address space, 856 MB resident. A 49 MP
  RGBA PNG peaks at 490 MB resident, a 48 MP JPEG at 120 MB (decoded at 1/4 scale). An
  allocation past the limit fails inside the worker and becomes a 413, never a visit from
  the OOM killer (`tests/integration/test_decode_sandbox.py` measures the peak).
- `max_frames` 1,000 and `max_animation_pixels` 200 MP: every frame of an animation must be
  decoded (GIF frames draw over each other), at about 100 MP/s, and the stored copy encoded
  at about 25 MP/s; the worst animation within the limits takes about 2.5 s, inside
  `timeout_s`. An animation over either is refused rather than judged on a prefix: content
  past the point tamis stopped looking would go unexamined.
- `max_aspect` 50: past that, the short side shrinks to a few pixels at the analysis size.
- `stored_side` 2,048: the copy kept for moderators. JPEGs decode straight at 1/2, 1/4 or
  1/8 scale (libjpeg's DCT scaling, Pillow's draft mode) so that the stored copy's long side
  lands between half of this and this, with no resize: a 12 MP photo costs 1.5 times
  Pillow's bare full-size decode of it, everything included (bench/decode.py).

What is stored is re-encoded from the decoded pixels, metadata dropped (EXIF orientation is
applied first): photos (JPEG, lossy WebP) as JPEG quality 90, or lossy WebP when they have
transparency; lossless sources (PNG, single-frame GIF, lossless WebP) as PNG; animations
(GIF, animated WebP, APNG) as animated lossy WebP (quality 80), every frame kept, scaled so
that the stored frames hold at most `STORED_ANIMATION_PIXELS` in all (encoding is the costly
step). Transparent areas show over white in the analysis frames, as most pages show them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import logging
import os
import re
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from tamis.core.content import Frame, Picture
from tamis.errors import ConfigurationError, InvalidInput, TamisError, TooLarge, UnsupportedMedia
from tamis.media.hashes import PdqHash

__all__ = [
    "DecodeLimits",
    "Decoded",
    "Decoder",
    "PdqHash",
    "sniff",
]

log = logging.getLogger(__name__)

Format = Literal["jpeg", "png", "webp", "gif"]

BIG_PIXELS = 4_000_000
"""Lossless and animated images over this (by their header) take the server's decode turn;
JPEGs never need it: they decode at reduced scale."""

STORED_ANIMATION_PIXELS = 24_000_000
"""All stored frames of an animation together, in pixels (each costs ~10 µs/kpx to encode)."""


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000
    """Per frame (width × height)."""
    max_side: int = 16_384
    max_frames: int = 1_000
    """Frames of an animation; one with more is refused."""
    sample_frames: int = 8
    """Animation frames handed to analyzers, spread over its length."""
    analysis_side: int = 1_024
    """Long side of the frames analyzers get (never upscaled)."""
    timeout_s: float = 5.0
    """Wall time per decode; then the worker is killed and replaced."""
    memory_bytes: int = 1024 * 1024 * 1024
    """RLIMIT_AS of a worker."""
    max_aspect: float = 50.0
    """Long side over short side."""
    max_animation_pixels: int = 200_000_000
    """Frames × canvas pixels decoded for one animation."""
    stored_side: int = 2_048
    """Long side of the stored copy at most (never upscaled; a JPEG's lies between half of
    this and this, the scale libjpeg decodes at)."""

    def __post_init__(self) -> None:
        for name in (
            "max_bytes",
            "max_pixels",
            "max_side",
            "max_frames",
            "sample_frames",
            "analysis_side",
            "memory_bytes",
            "max_animation_pixels",
            "stored_side",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"DecodeLimits.{name} must be positive")
        if self.timeout_s <= 0 or self.max_aspect < 1:
            raise ValueError("DecodeLimits: timeout_s must be positive and max_aspect >= 1")


@dataclass(frozen=True, slots=True)
class Decoded:
    picture: Picture
    """RGB uint8 frames, long side <= analysis_side."""
    stored: bytes = dataclasses.field(repr=False)
    """The image re-encoded (what tamis stores; never the original bytes)."""
    stored_type: str
    md5: str
    """Of the original bytes, as hash banks list files."""
    pdq: tuple[PdqHash, ...]
    """One per sampled frame."""


# --- what the bytes are --------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, Format], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)

READABLE = "tamis reads JPEG, PNG, WebP and GIF"


def sniff(data: bytes) -> Format | None:
    """The format by magic bytes alone: "jpeg", "png", "webp", "gif", or None."""
    for magic, fmt in _MAGIC:
        if data.startswith(magic):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


_TO_JPEG = "convert it to JPEG"
_TO_PNG = "convert it to PNG"
_VIDEO = "send it as a video"

_FTYP: dict[bytes, tuple[str, str | None]] = {
    b"heic": ("a HEIC photo (the iPhone format)", _TO_JPEG),
    b"heix": ("a HEIC photo (the iPhone format)", _TO_JPEG),
    b"heim": ("a HEIC photo", _TO_JPEG),
    b"heis": ("a HEIC photo", _TO_JPEG),
    b"hevc": ("a HEIF image sequence", "convert it to GIF or WebP"),
    b"mif1": ("a HEIF image", _TO_JPEG),
    b"msf1": ("a HEIF image sequence", "convert it to GIF or WebP"),
    b"avif": ("an AVIF image", "convert it to JPEG, PNG or WebP"),
    b"avis": ("an animated AVIF image", "convert it to WebP or GIF"),
}

_PREFIXES: tuple[tuple[bytes, str, str | None], ...] = (
    (b"%PDF-", "a PDF document", None),
    (b"PK\x03\x04", "a ZIP archive (or a file built on one: DOCX, EPUB...)", None),
    (b"\x1f\x8b", "a gzip archive", None),
    (b"Rar!\x1a\x07", "a RAR archive", None),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", None),
    (b"II*\x00", "a TIFF image", _TO_PNG),
    (b"MM\x00*", "a TIFF image", _TO_PNG),
    (b"8BPS", "a Photoshop document", "export it as PNG or JPEG"),
    (b"\x00\x00\x01\x00", "a Windows icon", _TO_PNG),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image", _TO_JPEG),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "a JPEG XL image", _TO_JPEG),
    (b"\xff\x0a", "a JPEG XL image", _TO_JPEG),
    (b"\x1aE\xdf\xa3", "a WebM or Matroska video", _VIDEO),
    (b"OggS", "an Ogg audio or video file", None),
    (b"ID3", "an MP3 audio file", None),
    (b"fLaC", "a FLAC audio file", None),
    (b"\x7fELF", "a program (an ELF executable)", None),
    (b"MZ", "a Windows program", None),
    (b"#!", "a script", None),
    (b"\xff\xd8", "a JPEG cut short within its first bytes", "send the complete file"),
    (b"\x89PNG", "a PNG cut short within its signature", "send the complete file"),
    (b"GIF8", "a GIF cut short within its signature", "send the complete file"),
)

_MARKUP = re.compile(rb"<(svg|!doctype html|html|head|body|script|\?xml)\b", re.IGNORECASE)


def _describe(data: bytes) -> tuple[str, str | None] | None:
    """What a file tamis does not read seems to be, and what to do about it; None if unknown."""
    if data[4:8] == b"ftyp":
        return _FTYP.get(data[8:12], ("an MP4 or QuickTime video", _VIDEO))
    if data[:4] == b"RIFF":
        kind = data[8:12]
        if kind == b"AVI ":
            return "an AVI video", _VIDEO
        if kind == b"WAVE":
            return "a WAV audio file", None
        return "a RIFF file that is not WebP", None
    if data[:2] == b"BM" and len(data) >= 26 and data[6:10] == b"\0\0\0\0":
        return "a BMP image", _TO_PNG
    for prefix, what, advice in _PREFIXES:
        if data.startswith(prefix):
            return what, advice
    if b"%PDF-" in data[:1024]:
        return "a PDF document", None
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    markup = _MARKUP.search(head)
    if markup is not None and markup.start() < 1024:
        if b"<svg" in head.lower():
            return "an SVG drawing", _TO_PNG
        if markup.group(1).lower() == b"?xml":
            return "an XML document", None
        return "an HTML page", None
    if head and b"\0" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return ("JSON" if head[:1] in (b"{", b"[") else "plain text"), None
    return None


_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]{0,63}/[A-Za-z0-9][\w!#$&^.+-]{0,63}$")


def _unsupported(data: bytes, declared_type: str | None) -> UnsupportedMedia:
    said = ""
    if declared_type is not None:
        bare = declared_type.split(";", 1)[0].strip()
        if _MEDIA_TYPE.match(bare):
            said = f" (it was sent as {bare.lower()})"
    described = _describe(data)
    if described is None:
        return UnsupportedMedia(f"unrecognised format{said}; {READABLE}")
    what, advice = described
    return UnsupportedMedia(
        f"this looks like {what}{said}; {READABLE}" + (f": {advice}" if advice else "")
    )


# --- what the header says ------------------------------------------------------------------


class Refusal(Exception):
    """Why an image is refused, as a code and integer facts; the message is made in one place
    (`refusal_error`), so a worker can only ever choose among tamis' own sentences."""

    def __init__(self, code: str, **facts: int) -> None:
        super().__init__(code)
        self.code = code
        self.facts = facts


REFUSAL_FACTS: dict[str, frozenset[str]] = {
    "corrupt": frozenset(),
    "side": frozenset({"width", "height"}),
    "pixels": frozenset({"width", "height"}),
    "aspect": frozenset({"width", "height"}),
    "frames": frozenset(),
    "animation": frozenset({"frames", "width", "height"}),
    "memory": frozenset(),
}


def refusal_error(
    code: str, facts: dict[str, int], fmt: Format, limits: DecodeLimits
) -> InvalidInput:
    name = fmt.upper() if fmt != "webp" else "WebP"
    w, h = facts.get("width", 0), facts.get("height", 0)
    if code == "side":
        return TooLarge(
            f"the image is {w}×{h} pixels; tamis reads images up to {limits.max_side} pixels "
            "on a side: scale it down"
        )
    if code == "pixels":
        return TooLarge(
            f"the image is {w}×{h} pixels ({w * h / 1e6:.0f} megapixels); tamis reads images "
            f"up to {limits.max_pixels / 1e6:g} megapixels: scale it down"
        )
    if code == "aspect":
        return InvalidInput(
            f"the image is {w}×{h} pixels, more than {limits.max_aspect:g} times longer than "
            "it is wide: crop it, or cut it into several images"
        )
    if code == "frames":
        return TooLarge(
            f"the animation has more than {limits.max_frames} frames, the most tamis reads: "
            "shorten it, or send it as a video"
        )
    if code == "animation":
        n = facts.get("frames", 0)
        return TooLarge(
            f"the animation has {n} or more frames of {w}×{h} pixels, more than tamis decodes "
            f"for one image ({limits.max_animation_pixels / 1e6:g} megapixels in all): "
            "shorten it or scale it down"
        )
    if code == "memory":
        return TooLarge(
            f"decoding this {name} needs more than {limits.memory_bytes // 2**20} MiB of "
            "memory, the limit: send a smaller or simpler image"
        )
    return InvalidInput(
        f"this {name} file is damaged or incomplete, so tamis cannot read it: "
        "send the complete, unmodified file"
    )


def check_dimensions(width: int, height: int, limits: DecodeLimits) -> None:
    if width < 1 or height < 1:
        raise Refusal("corrupt")
    if max(width, height) > limits.max_side:
        raise Refusal("side", width=width, height=height)
    if width * height > limits.max_pixels:
        raise Refusal("pixels", width=width, height=height)
    if max(width, height) > limits.max_aspect * min(width, height):
        raise Refusal("aspect", width=width, height=height)


@dataclass(frozen=True, slots=True)
class Header:
    format: Format
    width: int
    height: int
    lossless: bool
    """A PNG, GIF or lossless WebP; a JPEG or lossy WebP is not."""


_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_JPEG_MAX_SEGMENTS = 512


def probe(data: bytes, fmt: Format) -> Header | None:
    """Width and height from the header, without decoding a pixel; None when the header is
    too long to read cheaply (the worker then checks with Pillow). Refusal("corrupt") when the
    header is malformed or cut short."""
    try:
        if fmt == "png":
            if data[12:16] != b"IHDR":
                raise Refusal("corrupt")
            width, height = struct.unpack_from(">II", data, 16)
            return Header(fmt, width, height, lossless=True)
        if fmt == "gif":
            width, height = struct.unpack_from("<HH", data, 6)
            if width == 0 or height == 0:  # frames set the canvas; the worker measures it
                return None
            return Header(fmt, width, height, lossless=True)
        if fmt == "webp":
            return _probe_webp(data)
        return _probe_jpeg(data)
    except (struct.error, IndexError):
        raise Refusal("corrupt") from None


def _webp_chunks(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(fourcc, data offset, data size) of the RIFF chunks in data[start:end], at most 64."""
    chunks: list[tuple[bytes, int, int]] = []
    pos = start
    while pos + 8 <= end and len(chunks) < 64:
        fourcc = data[pos : pos + 4]
        (size,) = struct.unpack_from("<I", data, pos + 4)
        chunks.append((fourcc, pos + 8, size))
        pos += 8 + size + (size & 1)
    return chunks


def _probe_webp(data: bytes) -> Header:
    chunks = _webp_chunks(data, 12, len(data))
    if not chunks:
        raise Refusal("corrupt")
    fourcc, at, _ = chunks[0]
    if fourcc == b"VP8 ":
        if data[at + 3 : at + 6] != b"\x9d\x01\x2a":
            raise Refusal("corrupt")
        w, h = struct.unpack_from("<HH", data, at + 6)
        return Header("webp", w & 0x3FFF, h & 0x3FFF, lossless=False)
    if fourcc == b"VP8L":
        if data[at] != 0x2F:
            raise Refusal("corrupt")
        (bits,) = struct.unpack_from("<I", data, at + 1)
        return Header("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, lossless=True)
    if fourcc == b"VP8X":
        w = int.from_bytes(data[at + 4 : at + 7], "little") + 1
        h = int.from_bytes(data[at + 7 : at + 10], "little") + 1
        if len(data) < at + 10:
            raise Refusal("corrupt")
        kinds = {c[0] for c in chunks}
        return Header("webp", w, h, lossless=b"VP8L" in kinds and b"VP8 " not in kinds)
    raise Refusal("corrupt")


def _probe_jpeg(data: bytes) -> Header | None:
    pos = 2
    for _ in range(_JPEG_MAX_SEGMENTS):
        if data[pos] != 0xFF:
            raise Refusal("corrupt")
        while data[pos] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos]
        pos += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD8, 0xD9, 0xDA):  # a second SOI, EOI or scan data before any frame
            raise Refusal("corrupt")
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2:
            raise Refusal("corrupt")
        if marker in _JPEG_SOF:
            height, width = struct.unpack_from(">HH", data, pos + 3)
            return Header("jpeg", width, height, lossless=False)
        pos += length
    return None


def scan_gif(data: bytes, max_frames: int) -> tuple[int, int, int]:
    """(frames, width, height) of a GIF by walking its blocks without decoding: frames stop
    counting past `max_frames`; width and height cover every frame, since a frame may reach
    past the logical screen and Pillow then grows the canvas."""
    try:
        width, height, flags = struct.unpack_from("<HHB", data, 6)
    except struct.error:
        raise Refusal("corrupt") from None
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    end = len(data)
    frames = 0
    while pos < end and frames <= max_frames:
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then data sub-blocks
            pos = _skip_sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image: descriptor, local colour table, LZW size, sub-blocks
            if pos + 10 > end:
                break
            x, y, w, h, local = struct.unpack_from("<HHHHB", data, pos + 1)
            width, height = max(width, x + w), max(height, y + h)
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
            pos = _skip_sub_blocks(data, pos)
            frames += 1
        else:  # Pillow skips stray bytes between blocks; so does this count
            pos += 1
    if frames == 0:
        raise Refusal("corrupt")
    return frames, width, height


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    end = len(data)
    while pos < end:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            break
    return pos


def fit(width: int, height: int, side: int) -> tuple[int, int]:
    """The size with the long side at most `side`, aspect kept, never upscaled."""
    long = max(width, height)
    if long <= side:
        return width, height
    scale = side / long
    return max(1, round(width * scale)), max(1, round(height * scale))


def sample(durations: list[int], k: int) -> list[int]:
    """Indices of up to `k` frames spread over an animation: alternately the frame showing at
    evenly spaced times and evenly spaced frame indices, so neither one long frame among many
    short ones nor a burst of short frames among long ones escapes the sample."""
    n = len(durations)
    if n <= k:
        return list(range(n))
    durations = [max(1, d) for d in durations]
    total = sum(durations)
    starts = [0]
    for d in durations[:-1]:
        starts.append(starts[-1] + d)
    by_time: list[int] = []
    frame = 0
    for i in range(k):
        t = total * i / k
        while frame + 1 < n and starts[frame + 1] <= t:
            frame += 1
        by_time.append(frame)
    by_index = [round(i * (n - 1) / (k - 1)) for i in range(k)] if k > 1 else [0]
    chosen: list[int] = []
    for pair in zip(by_time, by_index, strict=True):
        for index in pair:
            if index not in chosen and len(chosen) < k:
                chosen.append(index)
    return sorted(chosen)


# --- the wire between the server and a worker -----------------------------------------------

REQUEST = struct.Struct(">4sII")
"""b"TMSq", sequence number, length of the image bytes that follow."""
REPLY = struct.Struct(">4sII")
"""b"TMSr", sequence number, length of the JSON header that follows (then its payload)."""
MAX_HEADER = 64 * 1024
STORED_TYPES: dict[str, Format] = {"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp"}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_RECYCLE_AFTER = 2_000
"""Decodes before a worker is replaced anyway (heap fragmentation, slow leaks)."""
_START_TIMEOUT_S = 60.0


class _Failed(Exception):
    """A worker did not answer properly; `kind` is time, died or garbled."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def _is_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _int(value: object, low: int, high: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _Failed("garbled", what)
    return value


def _stored_cap(limits: DecodeLimits) -> int:
    return max(4 * limits.max_bytes, limits.stored_side**2 * 4 + 1024 * 1024)


def _worker_env() -> dict[str, str]:
    """Only what a decoder needs, none of the server's settings or secrets. One thread for
    every math library (a thread pool would reserve address space under RLIMIT_AS), and glibc
    told to keep freed buffers under 8 MiB for reuse: otherwise every frame-sized buffer is a
    fresh mmap, and page faults cost a third of a small photo's decode."""
    return {
        "PATH": os.defpath,
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "1",
        "MALLOC_MMAP_THRESHOLD_": str(8 << 20),
        "MALLOC_TRIM_THRESHOLD_": str(64 << 20),
    }


_BOOT = (
    "import sys, types\n"
    "pkg = types.ModuleType('tamis'); pkg.__path__ = [sys.argv[1]]; sys.modules['tamis'] = pkg\n"
    "from tamis.media.sandbox import main\n"
    "main(sys.argv[2])\n"
)
"""Imports tamis.media.sandbox without running tamis/__init__ (the server's whole API)."""


class _Worker:
    """One decoding process and its pipes; used by one thread at a time."""

    def __init__(self, limits: DecodeLimits) -> None:
        self.limits = limits
        self.seq = 0
        package = str(Path(__file__).resolve().parent.parent)
        self.proc = subprocess.Popen(  # noqa: S603 (fixed argv: this interpreter, our module)
            [
                sys.executable,
                "-I",
                "-B",
                "-c",
                _BOOT,
                package,
                json.dumps(dataclasses.asdict(limits)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_worker_env(),
            close_fds=True,
            process_group=0,  # its own group: a Ctrl-C meant for the server is not for it
            bufsize=0,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.w = self.proc.stdin.fileno()
        self.r = self.proc.stdout.fileno()
        for fd in (self.w, self.r):
            os.set_blocking(fd, False)
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, 1031, 1024 * 1024)  # F_SETPIPE_SZ: fewer wake-ups per frame
        self.selector = selectors.DefaultSelector()
        try:
            header, _ = self._exchange(b"", 0, time.monotonic() + _START_TIMEOUT_S)
            if header.get("ready") is not True:
                raise _Failed("garbled", "no greeting")
        except _Failed as exc:
            self.kill()
            raise ConfigurationError(
                f"the image decoder process could not start ({exc.kind}{': ' if exc.detail else ''}"
                f"{exc.detail}); check that Pillow, numpy and pdqhash are installed and that "
                f"memory_bytes ({self.limits.memory_bytes}) leaves room for them"
            ) from None

    def decode(self, data: bytes) -> tuple[dict[str, Any], bytearray]:
        self.seq += 1
        message = REQUEST.pack(b"TMSq", self.seq, len(data)) + data
        return self._exchange(message, self.seq, time.monotonic() + self.limits.timeout_s)

    def _exchange(
        self, message: bytes, seq: int, deadline: float
    ) -> tuple[dict[str, Any], bytearray]:
        """Send `message`, read one reply, both before `deadline`."""
        out = memoryview(message)
        buf = bytearray()
        header: dict[str, Any] | None = None
        need = REPLY.size
        sel = self.selector
        sel.register(self.r, selectors.EVENT_READ)
        if out:
            sel.register(self.w, selectors.EVENT_WRITE)
        try:
            while header is None or len(buf) < need:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _Failed("time")
                for key, _ in sel.select(left):
                    if key.fd == self.w:
                        try:
                            sent = os.write(self.w, out[: 1024 * 1024])
                        except BlockingIOError:
                            continue
                        except OSError:  # the worker closed its end: died, reported below
                            sent = len(out)
                        out = out[sent:]
                        if not out:
                            sel.unregister(self.w)
                        continue
                    try:
                        chunk = os.read(self.r, min(max(need - len(buf), 65536), 1 << 20))
                    except BlockingIOError:
                        continue
                    if not chunk:
                        raise _Failed("died")
                    buf += chunk
                    if header is None and len(buf) >= REPLY.size:
                        magic, got_seq, size = REPLY.unpack_from(buf)
                        if magic != b"TMSr" or got_seq != seq or size > MAX_HEADER:
                            raise _Failed("garbled", "bad frame")
                        need = REPLY.size + size
                        if len(buf) >= need:
                            header = self._header(bytes(buf[REPLY.size : need]))
                            del buf[:need]
                            need = self._payload_size(header)
                if header is not None and len(buf) > need:
                    raise _Failed("garbled", "more bytes than announced")
            if out:
                raise _Failed("garbled", "answered before reading the image")
            return header, buf
        finally:
            sel.unregister(self.r)
            if out and self.w in sel.get_map():
                sel.unregister(self.w)

    def _header(self, raw: bytes) -> dict[str, Any]:
        try:
            header = json.loads(raw)
        except (ValueError, RecursionError):
            raise _Failed("garbled", "header is not JSON") from None
        if not isinstance(header, dict):
            raise _Failed("garbled", "header is not an object")
        return header

    def _payload_size(self, header: dict[str, Any]) -> int:
        """Bytes after the header, checked against the limits before any is read."""
        if "frames" not in header:
            return 0
        frames = header["frames"]
        side = self.limits.analysis_side
        if (
            not isinstance(frames, list)
            or not 1 <= len(frames) <= self.limits.sample_frames
            or not all(
                isinstance(f, list) and len(f) == 2 and all(_is_int(v, 1, side) for v in f)
                for f in frames
            )
        ):
            raise _Failed("garbled", "frames")
        stored = _int(header.get("stored_size"), 1, _stored_cap(self.limits), "stored_size")
        return sum(int(w) * int(h) * 3 for w, h in frames) + stored

    def autopsy(self, failed: _Failed) -> _Failed:
        """A worker that died of its CPU limit ran out of time; of SIGKILL, most likely the
        kernel's OOM killer; of anything else (SIGSEGV...), the image broke its decoder."""
        if failed.kind != "died":
            return failed
        try:
            code = self.proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return failed
        if code == -signal.SIGXCPU:
            return _Failed("time", "CPU limit")
        if code == -signal.SIGKILL:
            return _Failed("memory", "killed")
        return _Failed("died", f"exit status {code}")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait()
        self.selector.close()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

    def stop(self) -> None:
        """Close its stdin (a worker exits on end of input), then make sure it is gone."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=1.0)
        self.kill()


def _decoded(
    header: dict[str, Any], payload: bytearray, fmt: Format, limits: DecodeLimits
) -> Decoded:
    """A worker's reply turned into a Decoded, every field checked first."""
    if header.get("format") != fmt:
        raise _Failed("garbled", "format")
    width = _int(header.get("width"), 1, limits.max_side, "width")
    height = _int(header.get("height"), 1, limits.max_side, "height")
    if width * height > limits.max_pixels:
        raise _Failed("garbled", "width × height")
    frames: list[list[int]] = header["frames"]
    frame_ms, pdq, md5 = header.get("frame_ms"), header.get("pdq"), header.get("md5")
    if (
        not isinstance(frame_ms, list)
        or len(frame_ms) != len(frames)
        or not all(_is_int(t, 0, 2**40) for t in frame_ms)
        or frame_ms != sorted(frame_ms)
    ):
        raise _Failed("garbled", "frame_ms")
    if (
        not isinstance(pdq, list)
        or len(pdq) != len(frames)
        or not all(
            isinstance(p, list)
            and len(p) == 2
            and isinstance(p[0], str)
            and _HEX64.match(p[0])
            and _is_int(p[1], 0, 100)
            for p in pdq
        )
    ):
        raise _Failed("garbled", "pdq")
    if not isinstance(md5, str) or not _HEX32.match(md5):
        raise _Failed("garbled", "md5")
    stored_type = header.get("stored_type")
    if not isinstance(stored_type, str) or stored_type not in STORED_TYPES:
        raise _Failed("garbled", "stored_type")
    pixels = sum(w * h * 3 for w, h in frames)
    stored = bytes(payload[pixels:])
    if sniff(stored) != STORED_TYPES[stored_type]:
        raise _Failed("garbled", "stored bytes")
    del payload[pixels:]  # the frames below are views of what remains
    arrays: list[Frame] = []
    offset = 0
    for w, h in frames:
        array = np.frombuffer(payload, np.uint8, w * h * 3, offset).reshape(h, w, 3)
        array.flags.writeable = False
        arrays.append(array)
        offset += w * h * 3
    return Decoded(
        picture=Picture(
            format=fmt,
            width=width,
            height=height,
            frames=tuple(arrays),
            frame_ms=tuple(frame_ms),
        ),
        stored=stored,
        stored_type=stored_type,
        md5=md5,
        pdq=tuple(PdqHash(h, q) for h, q in pdq),
    )


def _refusal_from(header: dict[str, Any]) -> tuple[str, dict[str, int]] | None:
    code = header.get("error")
    facts = header.get("facts", {})
    if not isinstance(code, str) or code not in REFUSAL_FACTS or not isinstance(facts, dict):
        return None
    if set(facts) != REFUSAL_FACTS[code] or not all(_is_int(v, 0, 2**40) for v in facts.values()):
        return None
    return code, facts


class Decoder:
    """Decodes uploads in a small pool of sandboxed worker processes, started lazily.

    Thread-safe: at most `processes` decodes run at once, the others wait their turn. A worker
    that overruns `timeout_s`, dies or answers nonsense is killed and replaced.
    """

    def __init__(
        self,
        limits: DecodeLimits = DecodeLimits(),  # frozen: one shared default is safe
        *,
        processes: int = 1,
        turn: Path | None = None,
    ) -> None:
        """`turn`: a lock file shared by every process of a server, so that only one of them
        at a time decodes a large lossless or animated image (`BIG_PIXELS`), and the memory
        of the decoders together stays within one worker's `memory_bytes` plus small change."""
        if processes < 1:
            raise ValueError("a Decoder needs at least one process")
        self.limits = limits
        self.turn = turn
        self._slots = threading.BoundedSemaphore(processes)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._workers: set[_Worker] = set()
        self._closed = False
        self.restarts = 0
        """Workers killed for overrunning, dying or misbehaving (not routine recycling)."""

    def decode(self, data: bytes, *, declared_type: str | None = None) -> Decoded:
        """The picture for analyzers, the copy to store, and the hashes; or a 4xx TamisError."""
        fmt, pixels = self._check(data, declared_type)
        big = fmt != "jpeg" and (pixels is None or pixels > BIG_PIXELS)
        with self._turn() if big else contextlib.nullcontext(), self._slots:
            worker = self._take()
            try:
                header, payload = worker.decode(data)
                refusal = _refusal_from(header) if "error" in header else None
                if refusal is not None:
                    result: Decoded | InvalidInput = refusal_error(*refusal, fmt, self.limits)
                elif "error" in header:
                    raise _Failed("garbled", "unknown refusal")
                else:
                    try:
                        result = _decoded(header, payload, fmt, self.limits)
                    except (KeyError, TypeError, ValueError) as exc:
                        raise _Failed("garbled", type(exc).__name__) from None
            except _Failed as failed:
                failed = worker.autopsy(failed)
                self._replace(worker, failed)
                raise self._failure(failed, fmt) from None
            except BaseException:
                self._replace(worker, None)
                raise
            if refusal is not None and refusal[0] == "memory":
                self._replace(worker, None)  # after a failed allocation, start afresh
            else:
                self._give(worker)
        if isinstance(result, TamisError):
            raise result
        return result

    def warm(self) -> None:
        """Start a worker now, so that the first upload does not wait for one."""
        with self._slots:
            self._give(self._take())

    def close(self) -> None:
        """Stop every worker; a Decoder cannot be used after."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            self._retire(worker, kill=False)

    def __enter__(self) -> Decoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        if self.turn is None:
            yield
            return
        with self.turn.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _check(self, data: bytes, declared_type: str | None) -> tuple[Format, int | None]:
        if not data:
            raise InvalidInput("the file is empty: send the image's bytes")
        if len(data) > self.limits.max_bytes:
            raise TooLarge(
                f"the file has {len(data)} bytes; tamis reads images of up to "
                f"{self.limits.max_bytes} bytes: send a smaller file"
            )
        fmt = sniff(data)
        if fmt is None:
            raise _unsupported(data, declared_type)
        try:
            header = probe(data, fmt)
            if header is not None:
                check_dimensions(header.width, header.height, self.limits)
        except Refusal as refused:
            raise refusal_error(refused.code, refused.facts, fmt, self.limits) from None
        return fmt, header.width * header.height if header is not None else None

    def pids(self) -> tuple[int, ...]:
        """Process ids of the live workers (for monitoring, and for tests that kill one)."""
        with self._lock:
            return tuple(w.proc.pid for w in self._workers)

    def _take(self) -> _Worker:
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError("this Decoder is closed")
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                return self._start()
            if worker.proc.poll() is None:
                return worker
            self._retire(worker)  # died while idle (killed from outside): never send it work

    def _start(self) -> _Worker:
        worker = _Worker(self.limits)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker, *, kill: bool = True) -> None:
        with self._lock:
            self._workers.discard(worker)
        if kill:
            worker.kill()
        else:
            worker.stop()

    def _give(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and worker.seq < _RECYCLE_AFTER:
                self._idle.append(worker)
                return
        self._retire(worker, kill=False)

    def _replace(self, worker: _Worker, failed: _Failed | None) -> None:
        """Kill a worker that failed, and start its successor now, while the failed request
        still holds the slot: the next caller finds a ready worker."""
        self._retire(worker)
        if failed is not None:
            with self._lock:
                self.restarts += 1
            if failed.kind == "garbled":
                log.warning("image decoder worker misbehaved (%s); replaced", failed.detail)
        with self._lock:
            if self._closed:
                return
        try:
            successor = self._start()
        except ConfigurationError:
            return  # the next decode tries again, and reports it
        with self._lock:
            closed = self._closed
            if not closed:
                self._idle.append(successor)
        if closed:
            self._retire(successor, kill=False)

    def _failure(self, failed: _Failed, fmt: Format) -> InvalidInput:
        if failed.kind == "memory":
            return refusal_error("memory", {}, fmt, self.limits)
        name = fmt.upper() if fmt != "webp" else "WebP"
        if failed.kind == "time":
            return TooLarge(
                f"decoding this {name} took longer than {self.limits.timeout_s:g} s, the limit: "
                "send a smaller or simpler image"
            )
        return InvalidInput(
            f"tamis could not decode this {name} file (its decoder gave up on it): "
            "re-save it as a standard JPEG or PNG"
        )
