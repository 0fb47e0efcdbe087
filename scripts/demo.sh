#!/usr/bin/env bash
# The main job on the embedded default store: build kgx, ingest the sample corpus
# (data/articles/) into ./kgx-store, and answer the design card's chain question.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --quiet --bin kgx
cargo run --quiet --bin kgx -- ingest data/articles
cargo run --quiet --bin kgx -- query premiere-chain
