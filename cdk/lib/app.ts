import { App, type Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AppConfig } from './config';
import type { ClonedDistributionProviderProps } from 'cfclone-cdk';
import { ClonesStack } from './stacks/clones-stack';
import { ConsumerStack } from './stacks/consumer-stack';
import { ReferenceApiStack } from './stacks/reference-api-stack';

export interface CfcloneApp {
  readonly reference?: ReferenceApiStack;
  readonly clones: ClonesStack;
  readonly consumer: ConsumerStack;
  readonly stacks: Stack[];
}

/**
 * The example app, in the shape of the multi-region article: the clones' stack (with the
 * example reference next to it, same account and region) and a consumer stack in another
 * region that reads what the clones wrote to SSM there.
 */
export interface BuildAppOptions {
  /** Props of the clones' provider, made for its stack. @default - the built zip, arm64 */
  readonly provider?: (stack: Stack) => ClonedDistributionProviderProps;
}

export function buildApp(app: App, config: AppConfig, options: BuildAppOptions = {}): CfcloneApp {
  const env = (region: string) => ({ account: config.account, region });

  const reference =
    config.referenceApi === undefined
      ? undefined
      : new ReferenceApiStack(app, `${config.stackPrefix}ReferenceApi`, {
          env: env(config.clonesRegion),
          description: 'cfclone example: a reference distribution in front of a regional REST API',
          ...config.referenceApi,
        });

  const clones = new ClonesStack(app, `${config.stackPrefix}Clones`, {
    env: env(config.clonesRegion),
    description: 'cfclone: cloned CloudFront distributions and their provider',
    clones: config.clones,
    defaultReferenceDistributionId: reference?.distribution.distributionId,
    provider: options.provider,
    deployRoleArn: config.deployRoleArn,
    apiDomainPrefix: config.api?.domainPrefix,
  });

  const consumer = new ConsumerStack(app, `${config.stackPrefix}Consumer`, {
    env: env(config.consumerRegion),
    description: "cfclone example: reads the clones' SSM parameters in another region",
    clones: config.clones.flatMap((c) =>
      c.ssmParameterPrefix === undefined ? [] : [{ id: c.id, ssmParameterPrefix: c.ssmParameterPrefix, aliases: c.aliases }],
    ),
    dns: config.dns,
  });
  // Deploy order only: no value crosses the regions except through SSM.
  consumer.addStackDependency(clones, 'reads the SSM parameters the clones write');

  return { reference, clones, consumer, stacks: [reference, clones, consumer].filter((s) => s !== undefined) };
}

/** Runs cdk-nag's AwsSolutions pack over the whole app at synth. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
