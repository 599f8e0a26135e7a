"""Full-text search over paragraphs: DuckDB's FTS extension, BM25 ranking, highlighted snippets.

The extension comes from the `duckdb-extension-fts` package (pinned to the duckdb release): it
is installed from that package's file into `duckdb_extensions/` beside the warehouse and loaded
with DuckDB's automatic install and load of extensions switched off, so nothing is ever
downloaded and `~/.duckdb` is not used.

An FTS index covers one table with one stemmer, so paragraphs are copied into one table per
language group, `search.<group>`, and each group gets its own index (schema `fts_search_<group>`):
English, Russian, French and Spanish with their Snowball stemmers, the other languages without
stemming. Chinese (and Japanese) put no spaces between words for the tokenizer to split on, so
their group has no index and is searched by substring. A paragraph is searched in its own
language when it is long enough for langdetect to be right, else in its document's. Tokens are
runs of letters, digits and marks in any script (the extension's default keeps only a-z, which
would drop Cyrillic).

All of it is derived data, like the index the extension builds, and lives outside `main` and
the migrations: `refresh_search_index`, run after each load, recreates in one transaction the
tables and indexes of the groups whose paragraphs (or settings) changed since they were built,
as recorded in `search.state`. `search` reads through a read-only connection.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from schemas.errors import ConfigurationError
from schemas.records import SearchHit
from warehouse.database import Warehouse
from warehouse.migrations import apply_migrations
from warehouse.rows import has_table, utc_now

EXTENSION_PACKAGE = "duckdb-extension-fts"
EXTENSIONS_FOLDER = "duckdb_extensions"  # beside the warehouse file
LAYOUT = 1  # version of the search tables' layout: a change rebuilds every group
OWN_LANGUAGE_MIN_CHARS = 100  # shorter paragraphs are searched in their document's language
IGNORE = r"[^\p{L}\p{N}\p{M}]+"  # what separates tokens: anything but letters, digits, marks
SNIPPET_CHARS = 240
SNIPPET_LEAD = 60  # characters kept before the first match


@dataclass(frozen=True)
class Group:
    """Paragraphs searched together: one table, one FTS index, one stemmer.

    `stemmer` None: no index, substring search (for scripts written without spaces).
    """

    name: str
    description: str
    languages: tuple[str, ...]
    stemmer: str | None
    stopwords: str = "none"
    strip_accents: bool = True

    @property
    def table(self) -> str:
        """The group's table of paragraphs."""
        return f"search.{self.name}"

    @property
    def index(self) -> str:
        """The schema the FTS extension builds the group's index in."""
        return f"fts_search_{self.name}"

    @property
    def settings(self) -> str:
        """Everything the table and index are built with: a change forces a rebuild."""
        common = f"layout={LAYOUT}; languages={','.join(self.languages)}; min_chars={OWN_LANGUAGE_MIN_CHARS}"
        if self.stemmer is None:
            return f"substring; {common}"
        return (
            f"stemmer={self.stemmer}; stopwords={self.stopwords}; ignore={IGNORE}; "
            f"strip_accents={int(self.strip_accents)}; lower=1; {common}"
        )


GROUPS = (
    Group("en", "English: english stemmer and stopwords", ("en",), "english", stopwords="english"),
    # й is a letter of its own in Russian (strip_accents would make it и); the stemmer folds ё into е
    Group("ru", "Russian: russian stemmer", ("ru",), "russian", strip_accents=False),
    Group("fr", "French: french stemmer", ("fr",), "french"),
    Group("es", "Spanish: spanish stemmer", ("es",), "spanish"),
    Group("zh", "Chinese and Japanese: substring search, no index", ("zh", "ja"), None),
    Group("other", "every other language: whole words, no stemming", (), "none"),
)
_SUBSTRING = GROUPS[-2]
_OTHER = GROUPS[-1]
_BY_LANGUAGE = {language: group for group in GROUPS for language in group.languages}


def group_of(language: str) -> Group:
    """The group a language's paragraphs are searched in."""
    return _BY_LANGUAGE.get(language, _OTHER)


def _literal(value: str) -> str:
    """A SQL string literal (for the few statements that take no parameters: PRAGMA, INSTALL, SET)."""
    return "'" + value.replace("'", "''") + "'"


