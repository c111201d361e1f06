#!/usr/bin/env bash
# The CDK and CloudFormation checks: type check, the assertions tests (incl. cdk-nag and the
# snapshot), `cdk synth` of the app (offline, no credentials) on the provider's Lambda zip as
# it ships, and cfn-lint over every synthesized template and every template in examples/.
#
#   bash scripts/cdk-check.sh                   everything; builds the zip first
#   bash scripts/cdk-check.sh --typecheck-only  the TypeScript type check alone (`make check`)
#
# Run from anywhere; needs `npm ci` done in cdk/ (scripts/setup does it). The app synthesizes
# the zip that ships: this script builds it with scripts/lambda-zip (the `dist` profile; a
# no-op when it is up to date, a full fat-LTO build from clean), unless CFCLONE_PROVIDER_ZIP
# points at a bootstrap.zip built elsewhere, which is then synthesized as it is.
# UPDATE_SNAPSHOTS=1 rewrites the committed snapshot (cdk/test/snapshots/) after a reviewed
# change.
set -euo pipefail
# A relative CFCLONE_PROVIDER_ZIP is relative to where the script was started.
case "${CFCLONE_PROVIDER_ZIP:-/}" in /*) ;; *) export CFCLONE_PROVIDER_ZIP="$PWD/$CFCLONE_PROVIDER_ZIP" ;; esac
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'cdk-check: %s\n' "$*" >&2; exit 1; }

typecheck_only=0
case "${1:-}" in
  '') ;;
  --typecheck-only) typecheck_only=1 ;;
  *) fail "unknown argument $1 (--typecheck-only, or none)" ;;
esac

[ -d cdk/node_modules ] || fail "cdk/node_modules is missing: run (cd cdk && npm ci) first"
BIN="$ROOT/cdk/node_modules/.bin"

step "TypeScript type check (tsc --noEmit)"
(cd cdk && "$BIN/tsc" --noEmit -p .)
echo "ok"
[ "$typecheck_only" = 0 ] || exit 0

if [ -x "$ROOT/.venv/bin/cfn-lint" ]; then
  CFN_LINT="$ROOT/.venv/bin/cfn-lint"
elif command -v cfn-lint >/dev/null; then
  CFN_LINT=$(command -v cfn-lint)
else
  fail "cfn-lint is missing: pip install cfn-lint (scripts/setup puts it in .venv)"
fi

# No telemetry, no notices, no version check: the checks run offline.
export CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true

if [ -n "${CFCLONE_PROVIDER_ZIP:-}" ]; then
  step "The provider's Lambda zip: CFCLONE_PROVIDER_ZIP=$CFCLONE_PROVIDER_ZIP (not rebuilt)"
  [ -f "$CFCLONE_PROVIDER_ZIP" ] || fail "CFCLONE_PROVIDER_ZIP names no file: $CFCLONE_PROVIDER_ZIP"
else
  step "The provider's Lambda zip as it ships (scripts/lambda-zip: dist profile, arm64)"
  bash scripts/lambda-zip
fi

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
