"""Full-text search on real documents: freshness, BM25 order, filters, Russian, Chinese, hostile queries."""

from __future__ import annotations

import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.document import process_file
from extractors.sources import discover
from schemas.errors import ConfigurationError
from schemas.records import BatchItem, Paragraph, SearchHit
from tests.conftest import FIXTURES
from tests.warehouse.builders import INJECTION, NASTY_TEXTS, document, loaded_item
from tests.warehouse.conftest import count
from warehouse import search as search_module
from warehouse.database import Warehouse
from warehouse.ledger import load_batch
from warehouse.search import (
    GROUPS,
    extension_directory,
    extension_file,
    index_is_current,
    load_fts,
    one_line,
    refresh_search_index,
    search,
    snippet,
    substring_spans,
    word_spans,
)

SEEDS = FIXTURES / "seeds"
CORPUS = FIXTURES / "corpus"
DECLARATION_2003 = SEEDS / "sco_heads_of_state_declaration_2003-05-29.txt"
PRESS_RELEASE_2009 = SEEDS / "sco_cfm_press_release_2009-05-15.txt"
DOCUMENTS = [
    DECLARATION_2003,
    PRESS_RELEASE_2009,
    CORPUS / "sco_en_2007-08-16_joint_communique.txt",
    CORPUS / "sco_en_2011-06-15_press_release.txt",
    CORPUS / "sco_en_2013-09-13_declaration.txt",
    CORPUS / "sco_en_2014-09-12_declaration.txt",
    CORPUS / "sco_ru_2001-09-14_statement.txt",
    CORPUS / "sco_ru_2016-06-24_press_release.txt",
    CORPUS / "sco_ru_2021-09-17_declaration.txt",
    CORPUS / "sco_zh_2002-04-26_press_release.txt",
    CORPUS / "sco_zh_2007-08-16_joint_communique.txt",
]


def items(paths: Sequence[Path]) -> list[BatchItem]:
    """Batch items of real files, extracted the way the flow does it."""
    return [process_file(source) for source in discover(paths)]


def load(wh: Warehouse, paths: Sequence[Path], run_id: str = "run-1") -> None:
    """Load real files (their quality verdict is irrelevant here)."""
    outcomes = load_batch(wh, run_id, items(paths))
    assert all(o.state == "loaded" for o in outcomes), outcomes