# Every paragraph with the language it is searched in and its group.
_GROUP_CASE = " ".join(
    f"WHEN language IN ({', '.join(map(_literal, g.languages))}) THEN {_literal(g.name)}"
    for g in GROUPS
    if g.languages
)
_GROUPED = (
    f"SELECT *, CASE {_GROUP_CASE} ELSE {_literal(_OTHER.name)} END AS search_group FROM ("  # noqa: S608
    "SELECT p.doc_id, p.ordinal, p.text, "
    f"CASE WHEN p.language <> 'und' AND length(p.text) >= {OWN_LANGUAGE_MIN_CHARS} "
    "THEN p.language ELSE d.language END AS language "
    "FROM main.paragraphs p JOIN main.documents d USING (doc_id))"
)
_STATE = """
CREATE SCHEMA IF NOT EXISTS search;
CREATE TABLE IF NOT EXISTS search.state (
    search_group VARCHAR   NOT NULL PRIMARY KEY,
    settings     VARCHAR   NOT NULL,
    paragraphs   BIGINT    NOT NULL,
    fingerprint  UBIGINT   NOT NULL,
    built_at     TIMESTAMP NOT NULL,
    seconds      DOUBLE    NOT NULL
);
COMMENT ON TABLE search.state IS 'Full-text search: what each language group was last built from, and when.';
"""


# --- the extension -------------------------------------------------------------------------------


def extension_file() -> Path:
    """The FTS extension shipped in the duckdb-extension-fts package for this duckdb release.

    Raises `ConfigurationError` naming the package to install when it is missing or built for
    another duckdb release.
    """
    wanted = f"{EXTENSION_PACKAGE}=={duckdb.__version__}"
    try:
        import duckdb_extension_fts
    except ImportError:
        raise ConfigurationError(
            f"full-text search needs the package {wanted}: pip install '{wanted}'"
        ) from None
    package = Path(duckdb_extension_fts.__file__ or "").parent
    path = package / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        found = sorted(p.name for p in (package / "extensions").glob("v*")) or ["none"]
        raise ConfigurationError(
            f"the installed {EXTENSION_PACKAGE} has no build for duckdb {duckdb.__version__} "
            f"(it has {', '.join(found)}): pip install '{wanted}'",
            str(path),
        )
    return path


def extension_directory(wh: Warehouse) -> Path:
    """Where DuckDB extensions are installed for this warehouse: a folder beside it."""
    return wh.path.parent / EXTENSIONS_FOLDER


def load_fts(con: duckdb.DuckDBPyConnection, wh: Warehouse) -> None:
    """Load the FTS extension on `con`, installing it from the package file first when needed.

    DuckDB's automatic install and load of known extensions are switched off on this connection,
    so nothing is downloaded.
    """
    source = extension_file()
    directory = extension_directory(wh)
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"SET extension_directory = {_literal(str(directory))}")
    row = con.execute(
        "SELECT installed, install_path FROM duckdb_extensions() WHERE extension_name = 'fts'"
    ).fetchone()
    if not (row and row[0] and Path(row[1]).is_file()):
        directory.mkdir(parents=True, exist_ok=True)
        con.execute(f"INSTALL {_literal(str(source))}")
    con.execute("LOAD fts")


# --- building the index --------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupBuild:
    """One group rebuilt by a refresh: how many paragraphs it holds and how long it took."""

    group: str
    paragraphs: int
    seconds: float


def _has_state(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'search' AND table_name = 'state'"
    ).fetchone()
    return bool(row and row[0])


def _current(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """group -> (paragraphs, fingerprint of their keys and texts) as the warehouse holds them now."""
    rows = con.execute(
        f"SELECT search_group, count(*), bit_xor(hash(doc_id, ordinal, text)) FROM ({_GROUPED}) GROUP BY 1"  # noqa: S608 (constant SQL)
    ).fetchall()
    return {str(group): (int(n), int(fingerprint)) for group, n, fingerprint in rows}


def _built(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int, int]]:
    """group -> (settings, paragraphs, fingerprint) the group was last built from."""
    rows = con.execute("SELECT search_group, settings, paragraphs, fingerprint FROM search.state").fetchall()
    return {str(g): (str(s), int(n), int(f)) for g, s, n, f in rows}


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The search tables and FTS index schemas present, by name (`search.en`, `fts_search_en`)."""
    tables = con.execute("SELECT 'search.' || table_name FROM duckdb_tables() WHERE schema_name = 'search'")
    found = {str(r[0]) for r in tables.fetchall()}
    schemas = con.execute("SELECT schema_name FROM duckdb_schemas() WHERE schema_name LIKE 'fts_search_%'")
    return found | {str(r[0]) for r in schemas.fetchall()}


def _complete(group: Group, existing: set[str]) -> bool:
    """Whether the group's table (and index, when it has one) exist."""
    return group.table in existing and (group.stemmer is None or group.index in existing)


