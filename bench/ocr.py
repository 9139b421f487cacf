"""OCR in images: what the text test saves, what it catches, what the recognizer reads.

Three reports, one core, 640×480 frames:

- timing (default): ms per frame for photos (kodak, COCO, scikit-image: the text test, and
  the recognizer where the test fires) and for drawn memes (test + recognizer), beside
  rapidocr's default call (`RapidOCR()` as its README shows it: every core, short side
  scaled up to 736) on the same frames in the same run, with the ratio;
- `--gate`: the text test's recall on text drawn over photos (memes, captions, screenshots,
  colour text without outline, small text) and how often it fires on the SFW photos of
  ../shared/data/images, per source; `--reference` also runs the recognizer on each photo
  (about two minutes) to split them into photos it reads text in and photos it does not;
  `--read` also reads each drawn frame as shipped (the recognizer on the bands the test
  passes) and without the test, and counts the frames whose first line is read (80 % of its
  letters, in order);
- `--scripts`: character accuracy of the bundled recognizer per script (Latin, French,
  Spanish, German, digits, Arabic), lines drawn in DejaVu Sans;
- `--scale`: what detecting on bands scaled to `DET_LETTER` saves and loses, against the
  same analyzer detecting at full size: time, and the share of the words (three characters
  or more) read at full size that are still read, on the frames the text test passes;
- `--arabic`: Arabic and Darija lines drawn in DejaVu Sans (screenshots, captions on plain
  frames, caption bands over photos, outlined captions painted over photos, colour text
  and white or black text without an outline over photos), the share read
  by the Arabic rows and tesseract (at least 80 % of a line's letters, in order); and on the
  SFW photos and on the Latin frames of `--gate`: where rows are sought, where Arabic is read
  (none should be), and the time.

    PYTHONPATH=src .venv/bin/python bench/ocr.py [--gate [--reference] [--read]] [--scripts]
        [--scale] [--arabic]
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from tamis.analyzers.image import arabic
from tamis.analyzers.image.ocr import DET_LETTER, OcrAnalyzer, bands
from tamis.analyzers.image.textness import textness

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.drawn import REGULAR, backdrop, font_of, write

IMAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "images"
SIZE = (640, 480)
PHRASES = (
    "QUAND TU ES UN IMBÉCILE",
    "espèce de connard",
    "¿qué pasa, idiota?",
    "you are a stupid loser",
    "ferme ta gueule",
    "eres un pendejo",
    "shut up moron",
    "LUNDI MATIN AU BUREAU",
    "ça fait trop mal à la tête",
    "SEÑOR, ¡QUÉ ASCO!",
    "nobody: me at 3am",
    "garçon pâtissier",
    "mañana será otro día",
    "the cake is a lie 2024",
    "Vous êtes nul",
    "tonto del culo",
    "Happy birthday Tom",
    "Schöne Grüße aus Köln",
)
KINDS = ("meme", "meme-drawn", "caption", "screenshot", "colour", "small")
ARABIC = (
    "يا حمار اسكت",
    "الله يلعن أمثالك",
    "أنت غبي ولا تفهم شيئا",
    "كلكم خونة ومنافقين",
    "يا ولد الحرام",
    "هذا المقال رائع جدا",
    "مرحبا بكم في موقعنا",
    "شكرا على المساعدة",
    "أسوأ حكم في تاريخ الكرة",
    "عيد مبارك سعيد",
    "واش نتا مكلخ ولا شنو",
    "سير تقود يا الحمار",
    "الجو زوين اليوم فالرباط",
    "ما تنساوش الموعد ديال غدا",
    "صباح الخير يا جماعة",
)
ARABIC_KINDS = ("screenshot", "caption", "band", "painted", "colour", "plain")
SCRIPTS = {
    "latin": ("The quick brown fox jumps", "over the lazy dog again", "Pack my box with five"),
    "french": ("Élève très gâté à l'hôtel", "Le garçon naïf ôte son cœur", "Où est la forêt? Noël"),
    "spanish": ("¿Qué pasa, señor Muñoz?", "¡Ánimo! El niño comió piña", "Mañana irá a León"),
    "german": ("Größe und Übermaß", "schöne Mädchen in Köln", "Fußball über alles, süß"),
    "digits": ("0123456789", "2024-11-22 15:30", "3,14 + 2.71 = 5.85"),
    "arabic": ("مرحبا بكم في المغرب", "هذا نص عربي بسيط", "السلام عليكم"),
}


def photos() -> Iterator[tuple[str, str, np.ndarray]]:
    """(source, name, frame) for every SFW photo, scaled as the decoder does (≤ 1024 px)."""
    for path in sorted(IMAGES.rglob("*")):
        if path.suffix.lower() in {".jpg", ".jpeg", ".png"}:
            with Image.open(path) as image:
                frame = image.convert("RGB")
            frame.thumbnail((1024, 1024))
            yield path.parent.name, path.name, np.asarray(frame)


def plain(fill: str | tuple[int, int, int], name: str = REGULAR) -> dict[str, Any]:
    """Text without an outline, shrunk to fit the width."""
    return {"fill": fill, "outline": None, "name": name, "fit": True}


GROUNDS = [p for p in sorted(IMAGES.glob("*/*")) if p.parent.name in {"kodak", "coco", "skimage"}]


def ground(rng: random.Random) -> Image.Image:
    """A 640×480 photo to draw on (Kodak, COCO, scikit-image), or a drawn one without them."""
    if not GROUNDS:
        return backdrop(rng)
    with Image.open(rng.choice(GROUNDS)) as image:
        return image.convert("RGB").resize(SIZE)


def drawn(count: int, seed: int = 0) -> list[tuple[str, str, np.ndarray]]:
    """(kind, first line drawn, frame) for frames with text drawn on them, every kind in
    turn."""
    rng = random.Random(seed)

    out = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        phrase = rng.choice(PHRASES)
        if kind in {"meme", "meme-drawn"}:
            image = ground(rng) if kind == "meme" else backdrop(rng)
            size = rng.choice([28, 36, 48, 64])
            bold = "DejaVuSansCondensed-Bold.ttf"
            phrase = phrase.upper()
            write(image, phrase, size, 10, name=bold, fit=True)
            if rng.random() < 0.6:
                second = rng.choice(PHRASES).upper()
                write(image, second, size, -15, name=bold, fit=True)
        elif kind == "caption":
            band = rng.choice([(255, 255, 255), (0, 0, 0), (240, 230, 200), (30, 40, 90)])
            ink = (0, 0, 0) if sum(band) > 380 else (255, 255, 255)
            image = Image.new("RGB", SIZE, band)
            write(image, phrase, rng.choice([20, 28, 40]), rng.randint(20, 400), **plain(ink))
        elif kind == "screenshot":
            image = Image.new("RGB", SIZE, "white")
            for k in range(rng.randint(2, 6)):
                line = rng.choice(PHRASES)
                phrase = line if k == 0 else phrase
                write(image, line, 18, 20 + 40 * k, x=10, **plain((20, 20, 20)))
        elif kind == "colour":
            image = ground(rng)
            ink = rng.choice(
                [(255, 0, 0), (255, 255, 0), (0, 200, 255), (255, 255, 255), (0, 0, 0)]
            )
            name = rng.choice(["DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf"])
            write(image, phrase, rng.choice([24, 32, 44]), rng.randint(20, 400), **plain(ink, name))
        else:
            image = ground(rng)
            size = rng.choice([12, 14, 16, 18])
            if rng.random() < 0.5:
                ImageDraw.Draw(image).rectangle((0, 440, 640, 480), fill=(255, 255, 255))
                write(image, phrase, size, 450, x=10, **plain((0, 0, 0)))
            else:
                write(image, phrase, size, rng.randint(20, 440), x=10, **plain("white"))
        out.append((kind, phrase, np.asarray(image)))
    return out


def ms(call: Callable[[np.ndarray], object], frames: list[np.ndarray]) -> tuple[float, float]:
    """Median and mean ms per frame."""
    call(frames[0])
    times = []
    for frame in frames:
        start = time.perf_counter()
        call(frame)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.fmean(times)


def timing(count: int) -> None:
    from rapidocr import RapidOCR

    analyzer = OcrAnalyzer()
    default = RapidOCR(params={"Global.log_level": "error"})
    plain = [
        np.asarray(Image.fromarray(frame).resize(SIZE))
        for source, _, frame in photos()
        if source in {"kodak", "coco", "skimage"}
    ][:count] or [np.asarray(backdrop(random.Random(i))) for i in range(count)]
    memes = [frame for kind, _, frame in drawn(count * 6, seed=1) if kind == "meme"][:count]

    def tamis(frame: np.ndarray) -> object:  # as OcrAnalyzer.analyze reads a frame
        test = textness(frame)
        return analyzer.read_bands(frame, bands(test.rows, frame.shape[0])) if test.likely else None

    def peer(frame: np.ndarray) -> object:
        return default(np.ascontiguousarray(frame[:, :, ::-1]))

    fired = sum(textness(f).likely for f in plain)
    print(f"640×480 frames, ms per frame, median / mean ({os.cpu_count()} cores here)")
    print(f"{'':34}{'tamis':>14}{'rapidocr default':>20}{'ratio (mean)':>14}")
    rows = (
        (f"photos ({len(plain)}, test fires on {fired})", plain),
        (f"drawn memes ({len(memes)})", memes),
    )
    for label, frames in rows:
        (ours, ours_mean), (theirs, theirs_mean) = ms(tamis, frames), ms(peer, frames)
        print(
            f"{label:34}{ours:>7.1f} /{ours_mean:>5.1f}{theirs:>12.1f} /{theirs_mean:>6.1f}"
            f"{ours_mean / theirs_mean:>14.3f}"
        )
    test, test_mean = ms(textness, plain)
    print(f"{'text test alone, photos':34}{test:>7.2f} /{test_mean:>5.2f}")


def drawn_arabic(count: int, seed: int = 21) -> list[tuple[str, list[str], np.ndarray]]:
    """(kind, lines drawn, frame) for frames with Arabic drawn on them, every kind in turn."""
    rng = random.Random(seed)

    out = []
    for i in range(count):
        kind = ARABIC_KINDS[i % len(ARABIC_KINDS)]
        lines = [rng.choice(ARABIC)]
        if kind == "screenshot":
            paper = rng.choice([(255, 255, 255), (245, 248, 250), (21, 32, 43)])
            ink = (20, 20, 20) if paper[0] > 128 else (230, 230, 230)
            image = Image.new("RGB", SIZE, paper)
            lines = rng.sample(ARABIC, rng.randint(2, 5))
            for k, line in enumerate(lines):
                x = rng.randint(10, 200)
                write(image, line, rng.choice([16, 18, 22]), 20 + 44 * k, x=x, **plain(ink))
        elif kind == "caption":
            band = rng.choice([(255, 255, 255), (0, 0, 0), (240, 230, 200), (30, 40, 90)])
            ink = (0, 0, 0) if sum(band) > 380 else (255, 255, 255)
            image = Image.new("RGB", SIZE, band)
            write(image, lines[0], rng.choice([20, 28, 40]), rng.randint(20, 400), **plain(ink))
        elif kind == "band":
            image = ground(rng)
            ImageDraw.Draw(image).rectangle((0, 0, 640, 120), fill="white")
            write(
                image, lines[0], rng.choice([28, 36]), 30, **plain("black", "DejaVuSans-Bold.ttf")
            )
        elif kind == "painted":
            image = ground(rng) if rng.random() < 0.5 else backdrop(rng)
            write(
                image, lines[0], rng.choice([28, 36, 48]), 10, name="DejaVuSans-Bold.ttf", fit=True
            )
        else:
            image = ground(rng)
            inks = [(255, 0, 0), (255, 255, 0), (0, 200, 255), (0, 220, 0)]
            ink = rng.choice(inks if kind == "colour" else [(255, 255, 255), (0, 0, 0)])
            size, y = rng.choice([28, 36, 48]), rng.randint(20, 400)
            write(image, lines[0], size, y, **plain(ink, "DejaVuSans-Bold.ttf"))
        out.append((kind, lines, np.asarray(image)))
    return out


def letters(text: str) -> str:
    return "".join(c for c in text if "\u0621" <= c <= "\u064a")


def arabic_report(count: int) -> None:
    folder = arabic.tessdata()
    if folder is None:
        sys.exit("tesseract's Arabic model is not installed (Debian: tesseract-ocr-ara)")
    reader = arabic.ArabicReader(folder)
    read: dict[str, list[bool]] = defaultdict(list)
    for kind, lines, frame in drawn_arabic(count):
        texts = [letters(text) for _, text, _ in reader.read(frame)]
        for line in lines:
            want = letters(line)
            read[kind].append(
                any(difflib.SequenceMatcher(None, want, t).ratio() >= 0.8 for t in texts)
            )
    print(f"Arabic lines read (tesseract {reader.version}, {count} frames):")
    for kind in ARABIC_KINDS:
        print(f"  {kind:12} {np.mean(read[kind]):6.1%}  of {len(read[kind])} lines")
    groups = {
        "SFW photos": [frame for _, _, frame in photos()],
        "Latin text frames": [frame for _, _, frame in drawn(180)],
    }
    for label, frames in groups.items():
        found = accepted = 0
        times = []
        for frame in frames:
            start = time.perf_counter()
            rows = arabic.rows(frame)
            texts = reader.read(frame) if rows else []
            times.append(time.perf_counter() - start)
            found += bool(rows)
            accepted += bool(texts)
        print(
            f"{label} ({len(frames)}): rows found in {found}, Arabic read in {accepted}; "
            f"ms per frame median {statistics.median(times) * 1000:.2f}, "
            f"mean {statistics.fmean(times) * 1000:.2f}"
        )


def latin(text: str) -> str:
    """Letters and digits, lower-cased, accents dropped: what a reading is compared on."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain)


