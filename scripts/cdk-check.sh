#!/usr/bin/env bash
# The CDK and CloudFormation checks: type check; the construct library's package as it ships
# (scripts/construct-package pack: the provider's Lambda zip, jsii, the npm tarball and the
# Python wheel); the library's and the example app's assertions tests (incl. cdk-nag and the
# snapshot); the packed package in a new TypeScript app and a Python CDK app outside the
# repository; `cdk synth` of the example app (offline, no credentials); cfn-lint over every
# synthesized template and every template in examples/.
#
#   bash scripts/cdk-check.sh                   everything; builds the package first
#   bash scripts/cdk-check.sh --typecheck-only  the TypeScript type check alone (`make check`)
#
# Run from anywhere; needs scripts/setup done (npm ci in cdk/, aws-cdk-lib for Python in
# .venv). The zip is built by scripts/lambda-zip (the `dist` profile; a no-op when it is up to
# date, a full fat-LTO build from clean), unless CFCLONE_PROVIDER_ZIP points at a bootstrap.zip
# built elsewhere, which then goes into the package as it is.
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

# The package the example app consumes and users install: zip, jsii, tarball and wheel.
bash scripts/construct-package pack

step "CDK tests (node --test: the library and the app: assertions, IAM scope, validation, cdk-nag, snapshot, sample events)"
(cd cdk && node --import tsx --test --test-reporter=spec test/*.test.ts construct/test/*.test.ts)

step "The packed package in new apps outside the repository (TypeScript with cdk-nag; Python through jsii)"
(cd cdk && node --import tsx --test --test-reporter=spec construct/test-packaged/*.test.ts)

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
