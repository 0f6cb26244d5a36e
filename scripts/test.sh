#!/usr/bin/env bash
# All tests, then the accuracy gates (each says so and passes when ../shared/data is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest -q tests
.venv/bin/python eval/polnear_gate.py
.venv/bin/python eval/stance_gate.py
