// ClonedDistribution's prop checks at synth: each literal value the provider would refuse,
// named with the prop and the construct's path.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Duration, Stack } from 'aws-cdk-lib';
import { DeletionMode } from '../lib/clone-options';
import { ClonedDistribution } from '../lib/cloned-distribution';
import type { ClonedDistributionProps } from '../lib/cloned-distribution-props';
import { ClonedDistributionProvider } from '../lib/provider';
import { newApp, newStack, shop } from './helpers';

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
