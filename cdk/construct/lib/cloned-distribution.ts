import { type CfnElement, CustomResource, Duration, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { aws_cloudfront as cloudfrontRefs } from 'aws-cdk-lib/interfaces';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CfcloneError } from './errors';
import { ClonedDistributionProvider, certificateRequestStatements, nagRendering, ssmStatement } from './provider';
import {
  type AttributeName,
  MAX_ALIASES,
  MAX_COMMENT_CHARS,
  MAX_SERVICE_TIMEOUT_SECONDS,
  PRICE_CLASSES,
  type PropertyName,
  RESERVED_TAG_PREFIX,
  RESOURCE_TYPE,
  SSM_PARAMETER_NAMES,
  type SsmParameterName,
} from './schema';

/**
 * A certificate requested when no issued one in us-east-1 covers the aliases
 * (`CertificateValidation`): DNS validation, its records written into these zones.
 */
export interface CertificateValidationOptions {
  /**
   * The public hosted zones holding the aliases (each alias in one of them; the most specific
   * zone wins). The provider may change only CNAMEs whose names start with an underscore in
   * them.
   *
   * @default - none: DNS is hosted elsewhere; the records are published (SSM parameter
   *   `/cfclone/certificates/STACK/LOGICAL-ID` in us-east-1, the provider's log) for someone to
   *   add, and the Create waits for them up to its `serviceTimeout`
   */
  readonly hostedZones?: route53.IHostedZone[];
}

/** What the provider's Delete does with a clone (the resource's `DeletionMode`). */
export enum DeletionMode {
  /** Disable the clone, wait until CloudFront has deployed that, and delete it. */
  DELETE = 'delete',
  /**
   * Disable the clone and leave it, with its aliases, its certificate and its record; its SSM
   * parameters are removed.
   */
  DISABLE = 'disable',
}

/** A new domain name and/or path for one origin of the reference, found by its id. */
export interface OriginOverride {
  /** The id of the reference's origin. */
  readonly id: string;
  /**
   * The origin's new domain name.
   *
   * @default - the reference's
   */
  readonly domainName?: string;
  /**
   * The origin's new path (`/prod`; `''` clears it).
   *
   * @default - the reference's
   */
  readonly originPath?: string;
}

/** Properties of a `ClonedDistribution`: one per property of `Custom::ClonedDistribution`. */
export interface ClonedDistributionProps {
  /** The id of the distribution whose configuration is copied (like `E2QWRUHAPOMQZL`). */
  readonly referenceDistributionId: string;

  /** The clone's domain names: lowercase, at most 100, no duplicates; may be empty. */
  readonly aliases: string[];

  /**
   * New domain name for the origin that the default cache behaviour targets.
   *
   * @default - the reference's
   */
  readonly originDomainName?: string;

  /**
   * New path for that origin (`/prod`; `''` clears it).
   *
   * @default - the reference's
   */
  readonly originPath?: string;

  /**
   * Per-origin overrides for references with several origins.
   *
   * @default - none
   */
  readonly origins?: OriginOverride[];

  /**
   * ACM certificate for the aliases (must be in us-east-1).
   *
   * @default - the provider looks up an issued certificate in us-east-1 that covers every alias
   */
  readonly certificateArn?: string;

  /**
   * When no issued certificate in us-east-1 covers every alias, request one (DNS validation,
   * in us-east-1 whatever the stack's region), write its validation records, wait until ACM
   * issues it and use it; the certificate is deleted with the clone (and when an alias change
   * moves the clone to a new one) once nothing uses it. Not with `certificateArn`.
   *
   * @default - none: a Create whose aliases no issued certificate covers fails, naming them
   */
  readonly certificateValidation?: CertificateValidationOptions;

  /**
   * The clone's comment, at most 128 characters.
   *
   * @default - names the reference and the first alias
   */
  readonly comment?: string;

  /**
   * Whether the clone serves traffic.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Price class of the clone.
   *
   * @default - the reference's
   */
  readonly priceClass?: cloudfront.PriceClass | string;

  /**
   * WAF web ACL of the clone (`''` removes the reference's).
   *
   * @default - the reference's
   */
  readonly webAclId?: string;

