// Shared set-up for the library's tests: an App with the feature flags of a new CDK app (the
// example app's cdk.json, which `cdk init` wrote), and Lambda code that needs no Rust build
// (the shipped zip is checked by the example app's synth and the packed-package tests).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ClonedDistributionProps } from '../lib/cloned-distribution-props';
import { ClonedDistributionProvider } from '../lib/provider';

/** The package's folder (cdk/construct). */
export const PACKAGE_DIR = path.resolve(__dirname, '..');
/** The CDK folder (cdk/: the example app, the workspace root). */
export const CDK_DIR = path.resolve(PACKAGE_DIR, '..');
export const REPO_ROOT = path.resolve(CDK_DIR, '..');

/** The feature flags of cdk.json, so tests synthesize what `cdk synth` does. */
export function newApp(): App {
  const { context } = JSON.parse(fs.readFileSync(path.join(CDK_DIR, 'cdk.json'), 'utf8'));
  return new App({ context });
}

/** Lambda code from a fixed S3 location: stable templates, no asset hashing, no Rust build. */
export function testCode(scope: Stack): lambda.Code {
  const bucket = s3.Bucket.fromBucketName(scope, 'TestArtifacts', 'cfclone-test-artifacts');
  return lambda.Code.fromBucket(bucket, 'cfclone/bootstrap.zip', 'v1');
}

/** A stack in a fixed environment whose provider runs `testCode`. */
export function newStack(app: App = newApp(), id = 'Clones', region = 'eu-west-1'): Stack {
  const stack = new Stack(app, id, { env: { account: '123456789012', region } });
  ClonedDistributionProvider.getOrCreate(stack, { code: testCode(stack) });
  return stack;
}

/** The clone the construct's tests declare, with an origin and SSM outputs. */
export const shop: ClonedDistributionProps = {
  referenceDistributionId: 'EREFERENCE12345',
  aliases: ['shop.example.com'],
  originDomainName: 'shop-origin.example.com',
  ssmParameterPrefix: '/cfclone/shop',
};
