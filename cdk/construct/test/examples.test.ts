// The sample events in examples/events/: real CloudFormation request shapes, with every value
// a string (or a list of strings, or of string objects) as CloudFormation sends them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import * as yaml from 'yaml';
import { PROPERTY_NAMES, RESOURCE_TYPE } from '../lib/schema';
import { REPO_ROOT, newApp } from './helpers';

const EVENTS = path.join(REPO_ROOT, 'examples', 'events');
const read = (name: string) => JSON.parse(fs.readFileSync(path.join(EVENTS, name), 'utf8'));

/** CloudFormation's short forms (!Ref, !Sub, …) as the long ones, for reading templates. */
const CLOUDFORMATION_TAGS: yaml.Tags = ['Ref', 'Condition', 'GetAtt', 'Sub', 'Join', 'If', 'Not', 'Equals', 'Select', 'Split', 'Or', 'And', 'FindInMap', 'ImportValue', 'Base64', 'Cidr', 'GetAZs'].flatMap(
  (name) => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    const resolve = (value: unknown) => ({ [key]: value });
    return [
      { tag: `!${name}`, resolve: (value: string) => resolve(value) },
      { tag: `!${name}`, collection: 'seq' as const, resolve: (value: { toJSON(): unknown }) => resolve(value.toJSON()) },
      { tag: `!${name}`, collection: 'map' as const, resolve: (value: { toJSON(): unknown }) => resolve(value.toJSON()) },
    ];
  },
);

const ENVELOPE = ['RequestType', 'ServiceToken', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId', 'ResourceType', 'ResourceProperties'];

function assertCloudFormationStrings(properties: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(properties)) {
    assert.ok((PROPERTY_NAMES as readonly string[]).includes(key), `${where}: ${key} is a property of ${RESOURCE_TYPE}`);
    const ok =
      typeof value === 'string' ||
      (Array.isArray(value) &&
        value.every(
          (item) =>
            typeof item === 'string' ||
            (typeof item === 'object' && item !== null && Object.values(item).every((v) => typeof v === 'string')),
        ));
    assert.ok(ok, `${where}: ${key} holds strings only, as CloudFormation sends it`);
  }
}

describe('the sample events', () => {
  for (const [file, type, extra] of [
    ['cloudformation-create-request.json', 'Create', []],
    ['cloudformation-update-request.json', 'Update', ['PhysicalResourceId', 'OldResourceProperties']],
    ['cloudformation-delete-request.json', 'Delete', ['PhysicalResourceId']],
  ] as const) {
    it(`${file} is a ${type} request with the envelope CloudFormation sends`, () => {
      const event = read(file);
      assert.deepEqual(Object.keys(event).sort(), [...ENVELOPE, ...extra].sort());
      assert.equal(event.RequestType, type);
      assert.equal(event.ResourceType, RESOURCE_TYPE);
      assert.equal(event.ResourceProperties.ServiceToken, event.ServiceToken);
      assert.match(event.StackId, /^arn:aws:cloudformation:[a-z0-9-]+:\d{12}:stack\/[^/]+\/[0-9a-f-]{36}$/);
      assert.match(event.ResponseURL, /^https:\/\/cloudformation-custom-resource-response-/);
      assertCloudFormationStrings(event.ResourceProperties, `${file} ResourceProperties`);
      if (event.OldResourceProperties) assertCloudFormationStrings(event.OldResourceProperties, `${file} OldResourceProperties`);
    });
  }

  it('create clones EREFERENCE12345 for shop.example.com with its outputs under /cfclone/shop', () => {
    const { ResourceProperties: p } = read('cloudformation-create-request.json');
    assert.equal(p.ReferenceDistributionId, 'EREFERENCE12345');
    assert.deepEqual(p.Aliases, ['shop.example.com']);
    assert.equal(p.OriginDomainName, 'shop-origin.example.com');
    assert.equal(p.SsmParameterPrefix, '/cfclone/shop');
  });

  it('update and delete address the clone the create made, in the same stack', () => {
    const create = read('cloudformation-create-request.json');
    const update = read('cloudformation-update-request.json');
    const remove = read('cloudformation-delete-request.json');
    assert.deepEqual(update.OldResourceProperties, create.ResourceProperties);
    assert.deepEqual(remove.ResourceProperties, update.ResourceProperties);
    assert.equal(update.PhysicalResourceId, remove.PhysicalResourceId);
    for (const e of [update, remove]) {
      assert.equal(e.StackId, create.StackId);
      assert.equal(e.LogicalResourceId, create.LogicalResourceId);
      assert.notEqual(e.RequestId, create.RequestId);
    }
  });
});

