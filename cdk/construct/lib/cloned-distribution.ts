import { CustomResource, Duration, RemovalPolicy, Resource } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { aws_cloudfront as cloudfrontRefs } from 'aws-cdk-lib/interfaces';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { addAliasRecords } from './alias-records';
import { grantCertificateRequests } from './certificate-policy';
import type { ClonedDistributionProps } from './cloned-distribution-props';
import { CfcloneError } from './errors';
import { type OriginAccessGrant, type OriginAccessOptions, grantOriginAccess } from './origin-access';
import { cloneProperties } from './properties';
import { ClonedDistributionProvider } from './provider';
import { type AttributeName, MAX_SERVICE_TIMEOUT_SECONDS, RESOURCE_TYPE } from './schema';
import { distributionFromSsmParameters, grantSsmPrefix, ssmParameterName } from './ssm-parameters';
import { validateProps } from './validation';

/**
 * A CloudFront distribution cloned from a reference distribution: the reference's whole
 * configuration with the clone's own aliases, origin and certificate
 * (`Custom::ClonedDistribution`, backed by the stack's `ClonedDistributionProvider`).
 *
 * A distribution like any other (`cloudfront.IDistribution`): Route 53's
 * `targets.CloudFrontTarget`, `BucketDeployment`'s `distribution` (invalidation) and
 * `grant` / `grantCreateInvalidation` take it as they take a `cloudfront.Distribution`.
 */
