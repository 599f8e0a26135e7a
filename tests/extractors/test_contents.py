"""Tables of contents are recognised and kept out of the numbered paragraphs."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.contents import is_contents
from extractors.document import number_paragraphs
from schemas.records import Block

TOC = (
    "AGENDA ITEM 1 - OPENING OF MEETING ........................................ 1 "
    "AGENDA ITEM 2 - MEMBERSHIP AND OTHER APPLICATIONS ................. 3 "
    "AGENDA ITEM 4 - CMM 2012-01 (REPLACEMENT MEASURE FOR CMM 2008-01 / CMM 2011-01) ............ 14"
)


@pytest.mark.parametrize(
    "text",
    [TOC, "Annex 2 . . . . . . 14", "Введение ………… 5", "Introduction ________ 3"],
)
def test_contents_entries_are_recognised(text: str) -> None:
    assert is_contents(text)


@pytest.mark.parametrize(
    "text",
    [
        "1. The Ninth Regular Session of the Commission was held in Manila on 2-6 December 2012.",
        "The talks continued.... 2 delegations left early and the rest of the paragraph goes on to say "
        "a great deal more about what happened afterwards, well beyond what any contents entry would hold, "
        "including the names of the delegations, the agenda items they discussed and the decisions taken.",
        "",
    ],
)
def test_prose_is_not_contents(text: str) -> None:
    assert not is_contents(text)


def test_contents_blocks_are_not_numbered_paragraphs() -> None:
    body = "The Commission adopted the report of the meeting and thanked the host government warmly."
    blocks = [
        Block(text=TOC, page_start=2, page_end=2, char_start=0, char_end=len(TOC)),
        Block(
            text=body, page_start=3, page_end=3, char_start=len(TOC) + 2, char_end=len(TOC) + 2 + len(body)
        ),
    ]
    paragraphs = number_paragraphs(blocks)
    assert [p.text for p in paragraphs] == [body]
    assert paragraphs[0].number == 1


@given(st.text(max_size=300))
def test_is_contents_never_raises(text: str) -> None:
    assert is_contents(text) in (True, False)


@pytest.mark.parametrize("run", [".", ". ", "…", "… ", "·", "_"])
def test_a_long_run_of_leader_characters_takes_linear_time(run: str) -> None:
    # found while fuzzing long lines (tests/extractors/test_properties.py): a leader was tried from
    # every character of a run, each try rescanning the rest of it; 20,000 dots took 12 s
    text = "Annex 2 " + run * (40_000 // len(run)) + " 14"
    started = time.perf_counter()
    assert is_contents(text)
    assert not is_contents(run * (40_000 // len(run)))
    assert time.perf_counter() - started < 2.0
