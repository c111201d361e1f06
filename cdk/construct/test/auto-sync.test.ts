// Automatic sync: one EventBridge rule per reference, us-east-1 only, off by default.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClonedDistribution } from '../lib/cloned-distribution';
import { newApp, newStack } from './helpers';
import { shop, statements, actionsOf } from './provider-helpers';

describe('automatic sync', () => {
  it('adds one rule per reference on its successful UpdateDistribution, and lists clones of this stack only', () => {
    const app = newApp();
    const stack = newStack(app, 'Synced', 'us-east-1');
    new ClonedDistribution(stack, 'Shop', { ...shop, autoSync: true });
    new ClonedDistribution(stack, 'Blog', { ...shop, aliases: ['blog.example.com'], autoSync: true });
    new ClonedDistribution(stack, 'Docs', { ...shop, referenceDistributionId: 'EOTHERREF12345', aliases: ['docs.example.com'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 1);
    const [function_] = Object.keys(template.findResources('AWS::Lambda::Function'));
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudfront'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cloudfront.amazonaws.com'],
          eventName: [{ prefix: 'UpdateDistribution' }],
          errorCode: [{ exists: false }],
          requestParameters: { id: ['EREFERENCE12345'] },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [function_, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [function_, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { CFCLONE_SYNC_STACKS: { Ref: 'AWS::StackId' } } },
    });
    // The clones are found through cfclone's index (the records), not the account's list.
    assert.equal(statements(template).filter((s) => actionsOf(s).includes('cloudfront:ListDistributions')).length, 0);
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    assert.deepEqual(report.violations.map((v) => v.ruleName), []);
  });

  it('is refused outside us-east-1, naming the way out', () => {
    const stack = newStack();
    assert.throws(
      () => new ClonedDistribution(stack, 'Shop', { ...shop, autoSync: true }),
      /automatic sync needs the stack in us-east-1.*eu-west-1.*cfclone sync --reference EREFERENCE12345/s,
    );
  });

  it('is off by default: no rule, no ListDistributions', () => {
    const stack = newStack(newApp(), 'Plain', 'us-east-1');
    new ClonedDistribution(stack, 'Shop', shop);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    assert.equal(statements(template).filter((s) => actionsOf(s).includes('cloudfront:ListDistributions')).length, 0);
  });
});
