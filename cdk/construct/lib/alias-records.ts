// ClonedDistribution.addAliasRecords: an A and an AAAA alias record per alias of a zone.
import { Token } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { ClonedDistributionPropsError } from './errors';

/**
 * The records of `aliases` in `zone`, declared in `clone` and aimed at it: A then AAAA for
 * each alias in turn. The aliases must be literal; one outside `zone` is refused, naming it.
 */
export function addAliasRecords(clone: Construct & cloudfront.IDistribution, aliases: string[], zone: route53.IHostedZone): route53.RecordSet[] {
  if (Token.isUnresolved(aliases) || aliases.some((a) => Token.isUnresolved(a))) {
    throw new ClonedDistributionPropsError(
      'aliases',
      'are a token, so addAliasRecords cannot name the records: declare route53.ARecord / AaaaRecord with targets.CloudFrontTarget(clone) yourself',
      clone.node.path,
    );
  }
  const zoneName = Token.isUnresolved(zone.zoneName) ? undefined : zone.zoneName.replace(/\.$/, '').toLowerCase();
  const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(clone));
  const records: route53.RecordSet[] = [];
  for (const alias of aliases) {
    if (zoneName !== undefined && alias !== zoneName && !alias.endsWith(`.${zoneName}`)) {
      throw new ClonedDistributionPropsError(
        'aliases',
        `${alias} is not in the hosted zone ${zoneName}: pass the zone that holds it to addAliasRecords`,
        clone.node.path,
      );
    }
    const id = alias.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9]/g, '-');
    records.push(
      new route53.ARecord(clone, `A-${id}`, { zone, recordName: `${alias}.`, target }),
      new route53.AaaaRecord(clone, `Aaaa-${id}`, { zone, recordName: `${alias}.`, target }),
    );
  }
  return records;
}
