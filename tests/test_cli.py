"""The CLI and the ledger: help, JSON output, bad input, idempotent ingest."""

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from claimledger.interfaces.cli import app

runner = CliRunner()
GOOD = "date 2024-10-22 SEOUL: The spy agency said on Monday that about 1,500 soldiers had arrived."


@pytest.mark.parametrize("command", [[], ["extract"], ["ingest"], ["ledger"], ["claims"], ["claim"], ["entity"],
                                     ["export"], ["check"], ["serve"], ["eval"], ["eval", "emergent"], ["eval", "fnc1"]])
def test_cli_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_cli_extract_json_one_line_per_article(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["extract", "--json", str(tmp_path / "a.txt")])
    assert result.exit_code == 0
    [line] = result.stdout.strip().splitlines()
    record = json.loads(line)
    assert record["published"] == "2024-10-22"
    statement = record["statements"][0]
    assert statement["date"] == "2024-10-21" and statement["cue"] == "said"


def test_cli_bad_inputs_are_one_line_each_and_the_rest_is_processed(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9")
    (tmp_path / "rows.jsonl").write_text('{"text": "Kim said yes."}\n{oops\n', encoding="utf-8")
    result = runner.invoke(app, ["extract", "--json", str(tmp_path / "good.txt"), str(tmp_path / "empty.txt"),
                                 str(tmp_path / "bad.txt"), str(tmp_path / "rows.jsonl")])
    assert result.exit_code == 1
    assert len(result.stdout.strip().splitlines()) == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3
    assert any("empty.txt: [E001]" in e for e in errors)
    assert any("bad.txt: [E003]" in e for e in errors)
    assert any("rows.jsonl:2: [E005]" in e for e in errors)
    assert "Traceback" not in result.output


def test_cli_unknown_model_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["extract", "--model", "no_such_model_xyz", str(tmp_path / "a.txt")])
    assert result.exit_code == 2 and "[E009]" in result.stderr


def test_cli_ingest_is_idempotent_and_failures_lose_nothing(tmp_path):
    db = tmp_path / "ledger.db"
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(GOOD.replace(" ", "  ") + "\n", encoding="utf-8")
    first = runner.invoke(app, ["ingest", "--db", str(db), str(tmp_path / "a.txt"), str(tmp_path / "copy.txt")])
    assert first.exit_code == 0 and "1 added (0 near-duplicate copies linked), 1 skipped as duplicate" in first.stderr
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    assert before >= 1
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01binary")
    second = runner.invoke(app, ["ingest", "--db", str(db), str(tmp_path)])
    assert second.exit_code == 1
    assert "0 added (0 near-duplicate copies linked), 2 skipped as duplicate, 1 failed" in second.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM statements").fetchone()[0] == before
    shown = runner.invoke(app, ["ledger", "--db", str(db)])
    assert shown.exit_code == 0 and "soldiers" in shown.stdout and "assert" in shown.stdout


