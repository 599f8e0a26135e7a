"""Field accuracy on the fixture corpus pinned: a parser change that loses accuracy fails here.

The fixture corpus (tests/fixtures/corpus) holds the SCO excerpts, the real Markdown and text
copies and the small real PDFs with their hand-labelled gold records; records are built with
`build_communique` (no Prefect) and scored with the gold scorer. The floors are the figures
reached, rounded down to two decimals: raise them when accuracy improves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from extractors.document import build_communique
from tests.tools.score_gold import score

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"

SCALAR_FLOORS = {
    "doc_type": 1.0,
    "issued_date": 0.98,
    "issued_place": 0.98,
    "issued_country": 0.97,
    "language": 1.0,
    "issuing_body": 0.97,
}
F1_FLOORS = {"participants": 0.95, "countries": 0.97, "referenced_events": 0.93, "instruments": 0.86}


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    records = []
    for path in sorted(p for p in CORPUS.iterdir() if p.is_file()):
        data = path.read_bytes()
        record = build_communique(data, path.name, hashlib.sha256(data).hexdigest())
        records.append(record.model_dump(mode="json"))
    return score(records, CORPUS / "gold")


def test_every_gold_record_is_scored(report: dict[str, Any]) -> None:
    assert report["missing"] == []
    assert report["documents"] == len(list((CORPUS / "gold").glob("*.json")))


@pytest.mark.parametrize("field", sorted(SCALAR_FLOORS))
def test_scalar_accuracy_floor(report: dict[str, Any], field: str) -> None:
    assert report["scalars"][field] >= SCALAR_FLOORS[field], report["per_document"]


@pytest.mark.parametrize("field", sorted(F1_FLOORS))
def test_list_f1_floor(report: dict[str, Any], field: str) -> None:
    assert report["lists"][field]["f1"] >= F1_FLOORS[field], report["per_document"]
