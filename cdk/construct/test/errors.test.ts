// cfclone's refusals are all one class: every error the package throws for a value it refuses
// or a file it misses is a CfcloneError, so `CfcloneErrors.isCfcloneError` (what an app uses to
// print the message without a stack trace) recognises each one. A refusal thrown as a plain
// `Error` fails here: the refusal paths are exercised one by one, and every `throw` in lib/ is
// checked to throw a class that extends CfcloneError.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CfcloneErrors,
  ClonedDistribution,
  type ClonedDistributionProps,
  ClonedDistributionProvider,
  type ClonedDistributionProviderProps,
  DeletionMode,
} from '../lib/index';
import { CfcloneError } from '../lib/errors';
import { PACKAGE_DIR, newApp, newStack, testCode } from './helpers';

const shop: ClonedDistributionProps = {
  referenceDistributionId: 'EREFERENCE12345',
  aliases: ['shop.example.com'],
  ssmParameterPrefix: '/cfclone/shop',
};
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

/** `run` throws, and what it throws is one of cfclone's errors. */
function assertRefusal(run: () => unknown, message: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof CfcloneError, `${String(e)} is a CfcloneError`);
    assert.ok(CfcloneErrors.isCfcloneError(e), `isCfcloneError recognises ${String(e)}`);
    assert.match((e as Error).message, message);
    return true;
  });
}

function withZipEnv(value: string | undefined, run: () => void): void {
  const previous = process.env.CFCLONE_PROVIDER_ZIP;
  if (value === undefined) delete process.env.CFCLONE_PROVIDER_ZIP;
  else process.env.CFCLONE_PROVIDER_ZIP = value;
  try {
    run();
  } finally {
    if (previous === undefined) delete process.env.CFCLONE_PROVIDER_ZIP;
    else process.env.CFCLONE_PROVIDER_ZIP = previous;
  }
}

