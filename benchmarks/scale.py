"""Scale: per-document time and peak memory as the corpus grows (default 100, 1,000, 10,000 documents).

usage: .venv/bin/python benchmarks/scale.py [--sizes 100 1000 10000] [--pdf-share 0.1] [--workers N]
       [--time-goal 0.15] [--memory-goal 0.20] [--server | --api-url URL] [--keep DIR]

Generates the largest corpus once (benchmarks/corpus.py: distinct communiqués, a share
--pdf-share of them PDF of 2-4 pages spread evenly, the rest plain text), gives each size the
first N of them (hard links), and runs `python -m communiques ingest` on each size into a fresh
data folder, smallest first. For each size it prints the process's wall time (start-up, imports
and Prefect's ephemeral API start included) and the flow run's duration as Prefect recorded it
(those left out), both per document; the peak memory of the process tree (RSS summed over the
command, its extraction workers and the ephemeral API server, sampled every 0.1 s); their
deviation from the smallest size; and the flow run's milliseconds per document in each kind of
task, which shows a stage whose cost per document grows with the warehouse.

10,000 documents take long (at the 56 ms per document measured for 1,000 on 2 idle cores, about
10 minutes plus 1-2 minutes of generation; longer if a stage grows with the warehouse); before
each size the script prints an estimate from the previous one, and it reports how long each
size took.

The goal: per-document flow-run time within +-(--time-goal) and peak memory within
+-(--memory-goal) of the smallest size, at every size (either way: at 100 documents the fixed
per-run costs, about 4 s, weigh on the per-document time, which then falls with size; the
marginal column separates the two). Exit status 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from common import (
    CliRun,
    FlowRecord,
    add_common_arguments,
    covered,
    deviation,
    flow_record,
    load_average,
    prefect_api,
    run_ingest,
    verdict,
    workspace,
)
from corpus import generate


@dataclass
class Size:
    """The ingest run of one corpus size."""

    documents: int
    pdfs: int
    cli: CliRun
    record: FlowRecord
    took: float  # seconds for the whole size, linking included

    @property
    def flow_per_doc(self) -> float:
        return self.record.seconds / self.documents

    @property
    def wall_per_doc(self) -> float:
        return self.cli.wall / self.documents

    @property
    def peak(self) -> float:
        return self.cli.peak.total if self.cli.peak else float("nan")


def link_first(paths: list[Path], count: int, folder: Path) -> list[Path]:
    """The first `count` files hard-linked (copied where links fail) into `folder`."""
    folder.mkdir(parents=True)
    linked = []
    for path in paths[:count]:
        target = folder / path.name
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
        linked.append(target)
    return linked


def stage_matrix(sizes: list[Size]) -> str:
    """Flow-run milliseconds per document in each kind of task (rows) at each size (columns)."""
    kinds = sorted({s.kind for size in sizes for s in size.record.tasks})
    header = f"  {'ms per document':<22}" + "".join(f"{size.documents:>10}" for size in sizes)
    lines = [header]
    rows = []
    for kind in kinds:
        values = [
            covered([s for s in size.record.tasks if s.kind == kind]) / size.documents * 1000
            for size in sizes
        ]
        rows.append((kind, values))
    rows.sort(key=lambda row: -row[1][-1])
    between = [(z.record.seconds - covered(z.record.tasks)) / z.documents * 1000 for z in sizes]
    rows.append(("(between tasks)", between))
    rows.append(("flow run", [z.flow_per_doc * 1000 for z in sizes]))
    for kind, values in rows:
        lines.append(f"  {kind:<22}" + "".join(f"{v:>10.1f}" for v in values))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000], help="corpus sizes")
    parser.add_argument("--pdf-share", type=float, default=0.1, help="share of PDFs (default 0.1)")
    parser.add_argument(
        "--workers", type=int, help="COMMUNIQUES_WORKERS (default: the setting's, one per core)"
    )
    parser.add_argument("--time-goal", type=float, default=0.15, help="per-document time tolerance (0.15)")
    parser.add_argument("--memory-goal", type=float, default=0.20, help="peak memory tolerance (0.20)")
    add_common_arguments(parser)
    args = parser.parse_args()
    sizes_wanted = sorted(set(args.sizes))
    settings = {"workers": args.workers} if args.workers else {}
    began = time.perf_counter()
    sizes: list[Size] = []
    with workspace(args.keep, "communiques-scale-") as work:
        largest = sizes_wanted[-1]
        print(f"generating {largest} documents ({args.pdf_share:.0%} PDF) ...", flush=True)
        started = time.perf_counter()
        paths = generate(largest, work / "corpus-all", pdf_share=args.pdf_share)
        print(f"generated in {time.perf_counter() - started:.1f} s; {load_average()}")
        with prefect_api(args.api_url, args.server, work) as api_url:
            for count in sizes_wanted:
                if sizes:
                    last = sizes[-1]
                    estimate = last.cli.wall - last.record.seconds + last.flow_per_doc * count
                    print(
                        f"\n{count} documents: about {estimate / 60:.1f} min if the flow run's time per "
                        f"document stays that of {last.documents}",
                        flush=True,
                    )
                started = time.perf_counter()
                folder = work / f"corpus-{count}"
                subset = link_first(paths, count, folder)
                cli = run_ingest([folder], work / f"data-{count}", api_url=api_url, **settings)
                cli.require(loaded=count, failed=0)
                record = flow_record(cli)
                if record is None:
                    raise SystemExit(f"no Prefect record of the flow run of {count} documents")
                pdfs = sum(p.suffix == ".pdf" for p in subset)
                size = Size(count, pdfs, cli, record, time.perf_counter() - started)
                sizes.append(size)
                print(
                    f"{count} documents ({pdfs} PDF): took {size.took:.1f} s, flow run "
                    f"{record.seconds:.1f} s, {cli.peak}; {load_average()}",
                    flush=True,
                )
                if cli.peak is not None:
                    print(f"  {cli.peak.cpu_line()}", flush=True)
    return report(args, sizes, time.perf_counter() - began)


def report(args: argparse.Namespace, sizes: list[Size], total: float) -> int:
    """The table, the per-stage matrix and the one-line summary."""
    base = sizes[0]
    print(
        f"\n{'documents':>9} {'PDF':>5} {'wall s':>7} {'flow s':>7} {'wall ms/doc':>11} {'flow ms/doc':>11} "
        f"{'dev':>7} {'marginal':>8} {'peak MiB':>8} {'dev':>7} {'main':>5} {'workers':>7} {'other':>5}"
    )
    previous = None
    for size in sizes:
        peak = size.cli.peak
        assert peak is not None
        marginal = "-"
        if previous is not None:
            extra = (size.record.seconds - previous.record.seconds) / (size.documents - previous.documents)
            marginal = f"{extra * 1000:.1f}"
        print(
            f"{size.documents:>9} {size.pdfs:>5} {size.cli.wall:>7.1f} {size.record.seconds:>7.1f} "
            f"{size.wall_per_doc * 1000:>11.1f} {size.flow_per_doc * 1000:>11.1f} "
            f"{deviation(size.flow_per_doc, base.flow_per_doc):>7} {marginal:>8} {peak.total:>8.0f} "
            f"{deviation(peak.total, base.peak):>7} {peak.main:>5.0f} {peak.workers:>7.0f} {peak.other:>5.0f}"
        )
        previous = size
    print(
        "(marginal: flow-run ms per document added since the previous size; a per-document time that "
        "falls with size is fixed per-run cost being spread, one that rises is a stage growing with the "
        "warehouse)"
    )
    print("\nwhere the flow runs' time went, per document:")
    print(stage_matrix(sizes))
    print(f"\nwhole benchmark: {total / 60:.1f} min")
    time_dev = max(((s.flow_per_doc - base.flow_per_doc) / base.flow_per_doc for s in sizes), key=abs)
    memory_dev = max(((s.peak - base.peak) / base.peak for s in sizes), key=abs)
    passed = abs(time_dev) <= args.time_goal and abs(memory_dev) <= args.memory_goal
    counts = " -> ".join(str(s.documents) for s in sizes)
    print(
        f"scale: {counts} documents ({args.pdf_share:.0%} PDF): per-document time deviates up to "
        f"{time_dev:+.1%} (flow run), peak memory up to {memory_dev:+.1%} from {base.documents} "
        f"(goal <= {args.time_goal:.0%}, <= {args.memory_goal:.0%}) {verdict(passed)}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