  /**
   * Standard-logging prefix of the clone (the reference must log); must not start with `/`.
   *
   * @default - the reference's
   */
  readonly loggingPrefix?: string;

  /**
   * Tags added to the clone (keys starting `cfclone:` are reserved).
   *
   * @default - only the provider's ownership tags
   */
  readonly tags?: Record<string, string>;

  /**
   * Where to write the clone's outputs in SSM (like `/cfclone/shop`): `{prefix}/distribution-id`,
   * `{prefix}/domain-name`, `{prefix}/reference-distribution-id`, `{prefix}/certificate-arn`.
   *
   * @default - nothing is written to SSM
   */
  readonly ssmParameterPrefix?: string;

  /**
   * Regions to write the SSM parameters to; include every region whose stacks read them.
   *
   * @default - the stack's region
   */
  readonly ssmRegions?: string[];

  /**
   * Whether Create and Update answer only once CloudFront reports the clone `Deployed`.
   *
   * @default false
   */
  readonly waitForDeployment?: boolean;

  /**
   * Any string; changing it re-syncs the clone from the reference.
   *
   * @default - none
   */
  readonly referenceRevision?: string;

  /**
   * CloudFormation's limit for each operation on the resource (`ServiceTimeout`), at most one
   * hour. Deletes wait for CloudFront to disable the clone, which can take long.
   *
   * @default Duration.hours(1)
   */
  readonly serviceTimeout?: Duration;

  /**
   * What happens to the clone when it leaves the stack. `RETAIN` keeps it exactly as it is —
   * enabled and serving, with its SSM parameters — and CloudFormation no longer manages it.
   *
   * @default RemovalPolicy.DESTROY (the clone is disabled and deleted, or only disabled with
   *   `deletionMode: DeletionMode.DISABLE`)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * What the provider's Delete does (`DeletionMode`): `DeletionMode.DELETE` disables the
   * clone, waits until CloudFront has deployed that and deletes it; `DeletionMode.DISABLE`
   * disables it and leaves it, with its aliases, its certificate and its record (for
   * `cfclone`), its SSM parameters removed (Terraform's `retain_on_delete`) — except a Delete
   * while the stack rolls back the operation that created the clone, which deletes it (as
   * `RetainExceptOnCreate` does).
   *
   * @default DeletionMode.DELETE
   */
  readonly deletionMode?: DeletionMode;

  /**
   * The provider that backs the resource.
   *
   * @default - the stack's provider, `ClonedDistributionProvider.getOrCreate(this)`
   */
  readonly provider?: ClonedDistributionProvider;

  /**
   * Sync the clone whenever the reference is edited (an EventBridge rule on CloudTrail's
   * `UpdateDistribution` of the reference; see `ClonedDistributionProvider.syncClonesOf`).
   * The stack must be in us-east-1, and a CloudTrail trail must record management events.
   * A clone edited by hand is not overwritten.
   *
   * @default false: the clone changes only when the stack updates it (`referenceRevision`)
   *   or `cfclone sync` runs
   */
  readonly autoSync?: boolean;
}

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

