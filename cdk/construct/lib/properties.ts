// The pure mapping from a ClonedDistribution's props to the properties of its
// Custom::ClonedDistribution: no construct, no side effect.
import type { ClonedDistributionProps } from './cloned-distribution-props';
import type { MappedPropertyName } from './schema';

/**
 * The resource's properties for `props`, each written as CloudFormation will hand it to the
 * provider; the props that are not set are left out, so the provider applies its defaults.
 * `ServiceToken` and `ServiceTimeout` are the custom resource's own (`CustomResource` writes
 * them). Typed with every other property name of the schema (`schema.ts`, held to
 * `schema/cloned-distribution.json` by `test/schema.test.ts`): a name outside it, or one left
 * out, does not compile.
 */
export function cloneProperties(props: ClonedDistributionProps): Record<string, unknown> {
  const properties: Record<MappedPropertyName, unknown> = {
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
  return dropUndefined(properties);
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
