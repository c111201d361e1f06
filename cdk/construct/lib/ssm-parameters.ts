// A clone's SSM parameters: their names, the lookup from another stack, and the provider's
// grant to write them (provider-wide for `ssmParameterPrefixes`, else a policy per clone).
import { Aws, type CustomResource, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { CfcloneError } from './errors';
import { nagRendering } from './nag';
import type { ClonedDistributionProvider } from './provider';
import { SSM_PARAMETER_NAMES, type SsmParameterName } from './schema';

/** The full name of one SSM parameter under `prefix`; `name` is one of `SSM_PARAMETER_NAMES`. */
export function ssmParameterName(prefix: string, name: string): string {
  if (!(SSM_PARAMETER_NAMES as readonly string[]).includes(name)) {
    throw new CfcloneError(`cfclone: ${JSON.stringify(name)} is not a parameter a clone writes; use one of ${SSM_PARAMETER_NAMES.join(', ')}`);
  }
  return `${prefix}/${name}`;
}

/** A clone read back from its SSM parameters (`ClonedDistribution.fromSsmParameters`). */
export function distributionFromSsmParameters(scope: Construct, id: string, ssmParameterPrefix: string): cloudfront.IDistribution {
  const read = (name: SsmParameterName) =>
    ssm.StringParameter.valueForStringParameter(scope, ssmParameterName(ssmParameterPrefix, name));
  return cloudfront.Distribution.fromDistributionAttributes(scope, id, {
    distributionId: read('distribution-id'),
    domainName: read('domain-name'),
  });
}

/** SSM permissions under one prefix, in every region (SsmRegions may name any). */
export function ssmStatement(prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'SsmParametersUnderPrefix',
    actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'],
    resources: [`arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:parameter${prefix}/*`],
  });
}

/**
 * Lets the provider write `clone`'s parameters under `prefix` unless a provider-wide prefix
 * covers it. A policy per clone: created before the clone, deleted after it, so the provider
 * can still remove the parameters when the clone leaves the stack.
 */
export function grantSsmPrefix(clone: Construct, provider: ClonedDistributionProvider, resource: CustomResource, prefix: string): void {
  if (provider.coversSsmPrefix(prefix)) return;
  const policy = new iam.Policy(clone, 'SsmPolicy', {
    roles: [provider.role],
    statements: [ssmStatement(prefix)],
  });
  resource.node.addDependency(policy);
  const prefixAsNagSees = nagRendering(Stack.of(clone).resolve(prefix));
  if (prefixAsNagSees !== undefined) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:parameter${prefixAsNagSees}/*]`,
      reason:
        'the clone writes four parameters under its own prefix, in every region of SsmRegions; ' +
        'nothing outside the prefix is granted',
    });
  }
}
