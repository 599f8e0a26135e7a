"""Scans and broken text layers: the garbage detector, the OCR helpers, and read_pdf on scanned files.

Tests that run Tesseract take the `tesseract` fixture: without Tesseract they are skipped on
a workstation, and fail in CI (the CI environment variable is set), where it is installed.
Each page image is OCR'd once per module (`_cached_ocr`); four pages in all.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import extractors.pdf
from extractors.cleaning import segment
from extractors.document import build_communique
from extractors.language import detect_language
from extractors.ocr import (
    DEFAULT_LANGUAGES,
    OcrResult,
    OcrUnavailable,
    OcrWord,
    is_speck,
    join_cjk,
    languages_for,
    missing_ocr,
    ocr_available,
    page_text,
    parse_hocr,
    parse_osd,
)
from extractors.pdf import needs_ocr, read_pdf
from extractors.scans import scanned_page
from extractors.textlayer import looks_like_garbage, score_text_layer
from schemas.errors import EmptyDocument, TerminalError, UnreadableFile
from schemas.records import RawDocument
from tests.tools.score_gold import score
from tests.tools.text_wer import text_wer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SCANS = FIXTURES / "scans"
PRESS = "sco_cfm_press_release_2009-05-15"
SCANNED_PRESS = SCANS / f"{PRESS}_scanned.pdf"
RUSSIAN_SCAN = SCANS / "1971-10-25_GA_Resolution_2758_ru.pdf"
CID_PAGE = SCANS / "wcpfc12_op03_wwf_factsheet_p12_cid_glyphs.pdf"
INSTALL = "install Tesseract (Debian: apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-chi-sim)"

ENGLISH = (FIXTURES / "seeds" / f"{PRESS}.txt").read_text(encoding="utf-8")
RUSSIAN = (
    "23-24 июня 2016 г. в столице Республики Узбекистан городе Ташкенте состоялось 16-е заседание "
    "Совета глав государств - членов Шанхайской организации сотрудничества (СГГ ШОС) в 15-ю годовщину "
    "образования ШОС. В заседании приняли участие президент Республики Казахстан Нурсултан Назарбаев, "
    "председатель Китайской Народной Республики Си Цзиньпин, президент Кыргызской Республики Алмазбек "
    "Атамбаев, президент Российской Федерации Путин, президент Республики Таджикистан Эмомали Рахмон."
)
CHINESE = (
    "2023年10月26日,上海合作组织(以下简称“上合组织”或“本组织”)成员国政府首脑(总理)理事会第二十二次会议"
    "在比什凯克举行。印度共和国外交部长苏杰生、伊朗伊斯兰共和国第一副总统穆赫贝尔、哈萨克斯坦共和国总理斯迈洛夫、"
    "中华人民共和国国务院总理李强、吉尔吉斯共和国总理扎帕罗夫、巴基斯坦伊斯兰共和国外交部长吉拉尼、"
    "俄罗斯联邦政府总理米舒斯京、塔吉克斯坦共和国总理拉苏尔佐达、乌兹别克斯坦共和国总理阿里波夫出席会议。"
    "会议由吉尔吉斯共和国总理扎帕罗夫主持。上合组织秘书长张明、上合组织地区反恐怖机构执行委员会主任出席会议。"
)


# ---------------------------------------------------------------- the garbage detector


def _shift(text: str, offset: int) -> str:
    """What a font with a shifted character map yields: every ASCII letter moved by `offset`."""
    return "".join(chr(ord(c) + offset) if c.isascii() and c.isalpha() else c for c in text)


def _random_words(alphabet: str, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join("".join(rng.choices(alphabet, k=rng.randint(2, 9))) for _ in range(200))


GARBAGE = {
    "cid_glyph_codes": " ".join(f"(cid:{code})" for code in random.Random(1).choices(range(3, 200), k=300)),
    "replacement_characters": "".join("\ufffd" if c.isalpha() else c for c in ENGLISH[:1500]),
    "private_use_glyphs": "".join(chr(0xE000 + ord(c)) if c.isalpha() else c for c in ENGLISH[:1500]),
    "letters_shifted_by_3": _shift(ENGLISH[:1500], 3),
    "letters_shifted_by_1": _shift(ENGLISH[:1500], 1),
    "glyph_ids_as_codes": "".join(chr(ord(c) - 29) if ord(c) > 61 else c for c in ENGLISH[:1500]),
    "random_letters": _random_words(string.ascii_letters, 2),
    "random_lower_case_letters": _random_words(string.ascii_lowercase, 3),
    "symbol_soup": "".join(
        random.Random(4).choices("!#$%&()*+/:;<=>?@[]^_{|}~©®±¬¦§¨ª«¯²³´µ¶¸¹º¼½¾¿", k=800)
    ),
    "utf8_read_as_cp1252": RUSSIAN.encode("utf-8").decode("cp1252", "replace"),
    "cp1251_read_as_latin1": RUSSIAN.encode("cp1251").decode("latin-1"),
    "random_han_characters": "".join(chr(c) for c in random.Random(5).choices(range(0x4E00, 0x9FA5), k=600)),
}

REAL = {
    "english_page": ENGLISH[:2500],
    "russian_paragraph": RUSSIAN,
    "chinese_paragraph": CHINESE,
    "signature_page": "Done at Minsk, 8 December 1991\n\nFor the Republic of Belarus\nС. Шушкевич",
    "chinese_dateline": "二〇一九年六月十四日于比什凯克",
    "document_symbols": "WCPFC12-2015-OP19\nCNM SCO UN WCPFC NGO FFA PNA\n1645 1",
    "table_of_figures": "\n".join(" ".join(str(n * 37 % 99991) for n in range(r, r + 8)) for r in range(30)),
    "table_of_contents": "\n".join(
        f"Chapter {n} .............................. {n * 3}" for n in range(1, 20)
    ),
    "all_caps_telegram": ENGLISH[:1500].upper(),
    "all_caps_russian": RUSSIAN.upper(),
    "page_number": "- 3 -",
    "empty": "",
    "a_few_cid_bullets": "(cid:127) " + "\n(cid:127) ".join(ENGLISH[:1500].split(". ")),
}


@pytest.mark.parametrize("name", GARBAGE)
def test_garbage_text_layers_are_flagged(name: str) -> None:
    assert looks_like_garbage(GARBAGE[name]), score_text_layer(GARBAGE[name])


@pytest.mark.parametrize("name", REAL)
def test_real_text_is_not_flagged_whatever_its_script_or_length(name: str) -> None:
    assert not looks_like_garbage(REAL[name]), score_text_layer(REAL[name])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([ENGLISH, RUSSIAN, CHINESE]), st.integers(0, 10_000), st.integers(80, 3000))
def test_no_stretch_of_real_text_is_garbage(text: str, start: int, length: int) -> None:
    """Any window of real text of any length is real text (short ones are not judged by statistics)."""
    start %= len(text)
    assert not looks_like_garbage(text[start : start + length])


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_the_detector_never_raises_and_blank_text_is_not_garbage(text: str) -> None:
    looks_like_garbage(text)
    assert not looks_like_garbage(" \n\t" * (len(text) % 5))


def test_which_pages_need_ocr() -> None:
    assert needs_ocr(0, "", 1.0) and needs_ocr(0, "", 0.0)  # no text layer, scanned or drawn
    assert needs_ocr(300, GARBAGE["cid_glyph_codes"], 0.0)
    assert needs_ocr(2, "WCPFC12-2015-OP19 2", 1.0)  # a scan with a stamped symbol
    assert not needs_ocr(2, "WCPFC12-2015-OP19 2", 0.03)  # a cover page with a logo
    assert not needs_ocr(400, ENGLISH, 1.0)  # a scan that already has a text layer


# ---------------------------------------------------------------- pure OCR helpers

HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
 <div class='ocr_page' id='page_1' title='bbox 0 0 2482 3508'>
  <div class='ocr_carea' id='block_1_1' title="bbox 1559 132 2163 169">
   <p class='ocr_par' id='par_1_1' title="bbox 1559 132 2163 169">
    <span class='ocr_line' id='line_1_1' title="bbox 1559 132 2163 169; baseline -0.008 -7; x_size 34">
     <span class='ocrx_word' id='word_1_1' title='bbox 1559 135 1715 169; x_wconf 96'>Shanghai</span>
     <span class='ocrx_word' id='word_1_2' title='bbox 1728 134 1934 167; x_wconf 91'>Cooperation</span>
     <span class='ocrx_word' id='word_1_3' title='bbox 2214 139 2216 141; x_wconf 17'>~</span>
    </span>
   </p>
  </div>
  <div class='ocr_carea' id='block_1_2' title="bbox 574 345 1886 580">
   <p class='ocr_par' id='par_1_2' title="bbox 574 345 1886 580">
    <span class='ocr_line' id='line_1_2' title="bbox 1027 345 1427 384; x_size 48">
     <span class='ocrx_word' id='word_1_4' title='bbox 1027 347 1182 384; x_wconf 96'>PRESS</span>
     <span class='ocrx_word' id='word_1_5' title='bbox 1202 345 1427 382; x_wconf 95'>R&amp;D</span>
    </span>
    <span class='ocr_line' id='line_1_3' title="bbox 574 433 1886 491; x_size 47">
     <span class='ocrx_word' id='word_1_6' title='bbox 574 446 764 491; x_wconf 96'>Meeting</span>
     <span class='ocrx_word' id='word_1_7' title='bbox 800 440 900 480; x_wconf 92'>-</span>
    </span>
   </p>
  </div>
 </div>
</body></html>"""


