#!/usr/bin/env bash
# The main job on the embedded default: ingest the bundled example corpus into
# a SQLite ledger (claimledger.db), print the ledger of statements and the claims across articles.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/claimledger ingest examples/corpus --db claimledger.db
.venv/bin/claimledger ledger --db claimledger.db
.venv/bin/claimledger claims --db claimledger.db --limit 20
