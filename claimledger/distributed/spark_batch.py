"""``claimledger batch`` on Spark: read the inputs, extract every article, write Parquet.

The driver lists the input files in the order ``ingest`` reads them.  One task per file reads its
records (articles, or the errors that stopped them) and numbers them; the records are spread over
``partitions`` partitions, each of which loads the spaCy pipeline once and runs the functions
``ingest`` runs (``extract_articles``).  The rows are kept on the executors (memory, else disk) while
the three tables of ``parquet_io`` are written from them, so each article is extracted once.

Inputs must be readable at the same path on the driver and every executor (local mode, or a
shared mount on a cluster); the output may be any URI Spark writes to.  pyspark is imported inside
the functions, so the rest of claimledger imports without it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from ..errors import ClaimledgerError, ModelNotFound, SparkUnavailable, UsageError, one_line
from ..extraction.pipeline import DEFAULT_MODEL, extract_articles
from ..ingest.batch import drain
from ..ingest.readers import DEFAULT_MAX_BYTES, expand_paths, read_path
from .parquet_io import SORT_COLUMNS, TABLES, Failure, Key, Row, failure_row, output_rows


@dataclass
class BatchSummary:
    articles: int = 0
    statements: int = 0
    failed: list[Failure] = field(default_factory=list)


def launched_by_spark_submit() -> bool:
    # spark-submit starts the JVM first and hands its gateway to Python in this variable (pyspark's own test).
    return "PYSPARK_GATEWAY_PORT" in os.environ


@contextmanager
def spark_session(master: Optional[str] = None) -> Iterator[object]:
    """A SparkSession: the active one if there is one, else a new one (stopped on exit).  Without
    ``master`` it is spark-submit's, or ``local[*]``; local mode binds to loopback, with no web UI,
    and runs its Python workers on this interpreter (which has claimledger and the model)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(problem="pyspark is not installed (pip install 'claimledger[spark]')") from None
    submitted = launched_by_spark_submit()
    if not submitted and not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise SparkUnavailable(problem="Java not found: install Java 17 (java on PATH, or set JAVA_HOME)")
    existing = SparkSession.getActiveSession()
    builder = SparkSession.builder.appName("claimledger batch")
    master = master or (None if submitted else "local[*]")
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        for key, value in (("spark.driver.bindAddress", "127.0.0.1"), ("spark.driver.host", "127.0.0.1"),
                           ("spark.ui.enabled", "false"), ("spark.ui.showConsoleProgress", "true")):
            builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001  the JVM did not start: Java missing, broken or too old
        raise SparkUnavailable(problem=f"cannot start Spark: {one_line(exc)}") from None
    # A failed job comes back as one E019 line naming the task's own error; in local mode Spark would
    # also log it, with a Java stack trace of seventy lines, so its log is off there.
    spark.sparkContext.setLogLevel("OFF" if master and master.startswith("local") else "ERROR")
    try:
        yield spark
    finally:
        if existing is None:
            spark.stop()


def read_numbered(numbered: tuple[int, str], max_bytes: int) -> Iterator[tuple[Key, object]]:
    """One input file's records (Articles or errors), each with its sequence key."""
    file_index, path = numbered
    for record_index, item in enumerate(read_path(path, max_bytes)):
        yield (file_index, record_index), item


def extract_partition(records: Iterable[tuple[Key, object]], model: Optional[str]) -> Iterator[Row]:
    """A partition's output rows.  ``extract_articles`` loads the pipeline through load_model's cache:
    once per Python worker, which Spark reuses for the next partitions."""
    keys: deque[Key] = deque()
    held: list[Row] = []

    def articles() -> Iterator[object]:
        for key, item in records:
            if isinstance(item, ClaimledgerError):
                held.append(failure_row(key, item))
            else:
                keys.append(key)
                yield item

    for article, extraction in extract_articles(articles(), model=model):
        yield from drain(held)
        key = keys.popleft()  # extract_articles yields one result per article, in order
        if isinstance(extraction, ClaimledgerError):
            yield failure_row(key, extraction)
        else:
            yield from output_rows(key, article, extraction)
    yield from drain(held)


