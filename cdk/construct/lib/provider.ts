import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aws, type CfnElement, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { CfcloneError } from './errors';
import { OWNER_STACK_TAG, RESERVED_TAG_PREFIX } from './schema';

/** Where every clone's record lies, in us-east-1 (the provider's `record::RECORD_PREFIX`). */
export const CLONE_RECORD_PREFIX = '/cfclone/records';

/**
 * The provider's zip the package carries (arm64): `scripts/construct-package build` puts it
 * there; `lib/` (the sources) and `dist/` (jsii's output) both sit beside `assets/`.
 */
export const PACKAGED_PROVIDER_ZIP = path.join(__dirname, '..', 'assets', 'bootstrap.zip');

/** Environment variable that points the app at a `bootstrap.zip` built elsewhere. */
export const PROVIDER_ZIP_ENV = 'CFCLONE_PROVIDER_ZIP';
/** Context key with the same meaning (`cdk synth -c cfclone:providerZip=…`). */
export const PROVIDER_ZIP_CONTEXT = 'cfclone:providerZip';

/**
 * The provider's Lambda zip is not where the app expects it. The message says how to get
 * one; the app prints it without a stack trace.
 */
export class ProviderBuildMissingError extends CfcloneError {
  constructor(readonly zipPath: string, architecture: lambda.Architecture) {
    const lines =
      architecture === lambda.Architecture.X86_64
        ? [
            'the package carries the arm64 build only: for x86_64 build one in the cfclone repository',
            '  scripts/lambda-zip --arch x86_64',
            'and pass it as code: lambda.Code.fromAsset(\'target/lambda/x86_64/cfclone-provider/bootstrap.zip\'),',
          ]
        : [
            'the package build puts it there; in the cfclone repository run',
            '  scripts/construct-package build',
            '(it builds it with scripts/lambda-zip: `cargo lambda build --profile dist`; scripts/setup installs cargo-lambda).',
          ];
    super(
      [
        `cfclone: the provider's Lambda zip is missing: ${zipPath}`,
        ...lines,
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
   * @default - the arm64 zip the package carries (`assets/bootstrap.zip`), or the file named by
   *   the environment variable `CFCLONE_PROVIDER_ZIP` / the context value `cfclone:providerZip`;
   *   with `architecture: X86_64`, give `code` (the package carries no x86_64 build).
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

  /**
   * The S3 buckets the references log to (standard logging, `Logging.Bucket` in the
   * reference's configuration): a bucket, or its name (`my-logs`, or `my-logs.s3.amazonaws.com`
   * as `Logging.Bucket` spells it). On CreateDistribution and UpdateDistribution with standard
   * logging, CloudFront checks that the caller may read and change the bucket's ACL, so the
   * provider gets `s3:GetBucketAcl` and `s3:PutBucketAcl` on these buckets (CloudFront Developer
   * Guide, "Permissions required to configure standard logging and to access your log files",
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html; the
   * bucket's ACL must also grant the account FULL_CONTROL).
   *
   * @default - none: cloning a reference that logs to S3 fails with AccessDenied
   */
  readonly logBuckets?: (s3.IBucket | string)[];

  /**
   * The Lambda@Edge functions the references' cache behaviours invoke, as function ARNs in
   * us-east-1, with or without the version (`arn:aws:lambda:us-east-1:ACCOUNT:function:NAME`).
   * CloudFront checks that the caller may use each associated version: the provider gets
   * `lambda:GetFunction`, `lambda:EnableReplication*` and `lambda:DisableReplication*` on the
   * function and its versions (`NAME` and `NAME:*`), and `iam:CreateServiceLinkedRole` for
   * the two Lambda@Edge service-linked roles, which CloudFront creates the first time they are
   * missing (CloudFront Developer Guide, "Set up IAM permissions and roles for Lambda@Edge",
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-permissions.html).
   *
   * @default - none: cloning a reference with Lambda@Edge associations fails with AccessDenied
   */
  readonly edgeFunctionArns?: string[];

  /**
   * The CloudFront VPC origins the references use (their ids). CreateDistribution and
   * UpdateDistribution list `cloudfront:GetVpcOrigin` as a dependent action (Service
   * Authorization Reference, Amazon CloudFront, resource type `vpcorigin`,
   * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html);
   * the provider gets it on `arn:PARTITION:cloudfront::ACCOUNT:vpcorigin/ID` for each id.
   *
   * @default - none: cloning a reference with a VPC origin fails with AccessDenied
   */
  readonly vpcOriginIds?: string[];

  /**
   * The AWS WAF (v2) web ACLs the references or the clones' `webAclId` use, as ARNs
   * (`arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID`). CloudFront verifies that the
   * caller may read the web ACL it associates (`InvalidWebACLId: Unable to verify read
   * permissions on Web ACL` otherwise); the provider gets `wafv2:GetWebACL` on them.
   *
   * @default - none
   */
  readonly webAclArns?: string[];
}

/** A prop of `ClonedDistributionProvider` holds a value the provider's IAM cannot use. */
export class ClonedDistributionProviderPropsError extends CfcloneError {
  constructor(readonly prop: keyof ClonedDistributionProviderProps, detail: string, readonly constructPath: string) {
    super(`ClonedDistributionProvider ${prop}: ${detail} (at ${constructPath})`);
    this.name = 'ClonedDistributionProviderPropsError';
  }
}

/** The service-linked roles Lambda@Edge uses; CloudFront creates them when they are missing. */
export const EDGE_SERVICE_LINKED_ROLES = [
  { service: 'replicator.lambda.amazonaws.com', role: 'AWSServiceRoleForLambdaReplicator' },
  { service: 'logger.cloudfront.amazonaws.com', role: 'AWSServiceRoleForCloudFrontLogger' },
] as const;

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
        throw new CfcloneError(
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
  readonly ssmParameterPrefixes: string[];
  /** The optional grants' statements by sid: later grants add their resources to them. */
  private readonly statements = new Map<string, iam.PolicyStatement>();
  private readonly syncRules = new Map<string, events.Rule>();
  /** The API's clones' policy, once `grantApiClones` made it. */
  private apiClonesPolicy?: iam.Policy;

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
    // Update removes the user tags that left the resource's Tags. Only on owned clones, and never
    // an ownership tag (cfclone:…): the provider keeps them, and IAM backs that up.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UntagOwnedClones',
        actions: ['cloudfront:UntagResource'],
        resources: [distributions],
        conditions: {
          StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: Aws.STACK_ID },
          'ForAllValues:StringNotLike': { 'aws:TagKeys': [`${RESERVED_TAG_PREFIX}*`] },
        },
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
    // DeletionMode: Disable does not keep a clone whose creation the stack rolls back (as
    // RetainExceptOnCreate): a Delete reads its stack's status. DescribeStacks takes the stack
    // resource (Service Authorization Reference), here this stack only.
    const ownStack = `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${Aws.STACK_NAME}/*`;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOwnStack',
        actions: ['cloudformation:DescribeStacks'],
        resources: [ownStack],
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
    // Every clone's record (what it was built from, read by `cfclone diff` and `sync`): one
    // parameter per clone under /cfclone/records in us-east-1, whatever the stack's region.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CloneRecords',
        actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'],
        resources: [`arn:${Aws.PARTITION}:ssm:us-east-1:${Aws.ACCOUNT_ID}:parameter${CLONE_RECORD_PREFIX}/*`],
      }),
    );
    this.grantLogBuckets(...(props.logBuckets ?? []));
    this.grantEdgeFunctions(...(props.edgeFunctionArns ?? []));
    this.grantVpcOrigins(...(props.vpcOriginIds ?? []));
    this.grantWebAcls(...(props.webAclArns ?? []));

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

    // Continuations: the function invokes itself asynchronously, through the ARN the event came
    // through: the function's, or a version's or an alias's (`ARN:QUALIFIER`), so that a hand-off
    // runs on the same code. This lives in a policy of its own, because the function depends on
    // its role's default policy and a statement naming the function's ARN there would make a
    // cycle. Clones depend on the whole provider, so they wait for this policy too.
    const qualifiedArns = `${this.function.functionArn}:*`;
    new iam.Policy(this, 'SelfInvokePolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ContinueLongWaits',
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.functionArn, qualifiedArns],
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
          'acm:ListCertificates, cloudfront:CreateDistribution and cloudfront:ListDistributions (automatic ' +
          'sync and the REST API only) support no resource-level permissions (CreateDistribution only creates new distributions)',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/<AWS::StackName>/*]',
        reason: "the stack's own id ends in a UUID known only once the stack exists; read-only, this stack only",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:acm:us-east-1:<AWS::AccountId>:certificate/*]',
        reason: 'the certificate covering the aliases is found at run time; read-only, us-east-1 only',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:us-east-1:<AWS::AccountId>:parameter${CLONE_RECORD_PREFIX}/*]`,
        reason: 'one record per clone, named by the clone id known only once it exists; the path cfclone owns, us-east-1 only',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
        reason: "Lambda names its log streams at run time; scoped to the provider's own log group",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagRendering(Stack.of(this).resolve(qualifiedArns))}]`,
        reason:
          'continuations invoke the version or alias the event came through, known only at run time; ' +
          "scoped to the provider's own function",
      },
    );
  }

  /**
   * Syncs this stack's clones of `referenceDistributionId` whenever the reference is edited:
   * an EventBridge rule on CloudTrail's record of a successful `UpdateDistribution` of the
   * reference invokes the provider, which brings the stack's stale clones up to date the way a
   * CloudFormation Update with a new `referenceRevision` would, a few at a time; a clone edited
   * by hand is left alone and logged. The sync is bounded (`CFCLONE_SYNC_MAX_CLONES`, default
   * 100; `CFCLONE_SYNC_WAVE`, default 5; never past the invocation's deadline) and reported in
   * the provider's logs and as CloudWatch metrics (namespace `cfclone`, dimension
   * `ReferenceDistributionId`: `ClonesUpdated`, `ClonesSkipped`, `ClonesFailed`, …).
   *
   * CloudFront is a global service whose CloudTrail events reach EventBridge in us-east-1
   * only, so the stack must be in us-east-1; and EventBridge sees them only while a CloudTrail
   * trail records the account's management events. One rule per reference, however many
   * clones ask.
   */
  syncClonesOf(referenceDistributionId: string): events.Rule {
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region !== 'us-east-1') {
      throw new CfcloneError(
        `cfclone: ${this.node.path}: automatic sync needs the stack in us-east-1, where CloudFront's ` +
          `CloudTrail events reach EventBridge; this stack is in ${stack.region}. Declare the clones ` +
          'in a us-east-1 stack, or sync from a pipeline instead: cfclone sync --reference ' +
          referenceDistributionId,
      );
    }
    const key = Token.isUnresolved(referenceDistributionId)
      ? stack.resolve(referenceDistributionId)
      : referenceDistributionId;
    const existing = this.syncRules.get(JSON.stringify(key));
    if (existing) return existing;
    if (this.syncRules.size === 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ListClones',
          actions: ['cloudfront:ListDistributions'],
          resources: ['*'],
        }),
      );
      // Only the clones of this stack: its role may change no others.
      this.function.addEnvironment('CFCLONE_SYNC_STACKS', Aws.STACK_ID);
    }
    const rule = new events.Rule(this, `SyncRule${this.syncRules.size + 1}`, {
      description: 'cfclone: sync the clones of a reference distribution after it is edited',
      eventPattern: {
        source: ['aws.cloudfront'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cloudfront.amazonaws.com'],
          eventName: events.Match.prefix('UpdateDistribution'),
          errorCode: events.Match.doesNotExist(),
          requestParameters: { id: [referenceDistributionId] },
        },
      },
    });
    rule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }));
    this.syncRules.set(JSON.stringify(key), rule);
    return rule;
  }

  /**
   * Lets the provider change, untag and delete the clones the REST API made (`ClonesApi` calls
   * it). The API's clones carry the function's unqualified ARN as their `cfclone:stack-id` (the
   * provider's `rest::Context::owner`), not a stack id, so the stack's statements do not cover
   * them. A policy of its own: in the role's default policy the function's ARN would make a
   * dependency cycle (the function depends on that policy).
   */
  grantApiClones(): iam.Policy {
    if (this.apiClonesPolicy !== undefined) return this.apiClonesPolicy;
    const distributions = `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*`;
    const owned = { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: this.function.functionArn };
    this.apiClonesPolicy = new iam.Policy(this, 'ApiClonesPolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ChangeApiClones',
          actions: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution'],
          resources: [distributions],
          conditions: { StringEquals: owned },
        }),
        new iam.PolicyStatement({
          sid: 'UntagApiClones',
          actions: ['cloudfront:UntagResource'],
          resources: [distributions],
          conditions: {
            StringEquals: owned,
            'ForAllValues:StringNotLike': { 'aws:TagKeys': [`${RESERVED_TAG_PREFIX}*`] },
          },
        }),
      ],
    });
    return this.apiClonesPolicy;
  }

  /**
   * Lets the provider read and write the ACL of buckets that references log to
   * (`s3:GetBucketAcl`, `s3:PutBucketAcl`; see `logBuckets`).
   */
  grantLogBuckets(...buckets: (s3.IBucket | string)[]): void {
    if (buckets.length === 0) return;
    this.statement('StandardLoggingBucketAcls', ['s3:GetBucketAcl', 's3:PutBucketAcl']).addResources(
      ...buckets.map((bucket) => (typeof bucket === 'string' ? logBucketArn(bucket, this.node.path) : bucket.bucketArn)),
    );
  }

  /**
   * Lets the provider create and update distributions that invoke these Lambda@Edge functions
   * (see `edgeFunctionArns`).
   */
  grantEdgeFunctions(...functionArns: string[]): void {
    if (functionArns.length === 0) return;
    // Two versions of one function are one function here.
    const functions = [...new Set(functionArns.map((arn) => unqualifiedEdgeFunctionArn(arn, this.node.path)))];
    const resources = functions.flatMap((unqualified) => [unqualified, `${unqualified}:*`]);
    this.statement('EdgeFunctionReplication', [
      'lambda:GetFunction',
      'lambda:EnableReplication*',
      'lambda:DisableReplication*',
    ]).addResources(...resources);
    if (!this.statements.has('EdgeServiceLinkedRoles')) {
      this.statement('EdgeServiceLinkedRoles', ['iam:CreateServiceLinkedRole'], {
        StringEquals: { 'iam:AWSServiceName': EDGE_SERVICE_LINKED_ROLES.map((r) => r.service) },
      }).addResources(
        ...EDGE_SERVICE_LINKED_ROLES.map(
          (r) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${r.service}/${r.role}`,
        ),
      );
    }
    const stack = Stack.of(this);
    Validations.of(this).acknowledge(
      ...['lambda:EnableReplication*', 'lambda:DisableReplication*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'CloudFront requires the trailing asterisk on this action (Developer Guide, "Set up IAM permissions ' +
          'and roles for Lambda@Edge"); scoped to the listed edge functions',
      })),
      ...resources
        .filter((_, i) => i % 2 === 1)
        .flatMap((versions) => {
          const rendered = nagRendering(stack.resolve(versions));
          return rendered === undefined
            ? []
            : [
                {
                  id: `AwsSolutions-IAM5[Resource::${rendered}]`,
                  reason: "the reference's associations name function versions; scoped to this function's versions",
                },
              ];
        }),
    );
  }

  /** Lets the provider use these CloudFront VPC origins in clones (see `vpcOriginIds`). */
  grantVpcOrigins(...vpcOriginIds: string[]): void {
    if (vpcOriginIds.length === 0) return;
    this.statement('ReadVpcOrigins', ['cloudfront:GetVpcOrigin']).addResources(
      ...vpcOriginIds.map((id) => {
        if (!Token.isUnresolved(id) && !/^[A-Za-z0-9_-]+$/.test(id)) {
          throw new ClonedDistributionProviderPropsError(
            'vpcOriginIds',
            `${JSON.stringify(id)} is not a VPC origin id (the Id of the reference's VpcOriginConfig)`,
            this.node.path,
          );
        }
        return `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:vpcorigin/${id}`;
      }),
    );
  }

  /** Lets the provider associate these AWS WAF web ACLs with clones (see `webAclArns`). */
  grantWebAcls(...webAclArns: string[]): void {
    if (webAclArns.length === 0) return;
    for (const arn of webAclArns) {
      if (!Token.isUnresolved(arn) && !/^arn:[a-z-]+:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[^/]+$/.test(arn)) {
        throw new ClonedDistributionProviderPropsError(
          'webAclArns',
          `${JSON.stringify(arn)} is not the ARN of a global (CloudFront) AWS WAF web ACL ` +
            '(arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/NAME/ID)',
          this.node.path,
        );
      }
    }
    this.statement('ReadWebAcls', ['wafv2:GetWebACL']).addResources(...webAclArns);
  }

  /** The role's statement with this sid, created on first use (one statement per sid). */
  private statement(sid: string, actions: string[], conditions?: Record<string, unknown>): iam.PolicyStatement {
    let statement = this.statements.get(sid);
    if (statement === undefined) {
      statement = new iam.PolicyStatement({ sid, actions, conditions });
      this.statements.set(sid, statement);
      this.role.addToPrincipalPolicy(statement);
    }
    return statement;
  }

  /** Whether `prefix` lies under one of the provider-wide SSM prefixes. */
  coversSsmPrefix(prefix: string): boolean {
    if (Token.isUnresolved(prefix)) return false;
    return this.ssmParameterPrefixes.some((root) => prefix === root || prefix.startsWith(`${root}/`));
  }
}

