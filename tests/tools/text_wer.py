#!/usr/bin/env python3
"""Word error rate of an extracted text against a reference text.

A copy of /work/shared/tools/text_wer.py (same normalisation, same arithmetic), reformatted
to pass the project's ruff rules, so the tests stand alone in CI; `text_wer` is added.

usage: text_wer.py REFERENCE.txt CANDIDATE.txt   (or CANDIDATE '-' for stdin)
Both sides are normalised first: Markdown heading marks removed, typographic quotes
and dashes unified, case folded, punctuation split off, whitespace collapsed.
Prints: wer=0.0123 ref_words=N sub=.. ins=.. del=..
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u00a0": " ",
    }
)


def words(text: str) -> list[str]:
    """The normalised words of `text`."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"^#+\s*", "", t, flags=re.M)
    t = t.translate(_TYPOGRAPHY)
    t = re.sub(r"([^\w\s'-])", r" \1 ", t.casefold())
    return t.split()


def wer(ref: list[str], hyp: list[str]) -> tuple[float, int, int, int]:
    """Word error rate of `hyp` against `ref`, with the substitutions, insertions and deletions."""
    # Levenshtein on words, O(n*m) with two rows; fine for documents of a few thousand words
    prev = list(range(len(hyp) + 1))
    ops_prev = [(0, j, 0) for j in range(len(hyp) + 1)]  # (sub, ins, del)
    for i in range(1, len(ref) + 1):
        cur = [i] + [0] * len(hyp)
        ops_cur = [(0, 0, i)] + [(0, 0, 0)] * len(hyp)
        for j in range(1, len(hyp) + 1):
            if ref[i - 1] == hyp[j - 1]:
                cur[j], ops_cur[j] = prev[j - 1], ops_prev[j - 1]
                continue
            s, ins, d = prev[j - 1] + 1, cur[j - 1] + 1, prev[j] + 1
            best = min(s, ins, d)
            cur[j] = best
            if best == s:
                o = ops_prev[j - 1]
                ops_cur[j] = (o[0] + 1, o[1], o[2])
            elif best == ins:
                o = ops_cur[j - 1]
                ops_cur[j] = (o[0], o[1] + 1, o[2])
            else:
                o = ops_prev[j]
                ops_cur[j] = (o[0], o[1], o[2] + 1)
        prev, ops_prev = cur, ops_cur
    sub, ins, dele = ops_prev[-1]
    return prev[-1] / max(1, len(ref)), sub, ins, dele


@functools.lru_cache(maxsize=32)
def text_wer(reference: str, candidate: str) -> float:
    """Word error rate of a candidate text against a reference text (cached: tests repeat pairs)."""
    return wer(words(reference), words(candidate))[0]


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as reference:
        ref = words(reference.read())
    if sys.argv[2] == "-":
        hyp = words(sys.stdin.read())
    else:
        with open(sys.argv[2], encoding="utf-8") as candidate:
            hyp = words(candidate.read())
    w, s, i, d = wer(ref, hyp)
    print(f"wer={w:.4f} ref_words={len(ref)} sub={s} ins={i} del={d}")
