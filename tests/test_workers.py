"""Extraction in several processes gives what one process gives, in the same order."""

import pickle
import sqlite3

from typer.testing import CliRunner

from claimledger.errors import ExtractionFailed, InvalidEncoding
from claimledger.ingest.batch import SMALL_BATCH, workers_for
from claimledger.interfaces.cli import app
from conftest import snapshot

runner = CliRunner()
EXAMPLES = "examples/corpus"


def corpus(folder, copies=4):
    from pathlib import Path

    folder.mkdir()
    for n in range(copies):
        for source in sorted(Path(EXAMPLES).glob("*.txt")):
            text = source.read_text(encoding="utf-8").replace(" said ", f" said ({n}) ", 1)
            (folder / f"{n}-{source.name}").write_text(text, encoding="utf-8")
    return folder


def test_two_workers_build_the_ledger_one_worker_builds(tmp_path):
    inputs = corpus(tmp_path / "in")
    assert len(list(inputs.iterdir())) >= SMALL_BATCH
    for workers in ("1", "2"):
        result = runner.invoke(app, ["ingest", "--workers", workers, "--db", str(tmp_path / f"w{workers}.db"),
                                     str(inputs)])
        assert result.exit_code == 0, result.output
    assert snapshot(tmp_path / "w2.db") == snapshot(tmp_path / "w1.db")
    with sqlite3.connect(tmp_path / "w2.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(list(inputs.iterdir()))


def test_extract_keeps_the_input_order_across_workers(tmp_path):
    inputs = corpus(tmp_path / "in")
    outputs = [runner.invoke(app, ["extract", "--json", "--workers", w, str(inputs)]).output for w in ("1", "2")]
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == len(list(inputs.iterdir()))


def test_small_batches_stay_in_one_process():
    assert workers_for(None, SMALL_BATCH - 1) == 1 and workers_for(4, 1000) == 4 and workers_for(None, 1000) >= 1


def test_errors_cross_process_boundaries_intact():
    for error in (ExtractionFailed("a.txt", problem="ValueError: x"), InvalidEncoding("b.txt", offset=3)):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error) and copy.details == error.details
