// The package's API: what jsii exports to every language. The modules hold more (the
// schema's names, the IAM statements, the validation) for the package's own tests and the
// example app's; only what is listed here is the library's contract.
export {
  type CertificateValidationOptions,
  ClonedDistribution,
  type ClonedDistributionProps,
  DeletionMode,
  type OriginAccessGrant,
  type OriginAccessOptions,
  type OriginOverride,
} from './cloned-distribution';
export { ClonedDistributionProvider, type ClonedDistributionProviderProps } from './provider';
export { ClonesApi, type ClonesApiProps } from './api';
export { CfcloneErrors } from './errors';
