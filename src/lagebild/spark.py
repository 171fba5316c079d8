"""Spark for clusters: `lagebild spark extract IN OUT` runs the extractor over JSONL, Parquet or WARC input on any
Hadoop-compatible path and writes Parquet tables partitioned by publication month; `lagebild ingest OUT` loads them.

Each Python worker builds one pipeline, lazily, on its first partition (`_worker`), and keeps it for the
partitions that follow (Spark reuses Python workers). Input files are read whole by `binaryFiles` (JSONL and
WARC are read by the same readers as `extract`, so origins and rejects are the same), then spread over
`--partitions` partitions for extraction. Tables: `reports` (the full report as JSON, and its article's fields),
`events` (one row per event), `rejects`, and `claims` when reports carry claims (schema v1 does not: then no
claims table is written, and `_lagebild/` says so). Every table has a `month` column (`YYYY-MM`, or `unknown`).
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .config import SCHEMA_ID, Settings
from .errors import LagebildError, RejectCode

TABLES = ("reports", "events", "claims", "rejects")
MANIFEST_DIR = "_lagebild"
UNKNOWN_MONTH = "unknown"
NO_CLAIMS_NOTE = ("no claims table: these reports carry no claims list; who says what is in each "
                  "report's quotes and in the events' source columns. Reports with claims get a claims table.")
COLUMNS: dict[str, tuple[str, ...]] = {
    "reports": ("article_id", "lang", "source", "url", "title", "published", "report", "month"),
    "events": ("article_id", "id", "type", "mode", "modality", "trigger_text", "source_kind", "source_text",
               "place_name", "country", "earliest", "latest", "month"),
    "claims": ("article_id", "id", "claim", "month"),
    "rejects": ("origin", "code", "reason", "month"),
}
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet", ".warc": "warc",
           ".gz": "warc"}

_WORKER: dict[str, Any] = {}


class SparkError(LagebildError):
    code = "E005"


def _worker() -> tuple[Any, Any]:
    """This Python worker's extractor and record builder, built on first use and kept."""
    if "extractor" not in _WORKER:
        from .pipeline import Extractor

        _WORKER["extractor"] = Extractor(Settings.from_env())
    return _WORKER["extractor"], _builder()


def _builder() -> Any:
    if "builder" not in _WORKER:
        from .ingest import RecordBuilder

        _WORKER["builder"] = RecordBuilder(Settings.from_env())
    return _WORKER["builder"]


def read_file(path: str, data: bytes, kind: str) -> list[Any]:
    """The Articles and Rejects of one input file (the same readers as `extract`)."""
    from .ingest.readers import read_jsonl
    from .ingest.warc import read_warc

    reader = read_warc if kind == "warc" else read_jsonl
    return list(reader(io.BytesIO(data), _origin(path), _builder()))


def _origin(path: str) -> str:
    return path[len("file:"):] if path.startswith("file:") else path


def build_row(row: dict[str, Any], origin: str) -> Any:
    """An Article or Reject from one Parquet row."""
    return _builder().build({k: v for k, v in row.items() if v is not None}, origin)


def month_of(report: dict[str, Any]) -> str:
    published = report["article"].get("published") or {}
    earliest = published.get("earliest")
    return str(earliest)[:7] if earliest else UNKNOWN_MONTH


def report_tables(report: dict[str, Any]) -> Iterator[tuple[str, tuple]]:
    """The rows one report adds to each table."""
    article, month = report["article"], month_of(report)
    published = (article.get("published") or {}).get("value")
    aid = article["id"]
    yield "reports", (aid, article["lang"], article.get("source"), article.get("url"), article.get("title"),
                      published, json.dumps(report, ensure_ascii=False, sort_keys=True), month)
    entities = {e["id"]: e for e in report["entities"]}
    times = {t["id"]: t for t in report["times"]}
    for ev in report["events"]:
        place = (entities.get(ev.get("location") or "") or {}).get("place") or {}
        when = times.get(ev.get("time") or "") or {}
        yield "events", (aid, ev["id"], ev["type"], ev.get("mode"), ev["modality"], ev["trigger"]["text"],
                         ev["source"]["kind"], ev["source"].get("text"), place.get("name"), place.get("country"),
                         when.get("earliest"), when.get("latest"), month)
    for claim in report.get("claims") or []:
        yield "claims", (aid, claim.get("id"), json.dumps(claim, ensure_ascii=False, sort_keys=True), month)


def extract_partition(items: Iterable[Any]) -> Iterator[tuple[str, tuple]]:
    """mapPartitions: reports for a partition's articles (rejects pass through), as table rows."""
    from .ingest.base import Reject

    extractor, _ = _worker()
    for item in extractor.reports(items):
        if isinstance(item, Reject):
            yield "rejects", (item.origin, item.code.value, item.reason, UNKNOWN_MONTH)
        else:
            yield from report_tables(item.to_json_dict())


