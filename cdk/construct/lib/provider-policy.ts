// The provider role's own statements: what every stack's provider may do (read
// distributions, create and tag clones, change and untag only its stack's, read its stack's
// status, find certificates, keep clone records), its self-invocation, the REST API's clones,
// and the cdk-nag acknowledgement of each wildcard left.
import { Aws, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { nagRendering } from './nag';
import { OWNER_STACK_TAG, RESERVED_TAG_PREFIX } from './schema';
import { ssmStatement } from './ssm-parameters';

/** Where every clone's record lies, in us-east-1 (the provider's `record::RECORD_PREFIX`). */
export const CLONE_RECORD_PREFIX = '/cfclone/records';

/** Every distribution of the account: clones get their ids only when created. */
const distributions = (): string => `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*`;

/**
 * The statements every provider's role has, in this order, `ssmParameterPrefixes` granted
 * among them.
 */
export function providerStatements(ssmParameterPrefixes: string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadDistributions',
      actions: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:ListTagsForResource'],
      resources: [distributions()],
    }),
    // CreateDistributionWithTags is authorised as CreateDistribution plus TagResource (IAM has
    // no action of its own for it). CreateDistribution has no resource-level permissions in
    // IAM's action table (the distribution has no ARN yet), so it takes "*"; it can only make
    // new distributions. TagResource names the new distribution.
    new iam.PolicyStatement({ sid: 'CreateClones', actions: ['cloudfront:CreateDistribution'], resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'TagClones', actions: ['cloudfront:TagResource'], resources: [distributions()] }),
    // Update removes the user tags that left the resource's Tags. Only on owned clones, and never
    // an ownership tag (cfclone:…): the provider keeps them, and IAM backs that up.
    new iam.PolicyStatement({
      sid: 'UntagOwnedClones',
      actions: ['cloudfront:UntagResource'],
      resources: [distributions()],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: Aws.STACK_ID },
        'ForAllValues:StringNotLike': { 'aws:TagKeys': [`${RESERVED_TAG_PREFIX}*`] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'ChangeOwnedClones',
      actions: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution'],
      resources: [distributions()],
      conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: Aws.STACK_ID } },
    }),
    // DeletionMode: Disable does not keep a clone whose creation the stack rolls back (as
    // RetainExceptOnCreate): a Delete reads its stack's status. DescribeStacks takes the stack
    // resource (Service Authorization Reference), here this stack only.
    new iam.PolicyStatement({
      sid: 'ReadOwnStack',
      actions: ['cloudformation:DescribeStacks'],
      resources: [`arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${Aws.STACK_NAME}/*`],
    }),
    new iam.PolicyStatement({ sid: 'ListCertificates', actions: ['acm:ListCertificates'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'DescribeCertificates',
      actions: ['acm:DescribeCertificate'],
      // CloudFront takes its certificates from us-east-1 only.
      resources: [`arn:${Aws.PARTITION}:acm:us-east-1:${Aws.ACCOUNT_ID}:certificate/*`],
    }),
    ...ssmParameterPrefixes.map(ssmStatement),
    // Every clone's record (what it was built from, read by `cfclone diff` and `sync`): one
    // parameter per clone under /cfclone/records in us-east-1, whatever the stack's region.
    new iam.PolicyStatement({
      sid: 'CloneRecords',
      actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'],
      resources: [`arn:${Aws.PARTITION}:ssm:us-east-1:${Aws.ACCOUNT_ID}:parameter${CLONE_RECORD_PREFIX}/*`],
    }),
    // cfclone's index of its clones (the automatic sync, GET /clones): the records read a
    // page at a time, GetParametersByPath, which is authorized on the path itself.
    new iam.PolicyStatement({
      sid: 'CloneIndex',
      actions: ['ssm:GetParametersByPath'],
      resources: [`arn:${Aws.PARTITION}:ssm:us-east-1:${Aws.ACCOUNT_ID}:parameter${CLONE_RECORD_PREFIX}`],
    }),
  ];
}

/**
 * Continuations: the function invokes itself asynchronously, through the ARN the event came
 * through: the function's, or a version's or an alias's (`ARN:QUALIFIER`), so that a hand-off
 * runs on the same code. This lives in a policy of its own, because the function depends on
 * its role's default policy and a statement naming the function's ARN there would make a
 * cycle. Clones depend on the whole provider, so they wait for this policy too.
 */
export function selfInvokePolicy(provider: Construct, role: iam.IRole, fn: lambda.IFunction): iam.Policy {
  return new iam.Policy(provider, 'SelfInvokePolicy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        sid: 'ContinueLongWaits',
        actions: ['lambda:InvokeFunction'],
        resources: [fn.functionArn, qualifiedArns(fn)],
      }),
    ],
  });
}

const qualifiedArns = (fn: lambda.IFunction): string => `${fn.functionArn}:*`;

/**
 * The statements that let the provider change and untag the REST API's clones: those whose
 * `cfclone:stack-id` is the function's unqualified ARN (see `grantApiClones`).
 */
export function apiClonesStatements(functionArn: string): iam.PolicyStatement[] {
  const owned = { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: functionArn };
  return [
    new iam.PolicyStatement({
      sid: 'ChangeApiClones',
      actions: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution'],
      resources: [distributions()],
      conditions: { StringEquals: owned },
    }),
    new iam.PolicyStatement({
      sid: 'UntagApiClones',
      actions: ['cloudfront:UntagResource'],
      resources: [distributions()],
      conditions: {
        StringEquals: owned,
        'ForAllValues:StringNotLike': { 'aws:TagKeys': [`${RESERVED_TAG_PREFIX}*`] },
      },
    }),
  ];
}

/** Acknowledges, for cdk-nag, each wildcard the provider's own statements leave, with its reason. */
export function acknowledgeProviderWildcards(provider: Construct, logGroup: logs.LogGroup, fn: lambda.IFunction): void {
  const stack = Stack.of(provider);
  const logGroupId = stack.getLogicalId(logGroup.node.defaultChild as CfnElement);
  Validations.of(provider).acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/*]`,
      reason:
        'clones get ids only when created, so no narrower resource exists; Update/Delete are restricted ' +
        `by the ${OWNER_STACK_TAG} tag condition, the rest reads or tags (new clones)`,
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'acm:ListCertificates, cloudfront:CreateDistribution and cloudfront:ListDistributions (the ' +
        'REST API only) support no resource-level permissions (CreateDistribution only creates new distributions)',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<AWS::StackName>/*]',
      reason: "the stack's own id ends in a UUID known only once the stack exists; read-only, this stack only",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:acm:us-east-1:<AWS::AccountId>:certificate/*]',
      reason: 'the certificate covering the aliases is found at run time; read-only, us-east-1 only',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:us-east-1:<AWS::AccountId>:parameter${CLONE_RECORD_PREFIX}/*]`,
      reason: 'one record per clone, named by the clone id known only once it exists; the path cfclone owns, us-east-1 only',
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
      reason: "Lambda names its log streams at run time; scoped to the provider's own log group",
    },
    {
      id: `AwsSolutions-IAM5[Resource::${nagRendering(stack.resolve(qualifiedArns(fn)))}]`,
      reason:
        'continuations invoke the version or alias the event came through, known only at run time; ' +
        "scoped to the provider's own function",
    },
  );
}
