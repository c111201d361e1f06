# The two commands of the README: `make demo` runs the main job locally against an
# embedded AWS emulator; `make test` runs every test. Both install what they need first.
.PHONY: setup demo test bench lambda

setup:
	bash scripts/setup

# The demo runs the real provider binary: build it (and the demo) first, with cargo's
# progress shown — a first build compiles the AWS SDK and takes several minutes.
demo: setup
	cargo build --release --workspace --bins
	target/release/demo

test: setup
	bash scripts/test

bench: setup
	bash bench/run

# The Lambda zip as it ships: target/lambda/arm64/cfclone-provider/bootstrap.zip
lambda: setup
	PATH="$(CURDIR)/.venv/bin:$$PATH" cargo lambda build --profile dist --arm64 \
	  --output-format zip --lambda-dir target/lambda/arm64 -p cfclone --bin cfclone-provider
