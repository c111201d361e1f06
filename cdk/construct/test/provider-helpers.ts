// Shared by the provider's tests: a clone's props (no origin: the provider's own), the provider
// with every optional grant, and reading IAM statements out of a template.
import * as assert from 'node:assert/strict';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { ClonedDistributionProvider } from '../lib/provider';
import type { ClonedDistributionProviderProps } from '../lib/provider-props';
import { newApp, testCode } from './helpers';

export const shop = {
  referenceDistributionId: 'EREFERENCE12345',
  aliases: ['shop.example.com'],
  ssmParameterPrefix: '/cfclone/shop',
};

export const DISTRIBUTIONS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']],
};
export const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
export const PARTITION = { Ref: 'AWS::Partition' };
export const ACCOUNT = { Ref: 'AWS::AccountId' };

/** Every optional grant of the provider, with the values the tests look for. */
export const EDGE_AUTH = 'arn:aws:lambda:us-east-1:123456789012:function:edge-auth';
export const EDGE_HEADERS = 'arn:aws:lambda:us-east-1:123456789012:function:edge-headers';
export const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/0123abcd-0000-1111-2222-333344445555';
export const everyGrant: ClonedDistributionProviderProps = {
  logBuckets: ['shop-logs.s3.amazonaws.com', 'blog-logs'],
  edgeFunctionArns: [`${EDGE_AUTH}:7`, `${EDGE_AUTH}:8`, EDGE_HEADERS],
  vpcOriginIds: ['vo_0123456789abcdef'],
  webAclArns: [WEB_ACL],
};

/** A stack whose provider has `props` (and the test code). */
export function stackWithProvider(props: ClonedDistributionProviderProps, app = newApp()): Stack {
  const stack = new Stack(app, 'Granted', { env: { account: '123456789012', region: 'eu-west-1' } });
  ClonedDistributionProvider.getOrCreate(stack, { code: testCode(stack), ...props });
  new ClonedDistribution(stack, 'Shop', shop);
  return stack;
}

export const ssmUnder = (prefix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:*:', { Ref: 'AWS::AccountId' }, `:parameter${prefix}/*`]],
});

export type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

/** Every statement of every IAM policy in the stack. */
export function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

export const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Equal as sets: the CDK sorts the resources of a statement it minimizes. */
export function assertSameItems(actual: unknown, expected: unknown[]): void {
  assert.ok(Array.isArray(actual), `expected a list, got ${JSON.stringify(actual)}`);
  const sorted = (items: unknown[]) => items.map((i) => JSON.stringify(i)).sort();
  assert.deepEqual(sorted(actual), sorted(expected));
}

export function statementGranting(template: Template, action: string): Statement {
  const found = statements(template).filter((s) => actionsOf(s).includes(action));
  assert.equal(found.length, 1, `exactly one statement grants ${action}`);
  return found[0];
}