def _stale(con: duckdb.DuckDBPyConnection) -> list[tuple[Group, int, int]]:
    """The groups to rebuild, each with its current (paragraphs, fingerprint)."""
    current, built, existing = _current(con), _built(con), _existing(con)
    stale = []
    for group in GROUPS:
        paragraphs, fingerprint = current.get(group.name, (0, 0))
        if not _complete(group, existing) or built.get(group.name) != (
            group.settings,
            paragraphs,
            fingerprint,
        ):
            stale.append((group, paragraphs, fingerprint))
    return stale


def _rebuild(con: duckdb.DuckDBPyConnection, group: Group, paragraphs: int, fingerprint: int) -> GroupBuild:
    """Recreate the group's table from the paragraphs and its index, record what it was built from."""
    started = time.perf_counter()
    con.execute(
        f"CREATE OR REPLACE TABLE {group.table} AS "  # noqa: S608 (identifiers are constants)
        "SELECT row_number() OVER (ORDER BY doc_id, ordinal) AS id, doc_id, ordinal, language, text "
        f"FROM ({_GROUPED}) WHERE search_group = ? ORDER BY id",
        [group.name],
    )
    comment = f"Paragraphs searched in {group.description} (derived from paragraphs; rebuilt after loads)."
    con.execute(f"COMMENT ON TABLE {group.table} IS {_literal(comment)}")
    if group.stemmer is not None:
        con.execute(
            f"PRAGMA create_fts_index({_literal(group.table)}, 'id', 'text', "
            f"stemmer={_literal(group.stemmer)}, stopwords={_literal(group.stopwords)}, "
            f"ignore={_literal(IGNORE)}, strip_accents={int(group.strip_accents)}, lower=1, overwrite=1)"
        )
    seconds = time.perf_counter() - started
    con.execute(
        "INSERT INTO search.state (search_group, settings, paragraphs, fingerprint, built_at, seconds) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (search_group) DO UPDATE SET settings = excluded.settings, "
        "paragraphs = excluded.paragraphs, fingerprint = excluded.fingerprint, "
        "built_at = excluded.built_at, seconds = excluded.seconds",
        [group.name, group.settings, paragraphs, fingerprint, utc_now(), seconds],
    )
    return GroupBuild(group.name, paragraphs, seconds)


def refresh_search_index(wh: Warehouse) -> list[GroupBuild]:
    """Bring the search index up to date with the paragraphs; returns the groups rebuilt (often none).

    Only groups whose paragraphs or settings changed since their last build are rebuilt, all in
    one transaction: a crash leaves the previous index, and the next refresh redoes the work.
    Migrates the warehouse first when needed; holds the writer lock throughout.
    """
    with wh.connect() as con:
        apply_migrations(con)
        load_fts(con, wh)
        con.begin()
        try:
            con.execute(_STATE)
            builds = [_rebuild(con, *stale) for stale in _stale(con)]
            con.commit()
        except BaseException:
            con.rollback()
            raise
    return builds


def _paragraphs(con: duckdb.DuckDBPyConnection) -> int:
    """How many paragraphs the warehouse holds (0 when it was never migrated)."""
    if not has_table(con, "paragraphs"):
        return 0
    row = con.execute("SELECT count(*) FROM main.paragraphs").fetchone()
    return int(row[0]) if row else 0


def index_is_current(wh: Warehouse) -> bool:
    """Whether every paragraph is in the search index (cheap: counts and settings only).

    False when the warehouse holds paragraphs loaded since the last refresh, was never indexed,
    or was indexed by a release with other settings. True for a warehouse that does not exist.
    """
    if not wh.exists():
        return True
    with wh.connect(read_only=True) as con:
        paragraphs = _paragraphs(con)
        if not _has_state(con):
            return paragraphs == 0
        built, existing = _built(con), _existing(con)
    complete = all(
        g.name in built and built[g.name][0] == g.settings and _complete(g, existing) for g in GROUPS
    )
    return complete and sum(n for _, n, _ in built.values()) == paragraphs


# --- searching -----------------------------------------------------------------------------------


