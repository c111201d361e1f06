// The package's API: what jsii exports to every language. The modules hold more (the
// schema's names, the IAM statements, the validation) for the package's own tests and the
// example app's; only what is listed here is the library's contract.
export { type CertificateValidationOptions, DeletionMode, type OriginOverride } from './clone-options';
export { ClonedDistribution } from './cloned-distribution';
export { type ClonedDistributionProps } from './cloned-distribution-props';
export { type OriginAccessGrant, type OriginAccessOptions } from './origin-access';
export { ClonedDistributionProvider } from './provider';
export { type ClonedDistributionProviderProps } from './provider-props';
export { ClonesApi, type ClonesApiProps } from './api';
export { CfcloneErrors } from './errors';
