#!/usr/bin/env bash
# All tests, then the accuracy gates (each says so and passes when ../shared/data is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests drive Debian's Chromium (installed once; Playwright downloads nothing).
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
    $apt_get update -qq && $apt_get install -y -qq chromium >/dev/null
fi
.venv/bin/python -m pytest -q tests
.venv/bin/python eval/polnear_gate.py
.venv/bin/python eval/stance_gate.py