def marked(hit: SearchHit) -> list[str]:
    """The highlighted words of a hit."""
    return [hit.snippet[a:b] for a, b in hit.highlights]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A warehouse of English, Russian and Chinese SCO documents, indexed."""
    wh = Warehouse(tmp_path_factory.mktemp("search") / "warehouse.duckdb")
    load(wh, DOCUMENTS)
    refresh_search_index(wh)
    return wh


# ---------------------------------------------------------------- freshness


def test_a_just_loaded_document_is_found_after_the_refresh(wh: Warehouse) -> None:
    load(wh, [DECLARATION_2003])
    assert [b.group for b in refresh_search_index(wh)] == [g.name for g in GROUPS]  # first build: all
    assert search(wh, "Yekaterinburg") == []
    assert index_is_current(wh)

    load(wh, [PRESS_RELEASE_2009], run_id="run-2")
    assert not index_is_current(wh)
    assert [b.group for b in refresh_search_index(wh)] == ["en"]  # only the group that changed
    assert index_is_current(wh)

    hits = search(wh, "Yekaterinburg")
    assert hits and {h.source_file for h in hits} == {PRESS_RELEASE_2009.name}
    assert all("Yekaterinburg" in marked(h) for h in hits)
    assert refresh_search_index(wh) == []  # nothing changed, nothing rebuilt


def test_a_failed_refresh_leaves_the_previous_index(wh: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    load(wh, [DECLARATION_2003])
    refresh_search_index(wh)
    load(wh, [PRESS_RELEASE_2009, CORPUS / "sco_ru_2021-09-17_declaration.txt"], run_id="run-2")
    real = search_module._rebuild

    def fail_at_russian(con: duckdb.DuckDBPyConnection, group: Any, *args: Any) -> Any:
        built = real(con, group, *args)
        if group.name == "ru":
            raise RuntimeError("killed while indexing")
        return built

    monkeypatch.setattr(search_module, "_rebuild", fail_at_russian)
    with pytest.raises(RuntimeError):
        refresh_search_index(wh)
    assert search(wh, "Yekaterinburg") == []  # the English rebuild was rolled back too
    assert not index_is_current(wh)
    monkeypatch.undo()
    assert [b.group for b in refresh_search_index(wh)] == ["en", "ru"]
    assert search(wh, "Yekaterinburg") and index_is_current(wh)


def test_search_before_any_index_finds_nothing_and_says_it_is_behind(wh: Warehouse) -> None:
    assert index_is_current(wh)  # no warehouse, nothing to index
    load(wh, [DECLARATION_2003])
    assert not index_is_current(wh)
    assert search(wh, "terrorism") == []
    with pytest.raises(FileNotFoundError):
        search(Warehouse(wh.path.with_name("missing.duckdb")), "terrorism")


# ---------------------------------------------------------------- ranking and filters


def test_bm25_ranks_the_paragraph_with_more_occurrences_first(wh: Warehouse) -> None:
    texts = [
        "The parties discussed piracy at sea and the safety of shipping lanes in the region as a whole.",
        "Piracy, piracy and again piracy: the parties condemned piracy in the region in the strongest terms.",
        "The parties discussed trade, investment and the safety of shipping lanes in the region as a whole.",
    ]
    paragraphs = [
        Paragraph(
            number=n,
            text=text,
            language="en",
            language_confidence=0.99,
            page_start=1,
            page_end=1,
            char_start=0,
            char_end=len(text),
        )
        for n, text in enumerate(texts, start=1)
    ]
    load_batch(wh, "run-1", [loaded_item(document("piracy").model_copy(update={"paragraphs": paragraphs}))])
    refresh_search_index(wh)
    hits = search(wh, "piracy")
    assert [h.number for h in hits] == [2, 1]
    assert hits[0].score > hits[1].score and [h.rank for h in hits] == [1, 2]
    assert marked(hits[0]) == ["Piracy", "piracy", "piracy", "piracy"]


def test_drug_trafficking_is_found_with_title_date_and_highlights(corpus: Warehouse) -> None:
    hits = search(corpus, "drug trafficking")
    assert hits and hits == sorted(hits, key=lambda h: -h.score)
    best = hits[0]
    assert best.title and best.issued_date and best.number >= 1 and best.page_start >= 1
    words = {w.lower() for h in hits for w in marked(h)}
    assert words <= {"drug", "drugs", "trafficking"} and {"drug", "trafficking"} <= words


def test_year_filters_keep_documents_issued_in_those_years(corpus: Warehouse) -> None:
    every = search(corpus, "drug trafficking", limit=50)
    assert {h.issued_date.year for h in every if h.issued_date} >= {2003, 2013, 2014}
    between = search(corpus, "drug trafficking", year_from=2003, year_to=2010, limit=50)
    assert between and all(h.issued_date and 2003 <= h.issued_date.year <= 2010 for h in between)
    assert {
        h.issued_date.year
        for h in search(corpus, "drug trafficking", year_from=2013, limit=50)
        if h.issued_date
    } <= {
        2013,
        2014,
    }
    assert search(corpus, "drug trafficking", year_from=2010, year_to=2003) == []


def test_language_filter_and_limit(corpus: Warehouse) -> None:
    russian = search(corpus, "сотрудничество", language="ru", limit=50)
    assert russian and {h.language for h in russian} == {"ru"}
    assert search(corpus, "сотрудничество", language="en") == []
    english = search(corpus, "Shanghai Cooperation Organization", language="en", limit=50)
    assert len(english) > 3 and {h.language for h in english} == {"en"}
    assert search(corpus, "Shanghai Cooperation Organization", language="en", limit=3) == english[:3]
    assert len(search(corpus, "Shanghai Cooperation Organization", limit=1)) == 1


def test_russian_query_finds_other_inflections(corpus: Warehouse) -> None:
    """'терроризмом' (instrumental) finds 'терроризму' and 'терроризм'; 'борьба' finds 'борьбе'."""
    hits = search(corpus, "терроризмом", limit=50)
    words = {w.lower() for h in hits for w in marked(h)}
    assert {"терроризму", "терроризм"} <= words
    assert {h.language for h in hits} == {"ru"}
    assert "борьбе" in {w.lower() for h in search(corpus, "борьба") for w in marked(h)}


def test_chinese_is_found_by_substring(corpus: Warehouse) -> None:
    hits = search(corpus, "上海合作组织", limit=50)
    assert hits and {h.language for h in hits} == {"zh"}
    assert all(set(marked(h)) == {"上海合作组织"} for h in hits)
    assert hits[0].score >= hits[-1].score >= 1
    both = search(corpus, "上海合作组织 元首", language="zh", limit=50)  # every term must be there
    assert both and len(both) < len(hits)
    assert set(search(corpus, "合作", language="zh", limit=1)[0].snippet) >= set("合作")


# ---------------------------------------------------------------- queries that match nothing


def test_unknown_words_match_nothing(corpus: Warehouse) -> None:
    assert search(corpus, "zzqxjv") == []


@pytest.mark.parametrize("query", [INJECTION, "\"'; --", "' OR 1=1 --", "$query", "?", "%", "_"])
def test_sql_metacharacters_are_just_text(corpus: Warehouse, query: str) -> None:
    documents = count(corpus, "documents")
    hits = search(corpus, query)
    assert all(isinstance(h, SearchHit) for h in hits)
    assert count(corpus, "documents") == documents


@pytest.mark.parametrize("query", ["", "   ", "the of and", "?!…", "—", "\x00"])
def test_stopwords_and_punctuation_match_nothing(corpus: Warehouse, query: str) -> None:
    assert search(corpus, query, language="en") == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60) | st.sampled_from(NASTY_TEXTS))
def test_search_never_raises(corpus: Warehouse, query: str) -> None:
    hits = search(corpus, query, limit=5)
    assert len(hits) <= 5 and [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert all(0 <= a < b <= len(hit.snippet) for a, b in hit.highlights)


# ---------------------------------------------------------------- the extension


def test_extension_comes_from_the_package_and_nothing_is_downloaded(
    wh: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))

    def no_network(*args: object) -> None:
        raise AssertionError("search tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    load(wh, [PRESS_RELEASE_2009])
    refresh_search_index(wh)
    assert search(wh, "Yekaterinburg")
    with wh.connect(read_only=True) as con:
        load_fts(con, wh)
        path, mode = con.execute(
            "SELECT install_path, install_mode FROM duckdb_extensions() WHERE extension_name = 'fts'"
        ).fetchone() or ("", "")
        autoinstall, autoload = con.execute(
            "SELECT current_setting('autoinstall_known_extensions'), "
            "current_setting('autoload_known_extensions')"
        ).fetchone() or (None, None)
    assert Path(path).is_relative_to(extension_directory(wh)) and mode == "CUSTOM_PATH"
    assert Path(path).read_bytes() == extension_file().read_bytes()
    assert (autoinstall, autoload) == (False, False)
    assert list(home.iterdir()) == []  # no ~/.duckdb


def test_a_missing_extension_package_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb_extension_fts", None)  # import fails
    with pytest.raises(ConfigurationError, match=f"duckdb-extension-fts=={duckdb.__version__}"):
        extension_file()


def test_an_extension_for_another_duckdb_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duckdb, "__version__", "0.0.1")
    with pytest.raises(
        ConfigurationError, match=r"no build for duckdb 0\.0\.1 .*duckdb-extension-fts==0\.0\.1"
    ):
        extension_file()


# ---------------------------------------------------------------- snippets


def test_a_short_paragraph_is_its_own_snippet() -> None:
    assert snippet("Fight drug trafficking.", [(6, 10)]) == ("Fight drug trafficking.", [(6, 10)])


def test_a_long_paragraph_is_cut_around_its_first_match() -> None:
    text = " ".join(f"word{i}" for i in range(200)) + " target " + " ".join(f"tail{i}" for i in range(200))
    start = text.index("target")
    cut, marks = snippet(text, [(start, start + 6)])
    assert cut.startswith("…") and cut.endswith("…") and len(cut) <= 242
    assert [cut[a:b] for a, b in marks] == ["target"]
    assert cut[1:].split()[0].startswith("word")  # starts on a whole word


def test_snippets_are_one_line_without_control_characters() -> None:
    text = "Line one\nline two\t\x1b[31mred\x1b[0m \u202eevil"
    assert one_line(text) == "Line one line two  [31mred [0m  evil"
    cut, _ = snippet(text, [])
    assert not any(ord(c) < 32 or c == "\u202e" for c in cut)


def test_substring_spans_ignore_case_and_take_the_longest_term() -> None:
    assert substring_spans("SCO 上海合作组织 sco", ["sco", "上海合作组织", "上海"]) == [
        (0, 3),
        (4, 10),
        (11, 14),
    ]
    assert substring_spans("anything", []) == []


def test_word_spans_cover_every_script() -> None:
    text = "l'État, Шанхайская — 2009_x"
    assert [text[a:b] for a, b in word_spans(text)] == ["l", "État", "Шанхайская", "2009", "x"]


@given(text=st.text(max_size=600), data=st.data())
def test_highlights_point_at_the_marked_words(text: str, data: st.DataObject) -> None:
    words = word_spans(text)
    chosen = sorted(data.draw(st.sets(st.sampled_from(words), max_size=5))) if words else []
    cut, marks = snippet(text, chosen)
    flat = one_line(text)
    assert [cut[a:b] for a, b in marks] == [flat[a:b] for a, b in chosen][: len(marks)]
    if chosen:
        assert marks and cut[marks[0][0] : marks[0][1]] == flat[chosen[0][0] : chosen[0][1]]
