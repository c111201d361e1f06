// ClonedDistribution: what it writes into the template, its attributes and its prop checks.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CfnResource, CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeletionMode } from '../lib/clone-options';
import { ClonedDistribution } from '../lib/cloned-distribution';
import type { ClonedDistributionProps } from '../lib/cloned-distribution-props';
import { ClonedDistributionProvider } from '../lib/provider';
import { RESOURCE_TYPE } from '../lib/schema';
import { newApp, newStack } from './helpers';

const shop: ClonedDistributionProps = {
  referenceDistributionId: 'EREFERENCE12345',
  aliases: ['shop.example.com'],
  originDomainName: 'shop-origin.example.com',
  ssmParameterPrefix: '/cfclone/shop',
};

describe('ClonedDistribution', () => {
  it('declares a Custom::ClonedDistribution served by the stack provider, with a one-hour ServiceTimeout', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    const functions = template.findResources('AWS::Lambda::Function');
    const [functionId] = Object.keys(functions);
    template.hasResourceProperties(RESOURCE_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [functionId, 'Arn'] },
      ServiceTimeout: '3600',
      ReferenceDistributionId: 'EREFERENCE12345',
      Aliases: ['shop.example.com'],
      OriginDomainName: 'shop-origin.example.com',
      SsmParameterPrefix: '/cfclone/shop',
    });
    template.hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  it('writes booleans, lists and objects the way CloudFormation hands them to the provider', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', {
      ...shop,
      enabled: false,
      waitForDeployment: true,
      origins: [
        { id: 'api', domainName: 'api.example.net', originPath: '/v2' },
        { id: 'assets', originPath: '' },
      ],
      tags: { team: 'shop', 'cost-centre': '42' },
      ssmRegions: ['eu-west-1', 'us-east-1'],
      deletionMode: DeletionMode.DISABLE,
    });
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      DeletionMode: 'Disable',
      Enabled: 'false',
      WaitForDeployment: 'true',
      Origins: [
        { Id: 'api', DomainName: 'api.example.net', OriginPath: '/v2' },
        { Id: 'assets', OriginPath: '' },
      ],
      Tags: [
        { Key: 'team', Value: 'shop' },
        { Key: 'cost-centre', Value: '42' },
      ],
      SsmRegions: ['eu-west-1', 'us-east-1'],
    });
  });

  it('leaves out the props that are not set, so the provider applies its defaults', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Bare', { referenceDistributionId: 'EREFERENCE12345', aliases: [] });
    const [resource] = Object.values(Template.fromStack(stack).findResources(RESOURCE_TYPE));
    assert.deepEqual(Object.keys(resource.Properties).sort(), [
      'Aliases',
      'ReferenceDistributionId',
      'ServiceTimeout',
      'ServiceToken',
    ]);
  });

  it('takes a shorter ServiceTimeout and a Retain removal policy', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', { ...shop, serviceTimeout: Duration.minutes(30), removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(RESOURCE_TYPE, { ServiceTimeout: '1800' });
    template.hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain' });
  });

  it('exposes typed attributes as Fn::GetAtt of the resource', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    new CfnOutput(stack, 'Id', { value: clone.distributionId });
    new CfnOutput(stack, 'Domain', { value: clone.domainName });
    new CfnOutput(stack, 'Arn', { value: clone.arn });
    new CfnOutput(stack, 'Certificate', { value: clone.certificateArn });
    new CfnOutput(stack, 'Reference', { value: clone.referenceDistributionId });
    const template = Template.fromStack(stack);
    const logicalId = stack.getLogicalId(clone.resource.node.defaultChild as never);
    for (const [output, attribute] of [
      ['Id', 'DistributionId'],
      ['Domain', 'DomainName'],
      ['Arn', 'Arn'],
      ['Certificate', 'CertificateArn'],
      ['Reference', 'ReferenceDistributionId'],
    ]) {
      template.hasOutput(output, { Value: { 'Fn::GetAtt': [logicalId, attribute] } });
    }
    assert.equal(clone.ssmParameterName('domain-name'), '/cfclone/shop/domain-name');
  });

  it('waits for the whole provider, its self-invoke policy included', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    const [selfInvoke] = Object.keys(
      template.findResources('AWS::IAM::Policy', {
        Properties: { PolicyDocument: { Statement: [Match.objectLike({ Action: 'lambda:InvokeFunction' })] } },
      }),
    );
    template.hasResource(RESOURCE_TYPE, { DependsOn: Match.arrayWith([selfInvoke]) });
  });

  it('shares one provider among all clones of a stack, and has one per stack', () => {
    const app = newApp();
    const a = newStack(app, 'A', 'eu-west-1');
    const b = newStack(app, 'B', 'us-east-1');
    const one = new ClonedDistribution(a, 'One', shop);
    const two = new ClonedDistribution(a, 'Two', { ...shop, aliases: ['two.example.com'], ssmParameterPrefix: '/cfclone/two' });
    const three = new ClonedDistribution(b, 'Three', shop);
    assert.equal(one.provider, two.provider);
    assert.notEqual(one.provider, three.provider);
    Template.fromStack(a).resourceCountIs('AWS::Lambda::Function', 1);
    Template.fromStack(b).resourceCountIs('AWS::Lambda::Function', 1);
  });

  it('refuses provider props once the provider exists, since they would be ignored', () => {
    const stack = newStack();
    assert.throws(() => ClonedDistributionProvider.getOrCreate(stack, { memorySize: 512 }), /already has its ClonedDistributionProvider/);
  });

  it('leaves tokens to the provider', () => {
    const stack = newStack();
    const reference = new CfnParameter(stack, 'Reference').valueAsString;
    const aliases = new CfnParameter(stack, 'Aliases', { type: 'CommaDelimitedList' }).valueAsList;
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    new ClonedDistribution(stack, 'Shop', { referenceDistributionId: reference, aliases, ssmParameterPrefix: prefix });
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      ReferenceDistributionId: { Ref: 'Reference' },
      Aliases: { Ref: 'Aliases' },
    });
  });
});

