// The provider's Lambda zip: required, arm64 only in the package, or named by
// CFCLONE_PROVIDER_ZIP; a clear error when the Rust build is missing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { CfcloneErrors } from '../lib/errors';
import { ClonedDistributionProvider } from '../lib/provider';
import { PROVIDER_ZIP_ENV, ProviderBuildMissingError } from '../lib/provider-zip';
import { newApp } from './helpers';
import { shop } from './provider-helpers';

describe('the provider zip', () => {
  it('is required: synth fails with the command that builds it', () => {
    const previous = process.env[PROVIDER_ZIP_ENV];
    process.env[PROVIDER_ZIP_ENV] = path.join(os.tmpdir(), 'cfclone-no-such-dir', 'bootstrap.zip');
    try {
      const stack = new Stack(newApp(), 'NoZip');
      assert.throws(() => new ClonedDistribution(stack, 'Shop', shop), (e: unknown) => {
        assert.ok(e instanceof ProviderBuildMissingError);
        assert.ok(CfcloneErrors.isCfcloneError(e), 'an app tells it from other errors');
        assert.match(e.message, /the provider's Lambda zip is missing: .*cfclone-no-such-dir\/bootstrap\.zip/);
        assert.match(e.message, /^ {2}scripts\/construct-package build$/m);
        return true;
      });
    } finally {
      if (previous === undefined) delete process.env[PROVIDER_ZIP_ENV];
      else process.env[PROVIDER_ZIP_ENV] = previous;
    }
  });

  it('is arm64 only in the package: x86_64 without code names the build and the code prop', () => {
    const previous = process.env[PROVIDER_ZIP_ENV];
    delete process.env[PROVIDER_ZIP_ENV];
    try {
      const stack = new Stack(newApp(), 'X86');
      assert.throws(
        () => ClonedDistributionProvider.getOrCreate(stack, { architecture: lambda.Architecture.X86_64 }),
        (e: unknown) => {
          assert.ok(e instanceof ProviderBuildMissingError);
          assert.match(e.message, /carries the arm64 build only/);
          assert.match(e.message, /^ {2}scripts\/lambda-zip --arch x86_64$/m);
          assert.match(e.message, /lambda\.Code\.fromAsset\(/);
          return true;
        },
      );
    } finally {
      if (previous !== undefined) process.env[PROVIDER_ZIP_ENV] = previous;
    }
  });

  it('is not one of cfclone\'s errors when something else fails', () => {
    assert.equal(CfcloneErrors.isCfcloneError(new Error('other')), false);
    assert.equal(CfcloneErrors.isCfcloneError(undefined), false);
    assert.equal(CfcloneErrors.isCfcloneError('cfclone: a string'), false);
  });

  it('is taken from CFCLONE_PROVIDER_ZIP as an asset when present', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfclone-zip-'));
    const zip = path.join(dir, 'bootstrap.zip');
    fs.writeFileSync(zip, 'not really a zip');
    const previous = process.env[PROVIDER_ZIP_ENV];
    process.env[PROVIDER_ZIP_ENV] = zip;
    try {
      const stack = new Stack(newApp(), 'WithZip', { env: { account: '123456789012', region: 'eu-west-1' } });
      new ClonedDistribution(stack, 'Shop', shop);
      Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
        Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
      });
    } finally {
      if (previous === undefined) delete process.env[PROVIDER_ZIP_ENV];
      else process.env[PROVIDER_ZIP_ENV] = previous;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
