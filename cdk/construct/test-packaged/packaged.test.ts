// The package as a user gets it: the tarball and the wheel `scripts/construct-package pack`
// made (cdk/construct/dist-packages), each installed into a new app outside the repository,
// which synthesizes a clone with alias records, an invalidation grant and an OAC bucket grant.
// The TypeScript app type-checks against the shipped .d.ts files and runs cdk-nag; the Python
// app runs through the generated Python package (jsii), offline; cfn-lint checks both templates.
//
// Run by scripts/cdk-check.sh after the pack; alone: (cd cdk && node --import tsx --test
// construct/test-packaged/packaged.test.ts).
import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

const HERE = __dirname;
const PACKAGE_DIR = path.resolve(HERE, '..');
const CDK_DIR = path.resolve(PACKAGE_DIR, '..');
const REPO_ROOT = path.resolve(CDK_DIR, '..');
const PACKAGES = path.join(PACKAGE_DIR, 'dist-packages');
const RESOURCE_TYPE = 'Custom::ClonedDistribution';

/** The one file in dist-packages/<dir> that ends with `suffix`, or a failure naming the fix. */
function packed(dir: string, suffix: string): string {
  const folder = path.join(PACKAGES, dir);
  const found = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith(suffix)) : [];
  assert.equal(found.length, 1, `expected one *${suffix} in ${folder}, found ${found.length}: run scripts/construct-package pack`);
  return path.join(folder, found[0]);
}

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: options.cwd, encoding: 'utf8', env: { ...process.env, ...options.env } });
  assert.equal(result.error, undefined, `${command} did not start: ${result.error}`);
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file, 'latin1'), 'latin1').digest('hex');
}

type Resources = Record<string, { Type: string; Properties?: any }>;

function template(outdir: string): Resources {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'ShopClones.template.json'), 'utf8')).Resources;
}

