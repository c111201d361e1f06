// The names shared with the Rust provider: lib/schema.ts must say what
// schema/cloned-distribution.json says (the provider's tests check the same file), and the
// construct must write every property and read every attribute it names, and no other.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Duration, RemovalPolicy, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DeletionMode } from '../lib/clone-options';
import { ClonedDistribution } from '../lib/cloned-distribution';
import type { ClonedDistributionProps } from '../lib/cloned-distribution-props';
import { cloneProperties } from '../lib/properties';
import { ClonedDistributionProvider } from '../lib/provider';
import {
  ATTRIBUTE_NAMES,
  CUSTOM_RESOURCE_PROPERTY_NAMES,
  PROPERTY_NAMES,
  RESOURCE_TYPE,
  SSM_PARAMETER_NAMES,
} from '../lib/schema';
import { REPO_ROOT, newStack } from './helpers';

const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schema', 'cloned-distribution.json'), 'utf8'));

describe('the shared schema', () => {
  it('has the same resource type', () => {
    assert.equal(RESOURCE_TYPE, schema.resourceType);
  });
  it('has the same property names, in the same order', () => {
    assert.deepEqual([...PROPERTY_NAMES], schema.properties);
  });
  it('has the same attribute names', () => {
    assert.deepEqual([...ATTRIBUTE_NAMES], schema.attributes);
  });
  it('has the same SSM parameter names', () => {
    assert.deepEqual([...SSM_PARAMETER_NAMES], schema.ssmParameters);
  });

  it('is what the construct writes when every prop is set', () => {
    const stack = newStack();
    new ClonedDistribution(stack, 'Everything', {
      referenceDistributionId: 'E2QWRUHAPOMQZL',
      aliases: ['shop.example.com'],
      originDomainName: 'shop-origin.example.com',
      originPath: '/prod',
      origins: [{ id: 'assets', domainName: 'assets.example.com', originPath: '' }],
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      comment: 'shop',
      enabled: true,
      priceClass: 'PriceClass_100',
      webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/abc',
      loggingPrefix: 'logs/shop/',
      tags: { team: 'shop' },
      ssmParameterPrefix: '/cfclone/shop',
      ssmRegions: ['eu-west-1'],
      waitForDeployment: false,
      referenceRevision: '1',
      deletionMode: DeletionMode.DISABLE,
    });
    // certificateValidation goes without certificateArn: a second clone writes it.
    new ClonedDistribution(stack, 'Requesting', {
      referenceDistributionId: 'E2QWRUHAPOMQZL',
      aliases: ['new.example.com'],
      certificateValidation: {
        hostedZones: [route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123', zoneName: 'example.com' })],
      },
    });
    const resources = Template.fromStack(stack).findResources(RESOURCE_TYPE);
    const written = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r.Properties)))].sort();
    assert.deepEqual(written, [...schema.properties].sort());
  });

  it("is what the props map to, every property but the custom resource's own, in the schema's order", () => {
    const stack = newStack();
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123', zoneName: 'example.com' });
    // Required: a prop added to ClonedDistributionProps does not compile here until it is set.
    // The mapping is pure, so props the validation would not let together may meet here.
    const every: Required<ClonedDistributionProps> = {
      referenceDistributionId: 'E2QWRUHAPOMQZL',
      aliases: ['shop.example.com'],
      originDomainName: 'shop-origin.example.com',
      originPath: '/prod',
      origins: [{ id: 'assets' }],
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      certificateValidation: { hostedZones: [zone] },
      comment: 'shop',
      enabled: false,
      priceClass: 'PriceClass_100',
      webAclId: '',
      loggingPrefix: 'logs/',
      tags: { team: 'shop' },
      ssmParameterPrefix: '/cfclone/shop',
      ssmRegions: ['eu-west-1'],
      waitForDeployment: false,
      referenceRevision: '1',
      deletionMode: DeletionMode.DELETE,
      // The construct's own: the custom resource's ServiceTimeout and ServiceToken, its
      // DeletionPolicy, the sync rule.
      serviceTimeout: Duration.hours(1),
      provider: ClonedDistributionProvider.getOrCreate(stack),
      removalPolicy: RemovalPolicy.DESTROY,
      autoSync: false,
    };
    const own: readonly string[] = CUSTOM_RESOURCE_PROPERTY_NAMES;
    assert.deepEqual(
      Object.keys(cloneProperties(every)),
      schema.properties.filter((name: string) => !own.includes(name)),
    );
    assert.deepEqual(
      own.filter((name) => !schema.properties.includes(name)),
      [],
      "the custom resource's own properties are in the schema",
    );
  });

  it('names every attribute of the schema among the construct\'s attributes, and no other', () => {
    const stack = newStack();
    const clone = new ClonedDistribution(stack, 'Shop', { referenceDistributionId: 'E2QWRUHAPOMQZL', aliases: [] });
    const logicalId = stack.getLogicalId(clone.resource.node.defaultChild as CfnResource);
    const read = new Set(
      Object.values(clone).flatMap((value) => {
        const getAtt = typeof value === 'string' ? (stack.resolve(value) as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] : undefined;
        return getAtt?.[0] === logicalId ? [getAtt[1]] : [];
      }),
    );
    assert.deepEqual([...read].sort(), [...schema.attributes].sort());
  });
});
