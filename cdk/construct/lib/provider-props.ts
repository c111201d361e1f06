// The props of ClonedDistributionProvider: the Lambda's code and settings, and the grants
// for what the references use (reference-grants.ts).
import type { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/** Properties of the provider (they apply when `getOrCreate` first creates it). */
export interface ClonedDistributionProviderProps {
  /**
   * The Lambda code: a zip whose `bootstrap` is the `cfclone-provider` binary.
   *
   * @default - the arm64 zip the package carries (`assets/bootstrap.zip`), or the file named by
   *   the environment variable `CFCLONE_PROVIDER_ZIP` / the context value `cfclone:providerZip`;
   *   with `architecture: X86_64`, give `code` (the package carries no x86_64 build).
   */
  readonly code?: lambda.Code;

  /**
   * Instruction set of the binary in `code`.
   *
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Memory of the Lambda, in MiB. The Rust binary needs little (a few tens of MiB measured
   * on one Create); 256 leaves headroom and buys CPU for TLS set-up. Revisit after
   * measuring in the account (`Max Memory Used` in the REPORT log lines).
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Lambda timeout. CloudFront takes minutes to deploy; the provider hands a long wait on to
   * a fresh invocation of itself shortly before this deadline.
   *
   * @default Duration.minutes(15) (Lambda's maximum)
   */
  readonly timeout?: Duration;

  /**
   * How long the provider's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * SSM path prefixes (like `/cfclone`) the provider may write under for every clone, granted
   * up front. A clone whose `ssmParameterPrefix` lies under one of them gets no grant of its
   * own; any other prefix is granted per clone. Grant a stable parent here if you plan to
   * rename clones' prefixes: a per-clone grant moves with the prefix before the update runs,
   * so the provider could not remove the parameters under the old prefix.
   *
   * @default - none: each clone's own prefix is granted
   */
  readonly ssmParameterPrefixes?: string[];

  /**
   * Extra environment variables of the Lambda (for example `RUST_LOG`).
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * The S3 buckets the references log to (standard logging, `Logging.Bucket` in the
   * reference's configuration): a bucket, or its name (`my-logs`, or `my-logs.s3.amazonaws.com`
   * as `Logging.Bucket` spells it). On CreateDistribution and UpdateDistribution with standard
   * logging, CloudFront checks that the caller may read and change the bucket's ACL, so the
   * provider gets `s3:GetBucketAcl` and `s3:PutBucketAcl` on these buckets (CloudFront Developer
   * Guide, "Permissions required to configure standard logging and to access your log files",
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html; the
   * bucket's ACL must also grant the account FULL_CONTROL).
   *
   * @default - none: cloning a reference that logs to S3 fails with AccessDenied
   */
  readonly logBuckets?: (s3.IBucket | string)[];

  /**
   * The Lambda@Edge functions the references' cache behaviours invoke, as function ARNs in
   * us-east-1, with or without the version (`arn:aws:lambda:us-east-1:ACCOUNT:function:NAME`).
   * CloudFront checks that the caller may use each associated version: the provider gets
   * `lambda:GetFunction`, `lambda:EnableReplication*` and `lambda:DisableReplication*` on the
   * function and its versions (`NAME` and `NAME:*`), and `iam:CreateServiceLinkedRole` for
   * the two Lambda@Edge service-linked roles, which CloudFront creates the first time they are
   * missing (CloudFront Developer Guide, "Set up IAM permissions and roles for Lambda@Edge",
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-permissions.html).
   *
   * @default - none: cloning a reference with Lambda@Edge associations fails with AccessDenied
   */
  readonly edgeFunctionArns?: string[];

  /**
   * The CloudFront VPC origins the references use (their ids). CreateDistribution and
   * UpdateDistribution list `cloudfront:GetVpcOrigin` as a dependent action (Service
   * Authorization Reference, Amazon CloudFront, resource type `vpcorigin`,
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html);
   * the provider gets it on `arn:PARTITION:cloudfront::ACCOUNT:vpcorigin/ID` for each id.
   *
   * @default - none: cloning a reference with a VPC origin fails with AccessDenied
   */
  readonly vpcOriginIds?: string[];

  /**
   * The AWS WAF (v2) web ACLs the references or the clones' `webAclId` use, as ARNs
   * (`arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID`). CloudFront verifies that the
   * caller may read the web ACL it associates (`InvalidWebACLId: Unable to verify read
   * permissions on Web ACL` otherwise); the provider gets `wafv2:GetWebACL` on them.
   *
   * @default - none
   */
  readonly webAclArns?: string[];
}
