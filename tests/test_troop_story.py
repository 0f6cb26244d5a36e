"""The troop story of the bundled example corpus, end to end: the main claim's sides name who said
what, and North Korea, which denies it, never counts among its supporters."""

from pathlib import Path

import pytest

from claimledger.ingest.batch import ingest_paths
from claimledger.store.ledger import Ledger

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
NORTH_KOREA = ("north korea", "pyongyang", "dprk", "kcna", "kim jong")


@pytest.fixture(scope="module")
def main_claim(tmp_path_factory):
    with Ledger(tmp_path_factory.mktemp("troops") / "ledger.db") as ledger:
        ingest_paths([CORPUS], ledger)
        [main] = sorted((c for c in ledger.claims() if "north korean" in c.canonical.lower()),
                        key=lambda c: -c.support_independent)[:1]
        yield ledger.claim(main.id)


def who(statement) -> str:
    return " / ".join(x for x in (statement.speaker, statement.affiliation, statement.origin_speaker) if x).lower()


def test_the_main_troop_claim_is_supported_by_the_spy_agency_ukraine_and_the_pentagon(main_claim):
    supporters = [who(s) for s in main_claim.statements if s.side == "support"]
    assert any("spy agency" in s or "intelligence service" in s or "nis" in s.split() for s in supporters)
    assert any("ukrain" in s for s in supporters)
    assert any("pentagon" in s for s in supporters)
    assert main_claim.summary.status == "contested"


def test_north_korea_s_envoy_denies_it_and_north_korea_never_supports_it(main_claim):
    deniers = [who(s) for s in main_claim.statements if s.side == "deny"]
    assert any("kim song" in s for s in deniers)
    supporters = [who(s) for s in main_claim.statements if s.side == "support"]
    assert not [s for s in supporters if any(name in s for name in NORTH_KOREA)]
