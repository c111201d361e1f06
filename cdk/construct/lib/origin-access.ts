// ClonedDistribution.grantOriginAccess: the bucket policy statement (and the key policy
// statement with SSE-KMS) that lets a clone read an origin behind origin access control.
import { type CfnElement, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { CfcloneError } from './errors';

/** Options of `ClonedDistribution.grantOriginAccess`. */
export interface OriginAccessOptions {
  /**
   * Only the objects under this key prefix (like `assets/`).
   *
   * @default - every object of the bucket
   */
  readonly keyPrefix?: string;

  /**
   * The KMS key the bucket's objects are encrypted with (SSE-KMS), usually `bucket.encryptionKey`.
   * Its key policy gets the statement CloudFront's documentation gives for origin access
   * control with SSE-KMS: `kms:Decrypt` for the service principal `cloudfront.amazonaws.com`
   * where `AWS:SourceArn` is the clone (read-only; the documentation adds `kms:Encrypt` and
   * `kms:GenerateDataKey*` for uploads through CloudFront). The key must be defined in this app
   * (an imported key's policy cannot be changed). The key policy then depends on the clone, so
   * the clone must not depend on the bucket or the key: give its origin's domain name as a
   * literal (`my-bucket.s3.eu-west-1.amazonaws.com`), not `bucket.bucketRegionalDomainName`.
   *
   * @default - no key policy statement (objects encrypted with SSE-S3 need none)
   */
  readonly encryptionKey?: kms.IKey;
}

/** What `ClonedDistribution.grantOriginAccess` added. */
export interface OriginAccessGrant {
  /** The statement added to the bucket's policy. */
  readonly bucketPolicyStatement: iam.PolicyStatement;
  /** The statement added to the key's policy, with `encryptionKey`. */
  readonly keyPolicyStatement?: iam.PolicyStatement;
}

/**
 * Adds the statements (see `ClonedDistribution.grantOriginAccess`) for `clone`, whose
 * resource has `properties`, or refuses, saying why.
 */
export function grantOriginAccess(
  clone: Construct & { readonly arn: string },
  properties: Record<string, unknown>,
  bucket: s3.IBucket,
  options: OriginAccessOptions,
): OriginAccessGrant {
  const { keyPrefix, encryptionKey } = options;
  const path = clone.node.path;
  if (keyPrefix !== undefined && !Token.isUnresolved(keyPrefix) && (keyPrefix.startsWith('/') || keyPrefix.includes('*'))) {
    throw new CfcloneError(
      `cfclone: ${path} grantOriginAccess: keyPrefix ${JSON.stringify(keyPrefix)} must not start with "/" ` +
        'nor contain "*" (object keys look like assets/…)',
    );
  }
  const onlyThisClone = { StringEquals: { 'AWS:SourceArn': clone.arn } };
  const bucketPolicyStatement = new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
    actions: ['s3:GetObject'],
    resources: [bucket.arnForObjects(`${keyPrefix ?? ''}*`)],
    conditions: onlyThisClone,
  });
  if (!bucket.addToResourcePolicy(bucketPolicyStatement).statementAdded) {
    throw new CfcloneError(
      `cfclone: ${path} grantOriginAccess: the bucket ${bucket.node.path} is imported, so its policy ` +
        'cannot be changed here; add the statement yourself (s3:GetObject on its objects for the service principal ' +
        "cloudfront.amazonaws.com where AWS:SourceArn is the clone's ARN; see docs/iam.md, Origin access control)",
    );
  }
  if (encryptionKey === undefined) return { bucketPolicyStatement };

  refuseDependencyOn(clone, properties, encryptionKey, 'the key');
  if (bucket.encryptionKey === encryptionKey) refuseDependencyOn(clone, properties, bucket, 'the bucket, which refers to the key,');
  const keyPolicyStatement = new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
    actions: ['kms:Decrypt'],
    resources: ['*'],
    conditions: onlyThisClone,
  });
  if (!encryptionKey.addToResourcePolicy(keyPolicyStatement).statementAdded) {
    throw new CfcloneError(
      `cfclone: ${path} grantOriginAccess: the key ${encryptionKey.node.path} is imported, so its policy ` +
        'cannot be changed here; add the statement yourself (kms:Decrypt for the service principal ' +
        "cloudfront.amazonaws.com where AWS:SourceArn is the clone's ARN; see docs/iam.md, Origin access control)",
    );
  }
  return { bucketPolicyStatement, keyPolicyStatement };
}

/**
 * A key policy naming the clone while the clone refers to the key or to the bucket it
 * encrypts would be a dependency cycle that only the deployment reports; say it at synth.
 */
function refuseDependencyOn(clone: Construct, properties: Record<string, unknown>, resource: kms.IKey | s3.IBucket, what: string): void {
  const stack = Stack.of(clone);
  const element = resource.node.defaultChild as CfnElement | undefined;
  if (element === undefined || Stack.of(resource) !== stack) return;
  const logicalId = stack.resolve(stack.getLogicalId(element));
  if (JSON.stringify(stack.resolve(properties)).includes(`"${logicalId}"`)) {
    throw new CfcloneError(
      `cfclone: ${clone.node.path} grantOriginAccess: the clone's properties refer to ${what}, and the key policy ` +
        'would refer to the clone: a dependency cycle. Write the origin domain name as a literal ' +
        '(like my-bucket.s3.eu-west-1.amazonaws.com) instead of bucket.bucketRegionalDomainName',
    );
  }
}
