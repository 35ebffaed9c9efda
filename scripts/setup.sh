#!/usr/bin/env bash
# Installs what insomnia-lsp needs to build and test on a fresh Debian machine
# (run as root). Skips what is already there. Go comes from /usr/local/go.
set -euo pipefail
export PATH="/usr/local/go/bin:$PATH"
need=()
command -v nix-instantiate >/dev/null || need+=(nix-bin)
command -v nvim >/dev/null || need+=(neovim)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v go >/dev/null || { echo "setup: Go is required (expected at /usr/local/go)" >&2; exit 1; }
cd "$(dirname "$0")/.."
go mod download
