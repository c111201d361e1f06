// examples/provider.yaml, the provider without the CDK: it grants what the construct grants,
// each optional grant under its condition.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ClonesApi } from '../lib/api';
import { ClonedDistribution } from '../lib/cloned-distribution';
import type { ClonedDistributionProviderProps } from '../lib/provider-props';
import { REPO_ROOT, newApp, newStack } from './helpers';
import { shop, everyGrant, stackWithProvider, type Statement, statements, actionsOf } from './provider-helpers';

describe('examples/provider.yaml', () => {
  /**
   * The template as `aws cloudformation package` leaves it: the local zip path of the
   * function's Code uploaded and replaced by its S3 location (CfnInclude, like CloudFormation,
   * takes only that form).
   */
  function packagedTemplate(): string {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'provider.yaml'), 'utf8');
    const local = 'Code: ../target/lambda/arm64/cfclone-provider/bootstrap.zip';
    assert.ok(source.includes(local), `provider.yaml's function has ${local}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfclone-provider-yaml-'));
    const file = path.join(dir, 'provider.packaged.yaml');
    fs.writeFileSync(file, source.replace(local, 'Code: { S3Bucket: my-bucket, S3Key: 0123456789abcdef }'));
    return file;
  }

  /** The template's role and self-invoke statements, each with the condition it is granted under. */
  function templateStatements(): { condition?: string; statement: Statement }[] {
    const stack = new Stack(newApp(), 'ProviderYaml');
    const file = packagedTemplate();
    new cfninc.CfnInclude(stack, 'Template', { templateFile: file });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Type: string; Condition?: string; Properties: any }
    >;
    // A policy resource with a condition grants all its statements under it.
    const documents = Object.values(resources).flatMap((r) => {
      if (r.Type === 'AWS::IAM::Role') return (r.Properties.Policies ?? []).map((p: any) => ({ document: p.PolicyDocument }));
      if (r.Type === 'AWS::IAM::Policy') return [{ document: r.Properties.PolicyDocument, condition: r.Condition }];
      return [];
    });
    return documents.flatMap(({ document, condition }: { document: any; condition?: string }) =>
      (document.Statement as any[]).map((s) => {
        const conditional = s['Fn::If'];
        if (conditional === undefined) return { condition, statement: s };
        assert.equal(condition, undefined, 'a conditional statement lies in an unconditional policy');
        assert.deepEqual(conditional[2], { Ref: 'AWS::NoValue' }, 'a conditional statement is granted or left out');
        return { condition: conditional[0] as string, statement: conditional[1] };
      }),
    );
  }

  const actionSet = (list: Statement[]) => [...new Set(list.flatMap(actionsOf))].sort();
  const constructActions = (props: ClonedDistributionProviderProps) => actionSet(statements(Template.fromStack(stackWithProvider(props))));

  it('grants the same actions as the construct', () => {
    const unconditional = templateStatements().filter((s) => s.condition === undefined);
    assert.deepEqual(actionSet(unconditional.map((s) => s.statement)), constructActions({}));
  });

  // Each optional grant: the template's parameter (a condition guards it) and the construct's prop.
  const optional: [string, ClonedDistributionProviderProps][] = [
    ['HasLogBuckets', { logBuckets: everyGrant.logBuckets }],
    ['HasEdgeFunctions', { edgeFunctionArns: everyGrant.edgeFunctionArns }],
    ['HasVpcOrigins', { vpcOriginIds: everyGrant.vpcOriginIds }],
    ['HasWebAcls', { webAclArns: everyGrant.webAclArns }],
  ];
  for (const [condition, props] of optional) {
    it(`grants under ${condition} what the construct grants for ${Object.keys(props)[0]}`, () => {
      const granted = templateStatements().filter((s) => s.condition === condition).map((s) => s.statement);
      assert.ok(granted.length > 0, `a statement is granted under ${condition}`);
      const extra = constructActions(props).filter((a) => !constructActions({}).includes(a));
      assert.deepEqual(actionSet(granted), extra);
    });
  }

  it('grants under HasAutomaticSync what the construct grants for autoSync, with a rule and its permission', () => {
    const granted = templateStatements().filter((s) => s.condition === 'HasAutomaticSync').map((s) => s.statement);
    const synced = newStack(newApp(), 'Synced', 'us-east-1');
    new ClonedDistribution(synced, 'Shop', { ...shop, autoSync: true });
    const extra = actionSet(statements(Template.fromStack(synced))).filter((a) => !constructActions({}).includes(a));
    assert.deepEqual(actionSet(granted), extra);
    const template = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'provider.yaml'), 'utf8');
    for (const resource of ['SyncRule:', 'SyncRulePermission:', 'AutomaticSyncOnlyInUsEast1:']) {
      assert.ok(template.includes(resource), `provider.yaml has ${resource}`);
    }
  });

  it('grants under ServesRestApi what ClonesApi grants, the changes only on clones tagged with the function ARN', () => {
    const granted = templateStatements().filter((s) => s.condition === 'ServesRestApi').map((s) => s.statement);
    const stack = stackWithProvider({});
    new ClonesApi(stack, 'Api', { domainPrefix: 'shop-cfclone' });
    const apiStatements = statements(Template.fromStack(stack));
    const bySid = (list: Statement[]) => new Map(list.map((s) => [s.Sid, actionsOf(s).sort()]));
    const apiSids = new Set(['ApiListDistributions', 'ApiPlanAliases', 'ChangeApiClones', 'UntagApiClones']);
    assert.deepEqual(
      [...bySid(granted)].sort(),
      [...bySid(apiStatements)].filter(([sid]) => apiSids.has(sid ?? '')).sort(),
    );
    const owned = { 'aws:ResourceTag/cfclone:stack-id': { 'Fn::GetAtt': 'Function.Arn' } };
    assert.deepEqual(granted.find((s) => s.Sid === 'ChangeApiClones')?.Condition, { StringEquals: owned });
    assert.deepEqual(granted.find((s) => s.Sid === 'UntagApiClones')?.Condition, {
      StringEquals: owned,
      'ForAllValues:StringNotLike': { 'aws:TagKeys': 'cfclone:*' },
    });
  });

  /** The actions a clone with `certificateValidation` adds, with and without a hosted zone. */
  function certificateActions(withZone: boolean): string[] {
    const stack = stackWithProvider({});
    const hostedZones = withZone
      ? [route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' })]
      : [];
    new ClonedDistribution(stack, 'Requesting', {
      ...shop,
      aliases: ['new.example.com'],
      certificateValidation: { hostedZones },
    });
    return actionSet(statements(Template.fromStack(stack))).filter((a) => !constructActions({}).includes(a));
  }

  it('grants under RequestsCertificates and HasValidationZones what a clone with certificateValidation adds', () => {
    // Beyond what the provider has anyway (SSM actions, on other parameters).
    const under = (condition: string) =>
      actionSet(templateStatements().filter((s) => s.condition === condition).map((s) => s.statement)).filter(
        (a) => !constructActions({}).includes(a),
      );
    assert.deepEqual(under('RequestsCertificates'), certificateActions(false));
    assert.deepEqual(
      [...under('RequestsCertificates'), ...under('HasValidationZones')].sort(),
      certificateActions(true),
    );
    const all = templateStatements().map((s) => s.statement);
    const records = all.find((s) => actionsOf(s).includes('route53:ChangeResourceRecordSets'));
    assert.deepEqual(records?.Condition, {
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsRecordTypes': 'CNAME',
        'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
      },
      'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': '_*' },
    });
    const request = all.find((s) => actionsOf(s).includes('acm:RequestCertificate'));
    assert.deepEqual(request?.Condition, { StringEquals: { 'acm:ValidationMethod': 'DNS' } });
  });

  it('grants nothing else under a condition', () => {
    const conditions = new Set(templateStatements().flatMap((s) => (s.condition === undefined ? [] : [s.condition])));
    assert.deepEqual(
      [...conditions].sort(),
      [...optional.map(([c]) => c), 'RequestsCertificates', 'HasValidationZones', 'ServesRestApi'].sort(),
    );
  });

  it('removes tags only from owned clones and never an ownership tag, and invokes its function and its qualified ARNs', () => {
    const all = templateStatements().map((s) => s.statement);
    const untag = all.find((s) => actionsOf(s).includes('cloudfront:UntagResource'));
    assert.ok(untag);
    assert.deepEqual(untag.Condition, {
      StringLike: {
        'aws:ResourceTag/cfclone:stack-id': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*' },
      },
      'ForAllValues:StringNotLike': { 'aws:TagKeys': 'cfclone:*' },
    });
    const invoke = all.find((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    assert.deepEqual(invoke?.Resource, [{ 'Fn::GetAtt': 'Function.Arn' }, { 'Fn::Sub': '${Function.Arn}:*' }]);
  });
});