def test_hocr_words_lines_paragraphs_and_specks() -> None:
    words = parse_hocr(HOCR)
    assert [(w.text, w.paragraph, w.line, w.size) for w in words] == [
        ("Shanghai", 1, 1, 34.0),
        ("Cooperation", 1, 1, 34.0),
        ("~", 1, 1, 34.0),
        ("PRESS", 2, 2, 48.0),
        ("R&D", 2, 2, 48.0),
        ("Meeting", 2, 3, 47.0),
        ("-", 2, 3, 47.0),
    ]
    assert (words[0].left, words[0].top, words[0].right, words[0].bottom, words[0].confidence) == (
        1559,
        135,
        1715,
        169,
        96,
    )
    assert [w.text for w in words if is_speck(w)] == ["~"]  # a 2-pixel dot; the dash is a real one
    kept = [w for w in words if not is_speck(w)]
    assert page_text(kept) == "Shanghai Cooperation\n\nPRESS R&D\nMeeting -"


def _word(text: str, left: float, right: float, top: float = 100, line: int = 1, size: float = 40) -> OcrWord:
    return OcrWord(text, left, top, right, top + size, size, 90.0, 1, line)


def test_chinese_characters_join_their_neighbours_in_reading_order() -> None:
    """Tesseract cuts "14日电" into "14", "日", "电" with overlapping boxes; they must stay in that order."""
    words = [
        _word("新华社", 0, 120),
        _word("6", 128, 145),
        _word("月", 150, 190),
        _word("14", 200, 262),
        _word("日", 279, 286),
        _word("电", 273, 314),
        _word("SCO", 420, 500),  # after a real gap: a separate word
        _word("秘书长", 0, 120, top=200, line=2),
    ]
    assert [w.text for w in join_cjk(words)] == ["新华社6月14日电", "SCO", "秘书长"]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("Latin", ("eng",)),
        ("Cyrillic", ("rus",)),  # not rus+eng: that spells "СССР" as Latin "CCCP"
        ("Han", ("chi_sim",)),
        (None, ("eng", "rus", "chi_sim")),  # too little text to tell
        ("Arabic", ("eng", "rus", "chi_sim")),  # no configured model writes it
    ],
)
def test_language_models_follow_the_script(script: str | None, expected: tuple[str, ...]) -> None:
    assert languages_for(script, DEFAULT_LANGUAGES) == expected