/** A prop of `ClonedDistribution` holds a literal value the provider would refuse. */
export class ClonedDistributionPropsError extends CfcloneError {
  constructor(
    readonly prop: keyof ClonedDistributionProps,
    detail: string,
    readonly constructPath: string,
  ) {
    super(`ClonedDistribution ${prop}: ${detail} (at ${constructPath})`);
    this.name = 'ClonedDistributionPropsError';
  }
}

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
  /** The custom resource. */
  /**
   * The validation records of the certificate the provider requested for the clone, as JSON
   * (`[{"Name", "Type", "Value"}]`; `[]` when it uses a certificate it did not request): for
   * DNS hosted elsewhere, where they must stay for ACM to renew the certificate.
   */
  readonly certificateValidationRecords: string;
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

    const properties: Partial<Record<PropertyName, unknown>> = {
      ReferenceDistributionId: props.referenceDistributionId,
      Aliases: props.aliases,
      OriginDomainName: props.originDomainName,
      OriginPath: props.originPath,
      Origins: props.origins?.map((o) => ({ Id: o.id, DomainName: o.domainName, OriginPath: o.originPath })),
      CertificateArn: props.certificateArn,
      CertificateValidation: props.certificateValidation && {
        HostedZoneIds: (props.certificateValidation.hostedZones ?? []).map((zone) => zone.hostedZoneId),
      },
      Comment: props.comment,
      // CloudFormation sends every value as a string; write them as they will arrive.
      Enabled: props.enabled === undefined ? undefined : String(props.enabled),
      PriceClass: props.priceClass,
      WebAclId: props.webAclId,
      LoggingPrefix: props.loggingPrefix,
      Tags: props.tags && Object.entries(props.tags).map(([Key, Value]) => ({ Key, Value })),
      SsmParameterPrefix: props.ssmParameterPrefix,
      SsmRegions: props.ssmRegions,
      WaitForDeployment: props.waitForDeployment === undefined ? undefined : String(props.waitForDeployment),
      ReferenceRevision: props.referenceRevision,
      DeletionMode: props.deletionMode && { delete: 'Delete', disable: 'Disable' }[props.deletionMode],
    };

    this.properties = dropUndefined(properties);
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: RESOURCE_TYPE,
      serviceToken: this.provider.function.functionArn,
      serviceTimeout: props.serviceTimeout ?? Duration.seconds(MAX_SERVICE_TIMEOUT_SECONDS),
      properties: this.properties,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // Wait for the function and every policy of the provider (the self-invoke one included).
    this.resource.node.addDependency(this.provider);

    if (props.ssmParameterPrefix !== undefined && !this.provider.coversSsmPrefix(props.ssmParameterPrefix)) {
      // A policy per clone: created before the clone, deleted after it, so the provider can
      // still remove the parameters when the clone leaves the stack.
      const policy = new iam.Policy(this, 'SsmPolicy', {
        roles: [this.provider.role],
        statements: [ssmStatement(props.ssmParameterPrefix)],
      });
      this.resource.node.addDependency(policy);
      const prefixAsNagSees = nagRendering(Stack.of(this).resolve(props.ssmParameterPrefix));
      if (prefixAsNagSees !== undefined) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:parameter${prefixAsNagSees}/*]`,
          reason:
            'the clone writes four parameters under its own prefix, in every region of SsmRegions; ' +
            'nothing outside the prefix is granted',
        });
      }
    }

    if (props.certificateValidation !== undefined) {
      // A policy per clone, as for SSM: it outlives the clone's Delete, which removes the
      // certificate and its records.
      const zones = props.certificateValidation.hostedZones ?? [];
      const policy = new iam.Policy(this, 'CertificatePolicy', {
        roles: [this.provider.role],
        statements: certificateRequestStatements(zones.map((zone) => zone.hostedZoneArn)),
      });
      this.resource.node.addDependency(policy);
      Validations.of(policy).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'acm:RequestCertificate has no resource type; the acm:ValidationMethod condition keeps it to DNS validation',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:acm:us-east-1:<AWS::AccountId>:certificate/*]',
          reason:
            "the certificate is requested at run time, so its ARN is not known; deletion needs the stack's ownership tag",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:us-east-1:<AWS::AccountId>:parameter/cfclone/certificates/<AWS::StackName>/*]',
          reason: "the ledger of what each resource of this stack requested: this stack's own path, us-east-1 only",
        },
      );
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
    const read = (name: SsmParameterName) =>
      ssm.StringParameter.valueForStringParameter(scope, ssmParameterName(ssmParameterPrefix, name));
    return cloudfront.Distribution.fromDistributionAttributes(scope, id, {
      distributionId: read('distribution-id'),
      domainName: read('domain-name'),
    });
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
    if (Token.isUnresolved(this.aliases) || this.aliases.some((a) => Token.isUnresolved(a))) {
      throw new ClonedDistributionPropsError(
        'aliases',
        'are a token, so addAliasRecords cannot name the records: declare route53.ARecord / AaaaRecord with targets.CloudFrontTarget(clone) yourself',
        this.node.path,
      );
    }
    const zoneName = Token.isUnresolved(zone.zoneName) ? undefined : zone.zoneName.replace(/\.$/, '').toLowerCase();
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this));
    const records: route53.RecordSet[] = [];
    for (const alias of this.aliases) {
      if (zoneName !== undefined && alias !== zoneName && !alias.endsWith(`.${zoneName}`)) {
        throw new ClonedDistributionPropsError(
          'aliases',
          `${alias} is not in the hosted zone ${zoneName}: pass the zone that holds it to addAliasRecords`,
          this.node.path,
        );
      }
      const id = alias.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9]/g, '-');
      records.push(
        new route53.ARecord(this, `A-${id}`, { zone, recordName: `${alias}.`, target }),
        new route53.AaaaRecord(this, `Aaaa-${id}`, { zone, recordName: `${alias}.`, target }),
      );
    }
    return records;
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
    const { keyPrefix, encryptionKey } = options;
    if (keyPrefix !== undefined && !Token.isUnresolved(keyPrefix) && (keyPrefix.startsWith('/') || keyPrefix.includes('*'))) {
      throw new CfcloneError(
        `cfclone: ${this.node.path} grantOriginAccess: keyPrefix ${JSON.stringify(keyPrefix)} must not start with "/" ` +
          'nor contain "*" (object keys look like assets/…)',
      );
    }
    const onlyThisClone = { StringEquals: { 'AWS:SourceArn': this.arn } };
    const bucketPolicyStatement = new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects(`${keyPrefix ?? ''}*`)],
      conditions: onlyThisClone,
    });
    if (!bucket.addToResourcePolicy(bucketPolicyStatement).statementAdded) {
      throw new CfcloneError(
        `cfclone: ${this.node.path} grantOriginAccess: the bucket ${bucket.node.path} is imported, so its policy ` +
          'cannot be changed here; add the statement yourself (s3:GetObject on its objects for the service principal ' +
          "cloudfront.amazonaws.com where AWS:SourceArn is the clone's ARN; see the README)",
      );
    }
    if (encryptionKey === undefined) return { bucketPolicyStatement };

    this.refuseDependencyOn(encryptionKey, 'the key');
    if (bucket.encryptionKey === encryptionKey) this.refuseDependencyOn(bucket, 'the bucket, which refers to the key,');
    const keyPolicyStatement = new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: onlyThisClone,
    });
    if (!encryptionKey.addToResourcePolicy(keyPolicyStatement).statementAdded) {
      throw new CfcloneError(
        `cfclone: ${this.node.path} grantOriginAccess: the key ${encryptionKey.node.path} is imported, so its policy ` +
          'cannot be changed here; add the statement yourself (kms:Decrypt for the service principal ' +
          "cloudfront.amazonaws.com where AWS:SourceArn is the clone's ARN; see the README)",
      );
    }
    return { bucketPolicyStatement, keyPolicyStatement };
  }

  /**
   * A key policy naming the clone while the clone refers to the key or to the bucket it
   * encrypts would be a dependency cycle that only the deployment reports; say it at synth.
   */
  private refuseDependencyOn(resource: kms.IKey | s3.IBucket, what: string): void {
    const stack = Stack.of(this);
    const element = resource.node.defaultChild as CfnElement | undefined;
    if (element === undefined || Stack.of(resource) !== stack) return;
    const logicalId = stack.resolve(stack.getLogicalId(element));
    if (JSON.stringify(stack.resolve(this.properties)).includes(`"${logicalId}"`)) {
      throw new CfcloneError(
        `cfclone: ${this.node.path} grantOriginAccess: the clone's properties refer to ${what}, and the key policy ` +
          'would refer to the clone: a dependency cycle. Write the origin domain name as a literal ' +
          '(like my-bucket.s3.eu-west-1.amazonaws.com) instead of bucket.bucketRegionalDomainName',
      );
    }
  }

  private attribute(name: AttributeName): string {
    return this.resource.getAttString(name);
  }
}