describe("cfclone's refusals are CfcloneErrors", () => {
  // One case per check of the props (validation.ts), each naming its prop.
  const invalidProps: [Partial<ClonedDistributionProps>, RegExp][] = [
    [{ referenceDistributionId: 'shop' }, /referenceDistributionId/],
    [{ aliases: undefined as unknown as string[] }, /aliases: is required/],
    [{ aliases: Array.from({ length: 101 }, (_, i) => `a${i}.example.com`) }, /aliases: 101 aliases/],
    [{ aliases: ['Shop.example.com'] }, /aliases: .* must be lowercase/],
    [{ aliases: ['shop'] }, /aliases: .* is not a valid domain name/],
    [{ aliases: ['a.example.com', 'a.example.com'] }, /aliases: .* appears twice/],
    [{ originDomainName: 'not a host' }, /originDomainName/],
    [{ originPath: 'prod' }, /originPath/],
    [{ origins: [{ id: '' }] }, /origins: item 0: id is required/],
    [{ origins: [{ id: 'a' }, { id: 'a' }] }, /origins: origin id "a" appears twice/],
    [{ origins: [{ id: 'a', domainName: 'nohost' }] }, /origins: item 0: .* not a valid domain name/],
    [{ origins: [{ id: 'a', originPath: 'x/' }] }, /origins: item 0: origin path/],
    [{ certificateArn: 'arn:aws:iam::123456789012:role/x' }, /certificateArn: .* is not an ACM certificate ARN/],
    [{ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }, /certificateArn: .* us-east-1 only/],
    [{ aliases: [], certificateArn: CERTIFICATE }, /certificateArn: is set but aliases is empty/],
    [{ deletionMode: 'retain' as DeletionMode }, /deletionMode/],
    [{ certificateValidation: {}, certificateArn: CERTIFICATE }, /certificateValidation: is set together with certificateArn/],
    [{ aliases: [], certificateValidation: {} }, /certificateValidation: is set but aliases is empty/],
    [{ comment: 'x'.repeat(129) }, /comment/],
    [{ priceClass: 'PriceClass_300' }, /priceClass/],
    [{ loggingPrefix: '/logs/' }, /loggingPrefix/],
    [{ tags: { '': 'x' } }, /tags: a tag key is empty/],
    [{ tags: { 'cfclone:x': 'x' } }, /tags: .* reserved/],
    [{ tags: { ['k'.repeat(129)]: 'x' } }, /tags: .* longer than 128/],
    [{ tags: { k: 'v'.repeat(257) } }, /tags: the value of "k" is longer than 256/],
    [{ ssmParameterPrefix: 'cfclone' }, /ssmParameterPrefix: .* must start with/],
    [{ ssmParameterPrefix: '/cfclone/' }, /ssmParameterPrefix: .* must not end with/],
    [{ ssmParameterPrefix: '/cf clone' }, /ssmParameterPrefix: .* must look like/],
    [{ ssmParameterPrefix: '/aws/x' }, /ssmParameterPrefix: .* reserved by AWS/],
    [{ ssmParameterPrefix: undefined, ssmRegions: ['eu-west-1'] }, /ssmRegions: is set but ssmParameterPrefix is not/],
    [{ ssmRegions: ['europe'] }, /ssmRegions: .* is not a region name/],
    [{ ssmRegions: ['eu-west-1', 'eu-west-1'] }, /ssmRegions: .* appears twice/],
    [{ serviceTimeout: Duration.minutes(61) }, /serviceTimeout/],
  ];
  for (const [props, message] of invalidProps) {
    it(`a prop: ${message.source}`, () => {
      assertRefusal(() => new ClonedDistribution(newStack(), 'Shop', { ...shop, ...props }), message);
      assertRefusal(() => ClonedDistribution.validateProps({ ...shop, ...props }, 'Somewhere'), message);
    });
  }

  it('addAliasRecords: token aliases, an alias outside the zone', () => {
    const stack = newStack();
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123', zoneName: 'example.org' });
    const tokens = new ClonedDistribution(stack, 'Tokens', {
      ...shop,
      aliases: new CfnParameter(stack, 'Aliases', { type: 'CommaDelimitedList' }).valueAsList,
    });
    assertRefusal(() => tokens.addAliasRecords(zone), /are a token/);
    assertRefusal(() => new ClonedDistribution(stack, 'Shop', shop).addAliasRecords(zone), /is not in the hosted zone/);
  });

  it('ssmParameterName: no prefix, or a name the clone does not write', () => {
    const stack = newStack();
    const withPrefix = new ClonedDistribution(stack, 'Shop', shop);
    const without = new ClonedDistribution(stack, 'Bare', { ...shop, ssmParameterPrefix: undefined });
    assertRefusal(() => without.ssmParameterName('domain-name'), /has no ssmParameterPrefix/);
    assertRefusal(() => withPrefix.ssmParameterName('domain'), /is not a parameter a clone writes/);
  });

  it('grantOriginAccess: a key prefix, an imported bucket or key, a dependency cycle', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    const bucket = new s3.Bucket(stack, 'Assets');
    assertRefusal(() => clone.grantOriginAccess(bucket, { keyPrefix: '/assets/' }), /keyPrefix/);
    assertRefusal(() => clone.grantOriginAccess(bucket, { keyPrefix: 'assets/*' }), /keyPrefix/);
    assertRefusal(() => clone.grantOriginAccess(s3.Bucket.fromBucketName(stack, 'Imported', 'imported')), /the bucket .* is imported/);
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    assertRefusal(() => clone.grantOriginAccess(bucket, { encryptionKey: key }), /the key .* is imported/);
    const encrypted = new s3.Bucket(stack, 'Encrypted', { encryption: s3.BucketEncryption.KMS });
    const cyclic = new ClonedDistribution(stack, 'Cyclic', { ...shop, originDomainName: encrypted.bucketRegionalDomainName });
    assertRefusal(() => cyclic.grantOriginAccess(encrypted, { encryptionKey: encrypted.encryptionKey }), /dependency cycle/);
  });

  it('automatic sync outside us-east-1, from a clone or from the provider', () => {
    const stack = newStack();
    assertRefusal(() => new ClonedDistribution(stack, 'Shop', { ...shop, autoSync: true }), /automatic sync needs the stack in us-east-1/);
    assertRefusal(() => ClonedDistributionProvider.getOrCreate(stack).syncClonesOf('EREFERENCE12345'), /automatic sync needs/);
  });

  it('provider props given once the provider exists', () => {
    assertRefusal(() => ClonedDistributionProvider.getOrCreate(newStack(), { memorySize: 512 }), /already has its ClonedDistributionProvider/);
  });

  const invalidProviderProps: [ClonedDistributionProviderProps, RegExp][] = [
    [{ edgeFunctionArns: ['edge-auth'] }, /edgeFunctionArns: .* is not a Lambda function ARN/],
    [{ edgeFunctionArns: ['arn:aws:lambda:eu-west-1:123456789012:function:edge'] }, /edgeFunctionArns: .* is in eu-west-1/],
    [{ logBuckets: ['https://shop-logs'] }, /logBuckets/],
    [{ vpcOriginIds: ['arn:aws:cloudfront::123456789012:vpcorigin/vo_1'] }, /vpcOriginIds/],
    [{ webAclArns: ['arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/abc'] }, /webAclArns/],
  ];
  for (const [props, message] of invalidProviderProps) {
    it(`a provider prop: ${message.source}`, () => {
      const stack = new Stack(newApp(), 'Granted', { env: { account: '123456789012', region: 'eu-west-1' } });
      assertRefusal(() => ClonedDistributionProvider.getOrCreate(stack, { code: testCode(stack), ...props }), message);
    });
  }

  it('a missing provider zip, arm64 or x86_64', () => {
    withZipEnv(path.join(os.tmpdir(), 'cfclone-no-such-dir', 'bootstrap.zip'), () => {
      assertRefusal(() => new ClonedDistribution(new Stack(newApp(), 'NoZip'), 'Shop', shop), /Lambda zip is missing/);
    });
    withZipEnv(undefined, () => {
      const stack = new Stack(newApp(), 'X86');
      assertRefusal(
        () => ClonedDistributionProvider.getOrCreate(stack, { architecture: lambda.Architecture.X86_64 }),
        /carries the arm64 build only/,
      );
    });
  });

  it('every throw in lib/ throws a class that extends CfcloneError', async () => {
    const lib = path.join(PACKAGE_DIR, 'lib');
    const files = fs.readdirSync(lib).filter((f) => f.endsWith('.ts'));
    const thrown = new Map<string, string[]>();
    for (const file of files) {
      const source = fs.readFileSync(path.join(lib, file), 'utf8');
      // A throw statement: at the start of a line, or after `{`, `;` or `=>` (not prose in a comment).
      for (const match of source.matchAll(/(?:^|[{;]|=>)\s*throw\b\s*(new\s+(\w+))?/gm)) {
        const name = match[2] ?? `(not "throw new …": ${source.slice(match.index, match.index + 60).trim()})`;
        thrown.set(name, [...(thrown.get(name) ?? []), file]);
      }
    }
    assert.ok(thrown.size > 0, 'lib/ throws something');
    const exported = new Map<string, unknown>();
    for (const file of files) {
      for (const [name, value] of Object.entries(await import(path.join(lib, file)))) exported.set(name, value);
    }
    for (const [name, where] of thrown) {
      const cls = exported.get(name);
      assert.ok(
        typeof cls === 'function' && (cls === CfcloneError || cls.prototype instanceof CfcloneError),
        `${where.join(', ')}: throws ${name}, which is not a CfcloneError`,
      );
    }
  });
});
