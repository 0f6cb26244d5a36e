"""An ingest killed with SIGKILL at random points, then re-run, leaves the same ledger as an
uninterrupted run: no article lost or duplicated, no orphan statement, the same claims (both backends)."""

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BACKENDS, new_ledger_target, snapshot, story_snapshot

from claimledger.errors import LedgerError
from claimledger.ingest.batch import extract_paths, store_outcomes
from claimledger.store.ledger import Ledger
from claimledger.store.database import Database, is_postgres

ROOT = Path(__file__).resolve().parent.parent
CLAIMLEDGER = str(Path(sys.executable).with_name("claimledger"))
KILLS = 20


def corpus(folder: Path) -> Path:
    folder.mkdir()
    for source in sorted((ROOT / "examples" / "corpus").iterdir()):
        (folder / source.name).write_bytes(source.read_bytes())
        text = source.read_text(encoding="utf-8")
        if source.suffix == ".txt":  # a rewritten twin of each text article: more articles, more claims
            (folder / f"twin-{source.name}").write_text(text.replace(" said ", " told reporters ") + "\n\nUpdated.",
                                                       encoding="utf-8")
    return folder


def ingest(db: str, inputs: Path) -> subprocess.Popen:
    return subprocess.Popen([CLAIMLEDGER, "ingest", "--db", str(db), str(inputs)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stored(db: str) -> int:
    if not is_postgres(db) and not Path(db).exists():
        return 0
    try:
        database = Database(db, read_only=True)
    except LedgerError:
        return 0
    try:
        return database.scalar("SELECT count(*) FROM articles")
    except LedgerError:  # not created yet
        return 0
    finally:
        database.close()


@pytest.fixture(params=BACKENDS)
def two_ledgers(request, tmp_path):
    return new_ledger_target(request, tmp_path / "reference"), new_ledger_target(request, tmp_path / "crashed")


def test_sigkill_at_random_points_loses_and_duplicates_nothing(tmp_path, two_ledgers):
    inputs = corpus(tmp_path / "in")
    reference, crashed = two_ledgers
    assert ingest(reference, inputs).wait(timeout=600) == 0
    total = stored(reference)

    rng = random.Random(20241124)
    # Each run is killed once the ledger holds a randomly drawn number of articles, a random few
    # milliseconds later, so kills land while articles are extracted and while they are written.
    targets = sorted(rng.sample(range(1, total), min(KILLS, total - 1)))
    killed_at = []
    for target in targets:
        process = ingest(crashed, inputs)
        while stored(crashed) < target and process.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at.append(stored(crashed))
    assert ingest(crashed, inputs).wait(timeout=600) == 0

    assert snapshot(crashed) == snapshot(reference)
    check = subprocess.run([CLAIMLEDGER, "check", "--db", str(crashed)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    # Articles are written four at a time (one extraction batch), so the kills leave a few distinct states.
    assert len(killed_at) >= KILLS and len(set(killed_at)) >= 4 and min(killed_at) < total


def test_a_ledger_reopened_after_any_article_ends_as_an_uninterrupted_one(tmp_path):
    """Each stop point in turn, without timing luck: the claim index a resumed ingest rebuilds from
    the store must make the choices the running index made."""
    outcomes = list(extract_paths([corpus(tmp_path / "in")]))
    reference = str(tmp_path / "reference.db")
    with Ledger(reference) as ledger:
        store_outcomes(outcomes, ledger)
    for stop in range(1, len(outcomes)):
        resumed = str(tmp_path / f"stopped-after-{stop}.db")
        with Ledger(resumed) as ledger:
            store_outcomes(outcomes[:stop], ledger)
        with Ledger(resumed) as ledger:
            store_outcomes(outcomes, ledger)
        assert snapshot(resumed) == snapshot(reference), f"resumed after {stop} articles"
        assert story_snapshot(resumed) == story_snapshot(reference), f"stories, resumed after {stop} articles"
