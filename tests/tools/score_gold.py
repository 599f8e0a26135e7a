#!/usr/bin/env python3
"""Score extracted communique records against hand-labelled gold records.

A copy of /work/shared/tools/score_gold.py (same matching, same arithmetic), reformatted to
pass the project's ruff rules, so the tests stand alone in CI.

usage: score_gold.py RECORDS.jsonl GOLD_DIR [--json]

RECORDS.jsonl holds one exported document record per line. A record is matched
to a gold file when its `source_file` name, without extension, equals the gold
file's `file` field or starts with it followed by '_' (so rendered variants such
as NAME_scanned.pdf are scored against NAME's gold). Every matched record is
scored; a gold file that no record matches counts as missing.

Scalar fields (doc_type, issued_date, issued_place, issued_country, language,
issuing_body) score exact-match accuracy (case-insensitive, place compared
loosely). List fields score micro precision / recall / F1:
  participants      key = (surname, country); surname = last word of the name
  countries         key = ISO 3166 alpha-3 code
  referenced_events key = date_start (place is not required to match)
  instruments       fuzzy name match, token-set similarity >= 0.8
Standard library only.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

SCALARS = ["doc_type", "issued_date", "issued_place", "issued_country", "language", "issuing_body"]


def stem(name: str) -> str:
    return re.sub(r"\.(pdf|txt|md|html?)$", "", Path(str(name)).name, flags=re.I)


def norm(s) -> str:
    return re.sub(r"[^\w]+", " ", str(s or "").casefold()).strip()


SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md"}


def surname(name) -> str:
    words = [w for w in norm(name).split() if w not in SUFFIXES]
    return words[-1] if words else ""


def scalar_equal(field, got, want) -> bool:
    if want is None:
        return got in (None, "")
    if field == "issued_place":
        g, w = norm(got), norm(want)
        return bool(g) and (g == w or g in w or w in g)
    if field == "language":
        return norm(got).split(" ")[0][:2] == norm(want)[:2]
    return norm(got) == norm(want)


def tokens(s) -> set:
    return set(norm(s).split()) - {"the", "of", "on", "in", "and", "for", "a", "an"}


def similar(a, b) -> bool:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    overlap = len(ta & tb) / min(len(ta), len(tb))
    ratio = difflib.SequenceMatcher(None, norm(a), norm(b)).ratio()
    return overlap >= 0.8 or ratio >= 0.8


def name_of(item):
    return item.get("name") if isinstance(item, dict) else item


def match_count(got: list, want: list, same) -> int:
    used, hits = set(), 0
    for w in want:
        for i, g in enumerate(got):
            if i not in used and same(g, w):
                used.add(i)
                hits += 1
                break
    return hits


def list_keys(field, rec):
    items = rec.get(field) or []
    if field == "participants":
        return [(surname(p.get("name")), (p.get("country") or "").upper() or None) for p in items]
    if field == "countries":
        return sorted({(c.get("code") if isinstance(c, dict) else c or "").upper() for c in items} - {""})
    if field == "referenced_events":
        return [str(e.get("date_start") or "") for e in items if e.get("date_start")]
    if field == "instruments":
        return [name_of(i) for i in items if name_of(i)]
    raise KeyError(field)


def same_for(field):
    if field == "participants":
        return lambda g, w: g[0] == w[0] and (w[1] is None or g[1] == w[1])
    if field == "instruments":
        return similar
    return lambda g, w: g == w


def score(records, gold_dir):
    gold = {
        stem(json.loads(p.read_text())["file"]): json.loads(p.read_text())
        for p in Path(gold_dir).glob("*.json")
    }
    pairs = []
    for rec in records:
        name = stem(rec.get("source_file", ""))
        keys = [k for k in gold if name == k or name.startswith(k + "_")]
        if keys:  # the exact name, else the longest gold name it extends
            key = name if name in keys else max(keys, key=len)
            pairs.append((name, key, rec))
    report = {"documents": len(pairs), "missing": [], "scalars": {}, "lists": {}, "per_document": {}}
    sc = {f: [0, 0] for f in SCALARS}
    ls = {f: [0, 0, 0] for f in ["participants", "countries", "referenced_events", "instruments"]}
    report["missing"] = sorted(set(gold) - {key for _, key, _ in pairs})
    for name, key, got in sorted(pairs, key=lambda t: t[0]):
        want = gold[key]
        misses = []
        for f in SCALARS:
            if f not in want:
                continue
            sc[f][1] += 1
            if scalar_equal(f, got.get(f), want[f]):
                sc[f][0] += 1
            else:
                misses.append(f"{f}: got {got.get(f)!r}, want {want[f]!r}")
        for f in ls:
            if f not in want:
                continue
            g, w = list_keys(f, got), list_keys(f, want)
            hit = match_count(g, w, same_for(f))
            ls[f][0] += hit
            ls[f][1] += len(g)
            ls[f][2] += len(w)
            if hit < len(w) or hit < len(g):
                misses.append(f"{f}: {hit} of {len(w)} found, {len(g) - hit} extra")
        report["per_document"][name] = misses
    for f, (ok, n) in sc.items():
        report["scalars"][f] = round(ok / n, 3) if n else None
    for f, (hit, ng, nw) in ls.items():
        p = hit / ng if ng else (1.0 if not nw else 0.0)
        r = hit / nw if nw else 1.0
        report["lists"][f] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        }
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("records")
    ap.add_argument("gold_dir")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    a = ap.parse_args()
    lines = Path(a.records).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    rep = score(records, a.gold_dir)
    if a.json:
        print(json.dumps(rep, indent=2))
        return
    for key, misses in rep["per_document"].items():
        print(f"{key}: {'ok' if not misses else '; '.join(misses)}")
    if rep["missing"]:
        print("missing records:", ", ".join(rep["missing"]))
    print("scalar accuracy:", ", ".join(f"{k}={v}" for k, v in rep["scalars"].items() if v is not None))
    print("list F1:", ", ".join(f"{k}={v['f1']}" for k, v in rep["lists"].items()))
    worst = min(
        [v for v in rep["scalars"].values() if v is not None] + [v["f1"] for v in rep["lists"].values()]
    )
    print(f"documents={rep['documents']} missing={len(rep['missing'])} worst_field={worst}")


if __name__ == "__main__":
    sys.exit(main())
