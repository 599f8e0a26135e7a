"""Field accuracy on the gold set: ingest the shared corpus into a scratch warehouse, export, score.

usage: python benchmarks/accuracy.py [--corpus ../shared/corpus] [--keep DIR] [--json FILE]

Runs the real command line (`communiques ingest`, then `export --format jsonl`) in a scratch
folder on corpus/real, corpus/sco, corpus/seeds and corpus/rendered, then scores the export
with corpus/../tools/score_gold.py against corpus/gold and prints the per-document misses and
the per-field figures as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
FOLDERS = ("real", "sco", "seeds", "rendered")


def communiques(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command line in `cwd` with its own data folder."""
    executable = Path(sys.executable).parent / "communiques"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMMUNIQUES_", "PREFECT_"))}
    return subprocess.run(
        [str(executable), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=PROJECT.parent / "shared" / "corpus")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the score report as JSON here")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    scorer = corpus.parent / "tools" / "score_gold.py"
    work = args.keep or Path(tempfile.mkdtemp(prefix="communiques-accuracy-"))
    if args.keep and (work / "data").exists():
        print(f"{work}/data exists: give --keep a new folder so old results are not scored", file=sys.stderr)
        return 2
    work.mkdir(parents=True, exist_ok=True)
    try:
        ingest = communiques("ingest", "--no-progress", *(str(corpus / f) for f in FOLDERS), cwd=work)
        print(ingest.stdout, end="")
        if ingest.returncode not in (0, 1) or "files seen:" not in ingest.stdout:
            print(ingest.stderr, file=sys.stderr)
            return ingest.returncode or 1
        export = work / "export.jsonl"
        done = communiques("export", "--format", "jsonl", "--output", str(export), cwd=work)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        report = subprocess.run(
            [sys.executable, str(scorer), str(export), str(corpus / "gold"), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        scores = json.loads(report.stdout)
        if args.json:
            args.json.write_text(json.dumps(scores, indent=2))
        print_report(scores)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def print_report(scores: dict) -> None:
    """Per-document misses, then the per-field table in Markdown."""
    for name, misses in sorted(scores["per_document"].items()):
        if misses:
            print(f"{name}: {'; '.join(misses)}")
    if scores["missing"]:
        print("missing records:", ", ".join(scores["missing"]))
    print(
        f"\ndocuments scored: {scores['documents']}, gold files without a record: {len(scores['missing'])}\n"
    )
    print("| field | measure | value |\n|---|---|---:|")
    for field, value in scores["scalars"].items():
        if value is not None:
            print(f"| {field} | exact | {value:.3f} |")
    for field, value in scores["lists"].items():
        print(f"| {field} | F1 (P {value['precision']:.3f}, R {value['recall']:.3f}) | {value['f1']:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
