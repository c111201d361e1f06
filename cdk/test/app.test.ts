// The example app: the clones' stack, the consumer in another region reading SSM natively,
// the example reference in front of API Gateway, cdk-nag, and one snapshot as a tripwire.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { App, CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, type CfcloneApp } from '../lib/app';
import { type AppConfig, checkConfig, loadConfig } from '../lib/config';
import { APP_CONFIG_FILE, CDK_DIR, exampleConfig, newApp, testCode } from './helpers';

const SNAPSHOT = path.join(__dirname, 'snapshots', 'clones-stack.template.json');
const UPDATE_SNAPSHOTS = process.env.UPDATE_SNAPSHOTS === '1';

function build(config: AppConfig = exampleConfig()): { app: App; stacks: CfcloneApp } {
  const app = newApp();
  const stacks = buildApp(app, checkConfig(config, 'test/fixtures/app-config.json'), {
    provider: (stack) => ({ code: testCode(stack) }),
  });
  return { app, stacks };
}

describe('the example app', () => {
  it('puts the clones and the consumer in different regions of one account', () => {
    const { stacks } = build();
    assert.equal(stacks.clones.region, 'eu-west-1');
    assert.equal(stacks.consumer.region, 'us-east-1');
    assert.equal(stacks.clones.account, stacks.consumer.account);
    assert.ok(stacks.consumer.dependencies.includes(stacks.clones), 'the consumer deploys after the clones');
  });

  it("writes each clone's SSM parameters to the consumer's region too", () => {
    const { stacks } = build();
    const template = Template.fromStack(stacks.clones);
    for (const prefix of ['/cfclone/shop', '/cfclone/blog']) {
      template.hasResourceProperties('Custom::ClonedDistribution', {
        SsmParameterPrefix: prefix,
        SsmRegions: Match.arrayWith([stacks.consumer.region]),
      });
    }
  });

  it('clones the example reference through a same-region stack output', () => {
    const { stacks } = build();
    const template = Template.fromStack(stacks.clones);
    const [resource] = Object.values(template.findResources('Custom::ClonedDistribution'));
    const reference = JSON.stringify(resource.Properties.ReferenceDistributionId);
    assert.match(reference, /CfcloneReferenceApi/);
  });

  it('has the consumer read the parameters natively, with no cross-region reference', () => {
    const { stacks } = build();
    const template = Template.fromStack(stacks.consumer);
    const parameters = template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' });
    const names = Object.values(parameters).map((p) => p.Default).sort();
    assert.deepEqual(
      names.filter((n: string) => n.startsWith('/cfclone/')),
      ['/cfclone/blog/distribution-id', '/cfclone/blog/domain-name', '/cfclone/shop/distribution-id', '/cfclone/shop/domain-name'],
    );
    const json = JSON.stringify(template.toJSON());
    assert.doesNotMatch(json, /Fn::ImportValue|Fn::GetStackOutput|Custom::/);
  });

  it("points every clone alias at the clone's domain name read from SSM", () => {
    const { stacks } = build();
    const template = Template.fromStack(stacks.consumer);
    const parameters = template.findParameters('*', { Default: '/cfclone/shop/domain-name' });
    const [shopDomain] = Object.keys(parameters);
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'shop.example.com.',
        Type: type,
        HostedZoneId: 'Z0123456789EXAMPLE',
        AliasTarget: {
          DNSName: { Ref: shopDomain },
          HostedZoneId: { 'Fn::FindInMap': ['AWSCloudFrontPartitionHostedZoneIdMap', { Ref: 'AWS::Partition' }, 'zoneId'] },
        },
      });
    }
    template.hasMapping('AWSCloudFrontPartitionHostedZoneIdMap', { aws: { zoneId: 'Z2FDTNDATAQYW2' } });
    // shop (1 alias) + blog (2 aliases), A and AAAA each.
    template.resourceCountIs('AWS::Route53::RecordSet', 6);
  });

  it('fronts the example API the AWS way: HTTPS only, TLS 1.2, origin path = stage, Authorization forwarded', () => {
    const { stacks } = build();
    assert.ok(stacks.reference);
    const template = Template.fromStack(stacks.reference);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['api.example.com'],
        ViewerCertificate: Match.objectLike({ SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' }),
        Origins: Match.arrayWith([
          Match.objectLike({
            OriginPath: '/prod',
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
          }),
        ]),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only' }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
        }),
      }),
    });
  });

  it("serves the reference's static/* from a private bucket through OAC", () => {
    const { stacks } = build();
    const template = Template.fromStack(stacks.reference!);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution.Properties.DistributionConfig;
    assert.deepEqual(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern), ['static/*']);
    const s3Origin = config.Origins.find((o: { Id: string }) => o.Id === 'static');
    assert.ok(s3Origin?.OriginAccessControlId, 'the static origin signs with OAC');
  });

  it('gives a clone with staticBucket its own bucket as origin "static", readable by that clone alone', () => {
    const { stacks } = build();
    const template = Template.fromStack(stacks.clones);
    const shop = stacks.clones.clones.find((c) => c.node.id === 'Shop')!;
    const shopId = stacks.clones.getLogicalId(shop.resource.node.defaultChild as CfnResource);
    template.hasResourceProperties('Custom::ClonedDistribution', {
      Aliases: ['shop.example.com'],
      Origins: [{ Id: 'static', DomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ShopStatic'), 'RegionalDomainName'] } }],
    });
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::GetAtt': [shopId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('lets the deploy role invalidate each clone, and nothing else', () => {
    const { stacks } = build();
    const template = Template.fromStack(stacks.clones);
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: ['site-deploy'] } }));
    assert.equal(policies.length, 1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    const ids = stacks.clones.clones.map((c) => stacks.clones.getLogicalId(c.resource.node.defaultChild as CfnResource));
    assert.deepEqual(statements, [
      { Action: 'cloudfront:CreateInvalidation', Effect: 'Allow', Resource: ids.sort().map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
    ]);
  });

  it('serves the REST API from the clones stack, on the same provider, when configured', () => {
    const { stacks } = build();
    assert.ok(stacks.clones.api, 'the api');
    const template = Template.fromStack(stacks.clones);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'cfclone-example' });
    const { api: _, ...without } = exampleConfig();
    assert.equal(build(without).stacks.clones.api, undefined);
  });

  it('refuses staticBucket on a clone of another reference, naming it', () => {
    const config = exampleConfig();
    const changed = { ...config, clones: [{ ...config.clones[0], referenceDistributionId: 'E2QWRUHAPOMQZL' }] };
    assert.throws(() => checkConfig(changed, 'clones.json'), { name: 'ConfigError', message: /clones\[0\]\.staticBucket \(Shop\) needs the example reference/ });
  });

  it('leaves the example reference out when the configuration has none', () => {
    const config = exampleConfig();
    const { referenceApi: _, ...rest } = config;
    const clones = config.clones.map(({ staticBucket: _s, ...c }) => ({ ...c, referenceDistributionId: 'E2QWRUHAPOMQZL' }));
    const { stacks } = build({ ...rest, clones });
    assert.equal(stacks.reference, undefined);
    assert.equal(stacks.stacks.length, 2);
  });

  it('has no cdk-nag AwsSolutions finding left: each one is fixed or acknowledged with a reason', () => {
    const { app } = build();
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    assert.deepEqual(findings, []);
  });

  it('builds from config/clones.json with no cdk-nag finding left', () => {
    const { app, stacks } = build(loadConfig(APP_CONFIG_FILE));
    app.synth();
    assert.ok(stacks.stacks.length >= 2);
    assert.deepEqual(new AwsSolutionsChecks(app).validateScope(app).violations, []);
  });

  it('matches the committed snapshot of the clones stack (UPDATE_SNAPSHOTS=1 rewrites it)', () => {
    const { stacks } = build();
    const actual = `${JSON.stringify(Template.fromStack(stacks.clones).toJSON(), null, 2)}\n`;
    if (UPDATE_SNAPSHOTS || !fs.existsSync(SNAPSHOT)) {
      fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
      fs.writeFileSync(SNAPSHOT, actual);
      return;
    }
    assert.equal(
      actual,
      fs.readFileSync(SNAPSHOT, 'utf8'),
      'the clones stack changed; review the diff, then run the tests with UPDATE_SNAPSHOTS=1',
    );
  });
});