def test_models_of_unknown_script_are_always_used() -> None:
    assert languages_for("Latin", ("eng", "fra", "rus", "xyz")) == ("eng", "fra", "xyz")


def test_orientation_and_script_detection_output() -> None:
    osd = "Page number: 0\nOrientation in degrees: {}\nRotate: {}\nOrientation confidence: {}\nScript: {}\n"
    assert parse_osd(osd.format(0, 0, 15.5, "Cyrillic")) == ("Cyrillic", 0)
    assert parse_osd(osd.format(90, 270, 28.8, "Latin")) == ("Latin", 270)
    assert parse_osd(osd.format(90, 270, 1.6, "Latin")) == ("Latin", 0)  # not sure enough to turn it
    assert parse_osd("") == (None, 0)


def test_ocr_words_become_layout_words_in_points_one_row_per_line() -> None:
    """A slanted line keeps one top; letter heights within 20% of the page's are the body size."""
    words = [
        OcrWord("Heading", 600, 100, 900, 160, 62, 95, 1, 1),
        *(
            OcrWord(f"w{i}", 300 + 200 * i, 400 + 6 * i, 480 + 200 * i, 440 + 6 * i, 44 + i, 90, 2, 2)
            for i in range(5)
        ),
        *(OcrWord(f"v{i}", 300 + 200 * i, 500, 480 + 200 * i, 540, 47, 90, 2, 3) for i in range(5)),
    ]
    page = scanned_page(OcrResult("", 90.0, tuple(words), 2400, 3000, 300.0))
    assert page.scanned and (page.width, page.height) == (576, 720)
    assert {w.top for w in page.words if w.text.startswith("w")} == {412 * 0.24}
    assert {w.size for w in page.words[1:]} == {47 * 0.24}  # 44 to 48 px: all the body size
    assert page.words[0].size == 62 * 0.24  # a larger heading keeps its size
    assert page.words[1].x0 == 300 * 0.24