def test_cli_ledger_without_a_database_says_so(tmp_path):
    result = runner.invoke(app, ["ledger", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "[E010]" in result.stderr


def test_cli_claims_claim_entity_export(tmp_path):
    db = str(tmp_path / "ledger.db")
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Kim Song denied that about 1,500 soldiers had arrived in Russia.", encoding="utf-8")
    assert runner.invoke(app, ["ingest", "--db", db, str(tmp_path)]).exit_code == 0
    listed = runner.invoke(app, ["claims", "--db", db])
    assert listed.exit_code == 0 and "contested" in listed.stdout and "1,500 soldiers" in listed.stdout
    assert "1,500 soldiers" in runner.invoke(app, ["claims", "--db", db, "--until", "2024-10-21"]).stdout
    assert "1,500 soldiers" not in runner.invoke(app, ["claims", "--db", db, "--until", "2024-10-20"]).stdout
    shown = runner.invoke(app, ["claim", "1", "--db", db])
    assert shown.exit_code == 0 and "Kim Song" in shown.stdout and "deny" in shown.stdout
    assert runner.invoke(app, ["claim", "999", "--db", db]).exit_code == 2
    said = runner.invoke(app, ["entity", "Kim Song", "--db", db])
    assert said.exit_code == 0 and "deny" in said.stdout
    exported = runner.invoke(app, ["export", str(tmp_path / "claims.csv"), "--format", "csv", "--db", db])
    assert exported.exit_code == 0 and (tmp_path / "claims.csv").read_text().startswith("id,canonical,status")
    bad = runner.invoke(app, ["export", "-", "--format", "xlsx", "--db", db])
    assert bad.exit_code == 2 and "[E015]" in bad.stderr


def test_check_finds_what_was_tampered_with(tmp_path):
    (tmp_path / "a.txt").write_text("date 2024-10-22 SEOUL: The spy agency said on Monday that about 1,500 North "
                                    "Korean soldiers had arrived in Russia.", encoding="utf-8")
    db = tmp_path / "l.db"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(tmp_path / "a.txt")]).exit_code == 0
    sound = runner.invoke(app, ["check", "--db", str(db)])
    assert sound.exit_code == 0 and "no problem" in sound.output
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE statements SET content = 'something else' WHERE position = 0")
        conn.execute("UPDATE claims SET support_raw = support_raw + 5")
        conn.execute("UPDATE articles SET content_hash = 'x'")
        conn.execute("INSERT INTO claim_statements (statement_id, claim_id, side, similarity) VALUES (999, 1, 'support', 1)")
    broken = runner.invoke(app, ["check", "--db", str(db)])
    assert broken.exit_code == 1
    for kind in ("statement span", "claim counts", "article hash", "reference", "search index"):
        assert f"problem {kind}" in broken.output


def test_cli_a_file_that_is_not_a_ledger_is_one_line(tmp_path):
    (tmp_path / "bad.db").write_bytes(b"this is not a database" * 100)
    result = runner.invoke(app, ["claims", "--db", str(tmp_path / "bad.db")])
    assert result.exit_code == 2 and "E010" in result.output and "Traceback" not in result.output


def test_check_reports_an_unreadable_extraction_instead_of_failing(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "l.db"
    assert runner.invoke(app, ["ingest", "--db", str(db), str(tmp_path / "a.txt")]).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET extraction = '{not json'")
    result = runner.invoke(app, ["check", "--db", str(db)])
    assert result.exit_code == 1 and "problem extraction" in result.output


def test_commands_that_read_a_ledger_never_import_spacy(tmp_path):
    # spaCy, PyTorch through thinc, and datasketch with scipy take most of two seconds to import: reading needs none.
    import subprocess
    import sys

    db = str(tmp_path / "ledger.db")
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    assert runner.invoke(app, ["ingest", "--db", db, str(tmp_path / "a.txt")]).exit_code == 0
    script = ("import sys\nfrom typer.testing import CliRunner\nfrom claimledger.interfaces.cli import app\n"
              f"db = {db!r}\n"
              "for command in (['claims'], ['claim', '1'], ['entity', 'spy agency'], ['ledger'], ['check'],"
              " ['export', '-', '--format', 'jsonl']):\n"
              "    result = CliRunner().invoke(app, [*command, '--db', db])\n"
              "    assert result.exit_code == 0, (command, result.output)\n"
              "print(sorted(m for m in ('spacy', 'thinc', 'torch', 'datasketch') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_ledger_printed_a_page_at_a_time_reads_as_one_table(tmp_path, monkeypatch):
    import claimledger.interfaces.cli as cli

    db = str(tmp_path / "ledger.db")
    corpus = cli.Path(__file__).resolve().parent.parent / "examples" / "corpus"
    assert runner.invoke(app, ["ingest", "--db", db, str(corpus)]).exit_code == 0
    whole = runner.invoke(app, ["ledger", "--db", db]).stdout
    monkeypatch.setattr(cli, "LEDGER_PAGE_ROWS", 3)
    paged = runner.invoke(app, ["ledger", "--db", db]).stdout
    with sqlite3.connect(db) as conn:
        statements = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
    assert statements > 3 * 5  # several pages
    assert paged == whole and paged.count("outlet / source") == 1