/**
 * How cdk-nag writes a value in a finding id: literals as they are, `Ref` and `Fn::GetAtt` in
 * `<>`, `Fn::Join` with an empty delimiter as its parts written one after another.
 */
export function nagRendering(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'object' && resolved !== null) {
    const ref = (resolved as { Ref?: unknown }).Ref;
    if (typeof ref === 'string') return `<${ref}>`;
    const getAtt = (resolved as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.length === 2) return `<${getAtt[0]}.${getAtt[1]}>`;
    const join = (resolved as { 'Fn::Join'?: unknown })['Fn::Join'];
    if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
      const parts = join[1].map(nagRendering);
      return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
    }
  }
  return undefined;
}

/** `arn:…:s3:::NAME` for a bucket name, or for `NAME.s3.amazonaws.com` as `Logging.Bucket` spells it. */
function logBucketArn(bucket: string, constructPath: string): string {
  if (Token.isUnresolved(bucket)) return `arn:${Aws.PARTITION}:s3:::${bucket}`;
  const name = bucket.replace(/\.s3(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/, '');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
    throw new ClonedDistributionProviderPropsError(
      'logBuckets',
      `${JSON.stringify(bucket)} is not a bucket name (like my-logs, or my-logs.s3.amazonaws.com)`,
      constructPath,
    );
  }
  return `arn:${Aws.PARTITION}:s3:::${name}`;
}

