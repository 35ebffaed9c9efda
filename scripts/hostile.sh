#!/usr/bin/env bash
# The hostile-input suite: builds the real insomnia-lsp and drives it over
# stdio with input meant to break it (see hostile/doc.go), then replays the
# seed corpus of the server's fuzz target (lsp/fuzz_test.go). Needs
# nix-instantiate (the suite skips without it). CI runs this.
set -euo pipefail
export PATH="/usr/local/go/bin:$PATH"
cd "$(dirname "$0")/.."
go vet ./hostile/... ./cmd/insomnia-lsp-bench/
go test -count=1 -timeout 10m -v ./hostile/...
go test -count=1 -run 'FuzzServe|TestFuzzSeeds|TestServeSurvives' ./lsp/
