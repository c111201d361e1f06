// The provider: one Lambda per stack, least-privilege IAM, logs, and a clear error when the
// Rust build is missing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClonesApi } from '../lib/api';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { CfcloneErrors } from '../lib/errors';
import { ClonedDistributionProvider } from '../lib/provider';
import type { ClonedDistributionProviderProps } from '../lib/provider-props';
import { PROVIDER_ZIP_ENV, ProviderBuildMissingError } from '../lib/provider-zip';
import { REPO_ROOT, newApp, newStack, testCode } from './helpers';

const shop = {
  referenceDistributionId: 'EREFERENCE12345',
  aliases: ['shop.example.com'],
  ssmParameterPrefix: '/cfclone/shop',
};

const DISTRIBUTIONS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']],
};
const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const PARTITION = { Ref: 'AWS::Partition' };
const ACCOUNT = { Ref: 'AWS::AccountId' };

/** Every optional grant of the provider, with the values the tests look for. */
const EDGE_AUTH = 'arn:aws:lambda:us-east-1:123456789012:function:edge-auth';
const EDGE_HEADERS = 'arn:aws:lambda:us-east-1:123456789012:function:edge-headers';
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/0123abcd-0000-1111-2222-333344445555';
const everyGrant: ClonedDistributionProviderProps = {
  logBuckets: ['shop-logs.s3.amazonaws.com', 'blog-logs'],
  edgeFunctionArns: [`${EDGE_AUTH}:7`, `${EDGE_AUTH}:8`, EDGE_HEADERS],
  vpcOriginIds: ['vo_0123456789abcdef'],
  webAclArns: [WEB_ACL],
};

/** A stack whose provider has `props` (and the test code). */
function stackWithProvider(props: ClonedDistributionProviderProps, app = newApp()): Stack {
  const stack = new Stack(app, 'Granted', { env: { account: '123456789012', region: 'eu-west-1' } });
  ClonedDistributionProvider.getOrCreate(stack, { code: testCode(stack), ...props });
  new ClonedDistribution(stack, 'Shop', shop);
  return stack;
}

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