# ---------------------------------------------------------------- availability


def test_missing_tesseract_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert missing_ocr(DEFAULT_LANGUAGES) == INSTALL
    assert not ocr_available(DEFAULT_LANGUAGES)


def test_missing_language_models_name_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr("extractors.ocr.installed_languages", lambda: frozenset({"eng", "osd"}))
    assert missing_ocr(DEFAULT_LANGUAGES) == (
        "install the Tesseract language models rus, chi_sim"
        " (Debian: apt-get install tesseract-ocr-rus tesseract-ocr-chi-sim)"
    )
    assert missing_ocr(("eng",)) is None


def _mixed_pdf() -> bytes:
    """A typed page 1 (text layer) followed by a scanned page 2: the rendered and scanned press release."""
    typed = pypdfium2.PdfDocument((FIXTURES / "rendered" / f"{PRESS}.pdf").read_bytes())
    scanned = pypdfium2.PdfDocument(SCANNED_PRESS.read_bytes())
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(typed, [0])
    mixed.import_pages(scanned, [1])
    out = io.BytesIO()
    mixed.save(out)
    for document in (mixed, scanned, typed):
        document.close()
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "pages"),
    [(SCANNED_PRESS.read_bytes, "pages 1-2 of 2 have"), (_mixed_pdf, "page 2 of 2 has")],
    ids=["scanned", "mixed"],
)
def test_scan_without_tesseract_is_ocr_unavailable_with_what_to_install(
    data: Callable[[], bytes], pages: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(OcrUnavailable) as caught:
        read_pdf(data())
    assert caught.value.reason == f"{pages} no usable text layer and OCR is not available: {INSTALL}"
    assert caught.value.category == "ocr_unavailable" and isinstance(caught.value, TerminalError)


def test_text_layer_pdf_never_needs_tesseract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    raw = read_pdf((FIXTURES / "rendered" / f"{PRESS}.pdf").read_bytes())
    assert (raw.source_format, raw.ocr_pages, raw.ocr_confidence) == ("pdf", [], None)


def _fake_ocr(text: str) -> Callable[..., OcrResult]:
    words = tuple(
        OcrWord(w, 300 + 150 * i, 600, 430 + 150 * i, 640, 44, 88, 1, 1) for i, w in enumerate(text.split())
    )
    return lambda *args, **kwargs: OcrResult(text, 88.0, words, 2480, 3508, 300.0, ("eng",))


def test_cid_glyph_page_from_a_real_file_goes_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """WCPFC12-2015-OP03 (WWF factsheet), page 12: a text layer of (cid:NN) glyph codes."""
    monkeypatch.setattr(extractors.pdf, "missing_ocr", lambda languages: None)
    monkeypatch.setattr(extractors.pdf, "ocr_page", _fake_ocr("Uncertainty is concisely defined"))
    raw = read_pdf(CID_PAGE.read_bytes())
    assert raw.ocr_pages == [1] and raw.source_format == "pdf+ocr" and raw.ocr_confidence == 88.0
    assert raw.pages == ["Uncertainty is concisely defined"]
    assert "(cid:" not in raw.raw_text


def test_shifted_letters_text_layer_goes_to_ocr_and_good_pages_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.extractors.test_pdf import _body, _pdf

    monkeypatch.setattr(extractors.pdf, "missing_ocr", lambda languages: None)
    monkeypatch.setattr(extractors.pdf, "ocr_page", _fake_ocr("The ministers met in Moscow"))
    lines = [line for line in ENGLISH.splitlines() if line.strip()][:20]
    data = _pdf([_body(100, lines), _body(100, [_shift(line, 3) for line in lines])])
    raw = read_pdf(data)
    assert raw.ocr_pages == [2]
    assert raw.pages[1] == "The ministers met in Moscow"
    assert raw.pages[0].startswith(lines[0])


def test_pages_where_even_ocr_finds_nothing_are_an_empty_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractors.pdf, "missing_ocr", lambda languages: None)
    monkeypatch.setattr(
        extractors.pdf, "ocr_page", lambda *args, **kwargs: OcrResult("", None, (), 2480, 3508, 300.0)
    )
    with pytest.raises(EmptyDocument, match=r"PDF has no text layer; OCR found no text on its 2 page\(s\)"):
        read_pdf(SCANNED_PRESS.read_bytes())


# ---------------------------------------------------------------- with Tesseract


