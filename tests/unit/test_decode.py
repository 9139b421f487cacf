"""The decoder's pure parts: sniffing, header checks, sampling, and the worker's own code run
in-process (`sandbox.answer`), so every rule is checked without starting a process. The
sandboxed path end to end is in tests/integration/test_decode_sandbox.py."""

from __future__ import annotations

import io
import struct
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from tamis.errors import InvalidInput, TooLarge, UnsupportedMedia
from tamis.media import sandbox
from tamis.media.decode import (
    DecodeLimits,
    Decoder,
    Refusal,
    check_dimensions,
    fit,
    probe,
    refusal_error,
    sample,
    scan_gif,
    sniff,
)
from tests.hostile_media import cases, encode, gif_file, gif_frame, photo

LIMITS = DecodeLimits()


def answer(data: bytes, limits: DecodeLimits = LIMITS) -> tuple[dict[str, Any], list[bytes]]:
    """The worker's reply, computed in-process; warnings ignored as the worker ignores them
    (Pillow warns about odd EXIF, which is not a reason to refuse a photo)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sandbox.answer(data, limits)


def frames_of(header: dict[str, Any], payload: list[bytes]) -> list[np.ndarray]:
    return [
        np.frombuffer(chunk, np.uint8).reshape(h, w, 3)
        for (w, h), chunk in zip(header["frames"], payload, strict=False)
    ]


def stored_of(header: dict[str, Any], payload: list[bytes]) -> Image.Image:
    stored = payload[-1]
    assert len(stored) == header["stored_size"]
    return Image.open(io.BytesIO(stored))


# --- sniffing and the parent's checks -------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "webp"),
        (b"RIFF\0\0\0\0AVI ", None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_sniff_reads_magic_bytes_only(head: bytes, fmt: str | None) -> None:
    assert sniff(head) == fmt


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("pdf_as_png", "looks like a PDF document (it was sent as image/png)"),
        ("svg_as_png", "looks like an SVG drawing"),
        ("html_page", "looks like an HTML page"),
        ("zip_archive", "looks like a ZIP archive"),
        ("heic_header", "HEIC photo"),
        ("mp4_header", "video"),
        ("bmp", "BMP image"),
        ("random_bytes", "unrecognised format; tamis reads JPEG, PNG, WebP and GIF"),
    ],
)
def test_unsupported_files_are_named(name: str, words: str) -> None:
    case = cases()[name]
    with Decoder() as decoder, pytest.raises(UnsupportedMedia) as raised:
        decoder.decode(case.data, declared_type=case.declared_type)
    assert words in raised.value.message
    assert raised.value.status == 415
    assert "JPEG, PNG, WebP and GIF" in raised.value.message


def test_a_declared_type_is_quoted_only_when_it_looks_like_one() -> None:
    with Decoder() as decoder, pytest.raises(UnsupportedMedia) as raised:
        decoder.decode(b"%PDF-1.4", declared_type="<script>alert(1)</script>")
    assert "script" not in raised.value.message


def test_the_parent_refuses_before_any_worker_starts() -> None:
    """Header refusals cost no process: these raise on a Decoder that never starts one."""
    with Decoder() as decoder:
        for name in ("jpeg_65500", "strip_100000x1", "gif_screen_65535", "webp_vp8x_100000"):
            with pytest.raises(TooLarge):
                decoder.decode(cases()[name].data)
        with pytest.raises(InvalidInput, match="empty"):
            decoder.decode(b"")
        assert decoder.pids() == ()
    with Decoder(DecodeLimits(max_bytes=10)) as small, pytest.raises(TooLarge, match="bytes"):
        small.decode(b"\xff\xd8\xff" + bytes(10))


def test_probe_reads_every_format_header() -> None:
    pic = photo((123, 45))
    for fmt, data in [
        ("jpeg", encode(pic, "JPEG")),
        ("png", encode(pic, "PNG")),
        ("gif", encode(pic, "GIF")),
        ("webp", encode(pic, "WEBP")),
        ("webp", encode(pic, "WEBP", lossless=True)),
        ("webp", encode(pic.convert("RGBA"), "WEBP")),
    ]:
        header = probe(data, sniff(data))  # type: ignore[arg-type]
        assert header is not None
        assert (header.format, header.width, header.height) == (fmt, 123, 45)
    assert probe(encode(pic, "WEBP", lossless=True), "webp").lossless  # type: ignore[union-attr]
    assert not probe(encode(pic, "WEBP"), "webp").lossless  # type: ignore[union-attr]


def test_probe_gives_up_on_a_jpeg_with_endless_segments() -> None:
    """Hundreds of segments before the frame header: left to the worker, never a long loop."""
    jpeg = encode(photo(), "JPEG")
    padding = (b"\xff\xfe" + struct.pack(">H", 6) + b"abcd") * 2000
    assert probe(jpeg[:2] + padding + jpeg[2:], "jpeg") is None


@pytest.mark.parametrize(
    ("size", "code"),
    [
        ((16_385, 10), "side"),
        ((10_000, 10_000), "pixels"),
        ((5_100, 100), "aspect"),
        ((0, 10), "corrupt"),
    ],
)
def test_check_dimensions(size: tuple[int, int], code: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_dimensions(*size, LIMITS)
    assert refused.value.code == code


def test_every_refusal_has_a_message_that_says_what_to_change() -> None:
    facts = {"width": 20_000, "height": 3, "frames": 1_200}
    for code, names in (
        ("corrupt", ()),
        ("side", ("width", "height")),
        ("pixels", ("width", "height")),
        ("aspect", ("width", "height")),
        ("frames", ()),
        ("animation", ("frames", "width", "height")),
        ("memory", ()),
    ):
        error = refusal_error(code, {n: facts[n] for n in names}, "gif", LIMITS)
        assert 400 <= error.status < 500
        assert ":" in error.message  # "what happened: what to do"
        assert error.message[0].islower()


def test_scan_gif_counts_frames_and_the_canvas_they_reach() -> None:
    gif = gif_file(10, 10, [gif_frame(), gif_frame(x=5, y=2, w=20, h=30)])
    assert scan_gif(gif, 1000) == (2, 25, 32)
    endless = gif_file(1, 1, [gif_frame()] * 50)
    assert scan_gif(endless, 10) == (11, 1, 1)  # stops counting past the limit
    with pytest.raises(Refusal):
        scan_gif(b"GIF89a", 10)


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_header_readers_raise_only_refusals(tail: bytes) -> None:
    for head in (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", b"GIF89a", b"RIFF\0\0\0\0WEBP"):
        data = head + tail
        fmt = sniff(data)
        assert fmt is not None
        try:
            probe(data, fmt)
            if fmt == "gif":
                scan_gif(data, 100)
        except Refusal:
            pass


def test_fit_keeps_aspect_and_never_upscales() -> None:
    assert fit(640, 480, 1024) == (640, 480)
    assert fit(4000, 3000, 1024) == (1024, 768)
    assert fit(100_000, 3, 1024) == (1024, 1)


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=300), st.integers(1, 12))
def test_sample_spreads_over_the_animation(durations: list[int], k: int) -> None:
    picks = sample(durations, k)
    assert picks == sorted(set(picks))
    assert len(picks) == min(k, len(durations))
    assert all(0 <= i < len(durations) for i in picks)
    assert picks[0] == 0


def test_sample_catches_a_long_frame_and_a_burst() -> None:
    long_frame = [10] * 100 + [10_000] + [10] * 100
    assert 100 in sample(long_frame, 8)
    burst = [5_000] * 4 + [20] * 200 + [5_000] * 4
    assert any(4 <= i < 204 for i in sample(burst, 8))


# --- the worker's code, in-process ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(cases()))
def test_worker_code_meets_every_expectation(name: str) -> None:
    """Refused by the parent's checks or by the worker; decoded when the case is valid."""
    case = cases()[name]
    fmt = sniff(case.data)
    parent_refused = fmt is None or not case.data
    if not parent_refused:
        try:
            header = probe(case.data, fmt)  # type: ignore[arg-type]
            if header is not None:
                check_dimensions(header.width, header.height, LIMITS)
        except Refusal:
            parent_refused = True
    if parent_refused:
        assert not case.valid
        return
    header_out, payload = answer(case.data)
    if not case.valid:
        assert "error" in header_out, header_out
        assert refusal_error(header_out["error"], header_out["facts"], fmt, LIMITS).status == (  # type: ignore[arg-type]
            case.status
        )
        return
    assert "error" not in header_out, (name, header_out)
    assert header_out["format"] == fmt
    for frame in frames_of(header_out, payload):
        assert max(frame.shape[:2]) <= LIMITS.analysis_side
    stored = stored_of(header_out, payload)
    stored.load()
    assert header_out["stored_type"] == Image.MIME[stored.format]
    if case.payload is not None:
        assert case.payload not in payload[-1]


