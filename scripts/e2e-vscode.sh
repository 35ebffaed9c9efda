#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (code-server 4.100.3, see
# docs in ../shared/vscode-e2e.md), driven by playwright-core with Debian's Chromium.
# Unattended (CI=true, no stdin, root); offline except the npm registry and Debian.
# Prints "N passed, N failed" last and exits non-zero on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CS_VERSION=4.100.3
CS_DIR=${INSOMNIA_E2E_CACHE:-$HOME/.cache/insomnia-e2e}/code-server
ART=$ROOT/artifacts/vscode
export CI=${CI:-true}

log() { printf '[e2e-vscode] %s\n' "$*" >&2; }

# step NAME CMD... runs CMD once per cache dir: a marker file records success so a
# second run (or a later CI run on the same machine) skips the slow installs.
step() {
  local name=$1; shift
  if [[ -f $CS_DIR/.done-$name ]]; then log "skip $name (done)"; return; fi
  log "run $name"
  "$@"
  touch "$CS_DIR/.done-$name"
}

install_apt() {
  local missing=()
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  command -v rg >/dev/null || missing+=(ripgrep)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  ((${#missing[@]} == 0)) && return
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

cs_npm() { (cd "$CS_DIR" && npm install --no-audit --no-fund --ignore-scripts "code-server@$CS_VERSION"); }
cs_vscode_deps() {
  (cd "$CS_DIR/node_modules/code-server/lib/vscode" && npm install --no-audit --no-fund --omit=dev --ignore-scripts)
}
# @vscode/ripgrep's install step downloads rg from GitHub: use Debian's binary instead.
cs_ripgrep() {
  local d=$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin
  mkdir -p "$d" && cp "$(command -v rg)" "$d/rg"
}
cs_rebuild() {
  (cd "$CS_DIR/node_modules/code-server/lib/vscode" && npm_config_yes=true npm rebuild)
}
cs_extensions() {
  (cd "$CS_DIR/node_modules/code-server/lib/vscode/extensions" && npm install --no-audit --no-fund --omit=dev)
}
cs_argon2() { (cd "$CS_DIR" && npm rebuild argon2); }

install_code_server() {
  mkdir -p "$CS_DIR"
  step npm cs_npm
  step vscode-deps cs_vscode_deps
  step ripgrep cs_ripgrep
  step rebuild cs_rebuild
  step extensions cs_extensions
  step argon2 cs_argon2
}

install_apt
install_code_server
if [[ ${1:-} == --install-only ]]; then log "installed"; exit 0; fi
