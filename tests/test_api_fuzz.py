"""The OpenAPI description fuzzed with schemathesis against a live server on loopback: whatever the
generated request, no response is a server error."""

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from claimledger.ingest.batch import ingest_paths
from claimledger.interfaces.web.app import create_app
from claimledger.store.ledger import Ledger
from conftest import live_server

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "fuzz-token"
FOLDER = Path(tempfile.mkdtemp(prefix="claimledger-fuzz-"))
with Ledger(FOLDER / "ledger.db") as seeded:
    ingest_paths([ROOT / "examples" / "corpus"], seeded)
APP = create_app(FOLDER / "ledger.db", token=TOKEN, max_body=256 * 1024)
schema = schemathesis.openapi.from_dict(APP.openapi())


@pytest.fixture(scope="module")
def server():
    with live_server(APP) as url:
        yield url


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_server_error(case, server):
    for headers in ({"authorization": f"Bearer {TOKEN}"}, {}):
        response = case.call(base_url=server, headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
