// ClonedDistribution certificateValidation: the zones passed to the provider and the clone's
// certificate policy.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { RESOURCE_TYPE } from '../lib/schema';
import { newApp, newStack, shop } from './helpers';

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
