import { Duration, Stack, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { AutoSync } from './auto-sync';
import { CfcloneError } from './errors';
import { acknowledgeProviderWildcards, apiClonesStatements, providerStatements, selfInvokePolicy } from './provider-policy';
import type { ClonedDistributionProviderProps } from './provider-props';
import { codeFromBuiltZip } from './provider-zip';
import { ReferenceGrants } from './reference-grants';

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
  /** The optional grants for what the references use (one statement per sid). */
  private readonly grants: ReferenceGrants;
  /** The automatic sync's rules, one per reference. */
  private readonly autoSync: AutoSync;
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
    for (const statement of providerStatements(this.ssmParameterPrefixes)) this.role.addToPrincipalPolicy(statement);
    this.grants = new ReferenceGrants(this, this.role);
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
    selfInvokePolicy(this, this.role, this.function);
    acknowledgeProviderWildcards(this, this.logGroup, this.function);
    this.autoSync = new AutoSync(this, this.function);
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
    return this.autoSync.ruleFor(referenceDistributionId);
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
    this.apiClonesPolicy = new iam.Policy(this, 'ApiClonesPolicy', {
      roles: [this.role],
      statements: apiClonesStatements(this.function.functionArn),
    });
    return this.apiClonesPolicy;
  }

  /**
   * Lets the provider read and write the ACL of buckets that references log to
   * (`s3:GetBucketAcl`, `s3:PutBucketAcl`; see `logBuckets`).
   */
  grantLogBuckets(...buckets: (s3.IBucket | string)[]): void {
    this.grants.logBuckets(buckets);
  }

  /**
   * Lets the provider create and update distributions that invoke these Lambda@Edge functions
   * (see `edgeFunctionArns`).
   */
  grantEdgeFunctions(...functionArns: string[]): void {
    this.grants.edgeFunctions(functionArns);
  }

  /** Lets the provider use these CloudFront VPC origins in clones (see `vpcOriginIds`). */
  grantVpcOrigins(...vpcOriginIds: string[]): void {
    this.grants.vpcOrigins(vpcOriginIds);
  }

  /** Lets the provider associate these AWS WAF web ACLs with clones (see `webAclArns`). */
  grantWebAcls(...webAclArns: string[]): void {
    this.grants.webAcls(webAclArns);
  }

  /** Whether `prefix` lies under one of the provider-wide SSM prefixes. */
  coversSsmPrefix(prefix: string): boolean {
    if (Token.isUnresolved(prefix)) return false;
    return this.ssmParameterPrefixes.some((root) => prefix === root || prefix.startsWith(`${root}/`));
  }
}