describe('the configuration file', () => {
  const cases: [string, (c: AppConfig) => unknown, RegExp][] = [
    ['an account that is no account id', (c) => ({ ...c, account: '1234' }), /"account" must be a 12-digit AWS account id/],
    ['the consumer in the clones region', (c) => ({ ...c, consumerRegion: c.clonesRegion }), /"consumerRegion" should differ/],
    [
      "SSM regions that leave out the consumer's",
      (c) => ({ ...c, clones: [{ ...c.clones[0], ssmRegions: ['eu-west-1'] }] }),
      /clones\[0\]\.ssmRegions \(Shop\) must include the consumer region us-east-1/,
    ],
    [
      'an alias outside the DNS zone',
      (c) => ({ ...c, clones: [{ ...c.clones[0], aliases: ['shop.example.org'] }] }),
      /clones\[0\]\.aliases: "shop\.example\.org" is not in the zone example\.com/,
    ],
    ['two clones with one id', (c) => ({ ...c, clones: [c.clones[0], c.clones[0]] }), /clones\[1\]\.id "Shop" appears twice/],
  ];
  for (const [what, change, message] of cases) {
    it(`refuses ${what}`, () => {
      assert.throws(() => checkConfig(change(exampleConfig()), 'clones.json'), { name: 'ConfigError', message });
    });
  }
});

describe('cdk synth of bin/cfclone.ts', () => {
  /** Runs the app as the CDK CLI does, with `context` as CDK_CONTEXT_JSON. */
  function synth(env: Record<string, string>, context: Record<string, string> = {}) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfclone-cdk-out-'));
    try {
      return spawnSync(process.execPath, ['--import', 'tsx', 'bin/cfclone.ts'], {
        cwd: CDK_DIR,
        encoding: 'utf8',
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context), ...env },
      });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  it('fails without the Lambda build, printing the build command and no stack trace', () => {
    const result = synth({ CFCLONE_PROVIDER_ZIP: path.join(os.tmpdir(), 'cfclone-missing', 'bootstrap.zip') });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /the provider's Lambda zip is missing/);
    assert.match(result.stderr, /^ {2}scripts\/construct-package build$/m);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  });

  it('fails on an invalid clone prop in the configuration, naming the prop', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfclone-config-'));
    const config = exampleConfig();
    const file = path.join(dir, 'clones.json');
    fs.writeFileSync(file, JSON.stringify({ ...config, clones: [{ ...config.clones[0], aliases: ['Shop.Example.com'] }] }));
    try {
      const result = synth({ CFCLONE_PROVIDER_ZIP: path.join(os.tmpdir(), 'cfclone-missing', 'bootstrap.zip') }, { config: file });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /ClonedDistribution aliases: "Shop\.Example\.com" must be lowercase/);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
