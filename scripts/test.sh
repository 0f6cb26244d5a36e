#!/usr/bin/env bash
# All tests, then the PolNeAR accuracy gate (it says so and passes when ../shared/data is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest -q tests
.venv/bin/python eval/polnear_gate.py