def check_model(name: Optional[str]) -> None:
    """Fail on the driver, in one line, before any task would fail on every executor."""
    import spacy

    name = name or DEFAULT_MODEL
    if not (spacy.util.is_package(name) or Path(name).exists()):
        raise ModelNotFound(name=name)


def run_batch(inputs: Iterable[Union[str, Path]], output: str, model: Optional[str] = None,
              master: Optional[str] = None, partitions: Optional[int] = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> BatchSummary:
    """Extract the articles of ``inputs`` on Spark and write ``output``/articles, statements and
    failures as Parquet (``parquet_io``); ``partitions`` defaults to Spark's default parallelism."""
    files = [str(path) for path in expand_paths(inputs)]
    if "://" not in output and Path(output).exists():
        raise UsageError(output, problem="already exists (batch writes a new folder; remove it or pick another)")
    check_model(model)
    with spark_session(master) as spark:
        from py4j.protocol import Py4JError
        from pyspark import StorageLevel
        from pyspark.errors import PySparkException

        try:
            return write_tables(spark, files, output, model, partitions, max_bytes, StorageLevel.MEMORY_AND_DISK)
        except (PySparkException, Py4JError) as exc:
            raise SparkUnavailable(output, problem=f"the job failed: {job_problem(exc)}") from None


def write_tables(spark, files: list[str], output: str, model: Optional[str], partitions: Optional[int],
                 max_bytes: int, storage) -> BatchSummary:
    context = spark.sparkContext
    records = context.parallelize(list(enumerate(files)), max(1, len(files))).flatMap(
        partial(read_numbered, max_bytes=max_bytes))
    rows = records.repartition(partitions or context.defaultParallelism).mapPartitions(
        partial(extract_partition, model=model)).persist(storage)
    try:
        for table, ddl in TABLES.items():
            frame = spark.createDataFrame(rows.filter(lambda row, name=table: row[0] == name).values(), ddl)
            frame.orderBy(*SORT_COLUMNS[table]).write.parquet(f"{output}/{table}")
        counts = rows.keys().countByValue()
        failed = rows.filter(lambda row: row[0] == "failures").values().collect()
    finally:
        rows.unpersist()
    return BatchSummary(articles=counts.get("articles", 0), statements=counts.get("statements", 0),
                        failed=[Failure(where, code, reason) for *_key, where, code, reason in sorted(failed)])


TASK_FAILURE = re.compile(r"^.*most recent failure: Lost task \S+ in stage \S+ \(TID \d+\) \([^)]*\): ")
# The line a Python traceback ends with: the exception's (dotted) class name, a colon, its message.
PYTHON_RAISED = re.compile(r"^(?:[A-Za-z_]\w*\.)*([A-Z]\w*): (.+)")
JVM_PACKAGES = ("org.", "java.", "javax.", "scala.", "py4j.")


def job_problem(exc: Exception) -> str:
    """What went wrong, in one line: the last error a task's Python traceback ends with (its class
    without its module, and its message), else the JVM's message without Spark's "Job aborted ...
    Lost task ..." preamble."""
    text = str(getattr(exc, "java_exception", None) or exc)
    lines = text.splitlines()
    raised = [PYTHON_RAISED.match(line) for frame, line in zip(lines, lines[1:])
              if frame[:1].isspace() and not line[:1].isspace() and not line.startswith(JVM_PACKAGES)]
    raised = [found for found in raised if found]
    if raised:
        problem = f"{raised[-1][1]}: {raised[-1][2]}"
    else:
        first = next((line.strip() for line in lines if line.strip()), type(exc).__name__)
        problem = TASK_FAILURE.sub("", first)
    return problem[:300]
