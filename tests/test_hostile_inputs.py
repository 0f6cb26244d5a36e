"""Every hostile or broken input gets its documented outcome: processed, or one line naming the
input and the reason, never a traceback; the rest of the batch is processed; and the ledger is left
as it was for an input that failed."""

import sqlite3

import pytest
from typer.testing import CliRunner

from claimledger.interfaces.cli import app
from hostile_inputs import CASES, GOOD

runner = CliRunner()
# Inputs that hold many articles keep the whole ones read before the fault, never the broken one.
PARTIAL = {"E005": set(), "E013": {"https://example.org/2"}}


def stored_sources(db):
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT source FROM articles")}


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_outcome(tmp_path, case):
    build, outcome = CASES[case]
    inputs = tmp_path / "in"
    inputs.mkdir()
    hostile = build(inputs)
    first, last = tmp_path / "first.txt", tmp_path / "last.txt"
    first.write_text(GOOD, encoding="utf-8")
    last.write_text(GOOD.replace("Vladivostok", "Khabarovsk"), encoding="utf-8")
    db = tmp_path / "ledger.db"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(first)]).exit_code == 0
    before = stored_sources(db)

    result = runner.invoke(app, ["ingest", "--db", str(db), str(hostile), str(last)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error ")]
    added = stored_sources(db) - before
    assert str(last) in added  # the rest of the batch goes on
    from_hostile = added - {str(last)}
    if outcome == "processed":
        assert result.exit_code == 0 and not errors and from_hostile, result.output
    else:
        assert result.exit_code == 1, result.output
        assert any(f"[{outcome}]" in line and hostile.name in line for line in errors), result.output
        if outcome in PARTIAL:
            assert not from_hostile & PARTIAL[outcome]
        else:
            assert not from_hostile
