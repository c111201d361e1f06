import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  ClonesApi,
  ClonedDistribution,
  type ClonedDistributionProps,
  ClonedDistributionProvider,
  type ClonedDistributionProviderProps,
} from 'cfclone-cdk';
import type { CloneConfig } from '../config';
import { STATIC_ORIGIN_ID } from './reference-api-stack';

export interface ClonesStackProps extends StackProps {
  /** The clones to declare. */
  readonly clones: CloneConfig[];
  /** Reference for clones that name none (the example reference distribution's id). */
  readonly defaultReferenceDistributionId?: string;
  /** Props of the stack's provider, made for this stack. @default - the built zip, arm64 */
  readonly provider?: (stack: Stack) => ClonedDistributionProviderProps;
  /** A role that may invalidate every clone (`grantCreateInvalidation`). @default - none */
  readonly deployRoleArn?: string;
  /** The REST API over the same provider, with this Cognito domain prefix. @default - none */
  readonly apiDomainPrefix?: string;
}

/** The clones, their provider (one per stack, in the stack's region) and their outputs. */
export class ClonesStack extends Stack {
  readonly clones: ClonedDistribution[];
  readonly api?: ClonesApi;

  constructor(scope: Construct, id: string, props: ClonesStackProps) {
    super(scope, id, props);
    const cloneProps = props.clones.map((clone): [string, ClonedDistributionProps] => {
      const referenceDistributionId = clone.referenceDistributionId ?? props.defaultReferenceDistributionId;
      if (referenceDistributionId === undefined) {
        throw new Error(`cfclone: clone ${clone.id} names no referenceDistributionId`);
      }
      const { id, serviceTimeoutSeconds, staticBucket, ...rest } = clone;
      const serviceTimeout = serviceTimeoutSeconds === undefined ? undefined : Duration.seconds(serviceTimeoutSeconds);
      return [id, { ...rest, referenceDistributionId, serviceTimeout }];
    });
    const staticBuckets = new Map(props.clones.filter((c) => c.staticBucket === true).map((c) => [c.id, this.staticBucket(c.id)]));
    // Mistakes in the clones first: they are reported even before the Lambda is built.
    for (const [id, clone] of cloneProps) ClonedDistribution.validateProps(clone, `${this.node.path}/${id}`);

    const provider = ClonedDistributionProvider.getOrCreate(this, props.provider?.(this) ?? {});
    if (props.apiDomainPrefix !== undefined) {
      this.api = new ClonesApi(this, 'Api', { domainPrefix: props.apiDomainPrefix, provider });
    }
    const deployRole = props.deployRoleArn === undefined ? undefined : iam.Role.fromRoleArn(this, 'DeployRole', props.deployRoleArn);
    this.clones = cloneProps.map(([id, clone]) => {
      const bucket = staticBuckets.get(id);
      const origins = bucket === undefined ? clone.origins : [...(clone.origins ?? []), { id: STATIC_ORIGIN_ID, domainName: bucket.bucketRegionalDomainName }];
      const distribution = new ClonedDistribution(this, id, { ...clone, origins, provider });
      if (bucket !== undefined) distribution.grantOriginAccess(bucket);
      if (deployRole !== undefined) distribution.grantCreateInvalidation(deployRole);
      new CfnOutput(this, `${id}DistributionId`, { value: distribution.distributionId });
      new CfnOutput(this, `${id}DomainName`, { value: distribution.domainName });
      return distribution;
    });
  }

  /** The clone's own bucket for the reference's `static/*` behaviour. */
  private staticBucket(id: string): s3.Bucket {
    const bucket = new s3.Bucket(this, `${id}Static`, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: "the clone's CloudFront logging (copied from the reference) is where requests for its static files are logged",
    });
    return bucket;
  }
}
