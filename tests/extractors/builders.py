"""Test helpers shared by the extractor tests."""

from __future__ import annotations

from schemas.records import Block


def blocks(*paragraphs: str, headings: int = 0) -> list[Block]:
    """Blocks on page 1 laid out as `segment` does (blank line between); the first `headings` are headings."""
    out, pos = [], 0
    for index, text in enumerate(paragraphs):
        out.append(
            Block(
                text=text,
                heading=index < headings,
                page_start=1,
                page_end=1,
                char_start=pos,
                char_end=pos + len(text),
            )
        )
        pos += len(text) + 2
    return out
