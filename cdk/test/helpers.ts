// Shared set-up for the CDK tests: an App with the project's feature flags, and Lambda code
// that needs no Rust build (the real zip is checked by the app's synth in scripts/cdk-check.sh).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { AppConfig } from '../lib/config';
import { ClonedDistributionProvider } from '../lib/provider';

export const CDK_DIR = path.resolve(__dirname, '..');
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

/** The tests' fixed app configuration (a copy of the shipped example, so editing
 * config/clones.json for a deployment does not change what the tests expect). */
export function exampleConfig(): AppConfig {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'app-config.json'), 'utf8'));
}

/** The configuration the app deploys (config/clones.json). */
export const APP_CONFIG_FILE = path.join(CDK_DIR, 'config', 'clones.json');