def _bm25_part(group: Group) -> str:
    """Hits of one indexed group: (doc_id, ordinal, language, text, score, search_group)."""
    return (
        f"SELECT doc_id, ordinal, language, text, score, {_literal(group.name)} AS search_group FROM ("  # noqa: S608
        f"SELECT s.doc_id, s.ordinal, s.language, s.text, {group.index}.match_bm25(s.id, $query) AS score "
        f"FROM {group.table} s WHERE $language IS NULL OR s.language = $language"
        ") WHERE score IS NOT NULL"
    )


def _substring_part(group: Group) -> str:
    """Hits of a group searched by substring: paragraphs holding every term; score = occurrences."""
    return (
        "SELECT s.doc_id, s.ordinal, s.language, s.text, "  # noqa: S608 (identifiers are constants)
        "sum((length(lower(s.text)) - length(replace(lower(s.text), q.term, ''))) // length(q.term))::DOUBLE "
        f"AS score, {_literal(group.name)} AS search_group "
        f"FROM {group.table} s JOIN (SELECT DISTINCT lower(unnest($terms::VARCHAR[])) AS term) q "
        "ON contains(lower(s.text), q.term) "
        "WHERE $language IS NULL OR s.language = $language "
        "GROUP BY s.doc_id, s.ordinal, s.language, s.text "
        "HAVING count(*) = (SELECT count(DISTINCT lower(t)) FROM unnest($terms::VARCHAR[]) AS u(t))"
    )


def _hits_sql(groups: Sequence[Group], year_from: int | None, year_to: int | None) -> str:
    parts = [_bm25_part(g) if g.stemmer is not None else _substring_part(g) for g in groups]
    dated = []
    if year_from is not None:
        dated.append("year(d.issued_date) >= $year_from")
    if year_to is not None:
        dated.append("year(d.issued_date) <= $year_to")
    return (
        f"WITH hits AS ({' UNION ALL '.join(parts)}) "  # noqa: S608 (parts are built from constants)
        "SELECT h.doc_id, h.ordinal, h.language, h.text, h.score, h.search_group, "
        "d.title, d.issued_date, d.source_file, p.number, p.page_start "
        "FROM hits h JOIN main.documents d USING (doc_id) "
        "JOIN main.paragraphs p ON p.doc_id = h.doc_id AND p.ordinal = h.ordinal "
        f"{'WHERE ' + ' AND '.join(dated) if dated else ''} "
        "ORDER BY h.score DESC, d.issued_date DESC NULLS LAST, h.doc_id, h.ordinal LIMIT $limit"
    )


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the named parameters the statement uses (DuckDB refuses extra ones)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