/** The function's ARN without a version or alias; Lambda@Edge functions live in us-east-1. */
function unqualifiedEdgeFunctionArn(arn: string, constructPath: string): string {
  if (Token.isUnresolved(arn)) return arn;
  const parts = arn.split(':');
  if (parts.length < 7 || parts.length > 8 || parts[0] !== 'arn' || parts[2] !== 'lambda' || parts[5] !== 'function') {
    throw new ClonedDistributionProviderPropsError(
      'edgeFunctionArns',
      `${JSON.stringify(arn)} is not a Lambda function ARN (arn:aws:lambda:us-east-1:ACCOUNT:function:NAME)`,
      constructPath,
    );
  }
  if (parts[3] !== 'us-east-1') {
    throw new ClonedDistributionProviderPropsError(
      'edgeFunctionArns',
      `${JSON.stringify(arn)} is in ${parts[3]}; Lambda@Edge functions are in us-east-1`,
      constructPath,
    );
  }
  return parts.slice(0, 7).join(':');
}

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

/** SSM permissions under one prefix, in every region (SsmRegions may name any). */
export function ssmStatement(prefix: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'SsmParametersUnderPrefix',
    actions: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameters'],
    resources: [`arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:parameter${prefix}/*`],
  });
}

/** The zip named by the context or the environment, else the package's; or a ProviderBuildMissingError. */
function codeFromBuiltZip(scope: Construct, architecture: lambda.Architecture): lambda.Code {
  const override =
    (scope.node.tryGetContext(PROVIDER_ZIP_CONTEXT) as string | undefined) ?? process.env[PROVIDER_ZIP_ENV];
  const packaged = architecture === lambda.Architecture.ARM_64 ? PACKAGED_PROVIDER_ZIP : undefined;
  const zip = override ? path.resolve(override) : packaged;
  if (zip === undefined || !fs.existsSync(zip)) {
    throw new ProviderBuildMissingError(zip ?? '(none for x86_64)', architecture);
  }
  return lambda.Code.fromAsset(zip);
}
