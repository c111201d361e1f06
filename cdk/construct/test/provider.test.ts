// The provider: one Lambda per stack, least-privilege IAM (what the role may do, and nothing
// more), logs.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { ClonedDistributionProvider } from '../lib/provider';
import { newApp, newStack, testCode } from './helpers';
import { shop, DISTRIBUTIONS, join, ssmUnder, statements, actionsOf, statementGranting } from './provider-helpers';

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
    // The index: GetParametersByPath is authorized on the path itself, not on what lies under it.
    const index = statements(Template.fromStack(stack)).filter((s) => s.Sid === 'CloneIndex');
    assert.equal(index.length, 1);
    assert.deepEqual(actionsOf(index[0]), ['ssm:GetParametersByPath']);
    assert.deepEqual(index[0].Resource, {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':parameter/cfclone/records']],
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

    const ssm = statements(template).filter(
      (s) => s.Sid !== 'CloneRecords' && s.Sid !== 'CloneIndex' && actionsOf(s).some((a) => a.startsWith('ssm:')),
    );
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
