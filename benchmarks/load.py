"""Load: DuckDB load throughput of `warehouse.ledger.load_batch`, in paragraph rows/s and documents/s.

usage: .venv/bin/python benchmarks/load.py [--documents 5000] [--batch-size 200] [--templates 8]
       [--goal-rows N] [--flat 0.8] [--load-only] [--keep DIR]

Builds --templates realistic documents once, through the real extraction path
(`extractors.document.process_file` on communiqués from benchmarks/corpus.py, half PDF, half
text) and the real quality gate (`schemas.quality.validate`, so every document carries its check
results), then clones them with new ids, file hashes and content hashes up to --documents, and
loads the clones into a fresh warehouse with `load_batch`, --batch-size documents per call (one
transaction each, as the flow does). Only the `load_batch` calls are timed for the throughput.
Unless --load-only, each batch is followed by `refresh_search_index` and `publish_snapshot`,
timed separately: what each costs at that warehouse size (the flow runs them at the end of a run
and, during a long one, after a batch at most every `refresh_seconds`); both grow with the
warehouse, not with the batch.

Prints each batch (or every n-th, for many), the rows of every table at the end, and overall
paragraph rows/s, all rows/s and documents/s.

The issue sets no number for this one. PASS here means the load keeps its pace as the tables
grow: documents/s over the last quarter of the batches >= --flat x the first quarter's (what
flat per-document time at scale needs from the load), and paragraph rows/s >= --goal-rows when
that is given. Exit status 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from common import load_average, verdict, workspace
from corpus import generate

from schemas.records import BatchItem


@dataclass
class Batch:
    """One load_batch call and what followed it."""

    number: int
    documents: int
    paragraphs: int
    load: float
    search: float
    snapshot: float
    total_documents: int


def templates(count: int) -> list[BatchItem]:
    """`count` BatchItems with documents and quality verdicts, built by the real extractors and gate."""
    from extractors.document import apply_quality, process_file
    from extractors.sources import discover
    from schemas.quality import QualityRules, validate

    with tempfile.TemporaryDirectory(prefix="communiques-load-templates-") as folder:
        paths = generate(count, Path(folder), pdf_share=0.5)
        items = [process_file(source) for source in discover(paths)]
    refused = [i.rejection for i in items if i.document is None]
    if refused:
        raise SystemExit(f"a template document was refused: {refused[0]}")
    verdicts = validate([i.document for i in items], QualityRules())
    return apply_quality(items, verdicts)


def clone(template: BatchItem, number: int) -> BatchItem:
    """A copy of a template item as a new file: new hash (= doc_id), content hash and name."""
    digest = hashlib.sha256(f"load-benchmark-{number}".encode()).hexdigest()
    content = hashlib.sha256(f"load-benchmark-content-{number}".encode()).hexdigest()
    name = f"clone-{number:07d}{Path(template.source_path).suffix}"
    assert template.document is not None
    document = template.document.model_copy(
        update={"doc_id": digest, "content_hash": content, "source_file": name}
    )
    return template.model_copy(
        update={"source_path": f"/benchmark/inbox/{name}", "file_hash": digest, "document": document}
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000, help="documents loaded (default 5000)")
    parser.add_argument("--batch-size", type=int, default=200, help="documents per load_batch (default 200)")
    parser.add_argument("--templates", type=int, default=8, help="distinct documents cloned (default 8)")
    parser.add_argument(
        "--goal-rows", type=float, help="paragraph rows/s the load must reach (default: none)"
    )
    parser.add_argument("--flat", type=float, default=0.8, help="last/first quarter docs/s floor (0.8)")
    parser.add_argument("--load-only", action="store_true", help="skip search refresh and snapshot per batch")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    args = parser.parse_args()

    from warehouse.database import Warehouse
    from warehouse.ledger import load_batch
    from warehouse.search import refresh_search_index
    from warehouse.snapshot import publish_snapshot

    started = time.perf_counter()
    items = templates(args.templates)
    paragraphs = [len(i.document.paragraphs) for i in items]
    checks = [len(i.document.quality.results) for i in items]
    print(
        f"{len(items)} template documents built in {time.perf_counter() - started:.1f} s: "
        f"{min(paragraphs)}-{max(paragraphs)} paragraphs, {checks[0]} quality checks each; {load_average()}"
    )
    batches: list[Batch] = []
    with workspace(args.keep, "communiques-load-") as work:
        wh = Warehouse(work / "warehouse.duckdb")
        run_id = str(uuid.uuid4())
        done = 0
        while done < args.documents:
            count = min(args.batch_size, args.documents - done)
            batch = [clone(items[(done + i) % len(items)], done + i) for i in range(count)]
            began = time.perf_counter()
            outcomes = load_batch(wh, run_id, batch)
            load = time.perf_counter() - began
            if sum(o.state.value == "loaded" for o in outcomes) != count:
                raise SystemExit(f"batch {len(batches) + 1}: not every document was loaded")
            search = snapshot = 0.0
            if not args.load_only:
                began = time.perf_counter()
                refresh_search_index(wh)
                search = time.perf_counter() - began
                began = time.perf_counter()
                publish_snapshot(wh, work / "snapshot.duckdb")
                snapshot = time.perf_counter() - began
            done += count
            rows = sum(len(d.document.paragraphs) for d in batch)
            batches.append(Batch(len(batches) + 1, count, rows, load, search, snapshot, done))
        with wh.connect(read_only=True) as con:
            tables = [
                (name, con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608
                for (name,) in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name"
                ).fetchall()
            ]
        size = wh.path.stat().st_size / 1024 / 1024
    return report(args, batches, tables, size)


def report(args: argparse.Namespace, batches: list[Batch], tables: list[tuple[str, int]], size: float) -> int:
    """Per-batch lines, table sizes, overall throughput and the one-line summary."""
    step = max(1, len(batches) // 20)
    print(
        f"\n{'batch':>5} {'documents':>9} {'load s':>7} {'docs/s':>7} {'para rows/s':>11} "
        f"{'search s':>8} {'snapshot s':>10}"
    )
    for batch in batches:
        if (batch.number - 1) % step and batch.number != len(batches):
            continue
        print(
            f"{batch.number:>5} {batch.total_documents:>9} {batch.load:>7.3f} "
            f"{batch.documents / batch.load:>7.0f} {batch.paragraphs / batch.load:>11.0f} "
            f"{batch.search:>8.3f} {batch.snapshot:>10.3f}"
        )
    print("\nrows at the end: " + ", ".join(f"{name} {count}" for name, count in tables))
    seconds = sum(b.load for b in batches)
    documents = sum(b.documents for b in batches)
    paragraphs = sum(b.paragraphs for b in batches)
    rows = sum(count for name, count in tables if name not in ("runs",))
    print(
        f"load_batch: {seconds:.2f} s for {documents} documents, {paragraphs} paragraph rows, {rows} rows in "
        f"all tables; warehouse {size:.0f} MiB; {load_average()}"
    )
    print(
        f"throughput: {paragraphs / seconds:,.0f} paragraph rows/s, {rows / seconds:,.0f} rows/s "
        f"(all tables), {documents / seconds:,.0f} documents/s"
    )
    if not args.load_only:
        search, snapshot = sum(b.search for b in batches), sum(b.snapshot for b in batches)
        print(
            f"after each batch: search refresh {search:.2f} s in all "
            f"({batches[0].search:.3f} s first, {batches[-1].search:.3f} s last), snapshot {snapshot:.2f} s "
            f"({batches[0].snapshot:.3f} s first, {batches[-1].snapshot:.3f} s last)"
        )
    quarter = max(1, len(batches) // 4)
    first = statistics.median(b.documents / b.load for b in batches[:quarter])
    last = statistics.median(b.documents / b.load for b in batches[-quarter:])
    rate = paragraphs / seconds
    passed = last >= args.flat * first and (args.goal_rows is None or rate >= args.goal_rows)
    goal = f"last/first >= {args.flat:g}" + (f", >= {args.goal_rows:,.0f} rows/s" if args.goal_rows else "")
    print(
        f"load: {rate:,.0f} paragraph rows/s, {documents / seconds:,.0f} documents/s over {documents} "
        f"documents; documents/s last quarter {last:,.0f} vs first {first:,.0f} ({last / first:.2f}) "
        f"({goal}) {verdict(passed)}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
