// Automatic sync (`ClonedDistributionProvider.syncClonesOf`): an EventBridge rule per
// reference on CloudTrail's record of its UpdateDistribution, invoking the provider.
import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CfcloneError } from './errors';

/** One provider's sync rules, by reference (the rules are declared in `provider`). */
export class AutoSync {
  private readonly rules = new Map<string, events.Rule>();

  constructor(
    private readonly provider: Construct,
    private readonly fn: lambda.Function,
  ) {}

  /** The rule for `referenceDistributionId`, declared on first use; refused outside us-east-1. */
  ruleFor(referenceDistributionId: string): events.Rule {
    const stack = Stack.of(this.provider);
    if (!Token.isUnresolved(stack.region) && stack.region !== 'us-east-1') {
      throw new CfcloneError(
        `cfclone: ${this.provider.node.path}: automatic sync needs the stack in us-east-1, where CloudFront's ` +
          `CloudTrail events reach EventBridge; this stack is in ${stack.region}. Declare the clones ` +
          'in a us-east-1 stack, or sync from a pipeline instead: cfclone sync --reference ' +
          referenceDistributionId,
      );
    }
    const key = Token.isUnresolved(referenceDistributionId)
      ? stack.resolve(referenceDistributionId)
      : referenceDistributionId;
    const existing = this.rules.get(JSON.stringify(key));
    if (existing) return existing;
    if (this.rules.size === 0) this.enable();
    const rule = new events.Rule(this.provider, `SyncRule${this.rules.size + 1}`, {
      description: 'cfclone: sync the clones of a reference distribution after it is edited',
      eventPattern: {
        source: ['aws.cloudfront'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cloudfront.amazonaws.com'],
          eventName: events.Match.prefix('UpdateDistribution'),
          errorCode: events.Match.doesNotExist(),
          requestParameters: { id: [referenceDistributionId] },
        },
      },
    });
    rule.addTarget(new targets.LambdaFunction(this.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) }));
    this.rules.set(JSON.stringify(key), rule);
    return rule;
  }

  /**
   * What the first rule needs: the stack whose clones are synced. The clones are found
   * through cfclone's index (the records, which the provider's role reads already), not
   * by listing the account's distributions.
   */
  private enable(): void {
    // Only the clones of this stack: its role may change no others.
    this.fn.addEnvironment('CFCLONE_SYNC_STACKS', Aws.STACK_ID);
  }
}