@pytest.fixture(scope="module")
def tesseract() -> None:
    """Tesseract with the default models: skip without it on a workstation, fail in CI."""
    reason = missing_ocr(DEFAULT_LANGUAGES)
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the OCR tests need Tesseract in CI: {reason}")
    pytest.skip(f"Tesseract is not installed: {reason}")


@pytest.fixture(scope="module")
def _cached_ocr(tesseract: None) -> Iterator[None]:
    """`ocr_page` remembers each page image it read, so every image is OCR'd once in this module."""
    original = extractors.pdf.ocr_page
    seen: dict[tuple[Any, ...], OcrResult] = {}

    def cached(image: Image.Image, languages: Any, **options: Any) -> OcrResult:
        key = (hashlib.sha256(image.tobytes()).hexdigest(), tuple(languages), tuple(sorted(options.items())))
        if key not in seen:
            seen[key] = original(image, languages, **options)
        return seen[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(extractors.pdf, "ocr_page", cached)
        yield


@pytest.fixture(scope="module")
def scanned_press(_cached_ocr: None) -> RawDocument:
    return read_pdf(SCANNED_PRESS.read_bytes())


def test_scanned_press_release_is_ocrd_page_by_page(scanned_press: RawDocument) -> None:
    assert scanned_press.source_format == "pdf+ocr"
    assert scanned_press.ocr_pages == [1, 2]
    assert scanned_press.ocr_confidence is not None and scanned_press.ocr_confidence > 85
    assert len(scanned_press.pages) == 2 and all(scanned_press.pages)


def test_scanned_press_release_clean_text_word_error_rate(scanned_press: RawDocument) -> None:
    """Running header, page numbers and line-end hyphens go as on a text layer: WER <= 3%."""
    text = segment(scanned_press).text
    assert text_wer(ENGLISH, text) <= 0.03
    assert "Organisation" not in text  # the running header's spelling
    assert not re.search(r"^\s*-? ?\d+ ?-?\s*$", text, flags=re.MULTILINE)
    assert "Cooperation Organization" in text and "Committee" in text and "anti-terrorism" in text


def test_scanned_press_release_matches_gold_exactly(_cached_ocr: None, tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(FIXTURES / "gold" / f"{PRESS}.json", gold / f"{PRESS}.json")
    document = build_communique(SCANNED_PRESS.read_bytes(), SCANNED_PRESS.name, "0" * 64)
    assert document.source_format == "pdf+ocr" and document.ocr_pages == [1, 2]
    report = score([json.loads(document.model_dump_json())], gold)
    assert report["missing"] == []
    assert all(not misses for misses in report["per_document"].values()), report["per_document"]


def test_mixed_file_ocrs_only_its_scanned_page(_cached_ocr: None) -> None:
    raw = read_pdf(_mixed_pdf())
    assert raw.ocr_pages == [2] and raw.source_format == "pdf+ocr"
    typed = read_pdf((FIXTURES / "rendered" / f"{PRESS}.pdf").read_bytes())
    assert raw.raw_text.split("\f")[0] == typed.raw_text.split("\f")[0]  # the text layer, untouched
    assert text_wer(ENGLISH, segment(raw).text) <= 0.03


def test_russian_scan_reads_as_russian_in_cyrillic_letters(_cached_ocr: None) -> None:
    """1971 GA resolutions 2751-2758 in Russian, a bilevel scan."""
    raw = read_pdf(RUSSIAN_SCAN.read_bytes())
    text = segment(raw).text
    assert raw.ocr_pages == [1] and raw.ocr_confidence is not None and raw.ocr_confidence > 70
    assert detect_language(text)[0] == "ru"
    for phrase in ("Генеральная Ассамблея", "Организации Объединенных Наций", "Совета Безопасности"):
        assert phrase in text
    assert len(re.findall(r"\b[A-Za-z]{3,}\b", text)) <= 2  # no "OOH", "CCCP" look-alikes


def test_cid_glyph_page_reads_by_ocr(_cached_ocr: None) -> None:
    raw = read_pdf(CID_PAGE.read_bytes())
    text = segment(raw).text
    assert raw.ocr_pages == [1] and "(cid:" not in raw.raw_text
    assert "Uncertainty is concisely defined" in text and detect_language(text)[0] == "en"


def test_ocr_past_its_time_limit_is_unreadable(tesseract: None) -> None:
    with pytest.raises(UnreadableFile, match=r"^OCR timed out on page 1 \(limit 0\.001 s per page\)$"):
        read_pdf(SCANNED_PRESS.read_bytes(), ocr_timeout=0.001)
