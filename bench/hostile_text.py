"""Texts built to make pattern matching slow, beside ordinary text of the same length.

Why: a comment of 20,000 characters (the API's limit) made of one long run of dots and
digits (`1.1.1.…`) or dashes and letters (`a-a-a-…`) once took seconds to judge, because a
pattern for addresses was tried at every position of the run and scanned to its end each
time. Each hostile text is judged with `tamis.moderate(text=...)`, exactly as shipped; the
peer is ordinary prose cut to the same length (real comments repeated), judged the same way
in the same run. Each text is judged once, so no cache helps (a slightly different text is
built for every repetition).

    .venv/bin/python bench/hostile_text.py [--chars 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import tamis

PROSE = (
    "Merci pour cet article, mais je ne suis pas d'accord avec la conclusion. "
    "The council should publish the figures before the vote. "
    "¿Alguien sabe a qué hora abre la biblioteca el domingo? "
)
HOSTILE: dict[str, Callable[[int], str]] = {
    "digits and dots (1.1.1.)": lambda n: "1." * (n // 2),
    "letters and dashes (a-a-a-)": lambda n: "a-" * (n // 2),
    "a link of dots (www.a.a.)": lambda n: "www." + "a." * (n // 2 - 2),
    "at signs (x@x@)": lambda n: "x@" * (n // 2),
    "dashes and dots (-.-.)": lambda n: "-." * (n // 2),
    "exclamation marks after a letter (a!!!)": lambda n: "a" + "!" * (n - 1),
    "digits and exclamation marks (1!1!)": lambda n: "1!" * (n // 2),
    "group attacks and pronouns": lambda n: (
        "Muslims? I hate them. 'Jews are rats', les Roms il faut tous les tuer. " * n
    )[:n],
    "articles between a group and a threat (les les)": lambda n: (
        "les juifs les les les les tous les tuer " * n
    )[:n],
    "listed words run together (muslimsarerats…)": lambda n: ("muslimsarerats" * n)[:n],
}


def judged_ms(make: Callable[[int], str], chars: int, repeat: int) -> float:
    times = []
    for i in range(repeat):
        text = f"{i} {make(chars)}"[:chars]
        start = time.perf_counter()
        tamis.moderate(text=text)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tamis.moderate(text="warm up")
    prose = judged_ms(lambda n: (PROSE * (n // len(PROSE) + 1))[:n], args.chars, args.repeat)
    print(f"{args.chars:,} characters, median of {args.repeat}, one core")
    print(f"  {'ordinary prose (peer)':42} {prose:8.1f} ms")
    for name, make in HOSTILE.items():
        ms = judged_ms(make, args.chars, args.repeat)
        print(f"  {name:42} {ms:8.1f} ms  {ms / prose:5.2f}x the prose")


if __name__ == "__main__":
    main()
