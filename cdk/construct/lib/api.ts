import { Aws, CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ClonedDistributionProvider } from './provider';

/** The scope of the reads. */
export const READ_SCOPE = 'read';
/** The scope of the changes. */
export const WRITE_SCOPE = 'write';
/** The resource server's identifier: scopes read `clones/read`, `clones/write`. */
export const RESOURCE_SERVER = 'clones';

/**
 * The API's routes, each with the scope it needs (`api/openapi.json` describes the same;
 * the package's tests hold the two together, and the provider's own test holds the document
 * to the Rust routes).
 */
export const API_ROUTES: { method: string; path: string; scope: string }[] = [
  { method: 'GET', path: '/clones', scope: READ_SCOPE },
  { method: 'POST', path: '/clones', scope: WRITE_SCOPE },
  { method: 'GET', path: '/clones/{id}', scope: READ_SCOPE },
  { method: 'PATCH', path: '/clones/{id}', scope: WRITE_SCOPE },
  { method: 'DELETE', path: '/clones/{id}', scope: WRITE_SCOPE },
  { method: 'GET', path: '/clones/{id}/diff', scope: READ_SCOPE },
  { method: 'POST', path: '/clones/{id}/sync', scope: WRITE_SCOPE },
  { method: 'POST', path: '/plan', scope: READ_SCOPE },
  { method: 'GET', path: '/clone_distribution', scope: WRITE_SCOPE },
  { method: 'POST', path: '/clone_distribution', scope: WRITE_SCOPE },
];

/** Properties of a `ClonesApi`. */
export interface ClonesApiProps {
  /**
   * The domain prefix of the user pool's hosted domain, where clients get their tokens
   * (`https://PREFIX.auth.REGION.amazoncognito.com/oauth2/token`); unique in the region.
   */
  readonly domainPrefix: string;

  /**
   * The provider that answers the API (the same function that backs the stack's clones).
   *
   * @default - the stack's provider, `ClonedDistributionProvider.getOrCreate(this)`
   */
  readonly provider?: ClonedDistributionProvider;

  /**
   * Steady requests per second the stage accepts.
   *
   * @default 10
   */
  readonly throttlingRateLimit?: number;

  /**
   * Requests the stage accepts in a burst.
   *
   * @default 20
   */
  readonly throttlingBurstLimit?: number;

  /**
   * The stage's name.
   *
   * @default 'v1'
   */
  readonly stageName?: string;

  /**
   * How long the access logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * cfclone over HTTPS, as the article it grew out of offered it: an API Gateway REST API whose
 * every method requires a Cognito access token with the route's scope (`clones/read` or
 * `clones/write`), proxied to the provider; a user pool with a resource server and an app
 * client for the client-credentials flow; throttling and JSON access logs on the stage.
 */
export class ClonesApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly userPool: cognito.UserPool;
  /** The app client (client-credentials flow, both scopes); its secret is in Cognito. */
  readonly client: cognito.UserPoolClient;
  /** Where clients get tokens (the OAuth2 token endpoint of the user pool's domain). */
  readonly tokenUrl: string;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ClonesApiProps) {
    super(scope, id);
    const provider = props.provider ?? ClonedDistributionProvider.getOrCreate(this);
    // What the API reads beyond a stack's clones (GET /clones reads cfclone's index, which
    // every provider role reads): POST /plan asks CloudFront about each alias, and lists the
    // account's distributions when that leaves a question or with ?listAccount=true (the
    // quota; ListDistributions has no resource-level permissions) (ListDomainConflicts, and
    // ListConflictingAliases when that is denied or unknown, on the reference named:
    // resource type distribution).
    provider.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ApiListDistributions', actions: ['cloudfront:ListDistributions'], resources: ['*'] }),
    );
    provider.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ApiPlanAliases',
        actions: ['cloudfront:ListConflictingAliases', 'cloudfront:ListDomainConflicts'],
        resources: [`arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*`],
      }),
    );

    // The clones the API makes are owned by the function (their cfclone:stack-id is its ARN):
    // PATCH, DELETE and sync change them.
    provider.grantApiClones();

    // Machine clients only: no sign-up, no users signing in through the hosted UI.
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    const read = new cognito.ResourceServerScope({ scopeName: READ_SCOPE, scopeDescription: 'read clones and plan' });
    const write = new cognito.ResourceServerScope({ scopeName: WRITE_SCOPE, scopeDescription: 'make clones' });
    const server = this.userPool.addResourceServer('ResourceServer', { identifier: RESOURCE_SERVER, scopes: [read, write] });
    this.client = this.userPool.addClient('Client', {
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        // Literal scopes (clones/read, clones/write), for the policies and the docs to name.
        scopes: [read, write].map((s) => cognito.OAuthScope.custom(`${RESOURCE_SERVER}/${s.scopeName}`)),
      },
      accessTokenValidity: Duration.hours(1),
    });
    // The scopes must exist before a client may name them.
    this.client.node.addDependency(server);
    this.tokenUrl = `${domain.baseUrl()}/oauth2/token`;

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'cfclone: CloudFront distributions cloned from a reference (Cognito client credentials)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName ?? 'v1',
        throttlingRateLimit: props.throttlingRateLimit ?? 10,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 20,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [this.userPool] });
    const validator = this.api.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true });
    const integration = new apigateway.LambdaIntegration(provider.function, { proxy: true });
    for (const route of API_ROUTES) {
      const resource = route.path
        .split('/')
        .filter((part) => part !== '')
        .reduce((parent: apigateway.IResource, part) => parent.getResource(part) ?? parent.addResource(part), this.api.root);
      const required = route.path === '/clone_distribution' ? ['domain', 'origin', 'ref_dist'] : [];
      resource.addMethod(route.method, integration, {
        authorizationType: apigateway.AuthorizationType.COGNITO,
        authorizer,
        authorizationScopes: [`${RESOURCE_SERVER}/${route.scope}`],
        requestValidator: validator,
        requestParameters: Object.fromEntries(required.map((name) => [`method.request.querystring.${name}`, true])),
      });
    }

    new CfnOutput(this, 'Url', { value: this.api.url });
    new CfnOutput(this, 'TokenUrl', { value: this.tokenUrl });
    new CfnOutput(this, 'ClientId', { value: this.client.userPoolClientId });

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason: 'attach a WAF web ACL to the stage if the API is reachable from the internet; the token and its scopes guard every method',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason: 'execution logging needs the account-wide API Gateway CloudWatch role, which a library must not change; access logging is on',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'the Plus feature plan adds threat protection for user sign-ins; this pool has machine clients only (client credentials)',
      },
      {
        id: 'AwsSolutions-COG3',
        reason: 'threat protection (the Plus feature plan) guards user sign-ins; this pool has machine clients only (client credentials)',
      },
    );
  }
}
