// The provider's optional grants for what the references use: the buckets they log to,
// their Lambda@Edge functions, VPC origins and WAF web ACLs. One statement per sid, to which
// later grants add their resources.
import { Aws, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ClonedDistributionProviderPropsError } from './errors';
import { nagRendering } from './nag';

/** The service-linked roles Lambda@Edge uses; CloudFront creates them when they are missing. */
export const EDGE_SERVICE_LINKED_ROLES = [
  { service: 'replicator.lambda.amazonaws.com', role: 'AWSServiceRoleForLambdaReplicator' },
  { service: 'logger.cloudfront.amazonaws.com', role: 'AWSServiceRoleForCloudFrontLogger' },
] as const;

/** The grants of one provider (`provider` is where its acknowledgements and errors point). */
export class ReferenceGrants {
  /** The statements by sid: later grants add their resources to them. */
  private readonly statements = new Map<string, iam.PolicyStatement>();

  constructor(
    private readonly provider: Construct,
    private readonly role: iam.IRole,
  ) {}

  /** `s3:GetBucketAcl` and `s3:PutBucketAcl` on the buckets (`logBuckets`). */
  logBuckets(buckets: (s3.IBucket | string)[]): void {
    if (buckets.length === 0) return;
    this.statement('StandardLoggingBucketAcls', ['s3:GetBucketAcl', 's3:PutBucketAcl']).addResources(
      ...buckets.map((bucket) => (typeof bucket === 'string' ? logBucketArn(bucket, this.provider.node.path) : bucket.bucketArn)),
    );
  }

  /** Replication of the functions and their versions, and Lambda@Edge's roles (`edgeFunctionArns`). */
  edgeFunctions(functionArns: string[]): void {
    if (functionArns.length === 0) return;
    // Two versions of one function are one function here.
    const functions = [...new Set(functionArns.map((arn) => unqualifiedEdgeFunctionArn(arn, this.provider.node.path)))];
    const resources = functions.flatMap((unqualified) => [unqualified, `${unqualified}:*`]);
    this.statement('EdgeFunctionReplication', [
      'lambda:GetFunction',
      'lambda:EnableReplication*',
      'lambda:DisableReplication*',
    ]).addResources(...resources);
    if (!this.statements.has('EdgeServiceLinkedRoles')) {
      this.statement('EdgeServiceLinkedRoles', ['iam:CreateServiceLinkedRole'], {
        StringEquals: { 'iam:AWSServiceName': EDGE_SERVICE_LINKED_ROLES.map((r) => r.service) },
      }).addResources(
        ...EDGE_SERVICE_LINKED_ROLES.map(
          (r) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${r.service}/${r.role}`,
        ),
      );
    }
    const stack = Stack.of(this.provider);
    Validations.of(this.provider).acknowledge(
      ...['lambda:EnableReplication*', 'lambda:DisableReplication*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'CloudFront requires the trailing asterisk on this action (Developer Guide, "Set up IAM permissions ' +
          'and roles for Lambda@Edge"); scoped to the listed edge functions',
      })),
      ...resources
        .filter((_, i) => i % 2 === 1)
        .flatMap((versions) => {
          const rendered = nagRendering(stack.resolve(versions));
          return rendered === undefined
            ? []
            : [
                {
                  id: `AwsSolutions-IAM5[Resource::${rendered}]`,
                  reason: "the reference's associations name function versions; scoped to this function's versions",
                },
              ];
        }),
    );
  }

  /** `cloudfront:GetVpcOrigin` on the VPC origins (`vpcOriginIds`). */
  vpcOrigins(vpcOriginIds: string[]): void {
    if (vpcOriginIds.length === 0) return;
    this.statement('ReadVpcOrigins', ['cloudfront:GetVpcOrigin']).addResources(
      ...vpcOriginIds.map((id) => {
        if (!Token.isUnresolved(id) && !/^[A-Za-z0-9_-]+$/.test(id)) {
          throw new ClonedDistributionProviderPropsError(
            'vpcOriginIds',
            `${JSON.stringify(id)} is not a VPC origin id (the Id of the reference's VpcOriginConfig)`,
            this.provider.node.path,
          );
        }
        return `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:vpcorigin/${id}`;
      }),
    );
  }

  /** `wafv2:GetWebACL` on the global web ACLs (`webAclArns`). */
  webAcls(webAclArns: string[]): void {
    if (webAclArns.length === 0) return;
    for (const arn of webAclArns) {
      if (!Token.isUnresolved(arn) && !/^arn:[a-z-]+:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[^/]+$/.test(arn)) {
        throw new ClonedDistributionProviderPropsError(
          'webAclArns',
          `${JSON.stringify(arn)} is not the ARN of a global (CloudFront) AWS WAF web ACL ` +
            '(arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)',
          this.provider.node.path,
        );
      }
    }
    this.statement('ReadWebAcls', ['wafv2:GetWebACL']).addResources(...webAclArns);
  }

  /** The role's statement with this sid, created on first use (one statement per sid). */
  private statement(sid: string, actions: string[], conditions?: Record<string, unknown>): iam.PolicyStatement {
    let statement = this.statements.get(sid);
    if (statement === undefined) {
      statement = new iam.PolicyStatement({ sid, actions, conditions });
      this.statements.set(sid, statement);
      this.role.addToPrincipalPolicy(statement);
    }
    return statement;
  }
}

/** `arn:…:s3:::NAME` for a bucket name, or for `NAME.s3.amazonaws.com` as `Logging.Bucket` spells it. */
function logBucketArn(bucket: string, constructPath: string): string {
  if (Token.isUnresolved(bucket)) return `arn:${Aws.PARTITION}:s3:::${bucket}`;
  const name = bucket.replace(/\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/, '');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
    throw new ClonedDistributionProviderPropsError(
      'logBuckets',
      `${JSON.stringify(bucket)} is not a bucket name (like my-logs, or my-logs.s3.amazonaws.com)`,
      constructPath,
    );
  }
  return `arn:${Aws.PARTITION}:s3:::${name}`;
}

/** The function's ARN without a version or alias; Lambda@Edge functions live in us-east-1. */
function unqualifiedEdgeFunctionArn(arn: string, constructPath: string): string {
  if (Token.isUnresolved(arn)) return arn;
  const parts = arn.split(':');
  if (parts.length < 7 || parts.length > 8 || parts[0] !== 'arn' || parts[2] !== 'lambda' || parts[5] !== 'function') {
    throw new ClonedDistributionProviderPropsError(
      'edgeFunctionArns',
      `${JSON.stringify(arn)} is not a Lambda function ARN (arn:aws:lambda:us-east-1:ACCOUNT:function:NAME)`,
      constructPath,
    );
  }
  if (parts[3] !== 'us-east-1') {
    throw new ClonedDistributionProviderPropsError(
      'edgeFunctionArns',
      `${JSON.stringify(arn)} is in ${parts[3]}; Lambda@Edge functions are in us-east-1`,
      constructPath,
    );
  }
  return parts.slice(0, 7).join(':');
}
