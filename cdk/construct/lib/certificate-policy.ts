// What a clone with `certificateValidation` lets the provider do: request, tag and delete its
// certificate, keep the stack's ledger, and write ACM's validation records in its zones.
import { Aws, type CustomResource, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { ClonedDistributionProvider } from './provider';
import { OWNER_STACK_TAG } from './schema';

/** Where each resource's ledger of requested certificates lies, in us-east-1. */
export const CERTIFICATE_LEDGER_PREFIX = '/cfclone/certificates';

/**
 * What `CertificateValidation` needs: requesting certificates validated by DNS (no resource
 * type: acm:ValidationMethod restricts it), tagging (the request carries the ownership tags)
 * and reading their tags, deleting those this stack owns, the stack's certificate ledgers,
 * and, in `hostedZoneArns` only, ACM's validation CNAMEs (names starting with `_`).
 */
export function certificateRequestStatements(hostedZoneArns: string[]): iam.PolicyStatement[] {
  const certificates = `arn:${Aws.PARTITION}:acm:us-east-1:${Aws.ACCOUNT_ID}:certificate/*`;
  const statements = [
    new iam.PolicyStatement({
      sid: 'RequestCertificates',
      actions: ['acm:RequestCertificate'],
      resources: ['*'],
      conditions: { StringEquals: { 'acm:ValidationMethod': 'DNS' } },
    }),
    new iam.PolicyStatement({
      sid: 'TagAndReadRequestedCertificates',
      actions: ['acm:AddTagsToCertificate', 'acm:ListTagsForCertificate'],
      resources: [certificates],
    }),
    new iam.PolicyStatement({
      sid: 'DeleteOwnedCertificates',
      actions: ['acm:DeleteCertificate'],
      resources: [certificates],
      conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: Aws.STACK_ID } },
    }),
    new iam.PolicyStatement({
      sid: 'CertificateLedgers',
      actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'],
      resources: [`arn:${Aws.PARTITION}:ssm:us-east-1:${Aws.ACCOUNT_ID}:parameter${CERTIFICATE_LEDGER_PREFIX}/${Aws.STACK_NAME}/*`],
    }),
  ];
  if (hostedZoneArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ValidationRecords',
        actions: ['route53:GetHostedZone', 'route53:ChangeResourceRecordSets'],
        resources: hostedZoneArns,
        conditions: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
            'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
          },
          'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['_*'] },
        },
      }),
    );
  }
  return statements;
}

/**
 * Grants `certificateRequestStatements` for `clone`'s zones in a policy per clone, as for SSM:
 * it outlives the clone's Delete, which removes the certificate and its records.
 */
export function grantCertificateRequests(
  clone: Construct,
  provider: ClonedDistributionProvider,
  resource: CustomResource,
  zones: route53.IHostedZone[],
): void {
  const policy = new iam.Policy(clone, 'CertificatePolicy', {
    roles: [provider.role],
    statements: certificateRequestStatements(zones.map((zone) => zone.hostedZoneArn)),
  });
  resource.node.addDependency(policy);
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