/** The full name of one SSM parameter under `prefix`; `name` is one of `SSM_PARAMETER_NAMES`. */
export function ssmParameterName(prefix: string, name: string): string {
  if (!(SSM_PARAMETER_NAMES as readonly string[]).includes(name)) {
    throw new CfcloneError(`cfclone: ${JSON.stringify(name)} is not a parameter a clone writes; use one of ${SSM_PARAMETER_NAMES.join(', ')}`);
  }
  return `${prefix}/${name}`;
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

// ---------------------------------------------------------------------------------------------
// Synth-time validation of literal values (tokens are left to the provider at deploy time).

const literal = (value: unknown): boolean => value !== undefined && !Token.isUnresolved(value);

function isHost(host: string): boolean {
  const label = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
  return host.length <= 253 && host.includes('.') && host.split('.').every((l) => label.test(l));
}

function isOriginPath(path: string): boolean {
  return path === '' || (path.startsWith('/') && !path.endsWith('/') && path.length <= 255);
}

const q = (value: string): string => JSON.stringify(value);

/** Throws a ClonedDistributionPropsError naming the first prop with an invalid literal value. */
export function validateProps(props: ClonedDistributionProps, constructPath: string): void {
  const fail = (prop: keyof ClonedDistributionProps, detail: string): never => {
    throw new ClonedDistributionPropsError(prop, detail, constructPath);
  };

  if (literal(props.referenceDistributionId) && !/^[A-Z0-9]{1,32}$/.test(props.referenceDistributionId)) {
    fail('referenceDistributionId', `${q(props.referenceDistributionId)} is not a CloudFront distribution id (like E2QWRUHAPOMQZL)`);
  }

  if (!Token.isUnresolved(props.aliases)) {
    if (!Array.isArray(props.aliases)) fail('aliases', 'is required: a list of domain names (use [] for none)');
    if (props.aliases.length > MAX_ALIASES) {
      fail('aliases', `${props.aliases.length} aliases given; CloudFront allows at most ${MAX_ALIASES}`);
    }
    const seen = new Set<string>();
    for (const alias of props.aliases) {
      if (!literal(alias)) continue;
      if (alias !== alias.toLowerCase()) fail('aliases', `${q(alias)} must be lowercase (write ${q(alias.toLowerCase())})`);
      if (!isHost(alias.startsWith('*.') ? alias.slice(2) : alias)) fail('aliases', `${q(alias)} is not a valid domain name`);
      if (seen.has(alias)) fail('aliases', `${q(alias)} appears twice`);
      seen.add(alias);
    }
  }

  if (literal(props.originDomainName) && !isHost(props.originDomainName!)) {
    fail('originDomainName', `${q(props.originDomainName!)} is not a valid domain name`);
  }
  if (literal(props.originPath) && !isOriginPath(props.originPath!)) {
    fail('originPath', `${q(props.originPath!)} must start with "/" and not end with "/" (like /prod), or be "" to clear it`);
  }

  const originIds = new Set<string>();
  for (const [i, origin] of (props.origins ?? []).entries()) {
    if (literal(origin.id)) {
      if (origin.id === '') fail('origins', `item ${i}: id is required (the reference origin's id)`);
      if (originIds.has(origin.id)) fail('origins', `origin id ${q(origin.id)} appears twice; merge the two entries`);
      originIds.add(origin.id);
    }
    if (literal(origin.domainName) && !isHost(origin.domainName!)) {
      fail('origins', `item ${i}: ${q(origin.domainName!)} is not a valid domain name`);
    }
    if (literal(origin.originPath) && !isOriginPath(origin.originPath!)) {
      fail('origins', `item ${i}: origin path ${q(origin.originPath!)} must start with "/" and not end with "/", or be ""`);
    }
  }

  if (literal(props.certificateArn)) {
    const parts = props.certificateArn!.split(':');
    if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'acm' || !parts[5].startsWith('certificate/')) {
      fail('certificateArn', `${q(props.certificateArn!)} is not an ACM certificate ARN`);
    }
    if (parts[3] !== 'us-east-1') {
      fail('certificateArn', `${q(props.certificateArn!)} is in ${parts[3]}; CloudFront takes certificates from us-east-1 only`);
    }
    if (Array.isArray(props.aliases) && props.aliases.length === 0) {
      fail('certificateArn', 'is set but aliases is empty; a certificate needs at least one alias');
    }
  }

  if (props.deletionMode !== undefined && !Object.values(DeletionMode).includes(props.deletionMode)) {
    fail('deletionMode', `${q(props.deletionMode)} is not a deletion mode; use DeletionMode.DELETE or DeletionMode.DISABLE`);
  }

  if (props.certificateValidation !== undefined) {
    if (props.certificateArn !== undefined) {
      fail('certificateValidation', 'is set together with certificateArn; give the certificate or let the provider request one, not both');
    }
    if (Array.isArray(props.aliases) && props.aliases.length === 0) {
      fail('certificateValidation', 'is set but aliases is empty; a certificate is requested for the aliases');
    }
  }

  if (literal(props.comment) && [...props.comment!].length > MAX_COMMENT_CHARS) {
    fail('comment', `is ${[...props.comment!].length} characters long; CloudFront allows at most ${MAX_COMMENT_CHARS}`);
  }

  if (literal(props.priceClass) && !(PRICE_CLASSES as readonly string[]).includes(props.priceClass!)) {
    fail('priceClass', `${q(props.priceClass!)} is not a price class; use ${PRICE_CLASSES.join(', ')}`);
  }

  if (literal(props.loggingPrefix) && props.loggingPrefix!.startsWith('/')) {
    fail('loggingPrefix', `${q(props.loggingPrefix!)} must not start with "/" (CloudFront log prefixes look like logs/shop/)`);
  }

  for (const [key, value] of Object.entries(props.tags ?? {})) {
    if (Token.isUnresolved(key)) continue;
    if (key === '') fail('tags', 'a tag key is empty');
    if (key.startsWith(RESERVED_TAG_PREFIX)) {
      fail('tags', `${q(key)}: keys starting with ${RESERVED_TAG_PREFIX} are reserved for the provider's ownership tags`);
    }
    if (key.length > 128) fail('tags', `${q(key)} is longer than 128 characters`);
    if (literal(value) && value.length > 256) fail('tags', `the value of ${q(key)} is longer than 256 characters`);
  }

  if (literal(props.ssmParameterPrefix)) {
    const prefix = props.ssmParameterPrefix!;
    if (!prefix.startsWith('/')) fail('ssmParameterPrefix', `${q(prefix)} must start with "/" (like /cfclone/shop)`);
    if (prefix.endsWith('/')) fail('ssmParameterPrefix', `${q(prefix)} must not end with "/" (like /cfclone/shop)`);
    if (prefix.length > 1000 || prefix.includes('//') || !/^[A-Za-z0-9/_.-]+$/.test(prefix)) {
      fail('ssmParameterPrefix', `${q(prefix)} must look like /team/app: only letters, digits and _ . - /, no "//"`);
    }
    if (/^\/(aws|ssm)/i.test(prefix)) fail('ssmParameterPrefix', `${q(prefix)}: names beginning with /aws or /ssm are reserved by AWS`);
  }
  if (props.ssmRegions !== undefined && props.ssmParameterPrefix === undefined) {
    fail('ssmRegions', 'is set but ssmParameterPrefix is not; set a prefix such as /cfclone/shop');
  }
  if (props.ssmRegions !== undefined && !Token.isUnresolved(props.ssmRegions)) {
    const seen = new Set<string>();
    for (const region of props.ssmRegions) {
      if (!literal(region)) continue;
      if (!/^[a-z0-9]+(-[a-z0-9]+)+-\d+$/.test(region)) fail('ssmRegions', `${q(region)} is not a region name (like eu-west-1)`);
      if (seen.has(region)) fail('ssmRegions', `${q(region)} appears twice`);
      seen.add(region);
    }
  }

  if (props.serviceTimeout !== undefined && !props.serviceTimeout.isUnresolved()) {
    const seconds = props.serviceTimeout.toSeconds({ integral: false });
    if (!(seconds >= 1 && seconds <= MAX_SERVICE_TIMEOUT_SECONDS && Number.isInteger(seconds))) {
      fail('serviceTimeout', `is ${seconds} seconds; CloudFormation accepts a whole number from 1 to ${MAX_SERVICE_TIMEOUT_SECONDS}`);
    }
  }
}
