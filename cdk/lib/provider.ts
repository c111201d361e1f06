import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aws, type CfnElement, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { OWNER_STACK_TAG } from './schema';

/** The repository root (`cdk/lib/..` is `cdk/`, its parent the repository). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Environment variable that points the app at a `bootstrap.zip` built elsewhere. */
export const PROVIDER_ZIP_ENV = 'CFCLONE_PROVIDER_ZIP';
/** Context key with the same meaning (`cdk synth -c cfclone:providerZip=…`). */
export const PROVIDER_ZIP_CONTEXT = 'cfclone:providerZip';

/** cargo-lambda's name for an architecture, used in the zip's directory. */
function lambdaDirOf(architecture: lambda.Architecture): string {
  return architecture === lambda.Architecture.X86_64 ? 'x86_64' : 'arm64';
}

/** Where `cargo lambda build` leaves the provider's zip, relative to the repository root. */
export function defaultProviderZip(architecture: lambda.Architecture = lambda.Architecture.ARM_64): string {
  return path.join('target', 'lambda', lambdaDirOf(architecture), 'cfclone-provider', 'bootstrap.zip');
}

/** The command that builds the provider's zip, run from the repository root. */
export function providerBuildCommand(architecture: lambda.Architecture = lambda.Architecture.ARM_64): string {
  const arch = architecture === lambda.Architecture.X86_64 ? '' : ' --arm64';
  return (
    `cargo lambda build --release${arch} --output-format zip ` +
    `--lambda-dir target/lambda/${lambdaDirOf(architecture)} --bin cfclone-provider`
  );
}

/**
 * The provider's Lambda zip is not where the app expects it. The message says how to build
 * it; the app prints it without a stack trace.
 */
export class ProviderBuildMissingError extends Error {
  constructor(readonly zipPath: string, architecture: lambda.Architecture) {
    super(
      [
        `cfclone: the provider's Lambda zip is missing: ${zipPath}`,
        'build it first, from the repository root:',
        `  ${providerBuildCommand(architecture)}`,
        '(cargo-lambda: `pip install cargo-lambda`; `make lambda` builds the same zip with the shipped build profile).',
        `or point ${PROVIDER_ZIP_ENV} (or the context value ${PROVIDER_ZIP_CONTEXT}) at a built bootstrap.zip.`,
      ].join('\n'),
    );
    this.name = 'ProviderBuildMissingError';
  }
}

/** Properties of the provider (they apply when `getOrCreate` first creates it). */
export interface ClonedDistributionProviderProps {
  /**
   * The Lambda code: a zip whose `bootstrap` is the `cfclone-provider` binary.
   *
   * @default - the zip built by cargo-lambda (`target/lambda/arm64/cfclone-provider/bootstrap.zip`
   *   for arm64), or the file named by `CFCLONE_PROVIDER_ZIP` / context `cfclone:providerZip`;
   *   synth fails with the build command when it is missing.
   */
  readonly code?: lambda.Code;

  /**
   * Instruction set of the binary in `code`.
   *
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Memory of the Lambda, in MiB. The Rust binary needs little (a few tens of MiB measured
   * on one Create); 256 leaves headroom and buys CPU for TLS set-up. Revisit after
   * measuring in the account (`Max Memory Used` in the REPORT log lines).
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Lambda timeout. CloudFront takes minutes to deploy; the provider hands a long wait on to
   * a fresh invocation of itself shortly before this deadline.
   *
   * @default Duration.minutes(15) (Lambda's maximum)
   */
  readonly timeout?: Duration;

  /**
   * How long the provider's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * SSM path prefixes (like `/cfclone`) the provider may write under for every clone, granted
   * up front. A clone whose `ssmParameterPrefix` lies under one of them gets no grant of its
   * own; any other prefix is granted per clone. Grant a stable parent here if you plan to
   * rename clones' prefixes: a per-clone grant moves with the prefix before the update runs,
   * so the provider could not remove the parameters under the old prefix.
   *
   * @default - none: each clone's own prefix is granted
   */
  readonly ssmParameterPrefixes?: string[];

  /**
   * Extra environment variables of the Lambda (for example `RUST_LOG`).
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;
}

/**
 * The `cfclone-provider` Lambda that backs every `Custom::ClonedDistribution` of one stack.
 *
 * A custom resource's ServiceToken must be a Lambda in the stack's own region, so there is
 * one provider per stack: use `ClonedDistributionProvider.getOrCreate(scope)`.
 */
export class ClonedDistributionProvider extends Construct {
  /** The construct id of the singleton in its stack. */
  static readonly ID = 'cfclone.ClonedDistributionProvider';

