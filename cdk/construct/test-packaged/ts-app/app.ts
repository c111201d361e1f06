// A team's own CDK app, as the package README tells it to write one: one dependency
// (cfclone-cdk), a clone of the reference with its DNS records, an invalidation grant for the
// deploy role and the OAC grant on the assets bucket, cdk-nag's AwsSolutions pack over all of
// it. The packed-package test copies this file into a new app outside the repository.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClonedDistribution, DeletionMode } from 'cfclone-cdk';

const app = new App();
const stack = new Stack(app, 'ShopClones', { env: { account: '123456789012', region: 'eu-west-1' } });

const assets = new s3.Bucket(stack, 'Assets', {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
});
Validations.of(assets).acknowledge({
  id: 'AwsSolutions-S1',
  reason: 'the clone logs requests (CloudFront standard logging of the reference); S3 access logs would repeat them',
});

const clone = new ClonedDistribution(stack, 'Shop', {
  referenceDistributionId: 'E2QWRUHAPOMQZL',
  aliases: ['shop.example.com', 'www.shop.example.com'],
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0b5ab7c4-2f43-4b70-9f4b-1d3c3c7e6f10',
  originDomainName: assets.bucketRegionalDomainName,
  deletionMode: DeletionMode.DISABLE,
});

const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  zoneName: 'example.com',
});
clone.addAliasRecords(zone);

const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
clone.grantCreateInvalidation(deployer);
clone.grantOriginAccess(assets);

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
