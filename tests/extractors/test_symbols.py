"""Document symbols read from a cover block or header."""

from __future__ import annotations

import pytest

from extractors.symbols import document_symbol


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("UNITED NATIONS\nDistr. LIMITED\nGENERAL ASSEMBLY A/L.632\n29 September 1971", "A/L.632"),
        ("Resolution A/RES/2758 (XXVI)\nRestoration of the lawful rights", "A/RES/2758 (XXVI)"),
        ("Security Council\nS/2022/123\nLetter dated", "S/2022/123"),
        ("General Assembly A/C.1/76/L.2\nFirst Committee", "A/C.1/76/L.2"),
        ("E/CN.4/1998/53/Add.1\nCommission on Human Rights", "E/CN.4/1998/53/Add.1"),
        ("Paper by WWF WCPFC12-2015-OP03 13 November 2015", "WCPFC12-2015-OP03"),
        ("LETTER FROM ECUADOR WCPFC4-2007/OP14 7 December 2007", "WCPFC4-2007/OP14"),
        ("FIRST SESSION\nSUMMARY RECORD\nWCPFC/Comm.1/8\n10 December 2004", "WCPFC/Comm.1/8"),
        ("Report CCSBT-EC/1510/Rep of the meeting", "CCSBT-EC/1510/Rep"),
    ],
)
def test_symbol_in_the_header(text: str, symbol: str) -> None:
    assert document_symbol(text) == symbol


@pytest.mark.parametrize(
    "text",
    [
        "Joint Statement of the Leaders\nWashington, May 1, 2023",
        "The WCPFC/SPC report on stocks was tabled in 2015/16.",
        "上海合作组织成员国元首理事会宣言 2019年6月14日",
    ],
)
def test_no_symbol_is_none(text: str) -> None:
    assert document_symbol(text) is None


def test_a_symbol_cited_deep_in_the_body_is_not_the_documents_own() -> None:
    text = "Joint statement\n\n" + "We recall the earlier decisions. " * 60 + "resolution A/RES/2758 (XXVI)"
    assert document_symbol(text) is None