def input_kind(path: str, given: str | None) -> str:
    """jsonl, parquet or warc: as given, or by the path's extension (a folder of Parquet files is parquet)."""
    if given:
        return given
    name = path.rstrip("/").lower()
    for suffix, kind in FORMATS.items():
        if name.endswith(".warc.gz" if suffix == ".gz" else suffix):
            return kind
    raise SparkError(f"cannot tell the format of {path}; pass --format jsonl, parquet or warc")


def session(master: str | None = None, app_name: str = "lagebild") -> Any:
    """A SparkSession: `master` if given, else the one spark-submit set, else local mode on all cores."""
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise SparkError("pyspark is not installed: pip install 'lagebild[spark]'") from err
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = SparkConf()
    builder = SparkSession.builder.appName(app_name).config("spark.ui.enabled", "false")
    if master or not conf.contains("spark.master"):
        builder = builder.master(master or "local[*]")
    try:
        return builder.getOrCreate()
    except Exception as err:  # noqa: BLE001  py4j/pyspark report a missing Java in several ways
        raise SparkError(f"cannot start Spark (Java 17 must be installed and on PATH): {err}") from err


def articles_rdd(spark: Any, path: str, kind: str) -> Any:
    """An RDD of the input's Articles and Rejects."""
    if kind == "parquet":
        rows = spark.read.parquet(path).rdd.zipWithIndex()
        return rows.map(lambda pair: build_row(pair[0].asDict(), f"{_origin(path)}:{pair[1] + 1}"))
    files = spark.sparkContext.binaryFiles(path)
    return files.flatMap(lambda pair: read_file(pair[0], pair[1], kind))


def extract(spark: Any, source: str, out: str, kind: str | None = None, partitions: int | None = None) -> dict:
    """Run the extractor over `source` and write the tables under `out`; returns the row count of each table."""
    from pyspark import StorageLevel
    from pyspark.sql.types import StringType, StructField, StructType

    items = articles_rdd(spark, source, input_kind(source, kind))
    if partitions:
        items = items.repartition(partitions)
    rows = items.mapPartitions(extract_partition).persist(StorageLevel.MEMORY_AND_DISK)
    counts = dict(rows.map(lambda row: (row[0], 1)).reduceByKey(lambda a, b: a + b).collect())
    written = []
    for table in TABLES:
        if not counts.get(table) and table == "claims":
            continue
        schema = StructType([StructField(c, StringType()) for c in COLUMNS[table]])
        frame = spark.createDataFrame(rows.filter(lambda row, t=table: row[0] == t).map(lambda row: row[1]), schema)
        frame.write.mode("overwrite").partitionBy("month").parquet(f"{out.rstrip('/')}/{table}")
        written.append(table)
    manifest = {"schema": SCHEMA_ID, "tables": written, "counts": {t: counts.get(t, 0) for t in TABLES},
                "partitioned_by": "month", "note": None if "claims" in written else NO_CLAIMS_NOTE}
    spark.sparkContext.parallelize([json.dumps(manifest)], 1).saveAsTextFile(f"{out.rstrip('/')}/{MANIFEST_DIR}")
    rows.unpersist()
    return manifest


def is_output(path: str) -> bool:
    """Whether a local path is the output of `spark extract` (a folder with a reports table)."""
    return Path(path).is_dir() and (Path(path) / "reports").is_dir() and (Path(path) / MANIFEST_DIR).is_dir()


def load_output(path: str, settings: Settings, batch: int = 500) -> dict[str, int]:
    """Store the reports and rejects of a `spark extract` output, then fuse; returns counts."""
    import duckdb

    from .fuse import fuse
    from .ingest.base import Reject
    from .model import Report
    from .store import Store

    root = Path(path)
    con = duckdb.connect()
    rejects = []
    if any((root / "rejects").rglob("*.parquet")):
        rejects = [Reject(origin, RejectCode(code), reason) for origin, code, reason in con.execute(
            "SELECT origin, code, reason FROM read_parquet(?, hive_partitioning = true) ORDER BY origin",
            [str(root / "rejects" / "**" / "*.parquet")]).fetchall()]
    reports = con.execute("SELECT report FROM read_parquet(?, hive_partitioning = true) ORDER BY article_id",
                          [str(root / "reports" / "**" / "*.parquet")])
    stored: list[str] = []
    with Store(settings.db_path) as store:
        while chunk := reports.fetchmany(batch):
            loaded = [Report.model_validate_json(text) for (text,) in chunk]
            store.write(loaded)
            stored.extend(r.article.id for r in loaded)
        store.write([], rejects)
        if stored:
            fuse(store, stored)
    con.close()
    return {"stored": len(stored), "unchanged": 0, "rejected": len(rejects)}
