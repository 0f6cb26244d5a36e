#!/usr/bin/env bash
# All tests, then the accuracy gates (each says so and passes when ../shared/data is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Debian packages, installed once: Chromium for the browser tests (Playwright downloads nothing),
# PostgreSQL for the store tests' throwaway server, Java for Spark's local mode.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
    $apt_get update -qq && $apt_get install -y -qq "${missing[@]}" >/dev/null
fi
.venv/bin/python -m pytest -q tests
.venv/bin/python eval/polnear_gate.py
.venv/bin/python eval/stance_gate.py
