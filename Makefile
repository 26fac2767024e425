# Thin aliases for the scripts; the scripts are the source of truth.
.PHONY: run test bench fuzz packages deb setup clean-cache

export CARGO_TARGET_DIR ?= $(HOME)/.cache/twofold/target

run:            ## install everything, build and run the app (README command 1)
	bash scripts/run.sh

test:           ## the whole test suite (README command 2; also .ci/run)
	bash scripts/test.sh

bench:          ## benchmarks
	bash scripts/bench.sh

fuzz:           ## the long fuzz run: 1M executions per parser (ARGS="--target NAME --threads 2")
	bash scripts/fuzz.sh $(ARGS)

packages:       ## the release .deb and .rpm (app + twofold CLI + completions + man pages)
	bash scripts/setup-tools.sh
	TAURI_APP_PATH=$(CURDIR)/src-tauri TAURI_FRONTEND_PATH=$(CURDIR)/ui \
		ui/node_modules/.bin/tauri build --config $(CURDIR)/src-tauri/tauri.bundle.conf.json
	@ls -1 $(CARGO_TARGET_DIR)/release/bundle/deb/*.deb $(CARGO_TARGET_DIR)/release/bundle/rpm/*.rpm

deb: packages

setup:          ## install system packages and tools only
	bash scripts/setup-tools.sh

clean-cache:    ## drop the build cache outside the clone
	rm -rf $(CARGO_TARGET_DIR)
