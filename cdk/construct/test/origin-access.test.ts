// ClonedDistribution.grantOriginAccess: the bucket and key policy statements for a clone of a
// reference behind origin access control, and what it refuses.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { newApp, newStack, shop } from './helpers';

describe('ClonedDistribution.grantOriginAccess (origin access control)', () => {
  const cloudfrontReads = (clone: ClonedDistribution, stack: Stack, resource: unknown) => ({
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
    Resource: resource,
    Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::GetAtt': [stack.getLogicalId(clone.resource.node.defaultChild as never), 'Arn'] } } },
  });
  const objectsOf = (stack: Stack, bucket: s3.Bucket, pattern = '/*') => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [stack.getLogicalId(bucket.node.defaultChild as never), 'Arn'] }, pattern]],
  });

  it("adds CloudFront's statement to the bucket policy: s3:GetObject for cloudfront.amazonaws.com where AWS:SourceArn is the clone's Arn", () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Assets');
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    const grant = clone.grantOriginAccess(bucket);
    assert.equal(grant.keyPolicyStatement, undefined);
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: stack.getLogicalId(bucket.node.defaultChild as never) },
      PolicyDocument: { Statement: Match.arrayWith([cloudfrontReads(clone, stack, objectsOf(stack, bucket))]) },
    });
  });

  it('grants each clone on its own, and only the objects under a key prefix when asked', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Assets');
    const one = new ClonedDistribution(stack, 'One', shop);
    const two = new ClonedDistribution(stack, 'Two', { ...shop, aliases: ['two.example.com'], ssmParameterPrefix: '/cfclone/two' });
    one.grantOriginAccess(bucket);
    two.grantOriginAccess(bucket, { keyPrefix: 'two/' });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          cloudfrontReads(one, stack, objectsOf(stack, bucket)),
          cloudfrontReads(two, stack, objectsOf(stack, bucket, '/two/*')),
        ]),
      },
    });
  });

  it('works for a bucket in another stack of the same account and region', () => {
    const app = newApp();
    const stack = newStack(app);
    const assets = new Stack(app, 'Assets', { env: { account: '123456789012', region: 'eu-west-1' } });
    const bucket = new s3.Bucket(assets, 'Assets');
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    clone.grantOriginAccess(bucket);
    const [policy] = Object.values(Template.fromStack(assets).findResources('AWS::S3::BucketPolicy'));
    const [statement] = policy.Properties.PolicyDocument.Statement;
    assert.equal(statement.Principal.Service, 'cloudfront.amazonaws.com');
    // The clone's Arn, read from the clones' stack (a cross-stack reference the CDK writes).
    assert.match(JSON.stringify(statement.Condition.StringEquals['AWS:SourceArn']), /"StackName":"Clones".*Shop.*Arn/);
    assert.ok(assets.dependencies.includes(stack), "the bucket's stack deploys after the clone's");
  });

  it('with SSE-KMS, adds kms:Decrypt for the clone to the key policy', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Assets', { encryption: s3.BucketEncryption.KMS });
    const clone = new ClonedDistribution(stack, 'Shop', { ...shop, originDomainName: 'assets-bucket.s3.eu-west-1.amazonaws.com' });
    const grant = clone.grantOriginAccess(bucket, { encryptionKey: bucket.encryptionKey });
    assert.ok(grant.keyPolicyStatement);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::GetAtt': [stack.getLogicalId(clone.resource.node.defaultChild as never), 'Arn'] } } },
          },
        ]),
      },
    });
  });

  it('refuses a key policy that would make a dependency cycle through the clone\'s origin', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Assets', { encryption: s3.BucketEncryption.KMS });
    const clone = new ClonedDistribution(stack, 'Shop', { ...shop, originDomainName: bucket.bucketRegionalDomainName });
    clone.grantOriginAccess(bucket); // the bucket policy alone is no cycle
    assert.throws(() => clone.grantOriginAccess(bucket, { encryptionKey: bucket.encryptionKey }), /dependency cycle\. Write the origin domain name as a literal/);
  });

  it('refuses an imported bucket or key, saying what to add by hand', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    assert.throws(
      () => clone.grantOriginAccess(s3.Bucket.fromBucketName(stack, 'Imported', 'imported-assets')),
      /the bucket .*Imported is imported, so its policy cannot be changed here; add the statement yourself \(s3:GetObject/,
    );
    const key = kms.Key.fromKeyArn(stack, 'ImportedKey', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    assert.throws(
      () => clone.grantOriginAccess(new s3.Bucket(stack, 'Assets'), { encryptionKey: key }),
      /the key .*ImportedKey is imported, so its policy cannot be changed here; add the statement yourself \(kms:Decrypt/,
    );
  });

  it('refuses a key prefix that starts with a slash', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    assert.throws(() => clone.grantOriginAccess(new s3.Bucket(stack, 'Assets'), { keyPrefix: '/assets/' }), /keyPrefix "\/assets\/" must not start with "\/"/);
  });
});
