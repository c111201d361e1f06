// The props of ClonedDistribution: one per property of Custom::ClonedDistribution (written
// by properties.ts, checked by validation.ts), and the construct's own.
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { CertificateValidationOptions, DeletionMode, OriginOverride } from './clone-options';
import type { ClonedDistributionProvider } from './provider';

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
