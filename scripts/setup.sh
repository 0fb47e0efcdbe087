#!/usr/bin/env bash
# Installs what building and testing kgx needs on a fresh Debian machine, skipping what is there:
# libclang (bindgen, for oxigraph's RocksDB), a C++ compiler, Graphviz (the DOT export's test), the
# Rust toolchain's fmt/clippy, and the Python packages the tests use to read kgx's output back
# (rdflib, networkx, pytest, SPARQLWrapper), and the benchmark's peer and ceiling (spaCy,
# pyoxigraph).
set -euo pipefail

need_apt=()
# bindgen needs libclang itself (libclang.so / libclang-NN.so), not libclang-cpp, which a fresh
# Debian machine may already have.
if command -v dpkg >/dev/null 2>&1; then
  dpkg -s libclang-dev >/dev/null 2>&1 || need_apt+=(libclang-dev)
elif ! ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* >/dev/null 2>&1; then
  need_apt+=(libclang-dev)
fi
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

if [ "${KGX_SKIP_PYTHON:-0}" != "1" ]; then
  if ! python3 -c 'import rdflib, networkx, pytest, SPARQLWrapper, spacy, pyoxigraph, nltk' >/dev/null 2>&1; then
    echo "setup: installing Python test packages" >&2
    python3 -m pip install --quiet --disable-pip-version-check -r "$(dirname "$0")/../tests/python/requirements.txt"
  fi
fi