def test_a_photo_decodes_to_what_analyzers_and_storage_need() -> None:
    data = encode(photo((2400, 1800), seed=4), "JPEG", quality=92)
    header, payload = answer(data)
    assert (header["width"], header["height"]) == (2400, 1800)
    assert header["frames"] == [[1024, 768]]
    assert header["stored_type"] == "image/jpeg"
    stored = stored_of(header, payload)
    assert stored.size == (1200, 900)  # decoded at half scale by libjpeg, between 1024 and 2048
    (frame,) = frames_of(header, payload)
    reference = np.asarray(photo((2400, 1800), seed=4).resize((1024, 768)), dtype=np.int16)
    assert np.abs(frame.astype(np.int16) - reference).mean() < 8


def test_a_large_lossless_image_is_stored_at_stored_side() -> None:
    header, payload = answer(encode(photo((2600, 1000)), "PNG", compress_level=1))
    assert header["frames"] == [[1024, 394]]
    assert stored_of(header, payload).size == (2048, 788)


def test_small_images_are_never_upscaled() -> None:
    header, payload = answer(encode(photo((40, 30)), "PNG"))
    assert header["frames"] == [[40, 30]]
    assert stored_of(header, payload).size == (40, 30)


def test_exif_orientation_is_applied_then_dropped() -> None:
    header, payload = answer(cases()["jpeg_exif_rotated"].data)
    assert (header["width"], header["height"]) == (240, 320)
    assert header["frames"] == [[240, 320]]
    stored = stored_of(header, payload)
    assert stored.size == (240, 320)
    assert not stored.getexif()
    (frame,) = frames_of(header, payload)
    upright = np.asarray(photo().transpose(Image.Transpose.ROTATE_270), dtype=np.int16)
    assert np.abs(frame.astype(np.int16) - upright).mean() < 8