def has_read(phrase: str, lines: list[Any]) -> bool:
    """At least 80 % of the phrase's letters, in order, among the lines read."""
    want, got = latin(phrase), latin(" ".join(ln.text for ln in lines))
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) >= 0.8 * len(want)


def gate_report(count: int, reference: bool, read: bool) -> None:
    hits: dict[str, list[bool]] = defaultdict(list)
    reads: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    reader = OcrAnalyzer(gate=False) if reference or read else None
    times = []
    for kind, phrase, frame in drawn(count):
        start = time.perf_counter()
        test = textness(frame)
        times.append(time.perf_counter() - start)
        hits[kind].append(test.likely)
        if read and reader is not None:
            shipped = (
                reader.read_bands(frame, bands(test.rows, frame.shape[0])) if test.likely else []
            )
            reads[kind].append((has_read(phrase, shipped), has_read(phrase, reader.read(frame))))
    print("recall on drawn text (640×480):")
    for kind in KINDS:
        line = f"  {kind:12} {np.mean(hits[kind]):6.1%}  of {len(hits[kind])}"
        if reads[kind]:
            shipped, ungated = (np.mean(column) for column in zip(*reads[kind], strict=True))
            line += (
                f"; first line read {shipped:6.1%} (the recognizer without the test {ungated:.1%})"
            )
        print(line)
    fired: dict[str, list[bool]] = defaultdict(list)
    for source, _, frame in photos():
        start = time.perf_counter()
        likely = textness(frame).likely
        times.append(time.perf_counter() - start)
        fired[source].append(likely)
        if reference and reader is not None:
            lines = reader.read(frame)
            has = any(len(re.sub(r"\W", "", ln.text)) >= 3 for ln in lines)
            fired[f"{'reads text' if has else 'reads none'}"].append(likely)
    print("fires on SFW photos:")
    for source, values in sorted(fired.items()):
        print(f"  {source:12} {np.mean(values):6.1%}  of {len(values)}")
    print(f"text test: median {statistics.median(times) * 1000:.2f} ms per frame")


def levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def scripts() -> None:
    analyzer = OcrAnalyzer(gate=False, min_confidence=0.0)
    face = font_of(32, REGULAR)
    print("character accuracy (1 - edit distance / length), lines in DejaVu Sans 32 px:")
    for name, lines in SCRIPTS.items():
        errors = total = 0
        read = []
        for line in lines:
            image = Image.new("RGB", (640, 120), "white")
            rtl = {"direction": "rtl", "language": "ar"} if name == "arabic" else {}
            ImageDraw.Draw(image).text((20, 40), line, font=face, fill="black", **rtl)
            got = " ".join(ln.text for ln in analyzer.read(np.asarray(image)))
            errors += levenshtein(unicodedata.normalize("NFC", line), got)
            total += len(line)
            read.append(got)
        print(f"  {name:8} {1 - errors / total:6.1%}   read: {read}")


def scale_report(count: int) -> None:
    shipped, full = OcrAnalyzer(), OcrAnalyzer(det_letter=1_000_000)
    groups: dict[str, list[np.ndarray]] = defaultdict(list)
    for _, _, frame in photos():
        groups["photos"].append(frame)
    for kind, _, frame in drawn(count):
        groups[f"drawn {kind}"].append(frame)
    print(f"detection scaled to {DET_LETTER} px letters vs at full size, frames the test passes:")
    print(f"  {'':18}{'frames':>7}{'ms scaled':>11}{'ms full':>9}{'words kept':>12}")
    for label, frames in groups.items():
        passed = [(f, bands(t.rows, f.shape[0])) for f in frames if (t := textness(f)).likely]
        if not passed:
            continue
        seconds = {"scaled": 0.0, "full": 0.0}
        kept = total = 0
        for frame, spans in passed:
            words = {}
            for side, analyzer in (("scaled", shipped), ("full", full)):
                start = time.perf_counter()
                lines = analyzer.read_bands(frame, spans)
                seconds[side] += time.perf_counter() - start
                words[side] = {w for ln in lines for w in ln.text.split() if len(w) >= 3}
            kept += len(words["full"] & words["scaled"])
            total += len(words["full"])
        print(
            f"  {label:18}{len(passed):>7}{1000 * seconds['scaled'] / len(passed):>11.1f}"
            f"{1000 * seconds['full'] / len(passed):>9.1f}{kept / max(total, 1):>11.1%} of {total}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gate", action="store_true")
    parser.add_argument("--reference", action="store_true")
    parser.add_argument("--read", action="store_true", help="with --gate: what is then read")
    parser.add_argument("--scripts", action="store_true")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--arabic", action="store_true")
    parser.add_argument("--count", type=int, default=180, help="drawn frames for --gate")
    parser.add_argument("--frames", type=int, default=40, help="frames per timing row")
    args = parser.parse_args()
    if args.gate:
        gate_report(args.count, args.reference, args.read)
    if args.scripts:
        scripts()
    if args.scale:
        scale_report(args.count)
    if args.arabic:
        arabic_report(args.count)
    if not (args.gate or args.scripts or args.scale or args.arabic):
        timing(args.frames)


if __name__ == "__main__":
    main()
