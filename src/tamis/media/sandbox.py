"""The decoding worker: the only tamis process that parses an uploaded image's pixels.

Started by `tamis.media.decode.Decoder` as a fresh interpreter (`python -I -B -c ...`), it
first confines itself with kernel limits it cannot lift again (address space, file size 0,
no core dumps, a handful of file descriptors; Landlock where the kernel has it: no file,
no TCP, no signal to another process) and gives itself a CPU-time budget before each image,
so a decoder looping in C is stopped by SIGXCPU even if the parent were slow to kill it.
It imports only what decoding needs (Pillow with four plugins, numpy, pdqhash), and all of
it before the limits apply; it reads requests on stdin and answers on stdout in the format
described in `decode.py`, and everything else it could print goes to /dev/null, so no stray
write can corrupt a reply.

Work per image, in one pass: header checks, decode (JPEGs straight at a reduced scale when
the stored copy is smaller), EXIF orientation, the stored copy, the analysis frames, MD5 of
the original bytes and PDQ of each analysis frame.
"""

from __future__ import annotations

import ctypes
import io
import json
import math
import os
import resource
import sys
import warnings
from typing import Any

import numpy as np
from PIL import (
    GifImagePlugin,
    Image,
    JpegImagePlugin,
    PngImagePlugin,
    TiffImagePlugin,
    WebPImagePlugin,
)

from tamis.media import hashes
from tamis.media.decode import (
    MAX_HEADER,
    REPLY,
    REQUEST,
    STORED_ANIMATION_PIXELS,
    DecodeLimits,
    Format,
    Refusal,
    check_dimensions,
    fit,
    probe,
    sample,
    scan_gif,
    sniff,
)

_PLUGINS = (GifImagePlugin, JpegImagePlugin, PngImagePlugin, TiffImagePlugin, WebPImagePlugin)
"""Imported before the limits apply: the four formats, and TIFF for reading EXIF."""
_PIL_NAME: dict[Format, str] = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_RESAMPLE = Image.Resampling.BILINEAR  # Pillow's is antialiased: a true area filter when shrinking
_ORIENT: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
ANIMATION_QUALITY = 80
PNG_LEVEL = 3
"""zlib level for stored PNGs: within a few per cent of level 6's size at half its time."""

Reply = tuple[dict[str, Any], list[bytes]]


def main(limits_json: str) -> None:
    limits = DecodeLimits(**json.loads(limits_json))
    requests, replies = _private_pipes()
    Image.preinit()
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    warnings.simplefilter("ignore")
    _confine(limits)
    _send(replies, 0, ({"ready": True}, []))
    while True:
        head = _read_exact(requests, REQUEST.size)
        if head is None:
            return
        magic, seq, size = REQUEST.unpack(head)
        if magic != b"TMSq" or size > limits.max_bytes:
            sys.exit(2)
        data = _read_exact(requests, size)
        if data is None:
            return
        _cpu_budget(limits.timeout_s)
        _send(replies, seq, answer(data, limits))


def answer(data: bytes, limits: DecodeLimits) -> Reply:
    """The reply to one image: its decoding, or the reason it is refused."""
    try:
        return decode(data, limits)
    except Refusal as refused:
        return {"error": refused.code, "facts": refused.facts}, []
    except MemoryError:
        return {"error": "memory", "facts": {}}, []
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, EOFError, struct.error...
        return {"error": "corrupt", "facts": {}}, []


def decode(data: bytes, limits: DecodeLimits) -> Reply:
    fmt = sniff(data)
    if fmt is None:
        raise Refusal("corrupt")
    header = probe(data, fmt)
    if header is not None:
        check_dimensions(header.width, header.height, limits)
    lossless = header.lossless if header is not None else fmt != "jpeg"
    with Image.open(io.BytesIO(data), formats=[_PIL_NAME[fmt]]) as im:
        width, height = im.size
        frames = 1 if fmt == "jpeg" else int(getattr(im, "n_frames", 1))  # MPO: show the first
        if fmt == "gif":
            frames, width, height = scan_gif(data, limits.max_frames)
        check_dimensions(width, height, limits)
        if frames > limits.max_frames:
            raise Refusal("frames")
        if frames > 1 and frames * width * height > limits.max_animation_pixels:
            raise Refusal("animation", frames=frames, width=width, height=height)
        if frames > 1:
            reply = _animation(im, fmt, frames, (width, height), limits)
        else:
            reply = _still(im, fmt, lossless, limits)
    reply[0]["md5"] = hashes.md5_hex(data)
    return reply


