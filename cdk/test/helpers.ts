// Shared set-up for the example app's tests; the App and the Lambda code are the library's
// test helpers (construct/test/helpers.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../lib/config';

export { CDK_DIR, REPO_ROOT, newApp, newStack, testCode } from '../construct/test/helpers';

/** The tests' fixed app configuration (a copy of the shipped example, so editing
 * config/clones.json for a deployment does not change what the tests expect). */
export function exampleConfig(): AppConfig {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'app-config.json'), 'utf8'));
}

/** The configuration the app deploys (config/clones.json). */
export const APP_CONFIG_FILE = path.join(__dirname, '..', 'config', 'clones.json');
