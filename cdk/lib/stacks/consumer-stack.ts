import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { ClonedDistribution } from 'cfclone-cdk';
import type { DnsConfig } from '../config';

/** A clone whose SSM parameters the consumer reads. */
export interface ConsumedClone {
  /** Name used in construct ids and outputs, like `Shop`. */
  readonly id: string;
  /** The clone's `ssmParameterPrefix`; its `ssmRegions` must include this stack's region. */
  readonly ssmParameterPrefix: string;
  /** The clone's aliases: with `dns`, each gets A and AAAA alias records to the clone. */
  readonly aliases: string[];
}

export interface ConsumerStackProps extends StackProps {
  readonly clones: ConsumedClone[];
  /** Zone for the aliases' records. @default - no records, only outputs */
  readonly dns?: DnsConfig;
}

/**
 * A stack in another region that uses the clones through the SSM parameters the provider
 * writes there: CloudFormation resolves them natively at deploy time
 * (`AWS::SSM::Parameter::Value<String>` parameters), with no cross-region custom resource.
 * Redeploy it after a clone changes to pick up new values.
 */
export class ConsumerStack extends Stack {
  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id, props);
    const zone =
      props.dns === undefined
        ? undefined
        : route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
            hostedZoneId: props.dns.hostedZoneId,
            zoneName: props.dns.zoneName,
          });

    for (const clone of props.clones) {
      const distribution = ClonedDistribution.fromSsmParameters(this, `${clone.id}Clone`, clone.ssmParameterPrefix);
      new CfnOutput(this, `${clone.id}DistributionId`, { value: distribution.distributionId });
      new CfnOutput(this, `${clone.id}DomainName`, { value: distribution.distributionDomainName });

      if (zone === undefined) continue;
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution));
      clone.aliases.forEach((alias, i) => {
        const recordName = alias;
        new route53.ARecord(this, `${clone.id}Alias${i}A`, { zone, recordName, target });
        new route53.AaaaRecord(this, `${clone.id}Alias${i}Aaaa`, { zone, recordName, target });
      });
    }
  }
}
