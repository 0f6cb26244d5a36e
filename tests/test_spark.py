"""`claimledger batch` on Spark (local mode) then `load` builds the ledger `ingest` builds."""

import json
import shutil
import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimledger import Article, Extraction, Statement, read_paths
from claimledger.distributed.parquet_io import ARTICLE_COLUMNS, TABLES
from claimledger.extraction.pipeline import extract_articles
from claimledger.interfaces.cli import app
from test_feeds_warc import PAGE, warc_bytes

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"
TABLE_NAMES = ("articles", "statements", "claims", "claim_statements", "article_claims")
TIMESTAMPS = {"ingested_at"}
SAID = "date 2024-10-22 SEOUL: The spy agency said on Monday that about {n} soldiers had arrived."


@pytest.fixture(scope="module")
def spark():
    """One local[2] session for the module: the CLI's batch runs reuse it instead of starting their own."""
    assert shutil.which("java"), "Spark's local mode needs Java 17 (scripts/test.sh installs it)"
    from claimledger.distributed.spark_batch import spark_session

    with spark_session("local[2]") as session:
        yield session


def tables(db: Path) -> dict:
    """Every row of the ledger's tables, ids included, timestamps left out."""
    with sqlite3.connect(db) as conn:
        dump = {}
        for table in TABLE_NAMES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in TIMESTAMPS]
            order = ", ".join(str(n) for n in range(1, len(columns) + 1))
            dump[table] = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
    return dump


def ingest(inputs: Path, db: Path):
    return runner.invoke(app, ["ingest", "--workers", "1", "--db", str(db), str(inputs)])


def batch_and_load(inputs: Path, tmp_path: Path):
    output, db = tmp_path / "out", tmp_path / "spark.db"
    batch = runner.invoke(app, ["batch", "--partitions", "2", str(inputs), str(output)])
    load = runner.invoke(app, ["load", str(output), "--db", str(db)])
    return batch, load, output, db


def test_spark_batch_then_load_equals_ingest_of_the_examples(spark, tmp_path):
    reference = ingest(EXAMPLES, tmp_path / "ingest.db")
    assert reference.exit_code == 0, reference.output
    batch, load, output, db = batch_and_load(EXAMPLES, tmp_path)
    assert batch.exit_code == 0, batch.output
    assert "14 articles" in batch.stderr and "0 failed" in batch.stderr
    assert load.exit_code == 0, load.output
    assert "14 added (2 near-duplicate copies linked)" in load.stderr
    assert tables(db) == tables(tmp_path / "ingest.db")
    assert all(tables(db)[name] for name in TABLE_NAMES)

    again = runner.invoke(app, ["load", str(output), "--db", str(db)])
    assert again.exit_code == 0 and "0 added" in again.stderr and "14 skipped as duplicate" in again.stderr
    assert tables(db) == tables(tmp_path / "ingest.db")


