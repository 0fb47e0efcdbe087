#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test (Rust unit and integration
# tests, rule examples, golden files, and the Python read-back checks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --all-targets
python3 tests/python/check_ontology.py
