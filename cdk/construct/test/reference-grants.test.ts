// The provider's grants for what references use: log buckets, Lambda@Edge, VPC origins, WAF;
// the values it refuses; cdk-nag with every grant.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { ClonedDistributionProvider } from '../lib/provider';
import type { ClonedDistributionProviderProps } from '../lib/provider-props';
import { newApp, newStack, testCode } from './helpers';
import { shop, join, PARTITION, ACCOUNT, EDGE_AUTH, EDGE_HEADERS, WEB_ACL, everyGrant, stackWithProvider, statements, actionsOf, assertSameItems, statementGranting } from './provider-helpers';

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