export class ClonedDistribution extends Resource implements cloudfront.IDistribution {
  /** The clone's distribution id (also its physical id). */
  readonly distributionId: string;
  /** The clone's CloudFront domain name (`dxxxx.cloudfront.net`). */
  readonly domainName: string;
  /** The clone's CloudFront domain name, as `cloudfront.IDistribution` names it. */
  readonly distributionDomainName: string;
  /** The clone's ARN, as `cloudfront.IDistribution` names it (the same as `arn`). */
  readonly distributionArn: string;
  /**
   * The clone's ARN, `arn:aws:cloudfront::ACCOUNT:distribution/ID` (the resource's `Arn`
   * attribute): what an origin access control bucket policy's `AWS:SourceArn` names.
   */
  readonly arn: string;
  /** The ACM certificate the clone uses (empty without aliases). */
  readonly certificateArn: string;
  /** The reference the clone was copied from. */
  readonly referenceDistributionId: string;
  /**
   * The buckets (comma-separated) of the clone's S3 origins that use origin access control:
   * each one's policy must allow the clone's ARN (see `grantOriginAccess`).
   */
  readonly originAccessControlBuckets: string;
  /**
   * The validation records of the certificate the provider requested for the clone, as JSON
   * (`[{"Name", "Type", "Value"}]`; `[]` when it uses a certificate it did not request): for
   * DNS hosted elsewhere, where they must stay for ACM to renew the certificate.
   */
  readonly certificateValidationRecords: string;
  /** The custom resource. */
  readonly resource: CustomResource;
  /** The provider behind the resource. */
  readonly provider: ClonedDistributionProvider;
  /** The SSM prefix the clone writes under, if any. */
  readonly ssmParameterPrefix?: string;
  /** The aliases as declared (a token when they are one). */
  private readonly aliases: string[];
  /** The resource's properties, to tell whether they refer to a bucket or a key. */
  private readonly properties: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: ClonedDistributionProps) {
    super(scope, id);
    validateProps(props, this.node.path);

    this.provider = props.provider ?? ClonedDistributionProvider.getOrCreate(this);
    if (props.autoSync) this.provider.syncClonesOf(props.referenceDistributionId);
    this.ssmParameterPrefix = props.ssmParameterPrefix;
    this.aliases = props.aliases;
    this.properties = cloneProperties(props);
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: RESOURCE_TYPE,
      serviceToken: this.provider.function.functionArn,
      serviceTimeout: props.serviceTimeout ?? Duration.seconds(MAX_SERVICE_TIMEOUT_SECONDS),
      properties: this.properties,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // Wait for the function and every policy of the provider (the self-invoke one included).
    this.resource.node.addDependency(this.provider);
    if (props.ssmParameterPrefix !== undefined) grantSsmPrefix(this, this.provider, this.resource, props.ssmParameterPrefix);
    if (props.certificateValidation !== undefined) {
      grantCertificateRequests(this, this.provider, this.resource, props.certificateValidation.hostedZones ?? []);
    }

    this.distributionId = this.attribute('DistributionId');
    this.domainName = this.attribute('DomainName');
    this.distributionDomainName = this.domainName;
    this.arn = this.attribute('Arn');
    this.distributionArn = this.arn;
    this.certificateArn = this.attribute('CertificateArn');
    this.referenceDistributionId = this.attribute('ReferenceDistributionId');
    this.originAccessControlBuckets = this.attribute('OriginAccessControlBuckets');
    this.certificateValidationRecords = this.attribute('CertificateValidationRecords');
  }

  /**
   * A clone of another stack, read from the SSM parameters it writes under
   * `ssmParameterPrefix` in this stack's region (one of its `ssmRegions`): a
   * `cloudfront.IDistribution` for alias records, invalidation grants and the like. The
   * values are resolved at deployment (CloudFormation parameters of type
   * `AWS::SSM::Parameter::Value<String>`), so the clone's stack deploys first.
   */
  static fromSsmParameters(scope: Construct, id: string, ssmParameterPrefix: string): cloudfront.IDistribution {
    return distributionFromSsmParameters(scope, id, ssmParameterPrefix);
  }

  /** The reference CDK's L1 interfaces take (`cloudfront.IDistributionRef`). */
  get distributionRef(): cloudfrontRefs.DistributionReference {
    return { distributionId: this.distributionId };
  }

  /**
   * Sets what CloudFormation does with the clone when it leaves the stack (as the
   * `removalPolicy` prop): `RETAIN` keeps it, enabled and serving.
   */
  override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }

  /**
   * An A and an AAAA alias record to the clone in `zone` for each alias the zone holds
   * (the alias itself, or a name under the zone's). The aliases must be literal (not a
   * token), so that the records can be named; one outside every zone passed is refused,
   * naming it. Returns the records, A then AAAA for each alias in turn.
   */
  addAliasRecords(zone: route53.IHostedZone): route53.RecordSet[] {
    return addAliasRecords(this, this.aliases, zone);
  }

  /** Grants these actions on the clone (its ARN) to `identity`. */
  grant(identity: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee: identity, actions, resourceArns: [this.distributionArn] });
  }

  /** Grants `cloudfront:CreateInvalidation` on the clone to `identity`. */
  grantCreateInvalidation(identity: iam.IGrantable): iam.Grant {
    return this.grant(identity, 'cloudfront:CreateInvalidation');
  }

  /**
   * The full name of one of the clone's SSM parameters, to read in another stack of a region
   * in `ssmRegions` (`ssm.StringParameter.valueForStringParameter(stack, name)`).
   */
  ssmParameterName(name: string): string {
    if (this.ssmParameterPrefix === undefined) {
      throw new CfcloneError(`cfclone: ${this.node.path} has no ssmParameterPrefix, so it writes no SSM parameters`);
    }
    return ssmParameterName(this.ssmParameterPrefix, name);
  }

  /**
   * Throws the error the constructor would throw for the first prop whose literal value the
   * provider would refuse (tokens are left to the provider): to check many clones' props
   * before declaring any.
   */
  static validateProps(props: ClonedDistributionProps, constructPath: string): void {
    validateProps(props, constructPath);
  }

  /**
   * Lets the clone read `bucket` through the reference's origin access control (OAC): adds to
   * the bucket's policy the statement CloudFront's documentation gives, `s3:GetObject` on the
   * objects for the service principal `cloudfront.amazonaws.com` on condition that
   * `AWS:SourceArn` is this clone's ARN (the `Arn` attribute). Without it S3 answers 403 to
   * every request of the clone, since the bucket policy names only the reference
   * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
   * The provider never edits a bucket policy; its `OriginAccessControlBuckets` attribute names
   * the S3 origins that use OAC.
   *
   * The bucket must be defined in this app, in this stack or another one of the same account
   * and region (an imported bucket's policy cannot be changed: add the statement by hand, see
   * the README). With `encryptionKey`, the key policy gets `kms:Decrypt` for the clone too.
   */
  grantOriginAccess(bucket: s3.IBucket, options: OriginAccessOptions = {}): OriginAccessGrant {
    return grantOriginAccess(this, this.properties, bucket, options);
  }

  private attribute(name: AttributeName): string {
    return this.resource.getAttString(name);
  }
}
