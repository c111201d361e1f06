// ClonedDistribution as a cloudfront.IDistribution: alias records, grants, the lookup from
// another region, the removal policy.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CfnOutput, CfnParameter, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { RESOURCE_TYPE } from '../lib/schema';
import { newApp, newStack, shop } from './helpers';

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