describe('examples/clones.yaml', () => {
  function template() {
    const stack = new Stack(newApp(), 'ClonesYaml');
    new cfninc.CfnInclude(stack, 'Template', { templateFile: path.join(REPO_ROOT, 'examples', 'clones.yaml') });
    return Template.fromStack(stack);
  }

  it('can own an origin-access bucket policy that lets the reference and both clones read, retained on deletion', () => {
    const policies = template().findResources('AWS::S3::BucketPolicy');
    assert.deepEqual(Object.keys(policies), ['OriginAccessBucketPolicy']);
    const policy = policies.OriginAccessBucketPolicy;
    assert.equal(policy.Condition, 'HasOriginAccessBucket');
    assert.equal(policy.DeletionPolicy, 'Retain');
    const [statement] = policy.Properties.PolicyDocument.Statement;
    assert.deepEqual(statement.Principal, { Service: 'cloudfront.amazonaws.com' });
    assert.equal(statement.Action, 's3:GetObject');
    assert.deepEqual(statement.Condition.StringEquals['AWS:SourceArn'], [
      { 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ReferenceDistributionId}' },
      { 'Fn::GetAtt': 'ShopDistribution.Arn' },
      { 'Fn::GetAtt': 'BlogDistribution.Arn' },
    ]);
  });

  it('writes no bucket policy unless a bucket is named', () => {
    const stack = new Stack(newApp(), 'ClonesYaml');
    new cfninc.CfnInclude(stack, 'Template', { templateFile: path.join(REPO_ROOT, 'examples', 'clones.yaml') });
    const conditions = Template.fromStack(stack).toJSON().Conditions;
    assert.deepEqual(conditions.HasOriginAccessBucket, { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OriginAccessBucket' }, ''] }] });
    assert.equal(Template.fromStack(stack).toJSON().Parameters.OriginAccessBucket.Default, '');
  });
});

describe('examples/provider.yaml as a Serverless Application Repository application', () => {
  const file = path.join(REPO_ROOT, 'examples', 'provider.yaml');
  const template = yaml.parse(fs.readFileSync(file, 'utf8'), { customTags: CLOUDFORMATION_TAGS });
  const app = template.Metadata['AWS::ServerlessRepo::Application'];

  it('declares the SAM transform, the one SAR accepts', () => {
    assert.equal(template.Transform, 'AWS::Serverless-2016-10-31');
  });

  it("has the metadata `sam publish` requires, within SAR's limits", () => {
    // The limits of CreateApplication (botocore serverlessrepo/2017-09-08; SAM's metadata docs).
    assert.match(app.Name, /^[a-zA-Z0-9-]{1,140}$/);
    assert.ok(app.Description.length >= 1 && app.Description.length <= 256, `Description is ${app.Description.length} characters`);
    assert.match(app.Author, /^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/);
    assert.ok(app.Author.length <= 127);
    assert.ok(app.Labels.length <= 10);
    for (const label of app.Labels) assert.match(label, /^[a-zA-Z0-9+\-_:/@]{1,127}$/);
    assert.equal(app.SpdxLicenseId, 'Apache-2.0');
    // Intrinsic functions are not allowed in this section.
    assert.doesNotMatch(JSON.stringify(app), /"(Ref|Fn::[A-Za-z]+)"/);
  });

  it('points at files that exist, which `sam package` uploads', () => {
    for (const key of ['LicenseUrl', 'ReadmeUrl']) {
      assert.ok(fs.existsSync(path.resolve(path.dirname(file), app[key])), `${key} ${app[key]} exists next to the template`);
    }
  });

  it('publishes the version the crates and the construct package carry', () => {
    const cargo = fs.readFileSync(path.join(REPO_ROOT, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)?.[1];
    const construct = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk', 'construct', 'package.json'), 'utf8')).version;
    assert.equal(app.SemanticVersion, cargo);
    assert.equal(app.SemanticVersion, construct);
  });

  it('carries the zip scripts/lambda-zip builds, for arm64', () => {
    const fn = template.Resources.Function.Properties;
    assert.equal(path.resolve(path.dirname(file), fn.Code), path.join(REPO_ROOT, 'target', 'lambda', 'arm64', 'cfclone-provider', 'bootstrap.zip'));
    assert.deepEqual(fn.Architectures, ['arm64']);
  });

  it('grants none of the IAM actions SAR refuses to publish (iam:*, iam:PutRolePolicy, iam:AttachRolePolicy)', () => {
    const actions = new Set(JSON.stringify(template.Resources).match(/"iam:[A-Za-z*]+"/g));
    // The one IAM action: the Lambda@Edge and CloudFront logging service-linked roles (and its
    // condition key, iam:AWSServiceName).
    assert.deepEqual([...actions].sort(), ['"iam:AWSServiceName"', '"iam:CreateServiceLinkedRole"']);
  });
});
