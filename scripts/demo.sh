#!/usr/bin/env bash
# The main job on the embedded default: ingest the bundled example corpus into a SQLite ledger
# (claimledger.db), print its stories and the claims across articles, then serve the web UI and API on
# http://127.0.0.1:8000/ until Ctrl-C (set PORT to use another port).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/claimledger ingest examples/corpus --db claimledger.db
.venv/bin/claimledger stories --db claimledger.db --limit 10
.venv/bin/claimledger claims --db claimledger.db --limit 20
.venv/bin/claimledger serve --db claimledger.db --port "${PORT:-8000}"
