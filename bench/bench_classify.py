"""Benchmark: secplan data classify against Presidio (the tool people use to find personal data).

    .venv/bin/python bench/bench_classify.py [--lines 2000] [--rows 1000000] [--presidio-rows 2000]

1. Free text: the same labelled corpus (tests/data_classify/corpus.py: Faker, several locales, hard
   negatives) through secplan (a text file, `classify --full`) and Presidio's BatchAnalyzerEngine;
   throughput in lines/s and precision/recall/F1 per structured entity.
2. Columns: a 1,000,000-row Parquet file: secplan's sampled classification time (cold: a fresh
   process, as a user runs it) and full-scan throughput (MB/s of Arrow data per core), and Presidio's
   analyze_dict on the first rows of the same table for rows/s and per-column entities.

Presidio runs in its own venv (.bench/venv: `pip install presidio-analyzer`); see presidio_runner.py
for the spaCy pipeline it uses. Benchmarks are not tests: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "data_classify"))
sys.path.insert(0, str(ROOT / "bench"))

from classify_data import table as make_table  # noqa: E402
from corpus import Span, score, text_corpus  # noqa: E402

from secplan.data.classify import ClassifyOptions, classify_dataset  # noqa: E402
from secplan.data.classify.scanner import Scanner  # noqa: E402

STRUCTURED = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS", "URL", "CRYPTO",
              "DATE_TIME"]
#: Scored for secplan; Presidio finds these with spaCy NER only (none in the blank pipeline).
CONTEXTUAL = ["PERSON", "LOCATION"]
PRESIDIO = ROOT / ".bench" / "venv" / "bin" / "python"


def presidio(mode: str, source: Path) -> dict | None:
    if not PRESIDIO.exists():
        print("  (Presidio venv missing: python -m venv .bench/venv && .bench/venv/bin/pip install presidio-analyzer)")
        return None
    done = subprocess.run([str(PRESIDIO), str(ROOT / "bench" / "presidio_runner.py"), mode, str(source)],
                          capture_output=True, text=True, check=True, env={**os.environ, "TLDEXTRACT_CACHE": "/tmp"})
    return json.loads(done.stdout)


def spans_by_line(findings: list[tuple[str, int, int]], offsets: list[int]) -> list[list[Span]]:
    import bisect

    lines: list[list[Span]] = [[] for _ in offsets]
    for kind, start, end in findings:
        n = bisect.bisect_right(offsets, start) - 1
        lines[n].append(Span(kind, start - offsets[n], end - offsets[n]))
    return lines


def bench_text(lines: int, work: Path, plain: float) -> None:
    texts, gold = text_corpus(lines, seed=99, plain=plain)
    corpus_txt = work / "corpus.txt"
    corpus_txt.write_text("\n".join(texts) + "\n", encoding="utf-8")
    with (work / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps({"text": text}) + "\n")
    offsets, position = [], 0
    for text in texts:
        offsets.append(position)
        position += len(text) + 1
    classify_dataset(corpus_txt, ClassifyOptions(sample_rows=50))  # warm up, as Presidio's runner does
    start, cpu = time.perf_counter(), time.process_time()
    result = classify_dataset(corpus_txt, ClassifyOptions(sample_rows=None, show_values=True))
    ours_s, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    ours = score(gold, spans_by_line([(f.type, f.start, f.end) for f in result.text_findings], offsets),
                 STRUCTURED + CONTEXTUAL)
    theirs_raw = presidio("text", work / "corpus.jsonl")
    print(f"\n## Free text: {lines} lines, {plain:.0%} plain prose, the rest labelled identifiers "
          "and hard negatives\n")
    print(f"secplan:  {ours_s:.2f} s wall, {ours_cpu:.2f} s CPU, {lines / ours_cpu:,.0f} lines per CPU-second")
    theirs = None
    if theirs_raw:
        per_line = [[] for _ in texts]
        for n, kind, s, e in theirs_raw["findings"]:
            per_line[n].append(Span(kind, s, e))
        theirs = score(gold, per_line, STRUCTURED + CONTEXTUAL)
        print(f"presidio: {theirs_raw['seconds']:.2f} s wall, {theirs_raw['cpu']:.2f} s CPU, "
              f"{lines / theirs_raw['cpu']:,.0f} lines per CPU-second (spaCy pipeline: {theirs_raw['pipeline']})")
        print(f"ratio:    secplan is {theirs_raw['cpu'] / ours_cpu:,.0f}x faster (CPU time; "
              f"{theirs_raw['seconds'] / ours_s:,.0f}x by wall time)")
    print("\n| entity | support | secplan P | secplan R | secplan F1 | Presidio P | Presidio R | Presidio F1 |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in STRUCTURED + CONTEXTUAL:
        o = ours[kind]
        t = theirs[kind] if theirs else {"precision": "-", "recall": "-", "f1": "-"}
        print(f"| {kind} | {o['support']} | {o['precision']} | {o['recall']} | {o['f1']} | "
              f"{t['precision']} | {t['recall']} | {t['f1']} |")


def bench_columns(rows: int, presidio_rows: int, work: Path) -> None:
    start = time.perf_counter()
    data = make_table(rows)
    path = work / "people.parquet"
    pq.write_table(data, path, row_group_size=100_000)
    print(f"\n## Columns: {rows:,} rows x {data.num_columns} columns "
          f"({data.nbytes / 1e6:.0f} MB in Arrow, {path.stat().st_size / 1e6:.0f} MB Parquet; "
          f"generated in {time.perf_counter() - start:.0f} s)\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cold_start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "secplan", "data", "classify", str(path), "-f", "json",
                    "-o", str(work / "sampled.json")], check=True, capture_output=True)
    cold_s = time.perf_counter() - cold_start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cold_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    start, cpu = time.perf_counter(), time.process_time()
    sampled = classify_dataset(path, ClassifyOptions())
    sampled_s, sampled_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    full = classify_dataset(path, ClassifyOptions(sample_rows=None), Scanner(workers=1))  # one core
    full_s, full_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"secplan sampled ({sampled.rows_scanned:,} rows from row groups spread through the file): "
          f"{sampled_s:.2f} s wall / {sampled_cpu:.2f} s CPU in-process; as a fresh `secplan data classify` "
          f"command (imports, lexicons, first use of each validator): {cold_s:.2f} s wall / {cold_cpu:.2f} s CPU")
    print(f"secplan full scan: {full_s:.2f} s wall, {full_cpu:.2f} s CPU: {data.nbytes / 1e6 / full_cpu:.0f} MB "
          f"per CPU-second ({data.nbytes / 1e6 / full_s:.0f} MB/s wall), {rows / full_cpu:,.0f} rows per CPU-second")
    found_full = {c.name: [e.type for e in c.entities] for c in full.columns}
    found_sampled = {c.name: [e.type for e in c.entities] for c in sampled.columns}
    head = work / "head.jsonl"
    with head.open("w", encoding="utf-8") as handle:
        for row in data.slice(0, presidio_rows).to_pylist():
            handle.write(json.dumps(row) + "\n")
    theirs = presidio("columns", head)
    if theirs:
        rate = theirs["rows"] / theirs["cpu"]
        print(f"presidio analyze_dict on {theirs['rows']:,} rows: {theirs['seconds']:.2f} s wall, "
              f"{theirs['cpu']:.2f} s CPU, {rate:,.0f} rows per CPU-second "
              f"(a full scan of {rows:,} rows would take ~{rows / rate / 60:.0f} CPU-minutes)")
        print(f"ratio (rows per CPU-second): secplan is {rows / full_cpu / rate:,.0f}x faster")
    print("\n| column | secplan sampled | secplan full | Presidio (head) |")
    print("|---|---|---|---|")
    for name in data.column_names:
        print(f"| {name} | {', '.join(found_sampled.get(name, [])) or '-'} | {', '.join(found_full.get(name, [])) or '-'} "
              f"| {', '.join(theirs['columns'].get(name, [])) if theirs else '-'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--presidio-rows", type=int, default=2000)
    parser.add_argument("--skip-text", action="store_true")
    parser.add_argument("--skip-columns", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-classify-") as tmp:
        work = Path(tmp)
        if not args.skip_text:
            bench_text(args.lines, work, plain=0.0)
            bench_text(args.lines, work, plain=0.8)
        if not args.skip_columns:
            bench_columns(args.rows, args.presidio_rows, work)


if __name__ == "__main__":
    main()