function ofType(resources: Resources, type: string): [string, any][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

const CFN_LINT = path.join(REPO_ROOT, '.venv', 'bin', 'cfn-lint');

/** What both apps must have made: the clone, its records, the two grants, the packaged zip;
 * and a template cfn-lint finds no error in (W3005, as scripts/cdk-check.sh says, is how the
 * CDK writes a clone's dependency on its provider). */
function assertClone(outdir: string): void {
  assert.ok(fs.existsSync(CFN_LINT), `${CFN_LINT} is missing: run scripts/setup`);
  const templateFile = path.join(outdir, 'ShopClones.template.json');
  run(CFN_LINT, ['--non-zero-exit-code', 'error', '--ignore-checks', 'W3005', '--', templateFile], { cwd: outdir });
  const resources = template(outdir);
  const clones = ofType(resources, RESOURCE_TYPE);
  assert.equal(clones.length, 1, 'one Custom::ClonedDistribution');
  const [cloneId, clone] = clones[0];
  assert.equal(clone.Properties.ReferenceDistributionId, 'E2QWRUHAPOMQZL');
  assert.deepEqual(clone.Properties.Aliases, ['shop.example.com', 'www.shop.example.com']);
  assert.equal(clone.Properties.DeletionMode, 'Disable');

  // A and AAAA for each alias, aliases of the clone's domain name in CloudFront's zone.
  const records = ofType(resources, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);
  assert.deepEqual(
    records.map((r) => `${r.Type} ${r.Name}`).sort(),
    ['A shop.example.com.', 'A www.shop.example.com.', 'AAAA shop.example.com.', 'AAAA www.shop.example.com.'],
  );
  for (const record of records) {
    assert.equal(record.HostedZoneId, 'Z0123456789ABCDEFGHIJ');
    // CloudFront's alias zone (Z2FDTNDATAQYW2 in the aws partition), by partition.
    assert.deepEqual(record.AliasTarget.HostedZoneId['Fn::FindInMap']?.[0], 'AWSCloudFrontPartitionHostedZoneIdMap');
    assert.deepEqual(record.AliasTarget.DNSName, { 'Fn::GetAtt': [cloneId, 'DomainName'] });
  }

  // The deploy role may invalidate this clone, and nothing else.
  const statements = ofType(resources, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const invalidation = statements.filter((s) => s.Action === 'cloudfront:CreateInvalidation');
  assert.equal(invalidation.length, 1, 'one statement grants cloudfront:CreateInvalidation');
  assert.deepEqual(invalidation[0].Resource, { 'Fn::GetAtt': [cloneId, 'Arn'] });

  // The bucket lets CloudFront read it for this clone only (OAC).
  const bucketStatements = ofType(resources, 'AWS::S3::BucketPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const oac = bucketStatements.filter((s) => s.Principal?.Service === 'cloudfront.amazonaws.com');
  assert.equal(oac.length, 1, 'one bucket policy statement for cloudfront.amazonaws.com');
  assert.equal(oac[0].Action, 's3:GetObject');
  assert.deepEqual(oac[0].Condition, { StringEquals: { 'AWS:SourceArn': { 'Fn::GetAtt': [cloneId, 'Arn'] } } });

  // The provider runs the zip the package carries, on arm64.
  const functions = ofType(resources, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Handler === 'bootstrap');
  assert.equal(functions.length, 1, 'one provider function');
  assert.deepEqual(functions[0][1].Properties.Architectures, ['arm64']);
  const staged = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.') && f.endsWith('.zip'));
  assert.equal(staged.length, 1, `one zip asset in ${outdir}: ${staged}`);
  assert.equal(sha256(path.join(outdir, staged[0])), sha256(path.join(PACKAGE_DIR, 'assets', 'bootstrap.zip')));
}

const workspace = JSON.parse(fs.readFileSync(path.join(CDK_DIR, 'package.json'), 'utf8'));
const version = (name: string): string => workspace.dependencies[name] ?? workspace.devDependencies[name];
const scratch: string[] = [];
after(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function newDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  assert.ok(!path.relative(REPO_ROOT, dir).match(/^[^.]/), 'the app lives outside the repository');
  return dir;
}

describe('the packed npm package in a new TypeScript app', () => {
  let app: string;
  before(() => {
    const tarball = packed('js', '.tgz');
    app = newDir('cfclone-ts-app-');
    fs.copyFileSync(path.join(HERE, 'ts-app', 'app.ts'), path.join(app, 'app.ts'));
    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: 'shop-clones',
        private: true,
        dependencies: {
          'aws-cdk-lib': version('aws-cdk-lib'),
          constructs: version('constructs'),
          'cdk-nag': version('cdk-nag'),
          'cfclone-cdk': `file:${tarball}`,
        },
        devDependencies: { '@types/node': version('@types/node'), tsx: version('tsx'), typescript: version('typescript') },
      }),
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true } }),
    );
    // The workspace's `npm ci` filled npm's cache with these very versions.
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
  });

  it('installs the package with its prebuilt provider zip and no Rust build', () => {
    const installed = path.join(app, 'node_modules', 'cfclone-cdk');
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), 'installed from the tarball, not linked to the sources');
    assert.equal(sha256(path.join(installed, 'assets', 'bootstrap.zip')), sha256(path.join(PACKAGE_DIR, 'assets', 'bootstrap.zip')));
    assert.ok(!fs.existsSync(path.join(installed, 'lib')), 'the TypeScript sources are not shipped');
  });

  it('type-checks against the shipped declarations', () => {
    run(path.join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'], { cwd: app });
  });

  it('synthesizes the clone with alias records, an invalidation grant and an OAC grant, cdk-nag clean', () => {
    const outdir = path.join(app, 'cdk.out');
    run(process.execPath, ['--import', 'tsx', 'app.ts'], { cwd: app, env: { CDK_OUTDIR: outdir } });
    assertClone(outdir);
  });

  it('fails the synth when cdk-nag finds an unsuppressed rule (the check runs)', () => {
    const source = fs.readFileSync(path.join(app, 'app.ts'), 'utf8');
    const unsuppressed = source.replace(/Validations\.of\(assets\)\.acknowledge\(\{[\s\S]*?\}\);/, '');
    assert.notEqual(unsuppressed, source);
    fs.writeFileSync(path.join(app, 'unsuppressed.ts'), unsuppressed);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'unsuppressed.ts'], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: path.join(app, 'cdk.out.unsuppressed') },
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stdout + result.stderr, /AwsSolutions-S1/);
  });
});

describe('the generated Python package in a Python CDK app', () => {
  const python = path.join(REPO_ROOT, '.venv', 'bin', 'python');

  it('synthesizes the same clone through jsii, offline', () => {
    assert.ok(fs.existsSync(python), `${python} is missing: run scripts/setup (aws-cdk-lib for Python goes into .venv)`);
    const wheel = packed('python', '.whl');
    const dir = newDir('cfclone-py-app-');
    const site = path.join(dir, 'site-packages');
    // --no-deps: aws-cdk-lib, constructs and jsii come from .venv (scripts/requirements.txt).
    run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', site, wheel], { cwd: dir });
    fs.copyFileSync(path.join(HERE, 'python-app', 'app.py'), path.join(dir, 'app.py'));
    const outdir = path.join(dir, 'cdk.out');
    run(python, ['app.py'], { cwd: dir, env: { PYTHONPATH: site, CDK_OUTDIR: outdir } });
    assertClone(outdir);
  });
});
