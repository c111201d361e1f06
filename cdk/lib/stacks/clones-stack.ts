import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  ClonedDistribution,
  type ClonedDistributionProps,
  ClonedDistributionProvider,
  type ClonedDistributionProviderProps,
} from 'cfclone-cdk';
import type { CloneConfig } from '../config';

export interface ClonesStackProps extends StackProps {
  /** The clones to declare. */
  readonly clones: CloneConfig[];
  /** Reference for clones that name none (the example reference distribution's id). */
  readonly defaultReferenceDistributionId?: string;
  /** Props of the stack's provider, made for this stack. @default - the built zip, arm64 */
  readonly provider?: (stack: Stack) => ClonedDistributionProviderProps;
}

/** The clones, their provider (one per stack, in the stack's region) and their outputs. */
export class ClonesStack extends Stack {
  readonly clones: ClonedDistribution[];

  constructor(scope: Construct, id: string, props: ClonesStackProps) {
    super(scope, id, props);
    const cloneProps = props.clones.map((clone): [string, ClonedDistributionProps] => {
      const referenceDistributionId = clone.referenceDistributionId ?? props.defaultReferenceDistributionId;
      if (referenceDistributionId === undefined) {
        throw new Error(`cfclone: clone ${clone.id} names no referenceDistributionId`);
      }
      const { id, serviceTimeoutSeconds, ...rest } = clone;
      const serviceTimeout = serviceTimeoutSeconds === undefined ? undefined : Duration.seconds(serviceTimeoutSeconds);
      return [id, { ...rest, referenceDistributionId, serviceTimeout }];
    });
    // Mistakes in the clones first: they are reported even before the Lambda is built.
    for (const [id, clone] of cloneProps) ClonedDistribution.validateProps(clone, `${this.node.path}/${id}`);

    const provider = ClonedDistributionProvider.getOrCreate(this, props.provider?.(this) ?? {});
    this.clones = cloneProps.map(([id, clone]) => {
      const distribution = new ClonedDistribution(this, id, { ...clone, provider });
      new CfnOutput(this, `${id}DistributionId`, { value: distribution.distributionId });
      new CfnOutput(this, `${id}DomainName`, { value: distribution.domainName });
      return distribution;
    });
  }
}
