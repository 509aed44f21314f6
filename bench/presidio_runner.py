"""Run Presidio on the benchmark's inputs; executed by bench_classify.py in the separate
benchmark venv (.bench/venv), never imported by secplan.

Text: ``presidio_runner.py text CORPUS.jsonl`` -> JSON {seconds, findings: [[line, type, start, end]]}
Columns: ``presidio_runner.py columns TABLE.jsonl`` -> JSON {seconds, rows, columns: {name: [types]}}

The NLP engine is spaCy. en_core_web_sm is used when installed; otherwise a blank English spaCy
pipeline (tokenizer only, no NER), which is *faster* than en_core_web_sm, so the throughput
ratio is conservative, while Presidio's pattern recognizers for structured identifiers (cards,
IBAN, SSN, e-mail, phone, IP, URL, crypto) run as usual.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter


def _analyzer():
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    try:
        spacy.load("en_core_web_sm")
        model, pipeline = "en_core_web_sm", "en_core_web_sm"
    except OSError:
        model = tempfile.mkdtemp(prefix="blank_en_")
        spacy.blank("en").to_disk(model)
        pipeline = "blank"
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]})
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"]), pipeline


def text(path: str) -> dict:
    from presidio_analyzer import BatchAnalyzerEngine

    with open(path, encoding="utf-8") as handle:
        lines = [json.loads(line)["text"] for line in handle]
    analyzer, pipeline = _analyzer()
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    batch.analyze_iterator(lines[:5], language="en")  # warm up
    start, cpu = time.perf_counter(), time.process_time()
    results = batch.analyze_iterator(lines, language="en", batch_size=64)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    findings = [[n, r.entity_type, r.start, r.end] for n, found in enumerate(results) for r in found
                if r.score >= 0.4]
    return {"seconds": seconds, "cpu": cpu, "pipeline": pipeline, "findings": findings}


def columns(path: str) -> dict:
    from presidio_analyzer import BatchAnalyzerEngine

    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    data = {key: [str(row[key]) for row in rows] for key in rows[0]}
    analyzer, pipeline = _analyzer()
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    start, cpu = time.perf_counter(), time.process_time()
    results = list(batch.analyze_dict(data, language="en"))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = {}
    for item in results:
        counts = Counter(r.entity_type for value in item.recognizer_results for r in (value or []) if r.score >= 0.4)
        found[item.key] = [t for t, c in counts.items() if c >= 0.3 * len(rows)]
    return {"seconds": seconds, "cpu": cpu, "pipeline": pipeline, "rows": len(rows), "columns": found}


if __name__ == "__main__":
    mode, source = sys.argv[1], sys.argv[2]
    json.dump(text(source) if mode == "text" else columns(source), sys.stdout)