describe('ClonedDistribution as a cloudfront.IDistribution', () => {
  it('is the target of alias records, by its CloudFront domain name', () => {
    const stack = newStack();
    const clone: cloudfront.IDistribution = new ClonedDistribution(stack, 'Shop', shop);
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      zoneName: 'example.com',
    });
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(clone));
    new route53.ARecord(stack, 'A', { zone, recordName: 'shop', target });
    new route53.AaaaRecord(stack, 'Aaaa', { zone, recordName: 'shop', target });
    const template = Template.fromStack(stack);
    const logicalId = stack.getLogicalId((clone as ClonedDistribution).resource.node.defaultChild as never);
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'shop.example.com.',
        Type: type,
        HostedZoneId: 'Z0123456789ABCDEFGHIJ',
        AliasTarget: { DNSName: { 'Fn::GetAtt': [logicalId, 'DomainName'] }, HostedZoneId: Match.anyValue() },
      });
    }
  });

  it('adds an A and an AAAA alias record for every alias of the zone, and refuses one outside it', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', { ...shop, aliases: ['shop.example.com', '*.shop.example.com'] });
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      zoneName: 'example.com',
    });
    const records = clone.addAliasRecords(zone);
    assert.equal(records.length, 4);
    const template = Template.fromStack(stack);
    const logicalId = stack.getLogicalId(clone.resource.node.defaultChild as never);
    for (const name of ['shop.example.com.', '*.shop.example.com.']) {
      for (const type of ['A', 'AAAA']) {
        template.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: name,
          Type: type,
          AliasTarget: { DNSName: { 'Fn::GetAtt': [logicalId, 'DomainName'] }, HostedZoneId: Match.anyValue() },
        });
      }
    }
    const other = route53.HostedZone.fromHostedZoneAttributes(stack, 'Other', {
      hostedZoneId: 'Z9876543210ABCDEFGHIJ',
      zoneName: 'example.org',
    });
    assert.throws(() => clone.addAliasRecords(other), /shop\.example\.com is not in the hosted zone example\.org/);
    const tokens = new ClonedDistribution(stack, 'Tokens', {
      ...shop,
      aliases: new CfnParameter(stack, 'Aliases', { type: 'CommaDelimitedList' }).valueAsList,
    });
    assert.throws(() => tokens.addAliasRecords(zone), /are a token/);
  });

  it('grants invalidations and other actions on its own ARN only', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    clone.grantCreateInvalidation(deployer);
    clone.grant(deployer, 'cloudfront:GetInvalidation');
    const logicalId = stack.getLogicalId(clone.resource.node.defaultChild as never);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(deployer.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalId, 'Arn'] },
          },
        ],
      },
    });
    assert.equal(clone.distributionArn, clone.arn);
    assert.equal(clone.distributionDomainName, clone.domainName);
    assert.equal(clone.distributionRef.distributionId, clone.distributionId);
  });

  it('is read back in another region from its SSM parameters', () => {
    const app = newApp();
    const consumer = newStack(app, 'Consumer', 'us-west-2');
    const shopThere = ClonedDistribution.fromSsmParameters(consumer, 'Shop', '/cfclone/shop');
    const role = new iam.Role(consumer, 'Deployer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    shopThere.grantCreateInvalidation(role);
    new CfnOutput(consumer, 'ShopDomain', { value: shopThere.distributionDomainName });
    const template = Template.fromStack(consumer);
    const parameters = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
    const defaults = Object.values(parameters)
      .map((p) => p.Default as string)
      .filter((name) => name.startsWith('/cfclone/'))
      .sort();
    assert.deepEqual(defaults, ['/cfclone/shop/distribution-id', '/cfclone/shop/domain-name']);
    const [domainParameter] = Object.entries(parameters).find(([, p]) => p.Default === '/cfclone/shop/domain-name') ?? [];
    template.hasOutput('ShopDomain', { Value: { Ref: domainParameter } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: 'cloudfront:CreateInvalidation', Effect: 'Allow' })],
      },
    });
  });

  it('takes a removal policy like any resource', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', shop);
    clone.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

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

describe('ClonedDistribution certificateValidation', () => {
  function requesting(zoned: boolean) {
    const app = newApp();
    const stack = newStack(app);
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    const clone = new ClonedDistribution(stack, 'Shop', {
      ...shop,
      aliases: ['new.example.com'],
      certificateValidation: { hostedZones: zoned ? [zone] : [] },
    });
    return { app, stack, clone, template: Template.fromStack(stack) };
  }

  it('passes the zone ids and grants, in a policy of the clone, what requesting and removing its certificate needs', () => {
    const { template, stack } = requesting(true);
    template.hasResourceProperties(RESOURCE_TYPE, { CertificateValidation: { HostedZoneIds: ['Z0123456789ABCDEFGHIJ'] } });
    const policies = template.findResources('AWS::IAM::Policy');
    const [policyId, policy] = Object.entries(policies).find(([id]) => id.startsWith('ShopCertificatePolicy'))!;
    const statements = policy.Properties.PolicyDocument.Statement as { Sid: string; Action: unknown; Resource: unknown; Condition?: unknown }[];
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
    assert.deepEqual(bySid.RequestCertificates.Condition, { StringEquals: { 'acm:ValidationMethod': 'DNS' } });
    assert.deepEqual(bySid.DeleteOwnedCertificates.Condition, {
      StringEquals: { 'aws:ResourceTag/cfclone:stack-id': { Ref: 'AWS::StackId' } },
    });
    assert.equal(bySid.ValidationRecords.Resource, 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ');
    assert.deepEqual(bySid.CertificateLedgers.Resource, {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':parameter/cfclone/certificates/', { Ref: 'AWS::StackName' }, '/*']],
    });
    // The clone waits for its policy, so Delete can still remove the certificate.
    const clone = Object.values(template.findResources(RESOURCE_TYPE))[0] as { DependsOn?: string[] };
    assert.ok(clone.DependsOn?.includes(policyId), `${JSON.stringify(clone.DependsOn)}`);
    assert.ok(Stack.of(stack));
  });

  it('grants no Route 53 access for DNS hosted elsewhere', () => {
    const { template } = requesting(false);
    template.hasResourceProperties(RESOURCE_TYPE, { CertificateValidation: { HostedZoneIds: [] } });
    const text = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    assert.ok(!text.includes('route53:'), text);
    assert.ok(text.includes('acm:RequestCertificate'));
  });

  it('exposes the validation records attribute and leaves no cdk-nag finding', () => {
    const { app, stack, clone } = requesting(true);
    assert.deepEqual(stack.resolve(clone.certificateValidationRecords), {
      'Fn::GetAtt': [stack.getLogicalId(clone.resource.node.defaultChild as CfnResource), 'CertificateValidationRecords'],
    });
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    assert.deepEqual(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
  });
});

describe('ClonedDistribution prop validation', () => {
  const invalid: [string, Partial<ClonedDistributionProps>, RegExp][] = [
    ['an uppercase alias', { aliases: ['Shop.Example.com'] }, /^ClonedDistribution aliases: "Shop\.Example\.com" must be lowercase \(write "shop\.example\.com"\)/],
    ['an alias that is no domain name', { aliases: ['shop'] }, /^ClonedDistribution aliases: "shop" is not a valid domain name/],
    ['a duplicate alias', { aliases: ['a.example.com', 'a.example.com'] }, /^ClonedDistribution aliases: "a\.example\.com" appears twice/],
    ['101 aliases', { aliases: Array.from({ length: 101 }, (_, i) => `a${i}.example.com`) }, /^ClonedDistribution aliases: 101 aliases given; CloudFront allows at most 100/],
    ['a comment of 129 characters', { comment: 'x'.repeat(129) }, /^ClonedDistribution comment: is 129 characters long; CloudFront allows at most 128/],
    ['an unknown price class', { priceClass: 'PriceClass_300' }, /^ClonedDistribution priceClass: "PriceClass_300" is not a price class/],
    ['an SSM prefix without a leading slash', { ssmParameterPrefix: 'cfclone/shop' }, /^ClonedDistribution ssmParameterPrefix: "cfclone\/shop" must start with "\/"/],
    ['an SSM prefix with a trailing slash', { ssmParameterPrefix: '/cfclone/shop/' }, /^ClonedDistribution ssmParameterPrefix: "\/cfclone\/shop\/" must not end with "\/"/],
    ['an SSM prefix reserved by AWS', { ssmParameterPrefix: '/aws/shop' }, /^ClonedDistribution ssmParameterPrefix: .* reserved by AWS/],
    ['SSM regions without a prefix', { ssmParameterPrefix: undefined, ssmRegions: ['eu-west-1'] }, /^ClonedDistribution ssmRegions: is set but ssmParameterPrefix is not/],
    ['an SSM region that is no region', { ssmRegions: ['europe'] }, /^ClonedDistribution ssmRegions: "europe" is not a region name/],
    ['two overrides of one origin', { origins: [{ id: 'api' }, { id: 'api' }] }, /^ClonedDistribution origins: origin id "api" appears twice/],
    ['an origin path with a trailing slash', { originPath: '/prod/' }, /^ClonedDistribution originPath: "\/prod\/" must start with "\/" and not end with "\/"/],
    ['a certificate outside us-east-1', { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }, /^ClonedDistribution certificateArn: .* us-east-1 only/],
    ['a certificate without aliases', { aliases: [], certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }, /^ClonedDistribution certificateArn: is set but aliases is empty/],
    ['a reserved tag key', { tags: { 'cfclone:stack-id': 'x' } }, /^ClonedDistribution tags: "cfclone:stack-id": keys starting with cfclone: are reserved/],
    ['a logging prefix with a leading slash', { loggingPrefix: '/logs/' }, /^ClonedDistribution loggingPrefix: "\/logs\/" must not start with "\/"/],
    ['a reference id that is no distribution id', { referenceDistributionId: 'shop' }, /^ClonedDistribution referenceDistributionId: "shop" is not a CloudFront distribution id/],
    ['a requested certificate beside an explicit one', { certificateValidation: {}, certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }, /^ClonedDistribution certificateValidation: is set together with certificateArn/],
    ['a requested certificate without aliases', { aliases: [], certificateValidation: {} }, /^ClonedDistribution certificateValidation: is set but aliases is empty/],
    ['an unknown deletion mode', { deletionMode: 'retain' as DeletionMode }, /^ClonedDistribution deletionMode: "retain" is not a deletion mode/],
    ['a ServiceTimeout over an hour', { serviceTimeout: Duration.minutes(61) }, /^ClonedDistribution serviceTimeout: is 3660 seconds; CloudFormation accepts a whole number from 1 to 3600/],
  ];
  for (const [what, props, message] of invalid) {
    it(`refuses ${what}, naming the prop`, () => {
      const stack = newStack();
      assert.throws(() => new ClonedDistribution(stack, 'Shop', { ...shop, ...props }), {
        name: 'ClonedDistributionPropsError',
        message,
      });
    });
  }

  it('accepts a wildcard alias, an empty origin path and exactly 100 aliases', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Wildcard', { ...shop, aliases: ['*.shop.example.com'], originPath: '' });
    new ClonedDistribution(stack, 'Many', {
      ...shop,
      aliases: Array.from({ length: 100 }, (_, i) => `a${i}.example.com`),
      ssmParameterPrefix: '/cfclone/many',
    });
  });

  it('says where the construct is', () => {
    const stack = newStack();
    assert.throws(() => new ClonedDistribution(stack, 'Shop', { ...shop, comment: 'x'.repeat(200) }), /\(at Clones\/Shop\)$/);
  });

  it('needs no provider code to validate: bad props fail before the provider is made', () => {
    const app = newApp();
    const stack = new Stack(app, 'NoProvider');
    assert.throws(() => new ClonedDistribution(stack, 'Shop', { ...shop, aliases: ['UPPER.example.com'] }), /must be lowercase/);
    assert.equal(stack.node.tryFindChild(ClonedDistributionProvider.ID), undefined);
  });
});
