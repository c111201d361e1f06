# The two commands of the README: `make demo` runs the main job locally against an
# embedded AWS emulator; `make test` runs every test. Both install what they need first,
# as every target but `help` does: the demos only what they need (`setup-demo`), every
# other target everything (`setup`). `make help` (or `make`) lists the targets: the `## `
# comment of each.
.PHONY: help setup setup-demo demo demo-api test check test-unit test-e2e test-iam fuzz deny lambda bench

help: ## list the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z0-9-]*:.*## / { printf "  make %-11s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

setup: ## install everything: toolchain, .venv (moto, cfn-lint, cargo-lambda, schemathesis, …), cdk/ and tests/iam/ node_modules, crates, cargo-deny
	bash scripts/setup

setup-demo: ## install only what the demos need: toolchain, .venv with moto (the emulator), crates
	bash scripts/setup demo

# The demo runs the real provider binary: build it (and the demo) first, with cargo's
# progress shown — a first build compiles the AWS SDK and takes several minutes.
# --all-targets, as scripts/test builds: the test-only dependencies (proptest) turn on
# features of crates the AWS SDK shares (getrandom), so a build of the binaries alone would
# leave `make test` to build the SDK again.
demo: setup-demo ## run the provider (Create, Update, Delete) against the embedded emulator
	cargo build --release --workspace --all-targets
	target/release/demo

demo-api: setup-demo ## the REST API on the embedded emulator over HTTP: plan, create, the article's call, list, diff, delete (SERVE=1 keeps serving)
	cargo build --release --workspace --all-targets
	target/release/demo_api $(if $(SERVE),--serve)

test: setup ## every test, as CI runs it (scripts/test)
	bash scripts/test

check: setup ## fast static checks, no tests: cargo fmt --check, clippy -D warnings, CDK type check
	bash scripts/test check

test-unit: setup ## the provider crate's unit tests (cargo test --workspace --release --lib)
	bash scripts/test unit

test-e2e: setup ## the end-to-end tests (tests/tests): the real binary against the strict emulator
	bash scripts/test e2e

test-iam: setup ## the provider's calls of the last test-e2e run against the shipped roles (needs cdk/cdk.out: scripts/cdk-check.sh)
	bash scripts/test iam

# The parser at the edge against arbitrary payloads and property values (proptest): `make
# test` runs 256 cases of each property; this runs CASES (default 50,000) of each.
fuzz: setup ## the event parser on arbitrary JSON, long (CASES=50000 by default)
	PROPTEST_CASES=$${CASES:-50000} cargo test --workspace --release --lib event::tests

deny: setup ## cargo deny: licences, bans, sources (advisories need network)
	bash scripts/test deny

lambda: setup ## the Lambda zip as it ships (dist profile): target/lambda/arm64/cfclone-provider/bootstrap.zip
	bash scripts/lambda-zip

bench: setup ## the benchmarks against the original Python Lambda; writes BENCHMARKS.md
	bash bench/run
