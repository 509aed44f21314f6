"""The Spark engine gives exactly the local engine's results (one local[*] session for the module)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from corpus import Synth

from secplan.data.classify import ClassifyOptions, classify_paths

pytest.importorskip("pyspark")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


@pytest.fixture(scope="module")
def scanner():
    from secplan.data.spark import SparkScanner, session

    spark = session()
    yield SparkScanner(spark)
    spark.stop()
    session.cache_clear()


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark")
    synth = Synth(seed=21)
    rows = 3000
    table = pa.table({
        "name": [synth.person() for _ in range(rows)],
        "email": [synth.email() for _ in range(rows)],
        "card": [synth.credit_card() if i % 4 else "" for i in range(rows)],
        "order_id": [synth.order_id() for _ in range(rows)],
        "notes": [f"call {synth.phone()} re {synth.version()}" if i % 7 == 0 else "ok" for i in range(rows)],
    })
    pq.write_table(table, root / "people.parquet", row_group_size=500)
    with (root / "people.csv").open("w", encoding="utf-8") as handle:
        handle.write("name,email,card,order_id,notes\n")
        for row in table.to_pylist():
            handle.write(",".join(json.dumps(v) if "," in v or '"' in v else v for v in row.values()) + "\n")
    with (root / "events.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(rows):
            handle.write(json.dumps({"id": i, "user": {"ip": synth.ip(), "iban": synth.iban()}}) + "\n")
    (root / "notes.txt").write_text(
        "\n".join(f"Ticket {i}: {synth.person()} wrote from {synth.email()} about card {synth.credit_card()}"
                  for i in range(300)), encoding="utf-8")
    return root


@pytest.mark.parametrize("sample_rows", [1000, None], ids=["sampled", "full"])
def test_spark_equals_local(scanner, datasets: Path, sample_rows: int | None, monkeypatch) -> None:
    from secplan.data.classify import engine

    options = ClassifyOptions(sample_rows=sample_rows)
    local = classify_paths([datasets], options).to_dict()
    monkeypatch.setattr("secplan.data.spark.session", lambda: scanner.spark)
    spark = classify_paths([datasets], options, engine="spark").to_dict()
    assert engine.DEFAULT_SAMPLE_ROWS > 0
    assert spark == local
    by_path = {Path(d["path"]).name: d for d in local["datasets"]}
    assert set(by_path) == {"people.parquet", "people.csv", "events.jsonl", "notes.txt"}
    assert by_path["people.parquet"]["classification"] == "restricted"
    assert by_path["events.jsonl"]["classification"] == "restricted"
    assert len(by_path["notes.txt"]["text_findings"]) >= 600
