// The value types of ClonedDistributionProps: a requested certificate's options, the deletion
// mode, an origin's override.
import type * as route53 from 'aws-cdk-lib/aws-route53';

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
