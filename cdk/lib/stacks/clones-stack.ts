import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ClonedDistribution } from '../cloned-distribution';
import type { CloneConfig } from '../config';
import { ClonedDistributionProvider, type ClonedDistributionProviderProps } from '../provider';

export interface ClonesStackProps extends StackProps {
  /** The clones to declare. */
  readonly clones: CloneConfig[];
  /** Reference for clones that name none (the example reference distribution's id). */
  readonly defaultReferenceDistributionId?: string;
  /** Props of the stack's provider. @default - the built zip, arm64 */
  readonly provider?: ClonedDistributionProviderProps;
}

/** The clones, their provider (one per stack, in the stack's region) and their outputs. */
export class ClonesStack extends Stack {
  readonly clones: ClonedDistribution[];

  constructor(scope: Construct, id: string, props: ClonesStackProps) {
    super(scope, id, props);
    const provider = ClonedDistributionProvider.getOrCreate(this, props.provider ?? {});

    this.clones = props.clones.map((clone) => {
      const referenceDistributionId = clone.referenceDistributionId ?? props.defaultReferenceDistributionId;
      if (referenceDistributionId === undefined) {
        throw new Error(`cfclone: clone ${clone.id} names no referenceDistributionId`);
      }
      const { id, serviceTimeoutSeconds, ...rest } = clone;
      const distribution = new ClonedDistribution(this, id, {
        ...rest,
        referenceDistributionId,
        serviceTimeout: serviceTimeoutSeconds === undefined ? undefined : Duration.seconds(serviceTimeoutSeconds),
        provider,
      });
      new CfnOutput(this, `${id}DistributionId`, { value: distribution.distributionId });
      new CfnOutput(this, `${id}DomainName`, { value: distribution.domainName });
      return distribution;
    });
  }
}
