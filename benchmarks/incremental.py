"""Incremental: a second ingest over an unchanged inbox of already-ingested files, against the first.

usage: .venv/bin/python benchmarks/incremental.py [--documents 1000] [--pdf-share 0] [--workers N]
       [--goal 0.02] [--server | --api-url URL] [--keep DIR]

Writes --documents distinct communiqués (benchmarks/corpus.py; plain text by default) into the
inbox of a scratch data folder and runs `python -m communiques ingest` (no paths: the inbox)
twice. The first run must load every file, the second must find every one unchanged and extract
nothing (no extraction task in its flow run). For both it prints the process's wall time
(start-up, imports and Prefect's ephemeral API start included), the flow run's duration as Prefect
recorded it (those left out) and the peak memory of the process tree; then where the second run's
time went (hashing the inbox, one ledger query, the run record, the snapshot).

The goal (second run <= --goal x first run) is judged on the flow runs: a process start-up of
about 10 s would otherwise be most of the second run whatever the inbox holds. Exit status 0 on
PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import sys

from common import (
    add_common_arguments,
    flow_record,
    load_average,
    prefect_api,
    run_ingest,
    stage_table,
    verdict,
    workspace,
)
from corpus import generate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000, help="files in the inbox (default 1000)")
    parser.add_argument("--pdf-share", type=float, default=0.0, help="share of PDFs (default 0: all text)")
    parser.add_argument(
        "--workers", type=int, help="COMMUNIQUES_WORKERS (default: the setting's, one per core)"
    )
    parser.add_argument("--goal", type=float, default=0.02, help="second/first goal (default 0.02)")
    add_common_arguments(parser)
    args = parser.parse_args()
    settings = {"workers": args.workers} if args.workers else {}
    with workspace(args.keep, "communiques-incremental-") as work:
        data = work / "data"
        paths = generate(args.documents, data / "inbox", pdf_share=args.pdf_share)
        pdfs = sum(p.suffix == ".pdf" for p in paths)
        print(f"inbox: {len(paths)} documents ({pdfs} PDF, {len(paths) - pdfs} text); {load_average()}")
        with prefect_api(args.api_url, args.server, work) as api_url:
            first = run_ingest([], data, api_url=api_url, **settings)
            first.require(files_seen=len(paths), loaded=len(paths), failed=0)
            first_record = flow_record(first)
            print(f"first run:  wall {first.wall:7.2f} s  {first.summary_line}  ({load_average()})")
            second = run_ingest([], data, api_url=api_url, **settings)
            second.require(files_seen=len(paths), loaded=0, unchanged=len(paths), failed=0)
            second_record = flow_record(second)
            print(f"second run: wall {second.wall:7.2f} s  {second.summary_line}  ({load_average()})")
    if first_record is None or second_record is None:
        raise SystemExit("no Prefect record of a flow run")
    extracted = sum(span.kind == "extract-files" for span in second_record.tasks)
    print(f"\n{'':<11} {'wall s':>8} {'flow s':>8}  peak memory")
    for name, run, record in (("first", first, first_record), ("second", second, second_record)):
        print(f"{name:<11} {run.wall:>8.2f} {record.seconds:>8.2f}  {run.peak}")
    print(f"\nwhere the second flow run's {second_record.seconds:.2f} s went:")
    print(stage_table(second_record))
    print(f"\nwhere the first flow run's {first_record.seconds:.1f} s went:")
    print(stage_table(first_record))
    ratio = second_record.seconds / first_record.seconds
    wall_ratio = second.wall / first.wall
    passed = ratio <= args.goal and extracted == 0
    print(
        f"\nincremental: second run {ratio:.1%} of the first (flow run; {wall_ratio:.1%} with process and "
        f"Prefect start-up), {len(paths)} unchanged files, {extracted} extraction tasks "
        f"(goal <= {args.goal:.0%}, none) {verdict(passed)}"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
