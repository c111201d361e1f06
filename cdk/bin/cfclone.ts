#!/usr/bin/env node
// The cfclone CDK app: `npx cdk synth` / `npx cdk deploy --all` from cdk/.
// Configuration: config/clones.json, or another file with `-c config=path/to/file.json`.
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addNagChecks, buildApp } from '../lib/app';
import { CfcloneErrors } from 'cfclone-cdk';
import { ConfigError, loadConfig } from '../lib/config';

try {
  const app = new App();
  const configFile = (app.node.tryGetContext('config') as string | undefined) ?? path.join(__dirname, '..', 'config', 'clones.json');
  buildApp(app, loadConfig(path.resolve(configFile)));
  addNagChecks(app);
  app.synth();
} catch (e) {
  // Mistakes in the configuration or a missing build: the message says what to do; a stack
  // trace would only hide it.
  if (e instanceof ConfigError || CfcloneErrors.isCfcloneError(e)) {
    console.error((e as Error).message);
    process.exit(1);
  }
  throw e;
}
