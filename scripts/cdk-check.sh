#!/usr/bin/env bash
# The CDK and CloudFormation checks: type check, the assertions tests (incl. cdk-nag and the
# snapshot), `cdk synth` of the app (offline, no credentials), and cfn-lint over every
# synthesized template and every template in examples/.
#
# Run from anywhere; needs `npm ci` done in cdk/ and the provider's Lambda zip built:
#   cargo lambda build --release --arm64 --output-format zip --lambda-dir target/lambda/arm64 --bin cfclone-provider
# (or CFCLONE_PROVIDER_ZIP pointing at a bootstrap.zip). UPDATE_SNAPSHOTS=1 rewrites the
# committed snapshot (cdk/test/snapshots/) after a reviewed change.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'cdk-check: %s\n' "$*" >&2; exit 1; }

[ -d cdk/node_modules ] || fail "cdk/node_modules is missing: run (cd cdk && npm ci) first"
if [ -x "$ROOT/.venv/bin/cfn-lint" ]; then
  CFN_LINT="$ROOT/.venv/bin/cfn-lint"
elif command -v cfn-lint >/dev/null; then
  CFN_LINT=$(command -v cfn-lint)
else
  fail "cfn-lint is missing: pip install cfn-lint (scripts/setup puts it in .venv)"
fi

# No telemetry, no notices, no version check: the checks run offline.
export CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true
BIN="$ROOT/cdk/node_modules/.bin"

step "TypeScript type check (tsc --noEmit)"
(cd cdk && "$BIN/tsc" --noEmit -p .)
echo "ok"

step "CDK tests (node --test: assertions, IAM scope, validation, cdk-nag, snapshot, sample events)"
(cd cdk && node --import tsx --test --test-reporter=spec test/*.test.ts)

step "cdk synth (offline, cdk-nag AwsSolutions as a validation plugin)"
rm -rf cdk/cdk.out
(cd cdk && "$BIN/cdk" synth --quiet --no-notices --no-version-reporting --output cdk.out)
ls cdk/cdk.out/*.template.json

step "cfn-lint (errors fail; warnings are printed)"
# W3005 (a DependsOn that a reference already implies) is how the CDK writes the clones'
# dependency on the whole provider; it says nothing about the template's correctness.
"$CFN_LINT" --non-zero-exit-code error --ignore-checks W3005 -- cdk/cdk.out/*.template.json
"$CFN_LINT" --non-zero-exit-code error -- examples/*.yaml
echo "ok: $(ls cdk/cdk.out/*.template.json examples/*.yaml | wc -l) templates"

echo
echo "CDK checks passed"
