"""Scaling: the same corpus ingested with 1 and with 2 extraction worker processes.

usage: .venv/bin/python benchmarks/scaling.py [--documents 100] [--pdf-share 1.0] [--workers 1 2]
       [--rounds 2] [--goal 1.8] [--server | --api-url URL] [--keep DIR]

Generates --documents distinct communiqués (benchmarks/corpus.py; all PDF by default) and runs
`python -m communiques ingest` on them once per worker count (COMMUNIQUES_WORKERS), each into a
fresh data folder, in --rounds rounds whose order alternates (1, 2, then 2, 1). For each run it prints the
process's wall time (start-up, imports and Prefect's ephemeral API start included), the flow run's
duration as Prefect recorded it (those left out), the wall time of the extraction tasks alone and
the peak memory of the process tree (RSS summed over the command, its workers and the ephemeral
API server, sampled every 0.1 s), the workers' CPU seconds and the cores they kept busy during
extraction (worker CPU / extraction wall; their start-up imports, about 1 s each, included), and
the CPU seconds that processes outside the tree used meanwhile: on a shared machine, when other
work takes a core, 2 workers cannot run at 2x, and this column shows it. Then the speed-ups of the
flow run, of the whole process and of extraction alone, and where each flow run's time went: the
parts that stay serial (quality gate, load, search index, snapshot) bound the speed-up of the whole.

The goal (speed-up of the flow run from the first to the last worker count >= --goal) is judged
on the medians over the rounds. Exit status 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass

from common import (
    CliRun,
    FlowRecord,
    add_common_arguments,
    cores_between,
    cores_line,
    flow_record,
    load_average,
    prefect_api,
    run_ingest,
    stage_seconds,
    stage_table,
    verdict,
    window,
    workspace,
)
from corpus import generate


@dataclass
class Run:
    """One ingest run with a given number of workers."""

    workers: int
    cli: CliRun
    record: FlowRecord

    @property
    def wall(self) -> float:
        return self.cli.wall

    @property
    def flow(self) -> float:
        return self.record.seconds

    @property
    def extract(self) -> float:
        return stage_seconds(self.record, "extract-files")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100, help="documents in the corpus (default 100)")
    parser.add_argument("--pdf-share", type=float, default=1.0, help="share of PDFs (default 1: all)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--rounds", type=int, default=2, help="runs per worker count, order alternating (2)")
    parser.add_argument("--goal", type=float, default=1.8, help="speed-up goal (default 1.8)")
    add_common_arguments(parser)
    args = parser.parse_args()
    with workspace(args.keep, "communiques-scaling-") as work:
        paths = generate(args.documents, work / "corpus", pdf_share=args.pdf_share)
        pdfs = sum(p.suffix == ".pdf" for p in paths)
        print(f"corpus: {len(paths)} documents ({pdfs} PDF, {len(paths) - pdfs} text); {load_average()}")
        runs: list[Run] = []
        with prefect_api(args.api_url, args.server, work) as api_url:
            print(
                f"\n{'workers':>7} {'wall s':>7} {'flow s':>7} {'extract s':>9} {'peak MiB':>8} "
                f"{'worker CPU s':>12} {'cores used':>10} {'others CPU s':>12}  load"
            )
            for number in range(1, args.rounds + 1):
                order = args.workers if number % 2 else args.workers[::-1]
                for workers in order:
                    data = work / f"data-{workers}w-{number}"
                    cli = run_ingest([work / "corpus"], data, api_url=api_url, workers=workers)
                    cli.require(loaded=len(paths), failed=0)
                    record = flow_record(cli)
                    if record is None:
                        raise SystemExit(f"no Prefect record of the flow run in {data}")
                    run = Run(workers, cli, record)
                    runs.append(run)
                    assert cli.peak is not None
                    cpu = cli.peak.cpu.get("workers", 0.0)
                    print(
                        f"{workers:>7} {cli.wall:>7.2f} {run.flow:>7.2f} {run.extract:>9.2f} "
                        f"{cli.peak.total:>8.0f} {cpu:>12.1f} {cpu / run.extract:>10.2f} "
                        f"{cli.peak.outside:>12.1f}  {load_average()}"
                    )
        for workers in args.workers:
            last = [r for r in runs if r.workers == workers][-1]
            print(f"\nwhere the flow run's {last.flow:.1f} s went with {workers} worker(s):")
            print(stage_table(last.record))
            assert last.cli.peak is not None
            print(f"  {last.cli.peak}\n  {last.cli.peak.cpu_line()}")
            extraction = window(last.record, "extract-files")
            if extraction is not None:
                print(f"  during extraction: {cores_line(cores_between(last.cli.peak, *extraction))}")
    return report(args, runs, len(paths))


def report(args: argparse.Namespace, runs: list[Run], documents: int) -> int:
    """Speed-ups from the first worker count to each other one; the one-line summary."""

    def median(workers: int, value: str) -> float:
        return statistics.median(getattr(r, value) for r in runs if r.workers == workers)

    base = args.workers[0]
    print()
    for workers in args.workers[1:]:
        flow = median(base, "flow") / median(workers, "flow")
        wall = median(base, "wall") / median(workers, "wall")
        extract = median(base, "extract") / median(workers, "extract")
        serial = median(workers, "flow") - median(workers, "extract")
        print(
            f"{base} -> {workers} workers: flow run x{flow:.2f}, whole process x{wall:.2f}, "
            f"extraction tasks alone x{extract:.2f}; outside extraction {serial:.1f} s of "
            f"{median(workers, 'flow'):.1f} s stay serial"
        )
    last = args.workers[-1]
    speedup = median(base, "flow") / median(last, "flow")
    wall_speedup = median(base, "wall") / median(last, "wall")
    passed = speedup >= args.goal
    print(
        f"scaling: {base} -> {last} workers x{speedup:.2f} (flow run; x{wall_speedup:.2f} with process and "
        f"Prefect start-up), {documents} documents (goal >= x{args.goal:g}) {verdict(passed)}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