/** Equal as sets: the CDK sorts the resources of a statement it minimizes. */
function assertSameItems(actual: unknown, expected: unknown[]): void {
  assert.ok(Array.isArray(actual), `expected a list, got ${JSON.stringify(actual)}`);
  const sorted = (items: unknown[]) => items.map((i) => JSON.stringify(i)).sort();
  assert.deepEqual(sorted(actual), sorted(expected));
}

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
    assert.equal(statementGranting(template, 'cloudfront:TagResource').Condition, undefined);
    for (const action of ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution']) {
      const s = statementGranting(template, action);
      assert.deepEqual(s.Resource, DISTRIBUTIONS);
      assert.deepEqual(s.Condition, { StringEquals: { 'aws:ResourceTag/cfclone:stack-id': { Ref: 'AWS::StackId' } } });
    }
  });

  it("reads its own stack's status (DeletionMode: Disable on a rollback), and no other stack's", () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const s = statementGranting(Template.fromStack(stack), 'cloudformation:DescribeStacks');
    assert.equal(s.Sid, 'ReadOwnStack');
    assert.deepEqual(actionsOf(s), ['cloudformation:DescribeStacks']);
    assert.deepEqual(s.Resource, {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':cloudformation:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':stack/',
          { Ref: 'AWS::StackName' },
          '/*',
        ],
      ],
    });
  });

  it("keeps every clone's record under /cfclone/records in us-east-1, and nowhere else", () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const records = statements(Template.fromStack(stack)).filter((s) => s.Sid === 'CloneRecords');
    assert.equal(records.length, 1);
    assert.deepEqual(actionsOf(records[0]).sort(), ['ssm:DeleteParameters', 'ssm:GetParameter', 'ssm:PutParameter']);
    assert.deepEqual(records[0].Resource, {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':parameter/cfclone/records/*']],
    });
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
      'cloudfront:UntagResource',
      'cloudfront:UpdateDistribution',
    ]);
    assert.deepEqual(actions.filter((a) => a.includes('*')), []);
  });

  it('removes tags only from clones of its own stack, and never an ownership tag', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const s = statementGranting(Template.fromStack(stack), 'cloudfront:UntagResource');
    assert.deepEqual(actionsOf(s), ['cloudfront:UntagResource']);
    assert.deepEqual(s.Resource, DISTRIBUTIONS);
    assert.deepEqual(s.Condition, {
      StringEquals: { 'aws:ResourceTag/cfclone:stack-id': { Ref: 'AWS::StackId' } },
      'ForAllValues:StringNotLike': { 'aws:TagKeys': ['cfclone:*'] },
    });
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

    const ssm = statements(template).filter((s) => s.Sid !== 'CloneRecords' && actionsOf(s).some((a) => a.startsWith('ssm:')));
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
    const ssm = statements(Template.fromStack(stack)).filter((s) => s.Sid !== 'CloneRecords' && actionsOf(s).includes('ssm:PutParameter'));
    assert.deepEqual(
      ssm.map((s) => s.Resource),
      [ssmUnder('/cfclone'), ssmUnder('/other/x')],
    );
  });

  it('may invoke itself through its own ARN or a version or alias of it, and nothing else', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    const [fn] = Object.keys(template.findResources('AWS::Lambda::Function'));
    const arn = { 'Fn::GetAtt': [fn, 'Arn'] };
    assert.deepEqual(statementGranting(template, 'lambda:InvokeFunction').Resource, [arn, join(arn, ':*')]);
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

describe('ClonedDistributionProvider grants for what references use', () => {
  it('grants nothing for standard logging, Lambda@Edge, VPC origins or WAF unless asked', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const actions = statements(Template.fromStack(stack)).flatMap(actionsOf);
    assert.deepEqual(
      actions.filter((a) => /^(s3|iam|wafv2):/.test(a) || ['lambda:GetFunction', 'cloudfront:GetVpcOrigin'].includes(a)),
      [],
    );
  });

  it("lets CloudFront check the log buckets' ACLs, for buckets and bucket names as Logging.Bucket spells them", () => {
    const stack = new Stack(newApp(), 'Granted', { env: { account: '123456789012', region: 'eu-west-1' } });
    const logs = new s3.Bucket(stack, 'Logs');
    ClonedDistributionProvider.getOrCreate(stack, { code: testCode(stack), logBuckets: ['shop-logs.s3.amazonaws.com', 'blog-logs', logs] });
    const s = statementGranting(Template.fromStack(stack), 's3:PutBucketAcl');
    assert.equal(s.Sid, 'StandardLoggingBucketAcls');
    assert.deepEqual(actionsOf(s), ['s3:GetBucketAcl', 's3:PutBucketAcl']);
    assertSameItems(s.Resource, [
      join('arn:', PARTITION, ':s3:::shop-logs'),
      join('arn:', PARTITION, ':s3:::blog-logs'),
      { 'Fn::GetAtt': [stack.getLogicalId(logs.node.defaultChild as s3.CfnBucket), 'Arn'] },
    ]);
  });

  it('lets CloudFront replicate the Lambda@Edge functions: each function (once) and its versions, and the service-linked roles', () => {
    const template = Template.fromStack(stackWithProvider(everyGrant));
    const replication = statementGranting(template, 'lambda:EnableReplication*');
    assert.deepEqual(actionsOf(replication), ['lambda:DisableReplication*', 'lambda:EnableReplication*', 'lambda:GetFunction']);
    assertSameItems(replication.Resource, [EDGE_AUTH, `${EDGE_AUTH}:*`, EDGE_HEADERS, `${EDGE_HEADERS}:*`]);
    const roles = statementGranting(template, 'iam:CreateServiceLinkedRole');
    assertSameItems(roles.Resource, [
      join('arn:', PARTITION, ':iam::', ACCOUNT, ':role/aws-service-role/replicator.lambda.amazonaws.com/AWSServiceRoleForLambdaReplicator'),
      join('arn:', PARTITION, ':iam::', ACCOUNT, ':role/aws-service-role/logger.cloudfront.amazonaws.com/AWSServiceRoleForCloudFrontLogger'),
    ]);
    assert.deepEqual(roles.Condition, {
      StringEquals: { 'iam:AWSServiceName': ['replicator.lambda.amazonaws.com', 'logger.cloudfront.amazonaws.com'] },
    });
  });

  it('reads only the VPC origins and web ACLs it is given', () => {
    const template = Template.fromStack(stackWithProvider(everyGrant));
    assert.deepEqual(statementGranting(template, 'cloudfront:GetVpcOrigin').Resource, join('arn:', PARTITION, ':cloudfront::', ACCOUNT, ':vpcorigin/vo_0123456789abcdef'));
    assert.deepEqual(statementGranting(template, 'wafv2:GetWebACL').Resource, WEB_ACL);
  });

  it('adds later grants to the same statements', () => {
    const stack = stackWithProvider({ logBuckets: ['shop-logs'], edgeFunctionArns: [EDGE_AUTH] });
    const provider = ClonedDistributionProvider.getOrCreate(stack);
    provider.grantLogBuckets('blog-logs');
    provider.grantEdgeFunctions(EDGE_HEADERS);
    const template = Template.fromStack(stack);
    assert.equal((statementGranting(template, 's3:GetBucketAcl').Resource as unknown[]).length, 2);
    assert.equal((statementGranting(template, 'lambda:GetFunction').Resource as unknown[]).length, 4);
    assert.equal(statementGranting(template, 'iam:CreateServiceLinkedRole').Sid, 'EdgeServiceLinkedRoles');
  });

  const invalid: [string, ClonedDistributionProviderProps, RegExp][] = [
    [
      'a Lambda@Edge function outside us-east-1',
      { edgeFunctionArns: ['arn:aws:lambda:eu-west-1:123456789012:function:edge'] },
      /^ClonedDistributionProvider edgeFunctionArns: .* is in eu-west-1; Lambda@Edge functions are in us-east-1/,
    ],
    ['a function name instead of an ARN', { edgeFunctionArns: ['edge-auth'] }, /^ClonedDistributionProvider edgeFunctionArns: "edge-auth" is not a Lambda function ARN/],
    ['a log bucket URL', { logBuckets: ['https://shop-logs'] }, /^ClonedDistributionProvider logBuckets: .* is not a bucket name/],
    ['a VPC origin ARN instead of its id', { vpcOriginIds: ['arn:aws:cloudfront::123456789012:vpcorigin/vo_1'] }, /^ClonedDistributionProvider vpcOriginIds: .* is not a VPC origin id/],
    ['a regional web ACL', { webAclArns: ['arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop/abc'] }, /^ClonedDistributionProvider webAclArns: .* global \(CloudFront\)/],
  ];
  for (const [what, props, message] of invalid) {
    it(`refuses ${what}, naming the prop`, () => {
      assert.throws(() => stackWithProvider(props), { name: 'ClonedDistributionProviderPropsError', message });
    });
  }

  it('leaves no cdk-nag finding with every optional grant: each wildcard is acknowledged with its reason', () => {
    const app = newApp();
    stackWithProvider(everyGrant, app);
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    assert.deepEqual(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
  });
});

describe('automatic sync', () => {
  it('adds one rule per reference on its successful UpdateDistribution, and lists clones of this stack only', () => {
    const app = newApp();
    const stack = newStack(app, 'Synced', 'us-east-1');
    new ClonedDistribution(stack, 'Shop', { ...shop, autoSync: true });
    new ClonedDistribution(stack, 'Blog', { ...shop, aliases: ['blog.example.com'], autoSync: true });
    new ClonedDistribution(stack, 'Docs', { ...shop, referenceDistributionId: 'EOTHERREF12345', aliases: ['docs.example.com'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 1);
    const [function_] = Object.keys(template.findResources('AWS::Lambda::Function'));
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudfront'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cloudfront.amazonaws.com'],
          eventName: [{ prefix: 'UpdateDistribution' }],
          errorCode: [{ exists: false }],
          requestParameters: { id: ['EREFERENCE12345'] },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [function_, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [function_, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { CFCLONE_SYNC_STACKS: { Ref: 'AWS::StackId' } } },
    });
    assert.equal(statementGranting(template, 'cloudfront:ListDistributions').Resource, '*');
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    assert.deepEqual(report.violations.map((v) => v.ruleName), []);
  });

  it('is refused outside us-east-1, naming the way out', () => {
    const stack = newStack();
    assert.throws(
      () => new ClonedDistribution(stack, 'Shop', { ...shop, autoSync: true }),
      /automatic sync needs the stack in us-east-1.*eu-west-1.*cfclone sync --reference EREFERENCE12345/s,
    );
  });

  it('is off by default: no rule, no ListDistributions', () => {
    const stack = newStack(newApp(), 'Plain', 'us-east-1');
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    assert.equal(statements(template).filter((s) => actionsOf(s).includes('cloudfront:ListDistributions')).length, 0);
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

describe('examples/provider.yaml', () => {
  /**
   * The template as `aws cloudformation package` leaves it: the local zip path of the
   * function's Code uploaded and replaced by its S3 location (CfnInclude, like CloudFormation,
   * takes only that form).
   */
  function packagedTemplate(): string {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'provider.yaml'), 'utf8');
    const local = 'Code: ../target/lambda/arm64/cfclone-provider/bootstrap.zip';
    assert.ok(source.includes(local), `provider.yaml's function has ${local}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfclone-provider-yaml-'));
    const file = path.join(dir, 'provider.packaged.yaml');
    fs.writeFileSync(file, source.replace(local, 'Code: { S3Bucket: my-bucket, S3Key: 0123456789abcdef }'));
    return file;
  }

  /** The template's role and self-invoke statements, each with the condition it is granted under. */
  function templateStatements(): { condition?: string; statement: Statement }[] {
    const stack = new Stack(newApp(), 'ProviderYaml');
    const file = packagedTemplate();
    new cfninc.CfnInclude(stack, 'Template', { templateFile: file });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Type: string; Condition?: string; Properties: any }
    >;
    // A policy resource with a condition grants all its statements under it.
    const documents = Object.values(resources).flatMap((r) => {
      if (r.Type === 'AWS::IAM::Role') return (r.Properties.Policies ?? []).map((p: any) => ({ document: p.PolicyDocument }));
      if (r.Type === 'AWS::IAM::Policy') return [{ document: r.Properties.PolicyDocument, condition: r.Condition }];
      return [];
    });
    return documents.flatMap(({ document, condition }: { document: any; condition?: string }) =>
      (document.Statement as any[]).map((s) => {
        const conditional = s['Fn::If'];
        if (conditional === undefined) return { condition, statement: s };
        assert.equal(condition, undefined, 'a conditional statement lies in an unconditional policy');
        assert.deepEqual(conditional[2], { Ref: 'AWS::NoValue' }, 'a conditional statement is granted or left out');
        return { condition: conditional[0] as string, statement: conditional[1] };
      }),
    );
  }

  const actionSet = (list: Statement[]) => [...new Set(list.flatMap(actionsOf))].sort();
  const constructActions = (props: ClonedDistributionProviderProps) => actionSet(statements(Template.fromStack(stackWithProvider(props))));

  it('grants the same actions as the construct', () => {
    const unconditional = templateStatements().filter((s) => s.condition === undefined);
    assert.deepEqual(actionSet(unconditional.map((s) => s.statement)), constructActions({}));
  });

  // Each optional grant: the template's parameter (a condition guards it) and the construct's prop.
  const optional: [string, ClonedDistributionProviderProps][] = [
    ['HasLogBuckets', { logBuckets: everyGrant.logBuckets }],
    ['HasEdgeFunctions', { edgeFunctionArns: everyGrant.edgeFunctionArns }],
    ['HasVpcOrigins', { vpcOriginIds: everyGrant.vpcOriginIds }],
    ['HasWebAcls', { webAclArns: everyGrant.webAclArns }],
  ];
  for (const [condition, props] of optional) {
    it(`grants under ${condition} what the construct grants for ${Object.keys(props)[0]}`, () => {
      const granted = templateStatements().filter((s) => s.condition === condition).map((s) => s.statement);
      assert.ok(granted.length > 0, `a statement is granted under ${condition}`);
      const extra = constructActions(props).filter((a) => !constructActions({}).includes(a));
      assert.deepEqual(actionSet(granted), extra);
    });
  }

  it('grants under HasAutomaticSync what the construct grants for autoSync, with a rule and its permission', () => {
    const granted = templateStatements().filter((s) => s.condition === 'HasAutomaticSync').map((s) => s.statement);
    const synced = newStack(newApp(), 'Synced', 'us-east-1');
    new ClonedDistribution(synced, 'Shop', { ...shop, autoSync: true });
    const extra = actionSet(statements(Template.fromStack(synced))).filter((a) => !constructActions({}).includes(a));
    assert.deepEqual(actionSet(granted), extra);
    const template = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'provider.yaml'), 'utf8');
    for (const resource of ['SyncRule:', 'SyncRulePermission:', 'AutomaticSyncOnlyInUsEast1:']) {
      assert.ok(template.includes(resource), `provider.yaml has ${resource}`);
    }
  });

  it('grants under ServesRestApi what ClonesApi grants, the changes only on clones tagged with the function ARN', () => {
    const granted = templateStatements().filter((s) => s.condition === 'ServesRestApi').map((s) => s.statement);
    const stack = stackWithProvider({});
    new ClonesApi(stack, 'Api', { domainPrefix: 'shop-cfclone' });
    const apiStatements = statements(Template.fromStack(stack));
    const bySid = (list: Statement[]) => new Map(list.map((s) => [s.Sid, actionsOf(s).sort()]));
    const apiSids = new Set(['ApiListDistributions', 'ApiPlanAliases', 'ChangeApiClones', 'UntagApiClones']);
    assert.deepEqual(
      [...bySid(granted)].sort(),
      [...bySid(apiStatements)].filter(([sid]) => apiSids.has(sid ?? '')).sort(),
    );
    const owned = { 'aws:ResourceTag/cfclone:stack-id': { 'Fn::GetAtt': 'Function.Arn' } };
    assert.deepEqual(granted.find((s) => s.Sid === 'ChangeApiClones')?.Condition, { StringEquals: owned });
    assert.deepEqual(granted.find((s) => s.Sid === 'UntagApiClones')?.Condition, {
      StringEquals: owned,
      'ForAllValues:StringNotLike': { 'aws:TagKeys': 'cfclone:*' },
    });
  });

  /** The actions a clone with `certificateValidation` adds, with and without a hosted zone. */
  function certificateActions(withZone: boolean): string[] {
    const stack = stackWithProvider({});
    const hostedZones = withZone
      ? [route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' })]
      : [];
    new ClonedDistribution(stack, 'Requesting', {
      ...shop,
      aliases: ['new.example.com'],
      certificateValidation: { hostedZones },
    });
    return actionSet(statements(Template.fromStack(stack))).filter((a) => !constructActions({}).includes(a));
  }

  it('grants under RequestsCertificates and HasValidationZones what a clone with certificateValidation adds', () => {
    // Beyond what the provider has anyway (SSM actions, on other parameters).
    const under = (condition: string) =>
      actionSet(templateStatements().filter((s) => s.condition === condition).map((s) => s.statement)).filter(
        (a) => !constructActions({}).includes(a),
      );
    assert.deepEqual(under('RequestsCertificates'), certificateActions(false));
    assert.deepEqual(
      [...under('RequestsCertificates'), ...under('HasValidationZones')].sort(),
      certificateActions(true),
    );
    const all = templateStatements().map((s) => s.statement);
    const records = all.find((s) => actionsOf(s).includes('route53:ChangeResourceRecordSets'));
    assert.deepEqual(records?.Condition, {
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsRecordTypes': 'CNAME',
        'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
      },
      'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': '_*' },
    });
    const request = all.find((s) => actionsOf(s).includes('acm:RequestCertificate'));
    assert.deepEqual(request?.Condition, { StringEquals: { 'acm:ValidationMethod': 'DNS' } });
  });

  it('grants nothing else under a condition', () => {
    const conditions = new Set(templateStatements().flatMap((s) => (s.condition === undefined ? [] : [s.condition])));
    assert.deepEqual(
      [...conditions].sort(),
      [...optional.map(([c]) => c), 'HasAutomaticSync', 'RequestsCertificates', 'HasValidationZones', 'ServesRestApi'].sort(),
    );
  });

  it('removes tags only from owned clones and never an ownership tag, and invokes its function and its qualified ARNs', () => {
    const all = templateStatements().map((s) => s.statement);
    const untag = all.find((s) => actionsOf(s).includes('cloudfront:UntagResource'));
    assert.ok(untag);
    assert.deepEqual(untag.Condition, {
      StringLike: {
        'aws:ResourceTag/cfclone:stack-id': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*' },
      },
      'ForAllValues:StringNotLike': { 'aws:TagKeys': 'cfclone:*' },
    });
    const invoke = all.find((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    assert.deepEqual(invoke?.Resource, [{ 'Fn::GetAtt': 'Function.Arn' }, { 'Fn::Sub': '${Function.Arn}:*' }]);
  });
});
