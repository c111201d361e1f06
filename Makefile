# The two commands of the README: `make demo` runs the main job locally against an
# embedded AWS emulator; `make test` runs every test. Both install what they need first,
# as every target but `help` does. `make help` (or `make`) lists the targets: the `## `
# comment of each.
.PHONY: help setup demo demo-api test check test-unit test-e2e test-iam fuzz deny lambda bench

help: ## list the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z0-9-]*:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

setup: ## install what the rest needs: .venv (moto, cfn-lint, cargo-lambda), cdk/node_modules, crates, cargo-deny
	bash scripts/setup

# The demo runs the real provider binary: build it (and the demo) first, with cargo's
# progress shown — a first build compiles the AWS SDK and takes several minutes.
# --all-targets, as scripts/test builds: the test-only dependencies (proptest) turn on
# features of crates the AWS SDK shares (getrandom), so a build of the binaries alone would
# leave `make test` to build the SDK again.
demo: setup ## run the provider (Create, Update, Delete) against the embedded emulator
	cargo build --release --workspace --all-targets
	target/release/demo

demo-api: setup ## the REST API on the embedded emulator over HTTP: plan, create, the article's call, list, diff, delete (SERVE=1 keeps serving)
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
