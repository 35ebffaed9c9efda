#!/usr/bin/env bash
# Benchmarks of the real server over stdio against the budgets of
# design.md: prints a table and writes artifacts/bench.json.
# Extra arguments go to the driver (e.g. -workspace 200 -keystrokes 100).
set -euo pipefail
export PATH="/usr/local/go/bin:$PATH"
cd "$(dirname "$0")/.."
exec go run ./cmd/insomnia-lsp-bench "$@"
