import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface ReferenceApiStackProps extends StackProps {
  /** API stage; the distribution's origin path is `/{stageName}`. */
  readonly stageName: string;
  /** Custom domain of the distribution. @default - none (CloudFront's own domain) */
  readonly domainName?: string;
  /** ACM certificate in us-east-1 covering `domainName`. @default - none */
  readonly certificateArn?: string;
}

/** The id of the reference's S3 origin (behaviour `static/*`), which clones may override. */
export const STATIC_ORIGIN_ID = 'static';

/**
 * An example reference distribution: a regional API Gateway REST API behind a CloudFront
 * distribution of its own, set up the way AWS recommends for that (HTTPS only to the origin,
 * TLS 1.2, origin path = stage, Authorization forwarded for IAM-authorised methods, an
 * optional custom domain), and static files under `static/*` from an S3 bucket read through
 * origin access control (OAC). Clones copy all of it and swap the domain and origins.
 */
export class ReferenceApiStack extends Stack {
  readonly api: apigateway.RestApi;
  readonly distribution: cloudfront.Distribution;
  /** The bucket of the `static/*` behaviour (origin id `static`). */
  readonly staticBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ReferenceApiStackProps) {
    super(scope, id, props);

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'cfclone example: the API behind the reference distribution',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
      // IAM authorisation: callers sign with SigV4, so CloudFront must forward Authorization.
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
    });
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // GET /greetings, answered by API Gateway itself (no Lambda needed for the example).
    this.api.root.addResource('greetings').addMethod(
      'GET',
      new apigateway.MockIntegration({
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        integrationResponses: [{ statusCode: '200', responseTemplates: { 'application/json': '{"message": "hello"}' } }],
      }),
      { methodResponses: [{ statusCode: '200' }], requestValidator: validator },
    );

    // The Authorization header can only reach the origin through the cache key.
    const cachePolicy = new cloudfront.CachePolicy(this, 'ApiCachePolicy', {
      comment: 'cfclone example: API responses keyed on Authorization; cached only when the API says so',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const certificate =
      props.certificateArn === undefined
        ? undefined
        : acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn);

    // Static files through OAC: the bucket stays private and its policy names this
    // distribution; a clone with a bucket of its own needs that bucket's policy to name it.
    this.staticBucket = new s3.Bucket(this, 'Static', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'cfclone example reference: regional REST API',
      defaultBehavior: {
        origin: new origins.HttpOrigin(`${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          originPath: `/${props.stageName}`,
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy,
        // API Gateway needs its own Host header; everything else the viewer sent goes through.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      additionalBehaviors: {
        'static/*': {
          origin: origins.S3BucketOrigin.withOriginAccessControl(this.staticBucket, { originId: STATIC_ORIGIN_ID }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        },
      },
      domainNames: props.domainName === undefined ? undefined : [props.domainName],
      certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });

    new CfnOutput(this, 'ReferenceDistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'ReferenceDomainName', { value: this.distribution.distributionDomainName });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason: 'example API: WAF belongs on the distribution in front of it (AwsSolutions-CFR2)',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'execution logging needs an account-wide API Gateway CloudWatch role, which an example should not change; ' +
          'access logging is on',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'the example authorises with IAM (SigV4), the case in which CloudFront must forward Authorization',
      },
      {
        id: 'AwsSolutions-S1',
        reason: 'example static bucket: CloudFront logging (AwsSolutions-CFR3) is where its requests would be logged',
      },
      {
        id: 'AwsSolutions-CFR1',
        reason: 'example distribution: no geo restriction; clones copy whatever the reference sets',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'example distribution: attach your WAF web ACL here, and clones copy it (or set webAclId per clone)',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'example distribution: access logging needs a log bucket of your own; clones copy the reference logging',
      },
    );
  }
}
