// The provider: one Lambda per stack, least-privilege IAM, logs, and a clear error when the
// Rust build is missing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { ClonedDistributionProvider, PROVIDER_ZIP_ENV, ProviderBuildMissingError } from '../lib/provider';
import { REPO_ROOT, newApp, newStack, testCode } from './helpers';

const shop = {
  referenceDistributionId: 'EREFERENCE12345',
  aliases: ['shop.example.com'],
  ssmParameterPrefix: '/cfclone/shop',
};

const DISTRIBUTIONS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']],
};
const ssmUnder = (prefix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:*:', { Ref: 'AWS::AccountId' }, `:parameter${prefix}/*`]],
});

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

/** Every statement of every IAM policy in the stack. */
function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function statementGranting(template: Template, action: string): Statement {
  const found = statements(template).filter((s) => actionsOf(s).includes(action));
  assert.equal(found.length, 1, `exactly one statement grants ${action}`);
  return found[0];
}

describe('ClonedDistributionProvider', () => {
  it('runs cfclone-provider on provided.al2023, arm64, 256 MB, 15 minutes, with its own log group', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    const [logGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      Handler: 'bootstrap',
      MemorySize: 256,
      Timeout: 900,
      LoggingConfig: { LogGroup: { Ref: logGroup } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  it('takes another architecture, memory size and timeout', () => {
    const stack = new Stack(newApp(), 'X86', { env: { account: '123456789012', region: 'eu-west-1' } });
    ClonedDistributionProvider.getOrCreate(stack, {
      code: testCode(stack),
      architecture: lambda.Architecture.X86_64,
      memorySize: 128,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'], MemorySize: 128 });
  });

  it('reads any distribution but changes and deletes only those tagged with its own stack id', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);

    for (const action of ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:ListTagsForResource']) {
      const s = statementGranting(template, action);
      assert.deepEqual(s.Resource, DISTRIBUTIONS);
      assert.equal(s.Condition, undefined);
    }
    // CreateDistribution has no resource-level permissions; the new clone is tagged by ARN.
    assert.equal(statementGranting(template, 'cloudfront:CreateDistribution').Resource, '*');
    assert.deepEqual(statementGranting(template, 'cloudfront:TagResource').Resource, DISTRIBUTIONS);
    for (const action of ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution']) {
      const s = statementGranting(template, action);
      assert.deepEqual(s.Resource, DISTRIBUTIONS);
      assert.deepEqual(s.Condition, { StringEquals: { 'aws:ResourceTag/cfclone:stack-id': { Ref: 'AWS::StackId' } } });
    }
  });

  it('grants no CloudFront action beyond those, and no wildcard action at all', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const actions = statements(Template.fromStack(stack)).flatMap(actionsOf);
    assert.deepEqual(actions.filter((a) => a.startsWith('cloudfront:')).sort(), [
      'cloudfront:CreateDistribution',
      'cloudfront:DeleteDistribution',
      'cloudfront:GetDistribution',
      'cloudfront:GetDistributionConfig',
      'cloudfront:ListTagsForResource',
      'cloudfront:TagResource',
      'cloudfront:UpdateDistribution',
    ]);
    assert.deepEqual(actions.filter((a) => a.includes('*')), []);
  });

  it('lists certificates (no resource-level permission exists) and describes only us-east-1 ones', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    assert.equal(statementGranting(template, 'acm:ListCertificates').Resource, '*');
    assert.deepEqual(statementGranting(template, 'acm:DescribeCertificate').Resource, {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':acm:us-east-1:', { Ref: 'AWS::AccountId' }, ':certificate/*']],
    });
  });

  it("writes SSM parameters only under each clone's prefix, in a policy the clone depends on", () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    new ClonedDistribution(stack, 'Blog', { ...shop, aliases: ['blog.example.com'], ssmParameterPrefix: '/cfclone/blog' });
    new ClonedDistribution(stack, 'NoSsm', { ...shop, aliases: ['nossm.example.com'], ssmParameterPrefix: undefined });
    const template = Template.fromStack(stack);

    const ssm = statements(template).filter((s) => actionsOf(s).some((a) => a.startsWith('ssm:')));
    assert.deepEqual(
      ssm.map((s) => s.Resource),
      [ssmUnder('/cfclone/shop'), ssmUnder('/cfclone/blog')],
    );
    for (const s of ssm) {
      assert.deepEqual([...actionsOf(s)].sort(), ['ssm:DeleteParameters', 'ssm:GetParameter', 'ssm:PutParameter']);
    }
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: [Match.objectLike({ Resource: ssmUnder('/cfclone/shop') })] } },
    });
    template.hasResource('Custom::ClonedDistribution', {
      Properties: Match.objectLike({ SsmParameterPrefix: '/cfclone/shop' }),
      DependsOn: Match.arrayWith(Object.keys(policies)),
    });
  });

  it('grants provider-wide SSM prefixes once, and no per-clone policy under them', () => {
    const stack = new Stack(newApp(), 'Roots', { env: { account: '123456789012', region: 'eu-west-1' } });
    ClonedDistributionProvider.getOrCreate(stack, { code: testCode(stack), ssmParameterPrefixes: ['/cfclone'] });
    new ClonedDistribution(stack, 'Shop', shop);
    new ClonedDistribution(stack, 'Other', { ...shop, aliases: ['other.example.com'], ssmParameterPrefix: '/other/x' });
    const ssm = statements(Template.fromStack(stack)).filter((s) => actionsOf(s).includes('ssm:PutParameter'));
    assert.deepEqual(
      ssm.map((s) => s.Resource),
      [ssmUnder('/cfclone'), ssmUnder('/other/x')],
    );
  });

  it('may invoke itself, and nothing else', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    const [fn] = Object.keys(template.findResources('AWS::Lambda::Function'));
    assert.deepEqual(statementGranting(template, 'lambda:InvokeFunction').Resource, { 'Fn::GetAtt': [fn, 'Arn'] });
    const lambdaActions = statements(template).flatMap(actionsOf).filter((a) => a.startsWith('lambda:'));
    assert.deepEqual(lambdaActions, ['lambda:InvokeFunction']);
  });

  it('writes only to its own log group and attaches no managed policy', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    const [logGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    assert.deepEqual(statementGranting(template, 'logs:PutLogEvents').Resource, { 'Fn::GetAtt': [logGroup, 'Arn'] });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('the provider zip', () => {
  it('is required: synth fails with the command that builds it', () => {
    const previous = process.env[PROVIDER_ZIP_ENV];
    process.env[PROVIDER_ZIP_ENV] = path.join(os.tmpdir(), 'cfclone-no-such-dir', 'bootstrap.zip');
    try {
      const stack = new Stack(newApp(), 'NoZip');
      assert.throws(() => new ClonedDistribution(stack, 'Shop', shop), (e: unknown) => {
        assert.ok(e instanceof ProviderBuildMissingError);
        assert.match(e.message, /the provider's Lambda zip is missing: .*cfclone-no-such-dir\/bootstrap\.zip/);
        assert.match(
          e.message,
          /cargo lambda build --release --arm64 --output-format zip --lambda-dir target\/lambda\/arm64 --bin cfclone-provider/,
        );
        return true;
      });
    } finally {
      if (previous === undefined) delete process.env[PROVIDER_ZIP_ENV];
      else process.env[PROVIDER_ZIP_ENV] = previous;
    }
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

describe('examples/provider.yaml', () => {
  it('grants the same actions as the construct', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const construct = new Set(statements(Template.fromStack(stack)).flatMap(actionsOf));
    const yaml = fs
      .readFileSync(path.join(REPO_ROOT, 'examples', 'provider.yaml'), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    const template = new Set(yaml.match(/\b(cloudfront|acm|ssm|lambda|logs):[A-Z][A-Za-z]+\b/g));
    assert.deepEqual([...template].sort(), [...construct].sort());
  });
});