def test_metadata_is_stripped_from_what_is_stored() -> None:
    for name in ("jpeg_gps_exif", "jpeg_odd_metadata", "png_html_polyglot", "png_many_text_chunks"):
        header, payload = answer(cases()[name].data)
        stored = stored_of(header, payload)
        stored.load()
        assert not stored.getexif(), name
        assert not {"exif", "icc_profile", "xmp", "comment", "Comment", "k0"} & set(stored.info)


def test_sixteen_bit_grey_keeps_its_range() -> None:
    header, payload = answer(cases()["png_16bit_grey"].data)
    (frame,) = frames_of(header, payload)
    assert frame.min() == 0
    assert frame.max() == 255
    assert 110 < frame.mean() < 145  # a full ramp, not clipped to white


def test_cmyk_comes_out_rgb() -> None:
    header, payload = answer(cases()["jpeg_cmyk"].data)
    (frame,) = frames_of(header, payload)
    assert frame.shape == (240, 320, 3)
    assert stored_of(header, payload).mode == "RGB"


def test_transparency_shows_over_white_and_is_kept_in_storage() -> None:
    rgba = Image.new("RGBA", (60, 40), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 30, 40))
    header, payload = answer(encode(rgba, "PNG"))
    (frame,) = frames_of(header, payload)
    assert tuple(frame[20, 10]) == (0, 0, 255)
    assert tuple(frame[20, 50]) == (255, 255, 255)
    assert header["stored_type"] == "image/png"
    assert stored_of(header, payload).mode == "RGBA"
    header, payload = answer(encode(rgba, "WEBP", quality=80))
    assert header["stored_type"] == "image/webp"  # lossy with alpha stays WebP


def test_lossless_sources_are_stored_lossless() -> None:
    for name, stored_type in (
        ("png_photo", "image/png"),
        ("webp_lossless", "image/png"),
        ("gif_still_transparent", "image/png"),
        ("webp_lossy", "image/jpeg"),
        ("jpeg_photo", "image/jpeg"),
    ):
        assert answer(cases()[name].data)[0]["stored_type"] == stored_type, name


def test_an_animation_is_sampled_with_its_timing() -> None:
    frames = [
        photo((80, 60), seed=i).convert("P", palette=Image.Palette.ADAPTIVE) for i in range(20)
    ]
    durations = [100] * 19 + [3000]
    gif = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=durations)
    header, payload = answer(gif, DecodeLimits(sample_frames=4))
    assert header["format"] == "gif"
    assert len(header["frames"]) == 4
    starts = [sum(durations[:i]) for i in range(20)]
    assert set(header["frame_ms"]) <= set(starts)
    assert 1900 in header["frame_ms"]  # the frame shown for three seconds
    assert len({p[0] for p in header["pdq"]}) == 4
    stored = stored_of(header, payload)
    assert header["stored_type"] == "image/webp"
    assert getattr(stored, "n_frames", 1) == 20


def test_zero_delays_count_as_browsers_play_them() -> None:
    gif = gif_file(4, 4, [gif_frame(delay_cs=0)] * 10)
    header, _ = answer(gif, DecodeLimits(sample_frames=10))
    assert header["frame_ms"] == [i * 100 for i in range(10)]


def test_animation_limits_are_enforced_while_walking() -> None:
    many = gif_file(1, 1, [gif_frame()] * 40)
    header, _ = answer(many, DecodeLimits(max_frames=30))
    assert header == {"error": "frames", "facts": {}}
    wide = gif_file(1000, 1000, [gif_frame()] * 20)
    header, _ = answer(wide, DecodeLimits(max_animation_pixels=10_000_000))
    assert header["error"] == "animation"


def test_a_gif_frame_past_the_screen_is_measured() -> None:
    header, _ = answer(cases()["gif_frame_grows_canvas"].data)
    assert header == {"error": "pixels", "facts": {"width": 16_000, "height": 16_000}}