  /**
   * The stack's provider, created on first use. `props` apply only to that first call;
   * passing them once the provider exists is an error (they would be ignored).
   */
  static getOrCreate(scope: IConstruct, props?: ClonedDistributionProviderProps): ClonedDistributionProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ClonedDistributionProvider.ID);
    if (existing) {
      if (props !== undefined) {
        throw new Error(
          `cfclone: the stack ${stack.node.path} already has its ClonedDistributionProvider; ` +
            'pass provider props on the first getOrCreate call, before declaring any clone',
        );
      }
      return existing as ClonedDistributionProvider;
    }
    return new ClonedDistributionProvider(stack, ClonedDistributionProvider.ID, props ?? {});
  }

  /** The provider function; its ARN is every clone's ServiceToken. */
  readonly function: lambda.Function;
  /** The function's execution role (add permissions your reference needs, e.g. Lambda@Edge). */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The SSM prefixes granted to every clone (see `ssmParameterPrefixes`). */
  readonly ssmParameterPrefixes: readonly string[];

  private constructor(scope: Stack, id: string, props: ClonedDistributionProviderProps) {
    super(scope, id);
    const architecture = props.architecture ?? lambda.Architecture.ARM_64;
    const code = props.code ?? codeFromBuiltZip(this, architecture);
    this.ssmParameterPrefixes = props.ssmParameterPrefixes ?? [];

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cfclone provider: clones CloudFront distributions for Custom::ClonedDistribution',
    });
    this.logGroup.grantWrite(this.role);

    const distributions = `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*`;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadDistributions',
        actions: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:ListTagsForResource'],
        resources: [distributions],
      }),
    );
    // CreateDistributionWithTags is authorised as CreateDistribution plus TagResource (IAM has
    // no action of its own for it). CreateDistribution has no resource-level permissions in
    // IAM's action table (the distribution has no ARN yet), so it takes "*"; it can only make
    // new distributions. TagResource names the new distribution.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CreateClones',
        actions: ['cloudfront:CreateDistribution'],
        resources: ['*'],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TagClones',
        actions: ['cloudfront:TagResource'],
        resources: [distributions],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ChangeOwnedClones',
        actions: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution'],
        resources: [distributions],
        conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: Aws.STACK_ID } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListCertificates',
        actions: ['acm:ListCertificates'],
        resources: ['*'],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeCertificates',
        actions: ['acm:DescribeCertificate'],
        // CloudFront takes its certificates from us-east-1 only.
        resources: [`arn:${Aws.PARTITION}:acm:us-east-1:${Aws.ACCOUNT_ID}:certificate/*`],
      }),
    );
    for (const prefix of this.ssmParameterPrefixes) {
      this.role.addToPrincipalPolicy(ssmStatement(prefix));
    }

    this.function = new lambda.Function(this, 'Function', {
      description: 'cfclone provider for Custom::ClonedDistribution',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture,
      handler: 'bootstrap',
      code,
      // See the props: a Rust binary needs little memory; 15 minutes is Lambda's maximum and
      // the provider continues longer waits in a fresh invocation.
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.minutes(15),
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
    });

    // Continuations: the function invokes itself asynchronously. This lives in a policy of its
    // own, because the function depends on its role's default policy and a statement naming
    // the function's ARN there would make a cycle. Clones depend on the whole provider, so
    // they wait for this policy too.
    new iam.Policy(this, 'SelfInvokePolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ContinueLongWaits',
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.functionArn],
        }),
      ],
    });

    const logGroupId = Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as CfnElement);
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/*]`,
        reason:
          'clones get ids only when created, so no narrower resource exists; Update/Delete are restricted ' +
          `by the ${OWNER_STACK_TAG} tag condition, the rest reads or tags (new clones)`,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'acm:ListCertificates and cloudfront:CreateDistribution support no resource-level permissions ' +
          '(the latter only creates new distributions)',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:acm:us-east-1:<AWS::AccountId>:certificate/*]',
        reason: 'the certificate covering the aliases is found at run time; read-only, us-east-1 only',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
        reason: "Lambda names its log streams at run time; scoped to the provider's own log group",
      },
    );
  }

  /** Whether `prefix` lies under one of the provider-wide SSM prefixes. */
  coversSsmPrefix(prefix: string): boolean {
    if (Token.isUnresolved(prefix)) return false;
    return this.ssmParameterPrefixes.some((root) => prefix === root || prefix.startsWith(`${root}/`));
  }
}

/** SSM permissions under one prefix, in every region (SsmRegions may name any). */
export function ssmStatement(prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'SsmParametersUnderPrefix',
    actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'],
    resources: [`arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:parameter${prefix}/*`],
  });
}

/** The built zip, or a ProviderBuildMissingError naming the build command. */
function codeFromBuiltZip(scope: Construct, architecture: lambda.Architecture): lambda.Code {
  const override =
    (scope.node.tryGetContext(PROVIDER_ZIP_CONTEXT) as string | undefined) ?? process.env[PROVIDER_ZIP_ENV];
  const zip = override ? path.resolve(override) : path.join(REPO_ROOT, defaultProviderZip(architecture));
  if (!fs.existsSync(zip)) {
    throw new ProviderBuildMissingError(zip, architecture);
  }
  return lambda.Code.fromAsset(zip);
}
