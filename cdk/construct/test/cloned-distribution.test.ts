// ClonedDistribution: what it writes into the template, its attributes, its one provider per
// stack, tokens left to the provider.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CfnOutput, CfnParameter, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeletionMode } from '../lib/clone-options';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { ClonedDistributionProvider } from '../lib/provider';
import { RESOURCE_TYPE } from '../lib/schema';
import { newApp, newStack, shop } from './helpers';

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
