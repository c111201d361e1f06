// Where the provider's Lambda zip comes from: the one the package carries, or one named by
// the environment or the context; a ProviderBuildMissingError that says how to get one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CfcloneError } from './errors';

/**
 * The provider's zip the package carries (arm64): `scripts/construct-package build` puts it
 * there; `lib/` (the sources) and `dist/` (jsii's output) both sit beside `assets/`.
 */
export const PACKAGED_PROVIDER_ZIP = path.join(__dirname, '..', 'assets', 'bootstrap.zip');

/** Environment variable that points the app at a `bootstrap.zip` built elsewhere. */
export const PROVIDER_ZIP_ENV = 'CFCLONE_PROVIDER_ZIP';
/** Context key with the same meaning (`cdk synth -c cfclone:providerZip=…`). */
export const PROVIDER_ZIP_CONTEXT = 'cfclone:providerZip';

/**
 * The provider's Lambda zip is not where the app expects it. The message says how to get
 * one; the app prints it without a stack trace.
 */
export class ProviderBuildMissingError extends CfcloneError {
  constructor(readonly zipPath: string, architecture: lambda.Architecture) {
    const lines =
      architecture === lambda.Architecture.X86_64
        ? [
            'the package carries the arm64 build only: for x86_64 build one in the cfclone repository',
            '  scripts/lambda-zip --arch x86_64',
            'and pass it as code: lambda.Code.fromAsset(\'target/lambda/x86_64/cfclone-provider/bootstrap.zip\'),',
          ]
        : [
            'the package build puts it there; in the cfclone repository run',
            '  scripts/construct-package build',
            '(it builds it with scripts/lambda-zip: `cargo lambda build --profile dist`; scripts/setup installs cargo-lambda).',
          ];
    super(
      [
        `cfclone: the provider's Lambda zip is missing: ${zipPath}`,
        ...lines,
        `or point ${PROVIDER_ZIP_ENV} (or the context value ${PROVIDER_ZIP_CONTEXT}) at a built bootstrap.zip.`,
      ].join('\n'),
    );
    this.name = 'ProviderBuildMissingError';
  }
}

/** The zip named by the context or the environment, else the package's; or a ProviderBuildMissingError. */
export function codeFromBuiltZip(scope: Construct, architecture: lambda.Architecture): lambda.Code {
  const override =
    (scope.node.tryGetContext(PROVIDER_ZIP_CONTEXT) as string | undefined) ?? process.env[PROVIDER_ZIP_ENV];
  const packaged = architecture === lambda.Architecture.ARM_64 ? PACKAGED_PROVIDER_ZIP : undefined;
  const zip = override ? path.resolve(override) : packaged;
  if (zip === undefined || !fs.existsSync(zip)) {
    throw new ProviderBuildMissingError(zip ?? '(none for x86_64)', architecture);
  }
  return lambda.Code.fromAsset(zip);
}