def _still(im: Image.Image, fmt: Format, lossless: bool, limits: DecodeLimits) -> Reply:
    width, height = im.size
    if fmt == "jpeg":  # libjpeg scales by 1/2, 1/4 or 1/8 as it decodes, so that the stored
        # copy's long side lands within [stored_side / 2, stored_side] with no resize at all
        im.draft("RGB", fit(width, height, max(limits.stored_side // 2, limits.analysis_side)))
    im.load()
    stored_size = fit(*im.size, limits.stored_side)
    orientation = _orientation(im)
    picture = _normal(im)
    if picture.size != stored_size:
        picture = picture.resize(stored_size, _RESAMPLE, reducing_gap=2.0)
    if orientation in _ORIENT:
        picture = picture.transpose(_ORIENT[orientation])
        if orientation >= 5:
            width, height = height, width
    picture.info = {}
    stored_type, stored = _encode_still(picture, lossless)
    rgb = _rgb(_shrink(picture, limits.analysis_side))
    pdq = _pdq(rgb)
    return {
        "format": fmt,
        "width": width,
        "height": height,
        "frames": [list(rgb.size)],
        "frame_ms": [0],
        "pdq": [[pdq.hash, pdq.quality]],
        "stored_type": stored_type,
        "stored_size": len(stored),
    }, [rgb.tobytes(), stored]


def _animation(
    im: Image.Image,
    fmt: Format,
    frames: int,
    canvas: tuple[int, int],
    limits: DecodeLimits,
) -> Reply:
    """Walk every frame (each one is drawn over the last), keep a copy small enough to store,
    then pick the analysis samples from the whole, knowing every frame's duration."""
    width, height = canvas
    keep = fit(width, height, min(limits.analysis_side, limits.stored_side))
    shrink = math.sqrt(STORED_ANIMATION_PIXELS / (frames * keep[0] * keep[1]))
    if shrink < 1:
        keep = max(1, int(keep[0] * shrink)), max(1, int(keep[1] * shrink))
    kept: list[Image.Image] = []
    durations: list[int] = []
    decoded = 0
    index = 0
    while True:
        if index:
            try:
                im.seek(index)
            except EOFError:
                break
        if index >= limits.max_frames:
            raise Refusal("frames")
        w, h = im.size
        check_dimensions(w, h, limits)
        decoded += w * h
        if decoded > limits.max_animation_pixels or (index + 1) * keep[0] * keep[1] > (
            2 * STORED_ANIMATION_PIXELS
        ):
            raise Refusal("animation", frames=index + 1, width=w, height=h)
        frame = im.convert("RGBA")
        if frame.size != keep:
            frame = frame.resize(keep, _RESAMPLE, reducing_gap=2.0)
        kept.append(frame)
        durations.append(_duration(im.info.get("duration")))
        index += 1
    picks = sample(durations, limits.sample_frames)
    starts = [0]
    for d in durations:
        starts.append(starts[-1] + d)
    rgbs = [_rgb(kept[i]) for i in picks]
    pdqs = [_pdq(rgb) for rgb in rgbs]
    if len(kept) == 1:
        kept[0].info = {}
        stored_type, stored = _encode_still(kept[0], lossless=True)
    else:
        stored_type, stored = "image/webp", _encode_animation(kept, durations, im.info.get("loop"))
    return {
        "format": fmt,
        "width": width,
        "height": height,
        "frames": [list(rgb.size) for rgb in rgbs],
        "frame_ms": [starts[i] for i in picks],
        "pdq": [[p.hash, p.quality] for p in pdqs],
        "stored_type": stored_type,
        "stored_size": len(stored),
    }, [*(rgb.tobytes() for rgb in rgbs), stored]


def _duration(value: object) -> int:
    """Milliseconds a frame shows, as browsers play it: 10 ms or less counts as 100 ms."""
    ms = int(value) if isinstance(value, int | float) and math.isfinite(value) else 0
    return 100 if ms <= 10 else min(ms, 3_600_000)


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # odd or hostile EXIF: show the pixels as stored
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _normal(im: Image.Image) -> Image.Image:
    """The image in one of L, LA, RGB, RGBA, 8 bits a channel."""
    mode = im.mode
    if mode in ("L", "LA", "RGB", "RGBA"):
        return im
    if mode in ("P", "PA"):
        return im.convert("RGBA" if mode == "PA" or "transparency" in im.info else "RGB")
    if mode == "1":
        return im.convert("L")
    if mode.startswith("I"):  # 16-bit grey: keep the high byte (Pillow's convert would clip)
        wide = np.asarray(im)
        if wide.dtype != np.uint16:
            wide = np.clip(wide, 0, 65535).astype(np.uint16)
        return Image.fromarray((wide >> 8).astype(np.uint8))
    return im.convert("RGBA" if "A" in mode or "a" in mode else "RGB")


def _rgb(im: Image.Image) -> Image.Image:
    """RGB for analyzers; transparency shows over white, as most pages show it."""
    if im.mode == "RGB":
        return im
    if im.mode not in ("LA", "RGBA"):
        return im.convert("RGB")
    rgba = im.convert("RGBA")
    white = Image.new("RGB", im.size, (255, 255, 255))
    white.paste(rgba, mask=rgba.getchannel("A"))
    return white


def _shrink(im: Image.Image, side: int) -> Image.Image:
    size = fit(*im.size, side)
    return im if size == im.size else im.resize(size, _RESAMPLE, reducing_gap=2.0)


def _pdq(rgb: Image.Image) -> hashes.PdqHash:
    side = hashes.PDQ_SIDE
    if rgb.width * rgb.height > 2 * side * side:  # as Meta's reference does, a square copy
        rgb = rgb.resize((side, side), _RESAMPLE, reducing_gap=2.0)
    return hashes.pdq(np.asarray(rgb))


def _opaque(im: Image.Image) -> Image.Image:
    """Drop an alpha channel that hides nothing."""
    if im.mode in ("LA", "RGBA") and im.getchannel("A").getextrema()[0] == 255:
        return im.convert("L" if im.mode == "LA" else "RGB")
    return im


def _encode_still(picture: Image.Image, lossless: bool) -> tuple[str, bytes]:
    picture = _opaque(picture)
    out = io.BytesIO()
    if lossless:
        picture.save(out, "PNG", compress_level=PNG_LEVEL)
        return "image/png", out.getvalue()
    if picture.mode in ("LA", "RGBA"):
        picture.save(out, "WEBP", quality=WEBP_QUALITY)
        return "image/webp", out.getvalue()
    picture.save(out, "JPEG", quality=JPEG_QUALITY)
    return "image/jpeg", out.getvalue()


def _encode_animation(kept: list[Image.Image], durations: list[int], loop: object) -> bytes:
    first = kept[0]
    first.info = {}
    out = io.BytesIO()
    first.save(
        out,
        "WEBP",
        save_all=True,
        append_images=kept[1:],
        duration=durations,
        loop=loop if isinstance(loop, int) and 0 <= loop < 65536 else 0,
        quality=ANIMATION_QUALITY,
        method=0,
    )
    return out.getvalue()


# --- the process around it --------------------------------------------------------------------


def _private_pipes() -> tuple[int, int]:
    """Keep stdin and stdout for the protocol only; fds 0 and 1 become /dev/null."""
    requests, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    return requests, replies


def _limit(kind: int, value: int) -> None:
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def _confine(limits: DecodeLimits) -> None:
    _limit(resource.RLIMIT_AS, limits.memory_bytes)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, 0)
    _limit(resource.RLIMIT_NOFILE, 16)
    landlock()


_SYS_LANDLOCK_CREATE_RULESET = 444  # the same number on every Linux architecture
_SYS_LANDLOCK_RESTRICT_SELF = 446
_PR_SET_NO_NEW_PRIVS = 38


def landlock() -> int:
    """Forbid this process, for good, every file-system access (open, create, execute...),
    TCP, signals to processes outside itself and abstract Unix sockets, where the kernel has
    Landlock (Linux 5.13+): a decoder taken over by a crafted file could then neither read the
    server's secrets nor reach its network. Returns the Landlock ABI applied, 0 if none
    (no Landlock: the rlimits and the parent's checks still hold)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        abi = int(libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, None, 0, 1))
        if abi < 1 or libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return 0
        fs = (1 << 13) - 1  # ABI 1: execute, read, write, make and remove of every kind
        fs |= (1 << 13) if abi >= 2 else 0  # refer (link or rename across directories)
        fs |= (1 << 14) if abi >= 3 else 0  # truncate
        fs |= (1 << 15) if abi >= 5 else 0  # ioctl on devices
        net = 0b11 if abi >= 4 else 0  # bind and connect TCP
        scoped = 0b11 if abi >= 6 else 0  # abstract Unix sockets, signals
        fields = [fs, net, scoped][: 1 if abi < 4 else 2 if abi < 6 else 3]
        attr = (ctypes.c_uint64 * len(fields))(*fields)
        ruleset = int(
            libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
        )
        if ruleset < 0:
            return 0
        try:
            if libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
                return 0
        finally:
            os.close(ruleset)
        return abi
    except (AttributeError, OSError):
        return 0


def _cpu_budget(seconds: float) -> None:
    """CPU time for the next image, on top of what the worker has used so far (SIGXCPU)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + seconds) + 2
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _send(fd: int, seq: int, reply: Reply) -> None:
    header, payload = reply
    raw = json.dumps(header, separators=(",", ":")).encode()
    if len(raw) > MAX_HEADER:
        raw = b'{"error":"corrupt","facts":{}}'
        payload = []
    for part in (REPLY.pack(b"TMSr", seq, len(raw)) + raw, *payload):
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view) :]
