"""parse(): the gold records matched exactly, on the seed texts and their rendered PDFs; properties."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.cleaning import segment
from extractors.language import detect_language
from extractors.pdf import read_pdf
from extractors.structure import page_at, parse
from extractors.text import read_text
from schemas.records import Block, CleanDocument, DocType, Structure
from tests.tools.score_gold import score

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLD = FIXTURES / "gold"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
RENDERED = sorted((FIXTURES / "rendered").glob("*.pdf"))
CORPUS = FIXTURES / "corpus"


def clean_document(path: Path) -> CleanDocument:
    """The clean document the pipeline makes of a seed text or a rendered PDF."""
    data = path.read_bytes()
    return segment(read_pdf(data) if path.suffix == ".pdf" else read_text(data))


def record(source_file: str, doc: CleanDocument) -> dict[str, Any]:
    """The exported fields the scorer reads, for one parsed document."""
    structure = parse(doc)
    return {
        "source_file": source_file,
        "doc_type": structure.doc_type.value,
        "title": structure.title,
        "issuing_body": structure.issuing_body,
        "issued_date": structure.issued_date.isoformat() if structure.issued_date else None,
        "issued_place": structure.issued_place,
        "issued_country": structure.issued_country,
        "language": detect_language(doc.text)[0],
        "participants": [
            {"name": p.name, "role": p.role, "country": p.country} for p in structure.participants
        ],
        "countries": [m.country for m in structure.country_mentions],
        "referenced_events": [
            {"date_start": e.date_start.isoformat(), "date_end": e.date_end.isoformat(), "place": e.place}
            for e in structure.referenced_events
        ],
        "instruments": [{"name": i.name, "kind": i.kind} for i in structure.instruments],
    }


def score_files(paths: list[Path], tmp_path: Path) -> dict[str, Any]:
    lines = [json.dumps(record(p.name, clean_document(p)), ensure_ascii=False) for p in paths]
    export = tmp_path / "records.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    return score(records, GOLD)


def worst_field(report: dict[str, Any]) -> float:
    scalars = [v for v in report["scalars"].values() if v is not None]
    return min(scalars + [v["f1"] for v in report["lists"].values()])


# ---------------------------------------------------------------- acceptance: the gold records


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_text_matches_its_gold_record_exactly(path: Path, tmp_path: Path) -> None:
    report = score_files([path], tmp_path)
    assert report["documents"] == 1
    assert report["per_document"][path.stem] == []
    assert worst_field(report) == 1.0


@pytest.mark.parametrize("path", RENDERED, ids=lambda p: p.stem)
def test_rendered_pdf_matches_its_gold_record_exactly(path: Path, tmp_path: Path) -> None:
    report = score_files([path], tmp_path)
    assert report["documents"] == 1
    assert list(report["per_document"].values()) == [[]]
    assert worst_field(report) == 1.0


def test_both_seeds_scored_together_have_worst_field_one(tmp_path: Path) -> None:
    report = score_files(SEEDS, tmp_path)
    assert report["documents"] == 2
    assert report["missing"] == []
    assert worst_field(report) == 1.0


def test_press_release_structure_in_detail() -> None:
    structure = parse(clean_document(FIXTURES / "seeds" / "sco_cfm_press_release_2009-05-15.txt"))
    assert structure.doc_type is DocType.PRESS_RELEASE
    assert (
        structure.title
        == "Meeting of the Council of Ministers of Foreign Affairs of the Shanghai Cooperation Organization"
    )
    secretary = next(p for p in structure.participants if p.name == "B. Nurgaliev")
    assert (secretary.role, secretary.country, secretary.organization) == ("Secretary-General", None, "SCO")
    exercise = next(e for e in structure.referenced_events if e.date_start == dt.date(2009, 4, 17))
    assert (exercise.date_end, exercise.place) == (dt.date(2009, 4, 19), "Republic of Tajikistan")
    assert {m.country: m.mentions for m in structure.country_mentions}["RUS"] == 3
    assert {"terrorism", "drugs", "afghanistan", "information_security"} <= set(structure.topics)


def test_declaration_title_is_written_in_title_case() -> None:
    structure = parse(clean_document(FIXTURES / "seeds" / "sco_heads_of_state_declaration_2003-05-29.txt"))
    assert (
        structure.title
        == "Declaration by the Heads of the Member States of the Shanghai Cooperation Organization"
    )
    assert [i.name for i in structure.instruments].count("SCO Charter") == 1


def test_pages_come_from_the_blocks_holding_each_span() -> None:
    structure = parse(clean_document(FIXTURES / "rendered" / "sco_heads_of_state_declaration_2003-05-29.pdf"))
    dateline = next(e for e in structure.referenced_events if e.date_start == dt.date(2003, 5, 29))
    assert dateline.page == 4
    assert {p.page for p in structure.participants} == {1}


def test_page_at_outside_every_block_is_none() -> None:
    blocks = [Block(text="ab", page_start=2, page_end=2, char_start=0, char_end=2)]
    assert page_at(blocks, 1) == 2
    assert page_at(blocks, 3) is None
    assert page_at([], 0) is None


def test_parse_takes_a_few_milliseconds_per_document() -> None:
    docs = [clean_document(p) for p in SEEDS]
    parse(docs[0])  # the data tables load once, on first use
    started = time.perf_counter()
    for doc in docs * 5:
        parse(doc)
    per_document = (time.perf_counter() - started) / (len(docs) * 5)
    assert per_document < 0.05


# ---------------------------------------------------------------- properties


def one_block(text: str) -> CleanDocument:
    return CleanDocument(
        text=text, blocks=[Block(text=text, page_start=1, page_end=1, char_start=0, char_end=len(text))]
    )


def check_spans(doc: CleanDocument, structure: Structure) -> None:
    for participant in structure.participants:
        assert participant.name in doc.text[participant.char_start : participant.char_end]
    for event in structure.referenced_events:
        assert event.description in doc.text[event.char_start : event.char_end]
        assert event.date_start <= event.date_end
    for instrument in structure.instruments:
        assert instrument.name in doc.text[instrument.char_start : instrument.char_end]
    assert structure.issued_date is None or isinstance(structure.issued_date, dt.date)


_VOCABULARY = st.sampled_from(
    [
        "President",
        "Minister of Foreign Affairs of",
        "the Russian Federation",
        "Kazakhstan",
        "M.",
        "Tazhin",
        "held on",
        "May 15, 2009",
        "June 15-16, 2009",
        "in Moscow",
        "Agreement on",
        "SCO Charter",
        "the",
        "(hereinafter referred to as the SCO)",
        "Shanghai Cooperation Organization",
        ",",
        ".",
        "and",
        "as the",
        "Executive Secretary",
        "(People's Republic of China)",
        "Президент",
        "Республики Казахстан",
        "29 мая 2003 года",
        "2019年7月23日",
        "于北京",
        "哈萨克斯坦共和国外交部长",
        "托卡耶夫",
        "、",
        "《比什凯克宣言》",
        "\n\n",
        "Moscow,",
        "not later than",
        "Memorandum between",
        "of September 14, 2001",
        "Afghan",
        "Georgia",
        "31 February 2020",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_VOCABULARY, st.text(max_size=12)), max_size=40).map(" ".join))
def test_parse_never_raises_and_every_span_holds_its_value(text: str) -> None:
    doc = one_block(text)
    check_spans(doc, parse(doc))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    doc = one_block(text)
    check_spans(doc, parse(doc))


def test_parse_of_an_empty_document() -> None:
    structure = parse(CleanDocument(text="", blocks=[]))
    assert structure.doc_type is DocType.OTHER
    assert structure.title is None
    assert structure.participants == [] and structure.referenced_events == [] and structure.topics == []


def test_markdown_front_matter_gives_title_type_and_date() -> None:
    data = (
        b"---\ndate: '2022-03-24'\ntitle: \"G7 Leaders\\u2019 Statement\"\n---\n\n"
        b"1.  We, the Leaders of the G7, met today in Brussels at the invitation of the German"
        b" Presidency. Following the resolution on 2 March 2022, we stand with Ukraine.\n"
    )
    found = parse(segment(read_text(data, markdown=True)))
    assert found.title == "G7 Leaders\u2019 Statement"
    assert found.doc_type == DocType.STATEMENT
    assert found.issued_date == dt.date(2022, 3, 24)
    assert (found.issued_place, found.issued_country) == ("Brussels", "BEL")
    assert found.issuing_body == "G7"


def test_labelled_header_place_fills_in_and_its_date_yields_to_the_text() -> None:
    data = (
        b"[Title] JOINT COMMUNIQUE of the Council of Heads of Government\n\n"
        b"[Place] Tashkent\n[Date] June 7, 2004\n[Full text]\n\n"
        b"The Council of Heads of Government held a regular meeting on June 17, 2004.\n"
    )
    found = parse(segment(read_text(data)))
    assert found.title == "JOINT COMMUNIQUE of the Council of Heads of Government"
    assert found.doc_type == DocType.JOINT_COMMUNIQUE
    assert found.issued_date == dt.date(2004, 6, 17)  # a catalogue's date does not beat the text's own
    assert (found.issued_place, found.issued_country) == ("Tashkent", "UZB")


def test_labelled_header_date_and_place_when_the_text_gives_none() -> None:
    data = b"Date: September 13, 2013\nPlace: Bishkek\n\nThe member states declare the following.\n"
    found = parse(segment(read_text(data)))
    assert found.issued_date == dt.date(2013, 9, 13)
    assert (found.issued_place, found.issued_country) == ("Bishkek", "KGZ")


def test_labelled_header_place_yields_to_the_texts_dateline() -> None:
    data = b"[Place] Bishkek\n[Date] June 14, 2019\n\nThey declare.\n\nMoscow, 15 June 2019\n"
    found = parse(segment(read_text(data)))
    assert (found.issued_date, found.issued_place) == (dt.date(2019, 6, 15), "Moscow")


def test_sco_en_2013_09_13_site_banner_is_no_country_mention() -> None:
    doc = clean_document(CORPUS / "sco_en_2013-09-13_declaration.txt")
    found = parse(doc)
    assert "JPN" not in {m.country for m in found.country_mentions}
    assert "University" not in doc.text and "[Place]" not in doc.text
    assert (found.issued_date, found.issued_place) == (dt.date(2013, 9, 13), "Bishkek")


def test_warm_up_sample_is_parsed_like_any_document() -> None:
    from extractors import document

    doc = document.build_communique(document._WARM_UP.encode(), "warm-up.txt", "warm-up")
    assert doc.language == "en" and doc.issued_date is not None and {"KAZ", "RUS"} <= set(doc.countries)
    document.warm_up()
