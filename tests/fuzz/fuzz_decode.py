"""Atheris harness over the whole decode path: sniffing, the server's header checks, and the
sandboxed worker, as an upload would take it.

It fails (and libFuzzer saves the input) when anything but a tamis 4xx error escapes, when a
decoded result breaks its own contract (frame sizes, stored bytes of the announced type),
or when a worker answers in a way the server had to reject as garbled: that would be a bug
in tamis' own worker, not in a hostile file. Crashes of Pillow's C code inside a worker are
what the sandbox is for: they come out as a 422 and are not failures here.

    python tests/fuzz/fuzz_decode.py CORPUS_DIR -max_total_time=60

Coverage feedback covers the server-side Python (tamis.media.decode); the worker runs in
another process, so the fuzzer steers by the parent's branches and the worker's answers.
"""

from __future__ import annotations

import atexit
import logging
import sys

import atheris
import numpy as np

import tamis.core.content
import tamis.errors
import tamis.media.hashes

with atheris.instrument_imports(include=["tamis.media.decode"]):
    from tamis.media import decode

GARBLED: list[str] = []


class _Garbled(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        GARBLED.append(record.getMessage())


logging.getLogger("tamis.media.decode").addHandler(_Garbled(logging.WARNING))
LIMITS = decode.DecodeLimits(timeout_s=3.0, max_bytes=1 << 20)
DECODER = decode.Decoder(LIMITS)
atexit.register(DECODER.close)


def check(data: bytes) -> None:
    fmt = decode.sniff(data)
    if fmt is not None:
        try:
            header = decode.probe(data, fmt)
            if header is not None:
                decode.check_dimensions(header.width, header.height, LIMITS)
        except decode.Refusal:
            pass
    try:
        decoded = DECODER.decode(data, declared_type="image/png")
    except tamis.errors.TamisError as exc:
        if not 400 <= exc.status < 500:
            raise AssertionError(f"status {exc.status}: {exc.message}") from None
    else:
        assert fmt is not None
        picture = decoded.picture
        assert picture.format == fmt
        assert 1 <= len(picture.frames) == len(picture.frame_ms) == len(decoded.pdq)
        for frame in picture.frames:
            assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
            assert max(frame.shape[:2]) <= LIMITS.analysis_side
        assert decode.STORED_TYPES[decoded.stored_type] == decode.sniff(decoded.stored)
    if GARBLED:
        raise AssertionError(f"the worker answered nonsense: {GARBLED}")


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