def search(
    wh: Warehouse,
    query: str,
    language: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    limit: int = 10,
) -> list[SearchHit]:
    """Paragraphs matching `query`, best first (BM25), with their document and a highlighted snippet.

    `language`: only paragraphs searched in that language (ISO 639-1, e.g. "en", "ru", "zh");
    `year_from`/`year_to`: only documents issued in those years (inclusive; undated documents
    are left out when either is given). A query with no word in the index matches nothing.
    Groups never indexed are skipped (see `index_is_current`). Raises `FileNotFoundError` when
    the warehouse does not exist and `ConfigurationError` when the FTS extension is missing.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    terms = query.split()
    if not terms:
        return []
    with wh.connect(read_only=True) as con:
        if not _has_state(con):
            return []
        load_fts(con, wh)
        existing = _existing(con)
        groups = [
            g for g in GROUPS if (language is None or g is group_of(language)) and _complete(g, existing)
        ]
        if not groups:
            return []
        sql = _hits_sql(groups, year_from, year_to)
        params = {
            "query": query,
            "terms": terms,
            "language": language,
            "year_from": year_from,
            "year_to": year_to,
            "limit": limit,
        }
        cursor = con.execute(sql, _used(sql, params))
        names = [d[0] for d in cursor.description or []]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        marks = _matching_words(con, query, terms, rows)
    return [_hit(rank, row, marks) for rank, row in enumerate(rows, start=1)]


def _matching_words(
    con: duckdb.DuckDBPyConnection, query: str, terms: list[str], rows: list[dict[str, Any]]
) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """(doc_id, ordinal) -> spans of the words (or substrings) of the paragraph the query matched."""
    found: dict[tuple[str, int], list[tuple[int, int]]] = {}
    by_group: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_group.setdefault(row["search_group"], []).append(row)
    for name, group_rows in by_group.items():
        group = next(g for g in GROUPS if g.name == name)
        if group.stemmer is None:
            for row in group_rows:
                found[(row["doc_id"], row["ordinal"])] = substring_spans(row["text"], terms)
            continue
        stems = _query_stems(con, group, query)
        words = {row["text"][a:b] for row in group_rows for a, b in word_spans(row["text"])}
        matching = _words_with_stems(con, group, sorted(words), stems)
        for row in group_rows:
            text = row["text"]
            found[(row["doc_id"], row["ordinal"])] = [
                (a, b) for a, b in word_spans(text) if text[a:b] in matching
            ]
    return found


def _query_stems(con: duckdb.DuckDBPyConnection, group: Group, query: str) -> set[str]:
    """The query's stems as the group's index sees them (stopwords and unknown words dropped)."""
    rows = con.execute(
        f"SELECT DISTINCT t FROM (SELECT stem(unnest({group.index}.tokenize(?)), ?) AS t) "  # noqa: S608
        f"WHERE t IN (SELECT term FROM {group.index}.dict)",
        [query, group.stemmer],
    ).fetchall()
    return {str(r[0]) for r in rows}


def _words_with_stems(
    con: duckdb.DuckDBPyConnection, group: Group, words: list[str], stems: set[str]
) -> set[str]:
    """The words whose stem (tokenized and stemmed as the index does) is one of `stems`."""
    if not words or not stems:
        return set()
    rows = con.execute(
        f"SELECT DISTINCT w FROM (SELECT w, stem(unnest({group.index}.tokenize(w)), ?) AS t "  # noqa: S608
        "FROM unnest(?::VARCHAR[]) AS u(w)) WHERE t IN (SELECT unnest(?::VARCHAR[]))",
        [group.stemmer, words, sorted(stems)],
    ).fetchall()
    return {str(r[0]) for r in rows}


def _hit(rank: int, row: dict[str, Any], marks: dict[tuple[str, int], list[tuple[int, int]]]) -> SearchHit:
    wide = row["search_group"] == _SUBSTRING.name  # CJK characters take two columns on a terminal
    text, highlights = snippet(
        row["text"],
        marks.get((row["doc_id"], row["ordinal"]), []),
        width=SNIPPET_CHARS // 2 if wide else SNIPPET_CHARS,
        lead=SNIPPET_LEAD // 2 if wide else SNIPPET_LEAD,
    )
    issued: dt.date | None = row["issued_date"]
    return SearchHit(
        rank=rank,
        score=round(float(row["score"]), 4),
        doc_id=row["doc_id"],
        title=row["title"],
        issued_date=issued,
        source_file=row["source_file"],
        ordinal=row["ordinal"],
        number=row["number"],
        page_start=row["page_start"],
        language=row["language"],
        snippet=text,
        highlights=highlights,
    )


# --- snippets (pure) -----------------------------------------------------------------------------


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of letters, digits and marks: the tokens the index splits text into."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, char in enumerate(text):
        if unicodedata.category(char)[0] in "LNM":
            if start is None:
                start = i
        elif start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def substring_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of any term (case-insensitive), earliest first, not overlapping."""
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not wanted:
        return []
    pattern = re.compile("|".join(map(re.escape, wanted)), re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


def one_line(text: str) -> str:
    """The text with every control character (newlines, tabs, escapes) made a space: same length."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


def snippet(
    text: str, marks: Sequence[tuple[int, int]], width: int = SNIPPET_CHARS, lead: int = SNIPPET_LEAD
) -> tuple[str, list[tuple[int, int]]]:
    """The text cut to about `width` characters around its first mark, on one line, with "…" where
    cut; returns it with the marks inside it, shifted to its offsets."""
    line = one_line(text)
    marks = sorted(marks)
    if len(line) <= width:
        return line, list(marks)
    first = marks[0] if marks else (0, 0)
    start = max(0, min(first[0] - lead, len(line) - width))
    if start > 0:  # begin at a word: after the first space before the match
        space = line.find(" ", start, first[0])
        start = space + 1 if space != -1 else start
    end = min(len(line), start + width)
    if end < len(line):  # end at a word, keeping the first match whole
        space = line.rfind(" ", max(first[1], start + width // 2), end)
        end = space if space != -1 else max(end, first[1])
    prefix = "…" if start > 0 else ""
    cut = prefix + line[start:end] + ("…" if end < len(line) else "")
    shift = len(prefix) - start
    return cut, [(a + shift, b + shift) for a, b in marks if a >= start and b <= end]
