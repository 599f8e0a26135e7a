"""Real layouts: preamble verbs in capitals and dash list items stay body text, not headings."""

from __future__ import annotations

from extractors.cleaning import segment
from extractors.document import number_paragraphs
from extractors.text import read_text

PREAMBLE = """DECLARATION ON FISHERIES

The Parties,

REAFFIRMING their commitment to the conservation of fish stocks;

RECOGNIZING the needs of small island developing States;

Have agreed as follows:

— to strengthen cooperation;
— to share data on catches.
"""


def test_preamble_verbs_and_dash_items_stay_readable_body_text() -> None:
    doc = segment(read_text(PREAMBLE.encode("utf-8")))
    assert [b.text for b in doc.blocks if b.heading] == ["DECLARATION ON FISHERIES"]
    texts = [p.text for p in number_paragraphs(doc.blocks)]
    assert "REAFFIRMING their commitment to the conservation of fish stocks;" in texts
    assert "RECOGNIZING the needs of small island developing States;" in texts
    assert any(t.endswith("to strengthen cooperation;") for t in texts)
    assert any(t.endswith("to share data on catches.") for t in texts)
