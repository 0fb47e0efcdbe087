#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test: Rust unit and integration
# tests (rule examples, golden files, bad input, the endpoint, the exports), then the Python
# checks that read kgx's output back with the tools that consume it (rdflib, networkx, Graphviz,
# SPARQLWrapper), then the benchmark script at a tiny size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --all-targets
python3 tests/python/check_ontology.py
KGX_BIN="${KGX_BIN:-$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/kgx}" \
KGX_RESOURCES="$PWD" python3 -m pytest -q tests/python
# The benchmark at a tiny size, on the debug build: proves every stage runs (not a speed test).
python3 scripts/bench.py --quick