def test_spark_reads_jsonl_parquet_and_warc_shards(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    inputs = tmp_path / "in"
    inputs.mkdir()
    rows = [{"text": SAID.format(n=n), "title": f"Troops {n}", "url": f"https://wire.example/{n}",
             "published": "2024-10-22", "source": "Wire"} for n in range(4)]
    (inputs / "a.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows[:2]), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows[2:]), inputs / "b.parquet")
    (inputs / "c.warc.gz").write_bytes(warc_bytes([("https://news.example/flags", PAGE)]))

    assert ingest(inputs, tmp_path / "ingest.db").exit_code == 0
    batch, load, _output, db = batch_and_load(inputs, tmp_path)
    assert batch.exit_code == 0 and load.exit_code == 0, batch.output + load.output
    assert tables(db) == tables(tmp_path / "ingest.db")
    with sqlite3.connect(db) as conn:
        sources = [row[0] for row in conn.execute("SELECT source FROM articles ORDER BY id")]
    assert sources == [*(row["url"] for row in rows), "https://news.example/flags"]


def test_a_broken_shard_is_one_failure_line_and_the_rest_goes_on(spark, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_text(json.dumps({"text": SAID.format(n=1)}) + "\n{oops\n", encoding="utf-8")
    (inputs / "b.parquet").write_bytes(b"PAR1 this is not a Parquet file")
    whole = warc_bytes([("https://news.example/one", PAGE), ("https://news.example/two", PAGE + " ")])
    (inputs / "c.warc.gz").write_bytes(whole[:len(whole) - 200])
    (inputs / "d.txt").write_text(SAID.format(n=2), encoding="utf-8")

    reference = ingest(inputs, tmp_path / "ingest.db")
    batch, load, _output, db = batch_and_load(inputs, tmp_path)
    assert batch.exit_code == 1 and load.exit_code == 1 and reference.exit_code == 1
    errors = [line for line in batch.stderr.splitlines() if line.startswith("error ")]
    assert [e.split(": [")[0] for e in errors] == [f"error {inputs}/{name}" for name in ("a.jsonl:2", "b.parquet",
                                                                                          "c.warc.gz")]
    assert [e.split(": [")[1][:4] for e in errors] == ["E005", "E018", "E013"]
    assert errors == [line for line in load.stderr.splitlines() if line.startswith("error ")]
    assert errors == [line for line in reference.stderr.splitlines() if line.startswith("error ")]
    assert "3 failed" in load.stderr and "3 added" in load.stderr
    assert tables(db) == tables(tmp_path / "ingest.db")
    assert "Traceback" not in batch.output + load.output


@pytest.mark.parametrize("columns, expected", [
    ({"text": ["Kim said yes.", None, " "]},
     ["Kim said yes.", "{path}:2: [E018] malformed Parquet: the row's text is null", "{path}:3: [E001]"]),
    ({"body": ["Kim said yes."]}, ["{path}: [E018] malformed Parquet: no column 'text'"]),
    ({"text": ["Kim said yes."], "published": [20241022]},
     ["{path}: [E018] malformed Parquet: column 'published' is int64, expected string"]),
    ({"text": []}, ["{path}: [E001]"]),
])
def test_parquet_shards_are_read_like_json_lines(tmp_path, columns, expected):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "shard.parquet"
    pq.write_table(pa.table({name: pa.array(values, type=None if name == "published" else pa.string())
                             for name, values in columns.items()}), path)
    got = [item.text if isinstance(item, Article) else str(item) for item in read_paths([path])]
    assert len(got) == len(expected)
    assert all(line.startswith(prefix.format(path=path)) for line, prefix in zip(got, expected)), got


def test_extraction_json_round_trips(nlp):
    articles = [a for a in read_paths([EXAMPLES]) if isinstance(a, Article)]
    for _article, extraction in extract_articles(articles, nlp=nlp):
        text = extraction.to_json()
        again = Extraction.from_dict(json.loads(text))
        assert again == extraction and again.to_json() == text


def test_statements_table_has_every_statement_field():
    columns = [part.split("`")[1] for part in TABLES["statements"].split(", ")]
    assert columns[4:] == [f.name for f in fields(Statement)]


@pytest.mark.parametrize("missing", ["java", "pyspark"])
def test_missing_spark_or_java_is_one_line(tmp_path, monkeypatch, missing):
    (tmp_path / "a.txt").write_text(SAID.format(n=1), encoding="utf-8")
    if missing == "java":
        monkeypatch.setenv("PATH", str(tmp_path))
        monkeypatch.delenv("JAVA_HOME", raising=False)
    else:
        monkeypatch.setitem(__import__("sys").modules, "pyspark.sql", None)
    result = runner.invoke(app, ["batch", str(tmp_path / "a.txt"), str(tmp_path / "out")])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "[E019]" in line and (missing == "java") == ("Java" in line) and "Traceback" not in result.output


def test_batch_refuses_an_existing_output_and_load_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "a.txt").write_text(SAID.format(n=1), encoding="utf-8")
    (tmp_path / "out").mkdir()
    batch = runner.invoke(app, ["batch", str(tmp_path / "a.txt"), str(tmp_path / "out")])
    assert batch.exit_code == 2 and "[E015]" in batch.stderr and "already exists" in batch.stderr
    load = runner.invoke(app, ["load", str(tmp_path / "out"), "--db", str(tmp_path / "x.db")])
    assert load.exit_code == 2 and "[E018]" in load.stderr and not (tmp_path / "x.db").exists()


GOOD_JSON = Extraction(source="s", published=None, dateline=None).to_json()


@pytest.mark.parametrize("parts, extraction, problem", [
    ([[(0, 0)]], None, "no column 'extraction'"),
    ([[(0, 0), (0, 2)], [(0, 1)]], GOOD_JSON, "rows out of sequence order at key (0, 1)"),
    ([[(0, 0)]], "{", "the extraction at key (0, 0) cannot be read: JSONDecodeError"),
])
def test_load_refuses_output_it_cannot_trust(tmp_path, parts, extraction, problem):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for table in ("articles", "failures"):
        (tmp_path / "out" / table).mkdir(parents=True)
        (tmp_path / "out" / table / "_SUCCESS").touch()
    for n, keys in enumerate(parts):  # part files laid out as batch writes them, by hand
        rows = [{"file_index": f, "record_index": r, **dict.fromkeys(ARTICLE_COLUMNS), "source": f"s{r}",
                 "text": SAID.format(n=r), "extraction": extraction} for f, r in keys]
        table = pa.Table.from_pylist(rows)
        pq.write_table(table if extraction else table.drop_columns(["extraction"]),
                       tmp_path / "out" / "articles" / f"part-{n}.parquet")
    result = runner.invoke(app, ["load", str(tmp_path / "out"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "[E018]" in result.stderr and problem in result.stderr, result.output


def test_load_refuses_a_batch_that_did_not_finish(tmp_path, spark):
    (tmp_path / "a.txt").write_text(SAID.format(n=1), encoding="utf-8")
    assert runner.invoke(app, ["batch", str(tmp_path / "a.txt"), str(tmp_path / "out")]).exit_code == 0
    (tmp_path / "out" / "articles" / "_SUCCESS").unlink()  # as a job killed before it committed leaves it
    result = runner.invoke(app, ["load", str(tmp_path / "out"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "did not finish" in result.stderr and not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("command", [["batch"], ["load"]])
def test_batch_commands_have_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


TASK_TRACE = ("org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 times,"
              " most recent failure: Lost task 0.0 in stage 1.0 (TID 1) (127.0.0.1 executor driver):"
              " org.apache.spark.api.python.PythonException: [PYTHON_EXCEPTION] An exception was thrown from the"
              " Python worker: Traceback (most recent call last):\n"
              '  File "worker.py", line 10, in process\n    raise KeyError("x")\nKeyError: \'x\'\n\n'
              "During handling of the above exception, another exception occurred:\n\n"
              "Traceback (most recent call last):\n"
              '  File "pipeline.py", line 32, in load_model\n    raise ModelNotFound(name=name) from None\n'
              "claimledger.errors.ModelNotFound: [E009] spaCy pipeline 'm' is not installed\n SQLSTATE: 38000\n"
              "\tat org.apache.spark.api.python.BasePythonRunner.handlePythonException(PythonRunner.scala:1)\n")


@pytest.mark.parametrize("trace, problem", [
    (TASK_TRACE, "ModelNotFound: [E009] spaCy pipeline 'm' is not installed"),
    ("org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 2.0 failed 1 times, most"
     " recent failure: Lost task 3.0 in stage 2.0 (TID 7) (127.0.0.1 executor driver): java.io.IOException: No space"
     " left on device\n\tat org.apache.hadoop.fs.Foo.write(Foo.java:1)", "java.io.IOException: No space left on device"),
])
def test_a_failed_job_is_named_by_the_error_its_task_raised(trace, problem):
    from claimledger.distributed.spark_batch import job_problem

    assert job_problem(Exception(trace)) == problem


def test_a_failed_job_is_one_line_without_spark_s_stack_trace(spark, tmp_path, capfd):
    (tmp_path / "a.txt").write_text(SAID.format(n=1), encoding="utf-8")
    (tmp_path / "not-a-model").mkdir()  # exists, so the driver lets it through; every executor fails to load it
    result = runner.invoke(app, ["batch", "--model", str(tmp_path / "not-a-model"), str(tmp_path / "a.txt"),
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "[E019]" in line and "ModelNotFound: [E009]" in line and "not-a-model" in line
    printed = capfd.readouterr().err
    assert "ERROR Executor" not in printed and "\tat org.apache" not in printed
