/**
 * The names `Custom::ClonedDistribution` shares with the Rust provider, written once on
 * the TypeScript side. `test/schema.test.ts` checks them against
 * `schema/cloned-distribution.json`, which the provider's own tests check too.
 */

/** The CloudFormation resource type of a clone. */
export const RESOURCE_TYPE = 'Custom::ClonedDistribution';

/** Every property the provider accepts (CloudFormation sends each value as a string). */
export const PROPERTY_NAMES = [
  'ServiceToken',
  'ServiceTimeout',
  'ReferenceDistributionId',
  'Aliases',
  'OriginDomainName',
  'OriginPath',
  'Origins',
  'CertificateArn',
  'CertificateValidation',
  'Comment',
  'Enabled',
  'PriceClass',
  'WebAclId',
  'LoggingPrefix',
  'Tags',
  'SsmParameterPrefix',
  'SsmRegions',
  'WaitForDeployment',
  'ReferenceRevision',
  'DeletionMode',
] as const;

/** A property name of `Custom::ClonedDistribution`. */
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** The properties every custom resource has, which `CustomResource` writes (not the props' mapping). */
export const CUSTOM_RESOURCE_PROPERTY_NAMES = ['ServiceToken', 'ServiceTimeout'] as const satisfies readonly PropertyName[];

/** A property the props map to (`properties.ts`): every property but the custom resource's own. */
export type MappedPropertyName = Exclude<PropertyName, (typeof CUSTOM_RESOURCE_PROPERTY_NAMES)[number]>;

/** The attributes a clone returns (`Fn::GetAtt`). */
export const ATTRIBUTE_NAMES = [
  'DistributionId',
  'DomainName',
  'Arn',
  'CertificateArn',
  'ReferenceDistributionId',
  'OriginAccessControlBuckets',
  'CertificateValidationRecords',
] as const;

/** An attribute name of `Custom::ClonedDistribution`. */
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

/** The SSM parameters written under `{SsmParameterPrefix}/` in every region of `SsmRegions`. */
export const SSM_PARAMETER_NAMES = [
  'distribution-id',
  'domain-name',
  'reference-distribution-id',
  'certificate-arn',
] as const;

/** The name of an SSM parameter a clone writes, relative to its prefix. */
export type SsmParameterName = (typeof SSM_PARAMETER_NAMES)[number];

/** The ownership tags the provider puts on every clone it creates. */
export const OWNER_STACK_TAG = 'cfclone:stack-id';
export const OWNER_LOGICAL_ID_TAG = 'cfclone:logical-id';
/** Tag keys with this prefix are reserved for the provider. */
export const RESERVED_TAG_PREFIX = 'cfclone:';

/** CloudFormation's upper bound on a custom resource's `ServiceTimeout`, in seconds. */
export const MAX_SERVICE_TIMEOUT_SECONDS = 3600;
/** CloudFront's limits that the provider checks too. */
export const MAX_ALIASES = 100;
export const MAX_COMMENT_CHARS = 128;
export const PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;
