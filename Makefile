# Mnemo's commands. Each installs what it needs first (see scripts/setup.sh).
.PHONY: serve build test setup bench

## Serve the app with live reload on http://127.0.0.1:8080
serve: setup
	PATH="$$HOME/.cargo/bin:$(CURDIR)/node_modules/.bin:$$PATH" trunk serve

## Build the optimised static site into dist/
build: setup
	PATH="$$HOME/.cargo/bin:$(CURDIR)/node_modules/.bin:$$PATH" trunk build --release

## Run every test, as CI does
test:
	scripts/test.sh

setup:
	scripts/setup.sh

## Native benchmarks (criterion) and browser measurements against a release build
bench: build
	cargo bench --bench core
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" node scripts/bench-browser.mjs
